"""The census form as an app that works with no signal (docs/decisions/0036-offline-census-app.md).

Everything under /census/app/ (`xaso/census/urls_offline.py`):

- the app shell (`app_shell`): one page that draws the form from the form definition, keeps records in the
  phone's IndexedDB and sends them when the network returns (`xaso/census/static/census/app.js`);
- the service worker (`service_worker`), served from the shell's own folder so its scope covers the app: it
  precaches the shell's static files under their hashed names (the list is built here, from the static storage)
  and keeps the shell, the form definition and the household list for when there is no network;
- the web app manifest (`manifest`), so the app installs on a phone's home screen;
- the JSON the app reads: the form definition (`form_definition_json`) and the households of the team member's
  villages with their base version (`households_json`);
- the sync endpoint (`sync`): a bounded batch of records, each handed to `household_submit` on its own, answered
  record by record (created, updated, duplicate, merged with its conflicts, or the Vietnamese error that names the
  field). A retried batch never duplicates: each record carries the client-generated `client_id` that
  `household_submit` keys on.

Signed-in users only, with the session and CSRF token as every other form of the app; the JSON endpoints answer
401 in the API's error body rather than redirect to the login page (a script cannot follow that).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from xaso.geo.models import AdminUnit, Level

#: At most this many records in one sync request; the app sends its queue in batches of `SYNC_BATCH_CLIENT`.
SYNC_BATCH_MAX = 50
SYNC_BATCH_CLIENT = 20
#: At most this many bytes in one sync request (50 households of 20 members with every answer stay far below).
SYNC_BODY_MAX = 1_000_000

#: The static files the shell needs, precached by the service worker under their (hashed) names so a reload with
#: no network draws the page: the layout's styles and scripts, the fonts its text uses, the app and its libraries.
SHELL_STATIC = (
    "vendor/uswds-3.14.0/css/uswds.min.css",
    "vendor/uswds-3.14.0/js/uswds-init.min.js",
    "vendor/uswds-3.14.0/js/uswds.min.js",
    "vendor/uswds-3.14.0/fonts/public-sans/PublicSans-Regular.woff2",
    "vendor/uswds-3.14.0/fonts/public-sans/PublicSans-Bold.woff2",
    "vendor/uswds-3.14.0/fonts/public-sans/PublicSans-SemiBold.woff2",
    "vendor/uswds-3.14.0/img/usa-icons/close.svg",
    "vendor/uswds-3.14.0/img/usa-icons/unfold_more.svg",
    "vendor/uswds-3.14.0/img/usa-icons/info.svg",
    "vendor/uswds-3.14.0/img/usa-icons/error.svg",
    "vendor/uswds-3.14.0/img/correct8.svg",
    "vendor/htmx-2.0.11.min.js",
    "xaso/xaso.css",
    "xaso/app.js",
    "xaso/ui.js",
    "xaso/favicon.svg",
    "vendor/idb-8.0.4/idb.umd.js",
    "census/app.css",
    "census/app.js",
    "census/icons/icon-192.png",
)
#: The service worker's own code, loaded by the generated script in this order (Workbox's modules need core first).
WORKER_SCRIPTS = (
    "vendor/workbox-7.4.1/workbox-core.prod.js",
    "vendor/workbox-7.4.1/workbox-routing.prod.js",
    "vendor/workbox-7.4.1/workbox-strategies.prod.js",
    "vendor/workbox-7.4.1/workbox-precaching.prod.js",
    "vendor/workbox-7.4.1/workbox-expiration.prod.js",
    "census/sw.js",
)


def json_error(detail: str, code: str, status_code: int, errors=None) -> JsonResponse:
    """The API's error body (xaso.core.api.json_error), imported when first used: xaso.core.api loads DRF's views,
    whose settings import xaso.core.api back, so a module imported before DRF must not import it at the top."""
    from xaso.core.api import json_error as api_error

    return api_error(detail, code, status_code, errors)


def _json_401() -> JsonResponse:
    return json_error(_("Phiên đăng nhập đã hết: hãy đăng nhập lại rồi gửi."), "not_authenticated", 401)


def census_villages(user) -> list[AdminUnit]:
    """The villages whose households the user records (xaso.census.permissions): every current village of an
    officer's commune, the team's village of a team member, none for anybody else."""
    from xaso.census.permissions import name_village_ids

    ids = name_village_ids(user)
    if ids is not None and not ids:
        return []
    villages = AdminUnit.objects.filter(level=Level.VILLAGE, is_legacy=False)
    villages = villages.filter(path__startswith=user.unit.path) if ids is None else villages.filter(id__in=ids)
    return list(villages.order_by("path").only("id", "code", "name", "path"))


# ---------------------------------------------------------------------------------------------------------- shell


@never_cache
@require_GET
def app_shell(request: HttpRequest) -> HttpResponse:
    """The page every part of the app lives in; it reads its data from the JSON endpoints below."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    villages = census_villages(request.user)
    if not villages:
        raise PermissionDenied
    config = {
        "user": request.user.pk,
        "scope": reverse("census_app:shell"),
        "sw": reverse("census_app:sw"),
        "form": reverse("census_app:form"),
        "households": reverse("census_app:households"),
        "sync": reverse("census_app:sync"),
        "batch": SYNC_BATCH_CLIENT,
        "strings": _app_strings(),
    }
    return render(request, "census/app/shell.html", {"config": config})


