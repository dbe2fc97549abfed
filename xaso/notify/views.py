"""Notification endpoints: providers' delivery receipts, citizens' unsubscribe links."""

from __future__ import annotations

import hmac
import json
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from xaso.accounts.client_ip import client_ip
from xaso.accounts.permissions import can_read_unit, can_write_unit
from xaso.core.forms import add_service_errors
from xaso.core.limits import PLAN_DATE_MAX, PLAN_DATE_MIN
from xaso.core.text import single_line
from xaso.feedback.forms import CodeForm
from xaso.geo.models import AdminUnit
from xaso.notify.web import commune_or_404, user_commune

from . import announcements, deliveries, selectors, services, zalo
from .forms import AnnouncementForm, PointForm, SubscribeForm
from .models import Announcement, Bulletin, Channel, LoudspeakerPoint, Subscriber

#: the largest receipt body read
RECEIPT_MAX_BYTES = 16 * 1024


@csrf_exempt
@require_POST
def receipt(request, channel: str):
    """A provider's delivery receipt: `{"reference", "status", "error"}` with `Authorization: Bearer <token>` (the
    channel's `receipt_token` in XASO_NOTIFY_PROVIDERS). Answers 200 once recorded, 4xx with a reason."""
    options = settings.XASO_NOTIFY_PROVIDERS.get(channel) or {}
    secret = options.get("receipt_token", "")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if channel not in Channel.values or not secret or not hmac.compare_digest(given, secret):
        return JsonResponse({"detail": _("Không có quyền gửi biên nhận."), "code": "forbidden"}, status=403)
    if len(request.body) > RECEIPT_MAX_BYTES:
        return JsonResponse({"detail": _("Biên nhận quá lớn."), "code": "too_large"}, status=413)
    try:
        data = json.loads(request.body or b"{}")
        if not isinstance(data, dict):
            raise ValueError
    except ValueError:
        return JsonResponse({"detail": _("Biên nhận phải là JSON."), "code": "invalid"}, status=400)
    try:
        delivery = deliveries.delivery_receipt(
            channel=channel,
            reference=str(data.get("reference", ""))[:100],
            status=str(data.get("status", ""))[:40],
            error=str(data.get("error", ""))[:500],
        )
    except ValidationError as exc:
        return JsonResponse({"detail": " ".join(exc.messages), "code": "invalid"}, status=400)
    return JsonResponse({"status": delivery.status})


