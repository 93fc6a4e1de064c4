"""Font, glyphs, Chinese line breaking and number formats."""

import datetime as dt
from decimal import Decimal

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph

from reports import labels as L
from reports.fonts import FAMILY, missing_glyphs, register_fonts
from reports.styles import NO_LINE_START, make_styles


def test_register_fonts_is_idempotent():
    before = list(pdfmetrics.getRegisteredFontNames())
    assert register_fonts() == FAMILY
    assert register_fonts() == FAMILY
    assert list(pdfmetrics.getRegisteredFontNames()) == before


def test_the_font_has_every_glyph_the_reports_print():
    printed = "".join(L.MARKS.values()) + L.LEGEND + L.CIRCLED + NO_LINE_START + "（《“”·—…"
    printed += "".join(L.SHORT_TITLES.values()) + "".join(L.HOUSEHOLD_CRITERIA.values())
    printed += "".join(L.VILLAGE_CRITERIA.values()) + "第页共行列元￥％≥"
    assert missing_glyphs(printed) == ""
    assert missing_glyphs("✗") == "✗"  # why the unmet mark is ✘, not ✗


def _lines(text, width, style):
    p = Paragraph(text, style)
    p.wrap(width, 10_000)
    return ["".join(line[1]) for line in p.blPara.lines]


@pytest.mark.parametrize("punct", list(NO_LINE_START))
def test_full_width_punctuation_never_starts_a_line(punct):
    styles = make_styles(10, 500)
    # Four characters fill the line exactly, so the punctuation falls at the next line's start
    # unless it is kept (hanging) on the first line.
    lines = _lines("一二三四" + punct + "五六七八九十", 41, styles.cell)
    assert len(lines) >= 2
    assert not any(line.startswith(punct) for line in lines[1:]), lines


def test_money_has_two_decimals_and_thousands_separators():
    assert L.money(Decimal("1234567.5")) == "1,234,567.50"
    assert L.money(0) == "0.00"
    assert L.money("2,000") == "2,000.00"
    assert L.money(Decimal("0.005")) == "0.01"
    assert L.money(None) == "—" and L.money("abc") == "—"


def test_dates():
    d = dt.date(2017, 8, 20)
    assert L.date_short(d) == "2017-08-20"
    assert L.date_long(d) == "2017年8月20日"
    assert L.date_in_year(d, 2017) == "8月20日"
    assert L.date_in_year(d, 2018) == "2017年8月20日"
    assert L.date_short(None) == "—" and L.date_short("不详") == "不详"


def test_clip_marks_a_cut():
    assert L.clip("一二三四五", 5) == "一二三四五"
    assert L.clip("一二三四五六", 5) == "一二三四…"