def _app_strings() -> dict[str, str]:
    """What the app's script says, translated here: the script itself holds no text a person reads."""
    return {
        "online": _("Có mạng"),
        "offline": _("Không có mạng — hộ ghi được lưu trên máy, sẽ gửi khi có mạng"),
        "queue": _("%(n)s hộ chưa gửi"),
        "queue_empty": _("Không có hộ nào chờ gửi."),
        "sending": _("Đang gửi %(n)s hộ…"),
        "sent": _("Đã gửi %(n)s hộ."),
        "retry": _("Chưa gửi được (mất kết nối); tự thử lại sau %(s)s giây."),
        "need_login": _("Phiên đăng nhập đã hết: hãy đăng nhập lại, các hộ chưa gửi vẫn được giữ trên máy."),
        "forbidden": _("Tài khoản này không được gửi phiếu điều tra."),
        "server_error": _("Máy chủ chưa nhận được (lỗi %(code)s); tự thử lại sau %(s)s giây."),
        "saved": _("Đã lưu trên máy: %(name)s. Hộ sẽ được gửi khi có mạng."),
        "status_queued": _("Chờ gửi"),
        "status_created": _("Đã gửi — hộ mới"),
        "status_updated": _("Đã gửi — đã cập nhật"),
        "status_duplicate": _("Đã gửi trước đó — không ghi lại lần nữa"),
        "status_merged": _("Đã gộp với bản sửa của người khác"),
        "status_error": _("Bị từ chối — cần sửa"),
        "status_forbidden": _("Không được gửi hộ của thôn này"),
        "conflicts": _("Hai người sửa cùng lúc các mục: %(fields)s. Bản của người kia được giữ trong lịch sử."),
        "no_form": _("Chưa tải được mẫu phiếu: hãy mở ứng dụng một lần khi có mạng."),
        "member": _("Người thứ %(n)s"),
        "remove_member": _("Bỏ người này"),
        "choose": _("— Chọn —"),
        "edit": _("Sửa"),
        "required": _("Cần điền: %(field)s."),
        "no_households": _("Chưa có hộ nào. Bấm “Thêm hộ mới” để ghi hộ đầu tiên."),
        "members_count": _("%(n)s người"),
    }


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker: the precache list (hashed static names) and where its code is, then that code.

    Served from the shell's folder (so its default scope is the app) and never cached by the browser's HTTP cache,
    so a new release (new hashed names, a new list) reaches the phones the next time they are online. Nothing
    personal: it is the same script for every user, and answers signed-out requests too (a service worker that
    gets a redirect fails to update).
    """
    scope = reverse("census_app:shell")
    setup = {
        "precache": _precache_entries(),
        "shell": scope,
        "data": [reverse("census_app:form"), reverse("census_app:households")],
        "static": settings.STATIC_URL,
    }
    scripts = [static(path) for path in WORKER_SCRIPTS]
    body = (
        "// xaso census app: service worker (generated by xaso/census/offline.py; the code is census/sw.js)\n"
        f"self.XASO_CENSUS = {json.dumps(setup, separators=(',', ':'))};\n"
        f"importScripts({', '.join(json.dumps(s) for s in scripts)});\n"
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache, max-age=0"
    response["Service-Worker-Allowed"] = scope
    return response


def _precache_entries() -> list[dict[str, str | None]]:
    """[{url, revision}] for `SHELL_STATIC`: a hashed name needs no revision (the name changes with the content);
    without the manifest storage (development, tests) the revision is the file's own digest."""
    hashed = isinstance(staticfiles_storage, ManifestFilesMixin)
    return [{"url": static(path), "revision": None if hashed else _digest(path)} for path in SHELL_STATIC]


