"""Tests for Postman's dynamic `$...` variables (SPEC §4.2)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

import pytest

from pytest_postman_mock.engine import dynamic
from pytest_postman_mock.engine.dynamic import NAMES, DynamicValues

TABLE = Path(__file__).resolve().parents[1] / "docs" / "dynamic-variables.md"
"""The names Postman defines (SPEC §4.2), as the docs list them."""
SEEDS = (0, 1, 7, 42, 2024)
CALLS_PER_SEED = 4

Check = Callable[[str], bool]


def rx(pattern: str) -> Check:
    """Whole-string regex check."""
    compiled = re.compile(pattern)
    return lambda value: compiled.fullmatch(value) is not None


def number(pattern: str, low: float, high: float) -> Check:
    """Regex for the text form plus an inclusive numeric range."""
    shape = rx(pattern)
    return lambda value: shape(value) and low <= float(value) <= high


def all_of(*checks: Check) -> Check:
    return lambda value: all(check(value) for check in checks)


def ipv4(value: str) -> bool:
    parts = value.split(".")
    return len(parts) == 4 and all(
        p.isdigit() and str(int(p)) == p and int(p) <= 255 for p in parts
    )


def iban_valid(value: str) -> bool:
    """ISO 13616 length 15..31 and ISO 7064 mod-97 == 1."""
    rearranged = value[4:] + value[:4]
    return 15 <= len(value) <= 31 and int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


JS_DATE_FORMAT = "%a %b %d %Y %H:%M:%S GMT+0000 (Coordinated Universal Time)"
JS_DATE = (
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{2} \d{4} \d{2}:\d{2}:\d{2} GMT\+0000 \(Coordinated Universal Time\)"
)


def js_date_within(before: timedelta, after: timedelta) -> Check:
    """A JS Date.toString() value in [now - before, now + after] (1 s slack for rounding)."""

    def check(value: str) -> bool:
        if not re.fullmatch(JS_DATE, value):
            return False
        parsed = datetime.strptime(value, JS_DATE_FORMAT).replace(tzinfo=timezone.utc)
        now = datetime.now(timezone.utc)
        slack = timedelta(seconds=2)
        return now - before - slack <= parsed <= now + after + slack

    return check


def timestamp_now(value: str) -> bool:
    return re.fullmatch(r"[1-9]\d{9}", value) is not None and abs(int(value) - time.time()) <= 2


def iso_now(value: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z", value):
        return False
    parsed = datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return abs((parsed - datetime.now(timezone.utc)).total_seconds()) <= 2


def data_uri(value: str) -> bool:
    prefix = "data:image/svg+xml;charset=UTF-8,"
    if not value.startswith(prefix) or not rx(r"[A-Za-z0-9%\-_.!~*'()]+")(value[len(prefix) :]):
        return False
    svg = unquote(value[len(prefix) :])
    return svg.startswith("<svg ") and svg.endswith("</svg>")


UUID4 = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
PHONE = r"[2-9]\d{2}-[2-9]\d{2}-\d{4}"
NAME = r"[A-Z][A-Za-z'\-]+"
PLACE = r"[A-Z][A-Za-z' .\-]+"
CAP_WORD = r"[A-Z][a-z]+"
DOMAIN = r"[a-z0-9]([a-z0-9\-]*[a-z0-9])?\.[a-z]{2,}"
FILE_NAME = r"[\w\-]+\.[a-z0-9]+"
DIRECTORY = r"(/[\w+\-]+)+"
SENTENCE = r"[A-Z][a-z]*( [a-z]+)*\."
PARAGRAPH = rf"{SENTENCE}( {SENTENCE})*"
IMAGE_CATEGORIES = (
    "abstract",
    "animals",
    "business",
    "cats",
    "city",
    "food",
    "nightlife",
    "fashion",
    "people",
    "nature",
    "sports",
    "transport",
)
YEAR = timedelta(days=365)

SHAPES: dict[str, Check] = {
    "$guid": rx(UUID4),
    "$timestamp": timestamp_now,
    "$isoTimestamp": iso_now,
    "$randomUUID": rx(UUID4),
    "$randomInt": number(r"0|[1-9]\d{0,3}", 0, 1000),
    "$randomAlphaNumeric": rx(r"[A-Za-z0-9]"),
    "$randomBoolean": rx(r"true|false"),
    "$randomColor": rx(r"[a-z]+( [a-z]+)?"),
    "$randomHexColor": rx(r"#[0-9a-f]{6}"),
    "$randomAbbreviation": rx(r"[A-Z][A-Z0-9]{1,4}"),
    "$randomIP": ipv4,
    "$randomIPV6": rx(r"([0-9a-f]{4}:){7}[0-9a-f]{4}"),
    "$randomMACAddress": rx(r"([0-9a-f]{2}:){5}[0-9a-f]{2}"),
    "$randomPassword": rx(r"[A-Za-z0-9]{15}"),
    "$randomLocale": rx(r"[a-z]{2,3}"),
    "$randomUserAgent": rx(r"[A-Za-z]+/[\d.]+ ?\(.+\).*"),
    "$randomProtocol": rx(r"https?"),
    "$randomSemver": rx(r"\d+\.\d+\.\d+"),
    "$randomFirstName": rx(NAME),
    "$randomLastName": rx(NAME),
    "$randomFullName": rx(rf"{NAME} {NAME}"),
    "$randomNamePrefix": rx(r"(Mr|Mrs|Ms|Dr)\.|Miss"),
    "$randomNameSuffix": rx(r"Jr\.|Sr\.|I|II|III|IV|V|MD|DDS|PhD|DVM"),
    "$randomJobArea": rx(CAP_WORD),
    "$randomJobDescriptor": rx(CAP_WORD),
    "$randomJobTitle": rx(rf"{CAP_WORD} {CAP_WORD} {CAP_WORD}"),
    "$randomJobType": rx(CAP_WORD),
    "$randomPhoneNumber": rx(PHONE),
    "$randomPhoneNumberExt": rx(rf"[1-9]\d?-{PHONE}"),
    "$randomCity": rx(PLACE),
    "$randomStreetName": rx(PLACE),
    "$randomStreetAddress": rx(rf"\d+ {PLACE}"),
    "$randomCountry": rx(r"[A-Z][\w' ,&().\-]+"),
    "$randomCountryCode": rx(r"[A-Z]{2}"),
    "$randomLatitude": number(r"-?\d{1,2}\.\d{4}", -90, 90),
    "$randomLongitude": number(r"-?\d{1,3}\.\d{4}", -180, 180),
    "$randomAvatarImage": rx(r"https://avatars\.githubusercontent\.com/u/\d+"),
    "$randomImageUrl": rx(r"https://loremflickr\.com/640/480\?lock=\d+"),
    **{
        f"$random{c.capitalize()}Image": rx(rf"https://loremflickr\.com/640/480/{c}\?lock=\d+")
        for c in IMAGE_CATEGORIES
    },
    "$randomImageDataUri": data_uri,
    "$randomBankAccount": rx(r"\d{8}"),
    "$randomBankAccountName": rx(r"[A-Z][A-Za-z ]+ Account"),
    "$randomCreditCardMask": rx(r"\d{4}"),
    "$randomBankAccountBic": rx(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?"),
    "$randomBankAccountIban": all_of(rx(r"[A-Z]{2}\d{2}[A-Z0-9]{11,27}"), iban_valid),
    "$randomTransactionType": rx(r"invoice|payment|deposit|withdrawal"),
    "$randomCurrencyCode": rx(r"[A-Z]{3}"),
    "$randomCurrencyName": rx(r"[A-Z][\w' .()\-]+"),
    "$randomCurrencySymbol": rx(r"\S{1,6}"),
    "$randomBitcoin": rx(r"[13][1-9A-HJ-NP-Za-km-z]{25,33}"),
    "$randomPrice": number(r"\d{1,4}\.\d{2}", 0, 1000),
    "$randomCompanyName": rx(r"[A-Z][A-Za-z' ,\-]+"),
    "$randomCompanySuffix": rx(r"Inc|and Sons|LLC|Group|PLC|Ltd"),
    "$randomBs": rx(r"[a-z\-]+ [\w/\-]+ [\w\- ]+"),
    "$randomBsAdjective": rx(r"[\w/\-]+"),
    "$randomBsBuzz": rx(r"[a-z\-]+"),
    "$randomBsNoun": rx(r"[\w\- ]+"),
    "$randomCatchPhrase": rx(r"[A-Z][\w\-]*( [\w\-]+)* [\w/\-]+( [\w/\-]+)* [\w\- ]+"),
    "$randomCatchPhraseAdjective": rx(r"[A-Z][\w\- ]+"),
    "$randomCatchPhraseDescriptor": rx(r"[\w/\- ]+"),
    "$randomCatchPhraseNoun": rx(r"[\w\- ]+"),
    "$randomDatabaseColumn": rx(r"[a-z][A-Za-z]*"),
    "$randomDatabaseType": rx(r"[a-z]+"),
    "$randomDatabaseCollation": rx(r"[a-z0-9]+_[a-z_]+"),
    "$randomDatabaseEngine": rx(r"[A-Za-z]+"),
    "$randomDatePast": js_date_within(YEAR, timedelta(0)),
    "$randomDateFuture": js_date_within(timedelta(0), YEAR),
    "$randomDateRecent": js_date_within(timedelta(days=1), timedelta(0)),
    "$randomMonth": rx(
        r"January|February|March|April|May|June|July|August|September|October"
        r"|November|December"
    ),
    "$randomWeekday": rx(r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"),
    "$randomDomainName": rx(DOMAIN),
    "$randomDomainSuffix": rx(r"[a-z]{2,}"),
    "$randomDomainWord": rx(r"[a-z0-9]([a-z0-9\-]*[a-z0-9])?"),
    "$randomEmail": rx(r"[\w.+\-]+@(gmail\.com|yahoo\.com|hotmail\.com)"),
    "$randomExampleEmail": rx(r"[\w.+\-]+@example\.(com|net|org)"),
    "$randomUserName": rx(r"[\w.]+"),
    "$randomUrl": rx(rf"https?://{DOMAIN}"),
    "$randomFileName": rx(FILE_NAME),
    "$randomFileType": rx(r"application|audio|font|image|message|model|multipart|text|video"),
    "$randomFileExt": rx(r"[a-z0-9]+"),
    "$randomCommonFileName": rx(r"\w+\.(pdf|mpga|mp3|wav|png|jpeg|jpg|gif|mp4|mpeg|html)"),
    "$randomCommonFileType": rx(r"video|audio|image|text|application"),
    "$randomCommonFileExt": rx(r"pdf|mpga|mp3|wav|png|jpeg|jpg|gif|mp4|mpeg|html"),
    "$randomFilePath": rx(rf"{DIRECTORY}/{FILE_NAME}"),
    "$randomDirectoryPath": rx(DIRECTORY),
    "$randomMimeType": rx(r"[a-z]+/[\w.+\-]+"),
    "$randomProduct": rx(CAP_WORD),
    "$randomProductAdjective": rx(CAP_WORD),
    "$randomProductMaterial": rx(CAP_WORD),
    "$randomProductName": rx(rf"{CAP_WORD} {CAP_WORD} {CAP_WORD}"),
    "$randomDepartment": rx(CAP_WORD),
    "$randomNoun": rx(r"[a-z]+( [a-z]+)?"),
    "$randomVerb": rx(r"[a-z]+( [a-z]+)?"),
    "$randomIngverb": rx(r"([a-z]+ )?[a-z]+ing( up)?"),
    "$randomAdjective": rx(r"[a-z0-9\-]+( [a-z]+)?"),
    "$randomWord": rx(r"[A-Za-z]+"),
    "$randomWords": rx(r"[A-Za-z]+( [A-Za-z]+){1,4}"),
    "$randomPhrase": rx(r"[A-Z][\w ',/\-]+!"),
    "$randomLoremWord": rx(r"[a-z]+"),
    "$randomLoremWords": rx(r"[a-z]+ [a-z]+ [a-z]+"),
    "$randomLoremSentence": rx(SENTENCE),
    "$randomLoremSentences": rx(rf"{SENTENCE}( {SENTENCE}){{1,5}}"),
    "$randomLoremParagraph": rx(PARAGRAPH),
    "$randomLoremParagraphs": rx(rf"{PARAGRAPH}\n{PARAGRAPH}\n{PARAGRAPH}"),
    "$randomLoremText": rx(rf"{SENTENCE}([ \n]{SENTENCE})*"),
    "$randomLoremSlug": rx(r"[a-z]+-[a-z]+-[a-z]+"),
    "$randomLoremLines": rx(rf"{SENTENCE}(\n{SENTENCE}){{0,4}}"),
}


def spec_names() -> set[str]:
    """The `$...` names in the table of the docs page (SPEC §4.2)."""
    text = TABLE.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `(\$\w+)` \|", text, flags=re.MULTILINE))


def test_there_are_118_names() -> None:
    assert len(NAMES) == 118
    assert all(name.startswith("$") for name in NAMES)


def test_names_are_exactly_the_spec_table() -> None:
    assert spec_names() == NAMES


def test_every_name_has_a_shape_check() -> None:
    assert set(SHAPES) == NAMES


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_shape(name: str) -> None:
    check = SHAPES[name]
    for seed in SEEDS:
        values = DynamicValues(seed=seed)
        for _ in range(CALLS_PER_SEED):
            value = values.resolve(name)
            assert isinstance(value, str)
            assert check(value), f"{name} (seed {seed}) gave {value!r}"


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("$randomLoremSentences", r"\. "),
        ("$randomLoremLines", "\n"),
        ("$randomWords", " "),
        ("$randomLoremParagraphs", "\n"),
    ],
)
def test_counts_vary_within_documented_bounds(name: str, pattern: str) -> None:
    """2-6 sentences, 1-5 lines, 2-5 words, exactly 3 paragraphs; and the counts do vary."""
    bounds = {
        "$randomLoremSentences": (2, 6),
        "$randomLoremLines": (1, 5),
        "$randomWords": (2, 5),
        "$randomLoremParagraphs": (3, 3),
    }[name]
    values = DynamicValues(seed=3)
    counts = {len(re.split(pattern, values.resolve(name) or "")) for _ in range(60)}
    assert min(counts) >= bounds[0] and max(counts) <= bounds[1]
    assert len(counts) == bounds[1] - bounds[0] + 1


def sequence(values: DynamicValues) -> list[str | None]:
    """Every name except the clock ones, twice, in a fixed order."""
    names = sorted(NAMES - {"$timestamp", "$isoTimestamp"})
    return [values.resolve(name) for name in names * 2]


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates are relative to now; freeze it so a comparison can't straddle a second."""
    fixed = datetime(2024, 2, 29, 12, 0, 0, 123000, tzinfo=timezone.utc)
    monkeypatch.setattr(dynamic, "_now", lambda: fixed)


