"""A public notice never shows a full ID number, whatever a free-text field holds: valid ID
numbers (and old 15-digit ones) written in full-width or other digits, with spaces, hyphens,
zero-width or ideographic spaces between their groups, a lower-case x, inside a longer run of
digits or of Chinese — put in the fields a notice prints, the PDF built and its text read back
with pypdf: none of them appears, in any spelling."""

from __future__ import annotations

import copy
import datetime as dt
import string
import unicodedata
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reports.model import Cadre, Posting
from reports.notice import KINDS, render_notice
from reports.privacy import mask_id, scrub_ids
from tests.fuzz import HOSTILE_TEXT, fuzz, id_numbers, scratch

from .conftest import all_text
from .sample import sample_village

_ROOT = scratch("fupin-fuzz-privacy-")
SAMPLE = sample_village(4)

# digit spellings a person or a pasted document may use
SCRIPTS = {
    "ascii": string.digits,
    "full-width": "０１２３４５６７８９",
    "arabic-indic": "٠١٢٣٤٥٦٧٨٩",
    "devanagari": "०१२३४५६७८९",
    "bold": "𝟎𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖𝟗",
}
SEPARATORS = [" ", "-", "\u3000", "\xa0", "\u200b", "－", "—", "\t", "\n", " - ", "\u2060", "‐"]
GROUPINGS = [(18,), (6, 8, 4), (6, 4, 4, 4), (4, 4, 4, 4, 2), (3, 3, 4, 4, 4), (1,) * 18, (9, 9)]
AROUND = [
    "",
    "身份证号",
    "号码：",
    "（",
    "）",
    "12345",
    "0",
    "9",
    "X",
    "x",
    "户主",
    "元",
    "年",
    "\n",
]


@st.composite
def old_ids(draw) -> str:
    """An old 15-digit number: division, yymmdd, sequence."""
    new = draw(id_numbers())
    return new[:6] + new[8:14] + new[14:17]


def _spell(draw, number: str) -> str:
    chars = list(number)
    mixed = draw(st.booleans())
    script = draw(st.sampled_from(sorted(SCRIPTS)))
    out = []
    for ch in chars:
        s = draw(st.sampled_from(sorted(SCRIPTS))) if mixed else script
        out.append(SCRIPTS[s][int(ch)] if ch.isdigit() else draw(st.sampled_from(list("XxｘＸ"))))
    grouping = draw(st.sampled_from(GROUPINGS))
    sep = draw(st.sampled_from(SEPARATORS))
    pieces, i = [], 0
    for n in grouping:
        pieces.append("".join(out[i : i + n]))
        i += n
    pieces = [p for p in pieces if p]
    if len(number) == 15:
        pieces = ["".join(out)] if draw(st.booleans()) else ["".join(out[:6]), "".join(out[6:])]
    return sep.join(pieces)


@st.composite
def text_with_ids(draw) -> tuple[str, list[str]]:
    """Free text holding one or two ID numbers in hostile spellings, and the numbers."""
    numbers = draw(st.lists(id_numbers() | old_ids(), min_size=1, max_size=2))
    parts = [draw(HOSTILE_TEXT.filter(lambda t: not any(c.isdigit() for c in t)))]
    for n in numbers:
        if n.endswith("X") and draw(st.booleans()):
            n = n[:-1] + "x"
        parts += [
            draw(st.sampled_from(AROUND)),
            _spell(draw, n.upper()),
            draw(st.sampled_from(AROUND)),
        ]
    return "".join(parts), [n.upper() for n in numbers]


def readable(text: str) -> str:
    """Text as an eye reads a number out of it: every script's digits as 0–9, X upper case, the
    spaces, dashes, invisible and control characters between digits gone."""
    out = []
    for ch in text:
        d = unicodedata.decimal(ch, None)
        if d is not None:
            out.append(str(d))
            continue
        folded = unicodedata.normalize("NFKC", ch).upper()
        if ch.isspace() or unicodedata.category(ch) in ("Pd", "Cf", "Cc", "Zs") or ch in "−﹣_":
            continue
        out.append(folded)
    return "".join(out)


def _assert_no_id(text: str, numbers: list[str], where: str = ""):
    seen = readable(text)
    for n in numbers:
        assert n not in seen, f"{where}: ID {n} readable in {text[:300]!r}"


