"""Hostile input at the USB package reader (storage.package) and the sync import (storage.sync):
random bytes, a cut or bit-flipped package, a header length of 4 GB, a header that is no JSON
or is nested 30,000 deep, a header that is JSON of the wrong shape — each is refused with a
PackageError or SyncError in Chinese, never another exception, and the register stays exactly
as it was (a full dump compared; at the county a refusal of a team's package is logged in
sync_inbox for its receipt, by design, and nothing else changes). And a package sealed with the
right key whose payload is hostile (what a damaged or a rogue laptop could send)."""

from __future__ import annotations

import json
import struct
import tempfile
import traceback
import uuid
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage import package as P
from storage import register as R
from storage import sync as S
from storage.db import StorageError, open_store
from storage.enrolment import register_team
from storage.operations import enroll
from tests.dumps import dump
from tests.fuzz import HOSTILE_TEXT, chinese, fuzz, has_surrogate, json_values, scratch

PASS = "青岭村-2016-开门"
VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
KEY = bytes(range(32))
HEADER = {"kind": "sync", "direction": S.TO_COUNTY, "team": "东川村工作队"}
_ROOT = scratch("fupin-fuzz-package-")
CODE = str(Path(S.__file__).parent) + "/"  # the storage package: where a fix would go


def _refused_with_reason(e: Exception) -> None:
    assert isinstance(e, StorageError), e
    text = str(e)
    assert chinese(text) and "（" in text, text[:300]
    assert not has_surrogate(text) and len(text) < 1000, text[:300]


def _only_storage_errors(fn, *args):
    """fn(*args), or the StorageError it refuses with; any other exception fails the test and
    names the line of storage/ it came from (where the fix belongs)."""
    try:
        return fn(*args)
    except StorageError as e:
        _refused_with_reason(e)
        return e
    except Exception as e:  # noqa: BLE001 - the point: nothing else may escape
        frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename.startswith(CODE)]
        where = f"{frames[-1].filename}:{frames[-1].lineno} ({frames[-1].name})" if frames else "?"
        pytest.fail(f"{fn.__name__} raised {type(e).__name__}: {str(e)[:200]} — at {where}")


# -- the package file alone --------------------------------------------------------------------
SEALED = P.seal(HEADER, b"payload " * 300, KEY)
_, CHUNKS_AT = P.read_header(SEALED)
PREAMBLE = len(P.MAGIC)


def _with_header(raw: bytes, length: int | None = None) -> bytes:
    """A package whose header bytes are `raw` (its stated length `length`), chunks as sealed."""
    n = len(raw) if length is None else length
    return P.MAGIC + struct.pack(">HI", P.FORMAT_VERSION, n) + raw + SEALED[CHUNKS_AT - 8 :]


HOSTILE_HEADERS = [
    b"", b"{", b"null", b"[]", b'"x"', b"1e999", b"NaN", b"{}" * 10, b"\xff\xfe", b"\x00" * 64,
    b"[" * 30_000 + b"]" * 30_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    b'{"kind": "sync", "key_id": ' + b"9" * 5000 + b"}", json.dumps({"kind": ["sync"]}).encode(),
    json.dumps({"kind": "sync", "key_id": {"a": 1}}).encode(), b'{"kind": "\\ud800"}',
    json.dumps({"kind": "enrolment", "salt": [], "kdf": "argon2id"}).encode(),
]  # fmt: skip


@st.composite
def hostile_packages(draw) -> bytes:
    how = draw(st.sampled_from(["random", "magic", "cut", "flip", "length", "header", "json"]))
    if how == "random":
        return draw(st.binary(max_size=400))
    if how == "magic":
        return P.MAGIC + draw(st.binary(max_size=400))
    if how == "cut":
        return SEALED[: draw(st.integers(0, len(SEALED) - 1))]
    if how == "flip":
        data = bytearray(SEALED)
        for _ in range(draw(st.integers(1, 3))):
            data[draw(st.integers(0, len(data) - 1))] ^= 1 << draw(st.integers(0, 7))
        return bytes(data)
    if how == "length":  # the stated header length: 0, 4 GB, one off, past the end
        data = bytearray(SEALED)
        n = draw(st.sampled_from([0, 1, 0xFFFFFFFF, 0x7FFFFFFF, P._MAX_HEADER + 1, len(SEALED)]))
        data[PREAMBLE + 2 : PREAMBLE + 6] = struct.pack(">I", n)
        return bytes(data)
    if how == "header":
        return _with_header(draw(st.sampled_from(HOSTILE_HEADERS)))
    value = draw(json_values(20))
    return _with_header(
        json.dumps(value, ensure_ascii=draw(st.booleans())).encode(errors="surrogatepass")
    )


