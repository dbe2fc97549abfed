"""Save page 1 of every demo document as PNG (docs/screenshots/documents/): what a reviewer looks at."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from xaso.accounts.models import User
from xaso.reports.gallery import save_first_pages


class Command(BaseCommand):
    help = "Lưu trang đầu của mọi văn bản mẫu (kế hoạch, báo cáo, đánh giá) thành ảnh PNG để xem lại."

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "screenshots" / "documents"))
        parser.add_argument("--user", default="admin", help="tài khoản đọc các kế hoạch (mặc định: admin)")

    def handle(self, *args, **options):
        user = User.objects.get(username=options["user"])
        for path in save_first_pages(user, Path(options["out"])):
            self.stdout.write(str(path))
