"""The procedures in the app: a household's 状态与程序 tab records its next step, refuses an
objection without a reason (nothing changed) and sends it back with one; the village's 动态管理 tab
lists households by step, posts a 公示 for several at once and opens its notice, which prints
the posting date, period and number the procedure recorded."""

from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import Qt

from gui.dialogs import RecordDialog
from gui.reports_dialog import ReportsDialog
from storage import procedures as PR
from storage.register import list_villages
from tests.dumps import dump
from tests.gui.helpers import type_text
from tests.gui.test_reports_dialog import _text, opened  # noqa: F401 - the fixture

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _due(store, village_id):
    """Households of the village whose exit procedure waits for its 公示."""
    return [
        s
        for s in PR.village_standings(store, village_id)
        if s.procedure.open and s.procedure.next_step.name == "公示"
    ]


def _dialogs(window, kind):
    return [d for d in window.findChildren(kind) if d.isVisible()]


def test_the_household_tab_records_the_next_step_and_an_objection(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    village = list_villages(window.store)[0]
    due = _due(window.store, village["id"])
    assert due, "the demo has households waiting for their notice"
    hid = due[0].household["id"]
    window.work.go_to_household(hid)
    qtbot.waitUntil(lambda: window.household_id == hid)
    editor = window.work.editor
    editor.tabs.setCurrentWidget(editor.status_page)
    panel = editor.procedures
    assert "待公示" in panel.state.text()
    assert panel.next_button.text() == "登记“公示”…"
    # the notice, posted two days ago for seven days: five days left, today included
    posted = date.today() - timedelta(days=2)
    panel.next_button.click()
    [dialog] = _dialogs(window, RecordDialog)
    dialog.section.set_value("date", posted.isoformat())
    dialog.section.set_value("document", "公示〔2017〕8号")
    dialog.try_accept()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert panel.state.text().endswith("公示中（还剩5天）")
    assert panel.model.rows[0]["step"] == "公示" and panel.model.rows[0]["days"] == 7
    assert panel.objection_button.isVisible()
    window.grab().save(str(SHOTS / "procedure-household.png"))
    # an objection without its reason: refused in the dialog, the register unchanged
    panel.objection_button.click()
    [dialog] = _dialogs(window, RecordDialog)
    before = dump(window.store)
    dialog.try_accept()
    assert dialog.isVisible() and "异议成立必须填写" in dialog.error.text()
    assert dump(window.store) == before
    dialog.section.set_value("reason", "群众反映有因病借款，经核实属实")
    dialog.try_accept()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert "待12项核查" in panel.state.text()
    assert panel.next_button.text() == "登记“12项核查”…"


def test_the_village_tab_posts_a_notice_for_several_and_prints_it(
    qtbot,
    make_window,
    demo_db,
    tmp_path,
    opened,  # noqa: F811
):
    window = make_window(demo_db)
    village = list_villages(window.store)[0]
    window.tree.select_village(village["id"])
    qtbot.waitUntil(lambda: (window.scope or {}).get("village_id") == village["id"])
    window.work.setCurrentWidget(window.work.village_page)
    page = window.work.village_page
    page.pages.setCurrentWidget(page.procedures)
    procs = page.procedures
    qtbot.waitUntil(lambda: bool(procs.standings), timeout=20000)
    assert "减贫任务" in procs.plan.text() and "进出" in procs.moves.text()
    labels = [procs.model.data(procs.model.index(r, 3)) for r in range(procs.model.rowCount())]
    assert "待公示" in labels
    due = [r for r, text in enumerate(labels) if text == "待公示"][:3]
    ids = [procs.standings[r].household["id"] for r in due]
    sm = procs.table.selectionModel()
    for r in due:
        sm.select(procs.model.index(r, 0), sm.SelectionFlag.Select | sm.SelectionFlag.Rows)
    posted = date.today() - timedelta(days=1)
    with qtbot.waitSignal(window.work.notice_wanted, timeout=5000) as signal:
        dialog = procs.step_selected()
        dialog.section.set_value("date", posted.isoformat())
        dialog.section.set_value("document", "高庄村公示〔2017〕3号")
        dialog.try_accept()
    assert signal.args == [village["id"], "planned_exit"]
    qtbot.waitUntil(lambda: bool(_dialogs(window, ReportsDialog)), timeout=20000)
    [reports] = _dialogs(window, ReportsDialog)
    assert reports.current_kind() == "notice" and reports.notice.currentData() == "planned_exit"
    assert reports.village.currentData() == village["id"]
    # the three are 公示中 now, and the list says how many days are left
    qtbot.waitUntil(
        lambda: any("公示中（还剩6天）" == s.procedure.label() for s in procs.standings)
    )
    assert sorted(s.household["id"] for s in procs.standings
                  if s.procedure.label() == "公示中（还剩6天）") == sorted(ids)  # fmt: skip
    window.grab().save(str(SHOTS / "procedure-village.png"))
    # the notice printed from the dialog lists the three with the recorded date, period, number
    out = tmp_path / "notice.pdf"
    reports.year.setCurrentIndex(reports.year.findData(2017))
    reports.out.clear()
    type_text(qtbot, reports.out, str(out))
    with qtbot.waitSignal(reports.written, timeout=30000):
        qtbot.mouseClick(reports.print_button, Qt.LeftButton)
    text = _text(out)
    assert "高庄村公示〔2017〕3号" in text or "公示〔2017〕3号" in text
    end = posted + timedelta(days=6)
    assert (
        f"{posted.year}年{posted.month}月{posted.day}日至{end.year}年{end.month}月{end.day}日"
        in text
    )
    assert f"共{len(ids)}户" in text


def test_the_county_page_shows_each_villages_task_plan_and_movements(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    page = window.work.county_page
    window.work.setCurrentWidget(page)
    page.lower.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.plan_table.rowCount() == 3, timeout=20000)
    expected = {p.village["name"]: p for p in PR.plan_vs_actual(window.store, window.year)}
    moved = PR.movement_counts(PR.movements(window.store, window.year))
    for row in range(3):
        cells = [page.plan_table.item(row, c).text() for c in range(page.plan_table.columnCount())]
        p = expected[cells[0]]
        assert cells[2] == f"{p.task_households}/{p.task_people}"
        assert cells[4] == f"{p.planned_households}/{p.planned_people}"
        assert cells[5] == f"{p.exited_households}/{p.exited_people}"
        new = moved.get(p.village["id"], {}).get("新识别", (0, 0))
        assert cells[6] == f"{new[0]}/{new[1]}"
    window.grab().save(str(SHOTS / "procedure-county.png"))


def test_a_new_applicant_enters_as_pending_with_its_identification_begun(
    qtbot, make_window, demo_db
):
    window = make_window(demo_db)
    village = list_villages(window.store)[0]
    window.tree.select_village(village["id"])
    qtbot.waitUntil(lambda: (window.scope or {}).get("village_id") == village["id"])
    dialog = window.on_register_new_household()
    dialog.applied.setChecked(True)
    dialog.members[0].set_value("name", "马德海")
    dialog.members[0].set_value("birth_date", "1970-05-01")
    dialog.members[0].set_value("sex", "男")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.try_accept()
    qtbot.waitUntil(lambda: window.household_id is not None)
    h = window.store.get("households", window.household_id)
    assert h["status"] == "待识别"
    panel = window.work.editor.procedures
    qtbot.waitUntil(lambda: panel.household is not None and panel.household["id"] == h["id"])
    assert "贫困户识别程序" in panel.state.text() and "待民主评议" in panel.state.text()
    assert panel.next_button.text() == "登记“民主评议”…"
