"""The household table, its filters and sorting, the tree, and every model under qtmodeltester."""

from PySide6.QtCore import Qt

from forms.criteria.household import evaluate_household
from forms.criteria.result import UNMET
from gui.app import start_file
from gui.dialogs import OperatorDialog
from gui.main_window import MainWindow
from storage import browse
from storage.snapshots import household_snapshots

from .helpers import choose, type_text


def _flush(window):
    window.work.filter_bar.flush()


def _column(model, col):
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def test_filters_narrow_the_table(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    model, bar = window.work.model, window.work.filter_bar
    # The tree opens on the county's one township: every household of the file.
    assert model.rowCount() == 150
    total = browse.household_ids(window.store, browse.HouseholdFilter())
    assert len(total) == 150

    # Status filter.
    choose(bar.status, "已脱贫")
    assert model.rowCount() > 0
    assert set(_column(model, 3)) == {"已脱贫"}
    choose(bar.status, "仍为贫困户（未脱贫、返贫）")
    assert set(_column(model, 3)) <= {"未脱贫", "返贫"}
    choose(bar.status, "全部状态")

    # Free text: a member's name (typed through the input method), then an ID number's digits.
    household_id, head = model.ids[5], model.data(model.index(5, 1))
    assert head
    type_text(qtbot, bar.text, head)
    _flush(window)
    assert 0 < model.rowCount() < 150
    # the household of that head is listed, in the row that shows the head's name
    assert household_id in model.ids
    assert model.data(model.index(model.ids.index(household_id), 1)) == head
    member = window.store.find("members", limit=1)[0]
    type_text(qtbot, bar.text, member["id_number"][-8:])
    _flush(window)
    assert member["household_id"] in model.ids
    # …and the pinyin initials of a name, typed on a plain keyboard ("lxh" for 李小红).
    type_text(qtbot, bar.text, member["name_initials"].upper())
    _flush(window)
    assert member["household_id"] in model.ids and model.rowCount() < 150
    type_text(qtbot, bar.text, "")
    _flush(window)
    assert model.rowCount() == 150

    # Cause filter.
    choose(bar.cause, "因病")
    assert set(_column(model, 5)) == {"因病"}
    choose(bar.cause, "全部致贫原因")

    # Unmet criterion: only households whose criterion 2 is unmet, as the criteria say.
    choose(bar.criterion, "第2项未达标")
    snaps = household_snapshots(window.store, window.year)
    expected = {
        s["household"]["id"] for s in snaps if evaluate_household(s).criterion(2).status == UNMET
    }
    assert set(model.ids) == expected and expected
    choose(bar.criterion, "全部指标")
    assert model.rowCount() == 150


def test_cadre_filter_sorting_and_tree(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    model = window.work.model
    # The tree: 县 → 乡镇 → 村 → 社 with counts of households and still poor.
    tree = window.tree.model_
    county = tree.index(0, 0)
    assert tree.index(0, 1).data() == "150"
    villages = browse.scope_tree(window.store)
    assert tree.index(0, 2).data() == str(sum(v["poor"] for v in villages))
    window.tree.select_village(villages[1]["id"])
    assert model.rowCount() == 50
    assert county.isValid()
    bar = window.work.filter_bar
    cadre_id = window.store.get("households", model.ids[0])["cadre_id"]
    cadre = bar.cadre.itemText(bar.cadre.findData(cadre_id))
    choose(bar.cadre, cadre)
    assert 0 < model.rowCount() < 50
    assert set(_column(model, 6)) == {cadre.split(" · ")[0]}
    choose(bar.cadre, "全部帮扶责任人")

    # Sorting by a column, both ways, and by the unmet count.
    window.work.table.sortByColumn(2, Qt.DescendingOrder)
    sizes = [int(x) for x in _column(model, 2)]
    assert sizes == sorted(sizes, reverse=True)
    window.work.table.sortByColumn(7, Qt.AscendingOrder)
    unmet = [int(x) for x in _column(model, 7)]
    assert unmet == sorted(unmet)


def test_every_model_passes_the_model_tester(qtbot, qtmodeltester, make_window, demo_db):
    window = make_window(demo_db)
    qtmodeltester.check(window.work.model)
    qtmodeltester.check(window.tree.model_)
    qtmodeltester.check(window.work.check_panel.list.model)
    qtmodeltester.check(window.work.editor.members.model)
    qtmodeltester.check(window.work.editor.visits.model)
    qtmodeltester.check(window.work.editor.measures.model)
    qtmodeltester.check(window.work.editor.status.model)
    window.on_view_reminders()
    qtmodeltester.check(window.work.reminders_page.model)
    villages = browse.scope_tree(window.store)
    window.tree.select_village(villages[0]["id"])
    window.on_view_needs()
    assert window.work.needs_page.model.rowCount() > 0
    qtmodeltester.check(window.work.needs_page.model)


def test_clicking_a_criterion_focuses_its_member(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    bar, model = window.work.filter_bar, window.work.model
    choose(bar.criterion, "第7项未达标")  # 新农合: names the member who is not insured
    assert model.rowCount() > 0
    window.work.table.setCurrentIndex(model.index(0, 0))
    panel, editor = window.work.check_panel, window.work.editor
    c7 = next(c for c in panel.list.model.results if c.no == 7)
    assert c7.status == UNMET
    index = panel.list.model.index(panel.list.model.results.index(c7))
    panel.list.view.clicked.emit(index)
    assert editor.tabs.currentWidget() is editor.members
    member = next(m for m in editor.members.model.members if m["id"] == editor.members.member_id)
    assert member["name"] in "；".join(c7.reasons)
    assert not member["ncms"]


def test_village_view_reminders_and_jump(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    villages = browse.scope_tree(window.store)
    window.tree.select_village(villages[2]["id"])
    window.on_view_village()
    page = window.work.village_page
    assert page.village["id"] == villages[2]["id"]
    qtbot.waitUntil(lambda: page.chart.households == 50)
    assert sum(page.chart.tally[1].values()) == 50
    qtbot.waitUntil(lambda: page.task is not None and page.task.done.is_set())
    qtbot.waitUntil(lambda: page.criteria.model.rowCount() == 17)
    # A 疑点 names its household: a click opens it.
    issue = next(
        page.issues.item(i)
        for i in range(page.issues.count())
        if page.issues.item(i).data(Qt.UserRole)
    )
    page.issues.itemClicked.emit(issue)
    assert window.household_id == issue.data(Qt.UserRole)
    assert window.work.currentIndex() == 0
    window.on_view_village()
    # A bar click filters the household table to that criterion's unmet households.
    page.chart.criterion_clicked.emit(2)
    assert window.work.currentIndex() == 0
    assert window.work.filter_bar.unmet_criterion() == 2

    window.on_view_reminders()
    rows = window.work.reminders_page.model.rows
    assert rows and all(r["days"] is None or r["days"] > 30 for r in rows)
    window.go_to_household(rows[0]["id"])
    assert window.household_id == rows[0]["id"]
    assert window.work.filter_bar.unmet_criterion() is None


def test_settings_remember_operator_file_and_geometry(qtbot, settings, make_window, demo_db):
    dialog = OperatorDialog(settings)
    qtbot.addWidget(dialog)
    type_text(qtbot, dialog.combo.lineEdit(), "马晓东")
    dialog.try_accept()
    assert settings.value("last_operator") == "马晓东"
    assert OperatorDialog(settings).combo.currentText() == "马晓东"

    window = make_window(demo_db)
    window.resize(760, 580)
    size = (window.width(), window.height())
    window.close()
    assert settings.value("last_file") == str(demo_db)
    assert start_file(settings, None, demo_db.parent / "default.db") == demo_db
    assert (
        start_file(settings, demo_db.parent / "other.db", demo_db.parent / "d.db")
        == demo_db.parent / "other.db"
    )
    again = MainWindow(settings, "马晓东")
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == size != (1366, 768)