@cache
def _digest(path: str) -> str:
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(path)
    with open(found, "rb") as file:
        return hashlib.sha256(file.read()).hexdigest()[:16]


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest: name, start page, icons (browsers fetch it without the session cookie)."""
    scope = reverse("census_app:shell")
    body = {
        "name": _("Xã số — Điều tra hộ gia đình"),
        "short_name": _("Điều tra hộ"),
        "description": _("Phiếu điều tra số hộ gia đình của tổ công nghệ số cộng đồng; dùng được khi không có mạng."),
        "lang": "vi",
        "dir": "ltr",
        "id": scope,
        "start_url": scope,
        "scope": scope,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f0f0f0",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static("census/icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": static("census/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {
                "src": static("census/icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    response["Cache-Control"] = "no-cache, max-age=0"
    return response


# ----------------------------------------------------------------------------------------------------------- data


@never_cache
@require_GET
def form_definition_json(request: HttpRequest) -> JsonResponse:
    """The current questions; the service worker keeps the last answer so the form draws with no network."""
    from xaso.census.questions import form_definition

    if not request.user.is_authenticated:
        return _json_401()
    if not census_villages(request.user):
        return json_error(_("Tài khoản này không được ghi phiếu điều tra."), "permission_denied", 403)
    return JsonResponse(form_definition(), json_dumps_params={"ensure_ascii": False})


@never_cache
@require_GET
def households_json(request: HttpRequest) -> JsonResponse:
    """The households the user sees in their villages (a team member: those assigned to them) with their members
    and current version (the base an edit starts from), kept by the service worker for editing offline. Personal
    data: the read is logged, once per village."""
    if not request.user.is_authenticated:
        return _json_401()
    villages = census_villages(request.user)
    if not villages:
        return json_error(_("Tài khoản này không được ghi phiếu điều tra."), "permission_denied", 403)
    households, truncated = _household_records(request.user, villages)
    body = {
        "villages": [{"code": v.code, "name": v.name} for v in villages],
        "households": households,
        "truncated": truncated,
    }
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


#: At most this many households in the app's list (a team's village has a few hundred; an officer who opens the
#: app for a whole commune of thousands gets the first ones and records or looks the others up on the web pages).
HOUSEHOLDS_MAX = 2000


def _household_records(user, villages: list[AdminUnit]) -> tuple[list[dict[str, Any]], bool]:
    """[{uid, village, head_name, address, phone, version, form_version, consent, answers, members}] in two
    queries, and whether the list was cut at `HOUSEHOLDS_MAX`; each village's read logged."""
    from xaso.census.models import Person
    from xaso.census.selectors import households_for_user
    from xaso.privacy.models import AccessAction
    from xaso.privacy.services import log_access

    rows = list(
        households_for_user(user)
        .filter(village__in=villages)
        .order_by("village__path", "head_name", "id")
        .values("id", "uid", "village_id", "head_name", "address", "phone", "version", "form_version", "answers",
                "consent_method")[: HOUSEHOLDS_MAX + 1]
    )  # fmt: skip
    truncated = len(rows) > HOUSEHOLDS_MAX
    rows = rows[:HOUSEHOLDS_MAX]
    members: dict[int, list[dict[str, Any]]] = {}
    people = Person.objects.filter(household_id__in=[r["id"] for r in rows]).order_by("household_id", "birth_year")
    for person in people.values("household_id", "uid", "full_name", "birth_year", "answers"):
        members.setdefault(person.pop("household_id"), []).append({**person, "uid": str(person["uid"])})
    codes = {v.id: v.code for v in villages}
    counts: dict[int, int] = {}
    records = []
    for row in rows:
        counts[row["village_id"]] = counts.get(row["village_id"], 0) + 1
        records.append(
            {
                "uid": str(row["uid"]),
                "village": codes[row["village_id"]],
                "head_name": row["head_name"],
                "address": row["address"],
                "phone": row["phone"],
                "version": row["version"],
                "form_version": row["form_version"],
                "consent": bool(row["consent_method"]),
                "answers": row["answers"],
                "members": members.get(row["id"], []),
            }
        )
    for village in villages:
        if counts.get(village.id):
            log_access(
                user=user,
                action=AccessAction.LIST,
                subject_type="household",
                unit=village,
                count=counts[village.id],
                reason=_("Danh sách hộ cho ứng dụng điều tra ngoại tuyến"),
            )
    return records, truncated


# ----------------------------------------------------------------------------------------------------------- sync


@never_cache
@require_POST
def sync(request: HttpRequest) -> JsonResponse:
    """{"records": [record, …]} → {"results": [{client_id, status, version, conflicts} or {client_id, status:
    "error"|"forbidden", message, field}]}, one per record in order. Each record is written on its own (one bad
    record never blocks the others); the same record sent again answers "duplicate" and writes nothing."""
    if not request.user.is_authenticated:
        return _json_401()
    villages = census_villages(request.user)
    if not villages:
        return json_error(_("Tài khoản này không được gửi phiếu điều tra."), "permission_denied", 403)
    records, error = _parse_batch(request)
    if error is not None:
        return error
    results = records_submit(request.user, villages, records)
    return JsonResponse({"results": results}, json_dumps_params={"ensure_ascii": False})


