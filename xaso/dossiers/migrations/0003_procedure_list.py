"""The shipped subset of the national procedure list (xaso/dossiers/data/procedures.yaml), so every database can
take dossiers at once; later changes to the list are loaded with `manage.py load_procedures`."""

from pathlib import Path

import yaml
from django.db import migrations

LIST = Path(__file__).resolve().parent.parent / "data" / "procedures.yaml"


def load(apps, schema_editor):
    Procedure = apps.get_model("dossiers", "Procedure")
    data = yaml.safe_load(LIST.read_text(encoding="utf-8"))
    known = set(Procedure.objects.values_list("code", flat=True))
    Procedure.objects.bulk_create(
        Procedure(code=p["code"], name=p["name"], field=p.get("field", ""), online_level=p["online_level"],
                  source=data.get("source", ""))
        for p in data["procedures"]
        if p["code"] not in known
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