@pytest.mark.usefixtures("frozen_clock")
def test_same_seed_reproduces() -> None:
    assert sequence(DynamicValues(seed=42)) == sequence(DynamicValues(seed=42))


@pytest.mark.usefixtures("frozen_clock")
def test_same_seed_reproduces_when_interleaved() -> None:
    """The Faker instance is shared; interleaving two contexts must not leak state."""
    alone = sequence(DynamicValues(seed=5))
    first, second = DynamicValues(seed=5), DynamicValues(seed=99)
    names = sorted(NAMES - {"$timestamp", "$isoTimestamp"}) * 2
    interleaved = []
    for name in names:
        interleaved.append(first.resolve(name))
        second.resolve("$randomFullName")
        second.resolve(name)
    assert interleaved == alone


@pytest.mark.usefixtures("frozen_clock")
def test_same_seed_reproduces_across_threads() -> None:
    expected = sequence(DynamicValues(seed=11))
    results: list[list[str | None]] = [[] for _ in range(6)]

    def work(slot: int) -> None:
        results[slot] = sequence(DynamicValues(seed=11))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(results))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(result == expected for result in results)


@pytest.mark.usefixtures("frozen_clock")
def test_dates_reproduce_with_frozen_clock() -> None:
    a, b = DynamicValues(seed=8), DynamicValues(seed=8)
    for name in ("$randomDatePast", "$randomDateFuture", "$randomDateRecent"):
        assert a.resolve(name) == b.resolve(name)


