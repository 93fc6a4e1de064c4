"""The 档案 menu's record dialogs: a new village, group, cadre or household, the policy values."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt

from forms.entities import CADRE, GROUP, POLICY, VILLAGE
from forms.fields import Form
from storage import browse
from storage.register import policy_for

from .dialogs import NewHouseholdDialog, RecordDialog
from .editing import Outcome


def open_record_dialog(
    parent,
    title: str,
    form: Form,
    keys: tuple[str, ...],
    write: Callable[[dict], Outcome],
    done: Callable[[str | None], None] | None = None,
    **options,
) -> RecordDialog:
    """A window-modal dialog whose OK runs `write`: it stays open with the problems beside the
    fields when the register refuses, and calls done(new id) when it saved."""

    def submit(values: dict):
        outcome = write(values)
        dialog.result_value = outcome.created
        return outcome.problems

    dialog = RecordDialog(title, form, keys, submit, parent, **options)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    if done is not None:
        dialog.accepted.connect(lambda: done(dialog.result_value))
    dialog.open()
    return dialog


class RegisterActions:
    """Mixed into MainWindow, which supplies store, editing, work, scope and year."""

    def on_register_new_village(self) -> RecordDialog | None:
        if self.store is None:
            return None
        scope = self.scope or {}
        defaults = {"is_poor_village": True}
        defaults.update({k: scope[k] for k in ("county", "township") if scope.get(k)})
        return open_record_dialog(
            self,
            self.tr("新建村"),
            VILLAGE,
            VILLAGE.keys,
            self.editing.add_village,
            lambda vid: self._reload_tree(select_village=vid),
            values=defaults,
            columns=2,
            intro=self.tr("建好村以后，请添加社、帮扶干部，再录入贫困户。"),
        )

    def on_register_new_group(self) -> RecordDialog | None:
        village_id = (self.scope or {}).get("village_id")
        if not village_id:
            return None
        return open_record_dialog(
            self,
            self.tr("新建社"),
            GROUP,
            ("name",),
            lambda v: self.editing.add_group(village_id, v.get("name")),
            lambda _id: self._reload_tree(select_village=village_id),
        )

    def on_register_new_cadre(self) -> RecordDialog | None:
        village_id = (self.scope or {}).get("village_id")
        if not village_id:
            return None
        return open_record_dialog(
            self,
            self.tr("新建帮扶干部"),
            CADRE,
            ("name", "unit", "role", "phone"),
            lambda v: self.editing.add_cadre({**v, "village_id": village_id}),
            values={"role": "帮扶责任人"},
        )

    def on_register_policy(self) -> RecordDialog | None:
        """年度政策参数: the year's poverty line and provincial figures, which the criteria use."""
        if self.store is None:
            return None
        current = policy_for(self.store, self.year) or {"year": self.year}
        return open_record_dialog(
            self,
            self.tr("年度政策参数"),
            POLICY,
            POLICY.keys,
            lambda v: self.editing.set_policy(v["year"], v),
            values={k: current.get(k) for k in POLICY.keys},
            intro=self.tr(
                "县扶贫办确认后填写；改一个年度的贫困线，该年度所有户"
                "的脱贫指标会重新核查。填写新的年度即新增该年度。"
            ),
        )

    def on_register_new_household(self) -> NewHouseholdDialog | None:
        village_id = (self.scope or {}).get("village_id")
        if not village_id:
            return None
        store, created = self.store, []

        def save(values: dict, members: list[dict]) -> str | None:
            values = {**values, "village_id": village_id}
            if dialog.applying():  # 农户申请: 待识别, its identification procedure begun
                outcome = self.editing.apply_household(
                    values, members, dialog.applied_on(), document=self.tr("农户申请书")
                )
            else:  # a household already identified, entered into the register
                outcome = self.editing.register_household(
                    values, members, self.tr("精准识别纳入建档立卡")
                )
            if outcome.problems:
                return outcome.message()
            created.append(outcome.created)
            return None

        choices = {
            "group_id": browse.group_choices(store, village_id),
            "cadre_id": browse.cadre_choices(store, village_id),
        }
        dialog = NewHouseholdDialog(
            choices, save, self, browse.next_household_no(store, village_id)
        )
        group_id = (self.scope or {}).get("group_id")
        if group_id and group_id != browse.NO_GROUP:
            dialog.household.set_value("group_id", group_id)
        dialog.setAttribute(Qt.WA_DeleteOnClose)

        def added() -> None:
            self.work.reload_table()
            if created:
                self.work.select_household(created[0])

        dialog.accepted.connect(added)
        dialog.open()
        return dialog
