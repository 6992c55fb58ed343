"""Why a call got the answer it got: `Kind`, and the one table of how each kind reads.

The labels feed every text report (call-log lines, strict failures, assertion
messages, `serve` output) and, through the report data, the HTML viewer, so a
kind reads the same wherever a person meets it.
"""

from __future__ import annotations

import enum


class Kind(str, enum.Enum):
    """Why a call got the response it got (`Call.kind`); compares equal to its text."""

    MATCHED = "matched"
    """An example of the collection was chosen."""
    UNMATCHED = "unmatched"
    """No example fits: Postman's 404 `mockRequestNotFoundError`."""
    PROXIED = "proxied"
    """No example matched (or `record="all"`): the proxy target answered."""
    OVERRIDE = "override"
    """A test's override answered."""
    OUTAGE = "outage"
    """A simulated outage answered."""
    PREFLIGHT = "preflight"
    """A CORS preflight the mock answered itself."""
    REJECTED = "rejected"
    """A private mock refused a call without the right `x-api-key`."""
    TOO_LARGE = "too-large"
    """The request body was over `max_body` (413), or the response would have been over
    `max_response_size` / `max_jsonpath_nodes` (507; the note says which)."""
    BAD_REQUEST = "bad-request"
    """The request itself was broken (bad framing, a body cut short): 4xx."""
    ERROR = "error"
    """The mock itself failed: 500, with the traceback in `Call.error`."""

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        """How this kind reads in reports: `No matching requests`, `CORS preflight`, ..."""
        return LABELS[self]


LABELS: dict[Kind, str] = {
    Kind.MATCHED: "Matched",
    Kind.UNMATCHED: "No matching requests",
    Kind.PROXIED: "Proxied",
    Kind.OVERRIDE: "Override",
    Kind.OUTAGE: "Outage",
    Kind.PREFLIGHT: "CORS preflight",
    Kind.REJECTED: "Rejected: missing or wrong x-api-key",
    Kind.TOO_LARGE: "Too large",
    Kind.BAD_REQUEST: "Bad request",
    Kind.ERROR: "Mock server error",
}

STRICT_FAILING = frozenset({Kind.UNMATCHED, Kind.ERROR})
"""The kinds strict mode fails a test for."""
