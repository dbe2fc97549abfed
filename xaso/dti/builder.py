"""Build an index on screen: a province's draft is the very document a YAML/JSON file holds, edited node by node,
checked by the file loader's own functions (`loader.index_check`, `loader._node`) so the screen and the file refuse
the same trees with the same messages; issuing stores it through `loader.index_load` as the next version of its
code, after which the draft is frozen. A copy of an issued version starts a new draft: issuing it never changes
what was scored under the old version (assessments point at the old version's criteria).
docs/decisions/0046-dti-index-builder.md.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xaso.files.uploads import MB, OFFICE, PDF, Policy, upload_accept
from xaso.geo.models import AdminUnit
from xaso.indicators.models import Indicator

from . import loader
from .models import IndexDraft, IndexVersion, RuleKind

#: the signed decision, scanned to PDF, or its Word file
DECISION = Policy(frozenset({PDF, OFFICE}), 20 * MB)
HEAD_KEYS = ("code", "title", "decision_number", "decision_date", "issuer", "total_points", "completion_min_points")


def _require(user, province: AdminUnit) -> None:
    if not loader.can_issue_for(user, province) or user.unit_id != province.id:
        raise PermissionDenied(_("Chỉ chuyên viên của tỉnh được soạn và ban hành bộ chỉ số của tỉnh."))


def _locked(user, draft: IndexDraft) -> IndexDraft:
    draft = IndexDraft.objects.select_for_update().select_related("province").get(pk=draft.pk)
    _require(user, draft.province)
    if draft.issued_id is not None:
        raise ValidationError(_("Bộ chỉ số đã ban hành: không sửa được nữa. Hãy sao chép thành phiên bản mới."))
    return draft


def _head(values: dict) -> dict:
    """The builder's head form as the file's `index` part."""
    head: dict = {
        "code": str(values["code"]).strip(),
        "title": str(values["title"]).strip(),
        "total_points": values["total_points"],
        "decision": {"number": str(values["decision_number"]).strip(),
                     "date": values["decision_date"].isoformat() if values.get("decision_date") else "",
                     "issuer": str(values["issuer"]).strip()},
    }  # fmt: skip
    if values.get("completion_min_points") is not None:
        head["completion"] = {"min_points": values["completion_min_points"]}
    return head


@transaction.atomic
def draft_create(*, user, province: AdminUnit, head: dict) -> IndexDraft:
    """A new, empty index of the province (its decision's particulars; criteria added next)."""
    _require(user, province)
    return IndexDraft.objects.create(province=province, data={"index": _head(head), "criteria": []}, created_by=user)


@transaction.atomic
def draft_copy(*, user, index: IndexVersion, province: AdminUnit) -> IndexDraft:
    """A draft holding an issued version's whole tree (the province's own, or the shared example): "copy as new
    version". The decision's particulars are kept for the province to change."""
    _require(user, province)
    if index.province_id is not None and index.province_id != province.id:
        raise PermissionDenied(_("Bộ chỉ số này do tỉnh khác ban hành."))
    data = loader.index_as_data(index)
    data["index"].pop("example", None)
    return IndexDraft.objects.create(province=province, data=data, source=index, created_by=user)


@transaction.atomic
def draft_head_save(*, user, draft: IndexDraft, head: dict) -> IndexDraft:
    draft = _locked(user, draft)
    data = copy.deepcopy(draft.data)
    data["index"] = {**data.get("index", {}), **_head(head)}
    if head.get("completion_min_points") is None:
        data["index"].pop("completion", None)
    draft.data = data
    draft.save(update_fields=["data", "updated_at"])
    return draft


def _walk(nodes: list[dict], parent: dict | None = None, depth: int = 0):
    for node in nodes:
        yield node, parent, depth
        yield from _walk(node.get("children") or [], node, depth + 1)


def _find(data: dict, code: str) -> tuple[dict, dict | None, int] | None:
    return next(((n, p, d) for n, p, d in _walk(data["criteria"]) if n.get("code") == code), None)


def _codes(node: dict) -> set[str]:
    return {n.get("code") for n, _p, _d in _walk([node])}


@transaction.atomic
def draft_node_save(*, user, draft: IndexDraft, node: dict, parent_code: str = "", original_code: str = "") -> dict:
    """Add a criterion (`original_code` empty) or change one, under `parent_code` (empty: a pillar). A group keeps
    its children; the node itself is checked by the file loader's rules, the whole tree when it is issued."""
    draft = _locked(user, draft)
    data = copy.deepcopy(draft.data)
    found = _find(data, original_code) if original_code else None
    if original_code and found is None:
        raise ValidationError(_("Không có tiêu chí “%(c)s” trong bộ chỉ số này.") % {"c": original_code})
    children = (found[0].get("children") or []) if found else []
    is_group = node.get("rule") is None
    if children and not is_group:
        message = _("%(where)s: một tiêu chí có tiêu chí con thì không có cách chấm riêng.")
        raise ValidationError(message % {"where": _("Tiêu chí “%(c)s”") % {"c": original_code}})
    parent, depth = None, 0
    if parent_code:
        located = _find(data, parent_code)
        if located is None:
            raise ValidationError(_("Không có tiêu chí cha “%(c)s”.") % {"c": parent_code})
        if found and parent_code in _codes(found[0]):
            raise ValidationError(_("Không chuyển được một tiêu chí vào bên dưới chính nó."))
        parent, depth = located[0], located[2] + 1
        if parent.get("rule"):
            raise ValidationError(_("Tiêu chí “%(c)s” là tiêu chí lá (có cách chấm): không thêm được tiêu chí con.")
                                  % {"c": parent_code})  # fmt: skip
    # the loader's own checks on this node alone (a group is checked as a leaf: its children are checked on issue)
    others = {n.get("code") for n, _p, _d in _walk(data["criteria"])} - ({original_code} if original_code else set())
    probe = {k: v for k, v in node.items() if k != "children"}
    if is_group:
        probe["rule"] = {"kind": RuleKind.MANUAL.value}
        if node.get("mandatory"):
            raise ValidationError(_("%(where)s: chỉ tiêu chí lá mới được đánh dấu bắt buộc.")
                                  % {"where": _("Tiêu chí “%(c)s”") % {"c": node.get("code") or "?"}})  # fmt: skip
    indicators = {i.code: i for i in Indicator.objects.all()}
    loader._node(probe, None, depth, set(others), indicators, [0])
    new = {k: v for k, v in node.items() if not (v is None or v == "" or v is False)}
    if is_group:
        new.pop("rule", None)
        new["children"] = children
    if found:  # take it out of where it was, then put it where it goes
        siblings = found[1]["children"] if found[1] is not None else data["criteria"]
        position = siblings.index(found[0])
        if (found[1] or {}).get("code", "") == parent_code:
            siblings[position] = new
        else:
            siblings.pop(position)
            (parent["children"] if parent is not None else data["criteria"]).append(new)
    else:
        if len(others) + 1 > loader.MAX_CRITERIA:
            raise ValidationError(_("Bộ chỉ số có quá %(n)s tiêu chí.") % {"n": loader.MAX_CRITERIA})
        (parent.setdefault("children", []) if parent is not None else data["criteria"]).append(new)
    draft.data = data
    draft.save(update_fields=["data", "updated_at"])
    return new


@transaction.atomic
def draft_node_delete(*, user, draft: IndexDraft, code: str) -> int:
    """Remove a criterion and everything below it; the number of criteria removed."""
    draft = _locked(user, draft)
    data = copy.deepcopy(draft.data)
    found = _find(data, code)
    if found is None:
        raise ValidationError(_("Không có tiêu chí “%(c)s” trong bộ chỉ số này.") % {"c": code})
    siblings = found[1]["children"] if found[1] is not None else data["criteria"]
    siblings.remove(found[0])
    draft.data = data
    draft.save(update_fields=["data", "updated_at"])
    return len(_codes(found[0]))


@transaction.atomic
def draft_decision_attach(*, user, draft: IndexDraft, upload) -> IndexDraft:
    draft = _locked(user, draft)
    accepted = upload_accept(upload, policy=DECISION, field="decision_file")
    draft.decision_file, draft.decision_file_name = accepted.content, accepted.download_name
    draft.save(update_fields=["decision_file", "decision_file_name", "updated_at"])
    return draft


@transaction.atomic
def index_decision_attach(*, user, index: IndexVersion, upload) -> IndexVersion:
    """Attach (or replace) the decision's file of an issued version (one loaded from a file, for example): the file
    is the record of the decision; the criteria and the scores do not change."""
    index = IndexVersion.objects.select_for_update(of=("self",)).select_related("province").get(pk=index.pk)
    if index.province is None:
        raise PermissionDenied(_("Chỉ quản trị hệ thống được sửa bộ chỉ số dùng chung."))
    _require(user, index.province)
    accepted = upload_accept(upload, policy=DECISION, field="decision_file")
    index.decision_file, index.decision_file_name = accepted.content, accepted.download_name
    index.save(update_fields=["decision_file", "decision_file_name"])
    return index


@transaction.atomic
def draft_issue(*, user, draft: IndexDraft) -> IndexVersion:
    """Issue the draft: the loader checks the whole tree and stores the next version; the draft is frozen."""
    draft = _locked(user, draft)
    if not draft.decision_file:
        raise ValidationError(_("Đính kèm tệp quyết định ban hành bộ chỉ số trước khi ban hành."))
    index = loader.index_load(user=user, data=draft.data, province=draft.province)
    index.decision_file, index.decision_file_name = draft.decision_file.name, draft.decision_file_name
    index.save(update_fields=["decision_file", "decision_file_name"])
    draft.issued = index
    draft.save(update_fields=["issued", "updated_at"])
    return index


@transaction.atomic
def draft_discard(*, user, draft: IndexDraft) -> None:
    draft = _locked(user, draft)
    draft.delete()


# --- what the builder's screen shows --------------------------------------------------------------------------


@dataclass
class DraftRow:
    node: dict
    depth: int
    parent_code: str
    is_group: bool
    children_points: float | None = None  # Σ of the children's points (groups)
    share: float | None = None  # what each child point counts when the children do not add up to the group's
    factor: float = 1.0  # this node's points × factor = what it weighs in the index total


@dataclass
class DraftSummary:
    rows: list[DraftRow]
    declared: float | None  # the head's total points
    pillars_total: float  # Σ of the pillars' points (must equal the declared total)
    weighted_total: float  # Σ of the leaves' points × their factors (what a commune earning everything gets)
    error: str = ""  # the first error the file loader finds, in its words
    warnings: list[str] = field(default_factory=list)

    @property
    def issuable(self) -> bool:
        return not self.error


def _float(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def draft_summary(draft: IndexDraft) -> DraftSummary:
    """The tree as rows with each group's sum and proportion, the totals, and the loader's verdict."""
    data = draft.data
    rows: list[DraftRow] = []

    def visit(nodes: list[dict], parent: str, depth: int, factor: float) -> float:
        weighted = 0.0
        for node in nodes:
            children = node.get("children") or []
            row = DraftRow(node=node, depth=depth, parent_code=parent, is_group="rule" not in node, factor=factor)
            rows.append(row)
            if row.is_group:
                below = sum(_float(c.get("points")) for c in children)
                row.children_points = below
                points = _float(node.get("points"))
                row.share = points / below if below else None
                weighted += visit(children, node.get("code", ""), depth + 1, factor * (row.share or 0.0))
            else:
                weighted += _float(node.get("points")) * factor
        return weighted

    weighted = visit(data.get("criteria") or [], "", 0, 1.0)
    head = data.get("index") or {}
    declared = head.get("total_points")
    summary = DraftSummary(rows=rows, declared=None if declared is None else _float(declared),
                           pillars_total=sum(_float(n.get("points")) for n in data.get("criteria") or []),
                           weighted_total=round(weighted, 6))  # fmt: skip
    for row in rows:
        if row.is_group and row.children_points and abs(row.children_points - _float(row.node.get("points"))) > 1e-9:
            summary.warnings.append(
                _("Nhóm “%(c)s”: các tiêu chí con cộng lại %(s)s điểm, khác %(p)s điểm của nhóm; mỗi điểm của tiêu chí "
                  "con được tính %(f)s điểm.")
                % {"c": row.node.get("code"), "s": _g(row.children_points), "p": _g(_float(row.node.get("points"))),
                   "f": _g(round(row.share or 0.0, 4))}
            )  # fmt: skip
    try:
        loader.index_check(data)
    except ValidationError as exc:
        summary.error = " ".join(exc.messages)
    return summary


def _g(value: float) -> str:
    """A point figure in Vietnamese style (1.000 · 12,5)."""
    from .exports import _points

    return _points(value)
