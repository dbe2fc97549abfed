"""Load a commune index (YAML/JSON) as a new version: national (the example) or a province's (--province CODE)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from xaso.accounts.models import Role, User
from xaso.dti.loader import EXAMPLE_PATH as EXAMPLE  # noqa: E402
from xaso.dti.loader import index_load, parse_text
from xaso.geo.models import AdminUnit


class Command(BaseCommand):
    help = "Nạp bộ chỉ số chuyển đổi số từ tệp YAML/JSON (mặc định: cấu trúc mẫu DTI 922)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(EXAMPLE))
        parser.add_argument("--province", default="", help="mã tỉnh (bỏ trống: bộ chỉ số dùng chung)")

    def handle(self, *args, path, province, **options):
        unit = AdminUnit.objects.get(code=province) if province else None
        system = User(role=Role.ADMIN, is_superuser=True)  # the command runs as the administrator
        try:
            index = index_load(user=system, data=parse_text(Path(path).read_text(), name=path), province=unit)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        self.stdout.write(f"{index} — {index.criteria.count()} tiêu chí")
