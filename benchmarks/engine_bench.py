"""Match + render time per request (`Engine.respond`) against collection size.

Requests are grouped by the kind of work they make the matcher do. Sizes are
timed in turn, round after round, so that a noisy neighbour slows every size
alike. Each (size, kind) has a time budget, so a kind that grows with the
collection still finishes (with fewer samples).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import gen_collections
from gen_collections import Probe

from pytest_postman_mock.engine.bodies import IncomingBody
from pytest_postman_mock.engine.core import Engine
from pytest_postman_mock.engine.request import Incoming

HOT_KINDS = ("literal", "path variable", "query variant", "body variant", "var + unsaved query")
"""Requests a test suite sends all the time: the engine target is on these."""
COLD_KINDS = ("typo (tier 70)", "unmatched 404")
"""Requests that miss: a fuzzy match, or none with near misses (reported, no target)."""
SPREAD = 12
"""Requests of the collection probed per size, evenly spread, the last one included."""


@dataclass(frozen=True)
class Timing:
    samples: int
    p50_us: float
    p99_us: float


def _spread(size: int) -> list[int]:
    """Requests of every kind: blocks of four neighbours (one of each kind), spread from the
    end of the collection to its start."""
    blocks = size // len(gen_collections.KINDS)
    count = SPREAD // len(gen_collections.KINDS)
    chosen = {round(b * (blocks - 1) / max(1, count - 1)) for b in range(count)}
    return sorted(size - 1 - 4 * b - j for b in chosen for j in range(4))


def probes(size: int) -> dict[str, list[Probe]]:
    """The requests of each kind sent to a collection of `size` requests."""
    found: dict[str, list[Probe]] = {k: [] for k in (*HOT_KINDS, *COLD_KINDS)}
    for i in _spread(size):
        kind = gen_collections.kind_of(i, size)
        own = gen_collections.probes_for(i, size)
        if kind == "by_id":
            found["path variable"].append(own[0])
            found["literal"].append(own[1])  # the literal `/items/0` example beside `:itemId`
            found["var + unsaved query"].append(Probe("GET", own[0].path, (("expand", "1"),)))
        elif kind == "list":
            found["literal"].append(own[0])
            found["query variant"].extend(own[1:])
        elif kind == "create":
            found["body variant"].extend(own)
        else:
            found["literal"].append(own[0])
            found["query variant"].append(own[1])
    # a miss costs more, so one request each, to the last request of the collection
    last = size - 1
    found["typo (tier 70)"].append(Probe("GET", f"/api/res{last}/itemz/{last}"))
    found["unmatched 404"].append(Probe("GET", f"/api/res{last}/nothing/here", status=404))
    return found


def incoming(probe: Probe) -> Incoming:
    headers = {"content-type": probe.content_type} if probe.content_type else {}
    return Incoming(
        probe.method, probe.path, probe.query, headers, IncomingBody(probe.body, probe.content_type)
    )


def _percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _timing(samples: Iterable[float]) -> Timing:
    ordered = sorted(samples)
    return Timing(len(ordered), _percentile(ordered, 0.5), _percentile(ordered, 0.99))


def _weighted(groups: list[list[float]], share: float) -> float:
    """The `share` percentile of several sample groups, each group weighing the same."""
    weighted = sorted((x, 1 / len(g)) for g in groups if g for x in g)
    target, total = share * sum(1 for g in groups if g), 0.0
    for value, weight in weighted:
        total += weight
        if total >= target:
            return value
    return weighted[-1][0]


def mixed(groups: list[list[float]]) -> Timing:
    """p50/p99 of requests where each kind is as frequent as the others."""
    return Timing(sum(map(len, groups)), _weighted(groups, 0.5), _weighted(groups, 0.99))


def check(engine: Engine, requests: dict[str, list[Probe]]) -> list[str]:
    """Problems with the answers (a benchmark of wrong answers would mean nothing)."""
    problems = []
    for kind, kind_probes in requests.items():
        for probe in kind_probes:
            status = engine.respond(incoming(probe)).response.status
            if status != probe.status:
                problems.append(f"{kind} {probe.method} {probe.target}: {status}")
    return problems


MIX = "all hot kinds"
"""The row the engine target is on: the hot kinds, each weighing the same."""


def run(
    collections: dict[int, Path], rounds: int, budget_s: float, cold_max_size: int
) -> dict[int, dict[str, Timing]]:
    """p50/p99 of `Engine.respond` per size and kind of request, in microseconds.

    `budget_s` is the time spent on each (size, kind), split over `rounds`; the
    cold kinds get one round only, and only up to `cold_max_size` requests, as one
    unmatched call to a large collection may take seconds.
    """
    engines = {size: Engine.from_files(path) for size, path in collections.items()}
    requests = {size: probes(size) for size in collections}
    for size, by_kind in requests.items():
        if size > cold_max_size:
            for kind in COLD_KINDS:
                by_kind[kind] = []
    for size, engine in engines.items():
        problems = check(engine, requests[size])
        if problems:
            raise RuntimeError(f"wrong answers at size {size}: {problems[:5]}")
    prepared = {
        size: {kind: [incoming(p) for p in ps] for kind, ps in by_kind.items()}
        for size, by_kind in requests.items()
    }
    samples: dict[tuple[int, str], list[float]] = {
        (size, kind): [] for size in engines for kind in (*HOT_KINDS, *COLD_KINDS)
    }
    per_round = budget_s / rounds
    clock = time.perf_counter
    for round_number in range(rounds):
        for size, engine in engines.items():
            respond = engine.respond
            for kind, incomings in prepared[size].items():
                if not incomings or (kind in COLD_KINDS and round_number):
                    continue
                mine = samples[(size, kind)]
                round_end = clock() + (per_round if kind in HOT_KINDS else budget_s)
                while clock() < round_end:
                    for request in incomings:
                        started = clock()
                        respond(request)
                        mine.append((clock() - started) * 1e6)
    results: dict[int, dict[str, Timing]] = {}
    for size in engines:
        results[size] = {
            k: _timing(samples[(size, k)]) for k in (*HOT_KINDS, *COLD_KINDS) if samples[(size, k)]
        }
        results[size][MIX] = mixed([samples[(size, k)] for k in HOT_KINDS])
    return results
