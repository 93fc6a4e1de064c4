"""The USB sync: a team's laptop and the county exchange package files on a stick.

A package carries every field the other side may not have yet (changed after the last change
of ours it acknowledged; too much rather than too little), what we have applied of theirs (the
acknowledgement), and from the county a receipt: what it accepted, what it refused and why, the
conflicts. Everything is checked before the register changes: the file (storage.package), the
key (a re-keyed team's old key is refused as such), the direction, the county, and the team's
authority (a team may change only its own villages' records). Then one transaction applies it
(storage.merge) and remembers the acknowledgement. Import twice, or in any order: same result."""

from __future__ import annotations

import json
import sqlite3
import zlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import astuple, dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

from forms.entities import FORMS
from forms.fields import display

from . import chain, package
from . import merge as M
from .db import StorageError, Store
from .duplicates import find_duplicates
from .enrolment import team_of
from .payload import problem as payload_problem
from .schema import ENTITIES

KIND = "sync"
TO_COUNTY, TO_TEAM = "team→county", "county→team"
COUNTY_PEER = "county"  # a laptop's one peer
# In the reason of a package refused because its team's history was rewritten (storage.verify
# lists those at the county).
HISTORY_REWRITTEN = "history rewritten"
# In the note of a package applied from a team's new laptop: the kept chain head starts anew
# there, so the county's verify lists it for a person to confirm the laptop really was replaced.
NEW_LAPTOP = "工作队换了电脑"


class SyncError(StorageError):
    """A package refused, or a sync step that cannot be done; the register is unchanged."""


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


# -- peers: what each side has acknowledged ----------------------------------------------------
@dataclass
class Peer:
    peer: str
    device_id: str | None = None
    acked_seq: int = 0
    received_seq: int = 0
    received_at: str | None = None
    received_package: str | None = None
    sent_at: str | None = None
    sent_package: str | None = None
    receipted_inbox: int = 0
    # The chain head (storage.chain): at the county the last one this team sent; on a laptop
    # the one the county's receipt says it kept of ours.
    chain_seq: int = 0
    chain_hash: str | None = None


_PEER_COLUMNS = ", ".join(f.name for f in fields(Peer))
_NUMBERS = ("acked_seq", "received_seq", "receipted_inbox", "chain_seq")


def peer(store: Store, name: str) -> Peer:
    row = store.db.execute(
        f"select {_PEER_COLUMNS} from sync_peers where peer = ?", [name]
    ).fetchone()
    if row is None:
        return Peer(name)
    values = dict(zip((f.name for f in fields(Peer)), row))
    return Peer(**{k: (v or 0) if k in _NUMBERS else v for k, v in values.items()})


def _save_peer(store: Store, p: Peer) -> None:
    marks = ", ".join("?" * len(fields(Peer)))
    store.db.conn.execute(
        f"insert or replace into sync_peers ({_PEER_COLUMNS}) values ({marks})", astuple(p)
    )


def forget_peer(store: Store, name: str) -> None:
    """A re-keyed team starts again: its next package from us carries all of its villages."""
    store.db.conn.execute("delete from sync_peers where peer = ?", [name])


# -- export -------------------------------------------------------------------------------------
@dataclass
class Exported:
    path: Path
    team: str
    records: int
    fields: int
    left_out: int = 0  # records the team may not send (not of its villages)


def _county_teams(store: Store) -> list[dict]:
    from .enrolment import teams

    return teams(store)


def _village_ids(store: Store, codes: Iterable[str]) -> dict[str, str]:
    """village code → id in this register."""
    codes = list(codes)
    rows = store.db.execute(
        f"select code, id from villages where code {M.IN_IDS}", [json.dumps(codes)]
    ).fetchall()
    return dict(rows)


