"""A test's calls come from the journal's per-test index: the same calls a filter of the
whole log finds, in the same order, also once old calls have been dropped past the cap."""

from __future__ import annotations

import random
from datetime import datetime, timezone

import pytest

from pytest_postman_mock.calls.log import Call, Journal


def call(test_id: str | None, n: int) -> Call:
    return Call(
        method="GET",
        path=f"/c/{n}",
        query=(),
        headers=(),
        body=b"",
        status=200,
        response_headers=(),
        response_body=b"",
        example=None,
        matched=True,
        time=datetime.now(timezone.utc),
        test_id=test_id,
    )


@pytest.mark.parametrize("cap", [0, 1, 3, 50, 10_000])
def test_each_test_sees_what_a_filter_of_the_session_log_sees(cap: int) -> None:
    journal = Journal(cap)
    tests = ["t::a", "t::b", None, "t::c"]
    rng = random.Random(cap)
    for n in range(300):
        journal.append(call(rng.choice(tests), n))
        if n % 37 == 0:
            session = list(journal.snapshot())
            for test_id in ("t::a", "t::b", "t::c"):  # None asks for the whole log
                own = [c for c in session if c.test_id == test_id]
                assert list(journal.snapshot(test_id)) == own
    assert len(journal.snapshot()) == min(cap, 300)
    assert journal.dropped == 300 - min(cap, 300)
    assert journal.total == 300


def test_clearing_forgets_every_test_s_calls() -> None:
    journal = Journal(10)
    journal.append(call("t::a", 1))
    journal.clear()
    assert list(journal.snapshot("t::a")) == []
    journal.append(call("t::a", 2))
    assert [c.path for c in journal.snapshot("t::a")] == ["/c/2"]
