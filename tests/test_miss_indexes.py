"""The indexes that make misses cheap give exactly what a scan of every example gives.

Document distance (tier 70) uses a bounded edit distance and deletion
neighbourhoods; the near-miss shortlist uses bit sets. Each is checked here
against the plain computation it replaces, on random collections and requests.
"""

from __future__ import annotations

import heapq

from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_postman_mock.collection.parser import parse_document
from pytest_postman_mock.engine import paths
from pytest_postman_mock.engine.fuzzy_index import FuzzyBucket, deletions
from pytest_postman_mock.engine.index import ExampleIndex
from pytest_postman_mock.engine.matching import fuzzy_fits
from pytest_postman_mock.engine.near_index import NearIndex
from pytest_postman_mock.engine.near_misses import SHORTLIST, _shape
from pytest_postman_mock.settings import MockSettings

from . import builders

SHORT = st.text("abcAB1", max_size=9)
LONG = st.text("ab", min_size=10, max_size=22)
PART = st.one_of(
    SHORT.filter(bool),
    LONG,
    st.sampled_from(["7", "42", "a1b2c3d4e5", ":id", "{{id}}", "v{{n}}", "", "items", "itemz"]),
)
PATHS = st.lists(st.lists(PART, max_size=4), min_size=0, max_size=14)
TARGET = st.lists(st.one_of(SHORT, LONG, st.sampled_from(["7", "item", "a1b2c3d4e6"])), max_size=4)
METHODS = st.sampled_from(["GET", "POST"])


def index_of(saved: list[list[str]], methods: list[str], threshold: float) -> ExampleIndex:
    examples = [
        builders.example(f"e{i}", "https://x.test/" + "/".join(p), method=methods[i % len(methods)])
        for i, p in enumerate(saved)
    ]
    document = builders.collection(builders.request("Request", "https://x.test/", *examples))
    return ExampleIndex(parse_document(document), None, MockSettings(fuzzy_threshold=threshold))


@settings(max_examples=400, deadline=None)
@given(SHORT | LONG, SHORT | LONG, st.integers(-1, 8))
def test_the_bounded_distance_agrees_with_the_full_one(left: str, right: str, limit: int) -> None:
    assert paths.within(left, right, limit) == (paths.levenshtein(left, right) <= limit)


def test_deletions_include_the_text_and_every_shorter_variant() -> None:
    assert deletions("abc", 1) == {"abc", "ab", "ac", "bc"}
    assert deletions("abc", 0) == {"abc"}
    assert "" in deletions("ab", 5)


@settings(max_examples=300, deadline=None)
@given(PATHS, TARGET, st.sampled_from([-0.5, 0.0, 0.5, 0.6, 0.75, 0.9, 1.0, 1.5]))
def test_the_fuzzy_bucket_finds_what_a_scan_finds(
    saved: list[list[str]], target: list[str], threshold: float
) -> None:
    index = index_of(saved, ["GET"], threshold)
    wanted = paths.lower(paths.strip_slashes(tuple(target)))
    bucket_examples = list(index.shaped("GET", len(wanted)))
    scanned = [c for c in bucket_examples if fuzzy_fits(c, wanted, threshold)]
    bucket = FuzzyBucket(bucket_examples, len(wanted), threshold)
    found = [c for c in bucket.candidates(wanted) if fuzzy_fits(c, wanted, threshold)]
    assert found == scanned


@settings(max_examples=300, deadline=None)
@given(PATHS, st.lists(METHODS, min_size=2, max_size=2), TARGET, METHODS, st.integers(1, 8))
def test_the_near_miss_shortlist_is_the_ranking_of_every_example(
    saved: list[list[str]], methods: list[str], target: list[str], method: str, length: int
) -> None:
    index = index_of(saved, methods, 0.75)
    given_ = paths.lower(paths.strip_slashes(tuple(target)))
    expected = heapq.nlargest(length, index.examples, key=lambda e: _shape(e, method, given_))
    assert NearIndex(index.examples).shortlist(method, given_, length) == expected


def test_the_near_miss_shortlist_holds_thirty_when_there_are_more() -> None:
    saved = [["api", f"res{i}", "items"] for i in range(50)]
    index = index_of(saved, ["GET", "POST"], 0.75)
    given_ = ("api", "res8", "items")  # res8 is a GET example
    found = NearIndex(index.examples).shortlist("GET", given_, SHORTLIST)
    assert len(found) == SHORTLIST
    assert found[0].segments == ("api", "res8", "items")
    assert found == heapq.nlargest(
        SHORTLIST, index.examples, key=lambda e: _shape(e, "GET", given_)
    )
