"""Hostile input at every form validator (forms.validation, forms.idnumber, every field of every
form): a value is refused with a plain Chinese message, or parsed to a value of the declared
type that validates again as itself and that SQLite stores and reads back unchanged. Never
another exception, whatever the value: 100k-character text, NUL, lone surrogates, emoji,
10**5000, nan, a list where text is expected, a list nested 100,000 deep."""

from __future__ import annotations

import re
import sqlite3
import string
import uuid
from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.entities import FORMS
from forms.facts import COUNTY_FACTS, VILLAGE_FACTS
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
    blank,
)
from forms.idnumber import (
    birth_date_from_id,
    check_digit,
    check_id_number,
    make_id_number,
    mask_id_number,
    normalize_id_number,
    sex_from_id,
)
from forms.validation import (
    DATE_YEAR_MAX,
    DATE_YEAR_MIN,
    age_on,
    check_value,
    clean_record,
    cross_problems,
    derive_member,
    find_duplicate_ids,
    parse_value,
    validate_household_members,
)
from storage.db import from_db, to_db
from tests.fuzz import (
    DEEP_DICT,
    DEEP_LIST,
    HOSTILE_TEXT,
    DeepList,
    by_kind,
    chinese,
    digits,
    finite,
    fullwidth,
    fuzz,
    has_surrogate,
    hostile_scalar,
    id_numbers,
    mutated_id,
)

ALL_FORMS = [*FORMS.values(), VILLAGE_FACTS, COUNTY_FACTS]
ALL_FIELDS = [(form, f) for form in ALL_FORMS for f in form.fields]
MESSAGE_MAX = 400  # a message names the problem; it never quotes a whole page back

_DB = sqlite3.connect(":memory:")
_DB.execute("create table t (v)")


def any_value(field):
    return st.one_of(by_kind(field), hostile_scalar())


# -- what an accepted value must be ------------------------------------------------------------
def _assert_refusal(message, field, raw):
    assert chinese(message), f"{field.key}={raw!r:.80}: message not Chinese: {message!r:.200}"
    assert len(message) <= MESSAGE_MAX, f"{field.key}: message of {len(message)} characters"


def _assert_storable(field, value, raw):
    kind = field.kind
    where = f"{field.key} ({kind}) from {raw!r:.80}: {value!r:.80}"
    if kind in (TEXT, ENUM, ID_NUMBER, PHONE, DIVISION_CODE, REF):
        assert type(value) is str, where
        assert not has_surrogate(value), where
        if kind == TEXT and field.max_length is not None:
            assert len(value) <= field.max_length, where
        if kind == ENUM:
            assert value in field.choices, where
        if kind == ID_NUMBER:
            assert re.fullmatch(r"[0-9]{17}[0-9X]", value), where
            assert check_id_number(value) is None, where
        if kind == DIVISION_CODE:
            assert re.fullmatch(r"[0-9]{12}", value), where
        if kind == PHONE:
            assert value.isascii(), where
    elif kind in (INT, YEAR):
        assert type(value) is int, where
    elif kind in (MONEY, AREA, NUMBER, PERCENT):
        assert type(value) is float and finite(value), where
        assert value >= (field.min if field.min is not None else 0), where
    elif kind == DATE:
        assert type(value) is date and DATE_YEAR_MIN <= value.year <= DATE_YEAR_MAX, where
    elif kind == BOOL:
        assert type(value) is bool, where
    elif kind == MULTI:
        assert type(value) is list and all(x in field.choices for x in value), where
        assert len(set(value)) == len(value), where
    # the value stored validates again as itself: an export read back, an edit saved unchanged
    assert check_value(field, value) is None, where
    again = parse_value(field, value)
    assert again == value and type(again) is type(value), f"{where} → {again!r:.80}"
    # and SQLite keeps it exactly
    stored = to_db(kind, value)
    _DB.execute("delete from t")
    _DB.execute("insert into t values (?)", [stored])
    (back,) = _DB.execute("select v from t").fetchone()
    assert back == stored, where
    read = from_db(kind, back)
    assert (read.isoformat() if isinstance(read, date) else read) == (
        value.isoformat() if isinstance(value, date) else value
    ), where