def test_clock_values_use_the_clock(frozen_clock: None) -> None:
    values = DynamicValues(seed=1)
    assert values.resolve("$isoTimestamp") == "2024-02-29T12:00:00.123Z"
    assert values.resolve("$timestamp") == str(
        int(datetime(2024, 2, 29, 12, tzinfo=timezone.utc).timestamp())
    )
    assert values.resolve("$randomDateRecent") != values.resolve("$randomDateRecent")


def test_js_date_rendering() -> None:
    value = datetime(2020, 3, 17, 13, 11, 50, 999000, tzinfo=timezone.utc)
    assert dynamic._js_date(value) == (
        "Tue Mar 17 2020 13:11:50 GMT+0000 (Coordinated Universal Time)"
    )
    assert dynamic._js_date(value.replace(day=1)) == (
        "Sun Mar 01 2020 13:11:50 GMT+0000 (Coordinated Universal Time)"
    )


def test_different_seeds_differ() -> None:
    names = [
        "$randomInt",
        "$guid",
        "$randomFirstName",
        "$randomLoremSentence",
        "$randomIP",
        "$randomCity",
        "$randomPassword",
        "$randomWords",
    ]
    runs = [[DynamicValues(seed=seed).resolve(n) for n in names] for seed in range(5)]
    assert len({tuple(run) for run in runs}) == 5
    # and per name, not only overall: a faker-backed name differs across seeds too
    assert len({run[2] for run in runs} | {run[3] for run in runs}) > 2


