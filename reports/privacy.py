"""What may be shown on a posted notice: masked ID numbers, no non-public member fields."""

from __future__ import annotations

import re
import unicodedata

# An 18-character resident ID (17 digits + digit/X) or an old 15-digit one, not inside a longer
# run of digits (a household number may be 16+ digits long).
ID_PATTERN = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")
# Characters a reader's eye skips between the digits of a number typed into free text: spaces
# of every width, hyphens and dashes, invisible format characters (zero-width space …) and
# controls. "110105 1949-1231 002x" and "１１０１０５…" are an ID number as much as the plain one.
_SEPARATORS = {"\u2212", "\ufe63", "\uff0d", "_"}
_SEPARATOR_RUN = 3  # separators between two digits that still join them into one number
_SHOWN_HEAD, _SHOWN_TAIL = 6, 4  # as forms.idnumber.mask_id_number: the rest is starred


def _mask_local(id_number: str) -> str:
    """First 6 and last 4 kept, the rest starred, as forms.idnumber.mask_id_number does; a
    malformed value keeps at least 8 characters hidden (no birth date shows)."""
    s = "".join(str(id_number or "").split()).upper()
    n = len(s)
    head = min(6, max(0, n - 8))
    tail = min(4, max(0, n - 8 - head))
    return s[:head] + "*" * (n - head - tail) + (s[n - tail :] if tail else "")


def mask_id(id_number) -> str:
    """Masked ID for anything posted in public (DOMAIN: "ID numbers are masked")."""
    if not id_number:
        return ""
    try:  # the register's own masking, once forms/idnumber.py provides it
        from forms.idnumber import mask_id_number
    except ImportError:
        return _mask_local(id_number)
    try:
        masked = mask_id_number(str(id_number))
    except Exception:  # its validation may refuse a malformed number: still mask it
        return _mask_local(id_number)
    # Never trust a mask that leaves a whole ID readable.
    masked = masked if masked and not ID_PATTERN.search(masked) else _mask_local(id_number)
    return scrub_ids(masked)  # a field holding more than the number: what shows is scrubbed too


def _digit(ch: str) -> str | None:
    """The digit (or check character X) a character reads as: ASCII, full-width, any script's
    decimal digit, a mathematical or circled one; None for anything else."""
    if "0" <= ch <= "9":
        return ch
    if ch in "Xx":
        return "X"
    value = unicodedata.decimal(ch, None)
    if value is not None:
        return str(value)
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) == 1 and ("0" <= folded <= "9" or folded in "Xx"):
        return folded.upper()
    return None


def _separator(ch: str) -> bool:
    return ch.isspace() or ch in _SEPARATORS or unicodedata.category(ch) in ("Pd", "Cf", "Cc", "Zs")


def _runs(text: str) -> list[list[tuple[int, str]]]:
    """The numbers in text, each as [(position, digit)], digits joined across short runs of
    separators."""
    runs: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    gap = 0
    for i, ch in enumerate(text):
        d = _digit(ch)
        if d is not None:
            current.append((i, d))
            gap = 0
        elif current and _separator(ch) and gap < _SEPARATOR_RUN:
            gap += 1
        else:
            if current:
                runs.append(current)
            current, gap = [], 0
    if current:
        runs.append(current)
    return runs


def _plausible_date(yyyymmdd: str) -> bool:
    month, day = int(yyyymmdd[-4:-2]), int(yyyymmdd[-2:])
    return 1 <= month <= 12 and 1 <= day <= 31


def _id_windows(digits: str) -> list[tuple[int, int]]:
    """(start, length) of every stretch of `digits` that reads as an ID number: 17 digits and a
    digit or X with a birth date in it (18xx–20xx), or 15 digits with one (the old numbers)."""
    out = [
        (i, 18)
        for i in range(len(digits) - 17)
        if digits[i : i + 17].isdigit()
        and digits[i + 6 : i + 8] in ("18", "19", "20")
        and _plausible_date(digits[i + 6 : i + 14])
    ]
    # an old number inside a new one is that number's digits: already masked with it
    inside = {j for i, _ in out for j in range(i, i + 4)}
    out += [
        (i, 15)
        for i in range(len(digits) - 14)
        if i not in inside
        and digits[i : i + 15].isdigit()
        and _plausible_date(digits[i + 6 : i + 12])
    ]
    return out


def scrub_ids(text) -> str:
    """Free text with any ID number in it masked, however it is written (a reason may quote
    one): full-width or other digits, spaces or hyphens between its groups, a lower-case x,
    inside a longer run of digits. Its first 6 and last 4 characters show, the rest is starred;
    the separators stay as they were. What shows never reads as an ID number again: the digits
    left visible between two masked numbers can make a third (the masking is repeated until
    nothing changes: each round only stars digits, so it ends)."""
    s = "" if text is None else str(text)
    while True:
        out = _scrub_once(s)
        if out == s:
            return out
        s = out


def _scrub_once(s: str) -> str:
    hidden: set[int] = set()
    for run in _runs(s):
        if len(run) < 15:
            continue
        digits = "".join(d for _, d in run)
        positions = [i for i, _ in run]
        windows = _id_windows(digits)
        contiguous = positions[-1] - positions[0] + 1 == len(run)
        if contiguous and ID_PATTERN.fullmatch(digits):  # a number of exactly an ID's shape
            windows.append((0, len(digits)))
        for start, length in windows:
            tail = _SHOWN_TAIL if length == 18 else 1  # 15: 8 hidden, as _mask_local does
            hidden.update(positions[start + _SHOWN_HEAD : start + length - tail])
    if not hidden:
        return s
    return "".join("*" if i in hidden else ch for i, ch in enumerate(s))


def public_member_fields(keys) -> tuple[str, ...]:
    """Keep the member fields the register declares public (forms.entities MEMBER, e.g. health
    is `public=False`); a key the register does not know is dropped too."""
    try:
        from forms.entities import MEMBER
    except ImportError:
        return tuple(k for k in keys if k in ("name", "relation", "sex", "id_number"))
    return tuple(k for k in keys if (f := MEMBER.get(k)) is not None and f.public)
