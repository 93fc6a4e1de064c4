"""Hostile input at the enrolment reader (storage.enrolment): random bytes, a cut or flipped
enrolment file, any passphrase, a header whose key derivation is of the wrong shape or would
take hours (its header is read before anything is authenticated), and a file sealed under the
right passphrase whose contents are hostile JSON. Each is refused with an EnrolmentError or
PackageError in Chinese, in well under a second of key derivation, and the laptop's register
stays exactly as it was (a full dump compared)."""

from __future__ import annotations

import json
import os
import struct
import tempfile
import uuid
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage import enrolment as EN
from storage import package as P
from storage import register as R
from storage.db import open_store
from tests.dumps import dump
from tests.fuzz import HOSTILE_TEXT, fuzz, json_values, scratch
from tests.storage.test_fuzz_package import _only_storage_errors

PASS = "青岭村-2016-开门"
VILLAGE = {"code": "621102100201", "name": "青岭村", "township": "凤翔镇", "county": "安定区"}
_ROOT = scratch("fupin-fuzz-enrolment-")
# What a passphrase typed once may cost: the file's own parameters are 64 MiB and 3 passes.
MAX_MEMORY_KIB, MAX_ITERATIONS, MAX_LANES = 1 << 20, 64, 64
CHEAP_KDF = {"name": "argon2id", "iterations": 1, "lanes": 1, "memory_kib": 64}


@pytest.fixture(scope="module")
def world():
    folder = Path(tempfile.mkdtemp(dir=_ROOT))
    county = open_store(folder / "county.db", create=True, role="county", operator="县扶贫办")
    R.add_village(county, VILLAGE)
    real, EN.KDF = EN.KDF, CHEAP_KDF  # the file carries its parameters: a fast one to test with
    try:
        _, path = EN.register_team(county, "第1工作队", [VILLAGE["code"]], PASS, folder)
    finally:
        EN.KDF = real
    laptop = open_store(folder / "laptop.db", create=True, operator="队员")
    yield {"laptop": laptop, "file": path.read_bytes(), "folder": folder}
    county.close()
    laptop.close()


@pytest.fixture(autouse=True)
def bounded_kdf(monkeypatch):
    """Argon2id as the module calls it, refusing to start a derivation that would run for hours
    or take gigabytes: the test then fails at once, naming the parameters, instead of hanging."""
    real = EN.Argon2id

    def guarded(**kw):
        memory, passes, lanes = kw.get("memory_cost"), kw.get("iterations"), kw.get("lanes")
        if not (
            isinstance(memory, int) and memory <= MAX_MEMORY_KIB
            and isinstance(passes, int) and passes <= MAX_ITERATIONS
            and isinstance(lanes, int) and lanes <= MAX_LANES
        ):  # fmt: skip
            raise AssertionError(
                f"Argon2id started with memory_cost={memory!r:.40}, iterations={passes!r:.40}, "
                f"lanes={lanes!r:.40} from the file's header: it would run for hours or exhaust "
                "memory; the header's kdf must be refused before deriving (storage/enrolment.py "
                "_derive)"
            )
        return real(**kw)

    monkeypatch.setattr(EN, "Argon2id", guarded)


def _enrol(world, content: bytes, passphrase: str = PASS):
    path = world["folder"] / f"{uuid.uuid4().hex}.fpk"
    path.write_bytes(content)
    store = world["laptop"]
    before = dump(store)
    got = _only_storage_errors(EN.enroll, store, path, passphrase)
    assert isinstance(got, Exception), "a damaged or hostile enrolment file was taken"
    assert dump(store) == before
    return got


def _header_and_rest(data: bytes) -> tuple[dict, bytes]:
    header, start = P.read_header(data)
    return header, data[start - 8 :]


def _with_header(data: bytes, header: dict) -> bytes:
    _, rest = _header_and_rest(data)
    raw = json.dumps(header, ensure_ascii=False).encode("utf-8", "surrogatepass")
    return P.MAGIC + struct.pack(">HI", P.FORMAT_VERSION, len(raw)) + raw + rest


@fuzz(30)
@given(data=st.data())
def test_a_damaged_enrolment_file_is_refused(world, data):
    real = bytearray(world["file"])
    how = data.draw(st.sampled_from(["random", "cut", "flip", "append"]), label="how")
    if how == "random":
        content = data.draw(st.binary(max_size=500))
    elif how == "cut":
        content = bytes(real[: data.draw(st.integers(0, len(real) - 1))])
    elif how == "flip":
        i = data.draw(st.integers(0, len(real) - 1))
        real[i] ^= 1 << data.draw(st.integers(0, 7))
        content = bytes(real)
    else:
        content = bytes(real) + data.draw(st.binary(min_size=1, max_size=20))
    _enrol(world, content)


