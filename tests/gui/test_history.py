"""修改记录: the household's full history, from the real editor — who, when, old → new, and
the visit an edit was made during."""

from gui.history_dialog import HistoryDialog

from .helpers import line_of, type_text


def test_the_history_shows_an_edit_made_during_a_visit_with_who_and_what(
    qtbot, make_window, demo_db
):
    window = make_window(demo_db)
    qtbot.waitUntil(lambda: window.household_id is not None)
    editor = window.work.editor
    dialog = window.on_work_new_visit()
    type_text(qtbot, line_of(dialog.section, "purpose"), "核实住房")
    dialog.try_accept()
    qtbot.waitUntil(lambda: window.work.editing.visit is not None)
    visit_date = window.work.editing.visit["date"]
    editor.tabs.setCurrentIndex(2)  # 生产生活条件
    type_text(qtbot, line_of(editor.conditions, "housing_area_m2"), "88", finish=True)
    qtbot.waitUntil(lambda: editor.household.get("housing_area_m2") == 88)
    assert editor.history_button.isEnabled()
    editor.history_button.click()
    history = editor.findChildren(HistoryDialog)[-1]
    qtbot.waitUntil(history.isVisible)
    newest = history.model.rows[0]
    assert (newest["record"], newest["field"], newest["new"]) == ("本户", "住房面积", "88")
    assert newest["context"] == f"走访 {visit_date}" and newest["operator"]
    created = [r for r in history.model.rows if r["record"] == "本户" and r["new"] == "新建"]
    assert len(created) == 1  # the history reaches back to the household's entry
    history.close()
