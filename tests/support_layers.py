"""The import contract: read every module's imports with `ast` and name each broken rule.

Rules (RULES.md, DESIGN.md §2): a module imports only from its own layer or the layers below;
the top layer's parts (the pytest plugin, the CLI) are independent of each other; modules import
no cycle; and no project module is imported inside a function (that would hide a cycle). The
package root (`__init__`) sits above every layer: it re-exports, nothing inside imports it.
Imports under `if TYPE_CHECKING:` are exempt: they never run.

`python -m tests.support_layers [SRC]` prints the problems, one a line, and exits 1 if any.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "pytest_postman_mock"
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "version", "parsers", "behavior_settings", "settings", "frozen"),
    ("collection",),
    ("engine",),
    ("calls",),
    ("report",),
    ("serving",),
    ("plugin", "cli"),
)
"""Lowest first. A name is a top-level module or folder of the package."""
INDEPENDENT = frozenset({"plugin", "cli"})
"""Parts of one layer that may not import each other."""
ROOT = "__init__"


@dataclass(frozen=True)
class Edge:
    """`source` imports `target` (dotted module names) at `line`."""

    source: str
    target: str
    line: int
    in_function: bool


def module_names(src: Path, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of the package under `src`, by dotted name (a package by its own name)."""
    found: dict[str, Path] = {}
    for path in sorted((src / package).rglob("*.py")):
        parts = list(path.relative_to(src).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import that runs, with whether it sits inside a function or class body."""
    found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []

    def visit(nodes: list[ast.stmt], nested: bool) -> None:
        for node in nodes:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found.append((node, nested))
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                visit(node.orelse, nested)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                visit(node.body, True)
            else:
                for field in ("body", "orelse", "finalbody", "handlers"):
                    children = getattr(node, field, None)
                    if isinstance(children, list):
                        stmts = [c for c in children if isinstance(c, ast.stmt)]
                        handlers = [c for c in children if isinstance(c, ast.ExceptHandler)]
                        visit(stmts, nested)
                        for handler in handlers:
                            visit(handler.body, nested)

    visit(tree.body, False)
    return found


def edges(src: Path, package: str = PACKAGE) -> list[Edge]:
    """Each import of one project module by another."""
    modules = module_names(src, package)
    found: list[Edge] = []
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, nested in _imports(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = name.split(".")
                    if not is_package:
                        anchor.pop()
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    child = f"{base}.{alias.name}"
                    targets.append(child if child in modules else base)
            for target in targets:
                if target == package or target.startswith(package + "."):
                    while target not in modules and "." in target:
                        target = target.rsplit(".", 1)[0]
                    if target != name:
                        found.append(Edge(name, target, node.lineno, nested))
    return found


def part(module: str, package: str = PACKAGE) -> str:
    """The layer part a module belongs to: its first name below the package, or the root."""
    rest = module[len(package) + 1 :] if module != package else ""
    return rest.split(".", 1)[0] if rest else ROOT


def rank(name: str) -> int | None:
    if name == ROOT:
        return len(LAYERS)
    for number, names in enumerate(LAYERS):
        if name in names:
            return number
    return None


def cycles(found: list[Edge]) -> list[list[str]]:
    """The import cycles among modules (Tarjan's strongly connected components)."""
    graph: dict[str, set[str]] = {}
    for edge in found:
        if not edge.in_function:
            graph.setdefault(edge.source, set()).add(edge.target)
            graph.setdefault(edge.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(result)


def problems(src: Path, package: str = PACKAGE) -> list[str]:
    """Every broken rule, one plain line each (empty when the contract holds)."""
    found = edges(src, package)
    lines: list[str] = []
    for name in sorted(module_names(src, package)):
        if rank(part(name, package)) is None:
            lines.append(f"{name}: in no layer (add {part(name, package)!r} to LAYERS)")
    for edge in found:
        where = f"{edge.source}:{edge.line}"
        source, target = part(edge.source, package), part(edge.target, package)
        low, high = rank(source), rank(target)
        if edge.in_function:
            lines.append(f"{where}: imports {edge.target} inside a function")
        if low is None or high is None or source == target:
            continue
        if high > low:
            lines.append(
                f"{where}: imports {edge.target} (upward: {source} may not import {target})"
            )
        elif high == low and {source, target} <= INDEPENDENT:
            lines.append(f"{where}: imports {edge.target} ({source} and {target} are independent)")
    lines += [f"import cycle among: {', '.join(cycle)}" for cycle in cycles(found)]
    return lines


def main(argv: list[str]) -> int:
    src = Path(argv[0]) if argv else Path(__file__).resolve().parents[1] / "src"
    found = problems(src)
    for line in found:
        print(line)
    print(f"import contract: {len(found)} problem(s)" if found else "import contract: kept")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
