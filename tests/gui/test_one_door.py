"""Only gui/editing.py writes to the register: every other GUI module reads, or asks it."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
THE_DOOR = "editing.py"
# Methods that change the file when called on a store, its database or its connection.
WRITE_METHODS = {
    "insert", "insert_many", "insert_all", "update", "upsert", "upsert_all", "delete",
    "restore", "set_meta", "execute", "executemany", "executescript", "atomic", "commit",
}  # fmt: skip
STORE_NAMES = ("store", "db", "conn", "writer")


def _receiver(node: ast.AST) -> str:
    return ast.unparse(node).lower()


def _through_store(text: str) -> bool:
    """Whether an expression reaches a store, its database or connection (by the names used)."""
    return any(name in STORE_NAMES for name in re.findall(r"[a-z_][a-z0-9_]*", text))


def _is_store_write(call: ast.Call, in_store_class: bool) -> bool:
    f = call.func
    if not isinstance(f, ast.Attribute) or f.attr not in WRITE_METHODS:
        return False
    receiver = _receiver(f.value)
    if f.attr in ("execute", "executemany", "executescript"):
        sql = call.args[0] if call.args else None
        text = sql.value if isinstance(sql, ast.Constant) and isinstance(sql.value, str) else ""
        if isinstance(sql, ast.JoinedStr):
            text = "".join(v.value for v in sql.values if isinstance(v, ast.Constant))
        verb = text.lstrip().split(" ", 1)[0].lower()
        return verb in ("insert", "update", "delete", "replace", "create", "drop", "alter")
    return _through_store(receiver) or (in_store_class and receiver == "self")


def _callee(f: ast.AST) -> str:
    """The storage function a call may reach: a plain name, a method of a store, or a function
    of a storage module (register.add_member); not dict.update and the like."""
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        receiver = _receiver(f.value)
        modules = {p.stem for p in (ROOT / "storage").glob("*.py")}
        if receiver in modules or receiver == "self" or _through_store(receiver):
            return f.attr
    return ""


def storage_writers() -> set[str]:
    """Names of the functions in storage/ that write: those that call a store's write method,
    and those that call such a function (to a fixed point)."""
    calls: dict[str, set[str]] = {}
    writers: set[str] = set()
    for path in sorted((ROOT / "storage").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls_or_fn in ast.walk(tree):
            in_store = isinstance(cls_or_fn, ast.ClassDef) and cls_or_fn.name == "Store"
            bodies = cls_or_fn.body if isinstance(cls_or_fn, ast.ClassDef) else [cls_or_fn]
            for fn in bodies:
                if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                called = calls.setdefault(fn.name, set())
                for node in ast.walk(fn):
                    if isinstance(node, ast.Call):
                        if _is_store_write(node, in_store):
                            writers.add(fn.name)
                        called.add(_callee(node.func))
    grew = True
    while grew:
        new = {name for name, callees in calls.items() if callees & writers} - writers
        writers |= new
        grew = bool(new)
    return writers


# What a GUI module may call on a store (or its database, a table, a connection): reads.
STORE_READS = {"get", "find", "changes", "meta", "kinds", "from_row", "close"}
# Plain values a store carries (its file's path, the operator's name), not the store.
STORE_FIELDS = {"path", "operator", "role", "device_id", "schema_version"}
# What of the door itself stays inside it.
DOOR_INSIDE = {"ops", "_write", "_push"}


def _store_aliases(tree: ast.AST) -> set[str]:
    """Names bound to something reached through a store (s = self.editing.store, t = db[...])."""
    aliases: set[str] = set()
    for node in ast.walk(tree):
        value = getattr(node, "value", None)
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(
            value, (ast.Attribute, ast.Subscript, ast.Name)
        ):
            plain = isinstance(value, ast.Attribute) and value.attr in STORE_FIELDS
            if _through_store(_receiver(value)) and not plain:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                aliases |= {_receiver(t) for t in targets}
    return aliases


def violations(source: str, writers: set[str]) -> list[str]:
    """The storage writes a GUI module's source makes or imports, each as a short text."""
    tree = ast.parse(source)
    found, storage_aliases = [], set()
    aliases = _store_aliases(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            for alias in node.names:
                if module.startswith("storage") and (
                    module == "storage.operations" or alias.name == "operations"
                ):
                    found.append(f"imports {module}.{alias.name}")
                elif module.startswith("storage") and alias.name in writers:
                    found.append(f"imports the write {alias.name} from {module}")
                elif module == "storage":
                    storage_aliases.add(alias.asname or alias.name)
                elif module.endswith("editing") and (
                    alias.name in DOOR_INSIDE or alias.name.startswith("_")
                ):
                    found.append(f"imports {alias.name} from the door")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("storage"):
                    found.append(f"imports {alias.name}")
        elif isinstance(node, ast.Attribute) and node.attr in DOOR_INSIDE:
            if "editing" in _receiver(node.value):
                found.append(f"reaches into the door: {ast.unparse(node)}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            f = node.func
            receiver = _receiver(f.value)
            through_store = _through_store(receiver) or receiver in aliases
            if through_store and f.attr not in STORE_READS:
                found.append(f"calls {ast.unparse(f)}")
            elif (
                isinstance(f.value, ast.Name)
                and f.value.id in storage_aliases
                and (f.attr in writers)
            ):
                found.append(f"calls {ast.unparse(f)}")
    return found


def test_no_gui_module_but_the_door_writes_to_storage():
    writers = storage_writers()
    problems = {
        path.name: v
        for path in sorted((ROOT / "gui").glob("*.py"))
        if path.name != THE_DOOR and (v := violations(path.read_text(encoding="utf-8"), writers))
    }
    assert problems == {}


def test_the_check_sees_writes():
    # The check above can fail: the writes the app makes are known, and each way of writing
    # from a GUI module is caught.
    writers = storage_writers()
    for name in ("add_member", "update_record", "edit_record", "set_village_facts",
                 "record_visit", "import_register", "generate", "open_store", "open_register",
                 "set_policy", "change_status", "register_household", "decide_same_person",
                 "decide_different_people"):  # fmt: skip
        assert name in writers, name
    assert not {"members_of", "household_ids", "open_reader", "policy_for"} & writers
    assert not {"find_duplicates", "group_of", "latest_decisions"} & writers
    for source in (
        "from storage.register import add_member",
        "from storage import operations",
        "from storage.operations import Changes",
        "import storage.register",
        "self.editing.store.update('households', hid, {})",
        "store.db.execute('insert into meta values (1, 2)')",
        "from storage import register\nregister.set_finance(store, hid, 2017, {})",
        "from .editing import ops",
        "self.editing.ops.set_policy(store, 2017, {})",
        "self.editing._write(lambda v: None)",
        "s = self.editing.store\ns.update('households', hid, {})",
        "t = self.store.db['households']\nt.update(hid, {})",
        "store.db.query('update households set status = 1')",
        "sql = 'insert into meta values (1, 2)'\nself.store.db.execute(sql)",
    ):
        assert violations(source, writers), source
    assert not violations("from storage.register import members_of\nstore.find('x')", writers)
    assert not violations("from .editing import Editing\nself.editing.save('household')", writers)
    assert violations((ROOT / "gui" / THE_DOOR).read_text(encoding="utf-8"), writers)