@fuzz(300)
@given(data=hostile_packages())
def test_any_bytes_are_refused_as_a_package_or_read_exactly(data):
    got = _only_storage_errors(P.read_header, data, "x.fpk")
    if not isinstance(got, Exception):
        header, start = got
        assert isinstance(header, dict) and 0 < start <= len(data)
    opened = _only_storage_errors(P.open_package, data, KEY, "x.fpk")
    if not isinstance(opened, Exception):
        assert data == SEALED and opened[1] == b"payload " * 300


def test_a_header_length_of_4_gb_is_refused_as_truncated():
    data = bytearray(SEALED)
    data[PREAMBLE + 2 : PREAMBLE + 6] = struct.pack(">I", 0xFFFFFFFF)
    with pytest.raises(P.PackageError, match="不完整"):
        P.read_header(bytes(data))


def test_a_header_nested_thirty_thousand_deep_is_refused_as_damaged():
    for raw in (b"[" * 30_000 + b"]" * 30_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000):
        with pytest.raises(P.PackageError, match="损坏"):
            P.read_header(_with_header(raw))
        with pytest.raises(P.PackageError, match="损坏"):
            P.open_package(_with_header(raw), KEY)


def test_a_folder_or_a_missing_file_is_refused():
    folder = Path(tempfile.mkdtemp(dir=_ROOT))
    for path in (folder, folder / "missing.fpk"):
        with pytest.raises(P.PackageError, match="无法读取数据包"):
            P.read_package(path, KEY)


# -- through the sync import ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def world():
    """A county with a village and a team; the team's laptop enrolled; one real package each
    way, so both sides have a peer and a key to refuse with."""
    folder = Path(tempfile.mkdtemp(dir=_ROOT))
    stick = folder / "U盘"
    stick.mkdir()
    county = open_store(folder / "county.db", create=True, role="county", operator="县扶贫办")
    R.add_village(county, VILLAGE)
    team, enrolment = register_team(county, "第1工作队", [VILLAGE["code"]], PASS, stick)
    laptop = open_store(folder / "laptop.db", create=True, operator="队员")
    enroll(laptop, enrolment, PASS)
    [to_team] = S.export(county, stick)
    S.import_package(laptop, to_team.path)
    [to_county] = S.export(laptop, stick)
    yield {"county": county, "laptop": laptop, "team": team, "to_county": to_county.path,
           "to_team": to_team.path, "enrolment": enrolment, "folder": folder}  # fmt: skip
    county.close()
    laptop.close()


def _write(world, data: bytes, name: str = "x.fpk") -> Path:
    path = world["folder"] / f"{uuid.uuid4().hex}-{name}"
    path.write_bytes(data)
    return path


def _without_inbox(store) -> dict:
    return {t: rows for t, rows in dump(store).items() if t != "sync_inbox"}


@st.composite
def damaged_real_packages(draw, world):
    side = draw(st.sampled_from(["to_county", "to_team", "enrolment"]))
    data = bytearray(Path(world[side]).read_bytes())
    how = draw(st.sampled_from(["cut", "flip", "length", "append"]))
    if how == "cut":
        return side, bytes(data[: draw(st.integers(0, len(data) - 1))])
    if how == "flip":
        for _ in range(draw(st.integers(1, 3))):
            data[draw(st.integers(0, len(data) - 1))] ^= 1 << draw(st.integers(0, 7))
        return side, bytes(data)
    if how == "length":
        data[PREAMBLE + 2 : PREAMBLE + 6] = struct.pack(">I", draw(st.integers(0, 2**32 - 1)))
        return side, bytes(data)
    return side, bytes(data) + draw(st.binary(min_size=1, max_size=50))


