"""`postman-mock`: the same engine outside pytest, for a browser, an app or another language.

`postman-mock serve COLLECTION` prints where it serves, then one line per call,
and stops cleanly on Ctrl-C or SIGTERM. Bad input exits with status 2 and one
line that names the problem, never a traceback.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Any, TextIO

from .errors import PostmanMockError
from .reporting import call_line
from .server import MockServer

EXIT_OK, EXIT_USAGE = 0, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="postman-mock",
        description="Serve a Postman collection's saved examples like a Postman mock server.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="serve a collection over HTTP")
    serve.add_argument("collection", help="Postman collection file (JSON or YAML)")
    serve.add_argument("--environment", "-e", metavar="FILE", help="Postman environment file")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", "-p", default="0", help="port (default 0: any free port)")
    serve.add_argument("--delay", metavar="MS", help="delay every response: ms, 2g or 3g")
    serve.add_argument("--api-key", metavar="KEY", help="private mock: require this x-api-key")
    serve.add_argument("--match-body", action="store_true", help="match request bodies")
    serve.add_argument("--match-headers", metavar="K1,K2", help="header names to match")
    serve.add_argument("--seed", help="seed for {{$random...}} values")
    serve.add_argument("--no-cors", action="store_true", help="do not answer CORS preflights")
    serve.add_argument(
        "--outage",
        metavar="STATUS",
        type=int,
        help="answer every call with this 5xx status (a simulated outage)",
    )
    return parser


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    values: dict[str, Any] = {
        "host": args.host,
        "port": args.port,
        "cors": not args.no_cors,
        "match_body": args.match_body,
    }
    optional = {
        "delay": args.delay,
        "api_key": args.api_key,
        "match_headers": args.match_headers,
        "seed": args.seed,
    }
    values.update({k: v for k, v in optional.items() if v is not None})
    return values


def serve(args: argparse.Namespace, out: TextIO, stop: threading.Event) -> int:
    server = MockServer(args.collection, args.environment, **_settings(args))
    for warning in server.collection.warnings:
        print(f"warning: {warning}", file=sys.stderr, flush=True)
    lock = threading.Lock()

    def show(call: Any) -> None:
        with lock:
            print(call_line(call), file=out, flush=True)

    server.journal.listeners.append(show)
    if args.outage is not None:
        server.outage(args.outage)
    with server:
        print(f'Serving "{server.collection.name}" at {server.url}', file=out, flush=True)
        stop.wait()
    print("Stopped.", file=out, flush=True)
    return EXIT_OK


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    args = build_parser().parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return serve(args, out, stop)
    except PostmanMockError as problem:
        print(f"postman-mock: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main())
