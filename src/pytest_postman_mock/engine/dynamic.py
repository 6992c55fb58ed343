"""Postman's 118 dynamic variables (`{{$guid}}`, `{{$randomInt}}`, ...), see SPEC §4.2.

Design notes:
- One `DynamicValues` per test/request context, owning a private `random.Random`, so a seed
  reproduces the same sequence of values (only the clock-based names differ).
- Names that need realistic word data (people, places, companies, lorem, ...) use Faker, which
  is slow to import (~50 ms) and to build (~15 ms). It is imported only when such a name is first
  resolved, and ONE shared en_US instance serves every `DynamicValues`: before each use it is
  reseeded from the caller's own `Random` (under a lock), so sharing keeps reproducibility while
  construction of `DynamicValues` stays cheap even with one instance per request and one thread
  per request (which is what werkzeug's threaded server does).
- Everything else is plain stdlib over fixed word lists (`dynamic_words`).
"""

from __future__ import annotations

import hashlib
import random
import string
import threading
import uuid
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING
from urllib.parse import quote

from . import dynamic_words as w

if TYPE_CHECKING:
    from collections.abc import Callable

    from faker import Faker

    _Plain = Callable[[random.Random], str]
    _Faked = Callable[[Faker, random.Random], str]

__all__ = ["NAMES", "DynamicValues"]

_ALNUM_LOWER = string.ascii_lowercase + string.digits
_ALNUM = string.ascii_letters + string.digits
_BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_DAY_ABBR = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # datetime.weekday() order
_MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")  # fmt: skip
_YEAR_MS = 365 * 24 * 3600 * 1000
_DAY_MS = 24 * 3600 * 1000


def _now() -> datetime:
    """The clock, in one place so tests can freeze it."""
    return datetime.now(timezone.utc)


def _js_date(value: datetime) -> str:
    """Render like JS `Date.prototype.toString()` in a UTC process (English names, no locale)."""
    return (
        f"{_DAY_ABBR[value.weekday()]} {_MONTH_ABBR[value.month - 1]} {value.day:02d} "
        f"{value.year:04d} {value:%H:%M:%S} GMT+0000 (Coordinated Universal Time)"
    )


def _iso_ms(value: datetime) -> str:
    """JS `Date.prototype.toISOString()`: UTC, milliseconds, `Z`."""
    return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"


