"""The local SQLite register: schema, migrations, the one write path, named operations — Qt-free."""
