"""Recording: proxied exchanges saved into the collection file as examples."""

from __future__ import annotations

import difflib
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests
import yaml

from pytest_postman_mock import MockServer
from pytest_postman_mock.collection import load_collection

from . import upstream

DATA = Path(__file__).parent / "data"
SCHEMA = json.loads((DATA / "collection-v2.1.0.schema.json").read_text(encoding="utf-8"))


@pytest.fixture
def api(tmp_path: Path) -> Path:
    return upstream.users_collection(tmp_path)


@pytest.fixture
def target() -> Iterator[tuple[str, upstream.Upstream]]:
    with upstream.running() as found:
        yield found


def document(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def item_named(doc: Any, *names: str) -> Any:
    items = doc["item"]
    for name in names:
        found = next(i for i in items if i["name"] == name)
        items = found.get("item", [])
    return found


def test_a_call_lands_under_the_request_whose_template_fits(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, _ = target
    with MockServer(api, proxy=url, record="new") as mock:
        assert requests.get(mock.url + "/users/42").json()["from"] == "upstream"
        assert requests.get(mock.url + "/users/0").status_code == 404
        requests.get(mock.url + "/users/43")
        notes = mock.calls[0].notes
    assert "recorded as '200 OK' under 'Users / Get user' in api.postman_collection.json" in notes
    saved = item_named(document(api), "Users", "Get user")["response"]
    assert [e["name"] for e in saved] == ["200 OK", "404 Not Found", "200 OK (2)"]
    first = saved[0]
    assert first["originalRequest"]["url"] == {
        "raw": "{{baseUrl}}/users/:userId",
        "host": ["{{baseUrl}}"],
        "path": ["users", ":userId"],
        "variable": [{"key": "userId", "value": "42"}],
    }
    assert first["code"] == 200 and first["status"] == "OK"
    assert json.loads(first["body"]) == {"id": "42", "name": "Grace", "from": "upstream"}
    headers = {h["key"].lower() for h in first["originalRequest"]["header"]}
    assert "host" not in headers and "connection" not in headers and "user-agent" in headers
    assert {"key": "Content-Type", "value": "application/json"} in first["header"]
    assert len(load_collection(api).items[0].examples) == 3


def test_a_call_no_request_fits_goes_to_the_recorded_folder(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, _ = target
    with MockServer(api, proxy=url, record="new") as mock:
        requests.post(mock.url + "/orders/7/lines?sort=asc", json={"sku": "A1"})
        requests.post(mock.url + "/orders/7/lines?sort=asc", json={"sku": "B2"})
    recorded = item_named(document(api), "Recorded")
    assert [r["name"] for r in recorded["item"]] == ["POST orders/7/lines"]
    request = recorded["item"][0]
    assert request["request"]["url"]["raw"] == "{{baseUrl}}/orders/7/lines?sort=asc"
    examples = request["response"]
    assert [e["name"] for e in examples] == ["200 OK", "200 OK (2)"]
    body = examples[0]["originalRequest"]["body"]
    assert body == {"mode": "raw", "raw": '{"sku": "A1"}', "options": {"raw": {"language": "json"}}}


def test_a_second_run_without_recording_serves_the_recorded_bodies(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, _ = target
    paths = ["/users/42", "/orders/7?x=1", "/echo/gone?status=404"]
    with MockServer(api, proxy=url, record="new") as mock:
        live = [requests.get(mock.url + p) for p in paths]
    with MockServer(api) as mock:
        replayed = [requests.get(mock.url + p) for p in paths]
        assert {c.kind for c in mock.calls} == {"matched"}
    assert [r.status_code for r in live] == [200, 200, 404]
    assert [(r.status_code, r.text) for r in replayed] == [(r.status_code, r.text) for r in live]


def test_examples_recorded_under_one_template_are_told_apart_by_their_values(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    """`:userId` keeps the value it was recorded with, and a valued path variable matches only
    that value (SPEC.md, [OBS #6695]), so a replay gives each id its own answer."""
    url, _ = target
    with MockServer(api, proxy=url, record="new") as mock:
        live = [requests.get(mock.url + p) for p in ("/users/42", "/users/0")]
    with MockServer(api) as mock:
        replayed = [requests.get(mock.url + p) for p in ("/users/42", "/users/0")]
    assert [(r.status_code, r.text) for r in replayed] == [(r.status_code, r.text) for r in live]


def test_new_saves_only_what_no_example_matched(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, app = target
    before = document(api)
    with MockServer(api, proxy=url, record="new") as mock:
        assert requests.get(mock.url + "/health").text == "up from the example"
        assert requests.get(mock.url + "/users").json() == [{"id": 1}]
        requests.get(mock.url + "/users/5")
    after = document(api)
    assert [s["path"] for s in app.seen] == ["/users/5"]
    assert item_named(after, "Health") == item_named(before, "Health")
    assert item_named(after, "Users", "List users") == item_named(before, "Users", "List users")
    assert len(item_named(after, "Users", "Get user")["response"]) == 1


def test_all_sends_every_call_upstream_and_replaces_the_examples_it_hit(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, app = target
    with MockServer(api, proxy=url, record="all") as mock:
        answer = requests.get(mock.url + "/health?status=200")
        assert mock.calls.last is not None and mock.calls.last.kind == "proxied"
        assert any(n.startswith("replaced as 'Up'") for n in mock.calls.last.notes)
    assert answer.json()["path"] == "/health"
    examples = item_named(document(api), "Health")["response"]
    assert len(examples) == 1 and examples[0]["name"] == "Up"
    assert json.loads(examples[0]["body"])["path"] == "/health"
    assert [s["path"] for s in app.seen] == ["/health"]


def test_secrets_never_reach_the_file(api: Path, target: tuple[str, upstream.Upstream]) -> None:
    url, _ = target
    secrets = {
        "Authorization": "Bearer tok-AUTH-1234",
        "X-Api-Key": "key-HEADER-5678",
        "Cookie": "session=cookie-VALUE-9012",
    }
    with MockServer(api, proxy=url, record="new") as mock:
        requests.get(
            mock.url + "/users/9?api_key=query-KEY-3456&token=query-TOKEN-7890&page=2",
            headers=secrets,
        )
        requests.post(mock.url + "/login", data={"user": "ada", "password": "form-PASS-1111"})
        echoed = requests.get(mock.url + "/echo/me", headers=secrets)
    assert "tok-AUTH-1234" in echoed.text  # the client sees the real answer
    text = api.read_text(encoding="utf-8")
    for secret in (
        "tok-AUTH-1234",
        "key-HEADER-5678",
        "cookie-VALUE-9012",
        "query-KEY-3456",
        "query-TOKEN-7890",
        "form-PASS-1111",
        "sess-SECRET-cookie",
    ):
        assert secret not in text, secret
    saved = item_named(document(api), "Users", "Get user")["response"][0]["originalRequest"]
    headers = {h["key"]: h["value"] for h in saved["header"]}
    assert headers["Authorization"] == "{{authorization}}"
    assert headers["X-Api-Key"] == "{{x-api-key}}"
    assert headers["Cookie"] == "{{cookie}}"
    assert saved["url"]["query"] == [
        {"key": "api_key", "value": "{{api_key}}"},
        {"key": "token", "value": "{{token}}"},
        {"key": "page", "value": "2"},
    ]
    login = item_named(document(api), "Recorded")["item"][0]["response"][0]
    assert {"key": "Set-Cookie", "value": "{{set-cookie}}"} in login["header"]


def test_a_redact_headers_name_is_kept_out_of_the_file_too(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, _ = target
    sent = {"X-Session-Token": "sess-TOKEN-4321", "X-Trace": "trace-plain-1"}
    with MockServer(api, proxy=url, record="new", redact_headers=("x-session-token",)) as mock:
        echoed = requests.get(mock.url + "/echo/me", headers=sent, timeout=5)
        assert echoed.status_code == 200
        assert "sess-TOKEN-4321" in echoed.text  # the client still sees the real answer
    text = api.read_text(encoding="utf-8")
    assert "sess-TOKEN-4321" not in text  # not in the header, nor where the body echoed it
    saved = item_named(document(api), "Recorded")["item"][0]["response"][0]
    headers = {h["key"]: h["value"] for h in saved["originalRequest"]["header"]}
    assert headers["X-Session-Token"] == "{{x-session-token}}"
    assert headers["X-Trace"] == "trace-plain-1"  # a header not named stays as sent


def test_an_identical_exchange_recorded_twice_is_stored_once(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, app = target
    with MockServer(api, proxy=url, record="new") as mock:
        for _ in range(2):
            requests.get(mock.url + "/users/42", headers={"X-Trace": "same"})
        notes = mock.calls.last.notes  # type: ignore[union-attr]
    assert "already saved as '200 OK' under 'Users / Get user' in api.postman_collection.json" in (
        notes
    )
    with MockServer(api, proxy=url, record="new") as mock:
        requests.get(mock.url + "/users/42", headers={"X-Trace": "same"})
        assert mock.calls.last is not None and mock.calls.last.kind == "matched"
    assert len(item_named(document(api), "Users", "Get user")["response"]) == 1
    assert len(app.seen) == 2


def test_two_threads_recording_at_once_leave_a_valid_file_with_both(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, _ = target
    start = threading.Barrier(2)
    with MockServer(api, proxy=url, record="new") as mock:

        def client(first: int) -> None:
            start.wait(timeout=10)
            with requests.Session() as session:
                for number in range(first, first + 5):
                    session.get(mock.url + f"/users/{number}")
                    session.get(mock.url + f"/things/{number}")

        threads = [threading.Thread(target=client, args=(n,)) for n in (100, 200)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    doc = document(api)
    users = item_named(doc, "Users", "Get user")["response"]
    ids = {e["originalRequest"]["url"]["variable"][0]["value"] for e in users}
    assert ids == {str(n) for first in (100, 200) for n in range(first, first + 5)}
    assert len(item_named(doc, "Recorded")["item"]) == 10
    load_collection(api)


def test_a_yaml_collection_stays_yaml(
    tmp_path: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, _ = target
    path = tmp_path / "pets.postman_collection.yaml"
    shutil.copy(DATA / "petstore.postman_collection.yaml", path)
    with MockServer(path, proxy=url, record="new") as mock:
        requests.get(mock.url + "/users/3")  # a new "Recorded" folder at the end of the items
        requests.get(mock.url + "/users/4")  # a second example under that request
    text = path.read_text(encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    original = (DATA / "petstore.postman_collection.yaml").read_text(encoding="utf-8")
    matcher = difflib.SequenceMatcher(None, original, text, autojunk=False)
    assert {op for op, *_ in matcher.get_opcodes()} <= {"equal", "insert"}  # comments kept
    recorded = item_named(yaml.safe_load(text), "Recorded")
    assert [r["name"] for r in recorded["item"]] == ["GET users/3", "GET users/4"]
    assert any(e.name == "200 OK" for e in load_collection(path).examples())


def test_untouched_content_stays_byte_for_byte(
    tmp_path: Path, target: tuple[str, upstream.Upstream]
) -> None:
    """Tab indents, compact arrays and escapes other tools chose stay as they were: the
    edits only insert, and the request nothing was recorded into is the same text."""
    url, _ = target
    path = tmp_path / "pets.postman_collection.json"
    original = (DATA / "postman-export.postman_collection.json").read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    with MockServer(path, proxy=url, record="new") as mock:
        requests.delete(mock.url + "/pets/7")  # into an empty "response": []
        requests.get(mock.url + "/pets/7/photo")  # into a request with no "response" yet
        requests.get(mock.url + "/users/3")  # a new request in a new "Recorded" folder
        notes = [c.notes[-1] for c in mock.calls]
    assert [n.split(" under ")[1].split(" in ")[0] for n in notes] == [
        "'Delete pet'",
        "'Pet photo'",
        "'Recorded / GET users/3'",
    ]
    changed = path.read_text(encoding="utf-8")
    matcher = difflib.SequenceMatcher(None, original, changed, autojunk=False)
    assert {op for op, *_ in matcher.get_opcodes()} <= {"equal", "insert"}
    start = original.index('\t\t{\n\t\t\t"name": "List pets"')
    untouched = original[start : original.index("\t\t},\n", start) + 4]
    assert untouched in changed and "R\\u00e9my" in untouched
    doc = document(path)
    assert item_named(doc, "Delete pet")["response"][0]["originalRequest"]["url"]["variable"] == [
        {"key": "petId", "value": "7"}
    ]
    assert [e.name for e in load_collection(path).examples()][1:] == ["200 OK"] * 3


def test_the_recorded_file_validates_against_the_v21_schema(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, _ = target
    with MockServer(api, proxy=url, record="new") as mock:
        requests.get(mock.url + "/users/1?page=1", headers={"Authorization": "Bearer abcdef"})
        requests.post(mock.url + "/login", data={"user": "ada"})
        requests.put(mock.url + "/echo/x", json={"a": [1, 2]})
    doc = document(api)
    jsonschema.validate(doc, SCHEMA)
    doc["item"][-1]["item"][0]["response"][0]["code"] = "200"  # the schema does check examples
    with pytest.raises(jsonschema.ValidationError, match="'200' is not of type 'integer'"):
        jsonschema.validate(doc, SCHEMA)
    assert len(list(load_collection(api).examples())) == 5


def test_a_base_url_with_a_path_keeps_that_path_in_the_variable(
    tmp_path: Path, target: tuple[str, upstream.Upstream]
) -> None:
    """`{{baseUrl}}` = `https://api.example.com/v1`: the mock serves `/v1/...`, and a recording
    of `/v1/users/42` is `{{baseUrl}}/users/:userId`, not `{{baseUrl}}/v1/users/...`."""
    url, app = target
    path = upstream.users_collection(tmp_path)
    doc = document(path)
    doc["variable"] = [{"key": "baseUrl", "value": "https://api.example.com/v1"}]
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    with MockServer(path, proxy=url, record="new") as mock:
        requests.get(mock.url + "/v1/users/42")
        requests.get(mock.url + "/v1/things/1")
    assert [s["path"] for s in app.seen] == ["/v1/users/42", "/v1/things/1"]
    saved = document(path)
    user = item_named(saved, "Users", "Get user")["response"][0]
    assert user["originalRequest"]["url"]["raw"] == "{{baseUrl}}/users/:userId"
    thing = item_named(saved, "Recorded")["item"][0]
    assert thing["request"]["url"]["raw"] == "{{baseUrl}}/things/1"
    with MockServer(path) as mock:
        assert requests.get(mock.url + "/v1/things/1").status_code == 200
        assert requests.get(mock.url + "/v1/users/42").json()["path"] == "/v1/users/42"
        assert mock.calls.last is not None and mock.calls.last.request_name == "Get user"


def test_all_keeps_an_example_the_call_only_hit_by_fuzzy_matching(
    api: Path, target: tuple[str, upstream.Upstream]
) -> None:
    """`/heallth` is served `/health`'s example by document distance; its real answer is not
    that example's, so it is added as a request of its own instead of replacing it."""
    url, _ = target
    with MockServer(api) as mock:
        requests.get(mock.url + "/heallth")
        assert mock.calls.last is not None and mock.calls.last.example == "Up"
    with MockServer(api, proxy=url, record="all") as mock:
        requests.get(mock.url + "/heallth")
    doc = document(api)
    assert item_named(doc, "Health")["response"][0]["body"] == "up from the example"
    assert [r["name"] for r in item_named(doc, "Recorded")["item"]] == ["GET heallth"]


def test_a_v1_collection_is_proxied_but_not_recorded_into(
    tmp_path: Path, target: tuple[str, upstream.Upstream]
) -> None:
    url, _ = target
    path = tmp_path / "old.postman_collection.json"
    shutil.copy(DATA / "v1.postman_collection.json", path)
    before = path.read_bytes()
    with MockServer(path, proxy=url, record="new") as mock:
        assert requests.get(mock.url + "/nowhere/in/it/at/all").status_code == 200
        notes = mock.calls.last.notes  # type: ignore[union-attr]
    assert any("not recorded: " in n and "needs a v2.0 or v2.1 collection" in n for n in notes)
    assert path.read_bytes() == before