def records_submit(user, villages: list[AdminUnit], records: list[Any]) -> list[dict[str, Any]]:
    """A batch of records of `villages` (the user's: `census_villages`), each through `household_submit` on its
    own, answered in order — the sync endpoint's work, shared with the API's (`xaso.census.api`)."""
    allowed = {v.code for v in villages}
    return [_submit_one(user, allowed, index, record) for index, record in enumerate(records)]


def _parse_batch(request: HttpRequest) -> tuple[list[Any], JsonResponse | None]:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > SYNC_BODY_MAX:
        message = _("Gói gửi quá lớn (tối đa %(max)s byte): gửi ít hộ hơn mỗi lần.") % {"max": f"{SYNC_BODY_MAX:,}"}
        return [], json_error(message.replace(",", "."), "too_large", 413)
    if request.content_type != "application/json":
        return [], json_error(_("Cần gửi JSON (Content-Type: application/json)."), "unsupported_media_type", 415)
    try:
        body = json.loads(request.body)
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: arrays nested thousands deep
        return [], json_error(_("Nội dung gửi không phải JSON hợp lệ."), "parse_error", 400)
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list):
        return [], json_error(
            _("Thiếu danh sách hộ: gửi một đối tượng JSON có khóa “records” là danh sách các hộ."),
            "invalid",
            400,
            errors={"records": [{"message": _("Cần một danh sách."), "code": "required"}]},
        )
    if not 1 <= len(records) <= SYNC_BATCH_MAX:
        message = _("Mỗi lần gửi từ 1 đến %(max)s hộ; gói này có %(n)s hộ.") % {
            "max": SYNC_BATCH_MAX,
            "n": len(records),
        }
        return [], json_error(message, "invalid", 400, errors={"records": [{"message": message, "code": "size"}]})
    return records, None


def _client_id(record: Any) -> str | None:
    raw = record.get("client_id") if isinstance(record, dict) else None
    if not isinstance(raw, str):
        return None
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return None


def _submit_one(user, allowed: set[str], index: int, record: Any) -> dict[str, Any]:
    """One record through `household_submit` (its own transaction), its answer or its error: the field it names
    and the Vietnamese message. A village outside the user's is refused before anything is read or written."""
    from xaso.census.services import CensusError, household_submit

    client_id = _client_id(record)
    answer: dict[str, Any] = {"index": index, "client_id": client_id}
    if client_id is None:
        return answer | {
            "status": "error",
            "field": "client_id",
            "message": _("Thiếu mã lần gửi (client_id) hoặc mã không đúng dạng UUID."),
        }
    village = record.get("village")
    if not isinstance(village, str) or village not in allowed:
        return answer | {
            "status": "forbidden",
            "field": "village",
            "message": _("Không được ghi hộ ở thôn này: thôn không thuộc phạm vi của tài khoản."),
        }
    try:
        result = household_submit(user=user, record=record)
    except CensusError as error:
        return answer | {
            "status": "error",
            "field": error.field or None,
            "message": _labelled(error.field, error.message, record.get("form_version")),
        }
    return answer | {"status": result.status, "version": result.version, "conflicts": list(result.conflicts)}


#: names of the record's own fields, for the messages that name them
_RECORD_FIELDS = {
    "village": gettext_lazy("Thôn, ấp"),
    "client_id": gettext_lazy("Mã lần gửi"),
    "uid": gettext_lazy("Mã hộ"),
    "form_version": gettext_lazy("Phiên bản mẫu phiếu"),
    "base_version": gettext_lazy("Phiên bản gốc"),
    "recorded_at": gettext_lazy("Thời điểm ghi"),
    "fields": gettext_lazy("Thông tin hộ"),
    "answers": gettext_lazy("Câu trả lời"),
    "members": gettext_lazy("Nhân khẩu"),
    "consent_method": gettext_lazy("Cách hộ đồng ý"),
}
_MEMBER = re.compile(r"^members\[(\d+)\]\.?")


def _labelled(field: str, message: str, version: Any) -> str:
    """`household_submit`'s message with the field's key ("head_name: bắt buộc.", "members[2].birth_year: …")
    replaced by the label the form shows ("Họ tên chủ hộ: bắt buộc.", "Người thứ 2 — Năm sinh: …")."""
    from xaso.census.questions import VERSIONS, form_definition

    if not field or not message.startswith(field + ":"):
        return message
    definition = form_definition(version if version in VERSIONS else None)
    labels = {
        q["key"]: q["label"]
        for group in ("household_fields", "household", "person_fields", "person")
        for q in definition[group]
    }
    rest, who = field, ""
    member = _MEMBER.match(field)
    if member:
        who = _("Người thứ %(n)s") % {"n": member.group(1)}
        rest = field[member.end() :]
    key = rest.rsplit(".", 1)[-1]
    name = labels.get(key) or _RECORD_FIELDS.get(key)
    if name is None:
        return message
    named = f"{who} — {name}" if who else str(name)
    return named + message[len(field) :]
