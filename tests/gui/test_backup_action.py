"""文件 → 备份到U盘…: the register copied to the chosen folder on a worker, read back, and the
user told where; a folder that is gone (the stick pulled out) is a Chinese warning."""

from PySide6.QtWidgets import QMessageBox

from gui import files
from storage import backup as B
from storage import register as R
from storage.db import open_store

VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}


def test_backup_to_a_usb_stick(qtbot, make_window, tmp_path, monkeypatch):
    path = tmp_path / "register.db"
    store = open_store(path, create=True, operator="测试员")
    R.add_village(store, VILLAGE)
    store.close()
    window = make_window(path)
    told, warned = [], []
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: told.append(a[2]))
    monkeypatch.setattr(files, "warn", lambda parent, title, text: warned.append(text))
    assert window.actions["file.backup"].isEnabled()
    stick = tmp_path / "U盘"
    stick.mkdir()
    window.backup_to(stick)
    qtbot.waitUntil(lambda: bool(told), timeout=10000)
    [copy] = list(stick.iterdir())
    assert copy.name.startswith("register-备份-") and B.quick_check(copy) == "ok"
    assert str(copy) in told[0] and "已读回检查" in told[0]
    window.backup_to(tmp_path / "拔出的U盘")
    qtbot.waitUntil(lambda: bool(warned), timeout=10000)
    assert "是否已插入U盘" in warned[0]
