"""GUI benchmark on a county file (150 villages × 500 households): first paint and filtering.

Not part of `make test`; run with `make bench`. The county file comes from the `county_db`
fixture in tests/bench/conftest.py (made once, cached).
"""

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QSettings, Qt  # noqa: E402
from PySide6.QtWidgets import QLabel, QMainWindow  # noqa: E402

from .conftest import HOUSEHOLDS, VILLAGES  # noqa: E402


class PaintWatch(QObject):
    """Records when a widget is first painted."""

    def __init__(self, widget, condition=lambda: True):
        super().__init__(widget)
        self.at = None
        self.condition = condition
        widget.installEventFilter(self)

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Paint and self.at is None and self.condition():
            self.at = time.perf_counter()
        return False


def _ms(t0, t1):
    return (t1 - t0) * 1000


def test_first_paint_and_filter_latency(qtbot, county_db, tmp_path):
    from PySide6.QtWidgets import QApplication

    from gui.app import install_font
    from gui.main_window import MainWindow

    install_font(QApplication.instance())

    # A bare QMainWindow in the same run: the floor for "first paint".
    t0 = time.perf_counter()
    bare = QMainWindow()
    bare.setCentralWidget(QLabel("空"))
    watch = PaintWatch(bare)
    bare.resize(1366, 768)
    bare.show()
    qtbot.addWidget(bare)
    qtbot.waitUntil(lambda: watch.at is not None, timeout=10000)
    bare_ms = _ms(t0, watch.at)
    bare.close()

    settings = QSettings(str(tmp_path / "bench.ini"), QSettings.IniFormat)
    t0 = time.perf_counter()
    window = MainWindow(settings, "bench")
    qtbot.addWidget(window)
    first = PaintWatch(window)
    window.resize(1366, 768)
    window.show()
    window.open_file(county_db)
    qtbot.waitUntil(lambda: first.at is not None, timeout=10000)
    qtbot.waitUntil(lambda: window.work is not None, timeout=60000)
    viewport = window.work.table.viewport()
    rows = PaintWatch(viewport, lambda: window.work.model.rowCount() > 0)
    viewport.update()
    qtbot.waitUntil(lambda: rows.at is not None, timeout=60000)
    window_ms, table_ms = _ms(t0, first.at), _ms(t0, rows.at)
    households = window.work.model.rowCount()
    qtbot.waitUntil(lambda: window.criteria.complete, timeout=300000)
    criteria_s = time.perf_counter() - t0

    def timed_filter(change, repeats=3):
        """Time from a filter change to the table repainted with the new rows."""
        times = []
        for i in range(repeats):
            t = time.perf_counter()
            change(i)
            painted = PaintWatch(viewport)
            viewport.update()
            qtbot.waitUntil(lambda p=painted: p.at is not None, timeout=30000)
            times.append(_ms(t, painted.at))
            painted.deleteLater()
        return min(times), max(times)

    bar = window.work.filter_bar
    names = ["王建", "李小红", "张"]

    def text_filter(i):
        bar.text.setText(names[i % len(names)])
        bar.flush()

    text_ms = timed_filter(text_filter)
    text_rows = window.work.model.rowCount()
    bar.text.setText("")
    bar.flush()

    def status_filter(i):
        bar.status.setCurrentIndex(bar.status.findData(["已脱贫", "__poor__", "返贫"][i % 3]))

    status_ms = timed_filter(status_filter)
    bar.status.setCurrentIndex(0)

    def criterion_filter(i):
        bar.criterion.setCurrentIndex(bar.criterion.findData([2, 9, 10][i % 3]))

    criterion_ms = timed_filter(criterion_filter)
    bar.criterion.setCurrentIndex(0)

    t = time.perf_counter()
    window.work.table.sortByColumn(1, Qt.AscendingOrder)
    sort_ms = _ms(t, time.perf_counter())

    print(f"\n== GUI benchmark: {county_db.name}, {households} households ==")
    print(f"first paint, bare QMainWindow:            {bare_ms:8.1f} ms")
    print(f"first paint, MainWindow (frame):          {window_ms:8.1f} ms")
    print(f"household table painted with rows:        {table_ms:8.1f} ms")
    print(f"12 criteria of every household computed:  {criteria_s:8.1f} s (worker thread)")
    print(
        f"text filter → repaint (min/max of 3):     {text_ms[0]:8.1f} / {text_ms[1]:.1f} ms"
        f"  ({text_rows} rows for the last)"
    )
    print(f"status filter → repaint (min/max of 3):   {status_ms[0]:8.1f} / {status_ms[1]:.1f} ms")
    print(
        f"unmet-criterion filter → repaint:         {criterion_ms[0]:8.1f} / "
        f"{criterion_ms[1]:.1f} ms"
    )
    print(f"sort by 户主 (75,000 ids):                 {sort_ms:8.1f} ms")
    window.close()
    assert households == VILLAGES * HOUSEHOLDS


def test_one_edit_on_the_county_file(qtbot, county_db, tmp_path):
    """One housing-area edit in the app, from Enter to the check panel showing its verdict, on
    the county file; the floor is the same UPDATE and commit in plain SQLite, same file, same
    run. The edit is undone at the end (the cached county file keeps its values)."""
    from PySide6.QtWidgets import QApplication

    from gui.app import install_font
    from gui.main_window import MainWindow
    from tests.gui.helpers import line_of

    install_font(QApplication.instance())
    settings = QSettings(str(tmp_path / "bench.ini"), QSettings.IniFormat)
    window = MainWindow(settings, "bench")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    window.open_file(county_db)
    qtbot.waitUntil(lambda: window.household_id is not None, timeout=120000)
    hid, store = window.household_id, window.store
    editor = window.work.editor
    line = line_of(editor.conditions, "housing_area_m2")
    old = store.get("households", hid)["housing_area_m2"]
    qtbot.waitUntil(lambda: window.criteria.complete, timeout=300000)  # no worker running
    conn = store.db.conn
    times, floor, statements = [], [], []
    for i in range(9):  # the edit and its floor in turns, so that both see the same machine
        value = f"{61 + i}.5"
        line.setText(value)
        counted = []
        conn.set_trace_callback(counted.append)
        t = time.perf_counter()
        qtbot.keyClick(line, Qt.Key_Return)
        evaluation = window.work.check_panel.evaluation
        times.append(_ms(t, time.perf_counter()))
        conn.set_trace_callback(None)
        statements.append(len(counted))
        assert evaluation.criteria[1].figures["housing_area_m2"] == float(value)
        t = time.perf_counter()
        conn.execute("update households set housing_area_m2 = ? where id = ?", [float(value), hid])
        conn.commit()
        floor.append(_ms(t, time.perf_counter()))
    while window.work.editing.undo_stack.canUndo():
        window.work.editing.undo_stack.undo()
    assert store.get("households", hid)["housing_area_m2"] == old
    ratios = sorted(a / b for a, b in zip(times, floor))
    times.sort()
    floor.sort()
    print(f"\n== one edit on {county_db.name} ==")
    print(
        f"housing area: Enter → check panel (median of 9):   {times[4]:8.3f} ms "
        f"({min(statements)}–{max(statements)} SQL statements)"
    )
    print(f"floor, plain UPDATE + commit, same file (median):  {floor[4]:8.3f} ms")
    print(
        f"ratio pair by pair (min / median / max):           "
        f"{ratios[0]:.1f} / {ratios[4]:.1f} / {ratios[-1]:.1f}×"
    )
    window.close()
