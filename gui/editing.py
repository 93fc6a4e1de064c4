"""The GUI's one door to storage writes: each intent calls storage.operations, pushes the
undo step, and tells the views what changed (Changes); a refused write returns its problems."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from forms.entities import FORMS
from storage import operations as ops
from storage.changes import Changes
from storage.db import StorageError, Store
from storage.encryption import set_passphrase  # noqa: F401 - whole-file, on a worker
from storage.operations import (  # noqa: F401 - worker threads' whole-file writes (gui/files.py)
    SyncBatch,
    ValidationError,
    import_json_file,
    open_register,
    sync_import_file,
    write_demo,
)


@dataclass
class Outcome:
    """What an intent did: the Changes it made, or the problems that refused it (a list of
    forms.validation.Problem, or one message)."""

    changes: Changes | None = None
    problems: list | str | None = None

    @property
    def created(self) -> str | None:
        return self.changes.created if self.changes else None

    def message(self, key: str | None = None) -> str | None:
        """The refusal as one line (the message of field `key` first), None when it was saved."""
        if not self.problems:
            return None
        if isinstance(self.problems, str):
            return self.problems
        if key is None:
            return "；".join(str(p) for p in self.problems)
        mine = [p.message for p in self.problems if p.field == key]
        return mine[0] if mine else "；".join(p.message for p in self.problems)


class RecordEdit(QUndoCommand):
    """One saved edit of a record's fields. Undo is another edit back to the old values, logged
    with the operator like any edit ("保留每一次修改的痕迹"). An undo or redo the register refuses
    is shown, and the step leaves the stack, so that the stack never disagrees with the file."""

    def __init__(self, editing: "Editing", changes: Changes, text: str):
        super().__init__(text)
        self.editing = editing
        self.entity, self.record_id = changes.entity, changes.record_id
        self.diff = dict(changes.diff)
        self.household_id = next(iter(changes.households), None)
        self.applied = True  # pushed after the first save succeeded

    def _apply(self, values: dict, what: str) -> None:
        outcome = self.editing._write(
            lambda visit: ops.edit_record(
                self.editing.store, self.entity, self.record_id, values, visit_id=visit
            ),
            self.household_id,
        )
        if outcome.problems:
            self.setObsolete(True)
            self.editing.failed.emit(
                self.editing.tr("{0}失败，该步已从撤销列表中移除：{1}").format(
                    what, outcome.message()
                )
            )

    def redo(self) -> None:
        if self.applied:
            self.applied = False
            return
        self._apply({k: new for k, (_, new) in self.diff.items()}, self.editing.tr("重做"))

    def undo(self) -> None:
        self._apply({k: old for k, (old, _) in self.diff.items()}, self.editing.tr("撤销"))


class Editing(QObject):
    """Every write the GUI makes. `changed` carries the Changes of each write, undo and redo."""

    changed = Signal(object)  # storage.operations.Changes
    failed = Signal(str)  # an undo or redo the register refused

    def __init__(self, store: Store, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self.undo_stack = QUndoStack(self)
        self.visit: dict | None = None  # {"id", "household_id", "date"} while a visit is open

    # -- the one way a write happens -----------------------------------------------------------
    def _write(
        self,
        write: Callable[[str | None], Changes],
        household_id: str | None = None,
        emit: bool = True,
    ) -> Outcome:
        """Run one operation (given the open visit's id when it is of `household_id`)."""
        visit = (
            self.visit["id"]
            if self.visit and household_id and (self.visit["household_id"] == household_id)
            else None
        )
        try:
            changes = write(visit)
        except ValidationError as e:
            return Outcome(problems=e.problems or str(e))
        except StorageError as e:
            return Outcome(problems=str(e))
        except sqlite3.Error as e:  # a full disk, a locked or vanished file: nothing was saved
            return Outcome(problems=self.tr("无法写入数据库，本次修改未保存：{0}").format(e))
        if changes and emit:
            self.changed.emit(changes)
        return Outcome(changes=changes)

    def _push(self, outcome: Outcome, text: str | None = None) -> Outcome:
        changes = outcome.changes
        if changes is not None and changes.diff:
            label = FORMS[changes.entity][next(iter(changes.diff))].label
            text = text or self.tr("修改 {0}").format(label)
            self.undo_stack.push(RecordEdit(self, changes, text))
        return outcome

    # -- fields of a record (the editor, the 修改… dialogs) -----------------------------------
    def save(self, entity: str, record_id: str, household_id: str, key: str, raw) -> str | None:
        """Save one field; None on success, else the message to show next to the field."""
        return self.save_record(entity, record_id, household_id, {key: raw}).message(key)

    def save_record(
        self, entity: str, record_id: str, household_id: str | None, changes: dict
    ) -> Outcome:
        """Several fields of one record at once (a measure marked done with its date, an ID
        number with the birth date it sets): one transaction, one undo step."""
        return self._push(
            self._write(
                lambda visit: ops.edit_record(
                    self.store, entity, record_id, changes, visit_id=visit
                ),
                household_id,
            )
        )

    def save_finance(self, household_id: str, year: int, key: str, raw) -> str | None:
        """A field of the household's income and expenditure for a year."""
        return self._push(
            self._write(
                lambda visit: ops.edit_finance(
                    self.store, household_id, year, {key: raw}, visit_id=visit
                ),
                household_id,
            )
        ).message(key)

    # -- members -------------------------------------------------------------------------------
    def add_member(self, household_id: str, values: dict) -> Outcome:
        return self._write(
            lambda visit: ops.add_member(self.store, household_id, values, visit_id=visit),
            household_id,
        )

    def member_leaves(
        self, household_id: str, member_id: str, left_date, left_reason, name: str = ""
    ) -> Outcome:
        """成员离开: the member's 离开日期 and 离开原因 (the member stays in the register, among
        the former members); one undo step, a finding of the household's open visit."""
        return self._push(
            self._write(
                lambda visit: ops.member_leaves(
                    self.store, member_id, left_date, left_reason, visit_id=visit
                ),
                household_id,
            ),
            self.tr("成员离开 {0}").format(name),
        )

    def member_returns(self, household_id: str, member_id: str, name: str = "") -> Outcome:
        """恢复为在册成员: a leave recorded by mistake is cleared (date and reason)."""
        return self._push(
            self._write(
                lambda visit: ops.edit_record(
                    self.store,
                    "member",
                    member_id,
                    {"left_date": None, "left_reason": None},
                    visit_id=visit,
                ),
                household_id,
            ),
            self.tr("恢复为在册成员 {0}").format(name),
        )

    def remove_member(self, household_id: str, member_id: str) -> Outcome:
        return self._write(
            lambda visit: ops.remove_member(self.store, member_id, visit_id=visit), household_id
        )

    # -- visits, status, measures --------------------------------------------------------------
    def start_visit(self, household_id: str, values: dict) -> Outcome:
        outcome = self._write(
            lambda _v: ops.start_visit(self.store, household_id, values), emit=False
        )
        if outcome.changes:
            self.visit = {
                "id": outcome.created,
                "household_id": household_id,
                "date": str(values.get("date")),
            }
            self.changed.emit(outcome.changes)
        return outcome

    def end_visit(self, values: dict) -> Outcome:
        visit = self.visit
        if visit is None:
            return Outcome(problems=self.tr("没有进行中的走访"))
        outcome = self._write(lambda _v: ops.end_visit(self.store, visit["id"], values), emit=False)
        if not outcome.problems:
            self.visit = None
            self.changed.emit(
                Changes(households={visit["household_id"]}, visits=True) | outcome.changes
            )
        return outcome

    def change_status(
        self,
        household_id: str,
        status: str,
        when,
        reason: str,
        *,
        year: int | None = None,
        confirmed_unmet: bool = False,
    ) -> Outcome:
        return self._write(
            lambda _v: ops.change_status(
                self.store,
                household_id,
                status,
                when,
                reason,
                year=year,
                confirmed_unmet=confirmed_unmet,
            )
        )

    # -- procedures (有进有出、动态管理, forms.procedures) ----------------------------------------
    def record_procedure_step(self, household_ids: list[str], step: str, when, **options):
        """One step for the households (a notice lists many): all or nothing."""
        return self._write(
            lambda _v: ops.record_procedure_step(self.store, household_ids, step, when, **options)[
                1
            ]
        )

    def apply_household(self, values: dict, members: list[dict], when, **options) -> Outcome:
        """A household applies (农户申请): entered as 待识别, its identification begun."""
        return self._write(
            lambda _v: ops.apply_household(self.store, values, members, when, **options)
        )

    def set_exit_plan(self, village_id: str, year: int, households, people, *, propose: bool):
        """The county's task of a village's year, or the team's proposal."""
        write = ops.propose_exit_plan if propose else ops.set_exit_plan
        return self._write(lambda _v: write(self.store, village_id, year, households, people))

    def plan_measure(self, values: dict) -> Outcome:
        return self._write(lambda _v: ops.plan_measure(self.store, values))

    def finish_measure(self, household_id: str | None, measure_id: str) -> Outcome:
        return self._push(
            self._write(
                lambda visit: ops.finish_measure(self.store, measure_id, visit_id=visit),
                household_id,
            )
        )

    # -- the register's places and people, yearly values ---------------------------------------
    def add_village(self, values: dict) -> Outcome:
        return self._write(lambda _v: ops.add_village(self.store, values))

    def add_group(self, village_id: str, name: str) -> Outcome:
        return self._write(lambda _v: ops.add_group(self.store, village_id, name))

    def add_cadre(self, values: dict) -> Outcome:
        return self._write(lambda _v: ops.add_cadre(self.store, values))

    def register_household(self, values: dict, members: list[dict], reason: str) -> Outcome:
        return self._write(lambda _v: ops.register_household(self.store, values, members, reason))

    def set_village_facts(self, village_id: str, year: int, data: dict) -> Outcome:
        return self._write(lambda _v: ops.set_village_facts(self.store, village_id, year, data))

    # -- closed years (年度数据封存) --------------------------------------------------------------
    def close_year(
        self, year: int, village_code: str | None = None, progress=None
    ) -> tuple[Outcome, dict]:
        """Freeze a year for one village or every village of the file; (outcome, counts).
        `progress(done, total)` is called village by village."""
        counts: dict = {}

        def write(_v):
            done, changes = ops.close_year(self.store, year, village_code, progress)
            counts.update(done)
            return changes

        return self._write(write), counts

    def reopen_year(
        self, year: int, reason: str, village_code: str | None = None
    ) -> tuple[Outcome, int]:
        """Reopen a closed year, with its reason; (outcome, villages reopened)."""
        n = [0]

        def write(_v):
            n[0], changes = ops.reopen_year(self.store, year, reason, village_code)
            return changes

        return self._write(write), n[0]

    def set_policy(self, year: int, values: dict) -> Outcome:
        return self._write(lambda _v: ops.set_policy(self.store, year, values))

    # -- an Excel ledger (gui/xlsx_wizard.py) --------------------------------------------------
    def import_xlsx(self, plan) -> tuple[Outcome, dict]:
        """The valid households of a checked ledger (storage.xlsx_import.plan_import) in one
        transaction; (outcome, counts). Every view reloads when anything was written."""
        counts: dict = {}

        def write(_v):
            done, changes = ops.import_xlsx(self.store, plan)
            counts.update(done)
            if changes:
                self.undo_stack.clear()  # an undo step may stand on values the ledger replaced
            return changes

        return self._write(write), counts

    # -- the same person in two places (疑点, storage.duplicates) ------------------------------
    def decide_same_person(self, id_number: str, keep_member_id: str, note: str = "") -> Outcome:
        """The holders of `id_number` are one person, kept in `keep_member_id`'s household."""
        return self._write(
            lambda _v: ops.decide_same_person(self.store, id_number, keep_member_id, note)
        )

    def decide_different_people(
        self, id_number: str, member_id: str, new_id_number: str, note: str = ""
    ) -> Outcome:
        """Different people: `member_id`'s number is corrected to `new_id_number`."""
        return self._write(
            lambda _v: ops.decide_different_people(
                self.store, id_number, member_id, new_id_number, note
            )
        )

    # -- the USB sync (storage.sync; the 同步 menu, gui/sync_actions.py) -----------------------
    def sync_export(self, folder, teams=None) -> tuple[list, str | None]:
        """Write the packages for the other side into `folder`: (what was written, refusal)."""
        written: list = []

        def write(_v):
            written.extend(ops.sync_export(self.store, folder, teams=teams))
            return Changes()

        outcome = self._write(write)
        return written, outcome.message()

    def sync_imported(self, batch: SyncBatch) -> Changes:
        """A batch import ran on a worker's connection (sync_import_file): this connection's
        clock takes in what arrived, and every view reloads when anything was applied."""
        ops.observe_file(self.store)
        changes = Changes(everything=True) if batch.changes else Changes()
        if changes:
            self.undo_stack.clear()  # an undo step may now stand on values a package replaced
            self.changed.emit(changes)
        return changes

    def sync_resolve(self, conflict_id: str, keep: str) -> Outcome:
        """Decide a conflict: keep "mine" or "theirs"."""
        return self._write(lambda _v: ops.sync_resolve(self.store, conflict_id, keep))

    def register_team(self, name: str, village_codes: list[str], passphrase: str, folder):
        """At the county: (team, enrolment file) or the refusal as an Outcome's message."""
        made: list = []

        def write(_v):
            made.append(ops.register_team(self.store, name, village_codes, passphrase, folder))
            return Changes()

        outcome = self._write(write)
        return (made[0] if made else None), outcome.message()

    def enroll(self, path, passphrase: str):
        """On a laptop: (team, None) once enrolled, or (None, the refusal)."""
        made: list = []

        def write(_v):
            made.append(ops.enroll(self.store, path, passphrase))
            return Changes(everything=True)  # a village may take the county's id

        outcome = self._write(write)
        return (made[0] if made else None), outcome.message()
