"""Hostile input at the JSON import (storage.interchange, operations.import_json_file): any value
in any field or in the file's structure is refused with an InterchangeError that says why in
Chinese, the register exactly as it was (a full dump compared), or stored exactly: the export
reads the value back as the validator parsed it, and the export imports again into a new
register and exports the same. A file that is no JSON, 100,000 levels deep, of random bytes,
or a folder is refused the same way."""

from __future__ import annotations

import json
import tempfile
import uuid
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.entities import (
    CADRE,
    EXIT_PLAN,
    FINANCE,
    HOUSEHOLD,
    MEASURE,
    MEMBER,
    POLICY,
    PROCEDURE_STEP,
    STATUS_CHANGE,
    VILLAGE,
    VISIT,
)
from forms.facts import VILLAGE_FACTS
from forms.fields import blank
from forms.validation import check_value, parse_value
from storage import operations as O
from storage import register as R
from storage.db import StorageError, open_store
from storage.interchange import FORMAT, InterchangeError, export_register, import_register
from tests.dumps import dump
from tests.fuzz import (
    DEEP_DICT,
    DEEP_JSON,
    DEEP_JSON_OBJECT,
    DEEP_LIST,
    HOSTILE_TEXT,
    by_kind,
    chinese,
    fuzz,
    has_surrogate,
    hostile_scalar,
    json_values,
    long_text,
    scratch,
)

CODE = "621102100201"
HEAD_ID = "11010519491231002X"
CADRE_ID, HID, MID, SID, PID, VID, MEID = (str(uuid.UUID(int=i)) for i in range(1, 8))


def base_doc() -> dict:
    """A small register with one record of every kind the format holds."""
    return {
        "format": FORMAT,
        "policy_values": [{"year": 2016, "poverty_line": 2952}],
        "villages": [
            {
                "code": CODE, "name": "青岭村", "township": "凤翔镇", "county": "安定区",
                "groups": ["一社"],
                "facts": [{"year": 2016, "rural_population": 300}],
                "exit_plans": [{"year": 2016, "households": 3}],
                "measures": [{"level": "村", "category": "基础设施", "description": "修路",
                              "status": "计划"}],
            }
        ],
        "cadres": [{"id": CADRE_ID, "name": "李干部", "village_code": CODE, "role": "队员"}],
        "households": [
            {
                "id": HID, "village_code": CODE, "household_no": "0001", "status": "未脱贫",
                "group": "一社", "cadre_id": CADRE_ID,
                "members": [{"id": MID, "name": "王建国", "relation": "户主",
                             "id_number": HEAD_ID}],
                "finances": [{"year": 2016, "wage_income": 3000}],
                "status_history": [{"id": SID, "status": "未脱贫", "date": "2016-01-05"}],
                "procedures": [{"id": PID, "procedure_id": "p1", "kind": "识别", "year": 2016,
                                "seq": 1, "step": "申请", "date": "2016-01-02"}],
                "visits": [{"id": VID, "date": "2016-03-05", "purpose": "走访", "changes": []}],
                "measures": [{"id": MEID, "level": "户", "category": "产业发展",
                              "description": "养羊", "status": "计划"}],
            }
        ],
    }  # fmt: skip


# (where in the document, its form, fields the import sets itself, where it is in the export)
TARGETS = {
    "policy": (("policy_values", 0), POLICY, ()),
    "village": (("villages", 0), VILLAGE, ()),
    "facts": (("villages", 0, "facts", 0), VILLAGE_FACTS, ()),
    "exit_plan": (("villages", 0, "exit_plans", 0), EXIT_PLAN, ("village_id",)),
    "village_measure": (("villages", 0, "measures", 0), MEASURE, ("village_id",)),
    "cadre": (("cadres", 0), CADRE, ("village_id",)),
    "household": (("households", 0), HOUSEHOLD, ("village_id", "group_id")),
    "member": (("households", 0, "members", 0), MEMBER, ("household_id",)),
    "finance": (("households", 0, "finances", 0), FINANCE, ("household_id",)),
    "status": (("households", 0, "status_history", 0), STATUS_CHANGE, ("household_id",)),
    "procedure": (("households", 0, "procedures", 0), PROCEDURE_STEP, ("household_id",)),
    "visit": (("households", 0, "visits", 0), VISIT, ("household_id",)),
    "measure": (("households", 0, "measures", 0), MEASURE, ("village_id", "household_id")),
}
FIELD_CHOICES = [
    (name, f) for name, (_, form, own) in TARGETS.items() for f in form.fields if f.key not in own
]
# Places in the structure itself: ids, references by code or name, nested lists, the lists.
STRUCTURE = [
    ("households", 0, "id"), ("households", 0, "village_code"), ("households", 0, "group"),
    ("households", 0, "group_id"), ("households", 0, "members"), ("households", 0, "finances"),
    ("households", 0, "members", 0), ("households", 0, "members", 0, "id"),
    ("households", 0, "visits", 0, "changes"), ("households", 0, "visits", 0, "id"),
    ("households", 0, "measures", 0, "id"), ("households", 0, "status_history", 0, "id"),
    ("households", 0, "procedures", 0, "id"), ("households", 0, "visits"),
    ("villages", 0, "groups"), ("villages", 0, "groups", 0), ("villages", 0, "facts"),
    ("villages", 0, "measures"), ("villages", 0, "exit_plans"), ("villages", 0),
    ("villages", 0, "measures", 0, "household_id"), ("cadres", 0, "id"),
    ("cadres", 0, "village_code"), ("cadres", 0, "village_id"), ("cadres", 0),
    ("households",), ("villages",), ("cadres",), ("policy_values",), ("format",),
    ("households", 0), ("policy_values", 0),
]  # fmt: skip