# -- the masking itself ---------------------------------------------------------------------------
@fuzz(500)
@given(case=text_with_ids())
def test_scrub_ids_hides_every_spelling_and_changes_nothing_else(case):
    text, numbers = case
    out = scrub_ids(text)
    _assert_no_id(out, numbers, "scrub_ids")
    assert len(out) == len(text)
    for a, b in zip(text, out):  # only digits become stars; separators and words stay
        assert a == b or b == "*", (a, b)
    assert scrub_ids(out) == out


@fuzz(200)
@given(case=text_with_ids())
def test_mask_id_of_a_field_holding_more_than_the_number(case):
    text, numbers = case
    _assert_no_id(mask_id(text), numbers, "mask_id")


@fuzz(200)
@given(text=HOSTILE_TEXT)
def test_text_without_an_id_number_is_left_alone(text):
    text = "".join(ch for ch in text if unicodedata.decimal(ch, None) is None and ch not in "Xx")
    assert scrub_ids(text) == text


def test_a_telephone_a_date_and_money_stay_readable():
    for text in ("电话13909320101", "0932-8211234", "2017年12月10日", "人均 3,456.78 元", "1–12"):
        assert scrub_ids(text) == text


# -- the notice ----------------------------------------------------------------------------------
def _render(data, kind, **kw) -> str:
    path = _ROOT / f"{uuid.uuid4().hex}.pdf"
    render_notice(data, path, kind, households=data.households[:3], **kw)
    return all_text(path)


SCRUBBED = ["head_name", "member.name", "member.relation", "member.sex", "member.id_number",
            "main_cause"]  # fmt: skip


def _put(data, place: str, text: str):
    h = data.households[0]
    if place == "head_name":
        h.head_name = text
    elif place == "main_cause":
        h.main_cause = text
    elif place.startswith("member."):
        setattr(h.members[-1], place.split(".")[1], text)


@fuzz(25)
@given(
    case=text_with_ids(),
    place=st.sampled_from(SCRUBBED),
    kind=st.sampled_from(sorted(KINDS)),
)
def test_a_notice_never_shows_an_id_number_from_a_member_or_household_field(case, place, kind):
    text, numbers = case
    data = copy.deepcopy(SAMPLE)
    _put(data, place, text)
    own = [m.id_number for h in data.households[:3] for m in h.members]
    _assert_no_id(_render(data, kind), numbers + own, f"{kind} notice, {place}")


# Printed on the notice as they are: the 社 under the head's name, the posting's document
# number, the village and its place, the contact and the supervision telephone, the closed
# year's note. reports/notice.py does not pass these through scrub_ids.
UNSCRUBBED = ["group", "posting.document", "village.name", "village.township", "village.county",
              "contact.name", "contact.role", "contact.phone", "supervision_phone", "closed"]  # fmt: skip


@pytest.mark.parametrize("place", UNSCRUBBED)
def test_a_notice_never_shows_an_id_number_from_its_other_printed_fields(place):
    text, number = "身份证号 110105 19491231 002x 的户", "11010519491231002X"
    data = copy.deepcopy(SAMPLE)
    kw = {}
    kind = "new"
    if place == "group":
        data.households[0].group = text
    elif place == "posting.document":
        ids = [h.id for h in data.households[:3]]
        data.postings[kind] = Posting(dt.date(2017, 12, 10), 7, text, ids)
    elif place.startswith("village."):
        setattr(data.village, place.split(".")[1], text)
    elif place.startswith("contact."):
        kw["contact"] = Cadre(**{"name": "李海燕", "role": "第一书记", "phone": "13519320202",
                                 place.split(".")[1]: text})  # fmt: skip
    elif place == "supervision_phone":
        kw["supervision_phone"] = text
    else:
        data.closed = text
    rendered = _render(data, kind, **kw)
    assert readable("110105") in readable(rendered) or place == "closed"
    if number in readable(rendered):
        pytest.fail(
            f"the notice prints {place} as it is: the ID number {number} in it is readable. "
            "The fix belongs in reports/notice.py (scrub_ids on every free text it prints: "
            "_table's group, build_notice_story's posting.document and village names, "
            "_closing's contact and supervision_phone, common.furniture's place and closed)"
        )