@csrf_exempt
@require_POST
def zalo_webhook(request, code: str):
    """Zalo OA's events for a commune's OA (follow, unfollow; others acknowledged): 200 with what was done, or
    400/403/413/429 with `{"detail", "code"}` and nothing changed (xaso/notify/zalo.py)."""
    unit = commune_or_404(code)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    try:
        if length > zalo.BODY_MAX:
            raise zalo.Refused(413, "too_large", _("Nội dung quá lớn."))
        status = zalo.zalo_event_receive(
            unit=unit, body=request.body, header=request.headers.get("X-ZEvent-Signature", "")[:200]
        )
    except zalo.Refused as exc:
        return JsonResponse({"detail": exc.message, "code": exc.code}, status=exc.status)
    return JsonResponse({"status": status})


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """A citizen's link from a message: GET shows what it does, POST records it (a link preview does not)."""
    try:
        channel, address = signing.loads(token[:500], salt=services.UNSUBSCRIBE_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return render(request, "notify/unsubscribe.html", {"invalid": True}, status=404)
    done = False
    if request.method == "POST":
        services.unsubscribe(channel=channel, address=address)
        done = True
    label = Channel(channel).label if channel in Channel.values else channel
    return render(request, "notify/unsubscribe.html", {"channel": label, "done": done})


# announcements: the officer's screens


def _readable(request, code: str) -> AdminUnit:
    unit = commune_or_404(code)
    if not can_read_unit(request.user, unit):
        raise PermissionDenied(_("Bạn không có quyền xem thông báo của xã này."))
    return unit


@login_required
def manage_home(request):
    commune = user_commune(request.user)
    if commune is None:
        return redirect("coc:units")
    return redirect("notify:manage", code=commune.code)


@login_required
def manage(request, code: str):
    unit = _readable(request, code)
    rows = selectors.announcements_with_counts(unit=unit)
    return render(
        request, "notify/manage.html",
        {"unit": unit, "rows": rows, "can_write": can_write_unit(request.user, unit),
         "inventory": announcements.loudspeaker_inventory(unit=unit)},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def compose(request, code: str):
    unit = _readable(request, code)
    if not can_write_unit(request.user, unit):
        raise PermissionDenied(_("Bạn không có quyền gửi thông báo của xã này."))
    form = AnnouncementForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = announcements.announcement_send(
                user=request.user, unit=unit, title=data["title"], body=data["body"], level=data["level"],
                channels=data["channels"], villages=list(data["villages"]), day=data["day"], slots=data["slots"],
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã gửi thông báo."))
            return redirect("notify:announcement", code=unit.code, pk=sent.pk)
    return render(request, "notify/compose.html", {"unit": unit, "form": form}, status=400 if form.errors else 200)


@login_required
def announcement(request, code: str, pk: int):
    unit = _readable(request, code)
    item = get_object_or_404(Announcement, unit=unit, pk=pk)
    bulletin = Bulletin.objects.filter(announcement=item).first()
    schedule = selectors.bulletin_schedule(bulletin=bulletin) if bulletin else []
    return render(
        request, "notify/announcement.html",
        {"unit": unit, "item": item, "counts": selectors.delivery_counts(announcement=item), "bulletin": bulletin,
         "schedule": schedule},
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def loudspeakers(request, code: str):
    unit = _readable(request, code)
    can_write = can_write_unit(request.user, unit)
    form = PointForm(request.POST or None, unit=unit)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied(_("Bạn không có quyền sửa danh mục loa của xã này."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                announcements.loudspeaker_point_add(
                    user=request.user, village=data["village"], name=data["name"],
                    clusters=data["clusters"].split(",")[:40],
                )  # fmt: skip
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Đã thêm vị trí loa."))
                return redirect("notify:loudspeakers", code=unit.code)
    points = LoudspeakerPoint.objects.filter(unit=unit).select_related("village").prefetch_related("clusters")
    return render(
        request, "notify/loudspeakers.html",
        {"unit": unit, "points": points, "form": form, "can_write": can_write,
         "inventory": announcements.loudspeaker_inventory(unit=unit), "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )  # fmt: skip


# public: the announcements, subscribing, the bulletins' audio, the controller's playlist


def public(request, code: str):
    unit = commune_or_404(code)
    latest = Announcement.objects.filter(unit=unit, sent_at__isnull=False).select_related("bulletin")
    rows = [a for a in latest.order_by("-sent_at")[:200] if Channel.WEB in a.channels][:50]
    return render(request, "notify/public.html", {"unit": unit, "rows": rows})


@require_http_methods(["GET", "POST"])
def subscribe(request, code: str):
    unit = commune_or_404(code)
    form = SubscribeForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            subscriber = announcements.subscriber_add(
                unit=unit, channel=data["channel"], address=data["address"], village=data["village"],
                ip=client_ip(request) or "",
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            token = signing.dumps(subscriber.pk, salt=SUBSCRIBE_SALT)
            return redirect("notify:subscribe_confirm", code=unit.code, token=token)
    return render(request, "notify/subscribe.html", {"unit": unit, "form": form}, status=400 if form.errors else 200)


SUBSCRIBE_SALT = "xaso.notify.subscribe"


@require_http_methods(["GET", "POST"])
def subscribe_confirm(request, code: str, token: str):
    unit = commune_or_404(code)
    try:
        pk = signing.loads(token[:200], salt=SUBSCRIBE_SALT, max_age=3600)
    except signing.BadSignature:
        raise Http404(_("Đường dẫn đã hết hạn: đăng ký lại.")) from None
    subscriber = get_object_or_404(Subscriber, pk=pk, unit=unit)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            announcements.subscriber_confirm(subscriber=subscriber, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã đăng ký nhận thông báo của xã."))
            return redirect("notify:public", code=unit.code)
    return render(request, "notify/subscribe_confirm.html", {"unit": unit, "form": form},
                  status=400 if form.errors else 200)  # fmt: skip


def bulletin_audio(request, code: str, pk: int):
    """A bulletin's speech (public: it is broadcast on the loudspeakers)."""
    bulletin = Bulletin.objects.filter(pk=pk, unit__code=code[:64]).first()
    if bulletin is None or not bulletin.audio:
        raise Http404(_("Không tìm thấy bản tin."))
    response = FileResponse(bulletin.audio.open("rb"), content_type="audio/wav")
    response["Content-Disposition"] = f'inline; filename="ban-tin-{bulletin.pk}.wav"'
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _playlist_day(request):
    raw = request.GET.get("date", "")
    if not raw:
        return timezone.localdate()
    try:
        day = date.fromisoformat(raw[:10])
    except ValueError:
        return None
    return day if PLAN_DATE_MIN <= day <= PLAN_DATE_MAX else None


def playlist(request, code: str, fmt: str):
    """The day's playlist of every cluster (or `?cluster=C01`) for the loudspeaker controller: JSON or M3U."""
    unit = commune_or_404(code)
    day = _playlist_day(request)
    if day is None:
        return JsonResponse({"detail": _("date: ngày theo dạng 2026-12-31."), "code": "invalid"}, status=400)
    items = announcements.playlist(unit=unit, day=day, cluster=request.GET.get("cluster", "")[:20])

    def audio(item) -> str:
        return request.build_absolute_uri(reverse("notify:audio", kwargs={"code": unit.code, "pk": item.bulletin_id}))

    def cluster_field(code: str) -> str:  # a field of a `;`-separated line, whatever an older row holds
        return single_line(code).replace(";", " ").replace("=", " ")

    if fmt == "m3u":
        lines = ["#EXTM3U"]
        for item in items:
            lines += [
                f"#EXTINF:{round(item.seconds)},{single_line(item.title)}",  # one line whatever an older row holds
                f"#EXT-X-XASO:cluster={cluster_field(item.cluster)};play_at={timezone.localtime(item.play_at).isoformat()};"
                f"level={item.level};interrupts={int(item.interrupts)};receipt={item.receipt_reference}",
                audio(item),
            ]
        return HttpResponse("\n".join(lines) + "\n", content_type="audio/x-mpegurl; charset=utf-8")
    return JsonResponse(
        {
            "commune": unit.code, "date": day.isoformat(), "generated_at": timezone.localtime().isoformat(),
            "receipt_url": request.build_absolute_uri(reverse("notify:receipt", kwargs={"channel": "loudspeaker"})),
            "items": [
                {"cluster": i.cluster, "play_at": timezone.localtime(i.play_at).isoformat(), "slot": i.slot,
                 "level": i.level, "interrupts": i.interrupts, "title": i.title, "audio_url": audio(i),
                 "duration_seconds": i.seconds, "receipt_reference": i.receipt_reference}
                for i in items
            ],
        },
        json_dumps_params={"ensure_ascii": False},
    )  # fmt: skip
