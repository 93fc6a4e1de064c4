"""Work off the GUI thread: a QRunnable with signals, and a progress dialog around it."""

from __future__ import annotations

import threading
import traceback
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget


class TaskSignals(QObject):
    progress = Signal(int, int, str)  # done, total, what
    chunk = Signal(object)  # a partial result (e.g. one village's criteria)
    finished = Signal(object)  # the result
    failed = Signal(str)  # a message for the user


class Task(QRunnable):
    """Runs fn(task) on the pool; fn reports with task.progress(...) / task.chunk(...) and checks
    task.cancelled. Signals arrive on the GUI thread (queued connections)."""

    _alive: set["Task"] = set()  # keep Python wrappers alive until the pool is done with them

    def __init__(self, fn: Callable[["Task"], Any]):
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.signals = TaskSignals()
        self._cancel = threading.Event()
        self.done = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def progress(self, done: int, total: int, what: str = "") -> None:
        self.signals.progress.emit(done, total, what)

    def chunk(self, value) -> None:
        self.signals.chunk.emit(value)

    def run(self) -> None:
        try:
            result = self.fn(self)
        except Exception as e:  # the user sees the message; the trace goes to stderr
            traceback.print_exc()
            self.signals.failed.emit(str(e) or e.__class__.__name__)
        else:
            self.signals.finished.emit(result)
        finally:
            self.done.set()
            Task._alive.discard(self)

    def start(self, pool: QThreadPool | None = None) -> "Task":
        Task._alive.add(self)
        (pool or QThreadPool.globalInstance()).start(self)
        return self


def run_with_progress(
    parent: QWidget | None,
    title: str,
    label: str,
    fn: Callable[[Task], Any],
    on_done: Callable[[Any], None],
    on_failed: Callable[[str], None],
    cancellable: bool = False,
) -> Task:
    """Start fn off the GUI thread behind a modal progress dialog (shown after 300 ms)."""
    dialog = QProgressDialog(
        label, QCoreApplication.translate("tasks", "取消") if cancellable else "", 0, 0, parent
    )
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    task = Task(fn)

    def progress(done: int, total: int, what: str) -> None:
        dialog.setMaximum(max(total, 1))
        dialog.setValue(done)
        if what:
            dialog.setLabelText(what)

    def finish(callback, value) -> None:
        dialog.close()
        dialog.deleteLater()
        callback(value)

    task.signals.progress.connect(progress)
    task.signals.finished.connect(lambda value: finish(on_done, value))
    task.signals.failed.connect(lambda message: finish(on_failed, message))
    dialog.canceled.connect(task.cancel)
    task.dialog = dialog
    return task.start()
