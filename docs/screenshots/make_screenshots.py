"""Regenerate the screenshots in this folder from a demo county (offscreen, 1366×768).

QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402

from gui.app import create_app  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from storage import browse  # noqa: E402
from storage.db import open_store  # noqa: E402
from storage.demo import generate  # noqa: E402

OUT = Path(__file__).resolve().parent


def wait(condition, seconds=60.0) -> None:
    end = time.monotonic() + seconds
    while not condition() and time.monotonic() < end:
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def settle(ms=300) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def save(window, name: str) -> None:
    settle()
    path = OUT / name
    window.grab().save(str(path), "PNG")
    print(f"{path.name}: {path.stat().st_size // 1024} KB")


def main() -> None:
    app = create_app([])  # noqa: F841 - the QApplication must stay alive
    tmp = Path(tempfile.mkdtemp())
    db = tmp / "demo.db"
    store = open_store(db, create=True, role="county", operator="演示")
    generate(store, villages=6, households=80, seed=3)
    store.close()

    settings = QSettings(str(tmp / "s.ini"), QSettings.IniFormat)
    window = MainWindow(settings, "张晓东")
    window.resize(1366, 768)
    window.show()
    window.open_file(db)
    wait(lambda: window.store is not None and window.criteria.complete)
    villages = browse.scope_tree(window.store)
    window.tree.select_village(villages[0]["id"])
    model = window.work.model
    # A household with a few unmet criteria shows the panel at work.
    row = next(r for r, h in enumerate(model.ids) if window.criteria.unmet_count(h) == 3)
    window.work.table.selectRow(row)
    window.work.table.setCurrentIndex(model.index(row, 0))
    save(window, "main-window.png")

    editor = window.work.editor
    editor.tabs.setCurrentWidget(editor.members)
    save(window, "household-editor-members.png")
    editor.tabs.setCurrentWidget(editor.finance)
    save(window, "household-editor-finance.png")

    panel = window.work.check_panel
    unmet = next(i for i, c in enumerate(panel.list.model.results) if c.status == "unmet")
    index = panel.list.model.index(unmet)
    panel.list.view.setCurrentIndex(index)
    panel.list.view.clicked.emit(index)
    save(window, "check-panel-click-through.png")

    window.on_view_village()
    wait(
        lambda: (
            window.work.village_page.task is not None
            and window.work.village_page.task.done.is_set()
        )
    )
    save(window, "village-view.png")
    window.on_view_reminders()
    save(window, "visit-reminders.png")

    empty = tmp / "empty.db"
    window.open_file(empty, create=True)
    wait(lambda: window.store is not None and window.store.path == empty)
    save(window, "start-page.png")
    window.close()


if __name__ == "__main__":
    main()
