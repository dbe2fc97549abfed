"""Rebuild the Word templates of the official documents (xaso/reports/templates_docx/*.docx)."""

from django.core.management.base import BaseCommand

from xaso.reports.build_templates import build_all


class Command(BaseCommand):
    help = "Tạo lại các mẫu văn bản Word (Nghị định 30/2020/NĐ-CP) trong xaso/reports/templates_docx/."

    def handle(self, *args, **options):
        for path in build_all():
            self.stdout.write(f"{path}")
