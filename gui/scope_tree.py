"""The left tree 县 → 乡镇 → 村 → 社, with household and still-poor counts."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView

from storage import browse

ScopeRole = Qt.UserRole + 1


class ScopeModel(QStandardItemModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setHorizontalHeaderLabels([self.tr("地区"), self.tr("户数"), self.tr("未脱贫")])
        self.items: dict[tuple, list[QStandardItem]] = {}

    def load(self, villages: list[dict]) -> None:
        self.removeRows(0, self.rowCount())
        self.items = {}
        counties: dict[str, list[QStandardItem]] = {}
        townships: dict[tuple, list[QStandardItem]] = {}
        for v in villages:
            county = counties.get(v["county"])
            if county is None:
                county = self._row(
                    v["county"] or self.tr("（未填县区）"),
                    {"kind": "county", "county": v["county"]},
                )
                self.appendRow(county)
                counties[v["county"]] = county
                self.items[("county", v["county"])] = county
            key = (v["county"], v["township"])
            township = townships.get(key)
            if township is None:
                township = self._row(
                    v["township"] or self.tr("（未填乡镇）"),
                    {"kind": "township", "county": v["county"], "township": v["township"]},
                )
                county[0].appendRow(township)
                townships[key] = township
                self.items[("township",) + key] = township
            village = self._row(
                v["name"],
                {
                    "kind": "village",
                    "village_id": v["id"],
                    "county": v["county"],
                    "township": v["township"],
                },
            )
            village[0].setToolTip(v["code"])
            township[0].appendRow(village)
            self.items[("village", v["id"])] = village
            for g in v["groups"]:
                group = self._row(
                    g["name"],
                    {
                        "kind": "group",
                        "village_id": v["id"],
                        "group_id": g["id"],
                        "county": v["county"],
                        "township": v["township"],
                    },
                )
                village[0].appendRow(group)
                self.items[("group", v["id"], g["id"])] = group
        self.set_counts(villages)

    def _row(self, text: str, scope: dict) -> list[QStandardItem]:
        items = [QStandardItem(text), QStandardItem(""), QStandardItem("")]
        for item in items:
            item.setEditable(False)
            item.setData(scope, ScopeRole)
        items[1].setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
        items[2].setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
        return items

    def set_counts(self, villages: list[dict]) -> None:
        totals: dict[tuple, list[int]] = {}

        def add(key, n, poor):
            t = totals.setdefault(key, [0, 0])
            t[0] += n
            t[1] += poor

        for v in villages:
            add(("county", v["county"]), v["households"], v["poor"])
            add(("township", v["county"], v["township"]), v["households"], v["poor"])
            add(("village", v["id"]), v["households"], v["poor"])
            for g in v["groups"]:
                add(("group", v["id"], g["id"]), g["households"], g["poor"])
        for key, row in self.items.items():
            n, poor = totals.get(key, (0, 0))
            row[1].setText(str(n))
            row[2].setText(str(poor))


def scope_filter(scope: dict | None) -> browse.HouseholdFilter:
    scope = scope or {}
    return browse.HouseholdFilter(
        county=scope.get("county"),
        township=scope.get("township"),
        village_id=scope.get("village_id"),
        group_id=scope.get("group_id"),
    )


class ScopeTree(QTreeView):
    scope_changed = Signal(object)  # the scope dict of the chosen node

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model_ = ScopeModel(self)
        self.setModel(self.model_)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setUniformRowHeights(True)
        self.header().setStretchLastSection(False)
        self.selectionModel().currentChanged.connect(self._current)

    def load(self, villages: list[dict]) -> None:
        self.model_.load(villages)
        # names take what the counts leave: no horizontal scroll bar in a 200 px dock
        header = self.header()
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        self.expandToDepth(1)
        first = self.model_.index(0, 0)
        if first.isValid():
            # One village: open it directly (the usual laptop of a work team).
            target = first
            while self.model_.rowCount(target) == 1:
                target = self.model_.index(0, 0, target)
                if target.data(ScopeRole).get("kind") == "village":
                    break
            self.setCurrentIndex(target)
            self.scrollTo(target)

    def select_village(self, village_id: str) -> None:
        row = self.model_.items.get(("village", village_id))
        if row:
            index = row[0].index()
            self.setCurrentIndex(index)
            self.scrollTo(index)

    def scope(self) -> dict | None:
        index = self.currentIndex()
        return index.data(ScopeRole) if index.isValid() else None

    def _current(self, current: QModelIndex, _previous) -> None:
        self.scope_changed.emit(current.data(ScopeRole) if current.isValid() else None)