def export(
    store: Store, folder: str | Path, *, teams: Iterable[str] | None = None
) -> list[Exported]:
    """Write the packages for the other side into `folder` (the stick): from a laptop one for
    the county; from the county one per team (or the teams named)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise SyncError(f"找不到文件夹（U盘未插好？）：{folder}（folder not found）")
    if store.role == "county":
        wanted = set(teams or ())
        chosen = [t for t in _county_teams(store) if not wanted or t["name"] in wanted
                  or t["id"] in wanted]  # fmt: skip
        if wanted and not chosen:
            raise SyncError("没有这个工作队：" + "、".join(sorted(wanted)) + "（no such team）")
        if not chosen:
            raise SyncError("县级数据库还没有登记工作队，请先 sync team（no teams registered）")
        return [_export_to_team(store, folder, t) for t in chosen]
    return [_export_to_county(store, folder)]


def _enrolled(store: Store):
    team = team_of(store)
    if team is None:
        raise SyncError(
            "本机尚未注册为工作队，请先导入县扶贫办发放的注册文件（sync enroll）（not enrolled）"
        )
    return team


def _export_to_county(store: Store, folder: Path) -> Exported:
    team = _enrolled(store)
    p = peer(store, COUNTY_PEER)
    upto = M.last_seq(store)
    tables = [t for t in M.ORDER if t not in M.COUNTY_WIDE]
    # a value merged here came from the county (a laptop's one peer): it has it, or newer
    state = M.changes_since(store, p.acked_seq, tables, has=lambda f: not f.local)
    mine = set(_village_ids(store, team.villages).values())
    foreign = M.foreign_records(store, state, mine)
    for table, rid in foreign:  # e.g. a village added on the laptop: the county would refuse
        del state[table][rid]
    payload = {"records": state, "upto": upto, "ack": p.received_seq, "receipt": None,
               "chain": _chain_since(store, p.acked_seq, upto)}  # fmt: skip
    header = _header(store, TO_COUNTY, team.id, team.name, team.county, team.villages, upto,
                     p.received_seq, state)  # fmt: skip
    villages = [v["name"] for v in store.find("villages", order_by="code")]
    # the team's name too: two villages of a county may share a name, and one inbox folder at
    # the county gathers every team's packages
    name = package.package_name(team.county, team.name, *villages[:2], when=_now())
    path = _write(folder / name, header, payload, team.key)
    p.sent_at, p.sent_package = _now(), path.name
    with store.atomic():
        _save_peer(store, p)
    return Exported(path, team.name, *_size(state), left_out=len(foreign))


def _export_to_team(store: Store, folder: Path, team: dict) -> Exported:
    p = peer(store, team["id"])
    upto = M.last_seq(store)
    village_ids = list(_village_ids(store, team["villages"]).values())
    device = p.device_id  # the team's laptop has what it made itself (a new laptop: nothing)
    state = M.state_of_records(store, M.records_of_villages(store, village_ids), p.acked_seq,
                               has=lambda f: bool(device) and f.stamp.endswith("-" + device))  # fmt: skip
    inbox = _inbox_since(store, team["id"], p.receipted_inbox)
    receipt = {
        "packages": inbox,
        "conflicts": conflicts(store, peer_name=team["id"], open_only=False),
        # the same ID number in two households, touching the team's villages, and what the
        # county decided (the decision's own edits travel in the records)
        "duplicates": [
            d.to_dict() for d in find_duplicates(store, set(village_ids), include_decided=True)
        ],  # fmt: skip
        "written_at": _now(),
        # the head of the team's chain the county keeps: the laptop's verify checks against it
        "chain": {"seq": p.chain_seq, "hash": p.chain_hash} if p.chain_seq else None,
    }
    payload = {"records": state, "upto": upto, "ack": p.received_seq, "receipt": receipt}
    header = _header(store, TO_TEAM, team["id"], team["name"], team["county"], team["villages"],
                     upto, p.received_seq, state)  # fmt: skip
    name = package.package_name(team["county"], "县发", team["name"], when=_now())
    key = bytes.fromhex(_team_key(store, team["id"]))
    path = _write(folder / name, header, payload, key)
    p.sent_at, p.sent_package = _now(), path.name
    p.receipted_inbox = max([p.receipted_inbox] + [i["id"] for i in inbox])
    with store.atomic():
        _save_peer(store, p)
    return Exported(path, team["name"], *_size(state))


def _chain_since(store: Store, after: int, upto: int) -> dict:
    """The team's change log after what the county acknowledged, with the hash it follows."""
    rows = [list(r) for r in chain.rows(store.db.conn, after, upto)]
    return {"after": after, "prev": chain.hash_at(store.db.conn, after) or "", "rows": rows}


def _team_key(store: Store, team_id: str) -> str:
    return store.db.execute("select key from sync_teams where id = ?", [team_id]).fetchone()[0]


