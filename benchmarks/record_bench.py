"""Proxy and record: what a proxied call costs beside a direct one, and a save beside the file.

Printed as ratios measured in one run (see README.md):

- PROXY: a call through the mock's proxy vs the same call made to the stand-in directly,
  both over kept-alive connections, rounds alternating; median per-call time ratio.
- SAVE: recording one example into a collection of 2,000 requests vs one of 20 (the
  save re-reads and re-parses the file, so it grows with it), and the in-place JSON
  edit vs re-serialising the whole document.

    python benchmarks/record_bench.py
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import builders, upstream

from pytest_postman_mock import MockServer
from pytest_postman_mock.collection.splice import Edit, apply, apply_to_document
from pytest_postman_mock.collection.writer import save_example

ROUNDS, CALLS = 5, 100


def per_call(session: requests.Session, url: str) -> float:
    started = time.perf_counter()
    for _ in range(CALLS):
        session.get(url).raise_for_status()
    return (time.perf_counter() - started) / CALLS


def proxy_ratio(folder: Path) -> float:
    api = builders.write(folder / "empty.postman_collection.json", builders.collection())
    with upstream.running() as (url, _), MockServer(api, proxy=url) as mock:
        direct, proxied = [], []
        with requests.Session() as session:
            for _ in range(ROUNDS):
                direct.append(per_call(session, url + "/users/7"))
                proxied.append(per_call(session, mock.url + "/users/7"))
    return statistics.median(proxied) / statistics.median(direct)


def collection_of(size: int, folder: Path) -> Path:
    items = [
        builders.request(f"Get thing {n}", f"{{{{baseUrl}}}}/things{n}/:id") for n in range(size)
    ]
    return builders.write(folder / f"c{size}.postman_collection.json", builders.collection(*items))


def example(number: int) -> dict[str, object]:
    return builders.example(f"{number}", "{{baseUrl}}/things0/:id", body=f"body {number}")


def save_time(path: Path, saves: int = 20) -> float:
    started = time.perf_counter()
    for number in range(saves):
        save_example(path, example(number), item=("item", 0))
    return (time.perf_counter() - started) / saves


def splice_vs_dump(path: Path) -> float:
    text = path.read_text(encoding="utf-8")
    document = json.loads(text)
    edit = Edit("append", ("item", 0, "response"), example(0))
    apply_to_document(document, edit)
    started = time.perf_counter()
    for _ in range(20):
        apply(text, edit, document)
    spliced = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(20):
        json.dumps(document, indent=2, ensure_ascii=False)
    return spliced / (time.perf_counter() - started)


def main() -> None:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        print(f"PROXY  proxied / direct call time: {proxy_ratio(folder):.2f}x")
        small, large = collection_of(20, folder), collection_of(2000, folder)
        growth = save_time(large) / save_time(small)
        print(f"SAVE   2,000 requests / 20 requests, per save: {growth:.1f}x")
        print(f"SAVE   in-place JSON edit / full re-serialisation: {splice_vs_dump(large):.2f}x")


if __name__ == "__main__":
    main()
