"""The household table: a model over ids that fetches rows as they are shown, and its filter bar."""

from __future__ import annotations

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from forms import choices as C
from storage import browse
from storage.changes import Changes
from storage.db import Store

from .criteria import CriteriaCache

# Household fields the columns show (户主 and 人数 come from the members).
SHOWN_FIELDS = frozenset({"household_no", "status", "planned_exit_year", "main_cause", "cadre_id"})
BLOCK = 200  # rows fetched at once
CACHE_ROWS = 3000  # rows kept


class HouseholdTableModel(QAbstractTableModel):
    """Holds the filtered, sorted household ids; fetches row values in blocks when shown."""

    COLUMNS = (
        "household_no",
        "head",
        "size",
        "status",
        "planned_exit_year",
        "main_cause",
        "cadre",
        "unmet",
    )

    def __init__(self, store: Store, criteria: CriteriaCache, parent=None):
        super().__init__(parent)
        self.store = store
        self.criteria = criteria
        self.filter = browse.HouseholdFilter()
        self.unmet_criterion: int | None = None
        self.sort_column = 0
        self.sort_order = Qt.AscendingOrder
        self.ids: list[str] = []
        self.row_of: dict[str, int] = {}
        self.cache: OrderedDict[str, dict] = OrderedDict()
        self.headers = (
            self.tr("户编号"),
            self.tr("户主"),
            self.tr("人数"),
            self.tr("状态"),
            self.tr("计划脱贫年度"),
            self.tr("主要致贫原因"),
            self.tr("帮扶责任人"),
            self.tr("未达标项数"),
        )
        criteria.updated.connect(self._criteria_updated)

    # -- queries -------------------------------------------------------------------------------
    def set_filter(self, flt: browse.HouseholdFilter, unmet_criterion: int | None = None) -> None:
        self.filter = flt
        self.unmet_criterion = unmet_criterion
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        key = self.COLUMNS[self.sort_column]
        descending = self.sort_order == Qt.DescendingOrder
        if key == "unmet":
            ids = browse.household_ids(self.store, self.filter)
            missing = 99 if not descending else -1
            ids.sort(
                key=lambda h: (
                    self.criteria.unmet_count(h)
                    if self.criteria.unmet_count(h) is not None
                    else missing
                ),
                reverse=descending,
            )
        else:
            ids = browse.household_ids(self.store, self.filter, key, descending)
        if self.unmet_criterion:
            no = self.unmet_criterion
            ids = [h for h in ids if self.criteria.unmet(h, no)]
        self.ids = ids
        self.row_of = {h: i for i, h in enumerate(ids)}
        self.cache.clear()
        self.endResetModel()

    def _row(self, row: int) -> dict | None:
        hid = self.ids[row]
        found = self.cache.get(hid)
        if found is not None:
            self.cache.move_to_end(hid)
            return found
        start = max(0, row - BLOCK // 4)
        wanted = [h for h in self.ids[start : start + BLOCK] if h not in self.cache]
        self.cache.update(browse.household_rows(self.store, wanted))
        while len(self.cache) > CACHE_ROWS:
            self.cache.popitem(last=False)
        return self.cache.get(hid)

    def household_id(self, row: int) -> str | None:
        return self.ids[row] if 0 <= row < len(self.ids) else None

    def apply(self, changes: Changes) -> None:
        """Repaint the rows of households whose shown values changed (not on every edit)."""
        if changes.members or changes.status or SHOWN_FIELDS & changes.household_fields:
            for hid in changes.households:
                self.refresh_household(hid)

    def refresh_household(self, hid: str) -> None:
        """A household's values changed: drop it from the cache and repaint its row."""
        self.cache.pop(hid, None)
        row = self.row_of.get(hid)
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def _criteria_updated(self, hids: list) -> None:
        if self.ids:
            col = len(self.COLUMNS) - 1
            self.dataChanged.emit(
                self.index(0, col), self.index(len(self.ids) - 1, col), [Qt.DisplayRole]
            )

    # -- QAbstractTableModel -------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.ids)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if (
            orientation == Qt.Horizontal
            and role == Qt.DisplayRole
            and 0 <= section < len(self.headers)
        ):
            return self.headers[section]
        if orientation == Qt.Vertical and role == Qt.DisplayRole and 0 <= section < len(self.ids):
            return str(section + 1)
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.ids):
            return None
        key = self.COLUMNS[index.column()]
        if role == Qt.UserRole:
            return self.ids[index.row()]
        if role == Qt.TextAlignmentRole:
            if key in ("size", "planned_exit_year", "unmet"):
                return int(Qt.AlignCenter)
            return None
        if key == "unmet":
            n = self.criteria.unmet_count(self.ids[index.row()])
            if role == Qt.DisplayRole:
                return "…" if n is None else str(n)
            if role == Qt.ForegroundRole and n:
                return QBrush(QColor("#c62828"))
            if role == Qt.ToolTipRole and n is None:
                return self.tr("正在核查指标…")
            return None
        if role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        row = self._row(index.row())
        if row is None:
            return None
        if role == Qt.ToolTipRole:
            return f"{row.get('village') or ''} {row.get('household_no') or ''}"
        value = row.get(key)
        return "" if value is None else str(value)

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        if not 0 <= column < len(self.COLUMNS):
            return
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [
            (p, self.ids[p.row()] if p.row() < len(self.ids) else None, p.column())
            for p in persistent
        ]
        self._resort()
        for p, hid, col in kept:
            row = self.row_of.get(hid) if hid is not None else None
            self.changePersistentIndex(
                p, self.index(row, col) if row is not None else QModelIndex()
            )
        self.layoutChanged.emit()

    def _resort(self) -> None:
        key = self.COLUMNS[self.sort_column]
        descending = self.sort_order == Qt.DescendingOrder
        if key == "unmet":
            missing = -1 if descending else 99
            self.ids.sort(
                key=lambda h: (
                    self.criteria.unmet_count(h)
                    if self.criteria.unmet_count(h) is not None
                    else missing
                ),
                reverse=descending,
            )
        else:
            order = browse.household_ids(self.store, self.filter, key, descending)
            keep = set(self.ids)
            self.ids = [h for h in order if h in keep]
        self.row_of = {h: i for i, h in enumerate(self.ids)}


