"""The 同步 menu's screenshots, from a county register and a team's laptop made here
(offscreen, 1366×768): the open menu, the summary of a batch import at the county with one
refused package, the receipt on the laptop, the conflicts dialog.

QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_sync_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_screenshots import OUT, settle, wait  # noqa: E402
from PySide6.QtCore import QPoint, QSettings  # noqa: E402

from gui.app import create_app  # noqa: E402
from gui.main_window import MainWindow  # noqa: E402
from storage import register as R  # noqa: E402
from storage import sync as S  # noqa: E402
from storage.db import open_store  # noqa: E402
from storage.enrolment import register_team  # noqa: E402
from storage.operations import enroll  # noqa: E402

PASS = "青岭村-2016-开门"
VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
OTHER = {"code": "621102100202", "name": "石岔村", "township": "凤翔镇", "county": "安定区"}


def shot(widget, name: str) -> None:
    settle()
    widget.grab().save(str(OUT / name), "PNG")
    print(f"{name}: {(OUT / name).stat().st_size // 1024} KB")


def window_on(path: Path, settings: QSettings, operator: str) -> MainWindow:
    w = MainWindow(settings, operator)
    w.resize(1366, 768)
    w.show()
    w.open_file(path)
    wait(lambda: w.store is not None and w.criteria.complete)
    return w


def imported(w: MainWindow, sources) -> object:
    w.sync_summary = None
    w.sync_import([Path(s) for s in sources])
    wait(lambda: w.sync_summary is not None)
    return w.sync_summary


def main() -> None:
    app = create_app([])  # noqa: F841
    tmp = Path(tempfile.mkdtemp())
    stick = tmp / "U盘"
    stick.mkdir()
    county = open_store(tmp / "county.db", create=True, role="county", operator="县扶贫办")
    R.add_village(county, VILLAGE)
    R.add_village(county, OTHER)
    laptops = []
    for i, (code, names) in enumerate(((VILLAGE["code"], ("王建国", "李秀英", "张志强")),
                                       (OTHER["code"], ("马德福", "赵桂兰")))):  # fmt: skip
        _, enrolment = register_team(county, f"第{i + 1}工作队", [code], PASS, tmp)
        laptop = open_store(tmp / f"laptop{i}.db", create=True, operator=f"队员{i + 1}")
        enroll(laptop, enrolment, PASS)
        [first] = S.export(county, stick, teams=[f"第{i + 1}工作队"])
        S.import_package(laptop, first.path)
        first.path.unlink()
        vid = R.find_village(laptop, code)["id"]
        for n, name in enumerate(names):
            R.add_household(laptop, {"village_id": vid, "household_no": f"000{n + 1}",
                                     "status": "新识别"}, [{"name": name, "relation": "户主"}])  # fmt: skip
        laptops.append(laptop)
    # the two have met once: both hold team 1's households; then both edit one field
    [sent] = S.export(laptops[0], stick)
    S.import_package(county, sent.path)
    [back] = S.export(county, stick, teams=["第1工作队"])
    S.import_package(laptops[0], back.path)
    for f in stick.iterdir():
        f.unlink()
    hid = next(h["id"] for h in laptops[0].find("households") if h["household_no"] == "0001")
    R.update_record(laptops[0], "household", hid, {"housing_area_m2": 60})
    later = county.clock._now_ms
    county.clock._now_ms = lambda: later() + 5000
    R.update_record(county, "household", hid, {"housing_area_m2": 90})
    S.export(laptops[0], stick)
    S.export(laptops[1], stick)
    data = next(stick.iterdir()).read_bytes()
    (stick / "安定区-拷贝中断.fpk").write_bytes(data[: len(data) // 2])
    for s in (county, *laptops):
        s.close()

    settings = QSettings(str(tmp / "s.ini"), QSettings.IniFormat)
    cw = window_on(tmp / "county.db", settings, "县扶贫办 刘芳")
    # the open 同步 menu
    menu = cw.menuBar().findChild(type(cw.menuBar().actions()[0].menu()), "sync_menu")
    action = next(a for a in cw.menuBar().actions() if a.menu() is menu)
    menu.popup(cw.mapToGlobal(cw.menuBar().actionGeometry(action).bottomLeft()))
    settle(400)
    pixmap = cw.grab()
    from PySide6.QtGui import QPainter

    painter = QPainter(pixmap)
    painter.drawPixmap(cw.mapFromGlobal(menu.mapToGlobal(QPoint(0, 0))), menu.grab())
    painter.end()
    pixmap.save(str(OUT / "sync-menu.png"), "PNG")
    print("sync-menu.png")
    menu.hide()

    summary = imported(cw, [stick])
    summary.resize(1100, 420)
    shot(summary, "sync-summary.png")
    summary.close()
    conflicts = cw.on_sync_conflicts()
    conflicts.resize(1100, 360)
    shot(conflicts, "sync-conflicts.png")
    conflicts.close()

    receipt = next(p for p in stick.iterdir() if "县发-第1工作队" in p.name)
    lw = window_on(tmp / "laptop0.db", settings, "队员 王海军")
    lw.sync_receipt = None
    imported(lw, [receipt]).reject()
    wait(lambda: lw.sync_receipt is not None)
    lw.sync_receipt.resize(1100, 520)
    shot(lw.sync_receipt, "sync-receipt.png")


if __name__ == "__main__":
    main()
