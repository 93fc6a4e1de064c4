"""The unlock dialog (offscreen) an encrypted register opens behind, after a wrong passphrase:
the demo county encrypted with storage.encryption, the app started anew (no key in memory).

QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_unlock_screenshot.py
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
from storage import cipher, encryption  # noqa: E402
from storage import operations as O  # noqa: E402


def main() -> None:
    app = create_app([])  # noqa: F841
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "安定区-青岭村.db"
    O.write_demo(db, villages=1, households=5, seed=7, operator="张晓东")
    encryption.encrypt(db, "青岭村的口令2016")
    cipher.forget_all()  # as on the next start of the app
    settings = QSettings(str(tmp / "settings.ini"), QSettings.IniFormat)
    window = MainWindow(settings, "张晓东")
    window.resize(1366, 768)
    window.show()
    window.open_file(db)
    dialog = window.unlock_dialog
    wait(dialog.isVisible)
    dialog.field.setText("青岭村的口令2015")
    dialog.try_accept()  # a wrong one: said, and the dialog stays for another try
    settle()
    dialog.grab().save(str(OUT / "unlock.png"), "PNG")
    dialog.reject()
    print("unlock.png")


if __name__ == "__main__":
    main()
