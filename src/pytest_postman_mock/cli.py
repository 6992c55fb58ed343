"""`postman-mock`: the same engine outside pytest, for a browser, an app or another language.

- `serve COLLECTION`: print where it serves, then one aligned line per call; stop
  cleanly on Ctrl-C or SIGTERM; `--watch` reloads the collection when it changes.
- `check COLLECTION`: lint it for mocking; exit 0 when clean, 1 with findings.
- `routes COLLECTION`: method, path template, example names and statuses.
- `record COLLECTION --proxy URL`: `serve --proxy URL --record new`, for clients in any
  language: calls no example matches go to URL and the answers are saved as examples.

Bad input exits with status 2 and one line that names the problem, never a traceback.
Output cut short by its reader (`postman-mock check api.json | head -1`) ends quietly.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any, Callable, TextIO

from .calls.describe import call_line
from .calls.log import Call
from .engine import lint
from .engine.collector import freeze_loaded
from .engine.core import Engine
from .errors import PostmanMockError, plural
from .report.viewer import save_report
from .serving import viewer_app
from .serving.host_names import HostNames
from .serving.programmable import HandlerFile
from .serving.server import MockServer
from .settings import BY_NAME, MockSettings, Place, Setting, settings_in
from .version import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
WATCH_INTERVAL = 0.5


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="postman-mock",
        description="Serve a Postman collection's saved examples like a Postman mock server.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="serve a collection over HTTP")
    _serve_arguments(serve)
    record = commands.add_parser(
        "record",
        help="serve a collection, pass calls no example matches to --proxy URL and save "
        "the answers as examples (serve --proxy URL --record new)",
    )
    _serve_arguments(record)
    check = commands.add_parser("check", help="lint a collection for mocking")
    _collection_arguments(check)
    routes = commands.add_parser("routes", help="list the routes a collection serves")
    _collection_arguments(routes)
    return parser


def _serve_arguments(serve: argparse.ArgumentParser) -> None:
    _collection_arguments(serve)
    for setting in settings_in(Place.SERVE):
        _setting_argument(serve, setting)
    serve.add_argument(
        "--handlers", metavar="FILE", help="Python file whose @handler functions answer calls"
    )
    serve.add_argument(
        "--watch", action="store_true", help="reload the collection when its file changes"
    )
    serve.add_argument(
        "--report",
        metavar="FILE",
        help="when serve stops, write the calls and coverage to FILE "
        "(the call-log viewer page if FILE ends in .html, JSON otherwise)",
    )
    serve.add_argument(
        "--viewer-path",
        metavar="PATH",
        default=viewer_app.DEFAULT_PREFIX,
        help="where the live call-log viewer is served "
        f"(default {viewer_app.DEFAULT_PREFIX}; pick another if the collection uses it)",
    )
    serve.add_argument(
        "--no-viewer", action="store_true", help="do not serve the live call-log viewer"
    )
    serve.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="do not print a line per call (for load runs; the call log still records them)",
    )


def _collection_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("collection", help="Postman collection file (JSON or YAML)")
    command.add_argument("--environment", "-e", metavar="FILE", help="Postman environment file")


def _setting_argument(command: argparse.ArgumentParser, setting: Setting) -> None:
    """One `serve` flag from the settings table: `--name VALUE`, or `--name/--no-name`."""
    default = f" (default {setting.default})" if setting.default else ""
    first = setting.help.split(" ", 1)[0]
    lower = first.lower() if first[1:2].islower() else first  # "YAML file" stays as it is
    help_text = lower + setting.help[len(first) :].rstrip(".") + default
    if setting.is_bool:
        command.add_argument(
            setting.serve_flag,
            *setting.serve_aliases,
            dest=setting.name,
            action=argparse.BooleanOptionalAction,
            default=None,
            help=help_text,
        )
    elif setting.serve_const is not None:
        command.add_argument(
            setting.serve_flag,
            *setting.serve_aliases,
            dest=setting.name,
            default=None,
            nargs="?",
            const=setting.serve_const,
            metavar=setting.metavar or setting.name.upper(),
            help=help_text,
        )
    else:
        command.add_argument(
            setting.serve_flag,
            *setting.serve_aliases,
            dest=setting.name,
            default=None,
            metavar=setting.metavar or setting.name.upper(),
            help=help_text,
        )


def _settings(args: argparse.Namespace) -> dict[str, Any]:
    """The server settings given on the command line, parsed so that an error names the
    flag the user typed (`--port='abc'`)."""
    return {
        setting.name: setting.parse(getattr(args, setting.name), "command line", setting.serve_flag)
        for setting in settings_in(Place.SERVE)
        if setting.server and getattr(args, setting.name) is not None
    }


Stamp = tuple[tuple[int, int], ...]


def stamp(files: Sequence[Path]) -> Stamp:
    """The files' state on disk (modification time and size; a missing file is -1)."""
    found = []
    for path in files:
        try:
            info = path.stat()
            found.append((info.st_mtime_ns, info.st_size))
        except OSError:
            found.append((-1, -1))
    return tuple(found)


def watch(
    files: Sequence[Path], on_change: Callable[[], bool], stop: threading.Event, loaded: Stamp
) -> None:
    """Call `on_change` whenever one of `files` changes on disk, until `stop` is set.

    `loaded` is their stamp taken before they were loaded, so a change made while the
    server loaded them (before this thread ran) is noticed too. A change that
    `on_change` could not take (it returns False: a file caught half written, or
    broken) is tried again at each interval until it loads.
    """
    while not stop.wait(WATCH_INTERVAL):
        current = stamp(files)
        if current != loaded and on_change():
            loaded = current


