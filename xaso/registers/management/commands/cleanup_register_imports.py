from django.core.management.base import BaseCommand

from xaso.registers.services import register_imports_cleanup


class Command(BaseCommand):
    help = "Delete the uploads of register imports left waiting for their mapping or stopped by a crash (daily)."

    def handle(self, *args, **options):
        self.stdout.write(f"register imports cleaned up: {register_imports_cleanup()}")
