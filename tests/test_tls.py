"""HTTPS through a real server: a test CA's certificate, trusted by requests, httpx and curl;
keep-alive, bodies and behaviors over TLS; a clear answer to plain HTTP on the TLS port."""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import requests
import trustme

from pytest_postman_mock import MockServer

from . import builders
from .conftest import start_serve

pytest_plugins = ["pytester"]
TIMEOUT = 5.0


def api(folder: Path) -> Path:
    doc = builders.collection(
        builders.request(
            "Hello",
            "{{baseUrl}}/hello",
            builders.json_example("Hello", "{{baseUrl}}/hello", {"hello": "world"}),
        ),
        builders.request(
            "Echo",
            "{{baseUrl}}/echo",
            builders.json_example("Echo", "{{baseUrl}}/echo", {"got": "{{$body}}"}, method="POST"),
            method="POST",
        ),
    )
    return builders.write(folder / "api.postman_collection.json", doc)


@pytest.fixture
def secure(tmp_path: Path) -> Iterator[MockServer]:
    with MockServer(api(tmp_path), tls=True) as server:
        yield server


def test_requests_trusts_the_mock_with_its_ca_bundle(secure: MockServer) -> None:
    assert secure.url.startswith("https://127.0.0.1:")
    assert Path(secure.ca_bundle or "").read_text().startswith("-----BEGIN CERTIFICATE-----")
    answer = requests.get(secure.url_for("/hello"), verify=secure.ca_bundle, timeout=TIMEOUT)
    assert answer.json() == {"hello": "world"}
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(secure.url_for("/hello"), timeout=TIMEOUT)  # not a public CA's


def test_httpx_trusts_the_mock_with_its_ssl_context(secure: MockServer) -> None:
    with httpx.Client(verify=secure.ssl_context(), timeout=TIMEOUT) as client:
        assert client.get(secure.url_for("/hello")).json() == {"hello": "world"}
        answer = client.post(secure.url_for("/echo"), content=b"x" * 100_000)
    assert answer.status_code == 200
    assert secure.calls[-1].body == b"x" * 100_000


def test_one_tls_connection_carries_several_requests(secure: MockServer) -> None:
    connection = http.client.HTTPSConnection(
        "127.0.0.1", secure.port, context=secure.ssl_context(), timeout=TIMEOUT
    )
    try:
        connection.request("GET", "/hello")
        first = connection.getresponse()
        assert json.loads(first.read()) == {"hello": "world"}
        sock = connection.sock
        connection.request("POST", "/echo", body=b'{"n": 1}')
        second = connection.getresponse()
        assert second.status == 200 and second.read()
        assert connection.sock is sock  # the same TLS connection, kept alive
    finally:
        connection.close()
    assert [c.method for c in secure.calls] == ["GET", "POST"]


def test_behaviors_and_faults_work_over_tls(tmp_path: Path) -> None:
    with MockServer(api(tmp_path), tls=True, rate_limit="1/min") as server:
        verify = server.ca_bundle
        assert requests.get(server.url_for("/hello"), verify=verify, timeout=TIMEOUT).ok
        limited = requests.get(server.url_for("/hello"), verify=verify, timeout=TIMEOUT)
        assert limited.status_code == 429 and limited.headers["Retry-After"]
        server.behaviors(rate_limit=None)
        server.route("GET", "/cut", json={"items": list(range(100))}, fault="truncate")
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            requests.get(server.url_for("/cut"), verify=verify, timeout=TIMEOUT)


def test_plain_http_on_the_tls_port_gets_a_clear_answer(secure: MockServer) -> None:
    plain = secure.url.replace("https://", "http://")
    answer = requests.get(plain + "/hello", timeout=TIMEOUT)
    assert answer.status_code == 400
    assert "this port speaks HTTPS" in answer.text
    assert requests.get(secure.url_for("/hello"), verify=secure.ca_bundle, timeout=TIMEOUT).ok


