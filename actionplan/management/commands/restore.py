from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from actionplan.backup.archive import backup_restore
from actionplan.backup.databases import BackupError, database_from_settings


class Command(BaseCommand):
    help = (
        "Herstelt een archief van manage.py backup in een lege database en in MEDIA_ROOT. "
        "Alles wordt eerst nagekeken (SHA-256 van elk bestand, lege database); daarna worden "
        "de rijen van elke tabel geteld. Alleen naar hetzelfde databasetype (PostgreSQL naar "
        "PostgreSQL, SQLite naar SQLite)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="Het archief (.tar.gz).")
        parser.add_argument(
            "--database-url",
            help="De lege doeldatabase (standaard die van DATABASE_URL, zoals de toepassing).",
        )

    def handle(self, *args: Any, archive: Path, database_url: str | None, **options: Any) -> None:
        if not archive.is_file():
            raise CommandError(f"{archive} bestaat niet.")
        target = dj_database_url.parse(database_url) if database_url else connection.settings_dict
        try:
            database = database_from_settings(target)
            restored = backup_restore(
                archive=archive, database=database, media_root=Path(settings.MEDIA_ROOT)
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = restored.manifest
        self.stdout.write(
            self.style.SUCCESS(
                f"Hersteld in de {database.describe()}: het archief van "
                f"{manifest['created_at']}, {len(manifest['tables'])} tabellen met "
                f"{restored.rows} rijen (elke tabel nageteld: klopt); "
                f"{restored.media_written} mediabestanden in {settings.MEDIA_ROOT}"
                + (
                    f" ({restored.media_unchanged} stonden er al, ongewijzigd)"
                    if restored.media_unchanged
                    else ""
                )
                + ", SHA-256 van elk bestand nagekeken."
            )
        )
        if restored.migrations_behind:
            apps = ", ".join(sorted(restored.migrations_behind))
            self.stdout.write(
                self.style.WARNING(
                    f"Deze code heeft nieuwere migraties ({apps}): voer nu 'manage.py migrate' uit."
                )
            )
        if restored.migrations_ahead:
            apps = ", ".join(
                f"{app} {archived}" for app, (archived, _code) in restored.migrations_ahead.items()
            )
            self.stdout.write(
                self.style.WARNING(
                    f"Het archief komt van een nieuwere versie dan deze code ({apps}): "
                    f"start de toepassing met die versie."
                )
            )
