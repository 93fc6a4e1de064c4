"""What may be shown on a posted notice: masked ID numbers, no non-public member fields."""

from __future__ import annotations

import re

# An 18-character resident ID (17 digits + digit/X) or an old 15-digit one, not inside a longer
# run of digits (a household number may be 16+ digits long).
ID_PATTERN = re.compile(r"(?<![0-9])(?:[0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9Xx])")


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
    return masked if masked and not ID_PATTERN.search(masked) else _mask_local(id_number)


def scrub_ids(text) -> str:
    """Free text with any ID-like number in it masked (a reason may quote one)."""
    return ID_PATTERN.sub(lambda m: _mask_local(m.group(0)), "" if text is None else str(text))


def public_member_fields(keys) -> tuple[str, ...]:
    """Keep the member fields the register declares public (forms.entities MEMBER, e.g. health
    is `public=False`); a key the register does not know is dropped too."""
    try:
        from forms.entities import MEMBER
    except ImportError:
        return tuple(k for k in keys if k in ("name", "relation", "sex", "id_number"))
    return tuple(k for k in keys if (f := MEMBER.get(k)) is not None and f.public)
