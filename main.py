"""精准扶贫驻村帮扶台账 — start the desktop app, or run a command on a register file."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_ERROR, EXIT_INVALID = 0, 1, 2


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("fupin", appauthor=False)) / "register.db"


def _operator(args) -> str:
    if args.operator:
        return args.operator
    try:
        return os.environ.get("FUPIN_OPERATOR") or getpass.getuser()
    except Exception:
        return "未登记操作员"


def _open(args, path, **kw):
    from storage.db import open_store

    return open_store(path, operator=_operator(args), **kw)


# -- the register's passphrase (storage.cipher, storage.encryption) ------------------------------
PASSPHRASE_ENV, NEW_PASSPHRASE_ENV = "FUPIN_PASSPHRASE", "FUPIN_NEW_PASSPHRASE"
_NO_TERMINAL = f"（设置环境变量 {PASSPHRASE_ENV}，或在终端中运行以输入口令）"


def _unlock(path) -> None:
    """An encrypted register's passphrase, $FUPIN_PASSPHRASE or asked on the terminal (three
    tries): its key is then remembered, in this process only, for every connection the command
    opens (workers, backups). A plain file asks nothing."""
    from storage import cipher

    if not cipher.is_encrypted(path) or cipher.knows(path):
        return
    given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        cipher.unlock(path, given)
        return
    if not sys.stdin.isatty():
        raise UserError(cipher.needed_message(path) + _NO_TERMINAL)
    for tries_left in (2, 1, 0):
        try:
            cipher.unlock(path, getpass.getpass(f"{Path(path).name} 的数据库口令（passphrase）："))
            return
        except cipher.WrongPassphrase:
            if not tries_left:
                raise
            print("口令不对，请再输入一次（wrong passphrase）", file=sys.stderr)


def _current_passphrase(path) -> str:
    """The passphrase a file has now: $FUPIN_PASSPHRASE, else asked once on the terminal."""
    given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise UserError(f"需要 {path} 当前的口令" + _NO_TERMINAL)
    return getpass.getpass("当前的数据库口令（passphrase）：")


def _new_passphrase(env: str) -> str:
    """A passphrase to set: $env, else typed twice on the terminal."""
    given = os.environ.get(env)
    if given is not None:
        return given
    if not sys.stdin.isatty():
        raise UserError(f"需要新的口令（设置环境变量 {env}，或在终端中运行以输入口令）")
    phrase = getpass.getpass("新的数据库口令（new passphrase）：")
    if getpass.getpass("再输入一次（again）：") != phrase:
        raise UserError("两次输入的口令不一致，未作任何改动（passphrases differ）")
    return phrase


def _locked(args):
    """The register's lock (storage.lock) for a whole-file operation: not while a window has
    it open."""
    from storage.lock import RegisterLock

    return RegisterLock.acquire(args.file, _operator(args))


def cmd_encrypt(args) -> int:
    from storage import encryption

    phrase = _new_passphrase(PASSPHRASE_ENV)
    lock = _locked(args)
    try:
        done = encryption.encrypt(args.file, phrase)
    finally:
        lock.release()
    print(f"{done.summary()}：{args.file}")
    print(
        "请牢记口令：忘记口令时，这个数据库和它的备份都无法再打开（见 README 的 Encryption 一节）。"
    )
    return EXIT_OK


def cmd_decrypt(args) -> int:
    from storage import encryption

    phrase = _current_passphrase(args.file)
    lock = _locked(args)
    try:
        done = encryption.decrypt(args.file, phrase)
    finally:
        lock.release()
    print(f"{done.summary()}：{args.file}")
    return EXIT_OK


def cmd_passphrase(args) -> int:
    from storage import encryption

    old = _current_passphrase(args.file)
    new = _new_passphrase(NEW_PASSPHRASE_ENV)
    lock = _locked(args)
    try:
        done = encryption.change_passphrase(args.file, old, new)
    finally:
        lock.release()
    print(f"{done.summary()}：{args.file}")
    return EXIT_OK


# -- commands ------------------------------------------------------------------------------------
def cmd_init(args) -> int:
    from storage.operations import open_register

    path = Path(args.file)
    if path.exists() and path.stat().st_size > 0:
        store = _open(args, path)  # refuses a foreign file, upgrades an old one
        print(f"数据库已存在，版本 {store.schema_version}：{path}")
        store.close()
        return EXIT_OK
    # a new register gets the reference policy values
    store = open_register(path, create=True, role=args.role, operator=_operator(args))
    print(f"已创建数据库（{'县级' if args.role == 'county' else '村级'}）：{path}")
    store.close()
    return EXIT_OK


def cmd_demo(args) -> int:
    from storage.operations import write_demo

    path = Path(args.file)
    if path.exists() and path.stat().st_size > 0:
        raise UserError(f"文件已存在，演示数据只写入新文件：{path}（file exists）")

    def progress(done, total):
        if sys.stderr.isatty() or args.progress:
            print(f"\r生成演示数据：{done}/{total} 个村", end="", file=sys.stderr, flush=True)

    counts = write_demo(
        path,
        villages=args.villages,
        households=args.households,
        seed=args.seed,
        operator=_operator(args),
        progress=progress,
    )
    print(
        f"\n已生成演示数据：{counts['villages']} 个村，{counts['households']} 户，"
        f"{counts['members']} 人 → {path}",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_export(args) -> int:
    from storage.interchange import export_register, write_json

    store = _open(args, args.file)
    data = export_register(store, args.village)
    store.close()
    write_json(data, args.out)
    print(f"已导出 {len(data['villages'])} 个村、{len(data['households'])} 户 → {args.out}")
    return EXIT_OK


def cmd_import(args) -> int:
    from storage.interchange import InterchangeError, read_json
    from storage.operations import import_register

    data = read_json(args.input)  # a malformed file is refused before the database is opened
    store = _open(args, args.file)
    try:
        counts, _changes = import_register(store, data)
    except InterchangeError as e:
        print(str(e), file=sys.stderr)
        for p in e.problems:
            print(f"  {p}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        store.close()
    skipped = f"，跳过 {counts['skipped']}（本机已删除的记录不恢复）" if counts["skipped"] else ""
    print(
        f"导入完成：新增 {counts['inserted']}，更新 {counts['updated']}，"
        f"未变 {counts['unchanged']}{skipped}"
    )
    _print_import_duplicates(counts.get("duplicates") or [])
    return EXIT_OK


def cmd_import_xlsx(args) -> int:
    from storage import xlsx_import as X
    from storage.operations import import_xlsx
    from storage.xlsx_read import WorkbookError

    skipped: list[str] = []
    _stage("正在读取工作簿…")
    try:
        sheets = X.read(args.input, args.sheet, skipped)  # refused before the register is opened
        store = _open(args, args.file)
    except WorkbookError as e:
        print(str(e), file=sys.stderr)
        return EXIT_INVALID
    try:
        if args.mapping:
            mapping = X.read_mapping(args.mapping, sheets)
        else:
            mapping = X.propose_mapping(sheets)
            print(
                "列对应（按列标题自动识别；要改正，用 --save-mapping 存出后编辑，再用 --mapping）："
            )
            print("\n".join(X.describe_mapping(sheets, mapping)))
        for name in skipped:
            print(f"工作表“{name}”中没有台账的表头，未读取")
        if args.save_mapping:
            Path(args.save_mapping).write_text(
                json.dumps(X.mapping_to_json(sheets, mapping), ensure_ascii=False, indent=2),
                encoding="utf-8",
            )
        _stage(f"正在逐行检查 {sum(len(s.rows) for s in sheets)} 行…")
        plan = X.plan_import(store, sheets, mapping, village_code=args.village, year=args.year)
        c = plan.counts
        print(
            f"检查了 {c['rows']} 行：新增户 {c['households_new']}，已有户 {c['households_matched']}，"
            f"新增成员 {c['members_new']}，已有成员 {c['members_matched']}；"
            f"有问题的户 {c['households_rejected']}（{c['rows_rejected']} 行）"
            + (f"；跳过合计行 {c['totals_skipped']}" if c["totals_skipped"] else "")
        )
        for note in plan.notes:
            print(f"  说明：{note}")
        for p in plan.problems:
            print(f"  {p}", file=sys.stderr)
        if args.rejected and plan.rejected_rows:
            n = X.write_rejected(plan, args.rejected)
            print(
                f"有问题的 {n} 行已导出到 {args.rejected}（最后一列是错误原因），改正后可重新导入"
            )
        if plan.problems and not args.valid_only:
            print(
                f"有 {len(plan.problems)} 处问题，未导入任何数据。改正后重新导入，或加 --valid-only "
                "只导入没有问题的户（加 --rejected 文件.xlsx 导出有问题的行）",
                file=sys.stderr,
            )
            return EXIT_INVALID
        if args.dry_run:
            print("试导入：检查完毕，未写入任何数据（dry run）")
            return EXIT_OK
        _stage("正在备份并写入…")
        counts, _ = import_xlsx(store, plan)
    except WorkbookError as e:
        print(str(e), file=sys.stderr)
        return EXIT_INVALID
    finally:
        store.close()
    print(
        f"导入完成：新增户 {counts['households_added']}，更改户 {counts['households_changed']}，"
        f"新增成员 {counts['members_added']}，更改成员 {counts['members_changed']}，"
        f"收支 {counts['finances']}，新增社 {counts['groups_added']}；"
        f"未变的户 {counts['households_unchanged']}，未变的成员 {counts['members_unchanged']}"
    )
    return EXIT_OK


def _stage(text: str) -> None:
    """What a long command is doing, on a terminal (a county's workbook takes minutes)."""
    if sys.stderr.isatty():
        print(text, file=sys.stderr, flush=True)


def cmd_export_xlsx(args) -> int:
    from storage.xlsx_export import export_xlsx

    store = _open(args, args.file)
    try:
        out = export_xlsx(
            store, args.out, layout=args.layout, village_code=args.village, year=args.year
        )
    finally:
        store.close()
    print(f"已导出 {out['villages']} 个村 {out['rows']} 行（{out['year']}年）到 {args.out}")
    return EXIT_OK


def cmd_backup(args) -> int:
    from storage import backup

    target = Path(args.dest)
    out = (
        backup.to_folder(args.file, target)
        if target.is_dir()
        else backup.to_file(args.file, target)
    )
    print(f"已备份到 {out}（{out.stat().st_size // 1024} KB，已读回检查）")
    return EXIT_OK


def cmd_restore(args) -> int:
    from storage import backup

    before = backup.restore(args.backup, args.file)
    print(f"已用 {args.backup} 恢复 {args.file}")
    if before is not None:
        print(f"恢复前的数据库已备份为 {before.path}；要撤销这次恢复，用它再恢复一次")
    return EXIT_OK


def cmd_backups(args) -> int:
    from storage import backup

    folder = backup.folder_for(args.file)
    found = backup.backups(folder)
    print(f"{args.file} 的备份（{folder}）：{len(found)} 个")
    for b in found:
        print(f"  {b.taken:%Y-%m-%d %H:%M:%S}  {b.reason}  {b.size // 1024} KB  {b.path}")
    return EXIT_OK


def cmd_verify(args) -> int:
    """The register against its own history: exit 0 when it all agrees, 2 with findings."""
    from storage.verify import verify

    store = _open(args, args.file)
    try:
        result = verify(store, progress=_stage)
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    elif result.ok:
        seq, head = result.head
        print(f"校验通过：{result.log_rows} 条变更记录首尾相接，{result.records} 条记录与历史"
              f"一致（链尾 第 {seq} 条 {head[:12]}）（verified）")  # fmt: skip
    else:
        print(f"发现 {len(result.findings)} 处与历史不符（{result.log_rows} 条变更记录，"
              f"{result.records} 条记录）（findings）：")  # fmt: skip
        for f in result.findings:
            print(f"  [{f.kind}] {f.message}")
    if result.unchecked:
        print(f"注：{result.unchecked} 条记录的最后一次修改早于校验链，只核对了之后的修改")
    for note in result.notes if args.format != "json" else ():
        print(f"请核实：{note}")
    return EXIT_OK if result.ok else EXIT_INVALID


def _print_import_duplicates(found: list[dict]) -> None:
    """The import's 疑点: stored, not refused; the clerk decides with `duplicates`."""
    from storage.duplicates import Duplicate, describe

    if not found:
        return
    print(
        f"疑点：{len(found)} 个身份证号登记在不止一户（已导入，未拒绝；"
        "请用 duplicates 命令核查并处理）（ID numbers held in more than one household）"
    )
    for d in found:
        print(f"  {describe(Duplicate.from_dict(d))}")


def cmd_duplicates(args) -> int:
    """The 疑点 of one person in two places: list them, or record a clerk's decision."""
    from storage.duplicates import DECISIONS, find_duplicates, group_of
    from storage.operations import decide_different_people, decide_same_person
    from storage.register import find_village

    if args.same and args.different:
        raise UserError("--same 与 --different 只能选一个（one decision at a time）")
    if args.same and not args.keep:
        raise UserError("--same 需要 --keep 保留的成员 ID（which member is kept）")
    if args.different and not (args.member and args.new_id):
        raise UserError(
            "--different 需要 --member 成员 ID 和 --new-id 更正后的身份证号"
            "（which member, and the corrected number）"
        )
    store = _open(args, args.file)
    try:
        if args.same:
            group = group_of(store, args.same)
            decide_same_person(store, args.same, args.keep, args.note or "")
            print(
                f"已记录：身份证号 {args.same} 为同一人，保留成员 {args.keep}，其余已从所在户删除"
            )
            _print_emptied(store, group)
            return EXIT_OK
        if args.different:
            changes = decide_different_people(
                store, args.different, args.member, args.new_id, args.note or ""
            )
            new = changes.diff["id_number"][1]
            print(
                f"已记录：不同人，成员 {args.member} 的身份证号已由 {args.different} 更正为 {new}"
            )
            return EXIT_OK
        village_ids = None
        if args.village:
            village = find_village(store, args.village)
            if village is None:
                raise UserError(f"没有行政区划代码为 {args.village} 的村（village not found）")
            village_ids = {village["id"]}
        found = find_duplicates(store, village_ids, include_decided=args.all)
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps([d.to_dict() for d in found], ensure_ascii=False, indent=1))
        return EXIT_OK
    for n, d in enumerate(found, 1):
        state = "待处理" if d.open else "已处理"
        print(f"疑点 {n}（{state}）：身份证号 {d.id_number}，{len(d.members)} 处登记")
        for m in d.members:
            print(
                f"  {m.name}  户主 {m.head_name or '（无户主）'}  "
                f"{m.village_name}（{m.village_code}）{m.group_name or ''}  "
                f"{m.household_no or '（无户编号）'}号户  成员ID {m.member_id}"
            )
        if d.decision:
            dec = d.decision
            what = DECISIONS.get(dec["decision"], dec["decision"])
            detail = (
                f"保留成员 {dec['keep_member_id']}"
                if dec["decision"] == "same"
                else f"成员 {dec['corrected_member_id']} 更正为 {dec['new_id_number']}"
            )
            note = f"，备注：{dec['note']}" if dec.get("note") else ""
            print(
                f"  已记录的处理：{what}，{detail}（{dec['decided_by']} {dec['decided_at']}）{note}"
            )
    opened = sum(d.open for d in found)
    print(
        f"共 {opened} 个待处理的疑点（身份证号重复登记）"
        + ("" if opened == len(found) else f"，{len(found) - opened} 个已处理")
    )
    return EXIT_OK


