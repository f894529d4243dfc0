from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone

from actionplan.backup.archive import backup_create
from actionplan.backup.databases import BackupError, database_from_settings


class Command(BaseCommand):
    help = (
        "Maakt één archief (.tar.gz) met de database (pg_dump of de online back-up van "
        "SQLite) en alle mediabestanden, met een manifest: rijen per tabel, migraties, "
        "grootte en SHA-256 van elk bestand. Herstellen: manage.py restore ARCHIEF."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Het archief (standaard <map>/actieplanmonitor-<datum>-<tijd>.tar.gz).",
        )
        parser.add_argument(
            "--dir",
            type=Path,
            help="De map voor een archief met de standaardnaam (standaard var/backups).",
        )

    def handle(self, *args: Any, output: Path | None, dir: Path | None, **options: Any) -> None:
        # Brussels time in the name: what the people who look for "last night's" backup read.
        now = timezone.localtime()
        if output is None:
            folder = dir if dir is not None else Path(settings.VAR_DIR) / "backups"
            output = folder / f"actieplanmonitor-{now:%Y%m%d-%H%M%S}.tar.gz"
        try:
            manifest = backup_create(
                database=database_from_settings(connection.settings_dict),
                media_root=Path(settings.MEDIA_ROOT),
                output=output,
                now=now,
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        tables = manifest["tables"]
        media = manifest["media"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Back-up gemaakt: {output} ({output.stat().st_size / 1024 / 1024:.1f} MiB). "
                f"Database ({manifest['database']['vendor']}): {len(tables)} tabellen, "
                f"{sum(tables.values())} rijen; {len(media)} mediabestanden "
                f"({sum(f['size'] for f in media) / 1024 / 1024:.1f} MiB)."
            )
        )