def test_a_missing_trustme_is_an_error_naming_the_extra(tmp_path: Path) -> None:
    script = (
        "import sys; sys.modules['trustme'] = None\n"
        "from pytest_postman_mock import MockServer\n"
        "from pytest_postman_mock.errors import ServerError\n"
        f"try:\n    MockServer({str(api(tmp_path))!r}, tls=True).start()\n"
        "except ServerError as problem:\n    print(problem)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    ).stdout
    assert "needs the trustme package: pip install 'pytest-postman-mock[tls]'" in out


def test_tls_in_pytest_from_marker_ini_and_command_line(pytester: pytest.Pytester) -> None:
    api(pytester.path)
    pytester.makeini("[pytest]\npostman_mock_collection = api.postman_collection.json\n")
    pytester.makepyfile(
        """
        import http.client, json, pytest, requests

        # httpx is not imported in here: pytester forgets modules first imported in an
        # inner run, which would leave the outer httpx with stale httpcore exceptions.
        def check(mock):
            assert mock.url.startswith("https://")
            assert requests.get(mock.url_for("/hello"), verify=mock.ca_bundle).ok
            https = http.client.HTTPSConnection("127.0.0.1", mock.server.port,
                                                context=mock.ssl_context())
            https.request("GET", "/hello")
            assert json.loads(https.getresponse().read()) == {"hello": "world"}
            https.close()

        @pytest.mark.postman_mock(tls=True)
        def test_marker(postman_mock):
            check(postman_mock)

        def test_run_wide(postman_mock, request):
            if request.config.getoption("postman_mock_tls"):
                check(postman_mock)
            else:
                assert postman_mock.url.startswith("http://") and postman_mock.ca_bundle is None
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)
    pytester.runpytest("--postman-mock-tls", "true").assert_outcomes(passed=2)
    pytester.makeini(
        "[pytest]\npostman_mock_collection = api.postman_collection.json\npostman_mock_tls = true\n"
    )
    pytester.makepyfile(
        test_ini="def test_ini(postman_mock):\n    assert postman_mock.url.startswith('https')\n"
    )
    pytester.runpytest("test_ini.py").assert_outcomes(passed=1)


def serve_and_read(*args: str) -> tuple[subprocess.Popen[str], str, str | None]:
    """Start serve; its URL and, with TLS, the CA bundle it printed."""
    process = start_serve(*args, "--no-viewer")
    assert process.stdout is not None
    url, bundle = "", None
    for _ in range(5):
        line = process.stdout.readline()
        if line.startswith("Serving"):
            url = line.rsplit(" at ", 1)[1].strip()
        if line.startswith("HTTPS: clients trust it with the CA bundle "):
            bundle = line.rsplit(" ", 1)[1].strip()
        if line.startswith("HTTPS"):
            break
    return process, url, bundle


def curl(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["curl", "-sS", "--max-time", "10", *args, url], capture_output=True, text=True, timeout=30
    )


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_serve_tls_prints_the_ca_bundle_that_curl_trusts(tmp_path: Path) -> None:
    process, url, bundle = serve_and_read(str(api(tmp_path)), "--tls")
    try:
        assert url.startswith("https://") and bundle is not None
        done = curl(url + "/hello", "--cacert", bundle)
        assert json.loads(done.stdout) == {"hello": "world"}, done.stderr
        assert curl(url + "/hello").returncode != 0  # without the bundle: not trusted
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_serve_takes_its_own_cert_and_key(tmp_path: Path) -> None:
    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1")
    cert, key, ca = tmp_path / "cert.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    issued.cert_chain_pems[0].write_to_path(str(cert))
    issued.private_key_pem.write_to_path(str(key))
    authority.cert_pem.write_to_path(str(ca))
    process, url, bundle = serve_and_read(
        str(api(tmp_path)), "--cert", str(cert), "--key", str(key)
    )
    try:
        assert url.startswith("https://") and bundle is None  # clients trust it their own way
        assert json.loads(curl(url + "/hello", "--cacert", str(ca)).stdout) == {"hello": "world"}
    finally:
        process.terminate()
        process.communicate(timeout=10)
