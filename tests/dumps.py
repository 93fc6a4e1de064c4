"""A full dump of a register: every table, every row, to compare before and after a refusal."""


def dump(store) -> dict:
    tables = [r[0] for r in store.db.execute("select name from sqlite_master where type='table'")]
    return {t: store.db.execute(f"select * from [{t}] order by rowid").fetchall() for t in tables}