def check_one(field, raw):
    message = check_value(field, raw)  # never raises
    assert message is None or isinstance(message, str)
    if message is not None:
        _assert_refusal(message, field, raw)
    try:
        value = parse_value(field, raw)
    except ValueError as e:
        assert message is not None, f"{field.key}: parse refused {raw!r:.80} that check passed"
        _assert_refusal(str(e), field, raw)
        return
    if blank(raw):
        assert value is None
        return
    if message is None:
        _assert_storable(field, value, raw)


# -- the properties ----------------------------------------------------------------------------
@fuzz(400)
@given(data=st.data())
def test_every_field_refuses_or_stores_any_value_exactly(data):
    field = data.draw(st.sampled_from([f for _, f in ALL_FIELDS]), label="field")
    raw = data.draw(any_value(field), label="raw")
    check_one(field, raw)


@pytest.mark.parametrize("form, field", ALL_FIELDS, ids=lambda x: getattr(x, "key", None))
def test_every_field_and_the_worst_values(form, field):
    worst = [DEEP_LIST, DEEP_DICT, DeepList([DEEP_LIST]), 10**5000, -(10**5000), float("nan"),
             float("inf"), "\ud800", "a\udfffb", "\x00", "x" * 200_000, "１" * 100_000,
             b"\xff\xfe", bytearray(b"1"), object(), {"a": 1}, ["是"], True, 10**30, -1]  # fmt: skip
    for raw in worst:
        check_one(field, raw)


@fuzz(150)
@given(data=st.data())
def test_a_whole_record_of_any_values_is_cleaned_without_an_exception(data):
    form = data.draw(st.sampled_from(ALL_FORMS), label="form")
    keys = data.draw(st.lists(st.sampled_from(form.keys), unique=True), label="keys")
    record = {k: data.draw(any_value(form[k]), label=k) for k in keys}
    record.update(data.draw(st.dictionaries(HOSTILE_TEXT, hostile_scalar(), max_size=2)))
    values, problems = clean_record(form, record)
    for p in problems:
        assert chinese(p.message) and len(p.message) <= MESSAGE_MAX, p
        assert not has_surrogate(p.label)
    for key, value in values.items():
        assert key in record and key in form
        if value is not None:
            _assert_storable(form[key], value, record[key])
    # the rules between fields, on any parsed record, and for any edit
    cross_problems(form, values)
    cross_problems(form, values, changed=keys)


member_values = st.dictionaries(
    st.sampled_from(["name", "relation", "id_number", "left_date", "birth_date", "sex",
                     "join_reason", "joined_date"]) | HOSTILE_TEXT,
    st.one_of(hostile_scalar(), id_numbers(), st.sampled_from(["户主", " 户主 ", "出生"])),
    max_size=6,
)  # fmt: skip


@fuzz(150)
@given(members=st.lists(member_values, max_size=5))
def test_household_rules_and_derived_members_never_raise(members):
    for p in validate_household_members(members):
        assert chinese(p.message)
    find_duplicate_ids([(m.get("id_number"), m.get("name")) for m in members])
    for m in members:
        out = derive_member(m)
        assert set(m) <= set(out)


@fuzz(300)
@given(raw=st.one_of(id_numbers(), mutated_id(), hostile_scalar(), digits))
def test_id_number_functions_answer_any_value(raw):
    message = check_id_number(raw)
    assert message is None or chinese(message)
    normal = normalize_id_number(raw)
    assert isinstance(normal, str)
    masked = mask_id_number(raw)
    assert isinstance(masked, str) and len(masked) == len(normal)
    # never more than 6 + 4 characters shown, and at least 8 hidden
    assert sum(ch != "*" for ch in masked) <= max(0, len(normal) - 8)
    if message is None:
        assert re.fullmatch(r"[0-9]{17}[0-9X]", normal), normal
        assert masked == normal[:6] + "*" * 8 + normal[-4:]
        assert birth_date_from_id(raw).isoformat().replace("-", "") == normal[6:14]
        assert sex_from_id(raw) in ("男", "女")
    else:
        for read in (birth_date_from_id, sex_from_id):
            with pytest.raises(ValueError):
                read(raw)