def _header(store, direction, team_id, team, county, villages, upto, ack, state) -> dict:
    return {"kind": KIND, "direction": direction, "team_id": team_id, "team": team,
            "county": county, "villages": list(villages), "device": store.device_id,
            "written_at": _now(), "upto": upto, "ack": ack, "compression": "zlib",
            "manifest": {t: len(r) for t, r in state.items() if r}}  # fmt: skip


def _size(state: M.State) -> tuple[int, int]:
    records = sum(len(r) for r in state.values())
    return records, sum(len(f) for r in state.values() for f in r.values())


def _write(path: Path, header: dict, payload: dict, key: bytes) -> Path:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return package.write_package(path, header, zlib.compress(body, 6), key)


# -- import -------------------------------------------------------------------------------------
@dataclass
class Imported:
    """One package imported (or refused: result "refused" with the reason)."""

    package: str
    result: str  # applied | refused | skipped
    reason: str = ""
    team: str = ""
    villages: tuple = ()
    written_at: str = ""
    inserted: int = 0
    taken: int = 0
    kept: int = 0
    conflicts: int = 0
    future: int = 0
    repeat: bool = False  # everything in it had arrived before
    households: set = field(default_factory=set)
    receipt: dict | None = None  # on a laptop: what the county said about our packages


def import_package(store: Store, path: str | Path, ready: tuple | None = None) -> Imported:
    """Verify, check and apply one package; a refusal raises SyncError (or PackageError) and
    leaves the register exactly as it was. `ready`: the file already read and opened (_read)."""
    path = Path(path)
    try:
        data = ready[0] if ready else path.read_bytes()
    except OSError as e:
        raise package.PackageError(f"无法读取数据包：{path}（{e}）") from e
    header, _ = package.read_header(data, path.name)
    if header.get("kind") == "enrolment":
        raise SyncError(f"这是工作队注册文件，请用“注册”导入（sync enroll）：{path.name}"
                        "（an enrolment file, not a package）")  # fmt: skip
    if header.get("kind") != KIND:
        raise SyncError(f"不是同步数据包：{path.name}（not a sync package）")
    if store.role == "county":
        return _import_at_county(store, path, data, header, ready)
    return _import_at_team(store, path, data, header, ready)


def _read(path: Path, keys: dict[str, bytes]) -> tuple | None:
    """A package read and opened ahead, on another thread, while the one before is merged:
    (data, key, header, payload), or None when anything is amiss (import_package then meets
    it again and refuses it with its reason). Checks nothing of the register."""
    try:
        data = path.read_bytes()
        header, _ = package.read_header(data, path.name)
        key = keys.get(header.get("key_id"))
        return (data, key, *_open(data, key, path.name)) if key else None
    except (OSError, StorageError):
        return None


def _keys(store: Store) -> dict[str, bytes]:
    if store.role == "county":
        rows = store.db.execute("select key_id, key from sync_teams").fetchall()
        return {kid: bytes.fromhex(key) for kid, key in rows}
    team = team_of(store)
    return {team.key_id: team.key} if team else {}


def _open(data: bytes, key: bytes, name: str, ready: tuple | None = None) -> tuple[dict, dict]:
    if ready and ready[1] == key:
        return ready[2], ready[3]
    header, body = package.open_package(data, key, name)
    try:
        raw = _inflate(body) if header.get("compression") == "zlib" else body
        payload = json.loads(raw.decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError, RecursionError):
        raise SyncError(f"数据包内容无法读取：{name}（payload damaged）") from None
    why = payload_problem(payload)
    if why:
        raise SyncError(f"数据包内容不合格式（{why}），整个数据包未导入：{name}"
                        "（payload malformed）")  # fmt: skip
    return header, payload


MAX_PAYLOAD = 2 << 30  # a county's package for a team unpacks to some hundred MB


def _inflate(body: bytes) -> bytes:
    """zlib, refusing to unpack more than MAX_PAYLOAD (a sealed zlib bomb)."""
    z = zlib.decompressobj()
    raw = z.decompress(body, MAX_PAYLOAD)
    if z.unconsumed_tail:
        raise zlib.error("payload too large")
    return raw + z.flush()


def _team_for_key(store: Store, key_id: str, name: str) -> dict:
    for t in _county_teams(store):
        if t["key_id"] == key_id:
            return t
        if key_id in t["retired_key_ids"]:
            raise SyncError(
                f"这个数据包是用工作队“{t['name']}”的旧密钥加密的：县里已为该队重新发放密钥"
                f"（换了电脑或电脑丢失），旧电脑的数据包不再接受。请用新注册的电脑重新导出：{name}"
                "（sealed with a retired key）"
            )
    raise SyncError(
        f"这个数据包不是本县登记的工作队加密的（可能来自另一个县，或工作队尚未登记）：{name}"
        "（no team of this county holds its key）"
    )