def _print_emptied(store, group) -> None:
    """A household the decision left with nobody in it stays: leaving the register is 清退."""
    for m in group.members:
        if store.get("members", m.member_id) is None and not store.find(
            "members", "household_id = ?", [m.household_id]
        ):
            print(
                f"注意：{m.village_name}{m.household_no or ''}号户已无成员，该户仍在台账中；"
                "如属重复建档，请按清退程序处理（the household has no members left）"
            )


def _year(args, store) -> int:
    from storage.register import default_year, policy_years

    years = policy_years(store)
    year = args.year or default_year(store)
    if year is None or year not in years:
        known = "、".join(map(str, years)) or "无"
        raise UserError(
            f"没有 {year} 年的政策参数（贫困线），已有年度：{known}（unknown year {year}）"
        )
    return year


def cmd_check(args) -> int:
    from forms.criteria.batch import bulk

    store = _open(args, args.file)
    year = _year(args, store)
    with bulk():  # a county is ~600,000 dicts read by three levels of rules
        result = _check(args, store, year)
    store.close()
    _emit(result, args.format)
    return EXIT_OK


def _check(args, store, year: int) -> dict:
    from forms.criteria.county import evaluate_county
    from forms.criteria.household import evaluate_household
    from storage import snapshots
    from storage.register import find_village

    if args.household:
        snap = snapshots.household_snapshot(store, args.household, year)
        if snap is None:
            raise UserError(f"没有这一户：{args.household}（household not found）")
        result = evaluate_household(snap).to_dict()
        result["household_no"] = snap["household"]["household_no"]
        return result
    if args.village:
        village = find_village(store, args.village)
        if village is None:
            raise UserError(f"没有行政区划代码为 {args.village} 的村（village not found）")
        return _village_result(snapshots.village_snapshot(store, village, year))
    counties = sorted({v["county"] for v in store.find("villages")})
    if not counties:
        raise UserError("数据库中还没有村（no villages）")
    county = args.county_name or counties[0]
    if county not in counties:
        raise UserError(f"没有县区“{county}”，已有：{'、'.join(counties)}（county not found）")
    snap = snapshots.county_snapshot(store, county, year)
    # Per village the 17 criteria and a tally of its households' 12 (the households' own
    # reasons are `check --village`'s: for 75,000 households they would be ~400 MB of JSON).
    return {
        "year": year,
        "county": county,
        "villages": [_village_result(v, summary=True) for v in snap["villages"]],
        "county_criteria": evaluate_county(snap).to_dict()["criteria"],
    }


