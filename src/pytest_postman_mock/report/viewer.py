"""The call-log viewer: a report's calls and coverage as one self-contained HTML page.

The page needs no network, so it can be opened from a CI artifact or an email: its
CSS and script are inline and the report travels inside it as JSON. Report text
reaches the page only through `textContent` (never as markup), the JSON is escaped
so that no request body can close its `<script>` element, and a Content-Security-
Policy lets only the page's own inline style and script run, and lets the live page
of `postman-mock serve` fetch nothing but its own data.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from ..calls.kinds import LABELS

MARKER = re.compile(r"@([A-Z]+)@")
TITLE = "Postman mock call log"
HTML_SUFFIXES = (".html", ".htm")


@cache
def _asset(name: str) -> str:
    """A file of `viewer_assets/`, read once (it ships inside the package and the wheel)."""
    folder = files("pytest_postman_mock.report").joinpath("viewer_assets")
    return folder.joinpath(name).read_text(encoding="utf-8")


def embed_json(data: Any) -> str:
    """JSON to put inside a `<script>` element.

    `<`, `>` and `&` become `\\u003c`, `\\u003e` and `\\u0026`: still the same JSON,
    but no `</script>` can end the element and no `<!--` can change how it is parsed.
    """
    text = json.dumps(data, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _sha256(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_policy(css: str, script: str, live: bool) -> str:
    """Allow exactly our inline style and script; fetch only the live page's own data."""
    return "; ".join(
        (
            "default-src 'none'",
            f"style-src {_sha256(css)}",
            f"script-src {_sha256(script)}",
            "connect-src 'self'" if live else "connect-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        )
    )


def header_policy(live: bool) -> str:
    """The policy sent as an HTTP header by the live viewer: the page's own, plus what a
    `<meta>` tag cannot say (`frame-ancestors`: no other site may frame the call log)."""
    policy = content_policy(_asset("viewer.css"), _asset("viewer.js"), live)
    return f"{policy}; frame-ancestors 'none'"


def render_html(
    report: dict[str, Any], *, live_url: str | None = None, refresh_ms: int = 2000
) -> str:
    """The viewer page for `report` (`{"seed": ..., "collections": [...]}`, as the JSON report).

    With `live_url` the page fetches fresh report data from that (same-origin) URL every
    `refresh_ms` milliseconds and redraws itself, keeping the user's search and filters.
    """
    css, script = _asset("viewer.css"), _asset("viewer.js")
    names = ", ".join(str(c.get("name", "")) for c in report.get("collections", []))
    values = {
        "CSP": content_policy(css, script, live=live_url is not None),
        "TITLE": html.escape(f"{TITLE}: {names}" if names else TITLE),
        "CSS": css,
        "JS": script,
        "DATA": embed_json(report),
        "CONFIG": embed_json(
            {
                "liveUrl": live_url,
                "refreshMs": refresh_ms,
                "kinds": {kind.value: label for kind, label in LABELS.items()},
            }
        ),
    }
    return MARKER.sub(lambda found: values[found.group(1)], _asset("viewer.html"))


def save_report(path: Path, report: dict[str, Any]) -> None:
    """Write `report` as the viewer page when the file name ends in `.html`, else as JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() in HTML_SUFFIXES:
        text = render_html(report)
    else:
        text = json.dumps(report, indent=2)
    path.write_text(text, encoding="utf-8")
