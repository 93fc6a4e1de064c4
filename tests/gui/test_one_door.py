"""Only gui/editing.py writes to the register: every other GUI module reads, or asks it."""

import ast
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
    return any(n in receiver for n in STORE_NAMES) or (in_store_class and receiver == "self")


def _callee(f: ast.AST) -> str:
    """The storage function a call may reach: a plain name, a method of a store, or a function
    of a storage module (register.add_member); not dict.update and the like."""
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        receiver = _receiver(f.value)
        modules = {p.stem for p in (ROOT / "storage").glob("*.py")}
        if receiver in modules or receiver == "self" or any(n in receiver for n in STORE_NAMES):
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


def violations(source: str, writers: set[str]) -> list[str]:
    """The storage writes a GUI module's source makes or imports, each as a short text."""
    tree = ast.parse(source)
    found, storage_aliases = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("storage"):
            for alias in node.names:
                if node.module == "storage.operations" or alias.name == "operations":
                    found.append(f"imports {node.module}.{alias.name}")
                elif alias.name in writers:
                    found.append(f"imports the write {alias.name} from {node.module}")
                elif node.module == "storage":
                    storage_aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("storage"):
                    found.append(f"imports {alias.name}")
        elif isinstance(node, ast.Call):
            f = node.func
            if _is_store_write(node, False):
                found.append(f"calls {ast.unparse(f)}")
            elif (
                isinstance(f, ast.Attribute)
                and isinstance(f.value, ast.Name)
                and (f.value.id in storage_aliases and f.attr in writers)
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
                 "set_policy", "change_status", "register_household"):  # fmt: skip
        assert name in writers, name
    assert not {"members_of", "household_ids", "open_reader", "policy_for"} & writers
    for source in (
        "from storage.register import add_member",
        "from storage import operations",
        "from storage.operations import Changes",
        "import storage.register",
        "self.editing.store.update('households', hid, {})",
        "store.db.execute('insert into meta values (1, 2)')",
        "from storage import register\nregister.set_finance(store, hid, 2017, {})",
    ):
        assert violations(source, writers), source
    assert not violations("from storage.register import members_of\nstore.find('x')", writers)
    assert violations((ROOT / "gui" / THE_DOOR).read_text(encoding="utf-8"), writers)