def _village_result(vsnap: dict, summary: bool = False) -> dict:
    from forms.criteria.batch import evaluate_households
    from forms.criteria.result import STATUSES
    from forms.criteria.village import evaluate_village

    results = evaluate_households(vsnap["households"])
    out = {
        "year": vsnap["year"],
        "village_code": vsnap["village"]["code"],
        "village_name": vsnap["village"]["name"],
    }
    closed = next((r.closed for r in results if r.closed), "")
    if closed:  # a closed year: the figures come from the frozen record
        out["closed"] = closed
    if summary:
        tally = {status: [0] * 12 for status in STATUSES}
        for r in results:
            for c in r.criteria:
                tally[c.status][c.no - 1] += 1
        out["households"] = len(results)
        out["eligible_to_exit"] = sum(r.eligible_to_exit for r in results)
        out["household_criteria"] = [
            {"no": no, **{s: tally[s][no - 1] for s in tally}} for no in range(1, 13)
        ]
    else:
        out["households"] = [
            {**r.to_dict(), "household_no": h["household"]["household_no"]}
            for h, r in zip(vsnap["households"], results)
        ]
    out["village_criteria"] = evaluate_village(vsnap).to_dict()["criteria"]
    return out


def cmd_close_year(args) -> int:
    from storage.operations import close_year

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():  # a county's 150 villages take ~35 s
            print(f"\r正在封存：{done + 1}/{total} 个村", end="", file=sys.stderr, flush=True)

    store = _open(args, args.file)
    try:
        counts, _ = close_year(store, args.year, args.village, progress)
    finally:
        store.close()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        f"{args.year}年度已封存：{counts['villages']}个村，{counts['households']}户的指标数据和判定"
    )
    return EXIT_OK


def cmd_reopen_year(args) -> int:
    from storage.operations import reopen_year

    store = _open(args, args.file)
    try:
        n, _ = reopen_year(store, args.year, args.reason, args.village)
    finally:
        store.close()
    print(f"{args.year}年度已重新开启：{n}个村（原因：{args.reason.strip()}）")
    return EXIT_OK


def cmd_procedure(args) -> int:
    """Record a step of a household's procedure, or list its procedures."""
    from datetime import date

    from storage import procedures as PR
    from storage.operations import record_procedure_step
    from storage.register import find_village

    store = _open(args, args.file)
    try:
        vid = None
        if args.village:
            v = find_village(store, args.village)
            if v is None:
                raise UserError(f"数据库中没有行政区划代码为 {args.village} 的村")
            vid = v["id"]
        households = [PR.find_household(store, h, vid) for h in args.household]
        if args.step:
            if not args.date:
                raise UserError("登记步骤需要 --date（日期，如 2017-10-09）")
            done, _ = record_procedure_step(
                store,
                [h["id"] for h in households],
                args.step,
                args.date,
                kind=args.kind,
                year=args.year,
                days=args.days,
                document=args.document,
                note=args.note,
                reason=args.reason,
            )
            for h in households:
                p = PR.procedures_of(store, h["id"])[-1]
                print(
                    f"户{h['household_no']}：已登记{p.kind.name}程序“{done.step.name}”"
                    f"（{args.date}）→ {p.label(date.today())}"
                )
            for hid in done.completed:
                h = store.get("households", hid)
                print(f"户{h['household_no']}：户状态已变更为{h['status']}")
            return EXIT_OK
        out = [_procedure_out(store, h) for h in households]
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return EXIT_OK
    for h in out:
        print(f"户{h['household_no']}（{h['status']}）")
        if not h["procedures"]:
            print("  尚未开始任何程序")
        for p in h["procedures"]:
            print(f"  {p['title']}（{p['year']}年）：{p['state']}")
            for s in p["steps"]:
                extra = "，".join(
                    x
                    for x in (
                        f"公示{s['days']}天" if s.get("days") else "",
                        _checked_words(s),
                        s.get("document") or "",
                        f"原因：{s['reason']}" if s.get("reason") else "",
                        s.get("note") or "",
                        f"登记：{s['recorded_by']}" if s.get("recorded_by") else "",
                    )
                    if x
                )
                print(
                    f"    {s['seq']:>2}. {s['date']}  {s['step']}"
                    + (f"（{extra}）" if extra else "")
                )
    return EXIT_OK


