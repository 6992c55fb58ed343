"""Peak memory (ru_maxrss) of each hostile input at the issue's full scale, one fresh
process per case, beside a plain load for the ratio.

    python benchmarks/hostile.py

The cases: a 260-byte self-referring variable, a ten-way fan-out chain, a 20 MiB YAML
scalar behind 301 aliases (refused at load); a `{{$body}}` x 20 echo of a 1 MiB body,
`$..*..*..*` on a 1 KB 150-deep body and on a 90-deep one, and a 1,000-deep body
(served within their bounds). Every server binds 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

CASE = r"""
import json, resource, sys, time
from pathlib import Path
import requests
from pytest_postman_mock import MockServer
from pytest_postman_mock.errors import CollectionError

kind, path, body = sys.argv[1], sys.argv[2], sys.argv[3]
started = time.perf_counter()
try:
    with MockServer(path) as server:
        outcome = "loaded"
        if body:
            data = Path(body).read_bytes()
            answer = requests.post(server.url_for("/echo"), data=data,
                                   headers={"Content-Type": "application/json"}, timeout=120)
            outcome = f"{answer.status_code} ({len(answer.content):,} bytes)"
except CollectionError as problem:
    outcome = "refused: " + str(problem).split(": ", 1)[1][:70]
seconds = time.perf_counter() - started
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"outcome": outcome, "rss": rss, "seconds": seconds}))
"""


def collection(variables: dict[str, str], body: str) -> dict[str, object]:
    example = {
        "name": "E",
        "originalRequest": {"method": "POST", "url": "https://x.test/echo"},
        "code": 200,
        "body": body,
    }
    return {
        "info": {"name": "Hostile"},
        "item": [
            {
                "name": "R",
                "request": {"method": "POST", "url": "https://x.test/echo"},
                "response": [example],
            }
        ],
        "variable": [{"key": k, "value": v} for k, v in variables.items()],
    }


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="hostile-"))
    cases: list[tuple[str, Path, str]] = []

    def add(name: str, doc: object | str, body: str = "", suffix: str = ".json") -> None:
        path = folder / f"{name}{suffix}"
        path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
        body_path = ""
        if body:
            (folder / f"{name}.body").write_text(body)
            body_path = str(folder / f"{name}.body")
        cases.append((name, path, body_path))

    add("plain load (baseline)", collection({}, "{{$body}}"), "small")
    add("self-reference a={{a}}x3", collection({"a": "{{a}}{{a}}{{a}}"}, "{{a}}"))
    chain = {f"v{i}": f"{{{{v{i + 1}}}}}" * 10 for i in range(10)}
    add("10-way fan-out chain", collection({**chain, "v10": "x"}, "{{v0}}"))
    aliases = "".join("\n      - *big" for _ in range(301))
    yaml_doc = (
        "info: {name: Aliases}\n"
        f"variable:\n  - key: big\n    value: &big {'x' * (20 * 1024 * 1024)}\n"
        f"item:\n  - name: R\n    request: {{url: 'https://x.test/r'}}\n    tags:{aliases}\n"
    )
    add("20 MiB YAML scalar x 301 aliases", yaml_doc, suffix=".yaml")
    add("{{$body}} x 20 of a 1 MiB body", collection({}, "{{$body}}" * 20), "x" * 2**20)
    add("$..*..*..* on 150-deep 1 KB body", collection({}, "{{$body '$..*..*..*'}}"), nested(150))
    add("$..*..*..* on 90-deep body", collection({}, "{{$body '$..*..*..*'}}"), nested(90))
    add("1,000-deep body, {{$body 'a'}}", collection({}, "{{$body 'a'}}"), nested(1000))

    print(f"{'case':<36} {'outcome':<74} {'peak RSS':>9} {'vs plain':>8}")
    baseline = None
    for name, path, body in cases:
        run = subprocess.run(
            [sys.executable, "-c", CASE, name, str(path), body],
            capture_output=True,
            text=True,
            timeout=600,
        )
        if run.returncode != 0:
            print(f"{name:<36} failed: {run.stderr.strip().splitlines()[-1:]}")
            continue
        found = json.loads(run.stdout)
        baseline = baseline or found["rss"]
        print(
            f"{name:<36} {found['outcome']:<74} {found['rss']:>6.0f} MB "
            f"{found['rss'] / baseline:>7.2f}x"
        )


if __name__ == "__main__":
    main()
