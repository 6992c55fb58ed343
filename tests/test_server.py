"""MockServer lifecycle and serving, through real sockets."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
import requests

from pytest_postman_mock import MockServer, ServerError
from pytest_postman_mock.errors import SettingsError


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def server_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("postman-mock:")]


def test_serves_an_example_over_http(users_server: MockServer) -> None:
    response = requests.get(users_server.url_for("/users/7"), timeout=5)
    assert response.status_code == 200
    assert response.json() == {"id": "7", "name": "Ada"}
    assert response.headers["Content-Type"] == "application/json"


def test_url_is_loopback_with_the_bound_port(users_server: MockServer) -> None:
    assert users_server.url == f"http://127.0.0.1:{users_server.port}"
    assert users_server.port > 0
    assert users_server.url_for("users") == users_server.url + "/users"


def test_unmatched_request_gets_postmans_404_body(users_server: MockServer) -> None:
    response = requests.delete(users_server.url_for("/nothing/here"), timeout=5)
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "name": "mockRequestNotFoundError",
            "message": "Double check your method and the request path and try again.",
            "header": "No matching requests",
        }
    }


def test_calls_are_logged_in_order_with_their_outcome(users_server: MockServer) -> None:
    requests.get(users_server.url_for("/users"), timeout=5)
    requests.post(users_server.url_for("/users"), json={"name": "Bob"}, timeout=5)
    requests.get(users_server.url_for("/missing"), timeout=5)
    calls = users_server.calls
    assert [(c.method, c.path, c.status, c.example, c.matched) for c in calls] == [
        ("GET", "/users", 200, "All users", True),
        ("POST", "/users", 201, "Created", True),
        ("GET", "/missing", 404, None, False),
    ]
    assert calls[1].json() == {"name": "Bob"}
    assert calls.last is calls[2]


def test_stop_releases_the_port_and_joins_the_thread(users_api: Path) -> None:
    before = set(server_threads())
    server = MockServer(users_api).start()
    port = server.port
    assert not port_is_free(port)
    requests.get(server.url_for("/users"), timeout=5)
    server.stop()
    assert port_is_free(port)
    assert set(server_threads()) == before
    server.stop()  # a second stop is harmless
    assert not server.running


def test_two_servers_run_at_once_on_different_ports(users_api: Path) -> None:
    with MockServer(users_api) as first, MockServer(users_api) as second:
        assert first.port != second.port
        assert requests.get(first.url_for("/users"), timeout=5).status_code == 200
        assert requests.get(second.url_for("/users"), timeout=5).status_code == 200
        assert len(first.calls) == len(second.calls) == 1


def test_a_port_in_use_is_a_clear_error(users_api: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(ServerError, match=rf"127\.0\.0\.1:{port}.*in use.*port 0"):
            MockServer(users_api, port=port).start()


def test_an_unknown_host_is_a_clear_error(users_api: Path) -> None:
    with pytest.raises(ServerError, match=r"cannot resolve mock server host .no-such-host\.inv"):
        MockServer(users_api, host="no-such-host.invalid").start()


def test_bad_settings_name_the_setting(users_api: Path) -> None:
    with pytest.raises(SettingsError, match=r"MockServer\(\): port='abc': expected a whole number"):
        MockServer(users_api, port="abc")
    with pytest.raises(SettingsError, match="unknown setting 'dealy'"):
        MockServer(users_api, dealy=5)


def test_werkzeug_request_lines_are_silenced(
    users_server: MockServer, capfd: pytest.CaptureFixture[str]
) -> None:
    requests.get(users_server.url_for("/users"), timeout=5)
    out, err = capfd.readouterr()
    assert "GET /users" not in out + err


def test_stop_is_prompt_with_an_idle_keep_alive_client(users_api: Path) -> None:
    server = MockServer(users_api).start()
    session = requests.Session()
    assert session.get(server.url_for("/users"), timeout=5).status_code == 200
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    stopper.join(timeout=3)
    assert not stopper.is_alive()
    session.close()


def test_a_fixed_body_is_encoded_once_and_shared_by_every_call(users_api: Path) -> None:
    with MockServer(users_api) as server:
        for _ in range(3):
            requests.get(server.url_for("/users"), timeout=5)
        bodies = [c.response_body for c in server.calls]
    assert bodies[0] is bodies[1] is bodies[2]  # the log holds one copy, not one per call


def test_without_a_seed_each_server_draws_its_own(tmp_path: Path) -> None:
    from . import builders

    doc = builders.collection(
        builders.request(
            "Id", "https://x.test/id", builders.example("Id", "https://x.test/id", body="{{$guid}}")
        )
    )
    path = builders.write(tmp_path / "guid.json", doc)
    bodies = set()
    for _ in range(3):
        with MockServer(path) as server:
            bodies.add(requests.get(server.url_for("/id"), timeout=5).text)
    assert len(bodies) == 3
    with MockServer(path, seed=9) as one, MockServer(path, seed=9) as two:
        assert (
            requests.get(one.url_for("/id"), timeout=5).text
            == requests.get(two.url_for("/id"), timeout=5).text
        )


def test_reload_starts_coverage_again(users_api: Path) -> None:
    with MockServer(users_api) as server:
        requests.get(server.url_for("/users"), timeout=5)
        assert sum(server.app.served.values()) == 1
        server.reload()
        assert sum(server.app.served.values()) == 0