def _checked_words(step: dict) -> str:
    """What a checking step (12项核查, 销号) found, as frozen with it."""
    if "unmet" not in step:
        return ""
    unmet = step["unmet"]
    return "12项指标全部达标" if not unmet else "未达标：" + "、".join(f"第{n}项" for n in unmet)


def _procedure_out(store, household) -> dict:
    from datetime import date

    from storage import procedures as PR

    keep = ("seq", "step", "date", "days", "document", "note", "reason", "recorded_by")
    return {
        "household_no": household["household_no"],
        "status": household["status"],
        "procedures": [
            {
                "kind": p.kind.name,
                "title": p.kind.title,
                "year": p.year,
                "state": p.label(date.today()),
                "open": p.open,
                "steps": [
                    {
                        **{k: r.get(k) for k in keep if r.get(k) is not None},
                        **({"unmet": json.loads(r["unmet"])} if r.get("unmet") else {}),
                    }
                    for r in p.rows
                ],
            }
            for p in PR.procedures_of(store, household["id"])
        ],
    }


def cmd_movements(args) -> int:
    """The year's in/out list (新识别、脱贫、返贫、清退) and plan vs actual."""
    from storage import procedures as PR
    from storage.register import find_village

    store = _open(args, args.file)
    try:
        vid = None
        if args.village:
            v = find_village(store, args.village)
            if v is None:
                raise UserError(f"数据库中没有行政区划代码为 {args.village} 的村")
            vid = v["id"]
        moved = PR.movements(store, args.year, vid)
        plans = PR.plan_vs_actual(store, args.year, vid, moved=moved)
        names = {v["id"]: v["name"] for v in store.find("villages")}
    finally:
        store.close()
    out = {
        "year": args.year,
        "movements": {
            what: {
                "households": len(rows),
                "people": sum(m.people for m in rows),
                "list": [
                    {
                        "village": names.get(m.household["village_id"], ""),
                        "household_no": m.household["household_no"],
                        "head": m.head,
                        "people": m.people,
                        "date": m.date,
                    }
                    for m in rows
                ],
            }
            for what, rows in moved.items()
        },
        "plan": [
            {
                "village_code": p.village["code"],
                "village": p.village["name"],
                "task_households": p.task_households,
                "task_people": p.task_people,
                "proposed_households": p.proposed_households,
                "proposed_people": p.proposed_people,
                "planned_households": p.planned_households,
                "planned_people": p.planned_people,
                "exited_households": p.exited_households,
                "exited_people": p.exited_people,
            }
            for p in plans
        ],
    }
    if args.format == "json":
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return EXIT_OK
    print(f"{args.year}年进出名单")
    for what, m in out["movements"].items():
        print(f"  {what}：{m['households']}户 {m['people']}人")
        if vid:
            for r in m["list"]:
                print(f"    {r['household_no']} {r['head']}（{r['people']}人）{r['date']}")
    print(f"{args.year}年减贫计划与完成")
    print("  村  任务户数/人数  计划脱贫户数/人数  实际脱贫户数/人数")
    for p in out["plan"]:
        task = (
            f"{p['task_households']}/{p['task_people']}"
            if p["task_households"] is not None
            else "未下达"
        )
        print(
            f"  {p['village']}  {task}  {p['planned_households']}/{p['planned_people']}"
            f"  {p['exited_households']}/{p['exited_people']}"
        )
    if len(out["plan"]) > 1:
        t = [sum(p[k] or 0 for p in out["plan"]) for k in ("task_households", "task_people")]
        a = [sum(p[k] for p in out["plan"]) for k in ("exited_households", "exited_people")]
        print(f"  合计  {t[0]}/{t[1]}  —  {a[0]}/{a[1]}")
    return EXIT_OK


def cmd_plan(args) -> int:
    """A village's yearly exit task (county) or the team's proposal."""
    from storage import procedures as PR
    from storage.operations import propose_exit_plan, set_exit_plan
    from storage.register import find_village

    store = _open(args, args.file)
    try:
        v = find_village(store, args.village)
        if v is None:
            raise UserError(f"数据库中没有行政区划代码为 {args.village} 的村")
        if args.households is not None or args.people is not None:
            write = propose_exit_plan if args.propose else set_exit_plan
            write(store, v["id"], args.year, args.households, args.people, args.note)
            print(
                f"已保存{v['name']}{args.year}年" + ("减贫计划建议" if args.propose else "减贫任务")
            )
        plan = PR.exit_plan(store, v["id"], args.year) or {}
    finally:
        store.close()
    task = (
        f"{plan['households']}户{plan.get('people') or 0}人"
        if plan.get("households") is not None
        else "未下达"
    )
    print(f"{v['name']}{args.year}年减贫任务：{task}")
    if plan.get("proposed_households") is not None:
        print(
            f"工作队建议：{plan['proposed_households']}户{plan.get('proposed_people') or 0}人"
            f"（{plan.get('proposed_by') or ''}）"
        )
    return EXIT_OK


def cmd_lint(args) -> int:
    from forms.criteria.quality import lint, lint_village_facts
    from storage import snapshots
    from storage.register import find_village, list_villages, village_facts

    store = _open(args, args.file)
    year = _year(args, store)
    if args.village:
        village = find_village(store, args.village)
        if village is None:
            raise UserError(f"没有行政区划代码为 {args.village} 的村（village not found）")
        villages = [village]
        snaps = snapshots.household_snapshots(store, year, village_id=village["id"])
    else:
        villages = list_villages(store)
        snaps = snapshots.household_snapshots(store, year)
    found = [
        i
        for v in villages
        for i in lint_village_facts(v, village_facts(store, v["id"], year), year)
    ]
    store.close()
    found += lint(snaps, year)
    issues = [i.to_dict() for i in found]
    if args.format == "json":
        print(json.dumps({"year": year, "issues": issues}, ensure_ascii=False, indent=1))
    else:
        for i in issues:
            print(f"{i['code']}  {'错误' if i['severity'] == 'error' else '提示'}  {i['message']}")
        print(f"共 {len(issues)} 条疑点")
    return EXIT_OK


