from django.core.management.base import BaseCommand
from django.db import transaction

from xaso.files.moving import move_public_files
from xaso.files.registry import SOURCES

#: the kinds of file that existed before private storage, and the public folder they were kept in; a kind added
#: later was private from the start and has nothing to move
FOLDERS = {"evidence": "plans/evidence", "signed": "plans/signed", "report": "reports"}


class Command(BaseCommand):
    help = "Chuyển tệp cũ trong MEDIA_ROOT sang kho tệp riêng tư (XASO_PRIVATE_ROOT) với tên ngẫu nhiên."

    def handle(self, *args, **options):
        for kind, folder in FOLDERS.items():
            source = SOURCES[kind]
            with transaction.atomic():
                moved = move_public_files(source.model_class(), field=source.field, name_field=source.name_field,
                                          folder=folder)  # fmt: skip
            self.stdout.write(f"{kind}: {moved}")
