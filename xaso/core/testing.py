"""Test helpers shared by apps: removing what a module-scoped fixture committed outside a test transaction."""

from django.apps import apps
from django.db import connection

APPS_WITH_DATA = {
    "indicators",
    "geo",
    "accounts",
    "core",
    "plans",
    "reports",
    "correspondence",
    "reportforms",
    "registers",
    "dossiers",
    "steering",
    "feedback",
    "notify",
    "census",  # the demo's households and people (xaso/census/demo.py)
    "teams",
    "privacy",
}
#: reference data a migration loads (the procedure list): every test expects it, so it is kept
KEPT_MODELS = {"dossiers.Procedure", "feedback.Category"}


def wipe_committed_data() -> None:
    tables = [
        m._meta.db_table
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in APPS_WITH_DATA and not m._meta.proxy and m._meta.label not in KEPT_MODELS
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
            return
        cursor.execute("PRAGMA foreign_keys=OFF")
        for table in tables:
            cursor.execute(f'DELETE FROM "{table}"')
        cursor.execute("PRAGMA foreign_keys=ON")
