"""Feedback screens: the citizen's (no account: send, confirm, follow, rate; the public list) and the officer's
(list, one item: assign, start, answer, refuse, publish). Thin: parse, call a service or selector, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xaso.accounts.client_ip import client_ip
from xaso.accounts.models import User
from xaso.accounts.permissions import can_read_unit, can_write_unit
from xaso.core.forms import add_service_errors
from xaso.core.limits import parse_id
from xaso.files.serving import file_response
from xaso.notify.web import commune_or_404, user_commune
from xaso.privacy.models import AccessAction
from xaso.privacy.services import log_access

from . import selectors, services
from .forms import AnswerForm, CodeForm, FeedbackForm, PublishForm, RateForm, RefuseForm, TrackForm
from .models import Feedback, FeedbackPhoto, Status

# the citizen's pages (no account)


def map_options(unit) -> dict:
    """What the map needs (XASO_MAP): the tile URL and attribution (empty: no map, only "use my location" and typed
    coordinates), and where it opens: the commune's centre when known, else the whole country."""
    options = settings.XASO_MAP
    area = (options.get("communes") or {}).get(unit.code)
    centre, zoom = (area["centre"], 14) if area else ((16.0, 106.0), 5)
    return {
        "tiles": options.get("tile_url", ""),
        "attribution": options.get("attribution", ""),
        "max_zoom": options.get("max_zoom", 19),
        "lat": centre[0],
        "lon": centre[1],
        "zoom": zoom,
    }


def public_list(request, code: str):
    unit = commune_or_404(code)
    items = selectors.public_feedback(unit=unit)
    return render(request, "feedback/public_list.html", {"unit": unit, "items": items, "track_form": TrackForm()})


