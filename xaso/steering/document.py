"""A review as a Decree 30 report of the steering committee (Báo cáo), .docx and PDF, ready to sign.

The layout is xaso/reports' (templates_docx/bc_ban_chi_dao.docx, built by `build_templates.build_steering_review`):
the issuing body is the committee under the commune's People's Committee, the number `…/BC-BCĐ`, the signature
"TM. BAN CHỈ ĐẠO / TRƯỞNG BAN" with the head's name. A section with nothing to say is left out.
"""

from __future__ import annotations

from django.utils import timezone

from xaso.core.formatting import format_date
from xaso.core.i18n import in_vietnamese
from xaso.reports.documents import BLANK, date_text, paragraphs, place_name, unit_phrase
from xaso.reports.render import docx_to_pdf, render_docx

from .models import MemberRole, Review

STATUS_WORDS = {"off_track": "Chậm tiến độ", "at_risk": "Có nguy cơ chậm"}
COUNT_WORDS = {"achieved": "đã đạt", "on_track": "đúng tiến độ", "at_risk": "có nguy cơ chậm",
               "off_track": "chậm tiến độ", "no_data": "chưa có số liệu"}  # fmt: skip


def _authority(role: str) -> list[str]:
    """Decree 30, II.7: the head signs "TM. BAN CHỈ ĐẠO / TRƯỞNG BAN"; a deputy "KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN"."""
    if role == MemberRole.DEPUTY:
        return ["TM. BAN CHỈ ĐẠO", "KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN"]
    return ["TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN"]


def _header(review: Review) -> dict:
    commune = review.committee.commune
    concluded = not review.is_draft
    issued_on = timezone.localtime(review.concluded_at).date() if concluded and review.concluded_at else None
    number = review.number.strip() if review.number.strip() else f"{BLANK}/BC-BCĐ"
    return {
        "is_draft": not concluded,
        "superior": f"UBND {unit_phrase(commune).upper()}",
        "issuer_lines": ["BAN CHỈ ĐẠO", "CHUYỂN ĐỔI SỐ"],
        "number": number,
        "place_date": date_text(issued_on, place_name(commune), review.year if not issued_on else issued_on.year),
        "summary_lines": [f"{review.title} thực hiện chuyển đổi số", "và kết luận của Ban Chỉ đạo"],
        "recipients": [
            "- Thường trực Đảng ủy xã (b/c);",
            "- Chủ tịch, các Phó Chủ tịch UBND xã;",
            "- Thành viên Ban Chỉ đạo;",
            "- Các cơ quan, đơn vị thuộc xã;",
            "- Lưu: VT, BCĐ.",
        ],
        "authority_lines": _authority(review.signer_role),
        "signer_name": review.signer_name,
        "unit_phrase": unit_phrase(commune),
    }


def _time(f) -> str:
    if f.timeframe_kind == "ongoing":
        return "Thường xuyên"
    if f.timeframe_kind == "recurring":
        return f"{f.get_recurrence_display()}, từ {format_date(f.start_date)}"
    return format_date(f.due_date)


