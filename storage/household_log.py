"""A household's full history from the change log: who, when, what (which record, which field),
old → new as the user reads them, and during what (a visit, a package, an import)."""

from __future__ import annotations

import json

from forms.entities import FORMS
from forms.fields import MULTI, REF, display

from .db import Store
from .schema import ENTITIES, TABLES

# The tables whose records belong to one household (their household_id), besides its own.
OF_HOUSEHOLD = ("members", "finances", "visits", "measures", "status_history", "procedure_steps")
OPS = {"insert": "新建", "delete": "删除", "restore": "恢复"}
MERGED = "同步"  # a change that came in a package, logged before contexts were


def household_history(store: Store, household_id: str) -> list[dict]:
    """Newest first: {"seq", "at", "operator", "record", "field", "old", "new", "context"}."""
    records = {("households", household_id): "本户"}
    for table in OF_HOUSEHOLD:
        for rec in store.find(table, "household_id = ?", [household_id], include_deleted=True):
            records[(table, rec["id"])] = _record_word(table, rec)
    refs: dict[tuple, str] = {}
    out = []
    for table in ("households", *OF_HOUSEHOLD):
        ids = [rid for t, rid in records if t == table]
        if not ids:
            continue
        for row in store.db.query(
            "select seq, at, operator, table_name, record_id, op, field, old, new, context "
            "from change_log where table_name = ? and record_id in "
            "(select value from json_each(?))",
            [table, json.dumps(ids)],
        ):
            entry = _entry(store, row, records[(table, row["record_id"])], refs)
            if entry:
                out.append(entry)
    out.sort(key=lambda e: e["seq"], reverse=True)
    return out


def _record_word(table: str, rec: dict) -> str:
    if table == "members":
        return f"成员 {rec.get('name') or ''}"
    if table == "finances":
        return f"{rec.get('year')}年收支"
    if table == "visits":
        return f"走访 {rec.get('date') or ''}"
    if table == "measures":
        return f"措施 {(rec.get('description') or '')[:12]}".strip()
    if table == "status_history":
        return f"状态变更 {rec.get('date') or ''}".strip()
    if table == "procedure_steps":
        return f"程序 {rec.get('step') or ''}"
    return table


def _entry(store: Store, row: dict, record: str, refs: dict) -> dict | None:
    """One log row as the user reads it; None for a column the user never sees (a visit's
    list of findings repeats the changes shown on their own rows)."""
    form = FORMS[ENTITIES[row["table_name"]]]
    fname, op = row["field"], row["op"]
    field = next((f for f in form.fields if f.key == fname), None)
    if field is None and fname not in (None, "deleted"):
        return None
    if fname is None or op in ("delete", "restore"):
        what, old, new = "", "", OPS.get(op, "新建")
    else:
        what = field.label if field else fname
        old, new = (_shown(store, field, row[k], refs) for k in ("old", "new"))
    context = row["context"] or (MERGED if op == "merge" else "")
    return {"seq": row["seq"], "at": (row["at"] or "").replace("T", " "),
            "operator": row["operator"] or "", "record": record, "field": what, "old": old,
            "new": new, "context": context}  # fmt: skip


def _shown(store: Store, field, raw: str | None, refs: dict) -> str:
    value = json.loads(raw) if raw is not None else None
    if field is None or value is None:
        return "" if value is None else str(value)
    if field.kind == REF:
        return _ref_name(store, field.ref_entity, value, refs)
    if isinstance(value, str) and value.startswith("[") and field.kind == MULTI:
        try:  # a merge logs a multi-choice list as stored (JSON text)
            value = json.loads(value)
        except ValueError:
            pass
    return display(field, value)


def _ref_name(store: Store, entity: str | None, rid: str, refs: dict) -> str:
    key = (entity, rid)
    if key not in refs:
        rec = store.get(TABLES.get(entity or "", ""), rid, include_deleted=True) if entity else None
        refs[key] = (rec or {}).get("name") or rid
    return refs[key]