@require_http_methods(["GET", "POST"])
def submit(request, code: str):
    unit = commune_or_404(code)
    form = FeedbackForm(request.POST or None, request.FILES or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:  # the honeypot: only a robot sees this field
            return render(request, "feedback/refused.html", {"unit": unit}, status=400)
        data = form.cleaned_data
        try:
            feedback = services.feedback_submit(
                unit=unit,
                category=data["category"],
                text=data["text"],
                village=data["village"],
                latitude=data["latitude"],
                longitude=data["longitude"],
                photos=data["photos"],
                contact_channel=data["contact_channel"],
                contact=data["contact"],
                ip=client_ip(request) or "",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("feedback:confirm", code=unit.code, token=feedback.token)
    return render(
        request,
        "feedback/submit.html",
        {"unit": unit, "form": form, "map": map_options(unit)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def confirm(request, code: str, token):
    unit = commune_or_404(code)
    feedback = get_object_or_404(Feedback, unit=unit, token=token)
    if feedback.status != Status.RECEIVED:
        return redirect("feedback:track", code=unit.code, tracking=feedback.tracking_code)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and request.POST.get("resend"):
        try:
            services.feedback_code_resend(feedback=feedback)
            messages.success(request, _("Đã gửi mã mới."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("feedback:confirm", code=unit.code, token=token)
    if request.method == "POST" and form.is_valid():
        try:
            feedback = services.feedback_confirm(feedback=feedback, code=form.cleaned_data["code"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Phản ánh đã được xác nhận. Ghi lại mã theo dõi: %(c)s.") % {"c": feedback.tracking_code}
            )
            return redirect("feedback:track", code=unit.code, tracking=feedback.tracking_code)
    return render(
        request,
        "feedback/confirm.html",
        {"unit": unit, "feedback": feedback, "form": form},
        status=400 if form.errors else 200,
    )


def track_lookup(request, code: str):
    unit = commune_or_404(code)
    form = TrackForm(request.GET or None)
    status = 200
    if form.is_valid():
        ip = client_ip(request) or ""
        refused = services.track_lookup_refused(ip=ip)
        found = None if refused else selectors.feedback_track(unit=unit, tracking=form.cleaned_data["tracking"])
        if found is not None:
            return redirect("feedback:track", code=unit.code, tracking=found.tracking_code)
        if refused:
            form.add_error("tracking", refused)
            status = 429
        else:
            services.track_lookup_missed(ip=ip)
            form.add_error("tracking", _("Không có phản ánh nào mang mã này ở %(u)s.") % {"u": unit.name})
            status = 404
    return render(request, "feedback/track_lookup.html", {"unit": unit, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def track(request, code: str, tracking: str):
    unit = commune_or_404(code)
    ip = client_ip(request) or ""
    refused = services.track_lookup_refused(ip=ip)
    if refused:
        form = TrackForm({"tracking": tracking[:12]})
        form.is_valid()
        form.add_error("tracking", refused)
        return render(request, "feedback/track_lookup.html", {"unit": unit, "form": form}, status=429)
    feedback = selectors.feedback_track(unit=unit, tracking=tracking)
    if feedback is None:
        services.track_lookup_missed(ip=ip)
        raise Http404(_("Không có phản ánh nào mang mã này."))
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_rate(
                feedback=feedback, rating=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Cảm ơn bạn đã đánh giá."))
            return redirect("feedback:track", code=unit.code, tracking=feedback.tracking_code)
    events = list(feedback.events.all())
    return render(
        request,
        "feedback/track.html",
        {"unit": unit, "feedback": feedback, "events": events, "form": form},
        status=400 if form.errors else 200,
    )


def public_photo(request, code: str, pk: int):
    """A photo of a published item that an officer published (re-encoded on upload: no EXIF)."""
    photo = FeedbackPhoto.objects.filter(
        pk=pk, is_public=True, feedback__is_published=True, feedback__unit__code=code[:64]
    ).first()
    if photo is None:
        raise Http404(_("Không tìm thấy ảnh."))
    response = file_response(
        photo.image, download_name=f"{photo.feedback.tracking_code}-{photo.pk}.{photo.image.name.rsplit('.', 1)[-1]}"
    )
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "public, max-age=300"
    return response


# the officer's pages


@login_required
def manage_home(request):
    """The menu's entry: the feedback of the user's commune (a province's user picks a commune first)."""
    commune = user_commune(request.user)
    if commune is None:
        return redirect("coc:units")
    return redirect("feedback:manage", code=commune.code)


@login_required
def flag(request, code: str):
    """The operations centre's line on a commune page: feedback owed an answer, and how much is overdue."""
    unit = commune_or_404(code)
    if not can_read_unit(request.user, unit):
        raise PermissionDenied(_("Bạn không có quyền xem phản ánh của xã này."))
    counts = selectors.feedback_counts(user=request.user, unit=unit)
    return render(request, "feedback/_flag.html", {"unit": unit, "counts": counts})


@login_required
def manage_list(request, code: str):
    unit = commune_or_404(code)
    if not can_read_unit(request.user, unit):
        raise PermissionDenied(_("Bạn không có quyền xem phản ánh của xã này."))
    show = request.GET.get("show", "open")
    show = show if show in selectors.FILTERS else "open"
    rows = list(selectors.feedback_list(user=request.user, unit=unit, show=show)[: selectors.PAGE])
    counts = selectors.feedback_counts(user=request.user, unit=unit)
    return render(
        request,
        "feedback/manage_list.html",
        {"unit": unit, "rows": rows, "counts": counts, "show": show, "can_write": can_write_unit(request.user, unit)},
    )


@login_required
def manage_item(request, pk: int):
    feedback = get_object_or_404(Feedback.objects.select_related("unit", "category", "village", "assigned_to"), pk=pk)
    if not can_read_unit(request.user, feedback.unit):
        raise Http404(_("Không tìm thấy phản ánh."))
    show_contact = request.GET.get("contact") == "1" and can_write_unit(request.user, feedback.unit)
    log_access(
        user=request.user,
        action=AccessAction.VIEW,
        subject_type="feedback_contact" if show_contact else "feedback",
        subject_id=feedback.tracking_code,
        unit=feedback.unit,
        reason=_("Liên hệ lại người gửi phản ánh") if show_contact else "",
    )
    photos = list(feedback.photos.all())
    officers = User.objects.filter(unit=feedback.unit, is_active=True).order_by("full_name", "username")
    context = {
        "feedback": feedback,
        "unit": feedback.unit,
        "photos": photos,
        "officers": officers,
        "events": feedback.events.select_related("by"),
        "map": map_options(feedback.unit),
        "show_contact": show_contact,
        "can_write": can_write_unit(request.user, feedback.unit),
        "answer_form": AnswerForm(),
        "refuse_form": RefuseForm(),
        "publish_form": PublishForm(
            photos=photos,
            initial={
                "public_text": feedback.public_text or feedback.text,
                "photos": [str(p.pk) for p in photos if p.is_public],
            },
        ),
    }
    return render(request, "feedback/manage_item.html", context)


ACTIONS = ("assign", "start", "answer", "refuse", "publish", "unpublish")


@login_required
@require_POST
def manage_action(request, pk: int, action: str):
    feedback = get_object_or_404(Feedback.objects.select_related("unit"), pk=pk)
    if action not in ACTIONS:
        return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
    if not can_write_unit(request.user, feedback.unit):
        raise PermissionDenied(_("Bạn không có quyền xử lý phản ánh của xã này."))
    post = request.POST
    try:
        if action == "assign":
            officer_id = parse_id(post.get("officer"))
            officer = User.objects.filter(pk=officer_id).first() if officer_id else None
            services.feedback_assign(user=request.user, feedback=feedback, officer=officer)
            done = _("Đã giao phản ánh.")
        elif action == "start":
            services.feedback_start(user=request.user, feedback=feedback, note=post.get("note", "")[:600])
            done = _("Đã chuyển sang đang xử lý.")
        elif action == "answer":
            services.feedback_answer(user=request.user, feedback=feedback, answer=post.get("answer", "")[:4000])
            done = _("Đã gửi câu trả lời cho người dân.")
        elif action == "refuse":
            services.feedback_refuse(
                user=request.user,
                feedback=feedback,
                reason=post.get("reason", "")[:20],
                note=post.get("note", "")[:600],
            )
            done = _("Đã ghi không tiếp nhận, kèm lý do cho người dân.")
        else:
            ids = [i for i in (parse_id(v) for v in post.getlist("photos")[:10]) if i]
            services.feedback_publish(
                user=request.user,
                feedback=feedback,
                public_text=post.get("public_text", "")[:3000],
                photo_ids=ids,
                publish=action == "publish",
            )
            done = _("Đã công khai phản ánh.") if action == "publish" else _("Đã thôi công khai phản ánh.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect("feedback:item", pk=feedback.pk)
