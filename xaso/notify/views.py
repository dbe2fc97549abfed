"""Notification endpoints: providers' delivery receipts, citizens' unsubscribe links."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from . import deliveries, services
from .models import Channel

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
