"""需求清单 and 工作台账."""

import datetime as dt
from decimal import Decimal

from reports.ledger import render_ledger
from reports.needs import render_needs

from .conftest import all_text, assert_cjk_pdf, flat


def test_needs_are_the_open_measures_with_money_summed_by_level_and_cause(tmp_path, sample):
    open_ = [m for m in sample.measures if m.status in ("计划", "实施中")]
    done = next(m for m in sample.measures if m.status == "已完成")
    done.description = "已完成的不应列入"
    open_[0].description = "未完成的应当列入"
    village = [m for m in open_ if m.household_no is None]
    total = sum(m.money for m in open_)
    text = assert_cjk_pdf(
        render_needs(sample, tmp_path / "n.pdf"),
        "石门村2017年精准扶贫需求清单",
        "未完成的应当列入",
        "一、村级需求",
        "二、户级需求",
        "三、按致贫原因汇总",
        "四、按资金来源汇总",
    )
    assert "已完成的不应列入" not in text
    assert f"需求项目共{len(open_)}项，资金合计{total:,.2f}元" in text
    assert f"其中村级{len(village)}项{sum(m.money for m in village):,.2f}元" in text
    for cause in {m.cause for m in open_}:
        cause_sum = sum(m.money for m in open_ if m.cause == cause)
        assert f"{cause}" in text and f"{cause_sum:,.2f}" in text
    assert "," in f"{total:,.2f}"  # the sample is big enough to need a separator


def test_needs_money_is_exact_to_the_fen(tmp_path, sample):
    sample.measures = sample.measures[:0]
    from reports.model import MeasureRow

    sample.measures = [
        MeasureRow("甲", level="村", money=Decimal("1234567.891"), status="计划"),
        MeasureRow("乙", level="村", money=Decimal("0.1"), status="实施中"),
        MeasureRow("丙", level="村", money=None, status="计划"),
    ]
    assert_cjk_pdf(
        render_needs(sample, tmp_path / "n.pdf"), "资金合计1,234,567.99元", "1,234,567.89", "0.10"
    )


def test_ledger_lists_the_range_only_and_prints_long_notes_whole(tmp_path, sample):
    inside = next(v for v in sample.visits if dt.date(2017, 4, 1) <= v.date <= dt.date(2017, 6, 30))
    outside = next(v for v in sample.visits if v.date > dt.date(2017, 6, 30))
    outside.findings = "范围之外的走访"
    note = "".join(f"第{i}次核实：户主反映收入来源为务工和养羊，" for i in range(1, 200))[:2000]
    inside.findings, inside.note = "范围之内的走访", note
    assert len(note) == 2000
    pdf = render_ledger(sample, tmp_path / "l.pdf", dt.date(2017, 4, 1), dt.date(2017, 6, 30))
    text = assert_cjk_pdf(
        pdf,
        "石门村精准扶贫工作台账",
        "（2017年4月1日至2017年6月30日）",
        "一、帮扶干部工作汇总",
        "范围之内的走访",
    )
    assert "范围之外的走访" not in text
    # The note is printed whole and in order, over continuation rows (and pages, so running
    # headers come between its pieces): every numbered sentence is there, and its end.
    last = note.count("次核实")
    positions = [text.find(f"第{i}次核实：") for i in range(1, last + 1)]
    assert -1 not in positions and positions == sorted(positions)
    assert "（续）" in text and flat(note[-12:]) in text
    n_visits = sum(dt.date(2017, 4, 1) <= v.date <= dt.date(2017, 6, 30) for v in sample.visits)
    assert f"二、入户走访记录（{n_visits}次）" in text


def test_ledger_defaults_to_the_report_year(tmp_path, sample):
    text = flat(all_text(render_ledger(sample, tmp_path / "l.pdf")))
    assert "（2017年1月1日至2017年12月31日）" in text
    assert f"二、入户走访记录（{len(sample.visits)}次）" in text


def test_ledger_sums_up_each_cadre_once(tmp_path, sample):
    text = flat(all_text(render_ledger(sample, tmp_path / "l.pdf")))
    summary = text[text.index("一、帮扶干部工作汇总") : text.index("二、入户走访记录")]
    cadres = {c.name for c in sample.team} | {v.cadre_name for v in sample.visits}
    for name in cadres:
        assert summary.count(name) == 1, name
    visits = sum(v.cadre_name == "魏振华" for v in sample.visits)
    assert f"魏振华队长{visits}" in summary