@fuzz(15)
@given(passphrase=HOSTILE_TEXT.filter(lambda p: p != PASS))
def test_any_wrong_passphrase_is_refused(world, passphrase):
    _enrol(world, world["file"], passphrase)


K = CHEAP_KDF
KDF_SHAPES = [
    "argon2id", [], ["argon2id"], {}, {"name": "argon2id"}, {"name": "scrypt"},
    {**K, "iterations": "3"}, {**K, "iterations": 0}, {**K, "iterations": -1}, {**K, "lanes": 0},
    {**K, "memory_kib": 1}, {**K, "iterations": 2.5}, {**K, "iterations": 10**30},
    {**K, "memory_kib": 10**30}, {**K, "iterations": 2**32 - 1}, {**K, "memory_kib": 2**31},
    {**K, "lanes": 2**24 - 1}, {**K, "iterations": None},
]  # fmt: skip
SALTS = ["", "zz", "00", "ab" * 4, [], None, 5, "ab" * 10_000, "\ud800"]


@pytest.mark.parametrize("kdf", KDF_SHAPES, ids=lambda k: json.dumps(k)[:40])
def test_a_header_whose_key_derivation_is_hostile_is_refused(world, kdf):
    header, _ = _header_and_rest(world["file"])
    _enrol(world, _with_header(world["file"], {**header, "kdf": kdf}))


@pytest.mark.parametrize("salt", SALTS, ids=lambda s: repr(s)[:20])
def test_a_header_whose_salt_is_hostile_is_refused(world, salt):
    header, _ = _header_and_rest(world["file"])
    _enrol(world, _with_header(world["file"], {**header, "salt": salt}))


def _sealed(world, payload: bytes) -> bytes:
    """An enrolment file sealed under the right passphrase, holding `payload`."""
    header, _ = _header_and_rest(world["file"])
    salt = os.urandom(16)
    head = {k: v for k, v in header.items() if k != "key_id"} | {"salt": salt.hex()}
    return P.seal(head, payload, EN._derive(PASS, salt, head["kdf"]))


def _good(world) -> dict:
    header, _ = _header_and_rest(world["file"])
    salt = bytes.fromhex(header["salt"])
    key = EN._derive(PASS, salt, header["kdf"])
    return json.loads(P.open_package(world["file"], key)[1])


HOSTILE_CONTENTS = {
    "list 100,000 deep": b"[" * 100_000 + b"]" * 100_000,
    "not JSON": b"{", "not UTF-8": b"\xff", "null": b"null", "a list": b"[]", "empty object": b"{}",
}  # fmt: skip
FIELD_VALUES = [None, [], {}, 5, "", "zz", "\ud800", "x" * 100_000, {"a": [1]}, 1e999]


@pytest.mark.parametrize("what", HOSTILE_CONTENTS)
def test_a_sealed_enrolment_that_is_no_enrolment_is_refused(world, what):
    _enrol(world, _sealed(world, HOSTILE_CONTENTS[what]))


@fuzz(40)
@given(data=st.data())
def test_a_sealed_enrolment_with_a_hostile_field_is_refused_or_read_whole(world, data):
    good = _good(world)
    key = data.draw(st.sampled_from(sorted(good)), label="key")
    value = data.draw(st.sampled_from(FIELD_VALUES) | json_values(6), label="value")
    content = json.dumps({**good, key: value}).encode()
    path = world["folder"] / f"{uuid.uuid4().hex}.fpk"
    path.write_bytes(_sealed(world, content))
    store = open_store(world["folder"] / f"{uuid.uuid4().hex}.db", create=True)
    try:
        before = dump(store)
        got = _only_storage_errors(EN.enroll, store, path, PASS)
        if isinstance(got, Exception):
            assert dump(store) == before
            return
        # taken (a field enroll does not read): the team it gives is whole
        team = _only_storage_errors(EN.team_of, store)
        assert isinstance(team, EN.Team) and len(team.key) == 32
        assert all(isinstance(v, str) for v in (team.id, team.name, team.county, *team.villages))
    finally:
        store.close()


def test_a_folder_or_a_missing_file_is_refused(world):
    store = world["laptop"]
    before = dump(store)
    for path in (world["folder"], world["folder"] / "missing.fpk"):
        got = _only_storage_errors(EN.enroll, store, path, PASS)
        assert isinstance(got, Exception)
    assert dump(store) == before
