"""Search keys: the pinyin initials of a name, so that "lxh" finds 李小红 on a keyboard without
a Chinese input method."""

from __future__ import annotations

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Surnames read differently from the character's common reading (单 dān → Shàn, 曾 céng → Zēng).
SURNAME_INITIALS = {
    "单": "s",
    "曾": "z",
    "仇": "q",
    "区": "o",
    "查": "z",
    "解": "x",
    "朴": "p",
    "盖": "g",
    "乐": "y",
    "尉": "y",
    "缪": "m",
    "翟": "z",
    "覃": "q",
    "万俟": "mq",
    "尉迟": "yc",
    "令狐": "lh",
    "长孙": "zs",
}


@lru_cache(maxsize=65536)
def name_initials(name: str | None) -> str | None:
    """ "李小红" → "lxh"; letters and digits in the name are kept, lower-cased; None for no name."""
    if not name or not name.strip():
        return None
    name = name.strip()
    head = ""
    for surname in sorted(SURNAME_INITIALS, key=len, reverse=True):
        if name.startswith(surname):
            head, name = SURNAME_INITIALS[surname], name[len(surname) :]
            break
    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return (head + "".join(letters)).lower().replace(" ", "") or None
