"""Validation read from the field declarations: parse, check, whole-record and household rules."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from .age import full_years
from .choices import JOIN_REASONS
from .fields import (
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
    Field,
    Form,
    blank,
)
from .idnumber import (
    PROVINCE_CODES,
    birth_date_from_id,
    check_id_number,
    normalize_id_number,
    sex_from_id,
)

REQUIRED = "必填"
UNKNOWN_FIELD = "未知字段"
MISMATCH_ID = "与身份证号不一致"
JOIN_BIRTH = JOIN_REASONS[0]  # 出生: a newborn joins on the birth date
YEAR_MIN, YEAR_MAX = 2000, 2035
DATE_YEAR_MIN, DATE_YEAR_MAX = 1900, 2100


@dataclass(frozen=True)
class Problem:
    field: str
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}：{self.message}"


# ---------------------------------------------------------------- parsing: raw input → value


# Messages of values that are no value of any field: a list where one value is wanted, bytes,
# an object; text no register file can hold (a lone UTF-16 surrogate, from a JSON "\\ud800").
MSG_TEXT = "应为文字"
MSG_BAD_CHAR = "含有无法保存的字符（不成对的代理字符），请删去后重新录入"
MSG_TOO_LONG_NUMBER = "数字位数过多，无法读取"
# One value of a field, as the GUI, a spreadsheet cell or a JSON file gives it (bool is an int,
# datetime a date); anything else is refused before it is turned into text.
_SCALARS = (str, int, float, Decimal, date)
_SURROGATE = re.compile("[\ud800-\udfff]")
# Beyond 2**53 cents a float (the stored type) no longer holds every cent; no household has 1e13.
_LIMIT = Decimal("1e13")
SHOWN_MAX = 20  # characters of a refused value quoted back in a message


def _str(raw) -> str:
    try:
        text = str(raw)
    except ValueError:  # an int of more than 4300 digits
        raise ValueError(MSG_TOO_LONG_NUMBER) from None
    if _SURROGATE.search(text):
        raise ValueError(MSG_BAD_CHAR)
    return text


def shown(value) -> str:
    """A value quoted back in a message: never a whole page of it, nor a character no screen
    or file can show (a lone surrogate reads as ?), nor a list too deep to be turned into text."""
    if not isinstance(value, (str, int, float, Decimal, date)) or isinstance(value, bool):
        return type(value).__name__ if not isinstance(value, bool) else str(value)
    try:
        text = str(value)
    except ValueError:  # an int of more than 4300 digits
        return "…"
    text = text[: SHOWN_MAX + 1].encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= SHOWN_MAX else text[:SHOWN_MAX] + "…"


def _text(raw) -> str:
    # NFKC folds full-width digits and punctuation typed with a Chinese IME (１２３，４５).
    return unicodedata.normalize("NFKC", _str(raw)).strip()


def _fmt(x) -> str:
    x = Decimal(str(x))
    return str(int(x)) if x == x.to_integral_value() else format(x.normalize(), "f")


def _decimal(raw, message: str, prefix: str = "", suffix: str = "") -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, _SCALARS):
        raise ValueError(message)
    if isinstance(raw, int) and abs(raw) >= _LIMIT:
        raise ValueError(message)  # checked before str(): an int of 5000 digits has no text
    if isinstance(raw, (int, float, Decimal)):
        text = str(raw)
    else:
        # "1,234.50" from the GUI or a spreadsheet; "¥120元" for money, "35%" for a percent.
        text = _text(raw).replace(",", "").replace(" ", "").removeprefix(prefix)
        text = text.removesuffix(suffix) if suffix else text
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(message) from None
    if not value.is_finite() or abs(value) >= _LIMIT:
        raise ValueError(message)
    if value and not float(value):  # 1e-400: no float holds it, it would be stored as 0
        raise ValueError(message)
    return value


def _integer(raw) -> int:
    value = _decimal(raw, "应为整数")
    if value != value.to_integral_value():
        raise ValueError("应为整数")
    return int(value)


MSG_DATE = "日期格式应为 yyyy-mm-dd，如 2016-03-05"
_DATE_RE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)


def _date(raw) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, bool) or not isinstance(raw, _SCALARS):
        raise ValueError(MSG_DATE)
    text = _text(raw)
    m = _DATE_RE.fullmatch(text) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text)
    if not m:
        raise ValueError(MSG_DATE)
    y, mo, d = (int(g) for g in m.groups())
    try:
        return date(y, mo, d)
    except ValueError:
        raise ValueError(f"日期不存在：{y:04d}-{mo:02d}-{d:02d}") from None


_TRUE = {"是", "1", "true", "yes", "y", "t"}
_FALSE = {"否", "0", "false", "no", "n", "f"}


def _bool(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, (int, float)) and raw in (0, 1):
        return bool(raw)
    text = _text(raw).lower() if isinstance(raw, str) else None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError("应为“是”或“否”")


_MULTI_SEP = re.compile(r"[、,;；/|\s]+")


def _multi(field: Field, raw) -> list[str]:
    if isinstance(raw, str):
        text = _text(raw)
        # A spreadsheet user writes "无" for "none of these" (e.g. no income channel).
        if text == "无" and "无" not in field.choices:
            return []
        items = _MULTI_SEP.split(text)
    elif isinstance(raw, (list, tuple, set, frozenset)):
        # each item one word: a list inside the list is no choice (and may be nested too deep
        # to be turned into text at all)
        if not all(isinstance(x, (str, int, float)) for x in raw if x is not None):
            raise ValueError("应为选项列表")
        items = [_text(x) for x in raw if not blank(x)]
    else:
        raise ValueError("应为选项列表")
    return list(dict.fromkeys(x for x in items if x))


def _looks_like_excel_number(raw) -> bool:
    # Excel stores an 18-digit number as a float and drops digits past the 15th (docs/domain.md).
    return isinstance(raw, float) or (
        isinstance(raw, str) and re.fullmatch(r"\s*\d(\.\d+)?[eE]\+?\d+\s*", raw) is not None
    )


def parse_value(field: Field, raw):
    """The stored value for raw input (GUI text, spreadsheet cell, or an already typed value).

    Blank → None. Raises ValueError with a plain Chinese message when raw cannot be read.
    Types: TEXT/ENUM/ID_NUMBER/PHONE/DIVISION_CODE/REF → str, INT/YEAR → int,
    MONEY/AREA/NUMBER/PERCENT → float, DATE → datetime.date, BOOL → bool, MULTI → list[str].
    """
    if blank(raw):
        return None
    kind = field.kind
    if isinstance(raw, str) and _SURROGATE.search(raw):
        raise ValueError(MSG_BAD_CHAR)
    if kind in (TEXT, ENUM, ID_NUMBER, PHONE, DIVISION_CODE, REF) and not isinstance(raw, _SCALARS):
        raise ValueError(MSG_TEXT)
    if kind in (INT, YEAR):
        return _integer(raw)
    if kind in (MONEY, AREA, NUMBER, PERCENT):
        unit = "元" if kind == MONEY else field.unit
        message = f"应为数字（{unit}）" if unit else "应为数字"
        if kind == MONEY:
            return float(_decimal(raw, message, "¥", "元"))
        return float(_decimal(raw, message, "", "%" if kind == PERCENT else ""))
    if kind == DATE:
        return _date(raw)
    if kind == BOOL:
        return _bool(raw)
    if kind == MULTI:
        return _multi(field, raw)
    if kind == ID_NUMBER:
        if _looks_like_excel_number(raw):
            raise ValueError("身份证号被当作数字保存，后几位已丢失；请把该列设为文本后重新录入")
        return normalize_id_number(raw)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # a spreadsheet cell holding 12 (户编号) or a division code
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        raise ValueError(MSG_TEXT)
    if kind == PHONE:
        text = re.sub(r"[\s()（）]", "", _text(raw)).removeprefix("+86")
        digits = text.replace("-", "")
        # Mobiles are stored as bare digits; a landline keeps its "区号-号码" dash.
        return digits if re.fullmatch(r"1[0-9]{10}", digits) else text
    if kind in (TEXT, REF):
        # Free text keeps what was typed: Chinese full-width punctuation (，。（）) is correct
        # Chinese, not something to fold to ASCII.
        return _str(raw).strip()
    text = _text(raw)
    if field.aliases:
        return dict(field.aliases).get(text, text)
    return text


# ---------------------------------------------------------------- checking: value → message


def _range(value, lo, hi) -> str | None:
    if lo is not None and hi is not None and not lo <= value <= hi:
        return f"应在 {_fmt(lo)}–{_fmt(hi)} 之间"
    if lo is not None and hi is None and value < lo:
        return f"不能小于 {_fmt(lo)}"
    if hi is not None and lo is None and value > hi:
        return f"不能大于 {_fmt(hi)}"
    return None


def _not_in_choices(field: Field, bad: list[str]) -> str:
    names = "、".join(f"“{shown(b)}”" for b in bad[:5]) + (
        f"等{len(bad)}项" if len(bad) > 5 else ""
    )
    return f"{names}不是有效的选项，可选：{'、'.join(field.choices)}"


def _check_parsed(field: Field, value) -> str | None:
    kind = field.kind
    if kind == TEXT:
        if field.max_length is not None and len(value) > field.max_length:
            return f"不能超过{field.max_length}个字"
    elif kind == INT:
        return _range(value, field.min, field.max)
    elif kind == YEAR:
        lo = YEAR_MIN if field.min is None else int(field.min)
        hi = YEAR_MAX if field.max is None else int(field.max)
        if not lo <= value <= hi:
            return f"年度应在{lo}–{hi}之间"
    elif kind in (MONEY, AREA, NUMBER, PERCENT):
        lo = field.min if field.min is not None else 0
        hi = field.max if field.max is not None else (100 if kind == PERCENT else None)
        if value < 0 and lo >= 0:
            return "金额不能为负数" if kind == MONEY else "不能为负数"
        if kind == MONEY and Decimal(str(value)).as_tuple().exponent < -2:
            return "金额最多保留两位小数"
        return _range(value, lo, hi)
    elif kind == DATE:
        if not DATE_YEAR_MIN <= value.year <= DATE_YEAR_MAX:
            return f"日期年份应在{DATE_YEAR_MIN}–{DATE_YEAR_MAX}之间"
    elif kind == ENUM:
        if value not in field.choices:
            return _not_in_choices(field, [value])
    elif kind == MULTI:
        bad = [x for x in value if x not in field.choices]
        if bad:
            return _not_in_choices(field, bad)
    elif kind == ID_NUMBER:
        return check_id_number(value)
    elif kind == PHONE:
        if not (
            re.fullmatch(r"1[3-9][0-9]{9}", value)
            or re.fullmatch(r"0[0-9]{2,3}-?[0-9]{7,8}", value)
        ):
            return "电话号码应为11位手机号或带区号的固定电话"
    elif kind == DIVISION_CODE:
        if not re.fullmatch(r"[0-9]{12}", value):
            return (
                f"行政区划代码应为12位数字，现为{len(value)}位"
                if value.isascii() and value.isdigit()
                else "行政区划代码应为12位数字"
            )
        if int(value[:2]) not in PROVINCE_CODES:
            return "行政区划代码前2位不是有效的省级代码"
    return None


def _read(field: Field, raw) -> tuple[object, str | None]:
    if blank(raw):
        return None, (REQUIRED if field.required else None)
    try:
        value = parse_value(field, raw)
    except ValueError as e:
        return None, str(e)
    return value, _check_parsed(field, value)


def check_value(field: Field, value) -> str | None:
    """None if value (raw or already parsed) is acceptable for field, else one message."""
    return _read(field, value)[1]


# ---------------------------------------------------------------- records


def age_on(birth_date, on_date) -> int:
    """forms.age.full_years of two dates (or ISO texts); negative if born after on_date."""
    b, d = _date(birth_date), _date(on_date)
    return full_years((b.year, b.month, b.day), (d.year, d.month, d.day))


def clean_record(form: Form, record: dict) -> tuple[dict, list[Problem]]:
    """Parsed values of the fields that passed, and every problem found (not just the first)."""
    problems = [Problem(shown(k), shown(k), UNKNOWN_FIELD) for k in record if k not in form]
    values: dict = {}
    for f in form.fields:
        value, message = _read(f, record.get(f.key))
        if message:
            problems.append(Problem(f.key, f.label, message))
        elif f.key in record:
            values[f.key] = value
    for key, message in _cross_rules(form.entity, values):
        f = form.get(key)
        problems.append(Problem(key, f.label if f else key, message))
    return values, problems


def validate_record(form: Form, record: dict) -> list[Problem]:
    """Every problem of one record: per field, unknown keys, and the rules within the record."""
    return clean_record(form, record)[1]


def _cross_rules(entity: str, v: dict) -> list[tuple[str, str]]:
    """Rules between fields of one record, on values that passed their own checks."""
    out = []
    if entity == "member":
        valid_id = bool(v.get("id_number")) and not check_id_number(v["id_number"])
        if valid_id:
            if v.get("birth_date") is not None and v["birth_date"] != birth_date_from_id(
                v["id_number"]
            ):
                out.append(("birth_date", MISMATCH_ID))
            if v.get("sex") is not None and v["sex"] != sex_from_id(v["id_number"]):
                out.append(("sex", MISMATCH_ID))
        out += _membership_rules(v, birth_date_from_id(v["id_number"]) if valid_id else None)
    elif entity == "household":
        ident = v.get("identification_year")
        if ident is not None:
            if v.get("planned_exit_year") is not None and v["planned_exit_year"] < ident:
                out.append(("planned_exit_year", "计划脱贫年度不能早于识别年度"))
            if v.get("exit_year") is not None and v["exit_year"] < ident:
                out.append(("exit_year", "脱贫年度不能早于识别年度"))
    elif entity == "measure":
        if v.get("status") == "已完成" and v.get("done_date") is None:
            out.append(("done_date", "进度为已完成时应填写完成日期"))
        if v.get("level") == "户":
            if v.get("household_id") is None:
                out.append(("household_id", "户级措施应选择户"))
            # Household measures close one of the 12 household criteria (fields help text).
            if v.get("criterion_no") is not None and v["criterion_no"] > 12:
                out.append(("criterion_no", "户级措施针对的指标应在 1–12 之间"))
    # Finance: operating cost above operating income is a real loss, not an error.
    return out


def _membership_rules(v: dict, id_birth) -> list[tuple[str, str]]:
    """Joining and leaving (docs/domain.md, members over time): in order, after the birth, not
    in the future, and each date with its reason."""
    out = []
    birth = v.get("birth_date") or id_birth
    joined, left = v.get("joined_date"), v.get("left_date")
    if left is not None and v.get("left_reason") is None:
        out.append(("left_reason", "填写了离开日期，应同时填写离开原因"))
    if left is None and v.get("left_reason") is not None:
        out.append(("left_date", "填写了离开原因，应同时填写离开日期"))
    if joined is not None and birth is not None and joined < birth:
        out.append(("joined_date", "加入日期不能早于出生日期"))
    if left is not None:
        if joined is not None and left < joined:
            out.append(("left_date", "离开日期不能早于加入日期"))
        elif birth is not None and left < birth:
            out.append(("left_date", "离开日期不能早于出生日期"))
        if left > date.today():
            out.append(("left_date", "离开日期不能晚于今天"))
    return out


# Which fields each cross-field rule reads: an edit is checked against the rules it touches, so
# an old inconsistency elsewhere in the record does not block an unrelated edit.
_CROSS_RULE_FIELDS = {
    ("member", "birth_date"): {"id_number", "birth_date"},
    ("member", "sex"): {"id_number", "sex"},
    ("member", "joined_date"): {"joined_date", "birth_date", "id_number", "left_date"},
    ("member", "left_date"): {"left_date", "left_reason", "joined_date", "birth_date", "id_number"},
    ("member", "left_reason"): {"left_date", "left_reason"},
    ("household", "planned_exit_year"): {"identification_year", "planned_exit_year"},
    ("household", "exit_year"): {"identification_year", "exit_year"},
    ("measure", "done_date"): {"status", "done_date"},
    ("measure", "household_id"): {"level", "household_id"},
    ("measure", "criterion_no"): {"level", "criterion_no"},
}


def cross_problems(form: Form, record: dict, changed: Iterable[str] | None = None) -> list[Problem]:
    """The rules between fields of one whole (parsed) record; with `changed`, only the rules
    that read one of the changed fields."""
    changed = set(changed) if changed is not None else None
    out = []
    for key, message in _cross_rules(form.entity, record):
        if changed is not None and not (
            _CROSS_RULE_FIELDS.get((form.entity, key), {key}) & changed
        ):
            continue
        f = form.get(key)
        out.append(Problem(key, f.label if f else key, message))
    return out


def derive_member(record: dict) -> dict:
    """A copy of a member record with birth_date and sex filled from a valid id_number if missing,
    and a newborn's (加入原因 出生) 加入日期 from the birth date when it is left empty."""
    out = dict(record)
    idn = normalize_id_number(out.get("id_number"))
    if check_id_number(idn) is None:
        if blank(out.get("birth_date")):
            out["birth_date"] = birth_date_from_id(idn)
        if blank(out.get("sex")):
            out["sex"] = sex_from_id(idn)
    if out.get("join_reason") == JOIN_BIRTH and blank(out.get("joined_date")):
        if not blank(out.get("birth_date")):
            out["joined_date"] = out["birth_date"]
    return out


