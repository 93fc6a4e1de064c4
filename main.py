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


# -- commands ------------------------------------------------------------------------------------
def cmd_init(args) -> int:
    from storage.register import seed_default_policy
    path = Path(args.file)
    if path.exists() and path.stat().st_size > 0:
        store = _open(args, path)      # refuses a foreign file, upgrades an old one
        print(f"数据库已存在，版本 {store.schema_version}：{path}")
        store.close()
        return EXIT_OK
    store = _open(args, path, create=True, role=args.role)
    seed_default_policy(store)
    print(f"已创建数据库（{'县级' if args.role == 'county' else '村级'}）：{path}")
    store.close()
    return EXIT_OK


def cmd_demo(args) -> int:
    from storage.demo import generate
    path = Path(args.file)
    if path.exists() and path.stat().st_size > 0:
        raise UserError(f"文件已存在，演示数据只写入新文件：{path}（file exists）")
    store = _open(args, path, create=True, role="county")
    try:
        def progress(done, total):
            if sys.stderr.isatty() or args.progress:
                print(f"\r生成演示数据：{done}/{total} 个村", end="", file=sys.stderr, flush=True)
        counts = generate(store, villages=args.villages, households=args.households,
                          seed=args.seed, progress=progress)
    except BaseException:
        store.close()
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        raise
    store.close()
    print(f"\n已生成演示数据：{counts['villages']} 个村，{counts['households']} 户，"
          f"{counts['members']} 人 → {path}", file=sys.stderr)
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
    from storage.interchange import InterchangeError, import_register, read_json
    data = read_json(args.input)      # a malformed file is refused before the database is opened
    store = _open(args, args.file)
    try:
        counts = import_register(store, data)
    except InterchangeError as e:
        print(str(e), file=sys.stderr)
        for p in e.problems:
            print(f"  {p}", file=sys.stderr)
        return EXIT_INVALID
    finally:
        store.close()
    print(f"导入完成：新增 {counts['inserted']}，更新 {counts['updated']}，"
          f"未变 {counts['unchanged']}")
    return EXIT_OK


def _year(args, store) -> int:
    from storage.register import default_year, policy_years
    years = policy_years(store)
    year = args.year or default_year(store)
    if year is None or year not in years:
        known = "、".join(map(str, years)) or "无"
        raise UserError(f"没有 {year} 年的政策参数（贫困线），已有年度：{known}"
                        f"（unknown year {year}）")
    return year


def cmd_check(args) -> int:
    from forms.criteria.county import evaluate_county
    from forms.criteria.household import evaluate_household
    from forms.criteria.village import evaluate_village
    from storage import snapshots
    from storage.register import find_village
    store = _open(args, args.file)
    year = _year(args, store)
    if args.household:
        snap = snapshots.household_snapshot(store, args.household, year)
        if snap is None:
            raise UserError(f"没有这一户：{args.household}（household not found）")
        result = evaluate_household(snap).to_dict()
        result["household_no"] = snap["household"]["household_no"]
    elif args.village:
        village = find_village(store, args.village)
        if village is None:
            raise UserError(f"没有行政区划代码为 {args.village} 的村（village not found）")
        result = _village_result(snapshots.village_snapshot(store, village, year),
                                 evaluate_household, evaluate_village)
    else:
        counties = sorted({v["county"] for v in store.find("villages")})
        if not counties:
            raise UserError("数据库中还没有村（no villages）")
        county = args.county_name or counties[0]
        snap = snapshots.county_snapshot(store, county, year)
        result = {"year": year, "county": county,
                  "villages": [_village_result(v, evaluate_household, evaluate_village)
                               for v in snap["villages"]],
                  "county_criteria": evaluate_county(snap).to_dict()["criteria"]}
    store.close()
    _emit(result, args.format)
    return EXIT_OK


def _village_result(vsnap, evaluate_household, evaluate_village) -> dict:
    households = []
    for h in vsnap["households"]:
        d = evaluate_household(h).to_dict()
        d["household_no"] = h["household"]["household_no"]
        households.append(d)
    return {"year": vsnap["year"], "village_code": vsnap["village"]["code"],
            "village_name": vsnap["village"]["name"], "households": households,
            "village_criteria": evaluate_village(vsnap).to_dict()["criteria"]}