@fuzz(200)
@given(valid=id_numbers(), i=st.integers(0, 16), d=st.sampled_from(string.digits))
def test_a_valid_number_in_any_spelling_and_any_single_wrong_digit(valid, i, d):
    assert check_id_number(valid) is None
    for spelling in (valid.lower(), valid.translate(fullwidth), " ".join(valid), f"\t{valid}\n"):
        assert normalize_id_number(spelling) == valid
        assert check_id_number(spelling) is None
    if d != valid[i]:  # MOD 11-2 catches every single wrong digit
        assert check_id_number(valid[:i] + d + valid[i + 1 :]) is not None
    # digits of another script are no ID number, even when int() reads them
    arabic = valid[:17].translate(str.maketrans(string.digits, "٠١٢٣٤٥٦٧٨٩")) + valid[17]
    assert check_id_number(arabic) is not None


@fuzz(100)
@given(first=st.one_of(digits, hostile_scalar()), division=st.one_of(digits, hostile_scalar()))
def test_id_builders_refuse_with_value_error_only(first, division):
    try:
        assert check_digit(first) in "0123456789X"
    except ValueError:
        pass
    try:
        made = make_id_number(division, date(1980, 1, 1), 5)
    except ValueError:
        return
    # a builder (of future births too, for tests): the shape and the check digit are right
    assert re.fullmatch(r"[0-9]{17}[0-9X]", made) and check_digit(made[:17]) == made[17]


@fuzz(100)
@given(a=hostile_scalar() | st.dates(), b=hostile_scalar() | st.dates())
def test_age_on_reads_dates_or_refuses_with_value_error(a, b):
    try:
        years = age_on(a, b)
    except ValueError as e:
        assert chinese(str(e))
        return
    assert isinstance(years, int)


def test_a_value_error_never_names_a_python_limit():
    # int("9" * 5000) and str(10**5000) fail with Python's own English message
    for field in (FORMS["household"]["household_no"], FORMS["household"]["household_size"]):
        for raw in (10**5000, -(10**5000)):
            assert chinese(check_value(field, raw)), check_value(field, raw)
    assert check_value(FORMS["member"]["birth_date"], DEEP_LIST) is not None
    assert check_value(FORMS["household"]["other_causes"], DeepList([DEEP_LIST])) == "应为选项列表"


def test_a_lone_surrogate_is_refused_everywhere_it_could_be_stored():
    for _form, field in ALL_FIELDS:
        if field.kind in (TEXT, REF, ENUM, PHONE, ID_NUMBER, DIVISION_CODE):
            assert check_value(field, "户主\ud83d") is not None, field.key
    assert check_value(FORMS["household"]["other_causes"], ["因病", "\udc00"]) is not None


def test_money_beyond_what_a_float_holds_to_the_cent_is_refused():
    money = FORMS["finance"]["wage_income"]
    assert check_value(money, "10000000000000") is not None  # 1e13: near 2**53 cents
    assert check_value(money, "999999999999999.99") is not None  # was stored as 1e15, then refused
    assert parse_value(money, "9999999999999.99") == 9999999999999.99
    assert check_value(money, "1e-400") is not None  # would be stored as 0
    assert check_value(FORMS["measure"]["quantity"], 1e-400) is None  # a float 0.0 is 0


def test_uuid_refs_and_datetimes_stay_as_given():
    ref = FORMS["member"]["household_id"]
    rid = str(uuid.uuid4())
    assert parse_value(ref, rid) == rid
    assert parse_value(FORMS["visit"]["date"], datetime(2016, 3, 5, 23, 59)) == date(2016, 3, 5)
