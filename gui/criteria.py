"""The 12 criteria of every household, computed village by village on a worker thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from forms.criteria.batch import evaluate_households
from forms.criteria.household import evaluate_household
from forms.criteria.result import STATUSES, UNMET
from storage import browse
from storage.changes import Changes
from storage.db import Store
from storage.snapshots import household_snapshots

from .tasks import Task


class CriteriaCache(QObject):
    """hid → the 12 statuses, for the table's 未达标项数 column, its filter and the village chart.

    Filled in after a file opens, one village at a time, by a Task with its own read-only
    connection; never on the GUI thread. An edit re-evaluates its one household at once."""

    updated = Signal(list)  # household ids whose results arrived or changed
    progress = Signal(int, int)
    finished = Signal()

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.year: int | None = None
        self.statuses: dict[str, tuple[str, ...]] = {}
        self.village_of: dict[str, str] = {}
        self.task: Task | None = None
        self.complete = False
        self._snapshot: dict | None = None  # the household last evaluated here

    # -- reading -----------------------------------------------------------------------------
    def unmet_count(self, hid: str) -> int | None:
        s = self.statuses.get(hid)
        return None if s is None else sum(1 for x in s if x == UNMET)

    def unmet(self, hid: str, no: int) -> bool | None:
        s = self.statuses.get(hid)
        return None if s is None else s[no - 1] == UNMET

    def village_tally(self, village_id: str) -> tuple[list[dict], int]:
        """Per criterion the counts of each status over the village's households, and how many
        households have results yet."""
        tally = [dict.fromkeys(STATUSES, 0) for _ in range(12)]
        n = 0
        for hid, vid in self.village_of.items():
            if vid != village_id:
                continue
            s = self.statuses.get(hid)
            if s is None:
                continue
            n += 1
            for i, st in enumerate(s):
                tally[i][st] = tally[i].get(st, 0) + 1
        return tally, n

    # -- computing ---------------------------------------------------------------------------
    def start(self, path: Path, year: int, village_ids: list[str]) -> None:
        self.stop()
        self.year = year
        self._snapshot = None
        self.statuses = {}
        self.village_of = {}
        self.complete = False

        def work(task: Task):
            reader = browse.open_reader(path)
            try:
                total = len(village_ids)
                for i, vid in enumerate(village_ids):
                    if task.cancelled:
                        return None
                    snaps = household_snapshots(reader, year, village_id=vid, with_measures=False)
                    part = {
                        snap["household"]["id"]: (vid, tuple(c.status for c in r.criteria))
                        for snap, r in zip(snaps, evaluate_households(snaps))
                    }
                    task.chunk(part)
                    task.progress(i + 1, total)
            finally:
                reader.close()
            return True

        task = Task(work)
        task.signals.chunk.connect(self._on_chunk)
        task.signals.progress.connect(lambda d, t, _w: self.progress.emit(d, t))
        task.signals.finished.connect(self._on_finished)
        task.signals.failed.connect(lambda _m: self._on_finished(None))
        self.task = task.start()

    def _on_chunk(self, part: dict) -> None:
        if self.task is None or self.task.cancelled:
            return
        for hid, (vid, statuses) in part.items():
            self.village_of[hid] = vid
            self.statuses[hid] = statuses
        self.updated.emit(list(part))

    def _on_finished(self, result) -> None:
        if result:
            self.complete = True
            self.finished.emit()

    def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.task.done.wait(10)
            self.task = None

    def refresh(self, store: Store, hid: str, changes: Changes | None = None):
        """Re-evaluate one household now (after an edit); returns its evaluation.

        The last household's snapshot is kept: after an edit of its own fields only (the
        Changes carry the record as stored), it is evaluated again without reading the file."""
        snap = self._snapshot
        if (
            snap is not None
            and snap.get("closed")
            and snap["household"]["id"] == hid
            and snap["year"] == self.year
            and changes is not None
            and changes.entity != "year_closure"
        ):
            pass  # a closed year: the frozen snapshot stands whatever is edited now
        elif (
            snap is not None
            and changes is not None
            and snap["household"]["id"] == hid
            and snap["year"] == self.year
            and changes.entity == "household"
            and changes.record is not None
            and not (changes.members or changes.finances or changes.policy)
        ):
            snap = {**snap, "household": changes.record}
        elif self.year:
            found = household_snapshots(store, self.year, household_ids=[hid], with_measures=False)
            snap = found[0] if found else None
        else:
            snap = None
        self._snapshot = snap
        if snap is None:
            self.statuses.pop(hid, None)
            self.updated.emit([hid])
            return None
        result = evaluate_household(snap)
        self.statuses[hid] = tuple(c.status for c in result.criteria)
        self.village_of[hid] = snap["household"]["village_id"]
        self.updated.emit([hid])
        return result