def _mark(status: str) -> str:
    """ "✘ 未达标": the status's mark and word (forms.criteria.result.LOOKS)."""
    from forms.criteria.result import LOOKS

    look = LOOKS[status]
    return f"{look.mark} {look.word}"


def _figure(value) -> str:
    from forms.criteria.result import plain

    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return plain(value)
    if isinstance(value, (list, tuple)):
        return "、".join(map(_figure, value)) or "无"
    if isinstance(value, dict) and {"yes", "total"} <= value.keys():  # a share (Share.figures)
        text = f"{value['yes']}/{value['total']}"
        if value.get("pct") is not None:
            text += f" {plain(value['pct'])}%"
        return text + (f"（另有 {value['unknown']} 数据不全）" if value.get("unknown") else "")
    if isinstance(value, dict):
        return "（" + "，".join(f"{k} {_figure(v)}" for k, v in value.items()) + "）"
    return str(value)


def _figures(c: dict, indent: str) -> None:
    """The figures the rule computed (CriterionResult.figures), as given: nothing recomputed."""
    from forms.criteria.figures import figure_label

    if c.get("figures"):
        print(
            f"{indent}数据："
            + "；".join(f"{figure_label(k)} {_figure(v)}" for k, v in c["figures"].items())
        )


def _emit(result: dict, fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    from forms.criteria.result import LOOKS, UNKNOWN, UNMET

    if "criteria" in result:
        _print_household(result)
        return
    for village in result.get("villages", [result]):
        print(
            f"== {village.get('village_name', '')} {village['village_code']}  "
            f"{village['year']} 年 =="
        )
        if village.get("closed"):
            print(f"  {village['closed']}")
        if isinstance(village["households"], int):
            unmet = "  ".join(f"{c['no']}:{c['unmet']}" for c in village["household_criteria"])
            print(
                f"  {village['households']} 户，可脱贫 {village['eligible_to_exit']} 户；"
                f"各项未达标户数  {unmet}"
            )
            failed = [str(c["no"]) for c in village["village_criteria"] if c["status"] == UNMET]
            print(f"  村级17项{LOOKS[UNMET].word}：{'、'.join(failed) or '无'}")
            continue
        for h in village["households"]:
            unmet = [str(c["no"]) for c in h["criteria"] if c["status"] == UNMET]
            unknown = [str(c["no"]) for c in h["criteria"] if c["status"] == UNKNOWN]
            print(
                f"  {h['household_no']:>6}  {'可脱贫' if h['eligible_to_exit'] else '未达标'}"
                f"  {LOOKS[UNMET].word}: {','.join(unmet) or '—'}"
                f"  {LOOKS[UNKNOWN].word}: {','.join(unknown) or '—'}"
            )
        print("  村级17项：")
        for c in village["village_criteria"]:
            print(
                f"  {c['no']:>2}. {_mark(c['status']):<6} {c['title']}  {'；'.join(c['reasons'])}"
            )
            _figures(c, "      ")
    for c in result.get("county_criteria", []):
        print(f"县 {c['no']:>2}. {_mark(c['status']):<6} {c['title']}  {'；'.join(c['reasons'])}")
        _figures(c, "       ")


def _print_household(result: dict) -> None:
    print(
        f"户 {result.get('household_no', '')}  {result['year']} 年  "
        f"{'可以脱贫' if result['eligible_to_exit'] else '尚不能脱贫'}"
    )
    if result.get("closed"):
        print(f"  {result['closed']}")
    for c in result["criteria"]:
        print(f"{c['no']:>3}. {_mark(c['status']):<6} {c['title']}")
        for r in c["reasons"]:
            print(f"       {r}")
        _figures(c, "       ")


def _date_option(value: str | None, option: str):
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"{option} 的日期应写成 2017-06-30，而不是 {value}（bad date）") from None


def cmd_report(args) -> int:
    from datetime import date

    from reports.batch import ReportError, ReportOptions, county_reports, village_report

    options = ReportOptions(
        paper=args.paper,
        landscape=args.landscape,
        tile_paper=args.tile,
        since=_date_option(args.since, "--since"),
        start=_date_option(args.start, "--start"),
        end=_date_option(args.end, "--end"),
        notice=args.notice,
    )
    posting = _date_option(args.date, "--date") or date.today()
    title = options.title(args.kind)
    store = _open(args, args.file)
    notes: list[str] = []
    try:
        year = _year(args, store)
        if args.county:

            def progress(done: int, total: int, name: str) -> None:
                if sys.stderr.isatty() or args.progress:
                    filled = 30 * done // max(total, 1)
                    print(
                        f"\r{title} [{'#' * filled}{'.' * (30 - filled)}] "
                        f"{done}/{total} 个村 {name:<8}",
                        end="",
                        file=sys.stderr,
                        flush=True,
                    )

            paths = county_reports(
                store,
                year,
                args.kind,
                args.out,
                options,
                posting_date=posting,
                progress=progress,
                notes=notes,
            )
            if sys.stderr.isatty() or args.progress:
                print(file=sys.stderr)
            print(f"已生成 {len(paths)} 个村的{title}（{year}年）→ {args.out}")
        else:
            path = village_report(
                store,
                args.village,
                year,
                args.kind,
                args.out,
                options,
                posting_date=posting,
                notes=notes,
            )
            print(f"已生成{title}（{year}年）→ {path}")
    except ReportError as e:
        raise UserError(str(e)) from None
    finally:
        store.close()
    for note in notes:
        print(f"注意：{note}", file=sys.stderr)
    return EXIT_OK


def cmd_policy(args) -> int:
    """Show the yearly policy values, or set some of one year's."""
    from forms.entities import POLICY
    from storage.operations import set_policy
    from storage.register import ValidationError, policy_for, policy_years

    store = _open(args, args.file)
    try:
        given = {
            f.key: getattr(args, f.key)
            for f in POLICY.fields
            if f.key != "year" and getattr(args, f.key) is not None
        }
        if given:
            if args.year is None:
                raise UserError("修改政策参数需要 --year（which year）")
            try:
                current = {
                    k: v
                    for k, v in (policy_for(store, args.year) or {}).items()
                    if k in POLICY and k != "year"
                }
                set_policy(store, args.year, {**current, **given})
            except ValidationError as e:
                raise UserError(f"{args.year}年政策参数有误：{e}") from None
            print(f"已保存 {args.year} 年政策参数")
        years = [args.year] if args.year is not None else policy_years(store)
        rows = [policy_for(store, y) for y in years]
    finally:
        store.close()
    fields = [f for f in POLICY.fields if f.key != "year"]
    print("年度  " + "  ".join(f"{f.label}（{f.unit}）" if f.unit else f.label for f in fields))
    for year, row in zip(years, rows):
        cells = ["—" if not row or row.get(f.key) is None else f"{row[f.key]:g}" for f in fields]
        print(f"{year}  " + "  ".join(cells))
    return EXIT_OK


def cmd_gui(args) -> int:
    path = Path(args.db) if args.db else default_db_path()
    from gui.app import run

    return run(path, operator=args.operator)


# -- argument parsing ----------------------------------------------------------------------------
def _step_names() -> list[str]:
    from forms.procedures import step_names

    return step_names()


