"""Fixtures for GUI tests: offscreen Qt, the bundled font, isolated settings, demo files."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QSettings, QThreadPool  # noqa: E402


@pytest.fixture(scope="session")
def qapp_args():
    return ["fupin-tests"]


@pytest.fixture(autouse=True)
def _font(qapp):
    from gui.app import install_font

    install_font(qapp)
    yield
    QThreadPool.globalInstance().waitForDone(10000)


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)


@pytest.fixture
def demo_db(tmp_path) -> Path:
    """A small demo county (3 villages × 50 households) of its own for each test."""
    from storage.db import open_store
    from storage.demo import generate

    path = tmp_path / "demo.db"
    store = open_store(path, create=True, role="county", operator="测试")
    generate(store, villages=3, households=50, seed=7)
    store.close()
    return path


@pytest.fixture
def make_window(qtbot, settings):
    """make_window(path, create=False) → a shown MainWindow with the file open."""
    from gui.main_window import MainWindow

    windows = []

    def make(path: Path, create: bool = False, wait_criteria: bool = True):
        window = MainWindow(settings, "测试员")
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        window.open_file(path, create=create)
        qtbot.waitUntil(lambda: window.store is not None, timeout=15000)
        if wait_criteria and window.work is not None and window.tree.model_.rowCount():
            qtbot.waitUntil(lambda: window.criteria.complete, timeout=20000)
        windows.append(window)
        return window

    yield make
    for w in windows:
        if w.store is not None:
            w.close_store()
