"""进度表: month counts, completion per criterion and household, the bar chart, status changes."""

import datetime as dt

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing

from reports import labels as L
from reports.common import listed_households
from reports.pages import Layout
from reports.progress import build_progress_story, render_progress
from reports.styles import make_styles

from .conftest import assert_cjk_pdf


def test_summary_and_month_table(tmp_path, sample):
    active = [m for m in sample.measures if m.status != "已取消"]
    done = [m for m in active if m.status == "已完成"]
    text = assert_cjk_pdf(
        render_progress(sample, tmp_path / "p.pdf"),
        "石门村2017年精准扶贫进度表",
        "统计截至2017年12月10日",
        "一、帮扶措施按月进度（项）",
        "计划完成",
        "实际完成",
        "累计完成率",
        *[f"{n}月" for n in range(1, 13)],
    )
    assert f"本村共有帮扶措施{len(active)}项（不含已取消），已完成{len(done)}项" in text
    # the year column of 计划完成 is the number of measures, of 实际完成 the number done
    planned_row = text[text.index("计划完成") : text.index("实际完成")]
    assert planned_row.endswith(f"{len(active)}")


def test_bar_chart_counts_households_meeting_each_criterion(sample):
    styles = make_styles(12, Layout.of("A3", True).width, 700)
    story = build_progress_story(sample, styles)
    charts = [
        c
        for f in story
        for d in _drawings(f)
        for c in d.contents
        if isinstance(c, VerticalBarChart)
    ]
    assert len(charts) == 1
    households = listed_households(sample)
    met = [sum(h.status_of(n) == "met" for h in households) for n in range(1, 13)]
    unmet = [sum(h.status_of(n) == "unmet" for h in households) for n in range(1, 13)]
    assert charts[0].data == [met, unmet]
    assert list(charts[0].categoryAxis.categoryNames) == [L.SHORT_TITLES[n] for n in range(1, 13)]
    assert charts[0].valueAxis.valueMax == len(households)


def _drawings(flowable):
    if isinstance(flowable, Drawing):
        yield flowable
    for inner in getattr(flowable, "_content", []) or []:
        yield from _drawings(inner)


def test_status_changes_since_a_date(tmp_path, sample):
    since = dt.date(2017, 9, 1)
    later = [c for c in sample.status_changes if c.date >= since]
    earlier = [c for c in sample.status_changes if c.date < since]
    assert later and earlier
    later[0].reason, earlier[0].reason = "九月后变更标记", "九月前变更标记"
    text = assert_cjk_pdf(
        render_progress(sample, tmp_path / "p.pdf", since=since),
        f"四、2017年9月1日以来户状态变化（{len(later)}户次）",
        "九月后变更标记",
    )
    assert "九月前变更标记" not in text


def test_per_household_completion(tmp_path, sample):
    h = next(h for h in listed_households(sample) if len(sample.measures_of(h.household_no)) >= 2)
    ms = sample.measures_of(h.household_no)
    for m in ms:
        m.status = "计划"
    ms[0].status = "已完成"
    h.head_name = "进度测试户"
    text = assert_cjk_pdf(render_progress(sample, tmp_path / "p.pdf"), "三、各户帮扶措施完成情况")
    row = text[text.index("进度测试户") :][:40]
    pct = f"{100 / len(ms):.0f}%"
    assert row.startswith(f"进度测试户{h.group}{h.cadre_name}{len(ms)}10{len(ms) - 1}{pct}"), row
