"""The one way to read a private file: look up its row, check the reader's rights on its unit, log, send.

A file that is personal data (`Source.personal`) is also written to the access log before it is sent."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from xaso.accounts.permissions import can_read_unit
from xaso.privacy.models import AccessAction
from xaso.privacy.services import log_access

from .registry import SOURCES
from .serving import file_response

log = logging.getLogger("xaso.files")


def _below(user, source, row) -> bool:
    """A file its unit's subtree reads (`Source.read_from_below`): the user's unit lies inside the row's unit."""
    unit = source.unit(row)
    return bool(
        source.read_from_below and unit is not None and user.is_authenticated and user.unit_id is not None
        and user.unit.path.startswith(unit.path)
    )  # fmt: skip


def serve(request, *, kind: str, pk: int):
    """The file of row `pk` of `kind`, if the user may read the row's unit (and, for a job, made it); else 404 —
    the same answer whether the row is missing or someone else's, so ids cannot be probed."""
    source = SOURCES.get(kind)
    if source is None:
        raise Http404(_("Không tìm thấy tệp."))
    row = source.model_class().objects.select_related(*source.related).filter(pk=pk).first()
    allowed = (
        row is not None
        and bool(getattr(row, source.field))
        and (can_read_unit(request.user, source.unit(row)) or _below(request.user, source, row))
        and (not source.owner_field or getattr(row, source.owner_field) == request.user.pk)
    )
    if not allowed:
        log.warning("private file refused: user=%s kind=%s id=%s", request.user.pk, kind, pk)
        raise Http404(_("Không tìm thấy tệp."))
    fieldfile = getattr(row, source.field)
    if source.personal:
        log_access(
            user=request.user,
            action=AccessAction.VIEW,
            subject_type=source.personal,
            subject_id=source.subject_id(row) if source.subject_id else str(row.pk),
            unit=source.unit(row),
        )
    log.info("private file read: user=%s kind=%s id=%s file=%s", request.user.pk, kind, pk, fieldfile.name)
    download_name = getattr(row, source.name_field) or fieldfile.name.rsplit("/", 1)[-1]
    return file_response(fieldfile, download_name=download_name)


@login_required
@require_GET
def private_file(request, kind: str, pk: int):
    return serve(request, kind=kind, pk=pk)