def _import_at_county(store: Store, path: Path, data: bytes, header: dict, ready) -> Imported:
    team = _team_for_key(store, header.get("key_id", ""), path.name)
    key = bytes.fromhex(_team_key(store, team["id"]))
    header, payload = _open(data, key, path.name, ready)
    if header.get("direction") != TO_COUNTY:
        raise SyncError(f"这是县里发给工作队“{team['name']}”的数据包，不必导入县级数据库："
                        f"{path.name}（a package the county wrote）")  # fmt: skip
    villages = _village_ids(store, team["villages"])
    state = payload["records"]
    local = M.local_rows(store, state)  # read once: for the authority check and the merge
    foreign = M.foreign_records(store, state, set(villages.values()), local)
    if foreign:
        raise SyncError(_foreign_message(store, team, foreign, state, path.name))
    return _apply(store, team["id"], team["name"], path, header, payload, local)


def _foreign_message(store: Store, team: dict, foreign, state, name: str) -> str:
    tables = sorted({t for t, _ in foreign})
    where = "、".join(TABLE_WORDS.get(t, t) for t in tables)
    return (f"工作队“{team['name']}”的数据包改动了不属于本队的村的记录（{where}，共 {len(foreign)} "
            f"条），整个数据包未导入。本队的村：{'、'.join(team['villages'])}：{name}"
            "（the package touches records outside the team's villages）")  # fmt: skip


TABLE_WORDS = {"villages": "村", "groups": "村民小组", "cadres": "帮扶干部", "households": "户",
                "members": "家庭成员", "finances": "收支", "visits": "走访", "measures": "帮扶措施",
                "status_history": "状态变更", "procedure_steps": "程序步骤",
                "exit_plans": "年度减贫计划", "year_closures": "年度封存", "frozen_years": "封存数据",
                "policy_values": "年度政策参数",
                "village_facts": "村级数据", "county_facts": "县级数据"}  # fmt: skip


def _import_at_team(store: Store, path: Path, data: bytes, header: dict, ready) -> Imported:
    team = _enrolled(store)
    header, payload = _open(data, team.key, path.name, ready)
    if header.get("direction") != TO_TEAM:
        raise SyncError(f"这是本队发给县里的数据包，应在县扶贫办导入：{path.name}"
                        "（a package for the county）")  # fmt: skip
    if header.get("team_id") != team.id:
        raise SyncError(f"这个数据包是发给工作队“{header.get('team')}”的：{path.name}"
                        "（a package for another team）")  # fmt: skip
    if header.get("county") != team.county:
        raise SyncError(f"这个数据包来自{header.get('county')}，本队属于{team.county}：{path.name}"
                        "（a package from another county）")  # fmt: skip
    result = _apply(store, COUNTY_PEER, team.name, path, header, payload)
    result.receipt = payload.get("receipt")
    return result