def review_context(review: Review) -> dict:
    content = review.content or {}
    committee = review.committee
    commune = committee.commune
    phrase = review.period_phrase
    decision = ""
    if committee.decision_number:
        decision = f" tại Quyết định số {committee.decision_number}"
        if committee.decision_date:
            decision += f" ngày {format_date(committee.decision_date)}"
    intro = [
        f"Thực hiện chức năng, nhiệm vụ được giao{decision}, ngày {format_date(review.meeting_date)}, Ban Chỉ đạo "
        f"chuyển đổi số {unit_phrase(commune)} họp {review.title[0].lower() + review.title[1:]} tình hình thực hiện "
        f"chuyển đổi số. Ban Chỉ đạo báo cáo kết quả và kết luận như sau:"
    ]
    overview = []
    plans = content.get("plans") or []
    as_of = content.get("as_of", "")
    as_of_text = format_date(review.as_of)
    if plans:
        counts = content.get("counts") or {}
        parts = [f"{counts.get(code, 0)} {word}" for code, word in COUNT_WORDS.items() if counts.get(code)]
        names = "; ".join(p["title"] + (f" (số {p['number']})" if p.get("number") else "") for p in plans)
        overview.append(
            f"Số liệu tính đến ngày {as_of_text}, {names} có {content.get('target_count', 0)} chỉ tiêu"
            + (f": {', '.join(parts)}." if parts else ".")
        )
    else:
        overview.append(f"Đến ngày {as_of_text}, {unit_phrase(commune)} chưa có kế hoạch chuyển đổi số đang thực hiện.")
    overdue = content.get("overdue") or []
    overview.append(f"Có {len(overdue)} nhiệm vụ quá hạn chưa hoàn thành." if overdue else "Không có nhiệm vụ quá hạn.")
    dti = content.get("dti")
    if dti:
        sentence = (
            f"Chỉ số chuyển đổi số năm {dti['year']} của xã đạt {dti['total']} điểm, xếp hạng {dti['rank']}/"
            f"{dti['count']} xã, phường"
        )
        if dti.get("change_text"):
            word = "tăng" if (dti.get("change") or 0) > 0 else "giảm" if (dti.get("change") or 0) < 0 else "không đổi"
            sentence += f"; {word} {dti['change_text'].lstrip('+-')} điểm so với năm {dti['year'] - 1}"
            if word == "không đổi":
                sentence = sentence.rsplit(";", 1)[0] + f"; không đổi so với năm {dti['year'] - 1}"
        overview.append(sentence + ".")
    targets = [
        {"number": n, "indicator": f"{t['indicator']} (mốc {t['horizon']})", "target": t["target"],
         "latest": t["latest"] or "—", "status": STATUS_WORDS.get(t["status"], t["status_label"])}
        for n, t in enumerate(content.get("targets") or [], start=1)
    ]  # fmt: skip
    overdue_rows = [
        {"number": n, "title": t["title"], "person": t["person"], "due": t["due"], "days_late": t["days_late"]}
        for n, t in enumerate(overdue, start=1)
    ]
    gaps = [f"- {g['indicator']} (mốc {g['horizons']});" for g in content.get("gaps") or []]
    if gaps:
        gaps[-1] = gaps[-1][:-1] + "."
    sub, n = {}, 0
    for key, present in (("targets", targets), ("overdue", overdue_rows), ("gaps", gaps)):
        if present:
            n += 1
            sub[key] = str(n)
    follow_ups = [
        {"number": n, "title": f.title, "person": f.person, "lead_unit": f.lead_unit, "time": _time(f),
         "deliverable": f.deliverable, "approver": f.approver}
        for n, f in enumerate(review.follow_ups.all(), start=1)
    ]  # fmt: skip
    sec = {"results": "I", "conclusions": "II", "follow_ups": "III"}
    conclusions = paragraphs(review.conclusions) or ["Ban Chỉ đạo chưa kết luận."]
    plan_name = review.plan.title if review.plan_id else "kế hoạch chuyển đổi số năm " + str(review.year)
    kind_word = "tổng kết" if review.kind == "year" else "sơ kết"
    return {
        "doc": _header(review),
        "rv": {
            "intro": intro,
            "period_upper": phrase.upper(),
            "overview": overview,
            "targets": targets,
            "overdue": overdue_rows,
            "gaps": gaps,
            "sub": sub,
            "sec": sec,
            "conclusions": conclusions,
            "follow_ups": follow_ups,
            "follow_up_intro": f"Ban Chỉ đạo giao các nhiệm vụ sau, bổ sung vào {plan_name}:",
            "closing": f"Trên đây là báo cáo {kind_word} {phrase} và kết luận của Ban Chỉ đạo chuyển đổi số "
            f"{unit_phrase(commune)}./.",
            "as_of": as_of,
        },
    }


@in_vietnamese
def review_docx(review: Review) -> bytes:
    return render_docx("bc_ban_chi_dao.docx", review_context(review))


@in_vietnamese
def review_pdf(review: Review) -> bytes:
    return docx_to_pdf(review_docx(review))


@in_vietnamese
def review_filename(review: Review, ext: str) -> str:
    from xaso.reports.services import _slug

    return f"bao-cao-{_slug(review.title)}-{_slug(review.committee.commune.name)}.{ext}"
