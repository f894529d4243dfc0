"""The databases a backup reads and a restore writes: PostgreSQL through pg_dump and
pg_restore, SQLite through its online backup; both from a Django ``DATABASES`` entry."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import psycopg
from django.utils.translation import gettext as _
from psycopg import sql
from psycopg.conninfo import make_conninfo

# Connection settings of Django's OPTIONS that libpq (and so pg_dump and pg_restore) knows.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
}


class BackupError(Exception):
    """Why a backup or restore stopped, for the person who ran it."""


@dataclass(frozen=True)
class Snapshot:
    """What the database held when the dump was made."""

    tables: dict[str, int]
    migrations: dict[str, str]
    server_version: str
    tool_version: str


class Database(Protocol):
    vendor: str

    def describe(self) -> str: ...

    def tables(self) -> list[str]:
        """The tables (PostgreSQL: every relation of a user schema), none when the
        database does not exist yet."""
        ...

    def row_counts(self) -> dict[str, int]: ...

    def dump(self, path: Path) -> Snapshot: ...

    def load(self, dump: Path, manifest: dict[str, Any]) -> None: ...


def database_from_settings(settings: Mapping[str, Any]) -> Database:
    """The database of a Django ``DATABASES`` entry (or of ``dj_database_url.parse``)."""
    engine = str(settings.get("ENGINE", ""))
    if engine.endswith("postgresql"):
        return PostgresDatabase(settings)
    if engine.endswith("sqlite3"):
        return SqliteDatabase(settings)
    raise BackupError(
        _("Back-up en herstel kennen alleen PostgreSQL en SQLite, niet %(engine)s.")
        % {"engine": engine or "?"}
    )


def latest_migrations(rows: list[tuple[str, str]]) -> dict[str, str]:
    # Migration names start with their number: the highest name is the latest one.
    latest: dict[str, str] = {}
    for app, name in rows:
        latest[app] = max(name, latest.get(app, name))
    return dict(sorted(latest.items()))


def _major(version_output: str, tool: str) -> int:
    """``15`` from ``pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)``."""
    found = re.search(r"\)\s*(\d+)", version_output)
    if found is None:
        raise BackupError(
            _("Onbekende versie van %(tool)s: %(output)s")
            % {"tool": tool, "output": version_output}
        )
    return int(found[1])


class PostgresDatabase:
    vendor = "postgresql"

    def __init__(self, settings: Mapping[str, Any]) -> None:
        options = settings.get("OPTIONS") or {}
        self.name = str(settings["NAME"])
        self.params: dict[str, str] = {
            key: str(value)
            for key, value in {
                "dbname": self.name,
                "user": settings.get("USER"),
                "password": settings.get("PASSWORD"),
                "host": settings.get("HOST"),
                "port": settings.get("PORT"),
                **{key: options.get(key) for key in LIBPQ_OPTIONS},
            }.items()
            if value not in (None, "")
        }

    def describe(self) -> str:
        where = self.params.get("host", "localhost")
        if "port" in self.params:
            where += f":{self.params['port']}"
        return _("PostgreSQL-database %(name)s op %(where)s") % {"name": self.name, "where": where}

    def _connect(self) -> psycopg.Connection[tuple[Any, ...]]:
        try:
            return psycopg.connect(make_conninfo(**self.params))
        except psycopg.OperationalError as exc:
            raise BackupError(
                _("Geen verbinding met de %(db)s: %(error)s")
                % {"db": self.describe(), "error": str(exc).strip()}
            ) from exc

    def _environment(self) -> dict[str, str]:
        names = {"dbname": "PGDATABASE", "user": "PGUSER", "password": "PGPASSWORD"}
        names |= {"host": "PGHOST", "port": "PGPORT", **LIBPQ_OPTIONS}
        return {**os.environ, **{names[key]: value for key, value in self.params.items()}}

    def _tool(self, name: str) -> tuple[str, int]:
        """The path and major version of ``pg_dump`` or ``pg_restore``."""
        path = shutil.which(name)
        if path is None:
            raise BackupError(
                _(
                    "%(tool)s ontbreekt op deze machine: installeer de PostgreSQL-client "
                    "(minstens de versie van de server, bv. het pakket postgresql-client-15)."
                )
                % {"tool": name}
            )
        output = subprocess.run(
            [path, "--version"], capture_output=True, text=True, check=False
        ).stdout
        return path, _major(output, name)

    @staticmethod
    def _relations(conn: psycopg.Connection[tuple[Any, ...]], kinds: tuple[str, ...]) -> list[str]:
        rows = conn.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = ANY(%s) AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            " AND n.nspname NOT LIKE 'pg\\_toast%%' AND n.nspname NOT LIKE 'pg\\_temp%%' "
            "ORDER BY 1",
            [list(kinds)],
        ).fetchall()
        return [str(row[0]) for row in rows]

    @classmethod
    def _counts(cls, conn: psycopg.Connection[tuple[Any, ...]]) -> dict[str, int]:
        counts = {}
        for table in cls._relations(conn, ("r", "p")):
            row = conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()
            counts[table] = int(row[0]) if row else 0
        return counts

    def tables(self) -> list[str]:
        with self._connect() as conn:
            # Tables, views, sequences: anything pg_restore could collide with.
            return self._relations(conn, ("r", "p", "v", "m", "S", "f"))

    def row_counts(self) -> dict[str, int]:
        with self._connect() as conn:
            return self._counts(conn)

    def dump(self, path: Path) -> Snapshot:
        pg_dump, client = self._tool("pg_dump")
        with self._connect() as conn:
            server = conn.info.server_version // 10000
            if client < server:
                raise BackupError(
                    _(
                        "pg_dump %(client)s kan geen back-up maken van een PostgreSQL "
                        "%(server)s-server: installeer de client van versie %(server)s of "
                        "nieuwer (pakket postgresql-client-%(server)s)."
                    )
                    % {"client": client, "server": server}
                )
            # One snapshot for the counts and the dump: pg_dump reads the database as this
            # transaction sees it, whatever the application writes meanwhile.
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            with conn.transaction():
                snapshot_row = conn.execute("SELECT pg_export_snapshot()").fetchone()
                assert snapshot_row is not None
                counts = self._counts(conn)
                migrations = latest_migrations(
                    [
                        (str(app), str(name))
                        for app, name in conn.execute(
                            "SELECT app, name FROM django_migrations"
                        ).fetchall()
                    ]
                    if "django_migrations" in counts
                    else []
                )
                done = subprocess.run(
                    [
                        pg_dump,
                        "--format=custom",
                        f"--snapshot={snapshot_row[0]}",
                        "--file",
                        str(path),
                    ],
                    env=self._environment(),
                    capture_output=True,
                    text=True,
                    check=False,
                )
            if done.returncode != 0:
                raise BackupError(_("pg_dump mislukte: %(error)s") % {"error": done.stderr.strip()})
            return Snapshot(
                tables=counts,
                migrations=migrations,
                server_version=f"{server}.{conn.info.server_version % 10000}",
                tool_version=str(client),
            )

    def load(self, dump: Path, manifest: dict[str, Any]) -> None:
        pg_restore, client = self._tool("pg_restore")
        made_with = int(manifest["database"].get("tool_version") or 0)
        if client < made_with:
            raise BackupError(
                _(
                    "Dit archief is gemaakt met pg_dump %(made)s; pg_restore %(client)s kan het "
                    "niet lezen. Installeer de PostgreSQL-client %(made)s of nieuwer."
                )
                % {"made": made_with, "client": client}
            )
        # No owner or privileges of the old server: the restoring user owns everything.
        # One transaction: an error leaves the database as empty as it was.
        done = subprocess.run(
            [pg_restore, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
            + ["--dbname", self.name, str(dump)],
            env=self._environment(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise BackupError(_("pg_restore mislukte: %(error)s") % {"error": done.stderr.strip()})


class SqliteDatabase:
    vendor = "sqlite"

    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.name = str(settings["NAME"])
        # Django's test database lives in shared memory under a URI.
        self.is_uri = self.name.startswith("file:")

    def describe(self) -> str:
        return _("SQLite-database %(name)s") % {"name": self.name}

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.name, uri=self.is_uri)

    def _exists(self) -> bool:
        return self.is_uri or Path(self.name).exists()

    @staticmethod
    def _tables_of(conn: sqlite3.Connection) -> list[str]:
        rows = conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
            "ESCAPE '\\' ORDER BY name"
        ).fetchall()
        return [str(row[0]) for row in rows]

    @classmethod
    def _counts(cls, conn: sqlite3.Connection) -> dict[str, int]:
        counts = {}
        for table in cls._tables_of(conn):
            quoted = table.replace('"', '""')
            counts[table] = int(conn.execute(f'SELECT count(*) FROM "{quoted}"').fetchone()[0])
        return counts

    def tables(self) -> list[str]:
        # Never create the file just to look into it: a missing database is an empty one.
        if not self._exists():
            return []
        conn = self._connect()
        try:
            return self._tables_of(conn)
        finally:
            conn.close()

    def row_counts(self) -> dict[str, int]:
        conn = self._connect()
        try:
            return self._counts(conn)
        finally:
            conn.close()

    def dump(self, path: Path) -> Snapshot:
        if not self._exists():
            raise BackupError(_("De %(db)s bestaat niet.") % {"db": self.describe()})
        source, copy = self._connect(), sqlite3.connect(path)
        try:
            # The online backup: a consistent copy while others keep writing.
            source.backup(copy)
            counts = self._counts(copy)
            rows = (
                copy.execute("SELECT app, name FROM django_migrations").fetchall()
                if "django_migrations" in counts
                else []
            )
            return Snapshot(
                tables=counts,
                migrations=latest_migrations([(str(a), str(n)) for a, n in rows]),
                server_version=sqlite3.sqlite_version,
                tool_version=sqlite3.sqlite_version,
            )
        finally:
            source.close()
            copy.close()

    def load(self, dump: Path, manifest: dict[str, Any]) -> None:
        if self.is_uri:
            raise BackupError(
                _("Herstellen kan alleen in een SQLite-bestand, niet in het geheugen.")
            )
        target = Path(self.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(dump, partial)
        os.replace(partial, target)