def _apply(store: Store, peer_name: str, team: str, path: Path, header: dict, payload: dict,
           local: dict | None = None):  # fmt: skip
    p = peer(store, peer_name)
    sender = header.get("device")
    switched = ""
    if p.device_id and sender != p.device_id:  # a replacement laptop: its numbers start anew
        if p.chain_seq and peer_name != COUNTY_PEER:  # and so does the history the county keeps
            switched = (f"{NEW_LAPTOP}：此前设备 {p.device_id}（历史链到第 {p.chain_seq} 条），"
                        f"此后设备 {sender}，县里核对的历史链从新电脑重新开始（new laptop）")  # fmt: skip
        p = Peer(peer_name, receipted_inbox=p.receipted_inbox, sent_at=p.sent_at,
                 sent_package=p.sent_package)  # fmt: skip
    upto, ack = int(payload.get("upto") or 0), int(payload.get("ack") or 0)
    repeat = p.device_id == sender and upto <= p.received_seq
    head = _check_chain(p, team, payload, path.name) if peer_name != COUNTY_PEER else None
    try:
        with store.atomic(), store.during(f"同步 {path.name}"):
            merged = M.merge(store, payload["records"], acked_seq=p.acked_seq, peer=peer_name,
                             local=local)  # fmt: skip
            receipt = payload.get("receipt") or {}
            M.keep_conflicts(store, [_as_row(c) for c in receipt.get("conflicts", [])])
            if peer_name == COUNTY_PEER and payload.get("receipt"):
                _keep_receipt(store, path.name, receipt, upto)
                head = _kept_head(receipt.get("chain"))
            if head and head[0] > p.chain_seq:
                p.chain_seq, p.chain_hash = head
            p.device_id = sender
            p.received_seq = max(p.received_seq, upto)
            p.acked_seq = max(p.acked_seq, ack)
            p.received_at, p.received_package = _now(), path.name
            _save_peer(store, p)
            result = Imported(path.name, "applied", team=team,
                              villages=tuple(header.get("villages", ())),
                              written_at=header.get("written_at", ""), inserted=merged.inserted,
                              taken=merged.taken, kept=merged.kept,
                              conflicts=len(merged.conflicts), future=merged.future,
                              repeat=repeat and not merged.taken, households=merged.households,
                              reason=switched)  # fmt: skip
            _log_inbox(store, peer_name, header, result, upto)
    except sqlite3.IntegrityError as e:
        raise SyncError(f"数据包中有记录缺少它所属的村或户，整个数据包未导入：{path.name}"
                        f"（{e}）") from None  # fmt: skip
    return result


def _check_chain(p: Peer, team: str, payload: dict, name: str) -> tuple | None:
    """At the county: the team's chain in the package follows from hash to hash, and reaches
    the head kept from the team's last package. Returns the package's head (seq, hash)."""
    segment = payload.get("chain")
    if segment is None:
        if p.chain_seq:
            raise SyncError(f"工作队“{team}”的数据包没有附带变更记录链，可能是旧版本软件写的："
                            f"请在笔记本上升级软件后重新导出：{name}"
                            "（a package without the history chain）")  # fmt: skip
        return None
    try:
        after, prev, rows = int(segment["after"]), str(segment["prev"]), list(segment["rows"])
        ok = all(isinstance(r, list) and len(r) == len(chain.CONTENT) + 1 for r in rows)
        if not ok or any(not isinstance(r[0], int) for r in rows):
            raise ValueError
    except (KeyError, TypeError, ValueError):
        raise SyncError(f"数据包中的变更记录链无法读取：{name}（chain damaged）") from None
    for row, _ in chain.breaks(prev, rows, after):
        raise SyncError(f"工作队“{team}”数据包中的变更记录在第 {row[0]} 条处断开：历史记录被改动"
                        f"过，整个数据包未导入：{name}（{HISTORY_REWRITTEN}: the chain in the "
                        "package is broken）")  # fmt: skip
    hashes = {after: prev, **{r[0]: r[-1] for r in rows}}
    last = rows[-1][0] if rows else after
    if p.chain_seq and after <= p.chain_seq <= last and hashes.get(p.chain_seq) != p.chain_hash:
        raise SyncError(
            f"工作队“{team}”的历史记录与县里上次收到的不一致：第 {p.chain_seq} 条及以前的变更"
            "记录被改写过（也可能是笔记本恢复了旧的备份），整个数据包未导入。请到村里核实；"
            f"确属恢复备份的，县里为该队重新发放密钥后再同步：{name}（{HISTORY_REWRITTEN} "
            "since the last package）"
        )
    return (last, hashes[last]) if last > after else None


def _kept_head(value) -> tuple | None:
    """The chain head a county receipt says it kept of ours, when it reads as one."""
    if isinstance(value, dict) and isinstance(value.get("seq"), int) and value.get("hash"):
        return value["seq"], str(value["hash"])
    return None


_CONFLICT_COLUMNS = ("id", "table_name", "record_id", "field", "won_value", "won_stamp",
                     "won_author", "lost_value", "lost_stamp", "lost_author", "incoming_won",
                     "peer", "detected_at", "resolved_at", "resolution", "resolved_by")  # fmt: skip


def _as_row(conflict: dict) -> dict:
    """A conflict the county listed, as kept here: the county's value is the incoming one."""
    row = {k: conflict.get(k) for k in _CONFLICT_COLUMNS}
    row["incoming_won"] = 1 - int(conflict.get("incoming_won") or 0)
    row["peer"] = COUNTY_PEER
    return row


