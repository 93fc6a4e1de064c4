"""The hypothesis profile and the hostile values of the fuzz tests (tests/*/test_fuzz_*.py).

Each fuzz test takes `fuzz(n)`: n examples by default (all the fuzz files together finish in
about a minute on a shared two-core machine), FUPIN_FUZZ_EXAMPLES=N for a longer run. The
profile is registered here and used only through fuzz(): the global hypothesis settings of the
other tests stay as they are."""

from __future__ import annotations

import atexit
import math
import os
import re
import shutil
import string
import tempfile
import unicodedata
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from forms.fields import (
    AREA,
    BOOL,
    DATE,
    DIVISION_CODE,
    ENUM,
    ID_NUMBER,
    INT,
    MONEY,
    MULTI,
    NUMBER,
    PERCENT,
    PHONE,
    REF,
    TEXT,
    YEAR,
)
from forms.idnumber import PROVINCE_CODES, make_id_number

PROFILE = "fupin-fuzz"
settings.register_profile(
    PROFILE,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
        HealthCheck.large_base_example,
    ],
)
_EXAMPLES = int(os.environ.get("FUPIN_FUZZ_EXAMPLES", "0") or 0)


def fuzz(default: int) -> settings:
    """Settings of one fuzz test: `default` examples, or FUPIN_FUZZ_EXAMPLES."""
    return settings(settings.get_profile(PROFILE), max_examples=_EXAMPLES or default)


def examples(default: int) -> int:
    return _EXAMPLES or default


def scratch(prefix: str):
    """A folder for one fuzz module's registers, workbooks and packages (a long run writes
    gigabytes of them), removed when the run ends."""
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


# -- hostile values ----------------------------------------------------------------------------
class _Deep:
    """Shown as its name in hypothesis' reports (its own repr of 100,000 levels would fail)."""

    def _repr_pretty_(self, p, cycle):
        p.text(f"<{type(self).__name__}>")


class DeepList(_Deep, list):
    pass


class DeepDict(_Deep, dict):
    pass


def deep_list(depth: int = 100_000) -> list:
    """[[[…]]] `depth` levels deep, built without recursion."""
    top = cur = DeepList()
    for _ in range(depth - 1):
        nxt: list = []
        cur.append(nxt)
        cur = nxt
    return top


def deep_dict(depth: int = 100_000) -> dict:
    top = cur = DeepDict()
    for _ in range(depth - 1):
        nxt: dict = {}
        cur["a"] = nxt
        cur = nxt
    return top


DEEP_LIST = deep_list()
DEEP_DICT = deep_dict()
DEEP_JSON = "[" * 100_000 + "]" * 100_000
DEEP_JSON_OBJECT = '{"a":' * 100_000 + "1" + "}" * 100_000

# Characters that break things: NUL and other controls, lone surrogates, emoji (astral and
# joined), zero-width and direction marks, full-width digits and letters, combining marks,
# characters NFKC expands (ﷺ is 18 characters), the BOM, a line and paragraph separator.
SPECIAL_CHARS = [
    "\x00", "\x01", "\x07", "\x1b", "\x7f", "\t", "\n", "\r", "\x0b", "\x0c", "\x85",
    "\ud800", "\udbff", "\udc00", "\udfff",
    "😀", "👨\u200d👩\u200d👧", "🇨🇳", "\U0010ffff", "\U0001f4a9",
    "\u200b", "\u200d", "\u200e", "\u202e", "\u2060", "\ufeff", "\u2028", "\u2029",
    "\u3000", "\xa0", "１", "９", "Ｘ", "ｘ", "，", "。", "（", "）", "－", "—", "¥", "元", "%",
    "\u0301", "ﷺ", "ß", "İ", "٣", "۱", "߁", "①", "²", "𝟗", "Ⅻ",
    "'", '"', "\\", "<", ">", "&", "<br/>", "</para>", "%s", "{0}", ";", "--", "' or 1=1 --",
]  # fmt: skip

HOSTILE_CHAR = st.one_of(
    st.characters(), st.sampled_from([c for c in SPECIAL_CHARS if len(c) == 1])
)
HOSTILE_TEXT = st.text(HOSTILE_CHAR, max_size=40) | st.lists(
    st.sampled_from(SPECIAL_CHARS), max_size=12
).map("".join)


