"""The 家庭成员 tab with former members (members-former.png) and the 成员离开 dialog
(members-leave-dialog.png), offscreen, in a 1366×768 window on the tests' demo county.

QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_members_screenshot.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QSettings, QThreadPool  # noqa: E402

from gui.app import create_app  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from storage.db import open_store  # noqa: E402
from storage.demo import generate  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_screenshots import settle, wait  # noqa: E402

OUT = Path(__file__).resolve().parent


def main() -> None:
    app = create_app([])  # noqa: F841 - the QApplication must stay alive
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "demo.db"
    store = open_store(db, create=True, role="county", operator="演示")
    generate(store, villages=3, households=50, seed=7)
    store.close()
    window = MainWindow(QSettings(str(tmp / "s.ini"), QSettings.IniFormat), "张晓东")
    window.resize(1366, 768)
    window.show()
    window.open_file(db)
    wait(lambda: window.work is not None and window.criteria.complete)
    # a household with a member who left in 2016 (the demo's 嫁出 or 死亡)
    hid = next(m["household_id"] for m in window.store.find("members") if m.get("left_date"))
    window.work.go_to_household(hid)
    wait(lambda: window.household_id == hid)
    editor = window.work.editor
    editor.tabs.setCurrentWidget(editor.members)
    members = editor.members
    # one more leaves, through the dialog
    other = next(m for m in members.model.members if m["relation"] != "户主")
    members.select(other["id"])
    dialog = members.leave_dialog()
    dialog.section.rows["left_date"].input.line.setText(f"{window.year}-10-15")
    combo = dialog.section.rows["left_reason"].input.combo
    combo.setCurrentIndex(combo.findText("迁出"))
    settle()
    dialog.grab().save(str(OUT / "members-leave-dialog.png"), "PNG")
    dialog.try_accept()
    settle()
    members.select(other["id"])
    settle()
    members.grab().save(str(OUT / "members-former.png"), "PNG")
    for name in ("members-former.png", "members-leave-dialog.png"):
        print(f"{name}: {(OUT / name).stat().st_size // 1024} KB")
    window.close_store()
    QThreadPool.globalInstance().waitForDone(10000)


if __name__ == "__main__":
    main()