def _log_inbox(store: Store, peer_name, header: dict, r: Imported, upto: int) -> None:
    store.db.conn.execute(
        "insert into sync_inbox (peer, package, sender_device, written_at, imported_at, result, "
        "reason, inserted, taken, kept, conflicts, future, upto) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [peer_name, r.package, header.get("device"), header.get("written_at"), _now(), r.result,
         r.reason, r.inserted, r.taken, r.kept, r.conflicts, r.future, upto],
    )  # fmt: skip


def _inbox_since(store: Store, peer_name: str, after: int) -> list[dict]:
    rows = store.db.execute(
        "select id, package, written_at, imported_at, result, reason, inserted, taken, kept, "
        "conflicts, future from sync_inbox where peer = ? and id > ? order by id",
        [peer_name, after],
    )
    keys = ("id", "package", "written_at", "imported_at", "result", "reason", "inserted",
            "taken", "kept", "conflicts", "future")  # fmt: skip
    return [dict(zip(keys, r)) for r in rows]


# Packages applied per transaction in a batch import. A power cut loses at most the batch not yet
# committed, never part of a package, and nothing was reported yet: importing again completes it.
BATCH = 25


def import_paths(
    store: Store,
    paths: Iterable[str | Path],
    *,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Imported]:
    """Import every package among `paths` (files, or folders of .fpk files) in order; one that
    is refused is reported and, when its team is known, logged for the receipt: it does not
    stop the others."""
    files = _package_files(paths)
    out, keys = [], _keys(store)
    cache = store.db.execute("PRAGMA cache_size").fetchone()[0]
    if len(files) > 1:  # a county's batch probes big indexes at random: keep them in memory
        store.db.execute(f"PRAGMA cache_size = {-BATCH_CACHE_KIB}")
    try:
        return _import_each(store, files, keys, out, progress)
    finally:
        store.db.execute(f"PRAGMA cache_size = {int(cache)}")


BATCH_CACHE_KIB = 256 * 1024


def _import_each(store: Store, files: list[Path], keys: dict, out: list, progress) -> list:
    with ThreadPoolExecutor(max_workers=1) as reader:  # reads and decrypts the next one meanwhile
        ahead = reader.submit(_read, files[0], keys) if files else None
        for start in range(0, len(files), BATCH):
            # each package is a savepoint of its own (applied whole or refused whole) inside one
            # transaction per batch: a commit is an fsync and a checkpoint of the county's indexes
            with store.atomic():
                for i, path in enumerate(files[start : start + BATCH], start):
                    if progress:
                        progress(i, len(files), path.name)
                    ready = ahead.result()
                    if i + 1 < len(files):
                        ahead = reader.submit(_read, files[i + 1], keys)
                    try:
                        out.append(import_package(store, path, ready))
                    except (SyncError, package.PackageError) as e:
                        out.append(_refused(store, path, str(e)))
    if progress:
        progress(len(files), len(files), "")
    return out


def _package_files(paths) -> list[Path]:
    files = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.iterdir() if f.suffix == package.SUFFIX and f.is_file())
        else:
            files.append(p)
    return files


def _refused(store: Store, path: Path, reason: str) -> Imported:
    """A refusal; at the county, logged for its team's receipt when the key names the team."""
    result = Imported(path.name, "refused", reason=reason)
    if "县里发给工作队" in reason or "注册文件" in reason:
        result.result = "skipped"
        return result
    if store.role == "county":
        try:
            header, _ = package.read_header(path.read_bytes(), path.name)
            team = next((t for t in _county_teams(store) if t["key_id"] == header.get("key_id")),
                        None)  # fmt: skip
        except (OSError, StorageError):
            team = None
        if team is not None:
            result.team = team["name"]
            with store.atomic():
                _log_inbox(store, team["id"], header, result, 0)
    return result


# -- the county's receipt, kept on the laptop -----------------------------------------------------
LAST_RECEIPT = "sync_last_receipt"  # meta key: the receipt of the newest county package imported


def _keep_receipt(store: Store, package_name: str, receipt: dict, upto: int) -> None:
    """Keep the receipt of a county package, unless one written later (further in the county's
    change log) is kept already: a package imported out of order does not replace it."""
    kept = last_receipt(store)
    if kept and int(kept.get("upto") or 0) > upto:
        return
    times = [p.get("imported_at") for p in receipt.get("packages", []) if p.get("imported_at")]
    times += [(kept or {}).get("received_at")] if (kept or {}).get("received_at") else []
    value = {**receipt, "package": package_name, "imported_at": _now(), "upto": upto,
             "received_at": max(times) if times else None}  # fmt: skip
    store.set_meta(LAST_RECEIPT, json.dumps(value, ensure_ascii=False))


