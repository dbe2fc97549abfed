"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): the feedback of a commune as service requests,
so existing Open311 apps can list, send and follow them. JSON and XML, chosen by the extension.

- `jurisdiction_id` is the commune's code (required: one xaso serves many communes).
- Services are the feedback categories (no extra attributes: `metadata` false).
- GET requests lists only items an officer published (moderated text, location rounded to 0.01°, about 1.1 km:
  a village, not a house; public photos);
  `requests/<id>` of an unpublished item shows its state and the answer, not its text (as the tracking page does).
- POST requests needs `phone` or `email`: the item waits for the code sent there (as on the web form) and the answer
  is a `token`; `tokens/<token>` gives the `service_request_id` (the tracking code) once confirmed. `media_url` is
  not fetched (xaso does not download from addresses a client names); photos are sent from the web form.
- Errors: `[{"code": 400, "description": "…"}]` / `<errors><error>…</error></errors>`, descriptions in Vietnamese.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from xml.etree import ElementTree as ET

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from xaso.accounts.client_ip import client_ip
from xaso.core.text import xml_text
from xaso.geo.models import AdminUnit, Level
from xaso.notify.models import Channel

from .. import services as feedback_services
from ..models import DONE_STATUSES, Category, Feedback, FeedbackPhoto, Source, Status

#: most requests one GET returns, and the longest date range (the standard's 90 days)
MAX_REQUESTS = 1000
MAX_RANGE = timedelta(days=90)


def _respond(fmt: str, data, *, root: str = "", item: str = "", status: int = 200) -> HttpResponse:
    if fmt == "json":
        return HttpResponse(
            json.dumps(data, ensure_ascii=False), content_type="application/json; charset=utf-8", status=status
        )
    top = ET.Element(root)
    for row in data if isinstance(data, list) else [data]:
        node = ET.SubElement(top, item) if isinstance(data, list) else top
        for key, value in row.items():
            child = ET.SubElement(node, key)
            if isinstance(value, list):
                for entry in value:
                    sub = ET.SubElement(child, "item")
                    sub.text = xml_text(str(entry))
            elif value is not None:  # an older row may hold what XML cannot: left out, never an ill-formed document
                child.text = str(value).lower() if isinstance(value, bool) else xml_text(str(value))
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8", xml_declaration=False)
    return HttpResponse(body, content_type="text/xml; charset=utf-8", status=status)


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _respond(fmt, [{"code": status, "description": description}], root="errors", item="error", status=status)


def _commune(request) -> AdminUnit | None:
    code = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or "")[:64]
    return AdminUnit.objects.filter(code=code, level=Level.COMMUNE).first() if code else None


def _no_commune(fmt: str) -> HttpResponse:
    return _error(fmt, 404, _("jurisdiction_id: cần mã của một xã (ví dụ 26296)."))


def _when(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


#: a public position is rounded to 0.01° (about 1.1 km: a village, not a house; decision 0049)
PUBLIC_STEP = Decimal("0.01")


def _rounded(value) -> float | None:
    return float(Decimal(value).quantize(PUBLIC_STEP, rounding=ROUND_HALF_UP)) if value is not None else None


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": "",
    }