def serve(args: argparse.Namespace, out: TextIO, stop: threading.Event) -> int:
    files = [Path(p) for p in (args.collection, args.environment) if p]
    loaded = stamp(files)  # before loading: a change while it loads is still seen
    server = MockServer(args.collection, args.environment, **_settings(args))
    freeze_loaded()  # this process only serves: no full collection walks the engine again
    for warning in server.collection.warnings:
        print(f"warning: {warning}", file=sys.stderr, flush=True)
    lock = threading.Lock()

    def say(line: str, stream: TextIO = out) -> None:
        with lock:
            print(line, file=stream, flush=True)

    def show(call: Call) -> None:
        say(call_line(call))

    last_failure = ""

    def reload() -> bool:
        nonlocal last_failure
        try:
            engine = server.reload()
            freeze_loaded(reloading=True)
        except PostmanMockError as problem:
            if str(problem) != last_failure:  # say it once, not at every retry
                last_failure = str(problem)
                say(f"reload failed, still serving the previous examples: {problem}", sys.stderr)
            return False
        last_failure = ""
        say(f'Reloaded "{engine.collection.name}": {len(engine.index.examples)} examples')
        return True

    def report() -> dict[str, Any]:
        return viewer_app.server_report(server, args.collection)

    handlers, handlers_loaded = None, stamp([Path(args.handlers)] if args.handlers else [])
    if args.handlers:  # before the viewer: the file may define scenarios it switches
        handlers = HandlerFile(
            server, args.handlers, lambda line, err: say(line, sys.stderr if err else out)
        )
    prefix = None if args.no_viewer else viewer_app.normalize_prefix(args.viewer_path)
    if prefix is not None:
        names = HostNames(server.settings.host, server.settings.allowed_hosts)
        server.wsgi_wrapper = lambda app: viewer_app.ViewerMiddleware(
            app,
            report,
            prefix,
            api_key=server.settings.api_key,
            host_names=names,
            scenarios=server if server.app.scenarios.scenarios else None,
        )
        for route in viewer_app.shadowed(server.engine, prefix):
            say(
                f"warning: the call-log viewer at {prefix} hides {route} of the collection; "
                "move it with --viewer-path or turn it off with --no-viewer",
                sys.stderr,
            )
    if not args.quiet:
        server.on_call(show)
    if args.outage is not None:
        server.outage(**BY_NAME["outage"].parse(args.outage, "command line", "--outage"))
    if args.scenario is not None:
        name = BY_NAME["scenario"].parse(args.scenario, "command line", "--scenario")
        server.use_scenario(name)
        server.app.scenarios.default = name
    with server:
        say(f'Serving "{server.collection.name}" at {server.url}')
        if handlers is not None:
            say(f"Handlers from {handlers.path}: {handlers.summary()}")
        if server.settings.proxy is not None:
            mode = server.settings.record
            recording = f", recording {mode}" if mode != "none" else ""
            say(f"Proxying unmatched calls to {server.settings.proxy}{recording}", sys.stderr)
        if server.ca_bundle is not None:
            say(f"HTTPS: clients trust it with the CA bundle {server.ca_bundle}")
        elif server.uses_tls:
            say(f"HTTPS with the certificate in {server.settings.cert}")
        if server.scenario is not None:
            say(f"Scenario: {server.scenario}", sys.stderr)
        if prefix is not None:
            key = "?key=<API key>" if server.settings.api_key is not None else ""
            say(f"Call-log viewer at {server.url}{prefix}{key}", sys.stderr)
        seed = server.seed
        say(f"Random values from seed {seed} (repeat them with --seed {seed})", sys.stderr)
        if args.watch:
            threading.Thread(target=watch, args=(files, reload, stop, loaded), daemon=True).start()
            if handlers is not None:
                watched = ([handlers.path], handlers.reload, stop, handlers_loaded)
                threading.Thread(target=watch, args=watched, daemon=True).start()
        stop.wait()
    proxying = server.app.proxying
    for row in proxying.recorded if proxying is not None else ():
        if row.added:
            say(f"{row.method} {row.path} -> {row.status}: {row.describe()}")
    if args.report:
        save_report(Path(args.report), report())
        say(f"Wrote the call log and coverage to {args.report}")
    say("Stopped.")
    return EXIT_OK


def check(args: argparse.Namespace, out: TextIO) -> int:
    engine = Engine.from_files(args.collection, args.environment, MockSettings())
    findings = lint.check(engine)
    for finding in findings:
        print(finding, file=out)
    count = len(engine.index.examples)
    verdict = plural(len(findings), "finding") if findings else "no findings"
    print(f'"{engine.collection.name}": {plural(count, "example")}, {verdict}', file=out)
    return EXIT_FINDINGS if findings else EXIT_OK


def routes(args: argparse.Namespace, out: TextIO) -> int:
    engine = Engine.from_files(args.collection, args.environment, MockSettings())
    rows = lint.routes(engine)
    width = max((len(path) for _, path, _ in rows), default=0)
    for method, path, examples in rows:
        print(f"{method:<7} {path:<{width}}  {examples}", file=out)
    return EXIT_OK


def _quiet_stdout() -> None:
    """The reader went away: send what is left of stdout nowhere, so that Python's flush at
    exit does not print a second BrokenPipeError."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (captured in tests)
        pass


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    args = build_parser().parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if args.command == "record":
        if args.proxy is None:
            print("postman-mock: error: record needs --proxy URL (the real API)", file=sys.stderr)
            return EXIT_USAGE
        args.record = args.record or "new"
    previous = {}
    serving = args.command in ("serve", "record")
    if serving and threading.current_thread() is threading.main_thread():
        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if args.command == "check":
            return check(args, out)
        if args.command == "routes":
            return routes(args, out)
        return serve(args, out, stop)
    except PostmanMockError as problem:
        print(f"postman-mock: error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


if __name__ == "__main__":
    sys.exit(main())