def last_receipt(store: Store) -> dict | None:
    """On a laptop: the receipt of the newest county package imported ({"package",
    "imported_at", "written_at", "packages": [what the county did with each of ours],
    "conflicts": [the conflicts the county keeps for the team], "received_at": when the county
    last imported a package of ours, by this or an earlier receipt}), or None before the first.
    A receipt lists the packages imported since the county's previous receipt to the team."""
    raw = store.meta().get(LAST_RECEIPT)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def describe_conflict(store: Store, c: dict) -> dict:
    """A conflict as a person reads it: {"record": 户/成员 label, "field": the field's Chinese
    label, "mine": this register's value, "theirs": the other side's, "taken": "theirs" or
    "mine" (the value the merge kept), "mine_by"/"theirs_by": who wrote each, "mine_at"/
    "theirs_at": when}."""
    entity = ENTITIES.get(c["table_name"])
    form = FORMS.get(entity) if entity else None
    fld = form.get(c["field"]) if form else None

    def shown(raw):
        if raw is None:
            return ""
        try:
            value = json.loads(raw)
        except (TypeError, ValueError):
            value = raw
        if fld is None or value is None:
            return "" if value is None else str(value)
        try:
            return display(fld, value)
        except (TypeError, ValueError, AttributeError):
            return str(value)

    ours, other = ("lost", "won") if c["incoming_won"] else ("won", "lost")
    return {"record": record_label(store, c["table_name"], c["record_id"]),
            "field": fld.label if fld else c["field"], "mine": shown(c[f"{ours}_value"]),
            "theirs": shown(c[f"{other}_value"]), "taken": "theirs" if c["incoming_won"] else "mine",
            "mine_by": c[f"{ours}_author"] or "—", "theirs_by": c[f"{other}_author"] or "—",
            # when each value was written, read from its stamp (the writer's clock)
            "mine_at": _stamp_text(c[f"{ours}_stamp"]), "theirs_at": _stamp_text(c[f"{other}_stamp"])}  # fmt: skip


def _stamp_text(stamp: str | None) -> str:
    return M.stamp_time(stamp).replace("T", " ")[:16] if stamp else "—"


def _household_label(store: Store, hid: str | None) -> str:
    h = store.get("households", hid, include_deleted=True) if hid else None
    if h is None:
        return "户（已不在本机）"
    head = store.db.execute(
        "select name from members where household_id = ? and relation = '户主' and deleted = 0",
        [hid],
    ).fetchone()
    return f"{h.get('household_no') or ''}号户" + (f" {head[0]}" if head else "")


def record_label(store: Store, table: str, rid: str) -> str:
    word = TABLE_WORDS.get(table, table)
    rec = store.get(table, rid, include_deleted=True) if table in TABLE_WORDS else None
    if rec is None:
        return f"{word}（本机没有这条记录）"
    if table == "households":
        return _household_label(store, rid)
    if table == "members":
        return f"成员 {rec.get('name') or ''}（{_household_label(store, rec.get('household_id'))}）"
    if rec.get("household_id"):
        year = f"{rec['year']}年" if rec.get("year") else ""
        return f"{_household_label(store, rec['household_id'])} {year}{word}"
    if table == "villages":
        return f"村 {rec.get('name') or ''}"
    if rec.get("village_id"):
        v = store.get("villages", rec["village_id"], include_deleted=True)
        return f"{(v or {}).get('name') or ''} {rec.get('name') or rec.get('year') or ''}{word}"
    return word


# -- conflicts ----------------------------------------------------------------------------------
def conflicts(store: Store, *, peer_name: str | None = None, open_only: bool = True) -> list[dict]:
    sql = f"select {', '.join(_CONFLICT_COLUMNS)} from sync_conflicts where 1 = 1"
    params = []
    if open_only:
        sql += " and resolved_at is null"
    if peer_name:
        sql += " and peer = ?"
        params.append(peer_name)
    rows = store.db.execute(sql + " order by detected_at, id", params).fetchall()
    return [dict(zip(_CONFLICT_COLUMNS, r)) for r in rows]


