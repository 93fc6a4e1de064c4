"""The USB package file: a header and a payload under authenticated encryption (AES-256-GCM in
numbered chunks), written so that a pulled stick or a full one never leaves a half file behind.

Layout: MAGIC | format version (u16) | header length (u32) | header (UTF-8 JSON) | nonce prefix
(8 random bytes) | chunks. Each chunk is its length (u32), a last-chunk flag (u8) and its
ciphertext with the GCM tag. Chunk i is sealed with the nonce prefix + i and, as associated data,
everything before the chunks plus (i, last): so an edited header, a reordered, dropped or
truncated chunk, or bytes added after the last one all fail before any payload is used.
What the payload holds (records, receipts) is the sync's business, not this module's."""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import unicodedata
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .db import StorageError

MAGIC = b"FUPINPK\x00"
FORMAT_VERSION = 1
SUFFIX = ".fpk"
CHUNK = 1 << 20  # 1 MiB of payload per chunk: a county package never sits whole in two copies
KEY_BYTES = 32  # AES-256
_PREAMBLE = struct.Struct(">HI")  # format version, header length
_CHUNK_HEAD = struct.Struct(">IB")  # ciphertext length, last flag
_MAX_HEADER = 1 << 16


class PackageError(StorageError):
    """A package refused before anything used it; the message is Chinese with the English."""


def key_id(key: bytes) -> str:
    """A short public name of a key: says which key sealed a package without revealing it."""
    return hashlib.sha256(b"fupin-package-key-id" + key).hexdigest()[:16]


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def seal(header: dict, payload: bytes, key: bytes) -> bytes:
    """The package bytes for `payload` under `key`; the header travels in clear but sealed."""
    if len(key) != KEY_BYTES:
        raise PackageError("密钥长度不对（key must be 32 bytes）")
    head = json.dumps({**header, "key_id": key_id(key)}, ensure_ascii=False).encode("utf-8")
    if len(head) > _MAX_HEADER:
        raise PackageError("数据包头过长（package header too long）")
    prefix = os.urandom(8)
    fixed = MAGIC + _PREAMBLE.pack(FORMAT_VERSION, len(head)) + head + prefix
    aead = AESGCM(key)
    parts = [fixed]
    pieces = [payload[i : i + CHUNK] for i in range(0, len(payload), CHUNK)] or [b""]
    for i, piece in enumerate(pieces):
        last = int(i == len(pieces) - 1)
        sealed = aead.encrypt(prefix + struct.pack(">I", i), piece, _aad(fixed, i, last))
        parts.append(_CHUNK_HEAD.pack(len(sealed), last) + sealed)
    return b"".join(parts)


def _aad(fixed: bytes, index: int, last: int) -> bytes:
    return fixed + struct.pack(">IB", index, last)


