"""The passphrase in the desktop app: an encrypted register opens behind the unlock dialog (a
wrong passphrase said, tried again; cancelled, back to the start page), 文件 → 设置/更改数据库
口令… encrypts, changes and removes it, the start page recommends it on an empty plain register,
and nothing of a passphrase is written to disk."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QMessageBox

from gui.main_window import MainWindow
from gui.passphrase_dialogs import PassphraseDialog
from storage import cipher, encryption
from storage import register as R
from storage.db import open_store
from tests.gui.helpers import type_text

PASS, NEW = "青岭村的口令2016", "新口令'2017年"
VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}


def _ok(qtbot, dialog) -> None:
    button = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Ok)
    qtbot.mouseClick(button, Qt.LeftButton)


def _type(qtbot, field: QLineEdit, text: str) -> None:
    type_text(qtbot, field, text)  # Chinese through the input method, as a user types it


def _nothing_on_disk(settings, tmp_path: Path, *phrases: str) -> None:
    settings.sync()
    for p in tmp_path.rglob("*"):
        if p.is_file():
            data = p.read_bytes()
            for phrase in phrases:
                assert phrase.encode("utf-8") not in data, p


def test_an_encrypted_register_opens_behind_the_unlock_dialog(qtbot, settings, demo_db, tmp_path):
    encryption.encrypt(demo_db, PASS)
    cipher.forget_all()  # a new run of the app
    window = MainWindow(settings, "测试员")
    qtbot.addWidget(window)
    window.show()
    assert window.open_file(demo_db) is None
    dialog = window.unlock_dialog
    assert dialog.isVisible() and dialog.field.echoMode() == QLineEdit.Password
    _type(qtbot, dialog.field, "不对的口令123")
    _ok(qtbot, dialog)
    assert dialog.isVisible() and "口令不对" in dialog.error.text() and window.store is None
    _type(qtbot, dialog.field, PASS)
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: window.store is not None, timeout=15000)
    assert window.tree.model_.rowCount() and window.store.find("households")
    qtbot.waitUntil(lambda: window.criteria.complete, timeout=20000)  # workers read it too
    window.close_store()
    _nothing_on_disk(settings, tmp_path, PASS)


def test_a_cancelled_unlock_returns_to_the_start_page(qtbot, settings, demo_db):
    encryption.encrypt(demo_db, PASS)
    cipher.forget_all()
    window = MainWindow(settings, "测试员")
    qtbot.addWidget(window)
    window.show()
    window.open_file(demo_db)
    window.unlock_dialog.reject()
    assert window.store is None and window.stack.currentWidget() is window.start_page
    assert window.register_lock is None


def _passphrase_dialog(window) -> PassphraseDialog:
    window.actions["file.passphrase"].trigger()
    [dialog] = [d for d in window.findChildren(PassphraseDialog) if d.isVisible()]
    return dialog


def test_the_passphrase_is_set_changed_and_removed_from_the_file_menu(
    qtbot, make_window, settings, tmp_path, monkeypatch
):
    path = tmp_path / "register.db"
    store = open_store(path, create=True, operator="测试员")
    vid = R.add_village(store, VILLAGE)
    R.add_household(store, {"village_id": vid, "household_no": "0001", "status": "未脱贫"},
                    [{"name": "王建国", "relation": "户主"}])  # fmt: skip
    store.close()
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    window = make_window(path)
    assert window.actions["file.passphrase"].isEnabled()

    dialog = _passphrase_dialog(window)  # a plain register: a new passphrase, twice
    assert not dialog.current.isVisible()
    _type(qtbot, dialog.new, PASS)
    _type(qtbot, dialog.again, PASS + "x")
    _ok(qtbot, dialog)
    assert dialog.isVisible() and "不一致" in dialog.error.text()
    _type(qtbot, dialog.again, PASS)
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: bool(told) and window.store is not None, timeout=20000)
    assert "数据库已加密" in told[-1] and cipher.is_encrypted(path)
    assert window.store.find("households")[0]["household_no"] == "0001"  # open again

    dialog = _passphrase_dialog(window)  # encrypted: the current one first
    _type(qtbot, dialog.current, "不对的口令123")
    _type(qtbot, dialog.new, NEW)
    _type(qtbot, dialog.again, NEW)
    _ok(qtbot, dialog)
    assert dialog.isVisible() and "口令不对" in dialog.error.text()
    _type(qtbot, dialog.current, PASS)
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: len(told) == 2 and window.store is not None, timeout=20000)
    assert "口令已更改" in told[-1]
    assert cipher.opens(path, cipher.derive(NEW, cipher.salt_of(path)))

    dialog = _passphrase_dialog(window)
    _type(qtbot, dialog.current, NEW)
    dialog.remove.setChecked(True)
    assert not dialog.new.isEnabled()
    _ok(qtbot, dialog)
    qtbot.waitUntil(lambda: len(told) == 3 and window.store is not None, timeout=20000)
    assert "已取消加密" in told[-1] and not cipher.is_encrypted(path)
    assert window.register_lock is not None and window.register_lock.holds(path)
    _nothing_on_disk(settings, tmp_path, PASS, NEW)


def test_the_start_page_recommends_a_passphrase_on_an_empty_plain_register(
    qtbot, make_window, tmp_path, monkeypatch
):
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    window = make_window(tmp_path / "new.db", create=True)
    page = window.start_page
    assert window.stack.currentWidget() is page and page.recommend.isVisible()
    qtbot.mouseClick(page.buttons["protect"], Qt.LeftButton)
    [dialog] = [d for d in window.findChildren(PassphraseDialog) if d.isVisible()]
    _type(qtbot, dialog.new, PASS)
    _type(qtbot, dialog.again, PASS)
    _ok(qtbot, dialog)
    qtbot.waitUntil(
        lambda: window.store is not None and cipher.is_encrypted(window.store.path), timeout=20000
    )
    qtbot.waitUntil(lambda: window.stack.currentWidget() is page, timeout=10000)
    assert not page.recommend.isVisible()  # said once: an encrypted register is not told again
