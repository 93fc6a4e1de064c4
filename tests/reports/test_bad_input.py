"""Odd and missing data give a correct, readable PDF: never an exception, never half a file."""

import datetime as dt

import pytest
from pypdf import PdfReader

from reports.card import render_cards
from reports.ledger import render_ledger
from reports.model import MeasureRow, VillageReportData, Visit
from reports.needs import render_needs
from reports.notice import render_notice
from reports.plan import render_plan
from reports.progress import render_progress

from .conftest import assert_cjk_pdf, flat, pages_text

RENDERERS = {
    "plan": render_plan,
    "plan_tiled": lambda d, p: render_plan(d, p, paper="A2", tile_paper="A3"),
    "progress": render_progress,
    "notice_planned_exit": lambda d, p: render_notice(d, p, "planned_exit"),
    "notice_exited": lambda d, p: render_notice(d, p, "exited"),
    "notice_new": lambda d, p: render_notice(d, p, "new"),
    "notice_returned": lambda d, p: render_notice(d, p, "returned"),
    "needs": render_needs,
    "ledger": render_ledger,
    "cards": render_cards,
}
# What an empty village's report says instead of an empty table.
EMPTY_LINES = {
    "plan": "本村暂无贫困户",
    "plan_tiled": None,
    "progress": "本年度暂无帮扶措施",
    "notice_planned_exit": "无拟脱贫户",
    "notice_exited": "无脱贫户",
    "notice_new": "无新识别贫困户",
    "notice_returned": "无返贫户",
    "needs": "暂无村级需求",
    "ledger": "期间无走访记录",
    "cards": "本村暂无贫困户",
}
LONG_NAME = "欧阳" + "长名字" * 8 + "之户主甲"  # 30 characters
assert len(LONG_NAME) == 30


def _odd_village(sample) -> VillageReportData:
    """The sample plus every awkward thing a register may hold."""
    note = ("入户时户主不在家，与其电话联系并记录情况。" * 100)[:2000]
    sample.households[2].head_name = LONG_NAME
    sample.households[2].status, sample.households[2].identification_year = "未脱贫", 2017
    sample.households[2].labels = ["新识别"]
    sample.households[2].cadre_name = "帮扶干部" * 7 + "某某"
    sample.households[3].members = []  # a household with no members
    sample.households[3].status, sample.households[3].identification_year = "未脱贫", 2017
    sample.households[3].labels = ["新识别"]
    sample.households[3].finance = None
    sample.households[3].criteria = []  # nothing evaluated yet
    sample.households[4].status_reason = "原因" * 250  # 500 characters
    sample.visits.append(
        Visit(
            date=dt.date(2017, 5, 5),
            household_no=sample.households[2].household_no,
            cadre_name="魏振华",
            purpose="核实",
            findings="A" * 400,
            note=note,
        )
    )
    sample.measures.append(
        MeasureRow(
            description="措施说明很长。" * 300,
            household_no=sample.households[2].household_no,
            criterion_no=1,
            money=None,
            status="计划",
            planned_date="2017-13-45",  # junk, kept as text
            done_date=dt.date(2017, 5, 6),
        )
    )
    sample.measures.append(
        MeasureRow(
            description="",
            level="村",
            criterion_no=99,
            money="abc",
            status="未知状态",
            planned_date=None,
        )
    )
    sample.village_criteria[0].value = "数值" * 200
    sample.village.pairing_unit = "帮扶单位" * 30
    return sample


def _assert_good_pdf(path):
    assert path.exists() and path.read_bytes()[:5] == b"%PDF-"
    assert [p.name for p in path.parent.iterdir() if p.name.endswith(".part")] == []
    assert len(PdfReader(str(path)).pages) >= 1


@pytest.mark.parametrize("name", list(RENDERERS))
def test_a_village_with_no_households_and_no_data(tmp_path, empty_sample, name):
    out = RENDERERS[name](empty_sample, tmp_path / f"{name}.pdf")
    _assert_good_pdf(out)
    expected = [x for x in ("石门村", EMPTY_LINES[name]) if x]
    assert_cjk_pdf(out, *expected)
    if name == "cards":
        assert len(PdfReader(str(out)).pages) == 1


@pytest.mark.parametrize("name", list(RENDERERS))
def test_odd_values_everywhere(tmp_path, sample, name):
    data = _odd_village(sample)
    out = RENDERERS[name](data, tmp_path / f"{name}.pdf")
    _assert_good_pdf(out)
    text = assert_cjk_pdf(out) if name != "plan_tiled" else ""
    if name in ("plan", "cards", "notice_new"):
        assert LONG_NAME in text
    if name == "notice_new":
        assert "（未登记家庭成员）" in text
    if name == "ledger":
        assert "A" * 100 in text


@pytest.mark.parametrize("name", list(RENDERERS))
def test_a_year_with_nothing_at_all(tmp_path, name):
    out = RENDERERS[name](VillageReportData(year=2019), tmp_path / f"{name}.pdf")
    _assert_good_pdf(out)
    if name != "plan_tiled":
        assert_cjk_pdf(out, "本村" if name in ("plan", "cards") else "")


def test_cards_count_households_even_when_odd(tmp_path, sample):
    data = _odd_village(sample)
    out = render_cards(data, tmp_path / "c.pdf")
    from reports.common import listed_households

    pages = pages_text(out)
    assert len(pages) == len(listed_households(data))
    no_members = flat(
        pages[
            [h.household_no for h in listed_households(data)].index(data.households[3].household_no)
        ]
    )
    assert "（未登记家庭成员）" in no_members and "本年度收支数据尚未录入" in no_members
    assert "数据不全" in no_members


def test_from_plain_dicts_with_gaps(tmp_path):
    data = VillageReportData.from_dict(
        {
            "year": 2018,
            "village": {"name": "空村"},
            "households": [{"household_no": "1"}, {}],
            "measures": [{}],
            "visits": [{}],
            "status_changes": [{}],
        }
    )
    for name, render in RENDERERS.items():
        _assert_good_pdf(render(data, tmp_path / f"{name}.pdf"))
