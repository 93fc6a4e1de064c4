"""档案 → 年度数据封存 / 重新开启: a closed year's check panel says so and stays put after an
edit; a reopen without a reason is refused and changes nothing; with one the panel follows."""

from gui.year_dialogs import YearDialog
from storage.closing import closures
from tests.dumps import dump


def _results(window):
    return window.work.check_panel.list.model.results


def _choose_year(qtbot, window, year):
    window.year_combo.setCurrentIndex(window.year_combo.findData(year))
    qtbot.waitUntil(lambda: window.year == year and window.criteria.complete, timeout=20000)


def _dialog(window, action):
    window.actions[action].trigger()
    return [d for d in window.findChildren(YearDialog) if d.isVisible()][-1]


def test_a_closed_year_holds_its_verdicts_until_a_reopen_with_a_reason(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    _choose_year(qtbot, window, 2016)  # the demo county closed 2015 and 2016
    qtbot.waitUntil(lambda: window.household_id is not None)
    hid = window.household_id
    panel = window.work.check_panel
    qtbot.waitUntil(lambda: _results(window) != [])
    assert not panel.closed.isHidden() and "2016年度已于" in panel.closed.text()
    before = [c.status for c in _results(window)]
    # an edit today that would turn criterion 9 (toilet) around does not touch 2016
    toilet = window.store.get("households", hid)["toilet"]
    new = "无" if toilet != "无" else "卫生厕所"
    assert not window.editing.save_record("household", hid, hid, {"toilet": new}).problems
    qtbot.wait(50)
    assert [c.status for c in _results(window)] == before

    # a reopen without a reason: refused in the dialog, the register unchanged
    dialog = _dialog(window, "register.reopen_year")
    assert dialog.year.value() == 2016
    dialog.scope.setCurrentIndex(0)  # every village
    snapshot = dump(window.store)
    dialog._submit()
    assert dialog.isVisible() and "必须填写原因" in dialog.problem.text()
    assert dump(window.store) == snapshot

    # with a reason, the year is open again and the panel follows the register
    dialog.reason.setPlainText("县审核：厕所改造登记有误")
    dialog._submit()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert 2016 not in {y for (_, y) in closures(window.store)}
    window.work.go_to_household(hid)
    qtbot.waitUntil(lambda: panel.closed.isHidden(), timeout=10000)
    toilet_now = next(c for c in _results(window) if c.no == 9).status
    assert toilet_now == ("unmet" if new == "无" else "met")

    # and closing it again from the menu freezes it anew
    dialog = _dialog(window, "register.close_year")
    dialog.scope.setCurrentIndex(0)
    dialog._submit()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert len(closures(window.store, 2016)) == len(window.store.find("villages"))
