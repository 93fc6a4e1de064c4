"""施工图: the wall chart shows the village, its team, the 17 criteria and every household."""

import pytest
from pypdf import PdfReader

from forms.criteria.result import UNMET
from reports import labels as L
from reports.common import listed_households
from reports.plan import render_plan

from .conftest import assert_cjk_pdf, flat, pages_text


@pytest.fixture
def plan_pdf(tmp_path, sample):
    # Given one household that left the register and one that exited before this year
    sample.households[0].status, sample.households[0].head_name = "清退", "清退户甲乙丙"
    sample.households[1].status, sample.households[1].exit_year = "已脱贫", 2016
    sample.households[1].head_name = "往年脱贫户丁"
    return sample, render_plan(sample, tmp_path / "施工图.pdf")


def test_header_team_and_village_criteria_are_printed(plan_pdf):
    data, pdf = plan_pdf
    v = data.village
    expected = [
        f"{v.name}2017年精准扶贫施工图",
        v.county,
        v.township,
        v.pairing_unit,
        v.leader_in_charge,
        "张贴日期",
        "2017年12月10日",
        "一、贫困村脱贫目标（17项）",
    ]
    for c in data.team:
        expected += [c.name, c.role, c.phone, c.unit]
    expected += [L.VILLAGE_CRITERIA[n] for n in range(1, 18)]
    assert_cjk_pdf(pdf, *expected)


def test_every_listed_household_is_on_the_chart_and_no_other(plan_pdf):
    data, pdf = plan_pdf
    text = flat("\n".join(pages_text(pdf)))
    listed = listed_households(data)
    dropped = [
        h
        for h in data.households
        if h.status == "清退" or (h.status == "已脱贫" and h.exit_year < data.year)
    ]
    assert len(dropped) >= 2 and len(listed) == len(data.households) - len(dropped)
    for h in listed:
        assert h.head_name in text
    assert "清退户甲乙丙" not in text and "往年脱贫户丁" not in text
    people = sum(h.people for h in listed)
    assert f"二、贫困户脱贫施工图（{len(listed)}户{people}人）" in text
    assert f"合计{len(listed)}户" in text


def test_one_unmet_mark_per_unmet_criterion(plan_pdf):
    data, pdf = plan_pdf
    text = "".join(pages_text(pdf))
    unmet_households = sum(
        h.status_of(n) == UNMET for h in listed_households(data) for n in range(1, 13)
    )
    unmet_village = sum(c.status == UNMET for c in data.village_criteria)
    assert unmet_households > 20
    # the legend shows the mark once more
    assert text.count(L.MARKS[UNMET]) == unmet_households + unmet_village + 1
    unmet_total = f"未达标指标共{unmet_households}项"
    assert unmet_total in flat(text)


def test_column_headers_repeat_on_every_page_of_the_household_table(plan_pdf):
    _, pdf = plan_pdf
    pages = [flat(t) for t in pages_text(pdf)]
    start = next(i for i, t in enumerate(pages) if "二、贫困户脱贫施工图" in t)
    assert len(pages) - start >= 3, "the sample should need several pages"
    header = "".join(L.SHORT_TITLES[n] for n in range(1, 13))
    for i, t in enumerate(pages[start:], start + 1):
        assert "十二项脱贫指标" in t and header in t and "完成时限" in t, f"page {i}"
        assert f"第{i}/{len(pages)}页" in t


def test_each_unmet_criterion_names_its_measure_cadre_and_deadline(tmp_path, sample):
    h = next(h for h in listed_households(sample) if h.unmet)
    n = h.unmet[0].no
    for m in sample.measures_of(h.household_no):
        if m.criterion_no == n:
            m.description, m.cadre_name, m.status = "专项测试措施甲", "测试干部乙", "计划"
            m.planned_date = __import__("datetime").date(2017, 10, 9)
            break
    else:
        pytest.skip("sample household has no measure for its first unmet criterion")
    text = assert_cjk_pdf(render_plan(sample, tmp_path / "p.pdf"), "专项测试措施甲", "测试干部乙")
    assert "10月9日" in text


@pytest.mark.parametrize(
    "paper,landscape,size",
    [
        ("A3", True, (1190.55, 841.89)),
        ("A4", False, (595.28, 841.89)),
        ("A2", True, (1683.78, 1190.55)),
        ("A1", False, (1683.78, 2383.94)),
    ],
)
def test_paper_sizes(tmp_path, sample, paper, landscape, size):
    sample.households = sample.households[:8]
    pdf = render_plan(sample, tmp_path / "p.pdf", paper=paper, landscape=landscape)
    box = PdfReader(str(pdf)).pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == size


def test_default_is_a3_landscape(tmp_path, sample):
    box = PdfReader(str(render_plan(sample, tmp_path / "p.pdf"))).pages[0].mediabox
    assert float(box.width) > float(box.height) and round(float(box.width)) == 1191
