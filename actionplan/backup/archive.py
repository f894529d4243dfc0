"""The archive: written from a database and the media root, checked against its manifest
and restored (see the package's docstring for what it holds)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

from actionplan.backup.databases import BackupError, Database, latest_migrations

FORMAT = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class MediaFile:
    path: str
    size: int
    sha256: str


class _Hashing:
    """A file read once: into the archive and into its SHA-256 together."""

    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _media_paths(media_root: Path) -> Iterator[str]:
    if not media_root.is_dir():
        return
    for folder, dirs, files in os.walk(media_root):
        dirs.sort()
        for name in sorted(files):
            yield (Path(folder) / name).relative_to(media_root).as_posix()


def backup_create(
    *, database: Database, media_root: Path, output: Path, now: dt.datetime
) -> dict[str, Any]:
    """Write the archive to ``output`` (never over an existing file); its manifest.

    The database first, then the media: a file a row of the snapshot points to was written
    before that row was committed, so it is in the archive."""
    if output.exists():
        raise BackupError(_("%(path)s bestaat al: kies een andere naam.") % {"path": output})
    if output.resolve().is_relative_to(media_root.resolve()):
        # It would take itself in, half written.
        raise BackupError(
            _("Schrijf de back-up buiten de mediamap %(root)s.") % {"root": media_root}
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    # Built next to its destination and renamed at the end: never half an archive.
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".backup-") as tmp:
        dump = Path(tmp) / DUMP
        snapshot = database.dump(dump)
        partial = Path(tmp) / "archive.tar.gz"
        media: list[MediaFile] = []
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=DUMP)
            for relative in _media_paths(media_root):
                with (media_root / relative).open("rb") as file:
                    info = archive.gettarinfo(arcname=f"{MEDIA}/{relative}", fileobj=file)
                    reader = _Hashing(file)
                    archive.addfile(info, reader)
                media.append(MediaFile(relative, reader.size, reader.digest.hexdigest()))
            manifest = {
                "format": FORMAT,
                "application": "actieplanmonitor",
                "created_at": now.isoformat(),
                "database": {
                    "vendor": database.vendor,
                    "server_version": snapshot.server_version,
                    "tool_version": snapshot.tool_version,
                    "file": DUMP,
                    "size": dump.stat().st_size,
                    "sha256": file_sha256(dump),
                },
                "migrations": snapshot.migrations,
                "tables": snapshot.tables,
                "media": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in media],
            }
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(now.timestamp()), 0o644
            archive.addfile(info, io.BytesIO(data))
        os.replace(partial, output)
    return manifest


@dataclass(frozen=True)
class Restored:
    manifest: dict[str, Any]
    rows: int
    media_written: int
    media_unchanged: int
    # Per app: (latest migration in the archive, latest migration of this code).
    migrations_behind: dict[str, tuple[str | None, str]]
    migrations_ahead: dict[str, tuple[str, str | None]]


def _unpack(archive: Path, into: Path) -> dict[str, Any]:
    """Extract the archive (regular files only, no path outside ``into``) and read its
    manifest."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                name = PurePosixPath(member.name)
                allowed = str(name) in (MANIFEST, DUMP) or (
                    name.parts[:1] == (MEDIA,) and len(name.parts) > 1
                )
                if not member.isfile() or not allowed:
                    raise BackupError(
                        _("Onverwacht in het archief: %(name)s. Er is niets hersteld.")
                        % {"name": member.name}
                    )
            tar.extractall(into, filter="data")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(
            _("%(path)s is geen leesbaar back-uparchief: %(error)s")
            % {"path": archive, "error": exc}
        ) from exc
    try:
        manifest: dict[str, Any] = json.loads((into / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(_("Het archief heeft geen leesbaar manifest.json.")) from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            _("Onbekend archiefformaat %(format)s (deze versie leest formaat %(known)s).")
            % {"format": manifest.get("format"), "known": FORMAT}
        )
    return manifest


def _check_files(unpacked: Path, manifest: dict[str, Any]) -> list[str]:
    """Every difference between the unpacked files and the manifest, in words."""
    problems = []
    dump = unpacked / DUMP
    expected = manifest["database"]
    if not dump.is_file():
        problems.append(_("%(file)s ontbreekt") % {"file": DUMP})
    elif file_sha256(dump) != expected["sha256"]:
        problems.append(_("%(file)s: de SHA-256 klopt niet") % {"file": DUMP})
    listed = {entry["path"]: entry for entry in manifest["media"]}
    present = set(_media_paths(unpacked / MEDIA))
    for path in sorted(present - set(listed)):
        problems.append(_("media/%(path)s staat niet in het manifest") % {"path": path})
    for path, entry in sorted(listed.items()):
        file = unpacked / MEDIA / path
        if path not in present:
            problems.append(_("media/%(path)s ontbreekt") % {"path": path})
        elif file.stat().st_size != entry["size"] or file_sha256(file) != entry["sha256"]:
            problems.append(
                _("media/%(path)s: de SHA-256 klopt niet (gewijzigd of beschadigd)")
                % {"path": path}
            )
    return problems


def _listed(problems: list[str], limit: int = 10) -> str:
    more = len(problems) - limit
    return "; ".join(problems[:limit]) + (_(" (en nog %(n)d)") % {"n": more} if more > 0 else "")


def _code_migrations() -> dict[str, str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return latest_migrations([(app, name) for app, name in loader.graph.leaf_nodes()])


def backup_restore(*, archive: Path, database: Database, media_root: Path) -> Restored:
    """Restore ``archive`` into ``database`` (which must be empty) and ``media_root``.

    Everything is checked before anything is written: the archive against its manifest,
    the vendor, the emptiness of the database, media files already in place. After the
    restore every table's rows are counted against the manifest."""
    with tempfile.TemporaryDirectory(prefix="apm-restore-") as tmp:
        unpacked = Path(tmp)
        manifest = _unpack(archive, unpacked)
        vendor = manifest["database"]["vendor"]
        if vendor != database.vendor:
            raise BackupError(
                _(
                    "Dit archief bevat een %(source)s-database; herstellen in %(target)s kan "
                    "niet. Herstel gaat alleen naar hetzelfde databasetype (PostgreSQL naar "
                    "PostgreSQL, SQLite naar SQLite); overstappen valt buiten dit commando. "
                    "Er is niets hersteld."
                )
                % {"source": vendor, "target": database.describe()}
            )
        problems = _check_files(unpacked, manifest)
        if problems:
            raise BackupError(
                _("Het archief klopt niet met zijn manifest: %(problems)s. Er is niets hersteld.")
                % {"problems": _listed(problems)}
            )
        existing = database.tables()
        if existing:
            raise BackupError(
                _(
                    "De %(db)s is niet leeg (%(n)d tabellen of andere objecten, o.a. %(some)s). "
                    "Herstellen gebeurt alleen in een lege database: maak er een nieuwe aan en "
                    "wijs ernaar met --database-url of DATABASE_URL. Er is niets hersteld."
                )
                % {"db": database.describe(), "n": len(existing), "some": ", ".join(existing[:3])}
            )
        conflicts = [
            entry["path"]
            for entry in manifest["media"]
            if (media_root / entry["path"]).exists()
            and file_sha256(media_root / entry["path"]) != entry["sha256"]
        ]
        if conflicts:
            raise BackupError(
                _(
                    "In %(root)s staan al andere bestanden onder dezelfde naam: %(files)s. "
                    "Herstel in een lege mediamap. Er is niets hersteld."
                )
                % {"root": media_root, "files": _listed(conflicts)}
            )

        database.load(unpacked / DUMP, manifest)
        written = unchanged = 0
        try:
            for entry in manifest["media"]:
                target = media_root / entry["path"]
                if target.exists():
                    unchanged += 1
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(f".{target.name}.restoring")
                shutil.copyfile(unpacked / MEDIA / entry["path"], partial)
                os.replace(partial, target)
                written += 1
        except OSError as exc:
            raise BackupError(
                _(
                    "De database is hersteld, maar het schrijven van de mediabestanden in "
                    "%(root)s mislukte na %(n)d bestanden: %(error)s. Maak plaats of pas de "
                    "rechten aan en herstel opnieuw in een nieuwe, lege database."
                )
                % {"root": media_root, "n": written, "error": exc}
            ) from exc

    counts = database.row_counts()
    expected: dict[str, int] = manifest["tables"]
    wrong = [
        _("%(table)s: %(found)s in plaats van %(expected)s")
        % {"table": table, "found": counts.get(table, _("ontbreekt")), "expected": n}
        for table, n in sorted(expected.items())
        if counts.get(table) != n
    ]
    wrong += [
        _("%(table)s staat niet in het manifest") % {"table": table}
        for table in sorted(set(counts) - set(expected))
    ]
    if wrong:
        raise BackupError(
            _("Hersteld, maar de rijen kloppen niet met het manifest: %(problems)s.")
            % {"problems": _listed(wrong)}
        )
    backed_up: dict[str, str] = manifest["migrations"]
    code = _code_migrations()
    # Names start with their number: a higher name is a later migration.
    behind = {
        app: (backed_up.get(app), name)
        for app, name in code.items()
        if name > backed_up.get(app, "")
    }
    ahead = {
        app: (name, code.get(app)) for app, name in backed_up.items() if name > code.get(app, "")
    }
    return Restored(
        manifest=manifest,
        rows=sum(counts.values()),
        media_written=written,
        media_unchanged=unchanged,
        migrations_behind=behind,
        migrations_ahead=ahead,
    )