def _passphrase(confirm: bool, register) -> str:
    """The enrolment's one-time passphrase: $FUPIN_ENROL_PASSPHRASE (scripts, tests), else asked
    on the terminal. $FUPIN_PASSPHRASE, as before, for a plain register only: an encrypted
    register's passphrase in it must never become what the team is told."""
    from storage import cipher

    given = os.environ.get("FUPIN_ENROL_PASSPHRASE")
    if given is None and not cipher.is_encrypted(register):
        given = os.environ.get(PASSPHRASE_ENV)
    if given is not None:
        return given
    phrase = getpass.getpass("一次性口令（passphrase）：")
    if confirm and getpass.getpass("再输入一次（again）：") != phrase:
        raise UserError("两次输入的口令不一致（passphrases differ）")
    return phrase


def cmd_sync_team(args) -> int:
    from storage.operations import register_team

    out = Path(args.out)
    if not out.is_dir():
        raise UserError(f"--out 应为一个已有的文件夹（U盘）：{out}（not a folder）")
    store = _open(args, args.file)
    try:
        team, path = register_team(
            store, args.name, args.village, _passphrase(True, args.file), out
        )
    finally:
        store.close()
    print(f"已登记工作队“{team.name}”（{'、'.join(team.villages)}），注册文件 → {path}")
    print("请把一次性口令当面告诉工作队，不要写在U盘上。")
    return EXIT_OK


def cmd_sync_enroll(args) -> int:
    from storage.operations import enroll

    store = _open(args, args.file)
    try:
        team = enroll(store, Path(args.enrolment), _passphrase(False, args.file))
    finally:
        store.close()
    print(f"本机已注册为工作队“{team.name}”：{team.county} {'、'.join(team.villages)}")
    return EXIT_OK


def cmd_sync_export(args) -> int:
    from storage.operations import sync_export

    store = _open(args, args.file)
    try:
        written = sync_export(store, Path(args.dir), teams=args.team or None)
    finally:
        store.close()
    for e in written:
        left = f"（{e.left_out} 条不属于本队的村的记录未发送）" if e.left_out else ""
        print(f"已写出：{e.path}（{e.team}：{e.records} 条记录，{e.fields} 个字段）{left}")
    return EXIT_OK


def cmd_sync_import(args) -> int:
    from storage import sync
    from storage.operations import sync_import_file

    many = len(args.packages) > 1 or Path(args.packages[0]).is_dir()
    folder = None if args.no_receipt else Path(args.receipts or _folder_of(args.packages))
    batch = sync_import_file(Path(args.file), [Path(p) for p in args.packages],
                             operator=_operator(args), progress=_progress if many else None,
                             receipts_folder=folder)  # fmt: skip
    for r in batch.results:
        print(sync.summary_line(r))
        for p in (r.receipt or {}).get("packages", []):
            word = sync.RESULT_WORDS.get(p["result"], p["result"])
            print(
                f"  县里回执：{p['package']}：{word}" + (f"：{p['reason']}" if p["reason"] else "")
            )
    for e in batch.receipts:
        print(f"回执 → {e.path}")
    print(f"日志：{batch.log}")
    if batch.receipt_error:
        print(f"错误：回执未能写出（数据包已导入）：{batch.receipt_error}", file=sys.stderr)
    refused = [r for r in batch.results if r.result == "refused"]
    return EXIT_INVALID if refused or batch.receipt_error else EXIT_OK


def _progress(i: int, n: int, name: str) -> None:
    if name:
        print(f"[{i + 1}/{n}] {name}", file=sys.stderr)


def _folder_of(packages: list[str]) -> Path:
    first = Path(packages[0])
    return first if first.is_dir() else first.parent


def cmd_sync_conflicts(args) -> int:
    from storage import sync

    store = _open(args, args.file)
    try:
        rows = sync.conflicts(store, open_only=not args.all)
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return EXIT_OK
    if not rows:
        print("没有待处理的冲突")
    for c in rows:
        mine, theirs = ((c["lost_value"], c["won_value"]) if c["incoming_won"]
                        else (c["won_value"], c["lost_value"]))  # fmt: skip
        done = f"  已处理：{c['resolution']}" if c["resolved_at"] else ""
        print(f"{c['id']}  {c['table_name']}.{c['field']}  记录 {c['record_id']}：本机 {mine}，"
              f"对方 {theirs}（采用了{'对方' if c['incoming_won'] else '本机'}的值；"
              f"{c['won_author']} / {c['lost_author']}）{done}")  # fmt: skip
    return EXIT_OK


def cmd_sync_resolve(args) -> int:
    from storage.operations import sync_resolve

    store = _open(args, args.file)
    try:
        changes = sync_resolve(store, args.conflict, args.keep)
    finally:
        store.close()
    print("已处理；" + ("已写入保留的值，下次同步时发出" if changes else "当前的值不变"))
    return EXIT_OK


def cmd_sync_status(args) -> int:
    from storage import sync

    store = _open(args, args.file)
    try:
        info = sync.status(store)
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps(info, ensure_ascii=False, indent=1))
        return EXIT_OK
    print(
        f"{'县级' if info['role'] == 'county' else '工作队'}数据库，设备 {info['device']}，"
        f"修改日志到第 {info['last_seq']} 条；待处理冲突 {info['open_conflicts']} 处"
    )
    for p in info["peers"]:
        print(f"{p['team']}（{'、'.join(p['villages'])}）：最近收到 {p['received_at'] or '—'}"
              f" {p['received_package'] or ''}；最近发出 {p['sent_at'] or '—'}；"
              f"对方已确认收到本机第 {p['they_acknowledged_seq']} 条为止，"
              f"本机已导入对方第 {p['we_applied_seq']} 条为止")  # fmt: skip
    return EXIT_OK