def read_header(data: bytes, name: str = "") -> tuple[dict, int]:
    """The header as written and where the chunks begin. Not yet authenticated: open()
    authenticates it with the payload."""
    where = f"：{name}" if name else ""
    if not data.startswith(MAGIC):
        raise PackageError(f"不是扶贫台账数据包{where}（not a fupin package）")
    if len(data) < len(MAGIC) + _PREAMBLE.size:
        raise PackageError(f"数据包不完整，可能复制时中断{where}（truncated package）")
    version, head_len = _PREAMBLE.unpack_from(data, len(MAGIC))
    if version > FORMAT_VERSION:
        raise PackageError(
            f"数据包由更新版本的软件生成（格式 {version}，本软件支持到 {FORMAT_VERSION}），"
            f"请先升级软件{where}（package format is newer than this program）"
        )
    start = len(MAGIC) + _PREAMBLE.size
    if head_len > _MAX_HEADER or len(data) < start + head_len + 8:
        raise PackageError(f"数据包不完整，可能复制时中断{where}（truncated package）")
    try:
        header = json.loads(data[start : start + head_len].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: [[[[… 64 KiB deep
        raise PackageError(f"数据包已损坏或被改动{where}（package header damaged）") from None
    # seal() names the key of every package by a short text: anything else there is damage
    # (and would be looked up among the keys before the package is authenticated)
    if not isinstance(header, dict) or not isinstance(header.get("key_id"), str):
        raise PackageError(f"数据包已损坏或被改动{where}（package header damaged）")
    return header, start + head_len + 8


def open_package(data: bytes, key: bytes, name: str = "") -> tuple[dict, bytes]:
    """(header, payload) of a package sealed with `key`; refuses anything else."""
    where = f"：{name}" if name else ""
    header, pos = read_header(data, name)
    if header.get("key_id") != key_id(key):
        raise PackageError(
            f"数据包不是用本机的密钥加密的：可能来自另一个工作队，或县里已为本队重新发放密钥，"
            f"旧密钥的数据包不再接受{where}（package sealed with another key）"
        )
    fixed, prefix = data[:pos], data[pos - 8 : pos]
    aead, out, index = AESGCM(key), [], 0
    while True:
        if len(data) < pos + _CHUNK_HEAD.size:
            raise PackageError(f"数据包不完整，可能复制时中断{where}（truncated package）")
        length, last = _CHUNK_HEAD.unpack_from(data, pos)
        pos += _CHUNK_HEAD.size
        if len(data) < pos + length:
            raise PackageError(f"数据包不完整，可能复制时中断{where}（truncated package）")
        try:
            nonce = prefix + struct.pack(">I", index)
            out.append(aead.decrypt(nonce, data[pos : pos + length], _aad(fixed, index, last)))
        except InvalidTag:
            raise PackageError(
                f"数据包已损坏或被改动，校验未通过{where}（package failed authentication）"
            ) from None
        pos += length
        index += 1
        if last:
            break
    if pos != len(data):
        raise PackageError(f"数据包末尾有多余的数据，已被改动{where}（bytes after the last chunk）")
    return header, b"".join(out)


def write_package(path: str | os.PathLike, header: dict, payload: bytes, key: bytes) -> Path:
    """Seal and write a package: to a temporary name beside it, fsync'd, read back and opened
    again, and only then renamed over any previous package of that name. A full or pulled stick
    leaves the previous package as it was and no temporary file."""
    path = Path(path)
    data = seal(header, payload, key)
    part = path.with_name(path.name + ".part")
    try:
        with open(part, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        written = part.read_bytes()
        if written != data:
            raise PackageError(
                f"写入U盘后读回的内容不一致，请换一个U盘：{path}（read-back differs）"
            )
        open_package(written, key, path.name)
        os.replace(part, path)
        _fsync_folder(path.parent)
    except OSError as e:
        part.unlink(missing_ok=True)
        raise PackageError(f"无法写入数据包（U盘已满、被拔出或只读？）：{path}（{e}）") from e
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return path


def read_package(path: str | os.PathLike, key: bytes) -> tuple[dict, bytes]:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise PackageError(f"无法读取数据包：{path}（{e}）") from e
    return open_package(data, key, path.name)


def _fsync_folder(folder: Path) -> None:
    """The rename itself reaches the medium (POSIX; Windows has no directory handles)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# FAT32 (most USB sticks) refuses these in a name, and a name ending in a dot or a space.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_MAX_NAME = 120  # characters; FAT32 allows 255 UTF-16 units, and paths on Windows are short


def package_name(*parts: str, when: str) -> str:
    """ "安定区-东川村-2016-05-03T10-22.fpk": what the package is and when it was written, safe on
    FAT32 (`when` is an ISO time; its colons become dashes)."""
    words = [unicodedata.normalize("NFKC", str(p)).strip() for p in (*parts, when[:16]) if p]
    name = "-".join(_FORBIDDEN.sub("-", w) for w in words)
    name = re.sub(r"\s+", " ", name).strip(" .") or "package"
    return name[:_MAX_NAME].rstrip(" .") + SUFFIX