def test_unseeded_instances_differ() -> None:
    first, second = DynamicValues(), DynamicValues(seed=None)
    assert [first.resolve("$guid") for _ in range(3)] != [second.resolve("$guid") for _ in range(3)]


def test_successive_values_differ() -> None:
    values = DynamicValues(seed=1)
    assert len({values.resolve("$guid") for _ in range(20)}) == 20
    assert len({values.resolve("$randomFirstName") for _ in range(20)}) > 5


@pytest.mark.parametrize(
    "name", ["$nope", "randomInt", "", "$", "{{$randomInt}}", "$randomInt ", " $guid", "guid"]
)
def test_unknown_names_return_none(name: str) -> None:
    assert DynamicValues(seed=1).resolve(name) is None


@pytest.mark.parametrize(
    "name", ["$RandomInt", "$randomint", "$GUID", "$randomUuid", "$randomIpv6", "$randomfirstname"]
)
def test_names_are_case_sensitive(name: str) -> None:
    assert DynamicValues(seed=1).resolve(name) is None


def test_faker_is_imported_lazily() -> None:
    """Faker costs ~50 ms to import; only names that need it may pull it in."""
    src = Path(dynamic.__file__).resolve().parents[1]
    script = textwrap.dedent(
        """
        import sys
        from pytest_postman_mock.engine.dynamic import DynamicValues
        assert "faker" not in sys.modules, "imported at module level"
        values = DynamicValues(seed=1)
        assert "faker" not in sys.modules, "imported by the constructor"
        for name in ("$randomInt", "$guid", "$randomDatePast", "$randomJobTitle"):
            values.resolve(name)
        assert "faker" not in sys.modules, "imported for a stdlib-only name"
        values.resolve("$randomFirstName")
        assert "faker" in sys.modules, "not imported when needed"
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(src)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
