"""Move files stored by older versions (public MEDIA_ROOT, names as uploaded) into the private storage under
random names, keeping the uploaded name on the row as the download name. Idempotent: a row whose file is already
private, or whose file is gone, is left as it is. Run by the migrations that made the fields private, and by
`manage.py move_private_files` (for files restored into MEDIA_ROOT later)."""

from __future__ import annotations

import os
from functools import partial

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import transaction

from .storage import RandomName, private_storage
from .uploads import CONTENT_TYPES


def move_public_files(model, *, field: str, name_field: str, folder: str) -> int:
    """Move every `model.field` file still under MEDIA_ROOT; return how many were moved. The old copy is deleted
    once the transaction that records the new name commits."""
    public = FileSystemStorage(location=settings.MEDIA_ROOT)
    private = private_storage()
    moved = 0
    for row in model.objects.exclude(**{field: ""}).only("pk", field, name_field).iterator():
        name = getattr(row, field).name
        if private.exists(name) or not public.exists(name):
            continue
        ext = os.path.splitext(name)[1].lower()
        if ext.lstrip(".") not in CONTENT_TYPES:
            ext = ".bin"  # served as application/octet-stream, always as a download
        with public.open(name, "rb") as source:
            stored = private.save(RandomName(folder)(row, "file" + ext), source)
        download_name = getattr(row, name_field) or os.path.basename(name)
        model.objects.filter(pk=row.pk).update(**{field: stored, name_field: download_name[:200]})
        transaction.on_commit(partial(public.delete, name))
        moved += 1
    return moved
