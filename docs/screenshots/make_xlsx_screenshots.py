"""The Excel import wizard's screenshots (offscreen): the 列对应 page of the tests' messy ledger
(a title, two header rows under merged titles, merged household cells), and the 检查 page of a
ledger with a household whose rows hold bad values.

QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_xlsx_screenshots.py
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
from gui.xlsx_mappings import MappingMemory  # noqa: E402
from gui.xlsx_wizard import XlsxImportWizard  # noqa: E402
from storage import register as R  # noqa: E402
from storage.db import open_store  # noqa: E402
from tests.storage.ledgers import member_per_row, person  # noqa: E402

VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
BAD = [("0003", "赵六", [("赵六", "户主", "62110219800101001", "博士", "非在校生"),
                         ("赵七", "户主", person(51, 1982), "小学", "非在校生")], 40, "因懒", "也许")]  # fmt: skip


def wizard_on(window: MainWindow, path: Path, memory: Path) -> XlsxImportWizard:
    wizard = XlsxImportWizard(window.editing, memory=MappingMemory(memory), parent=window)
    wizard.resize(1000, 660)
    wizard.show()
    wizard.set_path(path)
    wait(lambda: not wizard.file_page.busy)
    return wizard


def main() -> None:
    app = create_app([])  # noqa: F841
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "register.db"
    store = open_store(db, create=True, operator="张晓东")
    R.add_village(store, VILLAGE)
    store.close()
    settings = QSettings(str(tmp / "settings.ini"), QSettings.IniFormat)
    window = MainWindow(settings, "张晓东")
    window.resize(1366, 768)
    window.show()
    window.open_file(db)
    wait(lambda: window.store is not None)
    wizard = wizard_on(window, member_per_row(tmp / "花名册.xlsx", merged_household_cells=True),
                       tmp / "memory.json")  # fmt: skip
    wizard.next()
    settle()
    wizard.grab().save(str(OUT / "xlsx-wizard.png"), "PNG")
    wizard.close()
    wizard = wizard_on(window, member_per_row(tmp / "有问题.xlsx", extra=BAD), tmp / "memory.json")
    wizard.next()
    wizard.next()
    wait(lambda: not wizard.check_page.busy)
    settle()
    wizard.grab().save(str(OUT / "xlsx-wizard-check.png"), "PNG")
    wizard.close()
    window.close_store()
    print("xlsx-wizard.png, xlsx-wizard-check.png")


if __name__ == "__main__":
    main()
