"""Every ```python snippet of README.md and docs/ runs, against a real mock of one docs API.

A snippet that defines tests runs as a test file through pytester; one that is a conftest.py
runs as one; bare `postman_mock.` lines run inside a test; any other snippet runs as a script
(or a unittest module) in a folder that holds the files it names. Only a snippet marked
`# not run: fragment` is skipped, for the reader's own code it stands in for.
"""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from . import builders, support_docs

REPO = Path(__file__).resolve().parents[1]
PAGES = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```python\n(.*?)^```", re.MULTILINE | re.DOTALL)
FRAGMENT = "# not run: fragment"
BASE = "{{baseUrl}}"


def snippets() -> list[Any]:
    found = []
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            line = text.count("\n", 0, match.start()) + 2
            where = f"{page.relative_to(REPO)}:{line}"
            found.append(pytest.param(match.group(1), id=where))
    return found


def users() -> dict[str, object]:
    return builders.folder(
        "Users",
        builders.request(
            "List users",
            f"{BASE}/users",
            builders.json_example("All users", f"{BASE}/users", [{"id": 1, "name": "Ada"}]),
        ),
        builders.request(
            "Get user",
            f"{BASE}/users/:userId",
            builders.json_example(
                "User found", f"{BASE}/users/:userId", {"id": "{{userId}}", "name": "Ada"}
            ),
            builders.json_example(
                "User not found", f"{BASE}/users/:userId", {"error": "no such user"}, code=404
            ),
        ),
        builders.request(
            "Create user",
            f"{BASE}/users",
            builders.json_example("Created", f"{BASE}/users", {"id": 2}, method="POST", code=201),
            method="POST",
        ),
    )


def write_docs_api(folder: Path) -> None:
    """The API the snippets talk to: users, orders, uploads, search, jobs, todos; and billing."""

    def post(name: str, path: str, example: str, payload: object) -> dict[str, object]:
        found = builders.json_example(example, BASE + path, payload, method="POST", code=201)
        return builders.request(name, BASE + path, found, method="POST")

    def get(name: str, path: str, example: str, payload: object) -> dict[str, object]:
        return builders.request(
            name, BASE + path, builders.json_example(example, BASE + path, payload)
        )

    api = builders.collection(
        users(),
        builders.folder("Orders", post("Place order", "/orders", "Order placed", {"id": 1001})),
        post("Upload", "/upload", "Uploaded", {"ok": True}),
        get("Search", "/search", "Results", []),
        get("Get job", "/jobs/:id", "Job", {"state": "queued"}),
        get("List todos", "/todos", "All todos", [{"id": 1, "title": "Write the docs"}]),
        name="Docs API",
        variables={"baseUrl": "https://api.example.com"},
    )
    builders.write(folder / "api.postman_collection.json", api)
    billing = builders.collection(
        post("Create invoice", "/invoices", "Invoice", {"id": 1}), name="Billing API"
    )
    builders.write(folder / "billing.postman_collection.json", billing)
    builders.write(folder / "dev.json", builders.environment({"baseUrl": "https://dev.test"}))


CONFTEST_CHECK = """
import requests

def test_the_conftest_works(postman_mock):
    assert requests.get(postman_mock.url_for("/users/7")).status_code == 200
"""


def run_in_pytest(pytester: pytest.Pytester, snippet: str) -> None:
    write_docs_api(pytester.path)
    pytester.makeini(
        "[pytest]\npostman_mock_collection = api.postman_collection.json\n"
        "postman_mock_environment = dev.json\n"
    )
    if snippet.startswith("# conftest.py"):
        pytester.makeconftest(snippet)
        pytester.makepyfile(test_snippet=CONFTEST_CHECK)
    elif "def test_" in snippet:
        pytester.makepyfile(test_snippet=snippet)
    else:  # lines that use the fixture: the body of a test
        body = textwrap.indent(snippet, "    ")
        pytester.makepyfile(test_snippet=f"def test_snippet(postman_mock):\n{body}")
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    outcomes = result.parseoutcomes()
    assert result.ret == 0, result.stdout.str()
    assert outcomes.get("passed", 0) >= 1 and set(outcomes) <= {"passed"}, outcomes


def run_as_program(folder: Path, snippet: str) -> None:
    write_docs_api(folder)
    (folder / "snippet.py").write_text(snippet, encoding="utf-8")
    unit = "unittest.TestCase" in snippet
    command = ["-m", "unittest", "-v", "snippet"] if unit else ["snippet.py"]
    run = subprocess.run(
        [sys.executable, *command], cwd=folder, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stdout + run.stderr
    if unit:
        assert re.search(r"^Ran [1-9]\d* tests?", run.stderr, re.MULTILINE), run.stderr


@pytest.mark.parametrize("snippet", snippets())
def test_the_snippet_runs(snippet: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    if snippet.lstrip().startswith(FRAGMENT):
        pytest.skip("a fragment that stands for the reader's code")
    if "postman_mock" in snippet and "MockServer(" not in snippet:
        run_in_pytest(request.getfixturevalue("pytester"), snippet)
    else:
        run_as_program(tmp_path, snippet)


def test_the_pages_have_snippets_and_few_are_fragments() -> None:
    found = [param.values[0] for param in snippets()]
    assert len(found) >= 11
    assert sum(s.lstrip().startswith(FRAGMENT) for s in found) <= 1


def test_the_settings_reference_is_generated_from_the_settings_table() -> None:
    text = support_docs.PAGE.read_text(encoding="utf-8")
    _, table, _ = support_docs.split(text)
    assert table == support_docs.settings_table(), (
        f"docs/{support_docs.PAGE.name}: the settings table is out of date with "
        f"pytest_postman_mock.settings.SETTINGS; run `{support_docs.COMMAND}`"
    )
