"""`manage.py restore_backup FOLDER --database-url URL --private-root DIR`: a backup into an empty database and folder.

It never overwrites: the database must have no tables (PostgreSQL: it is created when missing), the folder no files.
Point DATABASE_URL and XASO_PRIVATE_ROOT at them afterwards (docs/deploy.md, "Restoring").
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xaso.ops.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Khôi phục một bản sao lưu (restore a backup) into an empty database and an empty files folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a backup folder (xaso-YYYYmmddTHHMMSSZ)")
        parser.add_argument("--database-url", required=True, help="the empty database to restore into")
        parser.add_argument("--private-root", required=True, help="the empty folder for the private files")

    def handle(self, *args, folder, database_url, private_root, **options):
        try:
            manifest = backup_restore(folder=Path(folder), database_url=database_url, private_root=Path(private_root))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored the backup of {manifest['created_at']}")
