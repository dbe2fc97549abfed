"""The value history's retention: changes older than a year boundary leave the database for a compressed file.

Rule (docs/decisions/0016-import-pipeline.md): the history of every figure stays in the database for the
current year and the five before it; once a year, `manage.py archive_value_history --before <year - 5>`
writes the older change records to a gzip CSV file under `settings.XASO_HISTORY_ARCHIVE_ROOT` and deletes
them, a batch at a time. Each batch is written and flushed to disk (fsync) before the same rows are deleted
in their own short transaction, so the app keeps serving, and a crash loses nothing: at worst the last batch
is in the file and still in the database, and the next run writes it again (the `id` column tells copies apart).

On PostgreSQL the history is partitioned by the local year of each change (docs/decisions/0025-partitioned-values.md):
a year before the cutoff is written out whole, synced, then its partition is dropped in one statement — no
row-by-row DELETE and no dead rows for VACUUM. Only rows outside such a partition (the DEFAULT partition's) are
deleted batch by batch.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.accounts.models import User
from xaso.core.models import Period
from xaso.geo.models import AdminUnit

from . import partitions
from .models import DataElement, DataValueChange

#: the columns of an archive file, in order
COLUMNS = ("id", "chi_tieu", "don_vi", "ky", "gia_tri_cu", "gia_tri_moi", "ghi_chu", "nguon", "nguoi_sua",
           "nguoi_sua_id", "luc", "chi_tieu_id", "don_vi_id", "ky_id")  # fmt: skip
_FIELDS = ("id", "data_element_id", "unit_id", "period_id", "old_value", "new_value", "comment", "source",
           "changed_by_id", "changed_at")  # fmt: skip


class HistoryArchiveError(ValueError):
    """The archive cannot be made as asked; the message is for people."""


@dataclass
class HistoryArchive:
    """What a run archived: the file (None when nothing was old enough), rows and batches."""

    path: Path | None
    rows: int
    batches: int


def _number(value: float | None) -> str:
    return "" if value is None else repr(value)  # exact: the shortest text that reads back as the same float


def _codes(model, ids: set[int], field: str) -> dict[int, str]:
    return dict(model.objects.filter(id__in=ids).values_list("id", field)) if ids else {}


def value_history_archive(*, before_year: int, directory: Path | None = None, batch_size: int = 5000) -> HistoryArchive:
    """Move every history record changed before 1 January of `before_year` (local time) to a new gzip CSV file,
    `batch_size` rows at a time, each batch written and synced before it is deleted."""
    this_year = timezone.localdate().year
    if not 2000 <= before_year <= this_year:
        raise HistoryArchiveError(
            _("Năm %(y)s không hợp lệ: chỉ lưu trữ lịch sử trước một năm từ 2000 đến năm nay (%(now)s).")
            % {"y": before_year, "now": this_year}
        )
    if not 1 <= batch_size <= 100_000:
        raise HistoryArchiveError(_("Số dòng mỗi đợt phải từ 1 đến 100.000."))
    cutoff = timezone.make_aware(datetime(before_year, 1, 1))
    old = DataValueChange.objects.filter(changed_at__lt=cutoff).order_by("id")
    if not old.exists():
        return HistoryArchive(None, 0, 0)
    # PostgreSQL: whole years of history are partitions, written out then dropped at once (0025)
    whole = partitions.history_partitions_before(before_year)
    directory = Path(directory or settings.XASO_HISTORY_ARCHIVE_ROOT)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"lich-su-so-lieu-truoc-{before_year}-{stamp}.csv.gz"
    done = HistoryArchive(path, 0, 0)
    with open(path, "xb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as packed:
        text = io.TextIOWrapper(packed, encoding="utf-8", newline="")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(COLUMNS)

        def synced() -> None:  # a sync flush: everything so far can be read back from the file
            text.flush()
            packed.flush()
            raw.flush()
            os.fsync(raw.fileno())

        for partition in whole:
            start, end = partitions.history_bounds(partition.year)
            _batches_write(writer, synced, old.filter(changed_at__gte=start, changed_at__lt=end), batch_size, done)
            partitions.history_partition_drop(partition)  # only once its rows are on disk
        # what no whole partition holds (SQLite; on PostgreSQL, changes in the DEFAULT partition): row batches
        _batches_write(writer, synced, old, batch_size, done, delete=cutoff)
        text.flush()
        text.detach()
    return done


def _batches_write(writer, synced, rows, batch_size: int, done: HistoryArchive, *, delete: datetime | None = None):
    """Write `rows` (ordered by id) to the archive `batch_size` at a time, each batch synced to disk, then, with
    `delete` (the cutoff), deleted in its own short transaction."""
    last_id = 0
    while True:
        batch = list(rows.filter(id__gt=last_id).values_list(*_FIELDS)[:batch_size])
        if not batch:
            break
        elements = _codes(DataElement, {r[1] for r in batch}, "code")
        units = _codes(AdminUnit, {r[2] for r in batch}, "code")
        periods = _codes(Period, {r[3] for r in batch}, "code")
        authors = _codes(User, {r[8] for r in batch if r[8] is not None}, "username")
        writer.writerows(
            (id_, elements.get(e, ""), units.get(u, ""), periods.get(p, ""), _number(old_value),
             _number(new_value), comment, source, authors.get(author, ""), author or "",
             changed_at.astimezone(timezone.UTC).isoformat(), e, u, p)
            for id_, e, u, p, old_value, new_value, comment, source, author, changed_at in batch
        )  # fmt: skip
        synced()
        first, last_id = batch[0][0], batch[-1][0]
        if delete is not None:
            with transaction.atomic():
                DataValueChange.objects.filter(id__gte=first, id__lte=last_id, changed_at__lt=delete).delete()
        done.rows += len(batch)
        done.batches += 1
        if len(batch) < batch_size:
            break
