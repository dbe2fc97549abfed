"""`manage.py backup`: one backup folder (database + private files + manifest), then rotation (xaso.ops.backup).

Run daily by deploy/systemd/xaso-backup.timer; docs/deploy.md says how to restore.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from xaso.ops.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Sao lưu CSDL và tệp riêng (back up the database and the private files), keeping N daily and weekly."

    def add_arguments(self, parser):
        parser.add_argument("--destination", default=str(settings.XASO_BACKUP_DIR),
                            help="folder of the backups (default: XASO_BACKUP_DIR)")  # fmt: skip
        parser.add_argument("--keep-daily", type=int, default=settings.XASO_BACKUP_KEEP_DAILY)
        parser.add_argument("--keep-weekly", type=int, default=settings.XASO_BACKUP_KEEP_WEEKLY)

    def handle(self, *args, destination, keep_daily, keep_weekly, **options):
        if keep_daily < 1 or keep_weekly < 0:
            raise CommandError("--keep-daily must be at least 1 and --keep-weekly at least 0")
        try:
            result = backup_create(destination=Path(destination), keep_daily=keep_daily, keep_weekly=keep_weekly)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(result.path))
        for path in result.deleted:
            self.stdout.write(f"deleted {path}")