def resolve(store: Store, conflict_id: str, keep: str) -> dict | None:
    """Decide a conflict: keep "mine" (this register's value before the package) or "theirs"
    (the package's). When the value kept is the one that lost, it is written again as a new
    change of this register, stamped now, so that it travels like any edit. Returns the
    record's {field: (old, new)} written, or None when the value stands as it is."""
    if keep not in ("mine", "theirs"):
        raise SyncError("请选择保留本机的值（mine）或对方的值（theirs）（keep mine|theirs）")
    row = store.db.execute(
        f"select {', '.join(_CONFLICT_COLUMNS)} from sync_conflicts where id = ?", [conflict_id]
    ).fetchone()
    if row is None:
        raise SyncError(f"没有编号为 {conflict_id} 的冲突（no such conflict）")
    c = dict(zip(_CONFLICT_COLUMNS, row))
    if c["resolved_at"]:
        raise SyncError(
            f"这个冲突已于 {c['resolved_at']} 处理（{c['resolution']}）（already resolved）"
        )
    lost_is_kept = (keep == "mine") == bool(c["incoming_won"])
    written = None
    with store.atomic():
        if lost_is_kept:
            value = None if c["lost_value"] is None else json.loads(c["lost_value"])
            written = M.write_raw(store, c["table_name"], c["record_id"], c["field"], value)
        store.db.conn.execute(
            "update sync_conflicts set resolved_at = ?, resolution = ?, resolved_by = ? "
            "where id = ?",
            [_now(), keep, store.operator, conflict_id],
        )
    return written


# -- status -------------------------------------------------------------------------------------
def status(store: Store) -> dict:
    """What each side last acknowledged, and what waits for a decision."""
    peers = []
    if store.role == "county":
        for t in _county_teams(store):
            p = peer(store, t["id"])
            peers.append({"team": t["name"], "villages": t["villages"], **_peer_dict(p)})
    else:
        team = team_of(store)
        if team:
            peers.append({"team": team.name, "villages": list(team.villages),
                          **_peer_dict(peer(store, COUNTY_PEER))})  # fmt: skip
    return {"role": store.role, "device": store.device_id, "last_seq": M.last_seq(store),
            "peers": peers, "open_conflicts": len(conflicts(store))}  # fmt: skip


def _peer_dict(p: Peer) -> dict:
    return {"received_at": p.received_at, "received_package": p.received_package,
            "sent_at": p.sent_at, "sent_package": p.sent_package,
            "they_acknowledged_seq": p.acked_seq, "we_applied_seq": p.received_seq}  # fmt: skip


# -- after a batch: receipts and the log ------------------------------------------------------------
def write_receipts(store: Store, results: list[Imported], folder: str | Path) -> list[Exported]:
    """At the county: a package back to every team whose packages were just imported (applied
    or refused): the receipt, with the county's changes for the team's villages."""
    names = sorted({r.team for r in results if r.team and r.result in ("applied", "refused")})
    return export(store, folder, teams=names) if names and store.role == "county" else []


def log_path(store: Store) -> Path:
    """The sync log, beside the register: one line per package imported or refused."""
    return store.path.with_name(store.path.stem + "-同步日志.txt")


def append_log(store: Store, results: list[Imported]) -> Path:
    path = log_path(store)
    with open(path, "a", encoding="utf-8") as f:
        for r in results:
            f.write("\t".join([_now(), RESULT_WORDS.get(r.result, r.result), r.team or "-",
                               r.package, f"新增{r.inserted} 采用{r.taken} 保留{r.kept} "
                               f"冲突{r.conflicts} 时间超前{r.future}", r.reason]) + "\n")  # fmt: skip
    return path


RESULT_WORDS = {"applied": "已导入", "refused": "已拒绝", "skipped": "已跳过"}


def summary_line(r: Imported) -> str:
    """One line of what happened to a package, as the CLI and the app show it."""
    if r.result != "applied":
        return f"{RESULT_WORDS[r.result]}：{r.package}：{r.reason}"
    if r.repeat:
        return f"已导入（此前已导入过，无新内容）：{r.package}"
    extra = f"，{r.conflicts} 处冲突待处理" if r.conflicts else ""
    extra += (
        f"，{r.future} 个字段的时间戳超前本机时钟一天以上（对方电脑时间可能不对）"
        if r.future
        else ""
    )
    return (f"已导入：{r.package}（{r.team}）：新增记录 {r.inserted}，采用字段 {r.taken}，"
            f"本机较新而保留 {r.kept}{extra}")  # fmt: skip
