"""Starting the desktop app: Qt set-up, the bundled CJK font, the operator, the last file."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from .dialogs import OperatorDialog, remember_operator
from .main_window import MainWindow

FONT_FILE = Path(__file__).resolve().parent.parent / "resources" / "fonts" / "wqy-microhei.ttc"
ORGANIZATION = "fupin"
APPLICATION = "fupin"


def install_font(app: QApplication, point_size: float = 10) -> str | None:
    """Register the bundled WenQuanYi Micro Hei and make it the app font (offscreen Qt and bare
    Windows installs may have no CJK font at all). Returns the family, or None."""
    font_id = QFontDatabase.addApplicationFont(str(FONT_FILE))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        return None
    font = QFont(families[0])
    font.setPointSizeF(point_size)
    app.setFont(font)
    return families[0]


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(QCoreApplication.translate("app", "精准扶贫驻村帮扶台账"))
    app.setStyle("Fusion")
    install_font(app)
    return app


def make_settings() -> QSettings:
    return QSettings(QSettings.IniFormat, QSettings.UserScope, ORGANIZATION, APPLICATION)


def choose_operator(settings: QSettings, operator: str | None) -> str | None:
    """The operator given on the command line, or asked for (remembered in the settings)."""
    if operator:
        remember_operator(settings, operator)
        return operator
    dialog = OperatorDialog(settings)
    if not dialog.exec():
        return None
    return dialog.operator()


def start_file(settings: QSettings, db_path: Path | None, default_path: Path | None) -> Path:
    """The file to open: the one asked for, else the last one opened, else the default."""
    last = settings.value("last_file")
    asked_default = db_path is None or (default_path is not None and db_path == default_path)
    if asked_default and last and Path(str(last)).exists():
        return Path(str(last))
    return db_path or default_path


def _default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("fupin", appauthor=False)) / "register.db"


def run(db_path: Path, operator: str | None = None) -> int:
    """The desktop app's main loop; returns the exit code."""
    app = create_app()
    settings = make_settings()
    name = choose_operator(settings, operator)
    if not name:
        return 0
    window = MainWindow(settings, name)
    window.show()
    path = start_file(settings, Path(db_path) if db_path else None, _default_db_path())
    window.open_file(path, create=not path.exists() or path.stat().st_size == 0)
    return app.exec()
