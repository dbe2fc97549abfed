from django.core.management.base import BaseCommand

from xaso.dossiers.services import PROCEDURES_PATH, procedures_load


class Command(BaseCommand):
    help = (
        "Load (upsert by code) the administrative procedure list: the shipped subset, or a YAML file of the same form."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(PROCEDURES_PATH))

    def handle(self, *args, path, **options):
        result = procedures_load(path)
        self.stdout.write(f"procedures: {result.created} created, {result.updated} updated")