class FilterBar(QWidget):
    """Status, cause, cadre, unmet criterion and free text; emits changed (text debounced)."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(3)
        top = QHBoxLayout()
        layout = QHBoxLayout()
        outer.addLayout(top)
        outer.addLayout(layout)
        self.text = QLineEdit()
        self.text.setPlaceholderText(self.tr("搜索 姓名 / 拼音首字母 / 身份证号 / 户编号"))
        self.text.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.addItem(self.tr("全部状态"), None)
        self.status.addItem(self.tr("仍为贫困户（未脱贫、返贫）"), browse.POOR)
        for s in C.HOUSEHOLD_FIELD_STATUSES:  # and 待识别: applicants in their identification
            self.status.addItem(s, s)
        self.cause = QComboBox()
        self.cause.addItem(self.tr("全部致贫原因"), None)
        for c in C.POVERTY_CAUSES:
            self.cause.addItem(c, c)
        self.cadre = QComboBox()
        self.cadre.addItem(self.tr("全部帮扶责任人"), None)
        self.cadre.setMinimumContentsLength(6)
        self.cadre.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.criterion = QComboBox()
        self.criterion.addItem(self.tr("全部指标"), None)
        for no in range(1, 13):
            self.criterion.addItem(self.tr("第%1项未达标").replace("%1", str(no)), no)
        for w in (self.status, self.cause, self.cadre, self.criterion):
            w.currentIndexChanged.connect(self.changed)
        top.addWidget(self.text, 1)
        for w in (self.status, self.cause, self.cadre, self.criterion):
            w.setMinimumContentsLength(5)
            w.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
            layout.addWidget(w, 1)
        self.count = QLabel()
        top.addWidget(self.count)
        self._debounce = QTimer(self, singleShot=True, interval=250)
        self._debounce.timeout.connect(self.changed)
        self.text.textChanged.connect(lambda _t: self._debounce.start())

    def set_cadres(self, cadres: list[tuple[str, str]]) -> None:
        current = self.cadre.currentData()
        self.cadre.blockSignals(True)
        self.cadre.clear()
        self.cadre.addItem(self.tr("全部帮扶责任人"), None)
        for cid, label in cadres:
            self.cadre.addItem(label, cid)
        i = self.cadre.findData(current)
        self.cadre.setCurrentIndex(max(i, 0))
        self.cadre.blockSignals(False)

    def apply(self, flt: browse.HouseholdFilter) -> browse.HouseholdFilter:
        return flt.with_(
            status=self.status.currentData(),
            cause=self.cause.currentData(),
            cadre_id=self.cadre.currentData(),
            text=self.text.text(),
        )

    def unmet_criterion(self) -> int | None:
        return self.criterion.currentData()

    def flush(self) -> None:
        """Apply a pending text change now (Enter, tests)."""
        if self._debounce.isActive():
            self._debounce.stop()
            self.changed.emit()

    def clear(self) -> None:
        """Every filter back to 全部, without emitting changed (the caller reloads)."""
        for combo in (self.status, self.cause, self.cadre, self.criterion):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.text.blockSignals(True)
        self.text.clear()
        self.text.blockSignals(False)