def _at(doc, path):
    for key in path:
        doc = doc[key]
    return doc


def _set(doc, path, value):
    _at(doc, path[:-1])[path[-1]] = value


_ROOT = scratch("fupin-fuzz-json-")


def _store():
    store = O.open_register(_ROOT / f"{uuid.uuid4().hex}.db", create=True, operator="导入员")
    return store


def _assert_refused_cleanly(err: InterchangeError, store, before):
    assert dump(store) == before, "a refused import changed the register"
    assert chinese(str(err)), str(err)
    for p in err.problems:
        assert chinese(p), p
        assert not has_surrogate(p) and len(p) <= 600, p[:200]
        p.encode("utf-8")  # printable on a console and in a log


def _import(store, doc):
    """(counts, None) or (None, the error) — and the error is an InterchangeError."""
    before = dump(store)
    try:
        return import_register(store, doc), None
    except InterchangeError as e:
        _assert_refused_cleanly(e, store, before)
        return None, e


def _round_trip(store):
    """The export of what was accepted imports into a new register and exports the same."""
    first = export_register(store)
    text = json.dumps(first, ensure_ascii=False)
    # a register without the reference policy values: the export leaves a cleared value out,
    # and a value left out does not clear the one a register holds
    other = open_store(_ROOT / f"{uuid.uuid4().hex}.db", create=True, operator="导入员")
    try:
        import_register(other, json.loads(text))
        assert json.dumps(export_register(other), ensure_ascii=False) == text
    finally:
        other.close()
    return first


def _exported(export, target, key, parsed):
    path, _, _ = TARGETS[target]
    if target == "policy":
        year = parsed if key == "year" else 2016
        [record] = [p for p in export["policy_values"] if p["year"] == year]
    elif target == "cadre":
        [record] = [c for c in export["cadres"] if c["id"] == CADRE_ID]
    else:
        record = _at(export, path)
    return record.get(key)


def test_the_base_document_imports_and_round_trips():
    store = _store()
    try:
        counts, err = _import(store, base_doc())
        assert err is None, err.problems
        assert counts["inserted"] >= 12
        _round_trip(store)
    finally:
        store.close()


@fuzz(120)
@given(data=st.data())
def test_any_value_in_any_field_is_refused_or_read_back_exactly(data):
    target, field = data.draw(st.sampled_from(FIELD_CHOICES), label="field")
    raw = data.draw(st.one_of(by_kind(field), hostile_scalar()), label="raw")
    doc = base_doc()
    _at(doc, TARGETS[target][0])[field.key] = raw
    store = _store()
    try:
        _, err = _import(store, doc)
        if err is not None:
            return
        # accepted: the field's value as the validator parsed it, exactly
        export = _round_trip(store)
        if blank(raw) or check_value(field, raw) is not None:
            return
        parsed = parse_value(field, raw)
        expected = parsed.isoformat() if isinstance(parsed, date) else parsed
        got = _exported(export, target, field.key, parsed)
        assert got == expected and type(got) is type(expected), (target, field.key, got, expected)
    finally:
        store.close()


@fuzz(120)
@given(data=st.data())
def test_any_value_in_the_structure_is_refused_or_kept(data):
    path = data.draw(st.sampled_from(STRUCTURE), label="path")
    value = data.draw(
        st.one_of(json_values(), hostile_scalar(), st.sampled_from([DEEP_LIST, DEEP_DICT])),
        label="value",
    )
    doc = base_doc()
    _set(doc, path, value)
    extra = data.draw(st.dictionaries(HOSTILE_TEXT, json_values(3), max_size=2), label="extra")
    households = doc.get("households")
    if isinstance(households, list) and households and isinstance(households[0], dict):
        households[0].update(extra)
    store = _store()
    try:
        _, err = _import(store, doc)
        if err is None:
            export = _round_trip(store)
            if path[-1] == "changes" and value:
                assert export["households"][0]["visits"][0]["changes"] == value
    finally:
        store.close()


