"""The demo commune's register (data/demo_register.yaml): its documents are generated from each month's counts,
then its document figures are computed from them like any imported register."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from xaso.core.periods import parse_period
from xaso.geo.models import AdminUnit
from xaso.registers.figures import register_figures_write

from .models import Direction, Document, Origin, Signature
from .register import DOCUMENTS

DEMO_REGISTER_PATH = Path(__file__).parent / "data" / "demo_register.yaml"
_WORKDAYS = tuple(range(1, 29))


def _day(spec, index: int, count: int) -> date:
    """The index-th of `count` documents spread over the month's working days (Monday to Friday)."""
    days = [d for d in (date(spec.start.year, spec.start.month, n) for n in _WORKDAYS) if d.weekday() < 5]
    return days[index * len(days) // max(count, 1)]


@transaction.atomic
def demo_register_load(*, user, path: Path = DEMO_REGISTER_PATH) -> int:
    """Create the demo register (idempotent: a second run finds every document and writes nothing new);
    returns the documents created."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    unit = AdminUnit.objects.get(code=str(data["unit"]))
    symbol = data["symbol"]
    now = timezone.now()
    documents: list[Document] = []
    sequence = {Direction.OUTGOING: 0, Direction.INCOMING: 0}
    specs = []
    for code, counts in data["months"].items():
        spec = parse_period(str(code))
        specs.append(spec)
        for i in range(counts["sent"]):
            sequence[Direction.OUTGOING] += 1
            kind = data["outgoing"][i % len(data["outgoing"])]
            n = sequence[Direction.OUTGOING]
            number = f"{n}/{symbol}-{kind['office']}" if kind["type"] == "CV" else f"{n}/{kind['type']}-{symbol}"
            documents.append(Document(
                unit=unit, direction=Direction.OUTGOING, number=number, doc_type=kind["type"],
                registered_on=_day(spec, i, counts["sent"]), summary=kind["summary"], counterpart=kind["recipients"],
                is_electronic=i < counts["sent_electronic"],
                signature=(Signature.BOTH if i % 4 else Signature.ORGANISATION) if i < counts["sent_signed"]
                else Signature.NONE,
                key=number.lower(),
            ))  # fmt: skip
        for i in range(counts["received"] + counts["secret"]):
            secret = i >= counts["received"]
            sequence[Direction.INCOMING] += 1
            kind = data["incoming"][i % len(data["incoming"])]
            number = f"{1000 + sequence[Direction.INCOMING]}/{kind['symbol']}"
            documents.append(Document(
                unit=unit, direction=Direction.INCOMING, number=number, doc_type=kind["type"],
                registered_on=_day(spec, i % counts["received"], counts["received"]),
                summary="" if secret else kind["summary"], counterpart=kind["issuer"], is_secret=secret,
                is_electronic=secret or i < counts["received_online"],
                is_handled=secret or i < counts["received_handled"], key=f"{number.lower()}|{kind['issuer'].lower()}",
            ))  # fmt: skip
    for doc in documents:
        doc.origin, doc.created_by, doc.created_at, doc.updated_at = Origin.IMPORT, user, now, now
    before = Document.objects.filter(unit=unit).count()
    Document.objects.bulk_create(documents, batch_size=500, ignore_conflicts=True)
    register_figures_write(user=user, unit=unit, register=DOCUMENTS, months={s.start for s in specs})
    return Document.objects.filter(unit=unit).count() - before
