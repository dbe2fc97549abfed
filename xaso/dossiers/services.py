"""Writes of the dossier register that are not imports: the procedure list and a commune's personal-data choice.
(Dossiers themselves are written by an import, through `xaso.registers.services` and `register.DOSSIERS`.)"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_write_unit

from .models import DossierSettings, OnlineLevel, Procedure

PROCEDURES_PATH = Path(__file__).parent / "data" / "procedures.yaml"
#: most procedures a list file holds (the national list has about 6,000 procedures at every level)
MAX_PROCEDURES = 20_000


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0


@transaction.atomic
def procedures_load(path: Path = PROCEDURES_PATH) -> LoadResult:
    """Upsert the procedures of a list file by code (a second run changes nothing); ValidationError naming the
    entry for a bad code, name or level, and then nothing is saved."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    entries = data.get("procedures") or []
    if len(entries) > MAX_PROCEDURES:
        raise ValidationError(_("Tệp có quá nhiều thủ tục (tối đa %(n)s).") % {"n": MAX_PROCEDURES})
    source = str(data.get("source", ""))[:1000]
    errors = []
    clean = {}
    for number, entry in enumerate(entries, start=1):
        code = str(entry.get("code", "")).strip()
        name = str(entry.get("name", "")).strip()
        level = str(entry.get("online_level", OnlineLevel.NONE))
        if not code or len(code) > 20 or not name or len(name) > 500 or level not in OnlineLevel.values:
            errors.append(_("Thủ tục thứ %(n)s (mã “%(c)s”): cần mã (tối đa 20 ký tự), tên và mức độ full, partial "
                            "hoặc none.") % {"n": number, "c": code})  # fmt: skip
            continue
        clean[code] = {"name": name, "field": str(entry.get("field", ""))[:255], "online_level": level,
                       "source": source, "is_active": bool(entry.get("is_active", True))}  # fmt: skip
    if errors:
        raise ValidationError(errors)
    stored = {p.code: p for p in Procedure.objects.filter(code__in=clean)}
    result = LoadResult()
    new, changed = [], []
    for code, values in clean.items():
        procedure = stored.get(code)
        if procedure is None:
            new.append(Procedure(code=code, **values))
        elif any(getattr(procedure, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(procedure, k, v)
            changed.append(procedure)
    Procedure.objects.bulk_create(new)
    Procedure.objects.bulk_update(changed, ["name", "field", "online_level", "source", "is_active"])
    result.created, result.updated = len(new), len(changed)
    return result


@transaction.atomic
def dossier_settings_set(*, user, unit, store_applicant: bool) -> DossierSettings:
    """A commune's choice to keep (or stop keeping) applicants' names and ID numbers. Turning it off erases the
    ones kept, and any of their values an older history recorded (today's history keeps none: `saving`)."""
    if not can_write_unit(user, unit):
        raise PermissionDenied(_("Bạn không có quyền thay đổi thiết lập của %(u)s.") % {"u": unit.name})
    settings_row, _created = DossierSettings.objects.update_or_create(
        unit=unit, defaults={"store_applicant": store_applicant, "updated_by": user}
    )
    if not store_applicant:
        from .models import Dossier, DossierChange
        from .register import PERSONAL_STORED

        Dossier.objects.filter(unit=unit).exclude(applicant_name="", applicant_id="").update(
            applicant_name="", applicant_id=""
        )
        kept = [
            change for change in DossierChange.objects.filter(dossier__unit=unit, changes__has_any_keys=list(
                PERSONAL_STORED)) if any(change.changes.get(name) is not None for name in PERSONAL_STORED)
        ]  # fmt: skip
        for change in kept:
            change.changes = {k: None if k in PERSONAL_STORED else v for k, v in change.changes.items()}
        DossierChange.objects.bulk_update(kept, ["changes"], batch_size=500)
    return settings_row
