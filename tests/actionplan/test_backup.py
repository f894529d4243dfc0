"""Backup and restore (``manage.py backup``, ``manage.py restore``): the round trip into a
new, empty database of the vendor the suite runs on (PostgreSQL in CI, SQLite otherwise),
and what a restore refuses.

The backup reads the database from outside the test's connection (pg_dump, SQLite's online
backup), so these tests commit their data (``transaction=True``).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import dj_database_url
import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from psycopg import sql
from psycopg.conninfo import make_conninfo

from actionplan.demo import demo_load
from actionplan.models import Action
from evaluations.models import EvaluationReport, ReportStatus
from evaluations.reports import build, services
from fiches.demo import demo_fiches_load

pytestmark = pytest.mark.django_db(transaction=True)

ATTACHMENT = "consultation/2026/inbreng-middenveld.pdf"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _admin_conninfo(dbname: str) -> str:
    s = connection.settings_dict
    return make_conninfo(
        dbname=dbname,
        **{
            key: str(s[name])
            for key, name in (("user", "USER"), ("password", "PASSWORD"), ("host", "HOST"))
            if s.get(name)
        },
        **({"port": str(s["PORT"])} if s.get("PORT") else {}),
    )


@pytest.fixture
def empty_database(tmp_path) -> Iterator[str]:
    """The URL of a new, empty database of the suite's vendor, dropped afterwards."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'restored' / 'actieplanmonitor.sqlite3'}"
        return
    s = connection.settings_dict
    name = f"{s['NAME']}_restore_{uuid.uuid4().hex[:8]}"

    def execute(statement: str) -> None:
        with psycopg.connect(_admin_conninfo("postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL(statement).format(sql.Identifier(name)))

    execute("CREATE DATABASE {}")
    credentials = quote(str(s.get("USER") or ""))
    if s.get("PASSWORD"):
        credentials += ":" + quote(str(s["PASSWORD"]))
    try:
        yield (
            f"postgres://{credentials}@{s.get('HOST') or 'localhost'}:"
            f"{s.get('PORT') or 5432}/{name}"
        )
    finally:
        execute("DROP DATABASE IF EXISTS {} WITH (FORCE)")


def query(url: str, statement: str) -> list[tuple[Any, ...]]:
    """Rows of ``statement`` on the database at ``url``, outside Django."""
    settings = dj_database_url.parse(url)
    if settings["ENGINE"].endswith("sqlite3"):
        conn = sqlite3.connect(settings["NAME"])
        try:
            return conn.execute(statement).fetchall()
        finally:
            conn.close()
    with psycopg.connect(_admin_conninfo(settings["NAME"])) as pg:
        return pg.execute(statement).fetchall()


def source_counts() -> dict[str, int]:
    """Rows of every table of the test database, through Django."""
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def target_counts(url: str, tables: list[str]) -> dict[str, int]:
    return {table: query(url, f'SELECT count(*) FROM "{table}"')[0][0] for table in tables}


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def data(plan, coordinator, media) -> EvaluationReport:
    """Demo actions with their fiches, a report PDF built as the worker builds it (its
    SHA-256 on the row), and a stakeholder attachment."""
    demo = demo_load(actions=4, seed=3).plan
    assert demo is not None
    demo_fiches_load(seed=3, plan=demo)
    report = services.report_request(
        plan=demo, kind="annual", year=2026, user=coordinator, enqueue=False
    )
    report = build.report_build(report.pk)
    assert report.status == ReportStatus.DONE and report.sha256
    default_storage.save(ATTACHMENT, ContentFile(b"%PDF-1.7 bijlage van het middenveld"))
    return report


@pytest.fixture
def archive(data, tmp_path) -> Path:
    path = tmp_path / "backups" / "backup.tar.gz"
    call_command("backup", output=path, stdout=io.StringIO())
    return path


def manifest_of(archive: Path) -> dict[str, Any]:
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        return json.load(member)


def test_restore_into_an_empty_database_gives_every_row_and_every_report_back(
    archive, data, empty_database, settings, tmp_path
):
    before = source_counts()
    restored_media = tmp_path / "restored-media"
    settings.MEDIA_ROOT = restored_media
    out = io.StringIO()

    call_command("restore", str(archive), database_url=empty_database, stdout=out)

    assert target_counts(empty_database, sorted(before)) == before
    assert before["actionplan_action"] == Action.objects.count() > 0
    reports = query(
        empty_database, "SELECT file, sha256 FROM evaluations_evaluationreport WHERE file <> ''"
    )
    assert reports == [(data.file.name, data.sha256)]
    for name, recorded in reports:
        assert sha256(restored_media / name) == recorded
    assert (restored_media / ATTACHMENT).read_bytes() == b"%PDF-1.7 bijlage van het middenveld"
    assert "Hersteld" in out.getvalue()
    assert f"{len(before)} tabellen" in out.getvalue()


def test_backup_manifest_holds_counts_migrations_and_the_reports_own_sha256(archive, data, media):
    manifest = manifest_of(archive)

    assert manifest["format"] == 1
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["tables"] == source_counts()
    applied = MigrationRecorder(connection).applied_migrations()
    assert manifest["migrations"]["actionplan"] == max(n for a, n in applied if a == "actionplan")
    assert set(manifest["migrations"]) == {app for app, _name in applied}
    recorded = {f["path"]: f for f in manifest["media"]}
    assert recorded[data.file.name]["sha256"] == data.sha256
    assert recorded[data.file.name]["size"] == data.size
    assert set(recorded) == {data.file.name, ATTACHMENT}
    # Created under the frozen clock, in Brussels time (summer: +02:00).
    assert manifest["created_at"].startswith("2026-06-15T10:00")
    assert manifest["created_at"].endswith("+02:00")


def test_backup_without_a_name_goes_to_var_backups_named_by_brussels_time(data, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    out = io.StringIO()

    call_command("backup", stdout=out)

    [made] = (tmp_path / "var" / "backups").iterdir()
    assert re.fullmatch(r"actieplanmonitor-20260615-1000\d\d\.tar\.gz", made.name)
    assert str(made) in out.getvalue()


def test_backup_never_overwrites_an_archive(archive):
    before = archive.read_bytes()

    with pytest.raises(CommandError, match="bestaat al"):
        call_command("backup", output=archive, stdout=io.StringIO())

    assert archive.read_bytes() == before


def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(
    archive, settings, tmp_path
):
    # Without --database-url the target is the application's own database: full.
    before = source_counts()
    settings.MEDIA_ROOT = tmp_path / "restored-media"

    with pytest.raises(CommandError, match="niet leeg.*Er is niets hersteld"):
        call_command("restore", str(archive), stdout=io.StringIO())

    assert source_counts() == before
    assert not (tmp_path / "restored-media").exists()


def _tampered(archive: Path, path: str, tmp_path: Path) -> Path:
    """A copy of ``archive`` with one byte of ``path`` changed, manifest untouched."""
    copy = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(copy, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member)
            assert content is not None
            data = bytearray(content.read())
            if member.name == path:
                data[len(data) // 2] ^= 0xFF
            target.addfile(member, io.BytesIO(bytes(data)))
    return copy


def test_restore_refuses_a_changed_report_pdf_before_writing_anything(
    archive, data, empty_database, settings, tmp_path
):
    tampered = _tampered(archive, f"media/{data.file.name}", tmp_path)
    settings.MEDIA_ROOT = tmp_path / "restored-media"

    with pytest.raises(CommandError) as refused:
        call_command("restore", str(tampered), database_url=empty_database, stdout=io.StringIO())

    message = str(refused.value)
    assert f"media/{data.file.name}: de SHA-256 klopt niet" in message
    assert "Er is niets hersteld" in message
    assert not (tmp_path / "restored-media").exists()
    if connection.vendor == "postgresql":
        tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        assert query(empty_database, tables) == [(0,)]
    else:
        assert not Path(dj_database_url.parse(empty_database)["NAME"]).exists()


def test_restore_refuses_another_database_vendor(archive, tmp_path):
    other = (
        f"sqlite:///{tmp_path / 'other.sqlite3'}"
        if connection.vendor == "postgresql"
        else "postgres://nobody@127.0.0.1:9/elsewhere"
    )

    with pytest.raises(CommandError, match="alleen naar hetzelfde databasetype"):
        call_command("restore", str(archive), database_url=other, stdout=io.StringIO())

    assert not (tmp_path / "other.sqlite3").exists()


def test_backup_refuses_to_write_into_the_media_folder(media):
    with pytest.raises(CommandError, match="buiten de mediamap"):
        call_command("backup", output=media / "backup.tar.gz", stdout=io.StringIO())

    assert not media.exists() or not any(media.iterdir())