@require_GET
def discovery(request, fmt: str):
    base = request.build_absolute_uri(reverse("open311:services", kwargs={"fmt": "json"})).rsplit("/", 1)[0] + "/"
    data = {
        "changeset": "2026-12-01T00:00:00+07:00",
        "contact": _("UBND xã (trang phản ánh của xã)"),
        "key_service": _("Không cần khóa API; phản ánh được xác nhận bằng mã gửi tới điện thoại hoặc thư điện tử."),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": "2026-12-01T00:00:00+07:00",
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    if fmt == "json":
        return _respond(fmt, data)
    top = ET.Element("discovery")
    for key in ("changeset", "contact", "key_service"):
        ET.SubElement(top, key).text = data[key]
    endpoints = ET.SubElement(top, "endpoints")
    endpoint = ET.SubElement(endpoints, "endpoint")
    for key in ("specification", "url", "changeset", "type"):
        ET.SubElement(endpoint, key).text = data["endpoints"][0][key]
    formats = ET.SubElement(endpoint, "formats")
    for value in data["endpoints"][0]["formats"]:
        ET.SubElement(formats, "format").text = value
    return HttpResponse(
        b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8"),
        content_type="text/xml; charset=utf-8",
    )


@require_GET
def services(request, fmt: str):
    if _commune(request) is None:
        return _no_commune(fmt)
    return _respond(
        fmt, [_service(c) for c in Category.objects.filter(is_active=True)], root="services", item="service"
    )


@require_GET
def service_definition(request, fmt: str, service_code: str):
    if _commune(request) is None:
        return _no_commune(fmt)
    category = Category.objects.filter(code=service_code, is_active=True).first()
    if category is None:
        return _error(fmt, 404, _("service_code “%(c)s” không có.") % {"c": service_code})
    return _respond(fmt, {"service_code": category.code, "attributes": []}, root="service_definition")


def _request_row(feedback: Feedback, *, public: bool, photo_urls: list[str]) -> dict:
    closed = feedback.status in DONE_STATUSES
    notes = ""
    # the public list (published items) hides phone numbers and e-mail addresses in the answer, as the public page
    # does; an item's own `requests/<id>` answers its code holder, as the tracking page does
    answer = feedback.answer_public if public else feedback.answer
    if feedback.status == Status.REFUSED:
        notes = f"{feedback.get_refusal_reason_display()}: {answer}"
    elif answer:
        notes = answer
    row = {
        "service_request_id": feedback.tracking_code,
        "status": "closed" if closed else "open",
        "status_notes": notes,
        "service_name": feedback.category.name,
        "service_code": feedback.category.code,
        "description": feedback.public_text if public else "",
        "agency_responsible": feedback.unit.name,
        "service_notice": _("Hạn trả lời %(n)s ngày từ khi xác nhận.") % {"n": feedback.category.deadline_days},
        "requested_datetime": _when(feedback.confirmed_at or feedback.received_at),
        "updated_datetime": _when(feedback.updated_at),
        "expected_datetime": _when(feedback.due_at),
        "address": feedback.village.name if feedback.village_id and public else "",
        "address_id": feedback.village.code if feedback.village_id and public else "",
        "zipcode": "",
        "lat": _rounded(feedback.latitude) if public else None,
        "long": _rounded(feedback.longitude) if public else None,
        "media_url": photo_urls[0] if photo_urls else "",
    }
    return row


def _photo_urls(request, feedback: Feedback) -> list[str]:
    return [
        request.build_absolute_uri(reverse("feedback:photo", kwargs={"code": feedback.unit.code, "pk": p.pk}))
        for p in getattr(feedback, "public_photos", [])
    ]


def _published(unit):
    from django.db.models import Prefetch

    return (
        Feedback.objects.filter(unit=unit, is_published=True)
        .select_related("category", "village", "unit")
        .prefetch_related(
            Prefetch("photos", queryset=FeedbackPhoto.objects.filter(is_public=True), to_attr="public_photos")
        )
    )


def _parse_date(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value.strip().replace(" ", "+")[:40]) if len(value) <= 40 else None
    if parsed is None:
        raise ValueError(_("%(n)s: thời điểm theo W3C, ví dụ 2026-12-01T00:00:00Z.") % {"n": name})
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests(request, fmt: str):
    if request.method == "POST":
        return _create(request, fmt)
    unit = _commune(request)
    if unit is None:
        return _no_commune(fmt)
    rows = _published(unit)
    ids = request.GET.get("service_request_id")
    if ids:
        rows = rows.filter(tracking_code__in=[i.strip().upper() for i in ids.split(",")[:MAX_REQUESTS]])
    else:
        try:
            start = _parse_date(request.GET.get("start_date"), "start_date")
            end = _parse_date(request.GET.get("end_date"), "end_date")
        except ValueError as exc:
            return _error(fmt, 400, str(exc))
        if start and end and (end < start or end - start > MAX_RANGE):
            return _error(fmt, 400, _("start_date đến end_date: tối đa 90 ngày, end_date không trước start_date."))
        end = end or timezone.now()
        start = start or end - MAX_RANGE
        rows = rows.filter(received_at__gte=start, received_at__lte=end)
        codes = request.GET.get("service_code")
        if codes:
            rows = rows.filter(category__code__in=[c.strip() for c in codes.split(",")[:50]])
        wanted = {s.strip() for s in (request.GET.get("status") or "").split(",") if s.strip()}
        if wanted - {"open", "closed"}:
            return _error(fmt, 400, _("status: open hoặc closed (có thể cả hai, cách nhau bằng dấu phẩy)."))
        if wanted == {"open"}:
            rows = rows.exclude(status__in=DONE_STATUSES)
        elif wanted == {"closed"}:
            rows = rows.filter(status__in=DONE_STATUSES)
    data = [
        _request_row(f, public=True, photo_urls=_photo_urls(request, f))
        for f in rows.order_by("-received_at")[:MAX_REQUESTS]
    ]
    return _respond(fmt, data, root="service_requests", item="request")


@require_GET
def request_one(request, fmt: str, request_id: str):
    unit = _commune(request)
    if unit is None:
        return _no_commune(fmt)
    ip = client_ip(request) or ""
    refused = feedback_services.track_lookup_refused(ip=ip)  # the tracking page's limit on unknown codes
    if refused:
        return _error(fmt, 429, refused)
    feedback = (
        Feedback.objects.filter(unit=unit, tracking_code=request_id.upper()[:12])
        .exclude(status=Status.RECEIVED)
        .select_related("category", "village", "unit")
        .first()
    )
    if feedback is None:
        feedback_services.track_lookup_missed(ip=ip)
        return _error(fmt, 404, _("Không có yêu cầu “%(id)s” ở xã này.") % {"id": request_id[:40]})
    if feedback.is_published:
        feedback.public_photos = list(feedback.photos.filter(is_public=True))
    row = _request_row(feedback, public=feedback.is_published, photo_urls=_photo_urls(request, feedback))
    return _respond(fmt, [row], root="service_requests", item="request")


@require_GET
def token(request, fmt: str, token: str):
    try:
        key = uuid.UUID(token)
    except ValueError:
        return _error(fmt, 404, _("Không có token này."))
    feedback = Feedback.objects.filter(token=key).first()
    if feedback is None:
        return _error(fmt, 404, _("Không có token này."))
    row = {"token": str(feedback.token)}
    if feedback.status != Status.RECEIVED:
        row["service_request_id"] = feedback.tracking_code
    return _respond(fmt, [row], root="service_requests", item="request")


def _create(request, fmt: str) -> HttpResponse:
    post = request.POST
    unit = _commune(request)
    if unit is None:
        return _no_commune(fmt)
    category = Category.objects.filter(code=(post.get("service_code") or "")[:40]).first()
    if category is None:
        return _error(fmt, 400, _("service_code: chọn một lĩnh vực trong danh sách services."))
    phone, email = (post.get("phone") or "")[:30], (post.get("email") or "")[:254]
    if not phone and not email:
        return _error(fmt, 400, _("phone hoặc email: cần một trong hai để gửi mã xác nhận phản ánh."))
    village = None
    if post.get("address_id"):
        village = AdminUnit.objects.filter(code=post["address_id"][:64], level=Level.VILLAGE, parent=unit).first()
        if village is None:
            return _error(fmt, 400, _("address_id: không phải mã một thôn của xã này."))
    try:
        feedback = feedback_services.feedback_submit(
            unit=unit,
            category=category,
            text=(post.get("description") or "")[:4001],
            village=village,
            latitude=(post.get("lat") or "")[:40] or None,
            longitude=(post.get("long") or "")[:40] or None,
            contact_channel=Channel.SMS if phone else Channel.EMAIL,
            contact=phone or email,
            ip=client_ip(request) or "",
            source=Source.OPEN311,
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            names = {"text": "description", "latitude": "lat", "longitude": "long", "contact": "phone/email"}
            text = "; ".join(
                f"{names.get(k, k)}: {' '.join(ValidationError(v).messages)}" for k, v in exc.error_dict.items()
            )
        else:
            text = " ".join(exc.messages)
        return _error(fmt, 400, text)
    notice = _("Mã xác nhận đã được gửi tới %(to)s; phản ánh được chuyển tới xã khi mã được nhập tại %(url)s.") % {
        "to": feedback.contact_masked,
        "url": request.build_absolute_uri(
            reverse("feedback:confirm", kwargs={"code": unit.code, "token": feedback.token})
        ),
    }
    return _respond(
        fmt,
        [{"token": str(feedback.token), "service_notice": notice, "account_id": ""}],
        root="service_requests",
        item="request",
    )
