"""The household's 修改记录 dialog (offscreen): a demo household edited during a visit and
outside one, by two operators.

QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_history_screenshot.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("FUPIN_BACKUP_DIR", tempfile.mkdtemp())  # not the user's backups folder
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_screenshots import OUT, settle, wait  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402

from gui.app import create_app  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from storage import operations as O  # noqa: E402
from storage.db import open_store  # noqa: E402


def main() -> None:
    app = create_app([])  # noqa: F841
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "register.db"
    O.write_demo(db, villages=1, households=5, seed=7, operator="张晓东")
    store = open_store(db, operator="张晓东")
    hid = store.find("households", order_by="household_no")[0]["id"]
    O.edit_record(store, "household", hid, {"housing_area_m2": 72, "phone": "13519320011"})
    visit = O.start_visit(store, hid, {"date": "2026-11-30", "purpose": "核实收入和住房"}).created
    O.edit_finance(store, hid, 2026, {"wage_income": 16800}, visit_id=visit)
    O.edit_record(store, "household", hid, {"housing_area_m2": 80}, visit_id=visit)
    O.end_visit(store, visit, {"findings": "新盖厢房两间，务工收入增加"})
    store.operator = "李明"
    tap = store.get("households", hid)["tap_water"]
    O.edit_record(store, "household", hid, {"tap_water": not tap})
    store.close()
    settings = QSettings(str(tmp / "settings.ini"), QSettings.IniFormat)
    window = MainWindow(settings, "张晓东")
    window.resize(1366, 768)
    window.show()
    window.open_file(db)
    wait(lambda: window.store is not None)
    window.work.select_household(hid)
    wait(lambda: window.work.editor.household is not None)
    dialog = window.work.editor.show_history()
    settle()
    dialog.grab().save(str(OUT / "household-history.png"), "PNG")
    dialog.close()
    window.close_store()
    print("household-history.png")


if __name__ == "__main__":
    main()