@fuzz(40)
@given(doc=json_values(30) | st.dictionaries(HOSTILE_TEXT, json_values(), max_size=4))
def test_any_document_at_all(doc):
    store = _store()
    try:
        if not isinstance(doc, dict):
            before = dump(store)
            with pytest.raises(InterchangeError):
                import_register(store, doc)
            assert dump(store) == before
            return
        _import(store, {**doc, "format": FORMAT})
    finally:
        store.close()


def test_the_same_id_twice_in_a_file_is_a_problem_not_a_crash():
    doc = base_doc()
    h = doc["households"][0]
    h["members"].append({**h["members"][0], "name": "王二", "relation": "子", "id_number": None})
    h["visits"].append(dict(h["visits"][0]))
    doc["villages"][0]["measures"][0]["household_id"] = str(uuid.uuid4())  # no such household
    store = _store()
    try:
        _, err = _import(store, doc)
        assert err is not None
        assert sum("重复" in p for p in err.problems) == 2, err.problems
        assert any("没有这个户" in p for p in err.problems), err.problems
    finally:
        store.close()


def test_a_lone_surrogate_is_refused_wherever_it_would_be_stored():
    for path in [("households", 0, "group"), ("households", 0, "village_code"),
                 ("households", 0, "members", 0, "id"), ("villages", 0, "groups", 0),
                 ("households", 0, "members", 0, "name")]:  # fmt: skip
        doc = base_doc()
        _set(doc, path, "一社\ud800")
        store = _store()
        try:
            assert _import(store, doc)[1] is not None, path
        finally:
            store.close()
    doc = base_doc()
    doc["households"][0]["visits"][0]["changes"] = [{"field": "name", "new": "\udfff"}]
    store = _store()
    try:
        assert _import(store, doc)[1] is not None
    finally:
        store.close()


# -- the file ----------------------------------------------------------------------------------
def _file_texts():
    doc = json.dumps(base_doc(), ensure_ascii=False)
    return st.one_of(
        st.binary(max_size=200),
        st.sampled_from(
            [
                b"",
                b"\xef\xbb\xbf",
                b"null",
                b"[]",
                b"{}",
                b'"x"',
                b"1e999",
                b"NaN",
                DEEP_JSON.encode(),
                DEEP_JSON_OBJECT.encode(),
                ('{"format": "%s", "households": %s}' % (FORMAT, DEEP_JSON)).encode(),
                ('{"format": "%s", "villages": [{"code": %s}]}' % (FORMAT, "9" * 5000)).encode(),
                ('{"format": "%s", "households": [{"members": "\\ud800"}]}' % FORMAT).encode(),
                doc.encode("utf-16"),
                doc.encode("gb18030"),
                doc.encode()[:-7],
                ("\ufeff" + doc).encode(),
                doc.replace('"0001"', "NaN").encode(),
                doc.replace('"王建国"', '"王\\ud800"').encode(),
                json.dumps({"format": FORMAT, "households": ["x" * 200_000]}).encode(),
            ]
        ),
        long_text().map(lambda t: json.dumps({"format": FORMAT, "villages": t}).encode()),
        st.binary(max_size=50).map(lambda b: doc.encode()[:40] + b + doc.encode()[40:]),
    )


@fuzz(60)
@given(content=_file_texts())
def test_any_file_is_imported_whole_or_refused_with_the_register_unchanged(content):
    folder = Path(tempfile.mkdtemp(dir=_ROOT))
    source = folder / "in.json"
    source.write_bytes(content)
    db = folder / "register.db"
    R.seed_default_policy(store := open_store(db, create=True))
    before = dump(store)
    store.close()
    try:
        O.import_json_file(db, source)
    except InterchangeError as e:
        assert chinese(str(e)) and not has_surrogate(str(e)), str(e)[:200]
        store = open_store(db)
        assert dump(store) == before
        store.close()


def test_a_folder_or_a_missing_file_is_refused():
    folder = Path(tempfile.mkdtemp(dir=_ROOT))
    db = folder / "register.db"
    open_store(db, create=True).close()
    for source in (folder, folder / "missing.json"):
        with pytest.raises(StorageError):
            O.import_json_file(db, source)


def test_a_file_nested_a_hundred_thousand_deep_is_refused_quickly():
    folder = Path(tempfile.mkdtemp(dir=_ROOT))
    (source := folder / "deep.json").write_text(DEEP_JSON)
    db = folder / "register.db"
    open_store(db, create=True).close()
    with pytest.raises(InterchangeError, match="嵌套层数过多"):
        O.import_json_file(db, source)