@st.composite
def long_text(draw, low: int = 100_000, high: int = 130_000) -> str:
    """A string of 100k+ characters: a short (possibly hostile) piece repeated."""
    piece = draw(st.text(HOSTILE_CHAR, min_size=1, max_size=8) | st.sampled_from(["a", "村", "1"]))
    n = draw(st.integers(low, high))
    return (piece * (n // len(piece) + 1))[:n]


HUGE_NUMBERS = [
    10**30, -(10**30), -1, 0, -0.0, 2**63, -(2**63) - 1, 2**64, 10**5000, -(10**5000),
    float("nan"), float("inf"), float("-inf"), 1e308, -1e308, 5e-324, 1e-400,
    Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"),
    Decimal("1e999999"), Decimal("-1e-999999"), Decimal("9999999999999.999"),
    9_999_999_999_999.99, 1e13, 1e15, 999_999_999_999_999.99, 2**53 + 1, 1.5, -0.01, 0.001,
    True, False,
]  # fmt: skip
NUMBER_TEXTS = [
    "nan", "NaN", "inf", "-inf", "Infinity", "1e999", "1e-999", "-0", "+1", "1_000", "0x10",
    "1" * 5000, "0." + "0" * 5000 + "1", "9" * 20, "１２", "٣", "1,2,3", "1.2.3", "¥-1元",
    "1e15", "1E+3", "  12  ", "12%", "%", "¥", "元", "1/2", "½", "Ⅻ", "1 000",
]  # fmt: skip
WRONG_TYPES = [
    [], [1], ["是"], [[]], {}, {"a": 1}, b"", b"12", bytearray(b"x"), (1,), {1}, frozenset(),
    object(), date(2016, 3, 5), datetime(2016, 3, 5, 10, 30), date(1, 1, 1), date(9999, 12, 31),
    time(10, 30), timedelta(days=3), Decimal("12.5"), 1j, range(3), ..., print,
    DEEP_LIST, DEEP_DICT, DeepList([DEEP_LIST]), DeepDict({"a": DEEP_DICT}),
]  # fmt: skip


def hostile_scalar():
    """Any value a GUI, a spreadsheet or a JSON file could hand over, and many it could not."""
    return st.one_of(
        st.none(),
        HOSTILE_TEXT,
        long_text(),
        st.sampled_from(HUGE_NUMBERS),
        st.sampled_from(NUMBER_TEXTS),
        st.sampled_from(WRONG_TYPES),
        st.integers(),
        st.floats(),
        st.booleans(),
        st.dates(),
        st.datetimes(),
        st.binary(max_size=20),
        st.lists(HOSTILE_TEXT, max_size=5),
        st.dictionaries(HOSTILE_TEXT, HOSTILE_TEXT, max_size=3),
    )


def json_values(max_leaves: int = 10):
    """Values json.loads could return (and lone surrogates, which it does from "\\ud800")."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        HOSTILE_TEXT,
        st.sampled_from([10**30, -1, float("nan"), float("inf"), 10**300]),
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(HOSTILE_TEXT, inner, max_size=4)
        ),
        max_leaves=max_leaves,
    )


# -- values by the field's kind ----------------------------------------------------------------
digits = st.text(string.digits, min_size=1, max_size=20)
fullwidth = str.maketrans(string.digits + "xX", "０１２３４５６７８９ｘＸ")


def _spellings(text: str):
    """The same text as a person may type it: full-width, padded, spaced, lower-case x."""
    return st.sampled_from(
        [
            text,
            text.translate(fullwidth),
            f"  {text}\u3000",
            " ".join(text),
            text.lower(),
            "'" + text,
            text + "\x00",
        ]
    )


@st.composite
def id_numbers(draw) -> str:
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    division = f"{province:02d}{draw(st.integers(1, 9999)):04d}"
    birth = draw(st.dates(date(1800, 1, 1), date.today()))
    return make_id_number(division, birth, draw(st.integers(0, 999)))


@st.composite
def mutated_id(draw) -> str:
    s = list(draw(id_numbers()))
    i = draw(st.integers(0, 17))
    s[i] = draw(st.sampled_from(list(string.digits + "Xx") + SPECIAL_CHARS))
    return "".join(s)


def _number_text(x) -> str:
    return format(x, "f") if not isinstance(x, str) else x


def by_kind(field):
    """Values a form field of this kind meets from the GUI, Excel and JSON: right, near the
    edges and wrong."""
    kind = field.kind
    lo = field.min if field.min is not None else -5
    hi = field.max if field.max is not None else 10**6
    if kind == TEXT:
        n = (field.max_length or 60) + 3
        return st.text(HOSTILE_CHAR, max_size=n) | long_text() | st.integers() | st.floats()
    if kind in (INT, YEAR):
        ints = st.integers(int(lo) - 3, int(hi) + 3) | st.integers(1990, 2040)
        return ints | ints.flatmap(lambda i: _spellings(str(i))) | st.floats(lo - 3, hi + 3)
    if kind in (MONEY, AREA, NUMBER, PERCENT):
        low, high = Decimal(str(lo)) - 3, min(Decimal(str(hi)) + 3, Decimal(10**14))
        amounts = st.integers(0, 4).flatmap(
            lambda places: st.decimals(min_value=low, max_value=high, places=places)
        ) | st.decimals(allow_nan=True, allow_infinity=True)
        texts = amounts.map(_number_text).flatmap(
            lambda t: st.sampled_from([t, f"¥{t}元", f"{t}%", f"{t:>20}", t.replace(".", "．")])
        )
        return amounts | texts | st.floats() | st.integers(-(10**16), 10**16)
    if kind == DATE:
        return (
            st.dates()
            | st.datetimes()
            | st.dates().map(date.isoformat)
            | st.dates().map(lambda d: f"{d.year}年{d.month}月{d.day}日")
            | st.dates().map(lambda d: d.strftime("%Y%m%d"))
            | st.tuples(st.integers(0, 99999), st.integers(-1, 40), st.integers(-1, 40)).map(
                lambda t: f"{t[0]}-{t[1]}-{t[2]}"
            )
        )
    if kind == BOOL:
        words = ["是", "否", "1", "0", "true", "FALSE", "y", "N", "√", "×", "有", "2", " 是 "]
        return st.sampled_from(words) | st.booleans() | st.integers(-1, 2) | st.floats(0, 1)
    if kind == ENUM:
        words = list(field.choices) + [old for old, _ in field.aliases]
        return st.sampled_from(words).flatmap(
            lambda w: st.sampled_from([w, f" {w} ", w + "\u200b", w * 2, w[:1]])
        )
    if kind == MULTI:
        choice_lists = st.lists(st.sampled_from(field.choices), max_size=6)
        return (
            choice_lists
            | choice_lists.map(tuple)
            | choice_lists.map("、".join)
            | choice_lists.map(" ; ".join)
            | st.just("无")
            | st.lists(HOSTILE_TEXT | st.integers() | st.none(), max_size=4)
            | st.just(DeepList([DEEP_LIST]))
        )
    if kind == ID_NUMBER:
        return (
            id_numbers().flatmap(_spellings)
            | mutated_id()
            | id_numbers().map(lambda s: float(s[:-1] + "0"))
            | id_numbers().map(lambda s: f"{float(s[:-1] + '0'):.5E}")
        )
    if kind == PHONE:
        mobiles = st.from_regex(r"1[0-9]{10}", fullmatch=True)
        landlines = st.from_regex(r"0[0-9]{2,3}-[0-9]{7,8}", fullmatch=True)
        return (mobiles | landlines).flatmap(
            lambda t: st.sampled_from([t, f"+86 {t}", f"({t[:3]}){t[3:]}", t.translate(fullwidth)])
        ) | st.integers(0, 10**12)
    if kind == DIVISION_CODE:
        return st.from_regex(r"[0-9]{10,13}", fullmatch=True).flatmap(_spellings) | st.integers(
            0, 10**13
        )
    if kind == REF:
        return st.uuids().map(str) | st.integers()
    raise AssertionError(kind)


# -- checking messages -------------------------------------------------------------------------
_CJK = re.compile(r"[\u4e00-\u9fff]")


def chinese(message) -> bool:
    return isinstance(message, str) and bool(_CJK.search(message))


def has_surrogate(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


def finite(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def fold_digits(text: str) -> str:
    """Text as a reader reads it: NFKC, upper case (full-width １, ｘ read as 1, X)."""
    return unicodedata.normalize("NFKC", text).upper()
