"""Import an ADX or JSON file of figures as a user would through the API: all-or-nothing, with the receipt."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ...adx import AdxError, adx_parse
from ...services import ExchangeImportError, Incoming, exchange_import


class Command(BaseCommand):
    help = "Import an ADX (.xml) or JSON file of figures (as POST /api/v1/exchange/adx/ or /values/)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", required=True)
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}")
        path = Path(options["path"])
        if path.stat().st_size > settings.XASO_EXCHANGE_MAX_IMPORT_BYTES:
            raise CommandError("File larger than XASO_EXCHANGE_MAX_IMPORT_BYTES")
        data = path.read_bytes()
        batch = ""
        try:
            if data.lstrip().startswith(b"{"):
                from ...api.views import _json_items

                body = json.loads(data)
                incoming, errors = _json_items(body.get("values", []))
                if errors:
                    raise ExchangeImportError(errors)
                batch = str(body.get("batch_id") or "")
            else:
                parsed, batch = adx_parse(data, max_values=settings.XASO_EXCHANGE_MAX_IMPORT_VALUES)
                incoming = [
                    Incoming(v.element, v.unit, v.period, v.value, f"group[{v.group}]/dataValue[{v.position}]",
                             v.updated, v.comment)
                    for v in parsed
                ]  # fmt: skip
            receipt = exchange_import(user=user, values=incoming, batch_id=batch, dry_run=options["dry_run"])
        except AdxError as exc:
            raise CommandError("\n".join([str(exc), *(f"{w}: {m}" for w, m in exc.errors)])) from None
        except ExchangeImportError as exc:
            raise CommandError("\n".join(str(e) for e in exc.errors)) from None
        self.stdout.write(json.dumps(receipt.as_dict(), ensure_ascii=False))
