"""Register counts → figures: one `values_write` per import, source `ChangeSource.REGISTER`.

For every month an import touched (a row added there, or moved into or out of it), every element the register
computes is written for the commune from a fresh count of the whole register (zero included), so a figure
always equals the register: a re-import changes no figure, a corrected row moves its count from one month to the
other. `values_write` keeps the history (old → new, "Tính từ sổ theo dõi"), refreshes the rollups and gives the
commune a new data version in the same transaction, so the operations centre shows the new figure at once.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AnonymousUser

from xaso.indicators.bulk import WriteResult
from xaso.indicators.models import ChangeSource, DataElement
from xaso.indicators.services import ValueInput, values_write

from .spec import Register


class RegisterWriter(AnonymousUser):
    """A register writing its own counts (feedback, the loudspeaker inventory…): the change that moved a count was
    authorised on the register's row; the figure is a count, nobody's typing. Recorded without author."""

    @property
    def is_authenticated(self):
        return True

    is_superuser = True
    role = "admin"
    unit_id = None


REGISTER_WRITER = RegisterWriter()

#: the comment every figure computed from a register carries
COMMENT = "Tính từ sổ theo dõi: %(register)s"


def register_figures_write(*, user, unit, register: Register, months: set[date]) -> WriteResult:
    """Write the register's counts for `unit` and `months` as figures: every element the installed catalog has (a
    deployment may load its own catalog without some), every month."""
    if not months:
        return WriteResult()
    known = dict(DataElement.objects.filter(code__in=register.elements).values_list("code", "name"))
    elements = [code for code in register.elements if code in known]
    if not elements:
        return WriteResult()
    counts = register.monthly_counts(unit=unit, months=months)
    comment = COMMENT % {"register": register.slug}
    rows = [
        ValueInput(
            element=element,
            unit=unit.code,
            period=f"{month.year}-{month.month:02d}",
            value=counts.get(month, {}).get(element, 0),
            comment=comment,
            # a figure refused (a validation rule with a figure typed earlier) is named by its element's name
            columns={"element": element, "unit": unit.code, "period": month.isoformat(), "value": known[element]},
        )
        for month in sorted(months)
        for element in elements
    ]
    return values_write(user=user, rows=rows, source=ChangeSource.REGISTER)
