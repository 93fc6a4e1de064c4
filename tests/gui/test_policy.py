"""年度政策参数: the county's poverty line is edited in the app and the criteria follow it."""

from forms.criteria.result import MET, UNMET
from gui.dialogs import RecordDialog
from storage.register import policy_for

from .helpers import line_of, type_text


def _income_status(window):
    results = window.work.check_panel.list.model.results
    return next(c.status for c in results if c.no == 1)


def test_raising_the_poverty_line_turns_criterion_1_unmet(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    qtbot.waitUntil(lambda: window.household_id is not None)
    # Given a household whose income is above the year's line (find one in the table)
    model = window.work.model
    for row in range(model.rowCount()):
        window.work.table.selectRow(row)
        qtbot.waitUntil(lambda: window.work.check_panel.list.model.results != [])
        if _income_status(window) == MET:
            break
    assert _income_status(window) == MET
    # When the year's poverty line is raised far above any income
    window.actions["register.policy"].trigger()
    dialog = [d for d in window.findChildren(RecordDialog) if d.isVisible()][-1]
    assert line_of(dialog.section, "year").text() == str(window.year)
    type_text(qtbot, line_of(dialog.section, "poverty_line"), "99999")
    dialog.try_accept()
    qtbot.waitUntil(lambda: not dialog.isVisible())
    # Then the value is stored, and the check panel re-evaluates the household: unmet
    assert policy_for(window.store, window.year)["poverty_line"] == 99999
    qtbot.waitUntil(lambda: _income_status(window) == UNMET, timeout=10000)
    # and a wrong value is refused beside the field, nothing saved
    window.actions["register.policy"].trigger()
    dialog = [d for d in window.findChildren(RecordDialog) if d.isVisible()][-1]
    type_text(qtbot, line_of(dialog.section, "poverty_line"), "-5")
    dialog.try_accept()
    assert dialog.isVisible() and dialog.section.rows["poverty_line"].has_error()
    assert policy_for(window.store, window.year)["poverty_line"] == 99999
    dialog.reject()
