"""Writes of the shared register machinery: start an import, map a new layout, run an import, save rows.

    job = import_start(user=u, unit=commune, register=DOSSIERS, upload=f)  # reads the header only
    if job.status == RegisterImport.Status.MAPPING:                      # a layout never seen: map it once
        job = import_map(user=u, register_import=job, columns={"ma_ho_so": "code", ...}, name="Cổng DVC 2025")
    # else it ran (small file) or is queued for the task worker (file above XASO_IMPORT_BACKGROUND_BYTES)

`import_run` reads every row, parses every mapped cell by its field's kind (an error names the row and the
column as written in the file), then `rows_import` hands the rows to `Register.rows_save` and writes the figures
(`figures.register_figures_write`), all in one transaction: a file with one bad cell saves nothing. A loader that
builds its rows itself (the demo) calls `rows_import` directly. `register_imports_cleanup` (daily housekeeping)
fails the imports left waiting for their mapping and deletes their files.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xaso.accounts.permissions import can_write_commune, is_current_commune
from xaso.core.versions import versions_touch
from xaso.indicators.errors import BulkValueError, RowError
from xaso.indicators.filelimits import ImportFileError, ImportLimits
from xaso.indicators.importjobs import background_bytes

from .cells import CellError, header_key, parse_cell
from .figures import register_figures_write
from .models import MAX_LAYOUT_COLUMNS, ImportLayout, RegisterImport
from .reading import sheet_read
from .spec import Field, KnownLayout, Register, register_get

log = logging.getLogger(__name__)

#: most row errors an import report keeps
MAX_REPORT_ERRORS = 1000


def header_signature(keys: list[str]) -> str:
    """The signature a layout is recognised by: the set of its non-empty header keys (order and spelling of
    case, accents and spaces do not matter), hashed."""
    return hashlib.sha256("|".join(sorted({k for k in keys if k})).encode()).hexdigest()


def _refusal(user, unit) -> str | None:
    if not user.is_active:
        return _("Tài khoản không còn hoạt động.")
    if not is_current_commune(unit):
        return _("Sổ theo dõi được nhập cho từng xã; “%(u)s” không phải là xã.") % {"u": unit.name}
    if not can_write_commune(user, unit):
        return _("Bạn không có quyền nhập sổ theo dõi cho %(u)s.") % {"u": unit.name}
    return None


def layout_resolve(*, register: Register, unit, keys: list[str]) -> tuple[str, dict[str, str]] | None:
    """(layout name, header key → field key) for a header: a known layout of the register that the header holds
    (the one mapping the most columns, plus any other column a field's alias names), else a layout this commune
    saved with the same signature; None if the header needs mapping."""
    known: list[KnownLayout] = [layout for layout in register.layouts if layout.matches(keys)]
    if known:
        best = max(known, key=lambda layout: len(layout.columns))
        columns = dict(best.columns)
        used = set(columns.values())
        for key, field_key in columns_suggest(register=register, keys=[k for k in keys if k not in columns]).items():
            if field_key not in used:  # a column the layout lacks but a field's alias names (e.g. the unit)
                columns[key] = field_key
        return best.name, columns
    saved = ImportLayout.objects.filter(register=register.slug, unit=unit, signature=header_signature(keys)).first()
    if saved is not None:
        return saved.name, dict(saved.columns)
    if register.recognised_by_aliases:
        columns = columns_suggest(register=register, keys=keys)
        fields = set(columns.values())
        if all(f.key in fields for f in register.required) and register.columns_problem(fields) is None:
            return str(_("Nhận theo tên cột")), columns
    return None


def columns_suggest(*, register: Register, keys: list[str]) -> dict[str, str]:
    """For the mapping screen: the field each header's key names (the fields' `aliases`), first header wins."""
    by_alias = {alias: f.key for f in register.fields for alias in (f.key, *f.aliases)}
    chosen: dict[str, str] = {}
    used: set[str] = set()
    for key in keys:
        target = by_alias.get(key)
        if target and target not in used:
            chosen[key] = target
            used.add(target)
    return chosen


def columns_check(*, register: Register, keys: list[str], columns: dict[str, str]) -> dict[str, str]:
    """A mapping cleaned and judged: every key a header of the file, every field known and used once, every
    required field mapped. ValidationError (Vietnamese, naming the fields) otherwise."""
    fields = {f.key: f for f in register.fields}
    clean = {k: v for k, v in columns.items() if v}
    if len(clean) > MAX_LAYOUT_COLUMNS:
        raise ValidationError(_("Quá nhiều cột được ghép."))
    unknown_headers = [k for k in clean if k not in keys]
    unknown_fields = [v for v in clean.values() if v not in fields]
    if unknown_headers or unknown_fields:
        raise ValidationError(_("Cách ghép cột không khớp với tệp: hãy tải tệp lên lại."))
    twice = sorted({v for v in clean.values() if list(clean.values()).count(v) > 1})
    if twice:
        raise ValidationError(
            _("Mỗi trường chỉ ghép với một cột; đang ghép nhiều cột vào: %(f)s.")
            % {"f": ", ".join(str(fields[v].label) for v in twice)}
        )
    missing = [str(f.label) for f in register.required if f.key not in clean.values()]
    if missing:
        raise ValidationError(_("Chưa chọn cột cho trường bắt buộc: %(f)s.") % {"f": ", ".join(missing)})
    problem = register.columns_problem(set(clean.values()))
    if problem:
        raise ValidationError(problem)
    return clean


def import_start(*, user, unit, register: Register, upload) -> RegisterImport:
    """Keep the upload privately, read its header; run it now (small file), queue it (large file) or wait for
    its mapping (a layout never seen). PermissionDenied if the user may not import for `unit`;
    ImportFileError if the file cannot be read (nothing is kept then)."""
    refusal = _refusal(user, unit)
    if refusal is not None:
        raise PermissionDenied(refusal)
    limit = ImportLimits.current().file_bytes
    if upload.size > limit:
        raise ImportFileError(_("Tệp lớn quá %(mb)s MB: chia thành nhiều tệp nhỏ hơn.") % {"mb": limit // 2**20})
    data = upload.read()
    sheet = sheet_read(data, upload.name, header_only=True)
    keys = [header_key(h) for h in sheet.headers]
    job = RegisterImport(
        register=register.slug, unit=unit, created_by=user, filename=upload.name[:255], size=len(data),
        language=translation.get_language() or "vi", signature=header_signature(keys), headers=sheet.headers,
        header_row=sheet.header_row,
    )  # fmt: skip
    upload.seek(0)
    job.upload.save(upload.name, upload, save=False)
    resolved = layout_resolve(register=register, unit=unit, keys=keys)
    if resolved is None:
        job.status = RegisterImport.Status.MAPPING
        job.save()
        return job
    job.layout_name, job.columns = resolved
    job.status = RegisterImport.Status.QUEUED
    job.save()
    return _run_or_queue(job, data)


@transaction.atomic
def layout_save(*, user, unit, register: Register, headers: list[str], columns: dict[str, str], name: str):
    """Remember a mapped layout for the commune (replacing one with the same header signature)."""
    keys = [header_key(h) for h in headers]
    clean = columns_check(register=register, keys=keys, columns=columns)
    name = (name or "").strip()[:120] or _("Mẫu tệp %(d)s") % {"d": timezone.localdate().strftime("%d/%m/%Y")}
    layout, _created = ImportLayout.objects.update_or_create(
        register=register.slug, unit=unit, signature=header_signature(keys),
        defaults={"name": name, "headers": headers, "columns": clean, "created_by": user},
    )  # fmt: skip
    return layout


def import_map(*, user, register_import: RegisterImport, columns: dict[str, str], name: str = "") -> RegisterImport:
    """Map the columns of an import waiting for its mapping, remember the layout for the commune, then run it."""
    job = register_import
    if job.created_by_id != user.pk or job.status != RegisterImport.Status.MAPPING:
        raise PermissionDenied(_("Lượt nhập này không chờ ghép cột."))
    refusal = _refusal(user, job.unit)
    if refusal is not None:
        raise PermissionDenied(refusal)
    register = register_get(job.register)
    layout = layout_save(user=user, unit=job.unit, register=register, headers=job.headers, columns=columns, name=name)
    job.layout_name, job.columns, job.status = layout.name, layout.columns, RegisterImport.Status.QUEUED
    job.save(update_fields=["layout_name", "columns", "status"])
    with job.upload.open("rb") as stored:
        data = stored.read()
    return _run_or_queue(job, data)


def _run_or_queue(job: RegisterImport, data: bytes) -> RegisterImport:
    if job.size <= background_bytes():
        return import_run(job.pk, data=data)
    from .tasks import register_import_run_task

    try:
        register_import_run_task.enqueue(job.pk)
    except Exception as exc:  # a queue that refuses the job: said on the import page instead of a 500
        log.exception("register import %s could not be queued", job.pk)
        _finish(job, status=RegisterImport.Status.FAILED, error=str(exc)[:1000])
    return job


def _finish(job: RegisterImport, **fields) -> None:
    if job.upload:
        job.upload.delete(save=False)
    fields["finished_at"] = timezone.now()
    RegisterImport.objects.filter(pk=job.pk).update(upload="", **fields)
    for name, value in fields.items():
        setattr(job, name, value)


def import_run(job_id: int, *, data: bytes | None = None) -> RegisterImport:
    """Read, check and save a queued import all or nothing, then record its report (called inline or by the
    task worker). The uploader is authorised again: a role or unit changed since the upload refuses it."""
    claimed = RegisterImport.objects.filter(pk=job_id, status=RegisterImport.Status.QUEUED).update(
        status=RegisterImport.Status.RUNNING
    )
    job = RegisterImport.objects.select_related("unit", "created_by", "created_by__unit").get(pk=job_id)
    if not claimed:
        return job
    with translation.override(job.language):
        refusal = _refusal(job.created_by, job.unit)
        if refusal is not None:
            _finish(job, status=RegisterImport.Status.FAILED, error=refusal)
            return job
        try:
            if data is None:
                with job.upload.open("rb") as stored:
                    data = stored.read()
            _import(job, data)
        except ImportFileError as exc:
            _finish(job, status=RegisterImport.Status.FAILED, error=str(exc))
        except BulkValueError as exc:
            errors = sorted(exc.errors, key=lambda e: (e.row or 0, e.column))
            _finish(job, status=RegisterImport.Status.FAILED, error=str(exc), report={
                "errors": [e.as_dict() for e in errors[:MAX_REPORT_ERRORS]], "error_count": len(errors),
            })  # fmt: skip
        except Exception:
            log.exception("register import %s failed", job.pk)
            _finish(job, status=RegisterImport.Status.FAILED,
                    error=_("Lỗi hệ thống khi nhập tệp: không có dòng nào được lưu. Hãy thử lại sau."))  # fmt: skip
    return job


def _parsed_rows(register: Register, job: RegisterImport, data: bytes) -> tuple[list[dict], dict[str, str], int]:
    """The file's rows as dicts of field key → value (`_row`: the row number), the header of each field as
    written, the row count; BulkValueError with every unreadable cell."""
    sheet = sheet_read(data, job.filename)
    keys = sheet.keys
    if header_signature(keys) != job.signature:
        raise ImportFileError(_("Dòng tiêu đề của tệp đã thay đổi: hãy tải tệp lên lại."))
    fields = {f.key: f for f in register.fields}
    keep_personal = register.store_personal(job.unit)
    index_of = {key: i for i, key in reversed(list(enumerate(keys)))}
    plan = [
        (index_of[key], fields[field_key])
        for key, field_key in job.columns.items()
        if key in index_of and field_key in fields and (keep_personal or not fields[field_key].personal)
    ]
    headers = {field_key: sheet.headers[index_of[key]] for key, field_key in job.columns.items() if key in index_of}
    errors: list[RowError] = []
    rows: list[dict] = [{"_row": number} for number, _cells in sheet.rows]
    for index, spec in plan:
        _column_parse(sheet.rows, rows, index, spec, headers[spec.key], errors)
    if errors:
        unreadable = {e.row for e in errors}
        readable = [row for row in rows if row["_row"] not in unreadable]
        if readable:  # the rules the other rows break, in the same report
            errors += register.rows_check(unit=job.unit, rows=readable, columns=headers)
        errors.sort(key=lambda e: e.row)  # stable: by row, then the columns in the layout's order
        raise BulkValueError(errors)
    return rows, headers, len(sheet.rows)


def _column_parse(sheet_rows: list, rows: list[dict], index: int, spec: Field, header: str, errors: list) -> None:
    """Parse one column of every row into `rows[i][spec.key]`, collecting a RowError per unreadable or missing
    required cell. An export repeats most values (a date, a channel, Có/Không): each distinct cell is parsed once
    (keyed by its type too, so 1, 1.0 and True stay apart; the readers give only hashable cells), its value or
    its error reused."""
    key, required, kind = spec.key, spec.required, "bad_" + spec.kind
    seen: dict = {}
    missing = _("Ô bắt buộc đang trống.")
    for (number, cells), row in zip(sheet_rows, rows, strict=True):
        raw = cells[index] if index < len(cells) else None
        memo = raw if type(raw) is str else (type(raw), raw)
        try:
            value = seen[memo]
        except KeyError:
            try:
                value = parse_cell(raw, spec)
            except CellError as exc:
                value = exc
            seen[memo] = value
        if type(value) is CellError:
            errors.append(RowError(number, header, str(value), kind))
            continue
        row[key] = value
        if required and (value is None or value == ""):
            errors.append(RowError(number, header, missing, "required"))


@transaction.atomic
def rows_import(*, user, unit, register: Register, rows: list[dict], columns: dict[str, str], register_import=None):
    """Save parsed rows into a commune's register and write the figures they change, all or nothing
    (BulkValueError). `rows` as `Register.rows_save` takes them; for a loader that builds rows itself (the demo)
    as much as for a file. Returns the `SaveResult`."""
    refusal = _refusal(user, unit)
    if refusal is not None:
        raise PermissionDenied(refusal)
    result = register.rows_save(user=user, unit=unit, rows=rows, columns=columns, register_import=register_import)
    if result.created or result.updated:  # the drill-down lists change even where the figures do not
        versions_touch([unit.id])
    register_figures_write(user=user, unit=unit, register=register, months=result.months)
    return result


def _import(job: RegisterImport, data: bytes) -> None:
    register = register_get(job.register)
    rows, headers, count = _parsed_rows(register, job, data)
    RegisterImport.objects.filter(pk=job.pk).update(rows=count)
    job.rows = count
    result = rows_import(
        user=job.created_by, unit=job.unit, register=register, rows=rows, columns=headers, register_import=job
    )
    _finish(
        job, status=RegisterImport.Status.DONE, created=result.created, updated=result.updated,
        unchanged=result.unchanged,
        report={"errors": [], "error_count": 0, "months": sorted(m.isoformat() for m in result.months)},
    )  # fmt: skip


def register_imports_cleanup(*, stale_after: timedelta = timedelta(days=1)) -> int:
    """Forget uploads left waiting for their mapping (deleting the kept file) and mark imports a crashed worker
    left running as failed (their transaction was rolled back). Returns how many. Run daily
    (`manage.py cleanup_register_imports`)."""
    old = timezone.now() - stale_after
    stale = RegisterImport.objects.filter(
        status__in=[RegisterImport.Status.MAPPING, RegisterImport.Status.RUNNING, RegisterImport.Status.QUEUED],
        created_at__lt=old,
    )
    count = 0
    for job in stale:
        with translation.override(job.language):
            _finish(job, status=RegisterImport.Status.FAILED,
                    error=_("Lượt nhập bị bỏ dở (chưa ghép cột hoặc bị dừng): không có dòng nào được lưu. "
                            "Hãy nhập lại tệp."))  # fmt: skip
        count += 1
    return count
