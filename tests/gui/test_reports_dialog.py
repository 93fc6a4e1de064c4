"""The 报表 dialog: opened from the menu with the chosen village, it writes the PDF off the GUI
thread and opens it."""

import re

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from gui.reports_dialog import ALL_VILLAGES, ReportsDialog
from storage.register import list_villages

from .helpers import choose, type_text


def _text(path) -> str:
    return re.sub(r"\s+", "", "".join(p.extract_text() or "" for p in PdfReader(str(path)).pages))


@pytest.fixture
def opened(monkeypatch):
    """QDesktopServices.openUrl, patched: the URLs the dialog asked to open."""
    urls = []
    monkeypatch.setattr(
        "gui.reports_dialog.QDesktopServices.openUrl",
        lambda url: urls.append(url.toLocalFile()) or True,
    )
    return urls


def _open_dialog(qtbot, window) -> ReportsDialog:
    window.actions["reports.print"].trigger()
    dialogs = window.findChildren(ReportsDialog)
    assert len(dialogs) == 1
    qtbot.waitUntil(dialogs[0].isVisible)
    return dialogs[0]


def test_the_chosen_villages_plan_is_written_and_opened(
    qtbot, make_window, demo_db, tmp_path, opened
):
    # Given the second village chosen in the tree
    window = make_window(demo_db)
    village = list_villages(window.store)[1]
    window.tree.select_village(village["id"])
    qtbot.waitUntil(lambda: (window.scope or {}).get("village_id") == village["id"])
    # When the 报表 menu opens the dialog
    menu = next(a.menu() for a in window.menuBar().actions() if a.text().startswith("报表"))
    assert window.actions["reports.print"] in menu.actions()
    dialog = _open_dialog(qtbot, window)
    # Then that village, the window's year and the wall chart's A3 landscape are preselected
    assert dialog.village.currentData() == village["id"]
    assert dialog.year.currentData() == window.year
    assert dialog.current_kind() == "plan"
    assert (dialog.paper.currentText(), dialog.orientation.currentData()) == ("A3", True)
    assert dialog.out.text().endswith(f"{village['code']}-{village['name']}-plan.pdf")
    # When the user types where to save and prints
    out = tmp_path / "wall.pdf"
    type_text(qtbot, dialog.out, str(out))
    with qtbot.waitSignal(dialog.written, timeout=30000):
        qtbot.mouseClick(dialog.print_button, Qt.LeftButton)
    # Then the PDF is there, names the village, and was opened
    assert out.is_file()
    assert f"{village['name']}2017年精准扶贫施工图" in _text(out)
    assert opened == [str(out)]
    assert not dialog.isVisible()
    assert str(out.parent) in window.statusBar().currentMessage()


def test_a_notice_for_every_village_goes_into_a_folder(
    qtbot, make_window, demo_db, tmp_path, opened
):
    window = make_window(demo_db)
    dialog = _open_dialog(qtbot, window)
    choose(dialog.kind, "公示/公告")
    # the notice's own choices appear, the wall chart's tiling does not
    assert dialog.notice.isVisibleTo(dialog) and not dialog.tile.isVisibleTo(dialog)
    assert (dialog.paper.currentText(), dialog.orientation.currentData()) == ("A4", False)
    choose(dialog.notice, "脱贫户公告")
    choose(dialog.village, "全部村（每村一个文件）")
    assert dialog.village.currentData() == ALL_VILLAGES
    folder = tmp_path / "notices"
    type_text(qtbot, dialog.out, str(folder))
    with qtbot.waitSignal(dialog.written, timeout=60000) as written:
        qtbot.mouseClick(dialog.print_button, Qt.LeftButton)
    villages = list_villages(window.store)
    assert sorted(p.name for p in written.args[0]) == sorted(
        f"{v['code']}-{v['name']}-notice_exited.pdf" for v in villages
    )
    for v in villages:
        assert f"{v['name']}2017年脱贫户公告" in _text(
            folder / f"{v['code']}-{v['name']}-notice_exited.pdf"
        )
    assert opened == [str(folder)]


def test_a_folder_that_does_not_exist_is_reported_and_nothing_is_written(
    qtbot, make_window, demo_db, tmp_path, opened, monkeypatch
):
    warnings = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text)
    )
    window = make_window(demo_db)
    dialog = _open_dialog(qtbot, window)
    choose(dialog.kind, "需求清单")
    type_text(qtbot, dialog.out, str(tmp_path / "missing" / "needs.pdf"))
    qtbot.mouseClick(dialog.print_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(warnings), timeout=30000)
    assert "文件夹不存在" in warnings[0]
    assert dialog.isVisible() and dialog.print_button.isEnabled()
    assert opened == [] and list(tmp_path.glob("**/*.pdf")) == []


def test_households_left_off_the_planned_exit_notice_are_shown(
    qtbot, make_window, demo_db, tmp_path, opened, monkeypatch
):
    warnings = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda parent, title, text, *a: warnings.append(text)
    )
    window = make_window(demo_db)
    dialog = _open_dialog(qtbot, window)
    choose(dialog.kind, "公示/公告")
    choose(dialog.notice, "拟脱贫户公示")
    choose(dialog.village, "全部村（每村一个文件）")
    type_text(qtbot, dialog.out, str(tmp_path / "planned"))
    with qtbot.waitSignal(dialog.written, timeout=60000):
        qtbot.mouseClick(dialog.print_button, Qt.LeftButton)
    # the demo county has households planned for this year with a criterion still unmet
    assert warnings and "未列入拟脱贫户公示" in warnings[0]
