"""Chinese resident ID numbers (GB 11643-1999): check, normalise, mask, read and build."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# ISO 7064 MOD 11-2 as GB 11643-1999 prints it: weights of the first 17 digits, and the check
# character for each remainder 0..10. Done by hand: python-stdnum's cn.ric rejects real codes.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

# Province-level codes (GB/T 2260). The county part is only checked for plausibility: a full
# code table goes stale and would reject real numbers (441900 东莞, 442000 中山, 4690xx 海南).
PROVINCE_CODES = frozenset(
    [
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
    ]
)

# The standard's own example 440524188001010014 is born in 1880, so births from 1800 on are
# well-formed; whether such a person can be in the register is the birth-date field's business.
EARLIEST_BIRTH = date(1800, 1, 1)

_SHAPE = re.compile(r"[0-9]{17}[0-9X]")  # ASCII digits: \d takes any script's digits

MSG_CHECK_DIGIT = "校验位错误"  # callers match this exact string (the import report uses it)
MSG_DIVISION = "身份证号前6位不是有效的行政区划代码"
MSG_NOT_TEXT = "身份证号应为文字"  # a list, bytes or an object where the number should be


def _readable(s) -> bool:
    """One value an ID number can be read from: text, or a number (a spreadsheet's); not a
    list, bytes or an object (whose text is no number, and may be too deep to make at all)."""
    if isinstance(s, bool) or not isinstance(s, (str, int, float, date)):
        return False
    return not isinstance(s, int) or abs(s) < 10**40


def normalize_id_number(s) -> str:
    """Drop all whitespace, fold full-width digits/letters (IME input), upper-case the x.
    A value no ID number can be read from (a list, bytes, an object) gives ""."""
    if s is None or not _readable(s):
        return ""
    s = unicodedata.normalize("NFKC", str(s))
    return "".join(s.split()).upper()


def check_digit(first17: str) -> str:
    """The check character (0-9 or X) for the first 17 digits."""
    if not isinstance(first17, str) or not re.fullmatch(r"[0-9]{17}", first17):
        raise ValueError("需要17位数字")
    total = sum(int(d) * w for d, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def check_id_number(s, today: date | None = None) -> str | None:
    """None if s is a valid ID number, else one plain Chinese message (the first problem found)."""
    if s is not None and not _readable(s):
        return MSG_NOT_TEXT
    s = normalize_id_number(s)
    if len(s) != 18:
        return f"身份证号应为18位，现为{len(s)}位"
    if not _SHAPE.fullmatch(s):
        return "身份证号只能由数字和末位X组成"
    if int(s[:2]) not in PROVINCE_CODES or s[2:6] == "0000":
        return MSG_DIVISION
    ymd = s[6:14]
    try:
        born = date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:]))
    except ValueError:
        return f"身份证号中的出生日期 {ymd} 不存在"
    if born < EARLIEST_BIRTH:
        return f"身份证号中的出生日期 {ymd} 早于{EARLIEST_BIRTH.year}年"
    if born > (today or date.today()):
        return f"身份证号中的出生日期 {ymd} 晚于今天"
    if s[17] != check_digit(s[:17]):
        return MSG_CHECK_DIGIT
    return None


def _valid(s) -> str:
    s = normalize_id_number(s)
    problem = check_id_number(s)
    if problem:
        raise ValueError(problem)
    return s


def birth_date_from_id(s) -> date:
    """Birth date of a valid ID number; ValueError (with the check message) otherwise."""
    s = _valid(s)
    return date(int(s[6:10]), int(s[10:12]), int(s[12:14]))


def sex_from_id(s) -> str:
    """ "男" when the 17th digit is odd, "女" when even; ValueError for an invalid number."""
    return "男" if int(_valid(s)[16]) % 2 else "女"


def mask_id_number(s) -> str:
    """First 6 and last 4 kept, the rest as *; never shows more than 6+4 characters.

    A malformed value keeps at least 8 characters hidden, so a short or damaged number still
    does not reveal a birth date on a public notice.
    """
    s = normalize_id_number(s)
    n = len(s)
    head = min(6, max(0, n - 8))
    tail = min(4, max(0, n - 8 - head))
    return s[:head] + "*" * (n - head - tail) + (s[n - tail :] if tail else "")


def make_id_number(division6: str, birth: date, seq3: int, sex: str | None = None) -> str:
    """A valid ID number for the demo data. sex ("男"/"女") adjusts seq3 to the right parity."""
    if not isinstance(division6, str) or not re.fullmatch(r"[0-9]{6}", division6):
        raise ValueError("行政区划代码应为6位数字")
    if not 0 <= seq3 <= 999:
        raise ValueError("顺序码应在 0–999 之间")
    if sex is not None:
        if sex not in ("男", "女"):
            raise ValueError("性别应为“男”或“女”")
        if (seq3 % 2 == 1) != (sex == "男"):
            seq3 = seq3 + 1 if seq3 < 999 else seq3 - 1
    first17 = f"{division6}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq3:03d}"
    return first17 + check_digit(first17)
