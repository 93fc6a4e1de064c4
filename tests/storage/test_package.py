"""The USB package file: sealed, refused when torn or edited, written without half files."""

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storage import package as P

KEY = bytes(range(32))
HEADER = {"format": "fupin-sync", "kind": "data", "team": "东川村工作队", "sender": "a1b2c3"}


def test_a_package_opens_with_its_key_and_carries_its_header(tmp_path):
    payload = "户编号 0001 王建国".encode() * 1000
    path = P.write_package(tmp_path / "x.fpk", HEADER, payload, KEY)
    header, body = P.read_package(path, KEY)
    assert body == payload
    assert {k: header[k] for k in HEADER} == HEADER
    assert header["key_id"] == P.key_id(KEY) and len(header["key_id"]) == 16
    assert not list(tmp_path.glob("*.part"))
    # the key never travels: its bytes are nowhere in the file, nor the payload in clear
    data = path.read_bytes()
    assert KEY not in data and "王建国".encode() not in data


def test_an_empty_and_a_many_chunk_payload_round_trip():
    for payload in (b"", os.urandom(P.CHUNK * 2 + 17), os.urandom(P.CHUNK)):
        assert P.open_package(P.seal(HEADER, payload, KEY), KEY)[1] == payload


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_any_flipped_byte_is_refused(data):
    sealed = P.seal(HEADER, b"payload " * 300, KEY)
    i = data.draw(st.integers(0, len(sealed) - 1))
    bit = data.draw(st.integers(0, 7))
    bad = bytearray(sealed)
    bad[i] ^= 1 << bit
    with pytest.raises(P.PackageError):
        P.open_package(bytes(bad), KEY)


@settings(max_examples=40, deadline=None)
@given(cut=st.integers(0, 10_000))
def test_a_truncated_package_is_refused(cut):
    sealed = P.seal(HEADER, os.urandom(P.CHUNK + 5000), KEY)
    cut = cut % len(sealed)
    with pytest.raises(P.PackageError, match="不完整|不是扶贫台账数据包|损坏"):
        P.open_package(sealed[:cut], KEY)


def test_a_dropped_or_reordered_chunk_and_extra_bytes_are_refused():
    sealed = P.seal(HEADER, os.urandom(P.CHUNK * 2 + 1), KEY)  # three chunks
    _, start = P.read_header(sealed)
    chunks, pos = [], start
    while pos < len(sealed):
        length, _last = P._CHUNK_HEAD.unpack_from(sealed, pos)
        end = pos + P._CHUNK_HEAD.size + length
        chunks.append(sealed[pos:end])
        pos = end
    assert len(chunks) == 3
    head = sealed[:start]
    for bad in (
        head + chunks[0] + chunks[2],  # one dropped
        head + chunks[1] + chunks[0] + chunks[2],  # reordered
        head + chunks[0] + chunks[1],  # the last one dropped: no chunk says it is the last
        sealed + b"\x00",  # bytes added after the last one
    ):
        with pytest.raises(P.PackageError):
            P.open_package(bad, KEY)


def test_another_key_is_named_as_such():
    sealed = P.seal(HEADER, b"x", KEY)
    with pytest.raises(P.PackageError, match="不是用本机的密钥加密的"):
        P.open_package(sealed, P.new_key())


def test_a_newer_format_and_a_foreign_file_are_refused_with_their_reason():
    sealed = bytearray(P.seal(HEADER, b"x", KEY))
    sealed[len(P.MAGIC) : len(P.MAGIC) + 2] = (P.FORMAT_VERSION + 1).to_bytes(2, "big")
    with pytest.raises(P.PackageError, match="更新版本"):
        P.open_package(bytes(sealed), KEY)
    with pytest.raises(P.PackageError, match="不是扶贫台账数据包"):
        P.open_package(b"SQLite format 3\x00" + b"\x00" * 100, KEY)


def test_a_failed_write_leaves_the_previous_package_and_no_half_file(tmp_path, monkeypatch):
    # Given a package already on the stick
    path = P.write_package(tmp_path / "东川村.fpk", HEADER, b"first", KEY)
    before = path.read_bytes()

    # When the next write fails (the stick is full or pulled out while it is written)
    def full(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(P.PackageError, match="无法写入数据包"):
        P.write_package(path, HEADER, b"second", KEY)
    # Then the previous package is as it was, and nothing half-written is left
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["东川村.fpk"]
    monkeypatch.undo()
    assert P.read_package(path, KEY)[1] == b"first"


def test_a_read_back_that_differs_is_refused_and_the_previous_package_kept(tmp_path, monkeypatch):
    path = P.write_package(tmp_path / "p.fpk", HEADER, b"first", KEY)
    real = type(path).read_bytes

    def flaky(self):  # a stick that acknowledges writes it has not kept
        data = real(self)
        return data[:-1] + bytes([data[-1] ^ 1]) if self.name.endswith(".part") else data

    monkeypatch.setattr(type(path), "read_bytes", flaky)
    with pytest.raises(P.PackageError, match="读回的内容不一致"):
        P.write_package(path, HEADER, b"second", KEY)
    monkeypatch.undo()
    assert P.read_package(path, KEY)[1] == b"first"
    assert not list(tmp_path.glob("*.part"))


def test_package_names_are_safe_on_fat32():
    assert P.package_name("安定区", "东川村", when="2016-05-03T10:22:41") == (
        "安定区-东川村-2016-05-03T10-22.fpk"
    )
    name = P.package_name("安定区/凤翔镇", 'a<b>c:"d"|e?*', " 尾. ", when="2016-05-03T10:22")
    assert not set('<>:"/\\|?*') & set(name.removesuffix(".fpk"))
    assert not name.removesuffix(".fpk").endswith((".", " "))
    assert len(P.package_name("村" * 400, when="2016-05-03T10:22")) <= 124