class UserError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="main.py", description="精准扶贫驻村帮扶台账")
    p.add_argument("--db", help="打开的数据库文件（默认：用户数据目录下的 register.db）")
    p.add_argument("--operator", help="操作员姓名（记入修改日志）")
    sub = p.add_subparsers(dest="command")

    s = sub.add_parser("init", help="新建数据库")
    s.add_argument("file")
    s.add_argument("--role", choices=["village", "county"], default="village")
    s.set_defaults(func=cmd_init)

    s = sub.add_parser("demo", help="生成演示数据（一个虚构的县）")
    s.add_argument("file")
    s.add_argument("--villages", type=int, default=3)
    s.add_argument("--households", type=int, default=50)
    s.add_argument("--seed", type=int, default=1)
    s.add_argument("--progress", action="store_true", help="显示进度")
    s.set_defaults(func=cmd_demo)

    s = sub.add_parser("export-json", help="导出 fupin-register/1 JSON")
    s.add_argument("file")
    s.add_argument("out")
    s.add_argument("--village", help="只导出这个村（行政区划代码）")
    s.set_defaults(func=cmd_export)

    s = sub.add_parser(
        "import-json",
        help="导入 fupin-register/1 JSON（全部成功或全部不改；身份证号重复只列为疑点）",
    )
    s.add_argument("file")
    s.add_argument("input")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser(
        "import-xlsx",
        help="导入工作队已有的 Excel 台账（花名册）：自动识别列，先检查每一行，再写入",
        description="读取 .xlsx 台账（每行一名成员，或户表 + 成员表），按列标题对应到登记册的字段；"
        "任何一行有问题时不写入，列出工作表、行、列和原因。重复导入同一工作簿不会重复登记。",
    )
    s.add_argument("file")
    s.add_argument("input", help="Excel 工作簿（.xlsx）")
    s.add_argument("--mapping", help="列对应方案（JSON，由 --save-mapping 或导入向导保存）")
    s.add_argument("--save-mapping", help="把所用的列对应方案存为 JSON")
    s.add_argument("--sheet", help="只读这个工作表")
    s.add_argument("--village", help="导入到这个村（行政区划代码）；表中没有“行政村”列时用")
    s.add_argument("--year", type=int, help="收支列所属的年度（默认当前年度）")
    s.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    s.add_argument("--valid-only", action="store_true", help="有问题的户不导入，其余照常导入")
    s.add_argument("--rejected", help="把有问题的行导出到这个工作簿（附错误原因）")
    s.set_defaults(func=cmd_import_xlsx)

    s = sub.add_parser(
        "export-xlsx",
        help="导出 Excel：花名册（国家系统的列）、12项指标表、帮扶措施台账",
    )
    s.add_argument("file")
    s.add_argument("out")
    s.add_argument("--village", help="只导出这个村（行政区划代码）")
    s.add_argument(
        "--layout",
        choices=["register", "criteria", "measures"],
        default="register",
        help="register 花名册，criteria 12项指标（第二页为原因），measures 帮扶措施",
    )
    s.add_argument("--year", type=int, help="年度（默认当前年度）")
    s.set_defaults(func=cmd_export_xlsx)

    s = sub.add_parser(
        "backup", help="把数据库备份到文件或文件夹（如U盘）：用 SQLite 备份接口写入，写后读回检查"
    )
    s.add_argument("file")
    s.add_argument("dest", help="备份文件，或文件夹（在其中写入 台账名-备份-日期时间.db）")
    s.set_defaults(func=cmd_backup)

    for name, func, text in (
        ("encrypt", cmd_encrypt, "为数据库设置口令（加密），备份一并加密；口令取自 FUPIN_PASSPHRASE 或在终端输入"),
        ("decrypt", cmd_decrypt, "取消数据库的口令（解密），备份一并解密"),
        ("passphrase", cmd_passphrase, "更改数据库口令：当前的取自 FUPIN_PASSPHRASE，新的取自 "
         "FUPIN_NEW_PASSPHRASE，或在终端输入"),
    ):  # fmt: skip
        s = sub.add_parser(name, help=text)
        s.add_argument("file")
        s.set_defaults(func=func)

    s = sub.add_parser("restore", help="用备份恢复数据库；恢复前先备份当前的数据库，恢复可以撤销")
    s.add_argument("backup")
    s.add_argument("file")
    s.set_defaults(func=cmd_restore)

    s = sub.add_parser(
        "verify",
        help="核对数据库与它的变更历史：找出在本软件之外改动的数值、被删改的变更记录、被重建的历史",
    )
    s.add_argument("file")
    s.add_argument("--format", choices=["json", "text"], default="text")
    s.set_defaults(func=cmd_verify)

    s = sub.add_parser("backups", help="列出数据库的自动备份（每日、导入前、同步前、封存前）")
    s.add_argument("file")
    s.set_defaults(func=cmd_backups)

    s = sub.add_parser(
        "duplicates",
        help="疑点：同一身份证号登记在不止一户；列出，或记录处理（同一人 / 不同人）",
        description="列出身份证号重复登记的疑点；--same 记为同一人（保留一户），"
        "--different 记为不同人（更正其中一人的身份证号）。",
    )
    s.add_argument("file")
    s.add_argument("--village", help="只列出涉及这个村（行政区划代码）的疑点")
    s.add_argument("--all", action="store_true", help="也列出已处理的疑点")
    s.add_argument("--format", choices=["json", "text"], default="text")
    s.add_argument("--same", metavar="ID_NUMBER", help="同一人：此身份证号的各成员是同一人")
    s.add_argument("--keep", metavar="MEMBER_ID", help="同一人时保留的成员（其所在户保留此人）")
    s.add_argument("--different", metavar="ID_NUMBER", help="不同人：更正其中一人的身份证号")
    s.add_argument("--member", metavar="MEMBER_ID", help="不同人时身份证号有误的成员")
    s.add_argument("--new-id", metavar="NEW_ID", help="该成员更正后的身份证号")
    s.add_argument("--note", help="处理说明（记入处理记录）")
    s.set_defaults(func=cmd_duplicates)

    s = sub.add_parser("check", help="脱贫指标核查（户12项、村17项、县19项）")
    s.add_argument("file")
    target = s.add_mutually_exclusive_group(required=True)
    target.add_argument("--household", help="户的 ID")
    target.add_argument("--village", help="村的行政区划代码")
    target.add_argument("--county", action="store_true", help="全县")
    s.add_argument("--county-name", help="县区名（数据库中有多个县时）")
    s.add_argument("--year", type=int)
    s.add_argument("--format", choices=["json", "text"], default="text")
    s.set_defaults(func=cmd_check)

    s = sub.add_parser("policy", help="年度政策参数：查看，或修改某一年的（--year Y 和要改的值）")
    s.add_argument("file")
    s.add_argument("--year", type=int)
    from forms.entities import POLICY

    for f in POLICY.fields:
        if f.key != "year":
            s.add_argument(
                "--" + f.key.replace("_", "-"),
                dest=f.key,
                help=f"{f.label}（{f.unit}）" if f.unit else f.label,
            )
    s.set_defaults(func=cmd_policy)

    s = sub.add_parser("sync", help="U盘同步：登记工作队、注册、导出、导入、冲突、状态")
    sync = s.add_subparsers(dest="sync_command", required=True)
    t = sync.add_parser("team", help="县级：登记（或重新发放密钥给）一个工作队，写出注册文件")
    t.add_argument("file")
    t.add_argument("--name", required=True, help="工作队名称")
    t.add_argument("--village", action="append", default=[], required=True, help="村代码，可多次")
    t.add_argument("--out", required=True, help="写注册文件的文件夹（U盘）")
    t.set_defaults(func=cmd_sync_team)
    t = sync.add_parser("enroll", help="工作队：导入注册文件（一次）")
    t.add_argument("file")
    t.add_argument("enrolment")
    t.set_defaults(func=cmd_sync_enroll)
    t = sync.add_parser("export", help="写出数据包到U盘（工作队：给县里；县级：给每个工作队）")
    t.add_argument("file")
    t.add_argument("dir", help="U盘上的文件夹")
    t.add_argument("--team", action="append", help="县级：只给这个工作队（可重复）")
    t.set_defaults(func=cmd_sync_export)
    t = sync.add_parser("import", help="导入数据包（文件或文件夹，可多个）")
    t.add_argument("file")
    t.add_argument("packages", nargs="+", metavar="PACKAGE_OR_DIR")
    t.add_argument("--receipts", help="县级：回执写到这个文件夹（默认：数据包所在的文件夹）")
    t.add_argument("--no-receipt", action="store_true", help="县级：不写回执")
    t.set_defaults(func=cmd_sync_import)
    t = sync.add_parser("conflicts", help="列出同步冲突")
    t.add_argument("file")
    t.add_argument("--format", choices=["text", "json"], default="text")
    t.add_argument("--all", action="store_true", help="也列出已处理的")
    t.set_defaults(func=cmd_sync_conflicts)
    t = sync.add_parser("resolve", help="处理一个冲突：保留本机的值（mine）或对方的值（theirs）")
    t.add_argument("file")
    t.add_argument("conflict")
    t.add_argument("--keep", choices=["mine", "theirs"], required=True)
    t.set_defaults(func=cmd_sync_resolve)
    t = sync.add_parser("status", help="同步状态：双方各自确认收到了什么")
    t.add_argument("file")
    t.add_argument("--format", choices=["text", "json"], default="text")
    t.set_defaults(func=cmd_sync_status)

    s = sub.add_parser("close-year", help="年度数据封存：冻结该年度每户的指标数据和判定")
    s.add_argument("file")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--village", help="村的行政区划代码（不填：数据库中的全部村）")
    s.set_defaults(func=cmd_close_year)

    s = sub.add_parser(
        "reopen-year", help="重新开启已封存的年度（须填写原因，记入日志并随同步上报）"
    )
    s.add_argument("file")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--reason", required=True)
    s.add_argument("--village", help="村的行政区划代码（不填：数据库中的全部村）")
    s.set_defaults(func=cmd_reopen_year)

    s = sub.add_parser(
        "procedure",
        help="识别、脱贫、返贫、清退程序：登记一步（--step），或列出一户的程序",
        description="步骤：" + "、".join(_step_names()),
    )
    s.add_argument("file")
    s.add_argument(
        "--household",
        action="append",
        required=True,
        help="户编号、户内成员身份证号或记录编号；可重复（同一张公示的多户）",
    )
    s.add_argument("--village", help="村的行政区划代码（户编号在多个村重复时）")
    s.add_argument("--step", help="步骤名称（中文或英文，如 公示 / notice）")
    s.add_argument("--date", help="日期，如 2017-10-09（不能晚于今天）")
    s.add_argument(
        "--kind", help="开始新程序时的种类：识别/脱贫/返贫/清退（identify/exit/return/remove）"
    )
    s.add_argument("--year", type=int, help="程序所属年度（默认：第一步日期的年度）")
    s.add_argument("--days", type=int, help="公示天数（默认且至少 7 天）")
    s.add_argument("--document", help="文书或文号：评议会议记录、公示文号……")
    s.add_argument("--note", help="说明")
    s.add_argument("--reason", help="原因：清退、异议成立、终止，或指标未达标仍继续")
    s.add_argument("--format", choices=["json", "text"], default="text")
    s.set_defaults(func=cmd_procedure)

    s = sub.add_parser(
        "movements", help="年度进出名单（新识别、脱贫、返贫、清退）与减贫计划完成情况"
    )
    s.add_argument("file")
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--village", help="村的行政区划代码（不填：全部村）")
    s.add_argument("--format", choices=["json", "text"], default="text")
    s.set_defaults(func=cmd_movements)

    s = sub.add_parser(
        "plan",
        help="村的年度减贫任务：查看，县级下达（--households/--people），工作队建议（--propose）",
    )
    s.add_argument("file")
    s.add_argument("--village", required=True)
    s.add_argument("--year", type=int, required=True)
    s.add_argument("--households", type=int)
    s.add_argument("--people", type=int)
    s.add_argument("--note")
    s.add_argument("--propose", action="store_true", help="工作队提出建议（县里下达的任务不变）")
    s.set_defaults(func=cmd_plan)

    s = sub.add_parser("lint", help="数据质量疑点检查")
    s.add_argument("file")
    s.add_argument("--village")
    s.add_argument("--year", type=int)
    s.add_argument("--format", choices=["json", "text"], default="text")
    s.set_defaults(func=cmd_lint)

    s = sub.add_parser(
        "report",
        help="打印报表：施工图、进度表、公示/公告、需求清单、工作台账、明白卡",
        description="把一个村（或全部村）的报表写成 PDF。",
    )
    s.add_argument(
        "kind",
        choices=["plan", "progress", "notice", "needs", "ledger", "card"],
        help="plan 施工图 / progress 进度表 / notice 公示公告 / needs 需求清单 / "
        "ledger 工作台账 / card 明白卡",
    )
    s.add_argument("file", help="数据库文件")
    target = s.add_mutually_exclusive_group(required=True)
    target.add_argument("--village", help="村的行政区划代码")
    target.add_argument(
        "--county", action="store_true", help="全部村，每村一个文件：<代码>-<村名>-<报表>.pdf"
    )
    s.add_argument("--out", required=True, help="PDF 文件（--county 时为文件夹）")
    s.add_argument("--year", type=int, help="年度（默认：最近有收入数据的年度）")
    s.add_argument(
        "--paper", choices=["A4", "A3", "A2", "A1"], help="纸张（默认：施工图、进度表 A3，其余 A4）"
    )
    orientation = s.add_mutually_exclusive_group()
    orientation.add_argument(
        "--landscape", dest="landscape", action="store_true", default=None, help="横向"
    )
    orientation.add_argument("--portrait", dest="landscape", action="store_false", help="纵向")
    s.add_argument("--tile", choices=["A4", "A3"], help="施工图分块打印在 A4/A3 纸上（可拼贴）")
    s.add_argument("--since", help="进度表：列出此日期以来的户状态变化（默认当年1月1日）")
    s.add_argument("--start", help="台账的开始日期；公示的张贴日期")
    s.add_argument("--end", help="台账的结束日期")
    s.add_argument(
        "--notice",
        default="planned_exit",
        help="公示种类：planned_exit 拟脱贫户公示 / exited 脱贫户公告 / new 新识别贫困户公示 / "
        "new_announced 新识别贫困户公告 / returned 返贫户公示 / returned_announced 返贫户公告 / "
        "removed 拟清退户公示 / removed_announced 清退户公告（默认 planned_exit）；"
        "有程序记录时按程序的张贴日期、天数和文号",
    )
    s.add_argument("--date", help="张贴（制表）日期，默认今天")
    s.add_argument("--progress", action="store_true", help="显示进度")
    s.set_defaults(func=cmd_report)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.command:
        return cmd_gui(args)
    from storage.db import StorageError

    try:
        if args.func not in (cmd_encrypt, cmd_decrypt, cmd_passphrase):
            for name in ("file", "backup"):  # the registers (and the backup) a command opens
                if getattr(args, name, None):
                    _unlock(Path(getattr(args, name)))
        return args.func(args)
    except (StorageError, UserError) as e:
        print(f"错误：{e}", file=sys.stderr)
        return EXIT_INVALID if getattr(e, "problems", None) else EXIT_ERROR
    except BrokenPipeError:  # output piped into `head`
        sys.stderr.close()
        return EXIT_OK
    except OSError as e:
        print(
            f"错误：无法读写文件 {e.filename or ''}：{e.strerror}（{e.__class__.__name__}）",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