def cmd_lint(args) -> int:
    from forms.criteria.quality import lint
    from storage import snapshots
    from storage.register import find_village
    store = _open(args, args.file)
    year = _year(args, store)
    if args.village:
        village = find_village(store, args.village)
        if village is None:
            raise UserError(f"没有行政区划代码为 {args.village} 的村（village not found）")
        snaps = snapshots.household_snapshots(store, year, village_id=village["id"])
    else:
        snaps = snapshots.household_snapshots(store, year)
    store.close()
    issues = [i.to_dict() if hasattr(i, "to_dict") else dict(i.__dict__) for i in lint(snaps, year)]
    if args.format == "json":
        print(json.dumps({"year": year, "issues": issues}, ensure_ascii=False, indent=1))
    else:
        for i in issues:
            print(f"{i['code']}  {'错误' if i['severity'] == 'error' else '提示'}  {i['message']}")
        print(f"共 {len(issues)} 条疑点")
    return EXIT_OK


MARK = {"met": "✓ 达标", "unmet": "✗ 未达标", "unknown": "? 缺数据", "not_applicable": "— 不适用"}


def _emit(result: dict, fmt: str) -> None:
    if fmt == "json":
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    if "criteria" in result:
        _print_household(result)
        return
    for village in result.get("villages", [result]):
        print(f"== {village.get('village_name', '')} {village['village_code']}  "
              f"{village['year']} 年 ==")
        for h in village["households"]:
            unmet = [str(c["no"]) for c in h["criteria"] if c["status"] == "unmet"]
            unknown = [str(c["no"]) for c in h["criteria"] if c["status"] == "unknown"]
            print(f"  {h['household_no']:>6}  {'可脱贫' if h['eligible_to_exit'] else '未达标'}"
                  f"  未达标: {','.join(unmet) or '—'}  缺数据: {','.join(unknown) or '—'}")
        print("  村级17项：")
        for c in village["village_criteria"]:
            print(f"  {c['no']:>2}. {MARK[c['status']]:<6} {c['title']}  {'；'.join(c['reasons'])}")
    for c in result.get("county_criteria", []):
        print(f"县 {c['no']:>2}. {MARK[c['status']]:<6} {c['title']}  {'；'.join(c['reasons'])}")


def _print_household(result: dict) -> None:
    print(f"户 {result.get('household_no', '')}  {result['year']} 年  "
          f"{'可以脱贫' if result['eligible_to_exit'] else '尚不能脱贫'}")
    for c in result["criteria"]:
        print(f"{c['no']:>3}. {MARK[c['status']]:<6} {c['title']}")
        for r in c["reasons"]:
            print(f"       {r}")


def cmd_gui(args) -> int:
    path = Path(args.db) if args.db else default_db_path()
    from gui.app import run
    return run(path, operator=args.operator)


# -- argument parsing ----------------------------------------------------------------------------
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

    s = sub.add_parser("import-json", help="导入 fupin-register/1 JSON（全部成功或全部不改）")
    s.add_argument("file")
    s.add_argument("input")
    s.set_defaults(func=cmd_import)

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

    s = sub.add_parser("lint", help="数据质量疑点检查")
    s.add_argument("file")
    s.add_argument("--village")
    s.add_argument("--year", type=int)
    s.add_argument("--format", choices=["json", "text"], default="text")
    s.set_defaults(func=cmd_lint)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.command:
        return cmd_gui(args)
    from storage.db import StorageError
    try:
        return args.func(args)
    except (StorageError, UserError) as e:
        print(f"错误：{e}", file=sys.stderr)
        return EXIT_INVALID if getattr(e, "problems", None) else EXIT_ERROR
    except BrokenPipeError:            # output piped into `head`
        sys.stderr.close()
        return EXIT_OK
    except OSError as e:
        print(f"错误：无法读写文件 {e.filename or ''}：{e.strerror}（{e.__class__.__name__}）",
              file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
