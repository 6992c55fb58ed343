"""The settings reference in docs/configuration.md, generated from the settings table.

`SETTINGS` in `pytest_postman_mock.settings` is the one place a setting is declared; the page's
table between the `<!-- settings: start -->` and `<!-- settings: end -->` markers is written from
it, so the docs cannot drift from the options pytest, `MockServer` and `serve` accept.
`tests/test_docs.py` fails when the page is out of date.

`python -m tests.support_docs --write` rewrites the table in place; without `--write` it prints
the table and exits 1 when the page differs.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pytest_postman_mock.settings import SETTINGS, Place, Setting

PAGE = Path(__file__).resolve().parents[1] / "docs" / "configuration.md"
START = "<!-- settings: start -->"
END = "<!-- settings: end -->"
COMMAND = "python -m tests.support_docs --write"
HEADER = (
    "| ini | command line | marker | MockServer | serve | default | meaning |",
    "|---|---|---|---|---|---|---|",
)


def _code(text: str) -> str:
    """A table cell's code span (MkDocs' tables keep a `|` inside one as text)."""
    return f"`{text}`"


def _value(setting: Setting) -> str:
    """What follows a flag: the metavar pytest and serve show (`true/false` for a switch)."""
    return "true/false" if setting.is_bool else setting.metavar or setting.name.upper()


def _serve(setting: Setting) -> str:
    """`--[no-]name` for a switch, `--name VALUE` otherwise (the value optional where the
    flag alone means something), with the flag's aliases."""
    value = _value(setting)
    if setting.is_bool:
        flag = "--[no-]" + setting.serve_flag[2:]
    elif setting.serve_const is not None and not value.startswith("["):
        flag = f"{setting.serve_flag} [{value}]"
    else:
        flag = f"{setting.serve_flag} {value}"
    return ", ".join(_code(spelling) for spelling in (flag, *setting.serve_aliases))


def row(setting: Setting) -> str:
    """One setting as a row: each place it may be given, its default and its help."""
    places = setting.places
    cells = (
        _code(setting.ini) if Place.INI in places else "",
        _code(f"{setting.flag} {_value(setting)}") if Place.COMMAND_LINE in places else "",
        _code(f"{setting.name}=") if Place.MARKER in places else "",
        _code(f"{setting.name}=") if Place.MOCK_SERVER in places else "",
        _serve(setting) if Place.SERVE in places else "",
        _code(setting.default) if setting.default else "",
        setting.help.replace("|", "\\|"),
    )
    return "| " + " | ".join(cells) + " |"


def settings_table() -> str:
    """The Markdown table of every setting, in the order of `SETTINGS`."""
    return "\n".join((*HEADER, *(row(setting) for setting in SETTINGS))) + "\n"


def split(text: str) -> tuple[str, str, str]:
    """The page before the table (through the start marker), the table, and the rest."""
    begin, end = text.find(START), text.find(END)
    if begin < 0 or end < begin:
        raise ValueError(f"{PAGE.name} lacks the markers {START} ... {END}")
    head = begin + len(START)
    return text[:head] + "\n", text[head:end].strip("\n") + "\n", "\n" + text[end:]


def rewritten(text: str) -> str:
    """`text` with the region between the markers replaced by the generated table."""
    before, _, after = split(text)
    return before + settings_table() + after


def main(argv: list[str]) -> int:
    text = PAGE.read_text(encoding="utf-8")
    if "--write" in argv:
        PAGE.write_text(rewritten(text), encoding="utf-8")
        return 0
    sys.stdout.write(settings_table())
    return 0 if split(text)[1] == settings_table() else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
