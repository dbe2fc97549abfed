"""Screens for a province's administrator: the push endpoints, their queue and the log of every attempt."""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import push, services
from .forms import EndpointForm
from .models import PushAttempt, PushBatch
from .selectors import endpoint_summaries, endpoints_for, manager_units

#: attempts shown on an endpoint's page (the newest)
LOG_ROWS = 50


def _managed(request):
    if not manager_units(request.user).exists():
        raise Http404
    return endpoints_for(request.user)


def _endpoint(request, pk: int):
    endpoint = _managed(request).filter(pk=pk).first()
    if endpoint is None:
        raise Http404
    return endpoint


@login_required
def endpoint_list(request):
    endpoints = _managed(request)
    return render(request, "exchange/endpoints.html", {"endpoints": endpoint_summaries(endpoints)})


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_edit(request, pk: int | None = None):
    endpoint = _endpoint(request, pk) if pk else None
    _managed(request)
    form = EndpointForm(request.POST or None, instance=endpoint, user=request.user)
    if request.method == "POST" and form.is_valid():
        instance = form.save(commit=False)
        made_secret = ""
        if form.cleaned_data["secret"]:
            instance.secret = form.cleaned_data["secret"]
        elif not instance.secret:
            instance.secret = made_secret = secrets.token_urlsafe(32)
        if form.cleaned_data.get("clear_auth_header"):
            instance.auth_header = ""
        elif form.cleaned_data["auth_header"]:
            instance.auth_header = form.cleaned_data["auth_header"]
        try:
            saved = services.endpoint_save(user=request.user, endpoint=instance, elements=form.cleaned_data["elements"])
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Đã lưu điểm nhận “%(n)s”.") % {"n": saved.name})
            if made_secret:
                messages.warning(
                    request,
                    _("Khóa ký HMAC (chỉ hiện lần này, hãy gửi cho bên nhận): %(s)s") % {"s": made_secret},
                )
            return redirect("exchange:detail", pk=saved.pk)
    return render(request, "exchange/endpoint_form.html", {"form": form, "endpoint": endpoint})


@login_required
def endpoint_detail(request, pk: int):
    endpoint = _endpoint(request, pk)
    attempts = PushAttempt.objects.filter(batch__endpoint=endpoint).select_related("batch").order_by("-id")[:LOG_ROWS]
    batches = endpoint.batches.exclude(status=PushBatch.Status.SENT).order_by("id")[:20]
    summary = endpoint_summaries([endpoint])[0]
    return render(
        request,
        "exchange/endpoint_detail.html",
        {"endpoint": endpoint, "summary": summary, "attempts": attempts, "waiting": batches},
    )


@login_required
@require_POST
def endpoint_action(request, pk: int):
    endpoint = _endpoint(request, pk)
    action = request.POST.get("action")
    if action == "send":
        push.push_schedule([endpoint.pk])
        messages.success(request, _("Đã yêu cầu gửi ngay; nhật ký bên dưới cập nhật khi gửi xong."))
    elif action == "resend_all":
        queued = services.endpoint_resync(endpoint=endpoint)
        messages.success(request, _("Đã xếp %(n)s số liệu vào hàng đợi để gửi lại.") % {"n": queued})
    elif action == "retry":
        number = request.POST.get("batch", "")
        batch = endpoint.batches.filter(pk=int(number)).first() if number.isdigit() and len(number) < 19 else None
        if batch is None:
            raise Http404
        try:
            push.batch_retry(batch=batch)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Lô sẽ được gửi lại, cùng mã lô."))
    else:
        messages.error(request, _("Thao tác không hợp lệ."))
    return redirect("exchange:detail", pk=endpoint.pk)
