from django.core.management.base import BaseCommand
from django.db import transaction

from xaso.files.moving import move_public_files
from xaso.files.registry import SOURCES

FOLDERS = {"evidence": "plans/evidence", "signed": "plans/signed", "report": "reports"}


class Command(BaseCommand):
    help = "Chuyển tệp cũ trong MEDIA_ROOT sang kho tệp riêng tư (XASO_PRIVATE_ROOT) với tên ngẫu nhiên."

    def handle(self, *args, **options):
        for kind, source in SOURCES.items():
            with transaction.atomic():
                moved = move_public_files(source.model_class(), field=source.field, name_field=source.name_field,
                                          folder=FOLDERS[kind])  # fmt: skip
            self.stdout.write(f"{kind}: {moved}")
