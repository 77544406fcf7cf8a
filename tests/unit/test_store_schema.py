"""The database the store makes is the one pztraining has always made: a new database and one
migrated from schema 1 have the same tables, columns, keys and indexes, and both match the
description frozen from the single-module store (``store_schema.json``) before it became a package.

A change of the schema must come with a migration step: then regenerate the frozen description
with ``python -m tests.unit.test_store_schema URL`` (once per dialect) and review the diff.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

from sqlalchemy import create_engine, inspect

from pztraining.store import SCHEMA_VERSION, Store

FROZEN = Path(__file__).with_name("store_schema.json")

#: What pztraining at schema 1 (commit 3c20e98^) wrote on SQLite: its tables as SQLAlchemy created them.
SCHEMA_1 = """
    CREATE TABLE pz_schema (id INTEGER NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (id));
    INSERT INTO pz_schema VALUES (1, 1);
    CREATE TABLE trainings (id INTEGER NOT NULL, name VARCHAR(200) NOT NULL, program_id VARCHAR(64) NOT NULL,
        organisation VARCHAR(200) NOT NULL, created_at DATETIME NOT NULL, PRIMARY KEY (id));
    CREATE TABLE checklist_ticks (training_id INTEGER NOT NULL, item_id VARCHAR(64) NOT NULL,
        ticked_at DATETIME NOT NULL, PRIMARY KEY (training_id, item_id),
        FOREIGN KEY(training_id) REFERENCES trainings (id) ON DELETE CASCADE);
    CREATE TABLE meeting_dates (training_id INTEGER NOT NULL, meeting INTEGER NOT NULL, date DATE,
        PRIMARY KEY (training_id, meeting), FOREIGN KEY(training_id) REFERENCES trainings (id) ON DELETE CASCADE);
    CREATE TABLE meeting_runs (training_id INTEGER NOT NULL, meeting INTEGER NOT NULL, state TEXT NOT NULL,
        updated_at DATETIME NOT NULL, PRIMARY KEY (training_id, meeting),
        FOREIGN KEY(training_id) REFERENCES trainings (id) ON DELETE CASCADE);
    INSERT INTO trainings VALUES (1, 'Oud', 'mysupport', '', '2026-01-01 09:00:00');
"""


def describe(url: str) -> dict:
    """Every table's columns (type, nullability, default), primary key, foreign keys, unique
    constraints and indexes, as the database itself reports them."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            found = inspect(conn)
            tables = {}
            for name in sorted(found.get_table_names()):
                tables[name] = {
                    "columns": {
                        c["name"]: [str(c["type"]), bool(c["nullable"]), c.get("default")]
                        for c in found.get_columns(name)
                    },
                    "primary_key": found.get_pk_constraint(name)["constrained_columns"],
                    "foreign_keys": sorted(
                        [
                            fk["constrained_columns"],
                            fk["referred_table"],
                            fk["referred_columns"],
                            (fk.get("options") or {}).get("ondelete"),
                        ]
                        for fk in found.get_foreign_keys(name)
                    ),
                    "unique": sorted(sorted(u["column_names"]) for u in found.get_unique_constraints(name)),
                    "indexes": sorted([sorted(i["column_names"]), bool(i["unique"])] for i in found.get_indexes(name)),
                }
            if conn.dialect.name == "sqlite":  # tables without rowid (anonymous answers must not be ordered)
                for name, sql in conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'table'"):
                    if name in tables:
                        tables[name]["without_rowid"] = "WITHOUT ROWID" in sql.upper()
            return {"dialect": conn.dialect.name, "tables": tables}
    finally:
        engine.dispose()


def _normalised(description: dict) -> dict:
    # Where a column's default or a unique constraint was made by a migration's ALTER TABLE
    # (SQLite keeps the DDL as typed), compare what a user's data depends on: the constraint
    # holds either as a unique constraint or as a unique index.
    tables = {}
    for name, table in description["tables"].items():
        unique = {tuple(columns) for columns in table["unique"]}
        unique |= {tuple(columns) for columns, is_unique in table["indexes"] if is_unique}
        tables[name] = {
            **table,
            "unique": sorted(unique),
            "indexes": sorted(c for c, is_unique in table["indexes"] if not is_unique),
            "columns": {c: v[:2] for c, v in table["columns"].items()},
        }
    return tables


def test_a_new_database_has_exactly_the_schema_of_the_single_module_store(any_store):
    frozen = json.loads(FROZEN.read_text())[any_store.engine.dialect.name]
    assert describe(any_store.url) == frozen


def test_a_schema_1_database_migrated_forward_has_the_schema_of_a_new_one(tmp_path):
    old = tmp_path / "oud.db"
    with sqlite3.connect(old) as db:
        db.executescript(SCHEMA_1)
    migrated = Store(f"sqlite:///{old}")
    fresh = Store(f"sqlite:///{tmp_path / 'nieuw.db'}")
    assert migrated.schema_version() == fresh.schema_version() == SCHEMA_VERSION
    assert _normalised(describe(migrated.url)) == _normalised(describe(fresh.url))
    migrated.close()
    fresh.close()


def test_the_tests_store_is_a_copy_of_a_new_database_with_the_same_schema(store, tmp_path):
    # tests/conftest.py copies one migrated database per test instead of migrating each one.
    fresh = Store(f"sqlite:///{tmp_path / 'nieuw.db'}")
    assert store.schema_version() == fresh.schema_version() == SCHEMA_VERSION
    assert describe(store.url) == describe(fresh.url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    fresh.close()


if __name__ == "__main__":  # regenerate the frozen description: python -m tests.unit.test_store_schema URL
    Store(sys.argv[1]).close()
    frozen = json.loads(FROZEN.read_text()) if FROZEN.exists() else {}
    description = describe(sys.argv[1])
    frozen[description["dialect"]] = description
    FROZEN.write_text(json.dumps(frozen, indent=1, sort_keys=True, ensure_ascii=False) + "\n")