@fuzz(60)
@given(data=st.data())
def test_any_file_on_the_stick_is_refused_whole_at_either_side(world, data):
    side, content = data.draw(
        st.one_of(hostile_packages().map(lambda b: ("any", b)), damaged_real_packages(world)),
        label="file",
    )
    if side != "any" and content == Path(world[side]).read_bytes():
        return  # flipped back, or the stated length drawn as it was: the real package
    path = _write(world, content)
    for store in (world["county"], world["laptop"]):
        before = dump(store)
        got = _only_storage_errors(S.import_package, store, path)
        assert isinstance(got, Exception), f"a damaged {side} package was applied"
        assert dump(store) == before
        # a batch of the stick: reported refused (or skipped), never raised
        before = _without_inbox(store)
        results = _only_storage_errors(S.import_paths, store, [path])
        assert [r.result for r in results] in (["refused"], ["skipped"]), results
        assert chinese(results[0].reason), results[0].reason
        assert _without_inbox(store) == before


# -- sealed with the right key, hostile inside -------------------------------------------------
def _sealed_for(world, side: str, payload: bytes, compress: bool = True, **header) -> Path:
    """A package as the other side would seal it, with `payload` inside."""
    real = P.read_header(Path(world[side]).read_bytes())[0]
    head = {k: v for k, v in real.items() if k != "key_id"} | header
    body = zlib.compress(payload) if compress else payload
    return _write(world, P.seal(head, body, world["team"].key))


HOSTILE_PAYLOADS = {
    "list 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "object 100,000 deep": b'{"records":' * 100_000 + b"{}" + b"}" * 100_000,
    "null": b"null", "a list": b"[]", "a string": b'"x"', "no records": b"{}",
    "records a list": b'{"records": []}',
    "a table a list": b'{"records": {"households": []}}',
    "a record a number": b'{"records": {"households": {"x": 1}}}',
    "an unknown table": b'{"records": {"no_such_table": {"x": {}}}}',
    "a table name breaking out of [ ]": b'{"records": {"households] where 0 --": {"x": {}}}}',
    "upto text": b'{"records": {}, "upto": "x"}', "upto inf": b'{"records": {}, "upto": 1e999}',
    "ack a list": b'{"records": {}, "ack": []}', "receipt a list": b'{"records": {}, "receipt": []}',
    "receipt conflicts text": b'{"records": {}, "receipt": {"conflicts": "x"}}',
    "chain text": b'{"records": {}, "chain": "x"}',
    "upto 5000 digits": b'{"records": {}, "upto": ' + b"9" * 5000 + b"}",
    "not UTF-8": b"\xff\xfe", "empty": b"",
}  # fmt: skip


@pytest.mark.parametrize("what", HOSTILE_PAYLOADS)
@pytest.mark.parametrize("side", ["to_county", "to_team"])
def test_a_sealed_package_with_a_hostile_payload_is_refused_whole(world, side, what):
    payload = HOSTILE_PAYLOADS[what]
    store = world["county"] if side == "to_county" else world["laptop"]
    path = _sealed_for(world, side, payload)
    before = dump(store)
    got = _only_storage_errors(S.import_package, store, path)
    if isinstance(got, Exception):
        assert dump(store) == before


@fuzz(40)
@given(
    records=st.dictionaries(
        st.sampled_from(["households", "members", "villages", "finances", "visits"]) | HOSTILE_TEXT,
        st.dictionaries(HOSTILE_TEXT, json_values(8), max_size=3) | json_values(4),
        max_size=3,
    ),
    side=st.sampled_from(["to_county", "to_team"]),
)
def test_a_sealed_package_with_hostile_records_is_applied_or_refused_whole(world, records, side):
    store = world["county"] if side == "to_county" else world["laptop"]
    payload = json.dumps({"records": records, "upto": 0, "ack": 0}, ensure_ascii=True).encode()
    path = _sealed_for(world, side, payload)
    before = dump(store)
    got = _only_storage_errors(S.import_package, store, path)
    if isinstance(got, Exception):
        assert dump(store) == before