# ---------------------------------------------------------------- household and register


def _is_head(relation) -> bool:
    try:
        return isinstance(relation, str) and _text(relation) == "户主"
    except ValueError:  # text no register holds
        return False


def validate_household_members(members: list[dict]) -> list[Problem]:
    """One household's members: exactly one head among those who have not left (a head who
    died stays a former member with his relation), no ID number twice."""
    problems = []
    heads = [m for m in members if _is_head(m.get("relation")) and blank(m.get("left_date"))]
    if not heads:
        problems.append(Problem("relation", "与户主关系", "该户没有户主"))
    elif len(heads) > 1:
        names = "、".join(str(m.get("name") or "（无名）") for m in heads)
        problems.append(Problem("relation", "与户主关系", f"该户有{len(heads)}名户主：{names}"))
    by_id: dict[str, list[str]] = {}
    for m in members:
        idn = normalize_id_number(m.get("id_number"))
        if idn:
            by_id.setdefault(idn, []).append(str(m.get("name") or "（无名）"))
    for idn, names in by_id.items():
        if len(names) > 1:
            problems.append(
                Problem("id_number", "身份证号", f"身份证号 {idn} 在本户重复：{'、'.join(names)}")
            )
    return problems


def find_duplicate_ids(rows: Iterable[tuple[str, str]]) -> list[str]:
    """Register-wide: one message per ID number that occurs more than once, naming every place."""
    by_id: dict[str, list[str]] = {}
    for idn, where in rows:
        idn = normalize_id_number(idn)
        if idn:
            by_id.setdefault(idn, []).append(str(where))
    return [
        f"身份证号 {idn}重复：{'；'.join(places)}"
        for idn, places in by_id.items()
        if len(places) > 1
    ]
