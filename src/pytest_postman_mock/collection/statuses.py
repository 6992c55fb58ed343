"""HTTP status codes and their reason phrases, from `http.HTTPStatus`, looked up one way."""

from __future__ import annotations

from http import HTTPStatus

_BY_PHRASE = {status.phrase.lower(): status.value for status in HTTPStatus}


def reason_phrase(code: int, unknown: str = "Unknown") -> str:
    """`404` -> `Not Found`; a code HTTP does not name gets `unknown`."""
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return unknown


def code_for_phrase(phrase: str, default: int = 200) -> int:
    """`not found` -> 404 (case-insensitive); a phrase HTTP does not know gets `default`."""
    return _BY_PHRASE.get(phrase.strip().lower(), default)
