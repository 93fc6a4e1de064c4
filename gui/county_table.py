"""The county page's table of villages (gui/county_page.py): one row per village with its
households and those still poor, its 17 criteria (the marks of forms.criteria.result.LOOKS),
its team and the team's last package, its open conflicts; sorted by value, not by text."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt
from PySide6.QtGui import QColor

from forms.criteria.result import LOOKS, MET, NA, PASSING, UNKNOWN, UNMET
from forms.criteria.village import VILLAGE_RULES

N_VILLAGE = len(VILLAGE_RULES)
STATUS_ORDER = {s: i for i, s in enumerate((MET, NA, UNKNOWN, UNMET))}  # sorting: worst last


def _t(text: str) -> str:
    return QCoreApplication.translate("CountyPage", text)


def _circled(no: int) -> str:
    return chr(0x2460 + no - 1) if 1 <= no <= 20 else str(no)


def _received(at: str | None) -> str:
    return at.replace("T", " ")[:16] if at else ""


class VillagesModel(QAbstractTableModel):
    """One row per village: its counts, its 17 criteria (when evaluated), its team."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[dict] = []
        self.evaluated = False
        self.sort_column, self.sort_order = -1, Qt.AscendingOrder
        # (header, tooltip of the header)
        self.columns = [
            (_t("村"), None),
            (_t("乡镇"), None),
            (_t("户数"), _t("建档立卡户数（清退户除外）")),
            (_t("未脱贫户"), _t("状态为新识别、计划脱贫或返贫的户")),
            (_t("未脱贫人口"), _t("未脱贫户的家庭成员人数")),
            (_t("17项达标数"), _t("村级17项指标中达标或不适用的项数")),
            *((_circled(r.no), f"{r.no}. {r.title}") for r in VILLAGE_RULES),
            (_t("工作队"), None),
            (_t("最近收到数据包"), _t("最近一次导入该工作队数据包的时间")),
            (_t("待处理冲突"), _t("该村记录上尚未处理的同步冲突")),
        ]
        self.first_criterion = 6
        self.col_team = self.first_criterion + N_VILLAGE

    # -- filling -------------------------------------------------------------------------------
    def set_data(self, data: dict) -> None:
        self.beginResetModel()
        teams, conflicts = data["teams"], data["conflicts"]
        evals = data.get("village_evals")
        self.evaluated = evals is not None
        self.rows = []
        for v in data["villages"]:
            team = teams.get(v["code"])
            ev = evals.get(v["id"]) if evals else None
            statuses = [c.status for c in ev.criteria] if ev else None
            self.rows.append(
                {
                    **v,
                    "evaluation": ev,
                    "statuses": statuses,
                    "passing": sum(s in PASSING for s in statuses) if statuses else None,
                    "team": team["team"] if team else None,
                    "received_at": team["received_at"] if team else None,
                    "conflicts": conflicts.get(v["id"], 0),
                }
            )
        self._sort()
        self.endResetModel()

    def village_id(self, row: int) -> str | None:
        return self.rows[row]["id"] if 0 <= row < len(self.rows) else None

    # -- Qt ------------------------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation != Qt.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.DisplayRole:
            return self.columns[section][0]
        if role == Qt.ToolTipRole:
            return self.columns[section][1]
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, col = self.rows[index.row()], index.column()
        k = col - self.first_criterion
        if 0 <= k < N_VILLAGE:
            return self._criterion(row, k, role)
        if role == Qt.DisplayRole:
            return self._text(row, col)
        if role == Qt.TextAlignmentRole and (2 <= col <= 5 or col == self.col_team + 2):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ToolTipRole:
            if col == 0:
                return row["code"]
            if col == self.col_team + 1 and row["team"] and not row["received_at"]:
                return _t("尚未收到该工作队的数据包")
        if role == Qt.UserRole:
            return self._key(row, col)
        return None

    def _text(self, row: dict, col: int) -> str:
        if col == 0:
            return row["name"] or ""
        if col == 1:
            return row["township"]
        if col in (2, 3, 4):
            return str(row[("households", "poor_households", "poor_people")[col - 2]])
        if col == 5:
            if row["passing"] is None:
                return _t("正在计算…") if not self.evaluated else ""
            return f"{row['passing']}/{N_VILLAGE}"
        if col == self.col_team:
            return row["team"] or ""
        if col == self.col_team + 1:
            return _received(row["received_at"]) or (_t("未收到") if row["team"] else "")
        if col == self.col_team + 2:
            return str(row["conflicts"])
        return ""

    def _criterion(self, row: dict, k: int, role):
        if row["statuses"] is None:
            return None
        result = row["evaluation"].criteria[k]
        look = LOOKS[result.status]
        if role == Qt.DisplayRole:
            return look.mark
        if role == Qt.ForegroundRole:
            return QColor(look.colour)
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignCenter)
        if role == Qt.ToolTipRole:
            return f"{result.no}. {result.title}：{look.word}\n" + "\n".join(result.reasons)
        if role == Qt.UserRole:
            return STATUS_ORDER[result.status]
        return None

    def _key(self, row: dict, col: int):
        """What a column sorts by: numbers as numbers, the package's time as ISO text."""
        k = col - self.first_criterion
        if 0 <= k < N_VILLAGE:
            return STATUS_ORDER[row["statuses"][k]] if row["statuses"] else None
        keys = {
            0: row["name"],
            1: row["township"],
            2: row["households"],
            3: row["poor_households"],
            4: row["poor_people"],
            5: row["passing"],
            self.col_team: row["team"],
            self.col_team + 1: row["received_at"],
            self.col_team + 2: row["conflicts"],
        }
        return keys.get(col)

    def sort(self, column: int, order=Qt.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self.sort_column, self.sort_order = column, order
        self._sort()
        self.layoutChanged.emit()

    def _sort(self) -> None:
        col = self.sort_column
        if col < 0:
            return
        keyed = [(self._key(r, col), r) for r in self.rows]
        known = [x for x in keyed if x[0] is not None]
        known.sort(key=lambda x: x[1]["code"] or "")
        known.sort(key=lambda x: x[0], reverse=self.sort_order == Qt.DescendingOrder)
        # Rows without a value (no team, not evaluated yet) stay last either way.
        self.rows = [r for _, r in known] + [r for k, r in keyed if k is None]
