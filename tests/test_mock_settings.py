"""Postman's mock settings over real HTTP: delay, private mocks, CORS, outages, HEAD."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import Kind, MockServer, SettingsError

from . import builders
from .conftest import start_serve


@pytest.fixture
def cors_api(tmp_path: Path) -> Path:
    doc = builders.collection(
        builders.request(
            "Widget",
            "https://x.test/widgets/1",
            builders.json_example(
                "Widget",
                "https://x.test/widgets/1",
                {"id": 1},
                headers={"X-Total-Count": "1", "ETag": '"w1"'},
            ),
        ),
        builders.request(
            "Own origin",
            "https://x.test/own",
            builders.example(
                "Own origin",
                "https://x.test/own",
                body="mine",
                headers={"Access-Control-Allow-Origin": "https://app.test"},
            ),
        ),
        builders.request(
            "Options",
            "https://x.test/options-example",
            builders.example(
                "Options example",
                "https://x.test/options-example",
                method="OPTIONS",
                code=200,
                body="from the collection",
            ),
            method="OPTIONS",
        ),
    )
    return builders.write(tmp_path / "cors.postman_collection.json", doc)


# -- delay ------------------------------------------------------------------------------------


def test_configured_delay_holds_only_its_own_request(users_api: Path) -> None:
    held = threading.Event()

    def note_held(request, example, response):  # type: ignore[no-untyped-def]
        if request.headers.get("x-mock-response-delay") == "180000":
            held.set()  # the long call has reached its delay
        return None

    with MockServer(users_api, delay=300) as server:
        server.app.response_hook = note_held

        # One call held for the longest delay Postman allows; stopping the server cuts it short
        # (its client may then see the connection close: that is not what this test is about).
        def held_call() -> None:
            headers = {"x-mock-response-delay": "180000"}
            with contextlib.suppress(requests.ConnectionError):
                requests.get(server.url_for("/users/1"), headers=headers, timeout=60)

        slow = threading.Thread(target=held_call)
        slow.start()
        assert held.wait(timeout=10)
        threads = [
            threading.Thread(
                target=requests.get, args=(server.url_for("/users"),), kwargs={"timeout": 10}
            )
            for _ in range(10)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        # Ten calls held 300 ms each were answered while the long one was still held.
        assert not any(thread.is_alive() for thread in threads)
        assert slow.is_alive()
        answered = [c for c in server.calls if c.path == "/users"]
    slow.join(timeout=30)
    assert not slow.is_alive()
    assert len(answered) == 10
    assert all(c.duration_ms >= 300 for c in answered)


@pytest.mark.parametrize(("value", "expected"), [("2g", 300), ("3g", 100), ("250", 250), (0, 0)])
def test_delay_presets_and_milliseconds(users_api: Path, value: object, expected: int) -> None:
    assert MockServer(users_api, delay=value).settings.delay == expected


def test_per_call_delay_header_overrides_the_setting(users_server: MockServer) -> None:
    requests.get(
        users_server.url_for("/users"), headers={"x-mock-response-delay": "150"}, timeout=5
    )
    (call,) = users_server.calls
    assert call.duration_ms >= 150
    assert call.notes == ()


@pytest.mark.parametrize("value", ["0", "180001", "soon", "-5"])
def test_bad_delay_header_is_ignored_and_noted(users_server: MockServer, value: str) -> None:
    response = requests.get(
        users_server.url_for("/users"), headers={"x-mock-response-delay": value}, timeout=5
    )
    assert response.status_code == 200
    assert users_server.calls.last.notes == (
        f"ignored x-mock-response-delay {value!r}: not 1 to 180000 ms",
    )


def test_bad_delay_setting_names_it(users_api: Path) -> None:
    with pytest.raises(
        SettingsError,
        match=r"delay='4g': expected milliseconds from 0 to "
        r"180000, or 2g / 3g",
    ):
        MockServer(users_api, delay="4g")


# -- private mocks ----------------------------------------------------------------------------


def test_private_mock_rejects_calls_without_the_key(users_api: Path) -> None:
    with MockServer(users_api, api_key="s3cret") as server:
        missing = requests.get(server.url_for("/users"), timeout=5)
        wrong = requests.get(server.url_for("/users"), headers={"x-api-key": "guess"}, timeout=5)
        right = requests.get(server.url_for("/users"), headers={"x-api-key": "s3cret"}, timeout=5)
        calls = server.calls
    for response in (missing, wrong):
        assert response.status_code == 401
        assert response.json() == {
            "error": {
                "name": "mockNotFoundError",
                "header": "Unable to find mock",
                "message": "Please refresh and try again.",
            }
        }
    assert right.status_code == 200
    assert [c.kind for c in calls] == [Kind.REJECTED, Kind.REJECTED, Kind.MATCHED]
    assert calls[1].header("x-api-key") == calls[2].header("x-api-key") == "[redacted]"
    assert "s3cret" not in repr(server.settings)


def test_the_api_key_never_reaches_serve_output(users_api: Path) -> None:
    process = start_serve(str(users_api), "--api-key", "s3cret")
    assert process.stdout is not None
    url = process.stdout.readline().rsplit(" ", 1)[1].strip()
    requests.get(url + "/users", headers={"x-api-key": "s3cret"}, timeout=5)
    requests.get(url + "/users", timeout=5)
    process.terminate()
    out, err = process.communicate(timeout=10)
    assert "s3cret" not in out + err
    assert '200  "All users"' in out
    assert "401  Rejected: missing or wrong x-api-key" in out


# -- CORS ---------------------------------------------------------------------------------------


def test_cors_headers_let_a_browser_read_the_response(cors_api: Path) -> None:
    with MockServer(cors_api) as server:
        response = requests.get(
            server.url_for("/widgets/1"), headers={"Origin": "https://a.test"}, timeout=5
        )
        own = requests.get(server.url_for("/own"), timeout=5)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Expose-Headers"] == "ETag, X-Total-Count"
    assert own.headers["Access-Control-Allow-Origin"] == "https://app.test"


def test_preflight_is_answered_by_the_mock(cors_api: Path) -> None:
    with MockServer(cors_api) as server:
        response = requests.options(
            server.url_for("/widgets/1"),
            headers={
                "Origin": "https://a.test",
                "Access-Control-Request-Method": "PUT",
                "Access-Control-Request-Headers": "x-tenant, content-type",
            },
            timeout=5,
        )
        (call,) = server.calls
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET, OPTIONS, PUT"
    assert response.headers["Access-Control-Allow-Headers"] == "x-tenant, content-type"
    assert response.headers["Access-Control-Max-Age"] == "86400"
    assert call.kind == Kind.PREFLIGHT


def test_an_options_example_wins_over_the_automatic_preflight(cors_api: Path) -> None:
    with MockServer(cors_api) as server:
        response = requests.options(
            server.url_for("/options-example"),
            headers={"Origin": "https://a.test", "Access-Control-Request-Method": "GET"},
            timeout=5,
        )
    assert (response.status_code, response.text) == (200, "from the collection")


def test_cors_off_adds_nothing_and_preflights_go_to_matching(cors_api: Path) -> None:
    with MockServer(cors_api, cors=False) as server:
        response = requests.get(server.url_for("/widgets/1"), timeout=5)
        preflight = requests.options(
            server.url_for("/widgets/1"),
            headers={"Access-Control-Request-Method": "GET"},
            timeout=5,
        )
    assert "Access-Control-Allow-Origin" not in response.headers
    assert preflight.status_code == 404


# -- outages --------------------------------------------------------------------------------------


def test_outage_answers_every_call_until_cleared(users_server: MockServer) -> None:
    users_server.outage(503, json={"error": "maintenance"}, headers={"Retry-After": "30"})
    down = requests.get(users_server.url_for("/users"), timeout=5)
    other = requests.post(users_server.url_for("/anything"), timeout=5)
    users_server.clear_outage()
    up = requests.get(users_server.url_for("/users"), timeout=5)
    assert (down.status_code, down.json(), down.headers["Retry-After"]) == (
        503,
        {"error": "maintenance"},
        "30",
    )
    assert other.status_code == 503
    assert up.status_code == 200
    assert [c.kind for c in users_server.calls] == [Kind.OUTAGE, Kind.OUTAGE, Kind.MATCHED]


def test_outage_default_body_is_in_postmans_error_shape(users_server: MockServer) -> None:
    users_server.outage(502)
    response = requests.get(users_server.url_for("/users"), timeout=5)
    assert response.status_code == 502
    assert response.json()["error"]["header"] == "Bad Gateway"


def test_outage_must_be_a_server_error(users_server: MockServer) -> None:
    with pytest.raises(SettingsError, match=r"an outage answers with a 5xx status.*got 404"):
        users_server.outage(404)


def test_outage_from_the_marker_and_the_handle(pytester: pytest.Pytester, users_api: Path) -> None:
    pytester.makeini(f"[pytest]\npostman_mock_collection = {users_api}\n")
    pytester.makepyfile(
        test_outage="""
        import pytest, requests

        @pytest.mark.postman_mock(outage=503)
        def test_marker(postman_mock):
            assert requests.get(postman_mock.url_for("/users")).status_code == 503

        def test_handle(postman_mock):
            assert requests.get(postman_mock.url_for("/users")).status_code == 200
            postman_mock.outage(500, body="down")
            response = requests.get(postman_mock.url_for("/users"))
            assert (response.status_code, response.text) == (500, "down")

        def test_next_test_is_back_up(postman_mock):
            assert requests.get(postman_mock.url_for("/users")).status_code == 200
    """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)
    pytester.makepyfile(
        test_outage="""
        import pytest

        @pytest.mark.postman_mock(outage={"status": 404})
        def test_bad_marker(postman_mock):
            pass
    """
    )
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*outage={'status': 404}: an outage answers with a 5xx status*"])


def test_serve_outage_flag(users_api: Path) -> None:
    process = start_serve(str(users_api), "--outage", "503")
    assert process.stdout is not None
    url = process.stdout.readline().rsplit(" ", 1)[1].strip()
    status = requests.get(url + "/users", timeout=5).status_code
    process.terminate()
    out, _ = process.communicate(timeout=10)
    assert status == 503
    assert "503  Outage" in out


# -- HEAD and wrong methods ------------------------------------------------------------------------


def test_head_is_served_from_the_get_example_without_a_body(users_server: MockServer) -> None:
    get = requests.get(users_server.url_for("/users"), timeout=5)
    head = requests.head(users_server.url_for("/users"), timeout=5)
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["Content-Length"] == str(len(get.content))
    assert head.headers["Content-Type"] == "application/json"
    assert users_server.calls.last.example == "All users"


def test_a_wrong_method_gets_postmans_404_and_a_method_near_miss(
    users_server: MockServer,
) -> None:
    response = requests.delete(users_server.url_for("/users"), timeout=5)
    assert response.status_code == 404
    assert response.json()["error"]["name"] == "mockRequestNotFoundError"
    reasons = [m.reason for m in users_server.calls.last.near_misses]
    assert "method is DELETE, example is GET" in reasons


def test_a_preflight_without_options_examples_computes_no_near_misses(
    users_server: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pytest_postman_mock.engine.core as engine_module

    def fail(*args: object) -> None:
        raise AssertionError("near misses computed for a preflight")

    monkeypatch.setattr(engine_module, "near_misses", fail)
    response = requests.options(
        users_server.url_for("/users"), timeout=5, headers={"Access-Control-Request-Method": "GET"}
    )
    assert response.status_code == 204
    assert users_server.calls.last.kind == Kind.PREFLIGHT
