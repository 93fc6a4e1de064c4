"""Faults in the real app: a full disk under an edit, and a second window on a register that
is open already. A clear Chinese message, nothing saved half, and the app goes on."""

from PySide6.QtWidgets import QMessageBox

from gui.main_window import MainWindow

from .helpers import line_of, message_of, type_text


def test_a_full_disk_says_why_at_the_field_and_the_app_goes_on(qtbot, make_window, demo_db):
    window = make_window(demo_db)
    qtbot.waitUntil(lambda: window.household_id is not None)
    editor, store = window.work.editor, window.store
    hid = editor.household["id"]
    pages = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages}")  # no page more: as good as full
    line = line_of(editor.basic, "address")
    for n in range(1, 400):  # each edit logs a row; soon one needs a page the disk lacks
        type_text(qtbot, line, f"第{n}次" + "字" * 80, finish=True)
        if message_of(editor.basic, "address"):
            break
    assert "已满" in message_of(editor.basic, "address") and n > 1
    assert store.get("households", hid)["address"].startswith(f"第{n - 1}次")  # not half saved
    store.db.execute("PRAGMA max_page_count = 1073741823")  # room made
    type_text(qtbot, line, "青岭村一社12号", finish=True)
    qtbot.waitUntil(lambda: store.get("households", hid)["address"] == "青岭村一社12号")
    assert not message_of(editor.basic, "address")


def test_a_second_window_on_an_open_register_is_told_who_has_it(
    qtbot, make_window, demo_db, settings, monkeypatch
):
    said = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text, *a: said.append(text))
    first = make_window(demo_db)
    second = MainWindow(settings, "李明")
    qtbot.addWidget(second)
    second.show()
    second.open_file(demo_db)
    qtbot.waitUntil(lambda: bool(said), timeout=15000)
    assert "已在另一个窗口中打开" in said[0] and "操作员 测试员" in said[0]
    assert second.store is None and first.store is not None  # the first goes on as it was
    first.close_store()  # once it is closed, the register opens in the other
    second.open_file(demo_db)
    qtbot.waitUntil(lambda: second.store is not None, timeout=15000)
    second.close_store()