def _uuid4(rng: random.Random) -> str:
    """A v4 UUID from the instance's bits (not os.urandom) so seeded runs reproduce."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _phone(rng: random.Random) -> str:
    """NANP-looking `###-###-####` (area and exchange codes never start with 0 or 1)."""
    return (
        f"{rng.randint(2, 9)}{rng.randint(0, 99):02d}-"
        f"{rng.randint(2, 9)}{rng.randint(0, 99):02d}-{rng.randint(0, 9999):04d}"
    )


def _iban(rng: random.Random) -> str:
    """Numeric BBAN with a correct ISO 7064 mod-97 check, so validators accept it."""
    country = rng.choice(sorted(w.IBAN_LENGTHS))
    bban = "".join(rng.choices(string.digits, k=w.IBAN_LENGTHS[country] - 4))
    as_digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(as_digits) % 97:02d}{bban}"


def _bic(rng: random.Random) -> str:
    """Bank(4 letters) + country(2) + location(2) + optional branch(3)."""
    upper_alnum = string.ascii_uppercase + string.digits
    branch = rng.choice(("", "XXX", "".join(rng.choices(upper_alnum, k=3))))
    return (
        "".join(rng.choices(string.ascii_uppercase, k=4))
        + rng.choice(w.BIC_COUNTRIES)
        + "".join(rng.choices(upper_alnum, k=2))
        + branch
    )


def _image_data_uri(rng: random.Random) -> str:
    """A small SVG placeholder, percent-encoded like JS `encodeURIComponent`."""
    width, height = rng.choice(((640, 480), (320, 240), (200, 200), (1024, 768)))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{width}" '
        f'height="{height}"><rect width="100%" height="100%" '
        f'fill="#{rng.getrandbits(24):06x}"/><text x="{width // 2}" y="{height // 2}" '
        'font-size="20" alignment-baseline="middle" text-anchor="middle" fill="white">'
        f"{width}x{height}</text></svg>"
    )
    return "data:image/svg+xml;charset=UTF-8," + quote(svg, safe="-_.!~*'()")


def _hacker_phrase(rng: random.Random) -> str:
    """Fill one template; a placeholder repeated in it gets the same word (as faker.js does)."""
    phrase = rng.choice(w.HACKER_PHRASES).format(
        abbreviation=rng.choice(w.HACKER_ABBREVIATIONS),
        adjective=rng.choice(w.HACKER_ADJECTIVES),
        noun=rng.choice(w.HACKER_NOUNS),
        verb=rng.choice(w.HACKER_VERBS),
        ingverb=rng.choice(w.HACKER_INGVERBS),
    )
    return phrase[:1].upper() + phrase[1:]


def _pick(words: tuple[str, ...]) -> _Plain:
    """Generator for 'one word from this list'."""
    return lambda rng: rng.choice(words)


def _image(category: str) -> _Plain:
    """640x480 placeholder for a category; `lock` makes each random value a distinct image."""
    return lambda rng: f"https://loremflickr.com/640/480/{category}?lock={rng.randint(1, 99999)}"


def _date(min_ms: int, max_ms: int) -> _Plain:
    """A JS-style date at now + a random offset in [min_ms, max_ms] milliseconds."""
    return lambda rng: _js_date(_now() + timedelta(milliseconds=rng.randint(min_ms, max_ms)))


# Names that need no Faker (stdlib + fixed word lists).
_PLAIN: dict[str, _Plain] = {
    "$guid": _uuid4,
    "$timestamp": lambda rng: str(int(_now().timestamp() + 0.5)),  # JS Math.round(now / 1000)
    "$isoTimestamp": lambda rng: _iso_ms(_now()),
    "$randomUUID": _uuid4,
    "$randomInt": lambda rng: str(rng.randint(0, 1000)),
    "$randomAlphaNumeric": _pick(tuple(_ALNUM_LOWER)),
    "$randomBoolean": _pick(("true", "false")),
    "$randomColor": _pick(w.COLORS),
    "$randomHexColor": lambda rng: f"#{rng.getrandbits(24):06x}",
    "$randomAbbreviation": _pick(w.HACKER_ABBREVIATIONS),
    "$randomIP": lambda rng: ".".join(str(rng.randint(0, 255)) for _ in range(4)),
    "$randomIPV6": lambda rng: ":".join(f"{rng.getrandbits(16):04x}" for _ in range(8)),
    "$randomMACAddress": lambda rng: ":".join(f"{rng.getrandbits(8):02x}" for _ in range(6)),
    "$randomPassword": lambda rng: "".join(rng.choices(_ALNUM, k=15)),
    "$randomLocale": _pick(w.LOCALES),
    "$randomProtocol": _pick(("http", "https")),
    "$randomSemver": lambda rng: ".".join(str(rng.randint(0, 9)) for _ in range(3)),
    "$randomNamePrefix": _pick(("Mr.", "Mrs.", "Ms.", "Miss", "Dr.")),
    "$randomNameSuffix": _pick(
        ("Jr.", "Sr.", "I", "II", "III", "IV", "V", "MD", "DDS", "PhD", "DVM")
    ),
    "$randomJobArea": _pick(w.JOB_AREAS),
    "$randomJobDescriptor": _pick(w.JOB_DESCRIPTORS),
    "$randomJobTitle": lambda rng: (
        f"{rng.choice(w.JOB_DESCRIPTORS)} {rng.choice(w.JOB_AREAS)} {rng.choice(w.JOB_TYPES)}"
    ),
    "$randomJobType": _pick(w.JOB_TYPES),
    "$randomPhoneNumber": _phone,
    "$randomPhoneNumberExt": lambda rng: f"{rng.randint(1, 99)}-{_phone(rng)}",
    "$randomLatitude": lambda rng: f"{rng.uniform(-90, 90):.4f}",
    "$randomLongitude": lambda rng: f"{rng.uniform(-180, 180):.4f}",
    "$randomAvatarImage": lambda rng: (
        f"https://avatars.githubusercontent.com/u/{rng.randint(1, 99999999)}"
    ),
    "$randomImageUrl": lambda rng: f"https://loremflickr.com/640/480?lock={rng.randint(1, 99999)}",
    **{f"$random{c.capitalize()}Image": _image(c) for c in w.IMAGE_CATEGORIES},
    "$randomImageDataUri": _image_data_uri,
    "$randomBankAccount": lambda rng: f"{rng.randrange(10**8):08d}",
    "$randomBankAccountName": lambda rng: f"{rng.choice(w.ACCOUNT_TYPES)} Account",
    "$randomCreditCardMask": lambda rng: f"{rng.randrange(10**4):04d}",
    "$randomBankAccountBic": _bic,
    "$randomBankAccountIban": _iban,
    "$randomTransactionType": _pick(w.TRANSACTION_TYPES),
    "$randomBitcoin": lambda rng: (
        rng.choice("13") + "".join(rng.choices(_BASE58, k=rng.randint(25, 33)))
    ),
    "$randomPrice": lambda rng: f"{rng.randint(0, 100_000) / 100:.2f}",
    "$randomBs": lambda rng: (
        f"{rng.choice(w.BS_BUZZ)} {rng.choice(w.BS_ADJECTIVES)} {rng.choice(w.BS_NOUNS)}"
    ),
    "$randomBsAdjective": _pick(w.BS_ADJECTIVES),
    "$randomBsBuzz": _pick(w.BS_BUZZ),
    "$randomBsNoun": _pick(w.BS_NOUNS),
    "$randomCatchPhrase": lambda rng: (
        f"{rng.choice(w.CATCH_PHRASE_ADJECTIVES)} "
        f"{rng.choice(w.CATCH_PHRASE_DESCRIPTORS)} "
        f"{rng.choice(w.CATCH_PHRASE_NOUNS)}"
    ),
    "$randomCatchPhraseAdjective": _pick(w.CATCH_PHRASE_ADJECTIVES),
    "$randomCatchPhraseDescriptor": _pick(w.CATCH_PHRASE_DESCRIPTORS),
    "$randomCatchPhraseNoun": _pick(w.CATCH_PHRASE_NOUNS),
    "$randomDatabaseColumn": _pick(w.DATABASE_COLUMNS),
    "$randomDatabaseType": _pick(w.DATABASE_TYPES),
    "$randomDatabaseCollation": _pick(w.DATABASE_COLLATIONS),
    "$randomDatabaseEngine": _pick(w.DATABASE_ENGINES),
    "$randomDatePast": _date(-_YEAR_MS, -1),
    "$randomDateFuture": _date(1, _YEAR_MS),
    "$randomDateRecent": _date(-_DAY_MS, -1),
    "$randomMonth": _pick(w.MONTHS),
    "$randomWeekday": _pick(w.WEEKDAYS),
    "$randomFileType": _pick(w.FILE_TYPES),
    "$randomCommonFileType": _pick(w.COMMON_FILE_TYPES),
    "$randomCommonFileExt": _pick(w.COMMON_FILE_EXTS),
    "$randomDirectoryPath": _pick(w.DIRECTORY_PATHS),
    "$randomProduct": _pick(w.PRODUCTS),
    "$randomProductAdjective": _pick(w.PRODUCT_ADJECTIVES),
    "$randomProductMaterial": _pick(w.PRODUCT_MATERIALS),
    "$randomProductName": lambda rng: (
        f"{rng.choice(w.PRODUCT_ADJECTIVES)} "
        f"{rng.choice(w.PRODUCT_MATERIALS)} "
        f"{rng.choice(w.PRODUCTS)}"
    ),
    "$randomDepartment": _pick(w.DEPARTMENTS),
    "$randomNoun": _pick(w.HACKER_NOUNS),
    "$randomVerb": _pick(w.HACKER_VERBS),
    "$randomIngverb": _pick(w.HACKER_INGVERBS),
    "$randomAdjective": _pick(w.HACKER_ADJECTIVES),
    "$randomPhrase": _hacker_phrase,
}

# Latin lorem words (Postman's lorem is Latin; Faker's en_US lorem is English). Set on first use.
_lorem: list[str] = []

# Names backed by Faker; `f` is the shared instance, already reseeded for this call.
_FAKED: dict[str, _Faked] = {
    "$randomFirstName": lambda f, rng: f.first_name(),
    "$randomLastName": lambda f, rng: f.last_name(),
    "$randomFullName": lambda f, rng: f"{f.first_name()} {f.last_name()}",
    "$randomCity": lambda f, rng: f.city(),
    "$randomStreetName": lambda f, rng: f.street_name(),
    "$randomStreetAddress": lambda f, rng: f"{f.building_number()} {f.street_name()}",
    "$randomCountry": lambda f, rng: f.country(),
    "$randomCountryCode": lambda f, rng: f.country_code(),
    "$randomCurrencyCode": lambda f, rng: f.currency_code(),
    "$randomCurrencyName": lambda f, rng: f.currency_name(),
    "$randomCurrencySymbol": lambda f, rng: f.currency_symbol(),
    "$randomCompanyName": lambda f, rng: f.company(),
    "$randomCompanySuffix": lambda f, rng: f.company_suffix(),
    "$randomDomainName": lambda f, rng: f.domain_name(),
    "$randomDomainSuffix": lambda f, rng: f.tld(),
    "$randomDomainWord": lambda f, rng: f.domain_word(),
    "$randomEmail": lambda f, rng: f.free_email(),
    "$randomExampleEmail": lambda f, rng: f.safe_email(),
    "$randomUserName": lambda f, rng: f.user_name(),
    "$randomUrl": lambda f, rng: f"{rng.choice(('http', 'https'))}://{f.domain_name()}",
    "$randomUserAgent": lambda f, rng: f.user_agent(),
    "$randomFileName": lambda f, rng: f.file_name(),
    "$randomFileExt": lambda f, rng: f.file_extension(),
    "$randomCommonFileName": lambda f, rng: f"{f.word()}.{rng.choice(w.COMMON_FILE_EXTS)}",
    "$randomFilePath": lambda f, rng: f"{rng.choice(w.DIRECTORY_PATHS)}/{f.file_name()}",
    "$randomMimeType": lambda f, rng: f.mime_type(),
    "$randomWord": lambda f, rng: f.word(),
    "$randomWords": lambda f, rng: " ".join(f.words(rng.randint(2, 5))),
    "$randomLoremWord": lambda f, rng: f.word(ext_word_list=_lorem),
    "$randomLoremWords": lambda f, rng: " ".join(f.words(3, ext_word_list=_lorem)),
    "$randomLoremSentence": lambda f, rng: f.sentence(ext_word_list=_lorem),
    "$randomLoremSentences": lambda f, rng: " ".join(
        f.sentences(rng.randint(2, 6), ext_word_list=_lorem)
    ),
    "$randomLoremParagraph": lambda f, rng: f.paragraph(ext_word_list=_lorem),
    "$randomLoremParagraphs": lambda f, rng: "\n".join(f.paragraphs(3, ext_word_list=_lorem)),
    "$randomLoremText": lambda f, rng: f.text(rng.randint(25, 500), ext_word_list=_lorem),
    "$randomLoremSlug": lambda f, rng: "-".join(f.words(3, ext_word_list=_lorem)),
    "$randomLoremLines": lambda f, rng: "\n".join(
        f.sentences(rng.randint(1, 5), ext_word_list=_lorem)
    ),
}

NAMES: frozenset[str] = frozenset(_PLAIN) | frozenset(_FAKED)
"""All 118 dynamic variable names, each with its leading `$`."""

_faker: Faker | None = None
_faker_lock = threading.Lock()


def _run_faked(generator: _Faked, rng: random.Random) -> str:
    """Run a Faker-backed generator on the shared instance, reseeded from `rng` first."""
    global _faker, _lorem
    seed = rng.getrandbits(64)
    with _faker_lock:
        if _faker is None:
            from faker import Faker  # deliberately lazy: ~50 ms import, most mocks never need it
            from faker.providers.lorem.la import Provider as LatinLorem

            _lorem = list(LatinLorem.word_list)
            _faker = Faker("en_US")
        _faker.seed_instance(seed)
        return generator(_faker, rng)


class DynamicValues:
    """One random source per test/request context; reproducible from a seed.

    Not meant to be shared between threads (its `Random` is unsynchronised); cheap to create.
    """

    __slots__ = ("_rng",)

    def __init__(self, seed: int | None = None) -> None:
        self._rng = random.Random(seed)

    def resolve(self, name: str) -> str | None:
        """Value for `name` (with `$`, case-sensitive), or None if it is not a dynamic variable."""
        plain = _PLAIN.get(name)
        if plain is not None:
            return plain(self._rng)
        faked = _FAKED.get(name)
        return None if faked is None else _run_faked(faked, self._rng)


def derive_seed(seed: int, key: str) -> int:
    """A stable per-test seed from the session seed and the test id (order-independent)."""
    digest = hashlib.sha256(f"{seed}\0{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big")
