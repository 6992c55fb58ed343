"""Secrets stay out of what people read: reports, failure text, `serve` output.

The API key never enters the call log (not even echoed in a body); other secret
headers keep their values in `Call.headers`, for tests to assert on, and read
`[redacted]` wherever a call is shown, their echoes in bodies included.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer
from pytest_postman_mock.calls.redaction import REDACTED_HEADERS
from pytest_postman_mock.report.records import call_record

from . import builders
from .conftest import start_serve

KEY = "k3y-hunter2-secret"
SECRETS = [KEY, "tok-authorization-1", "tok-cookie-2", "tok-proxy-3", "tok-session-4", "tok-set"]


def call_whoami(server: MockServer) -> requests.Response:
    headers = {"x-api-key": KEY, **builders.SECRET_HEADERS}
    return requests.get(server.url_for("/whoami"), headers=headers, timeout=5)


def test_the_key_never_enters_the_call_log_but_other_headers_stay_assertable(
    tmp_path: Path,
) -> None:
    with MockServer(builders.secrets_api(tmp_path), api_key=KEY) as server:
        response = call_whoami(server)
        assert response.json() == {"key": KEY, "auth": "Bearer tok-authorization-1"}  # the wire
        call = server.calls.last
    assert KEY not in repr(call) and KEY.encode() not in call.response_body
    assert json.loads(call.response_body)["key"] == "[redacted]"
    assert call.header("x-api-key") == "[redacted]"
    assert call.header("Authorization") == "Bearer tok-authorization-1"  # a test may assert it
    for secret in ("tok-authorization-1", "tok-cookie-2", "tok-proxy-3", "tok-set-cookie-5"):
        assert secret not in repr(call), secret  # what pytest prints when an assert fails
    record = json.dumps(call_record(call))
    for secret in SECRETS:
        if secret != "tok-session-4":  # X-Session is redacted only when the setting lists it
            assert secret not in record, secret
    shown = {k.lower(): v for k, v in call_record(call)["request"]["headers"]}
    assert {name: shown[name] for name in REDACTED_HEADERS if name in shown} == {
        "x-api-key": "[redacted]",
        "authorization": "[redacted]",
        "cookie": "[redacted]",
        "proxy-authorization": "[redacted]",
    }
    assert shown["x-session"] == "tok-session-4"  # not a listed header unless the setting says


def test_the_reports_redact_each_listed_header_and_the_echoes(
    pytester: pytest.Pytester, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    api = builders.secrets_api(tmp_path)
    # the secrets reach the test through the environment: a traceback quotes its source
    monkeypatch.setenv("SECRET_HEADERS", json.dumps({"x-api-key": KEY, **builders.SECRET_HEADERS}))
    pytester.makeini(
        f"[pytest]\npostman_mock_collection = {api}\npostman_mock_api_key = {KEY}\n"
        "postman_mock_redact_headers = X-Session\n"
    )
    pytester.makepyfile(
        test_secrets="""
        import json, os, requests

        def test_calls(postman_mock):
            headers = json.loads(os.environ["SECRET_HEADERS"])
            requests.get(postman_mock.url_for("/whoami"), headers=headers)
            requests.get(postman_mock.url_for("/nowhere"), headers=headers)
            assert postman_mock.calls[0].header("Cookie") == headers["Cookie"]
            assert False, "show the calls"
        """
    )
    result = pytester.runpytest_subprocess(
        "--postman-mock-strict=false", "--postman-mock-report=r.json", "-rA"
    )
    result.assert_outcomes(failed=1)
    output = result.stdout.str() + result.stderr.str()
    assert "AssertionError: show the calls" in output
    pytester.runpytest_subprocess("--postman-mock-report=r.html")
    for name in ("r.json", "r.html"):
        text = (pytester.path / name).read_text()
        assert "[redacted]" in text
        for secret in SECRETS:
            assert secret not in text, (name, secret)
    for secret in SECRETS:
        assert secret not in output, secret
    [collection] = json.loads((pytester.path / "r.json").read_text())["collections"]
    first = collection["calls"][0]
    assert dict(first["request"]["headers"])["X-Session"] == "[redacted]"
    assert dict(first["response"]["headers"])["Set-Cookie"] == "[redacted]"
    assert json.loads(first["response"]["body"]["text"]) == {
        "key": "[redacted]",
        "auth": "[redacted]",
    }


def test_serve_output_never_shows_the_key(tmp_path: Path) -> None:
    serve = start_serve(str(builders.secrets_api(tmp_path)), "--api-key", KEY, "--port", "0")
    try:
        assert serve.stdout is not None
        url = serve.stdout.readline().strip().rsplit(" ", 1)[-1]
        requests.get(f"{url}/whoami?token={KEY}", headers={"x-api-key": KEY}, timeout=5)
        line = serve.stdout.readline()
    finally:
        serve.terminate()
        serve.communicate(timeout=10)
    assert "/whoami?token=%5Bredacted%5D" in line and KEY not in line


def test_a_keyless_preflight_on_a_private_mock_gets_the_mocks_own_answer(
    tmp_path: Path,
) -> None:
    doc = builders.collection(
        builders.request(
            "Options",
            "https://x.test/things",
            builders.example(
                "Custom OPTIONS", "https://x.test/things", method="OPTIONS", body="example body"
            ),
            method="OPTIONS",
        ),
    )
    path = builders.write(tmp_path / "options.json", doc)
    preflight = {"Origin": "http://app.test", "Access-Control-Request-Method": "OPTIONS"}
    with MockServer(path, api_key=KEY) as server:
        url = server.url_for("/things")
        keyless = requests.options(url, headers=preflight, timeout=5)
        assert (keyless.status_code, keyless.text) == (204, "")
        assert keyless.headers["Access-Control-Allow-Origin"] == "*"
        assert server.calls.last.kind == "preflight"
        keyed = requests.options(url, headers={**preflight, "x-api-key": KEY}, timeout=5)
        assert (keyed.status_code, keyed.text) == (200, "example body")
        assert requests.options(url, timeout=5).status_code == 401  # plain OPTIONS, no key
