"""Load a province's index from a file: YAML or JSON (the tree), or the spreadsheet annex of its decision with a
mapping from the annex's columns to the tree's fields. Everything is checked before anything is written; an error
names the criterion (or the row) and what is wrong. A province that loads an index it already has gets a new
version: assessments made under the old one keep their criteria and their scores.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xaso.geo.models import AdminUnit, Level
from xaso.indicators.models import Indicator

from .models import AUTOMATIC_KINDS, Criterion, IndexVersion, RuleKind

MAX_CRITERIA = 600
MAX_DEPTH = 4
MAX_POINTS = 100_000
MAX_FILE_BYTES = 2 * 1024 * 1024
EXAMPLE_PATH = Path(__file__).resolve().parent / "data" / "dti-922-example.yaml"
LEAF_KINDS = {k.value for k in RuleKind} - {RuleKind.GROUP}


@dataclass
class _Node:
    code: str
    name: str
    points: float
    kind: str
    depth: int
    parent: _Node | None
    indicator: Indicator | None = None
    params: dict = field(default_factory=dict)
    mandatory: bool = False
    pass_share: float = 1.0
    guidance: str = ""
    children: list[_Node] = field(default_factory=list)


def parse_text(text: str, *, name: str = "") -> dict:
    """A YAML or JSON document (JSON is YAML) as a dict; a clear error otherwise."""
    if len(text.encode()) > MAX_FILE_BYTES:
        raise ValidationError(_("Tệp bộ chỉ số vượt giới hạn 2 MB."))
    try:
        data = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise ValidationError(_("Tệp bộ chỉ số không đọc được (YAML/JSON): %(e)s") % {"e": str(exc)[:200]}) from None
    if not isinstance(data, dict):
        raise ValidationError(_("Tệp bộ chỉ số phải có hai phần “index” và “criteria”."))
    return data


def _number(raw, where: str, what: str) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ValidationError(_("%(where)s: %(what)s phải là một số (đang là “%(raw)s”).")
                              % {"where": where, "what": what, "raw": raw}) from None  # fmt: skip
    if not math.isfinite(value) or abs(value) > 1e12:
        raise ValidationError(_("%(where)s: %(what)s không hợp lệ.") % {"where": where, "what": what})
    return value


def _rule(raw: dict, node: _Node, where: str, indicators: dict[str, Indicator]) -> None:
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in LEAF_KINDS:
        raise ValidationError(_("%(where)s: cách chấm “%(k)s” không có; chọn một trong: %(all)s.")
                              % {"where": where, "k": kind, "all": ", ".join(sorted(LEAF_KINDS))})  # fmt: skip
    node.kind = kind
    if kind in AUTOMATIC_KINDS:
        code = raw.get("indicator")
        if not isinstance(code, str) or code not in indicators:
            raise ValidationError(_("%(where)s: chỉ số “%(c)s” không có trong danh mục.") % {"where": where, "c": code})
        node.indicator = indicators[code]
    if kind == RuleKind.THRESHOLDS:
        steps = raw.get("thresholds")
        if not isinstance(steps, list) or not steps or len(steps) > 20:
            raise ValidationError(_("%(where)s: cần danh sách ngưỡng (1–20 mục, mỗi mục [giá trị, tỷ lệ điểm]).")
                                  % {"where": where})  # fmt: skip
        parsed = []
        for step in steps:
            if not isinstance(step, list | tuple) or len(step) != 2:
                raise ValidationError(_("%(where)s: mỗi ngưỡng là [giá trị, tỷ lệ điểm].") % {"where": where})
            share = _number(step[1], where, _("tỷ lệ điểm"))
            if not 0 <= share <= 1:
                raise ValidationError(_("%(where)s: tỷ lệ điểm của ngưỡng phải từ 0 đến 1.") % {"where": where})
            parsed.append([_number(step[0], where, _("ngưỡng")), share])
        direction = raw.get("direction", "higher")
        if direction not in ("higher", "lower"):
            raise ValidationError(_("%(where)s: chiều phải là “higher” hoặc “lower”.") % {"where": where})
        node.params = {"thresholds": sorted(parsed), "direction": direction}
    elif kind == RuleKind.LINEAR:
        low, high = _number(raw.get("min"), where, "min"), _number(raw.get("max"), where, "max")
        if low == high:
            raise ValidationError(_("%(where)s: giá trị tối thiểu và tối đa phải khác nhau.") % {"where": where})
        node.params = {"min": low, "max": high}
    elif kind == RuleKind.FACT:
        options = raw.get("options")
        if not isinstance(options, list) or not 2 <= len(options) <= 10:
            raise ValidationError(_("%(where)s: cần 2–10 phương án (code, label, share).") % {"where": where})
        seen, parsed = set(), []
        for option in options:
            if not isinstance(option, dict):
                raise ValidationError(_("%(where)s: mỗi phương án có mã (code), nhãn (label) và tỷ lệ điểm (share).")
                                      % {"where": where})  # fmt: skip
            code, label = str(option.get("code", "")).strip(), str(option.get("label", "")).strip()
            share = _number(option.get("share"), where, _("tỷ lệ điểm"))
            if not code or len(code) > 60 or not label or code in seen or not 0 <= share <= 1:
                raise ValidationError(_("%(where)s: phương án “%(c)s” thiếu mã/nhãn, trùng mã hoặc tỷ lệ ngoài 0–1.")
                                      % {"where": where, "c": code})  # fmt: skip
            seen.add(code)
            parsed.append({"code": code, "label": label[:200], "share": share})
        node.params = {"options": parsed}


def _node(raw, parent: _Node | None, depth: int, seen: set[str], indicators, count: list[int]) -> _Node:
    if not isinstance(raw, dict):
        raise ValidationError(_("Mỗi tiêu chí phải có mã, tên và điểm."))
    code = str(raw.get("code", "")).strip()
    where = _("Tiêu chí “%(c)s”") % {"c": code or "?"}
    if not code or len(code) > 40:
        raise ValidationError(_("Có tiêu chí thiếu mã (hoặc mã dài quá 40 ký tự)."))
    if code in seen:
        raise ValidationError(_("%(where)s: mã bị trùng.") % {"where": where})
    seen.add(code)
    count[0] += 1
    if count[0] > MAX_CRITERIA:
        raise ValidationError(_("Bộ chỉ số có quá %(n)s tiêu chí.") % {"n": MAX_CRITERIA})
    if depth >= MAX_DEPTH:
        raise ValidationError(_("%(where)s: cây tiêu chí sâu quá %(n)s cấp.") % {"where": where, "n": MAX_DEPTH})
    name = str(raw.get("name", "")).strip()
    if not name or len(name) > 500:
        raise ValidationError(_("%(where)s: thiếu tên (hoặc tên dài quá 500 ký tự).") % {"where": where})
    points = _number(raw.get("points"), where, _("điểm"))
    if not 0 <= points <= MAX_POINTS:
        raise ValidationError(_("%(where)s: điểm phải từ 0 đến %(max)s.") % {"where": where, "max": MAX_POINTS})
    node = _Node(code=code, name=name, points=points, kind=RuleKind.GROUP, depth=depth, parent=parent,
                 mandatory=bool(raw.get("mandatory", False)), guidance=str(raw.get("guidance", ""))[:2000])  # fmt: skip
    if "pass_share" in raw:
        node.pass_share = _number(raw["pass_share"], where, "pass_share")
        if not 0 <= node.pass_share <= 1:
            raise ValidationError(_("%(where)s: tỷ lệ điểm để đạt phải từ 0 đến 1.") % {"where": where})
    children = raw.get("children") or []
    if not isinstance(children, list):
        raise ValidationError(_("%(where)s: “children” phải là danh sách các tiêu chí con.") % {"where": where})
    if children and raw.get("rule"):
        message = _("%(where)s: một tiêu chí có tiêu chí con thì không có cách chấm riêng.")
        raise ValidationError(message % {"where": where})
    if children:
        node.children = [_node(c, node, depth + 1, seen, indicators, count) for c in children]
    elif isinstance(raw.get("rule"), dict):
        _rule(raw["rule"], node, where, indicators)
    else:
        raise ValidationError(_("%(where)s: tiêu chí lá phải có cách chấm (rule).") % {"where": where})
    if node.mandatory and node.children:
        raise ValidationError(_("%(where)s: chỉ tiêu chí lá mới được đánh dấu bắt buộc.") % {"where": where})
    return node


def _date(raw) -> dt.date:
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationError(_("Ngày quyết định “%(d)s” không đúng dạng YYYY-MM-DD.") % {"d": raw}) from None


@dataclass
class CheckedIndex:
    """A whole index, checked: what `index_load` stores and what the on-screen builder shows before issuing."""

    code: str
    title: str
    number: str
    issuer: str
    decided: dt.date
    total: float
    min_points: float | None
    example: bool
    note: str
    roots: list[_Node]


def index_check(data: dict, *, indicators: dict[str, Indicator] | None = None) -> CheckedIndex:
    """Check a whole index (a file's or the builder's draft) without writing; the first error is raised."""
    head, criteria = data.get("index"), data.get("criteria")
    if not isinstance(head, dict) or not isinstance(criteria, list) or not criteria:
        raise ValidationError(_("Tệp bộ chỉ số phải có phần “index” và danh sách “criteria”."))
    code = str(head.get("code", "")).strip()
    title = str(head.get("title", "")).strip()
    decision = head.get("decision") or {}
    if not isinstance(decision, dict):
        raise ValidationError(_("Phần “decision” cần số quyết định, ngày và cơ quan ban hành."))
    if not code or len(code) > 64 or not title or len(title) > 255:
        raise ValidationError(_("Phần “index” cần mã (tối đa 64 ký tự) và tên (tối đa 255 ký tự)."))
    number, issuer = str(decision.get("number", "")).strip(), str(decision.get("issuer", "")).strip()
    if not number or len(number) > 60 or not issuer or len(issuer) > 255:
        raise ValidationError(_("Phần “decision” cần số quyết định và cơ quan ban hành."))
    decided = _date(decision.get("date"))
    total = _number(head.get("total_points"), "index", _("tổng điểm"))
    if indicators is None:
        indicators = {i.code: i for i in Indicator.objects.all()}
    seen: set[str] = set()
    count = [0]
    roots = [_node(c, None, 0, seen, indicators, count) for c in criteria]
    found = sum(r.points for r in roots)
    if abs(found - total) > 1e-6:
        raise ValidationError(_("Tổng điểm các nhóm cao nhất là %(f)s, khác tổng điểm công bố %(t)s.")
                              % {"f": f"{found:g}", "t": f"{total:g}"})  # fmt: skip
    completion = head.get("completion") or {}
    if not isinstance(completion, dict):
        raise ValidationError(_("Phần “completion” chỉ có “min_points” (điểm tối thiểu để hoàn thành)."))
    min_points = completion.get("min_points")
    min_points = None if min_points is None else _number(min_points, "completion", "min_points")
    if min_points is not None and not 0 <= min_points <= total:
        raise ValidationError(_("Điểm tối thiểu để hoàn thành chuyển đổi số phải từ 0 đến tổng điểm."))
    return CheckedIndex(code=code, title=title, number=number, issuer=issuer, decided=decided, total=total,
                        min_points=min_points, example=bool(head.get("example", False)),
                        note=str(head.get("note", ""))[:4000], roots=roots)  # fmt: skip


def can_issue_for(user, province: AdminUnit | None) -> bool:
    """Who issues a province's index (loads it from a file or builds it on screen): its analyst or an administrator
    of the province; a shared index (no province): an administrator."""
    from xaso.accounts.permissions import is_admin

    if not getattr(user, "is_authenticated", False):
        return False
    if province is None:
        return is_admin(user)
    return province.level == Level.PROVINCE and (
        is_admin(user) or (user.unit_id == province.id and user.role == "analyst")
    )


@transaction.atomic
def index_load(*, user, data: dict, province: AdminUnit | None) -> IndexVersion:
    """Check a whole index, then store it as a new version (the next number for this province and code)."""
    if not can_issue_for(user, province):
        if province is None:
            raise ValidationError(_("Chỉ quản trị hệ thống được nạp bộ chỉ số dùng chung."))
        raise ValidationError(_("Chỉ chuyên viên của tỉnh được nạp bộ chỉ số của tỉnh."))
    checked = index_check(data)
    code, total = checked.code, checked.total
    if province is None:
        last = IndexVersion.objects.filter(province__isnull=True, code=code).aggregate(m=Max("version"))["m"]
    else:
        last = IndexVersion.objects.filter(province=province, code=code).aggregate(m=Max("version"))["m"]
    index = IndexVersion.objects.create(
        province=province, code=code, version=(last or 0) + 1, title=checked.title, decision_number=checked.number,
        decision_date=checked.decided, issuer=checked.issuer, is_example=checked.example,
        note=checked.note, total_points=total, completion_min_points=checked.min_points,
        created_by=user if getattr(user, "pk", None) else None,
    )  # fmt: skip
    order = [0]

    def store(node: _Node, parent: Criterion | None, pillar: Criterion | None, factor: float) -> None:
        order[0] += 1
        row = Criterion.objects.create(
            index=index, parent=parent, code=node.code, name=node.name, depth=node.depth, sort_order=order[0],
            points=node.points, factor=factor, rule_kind=node.kind, indicator=node.indicator, params=node.params,
            is_mandatory=node.mandatory, pass_share=node.pass_share, guidance=node.guidance,
            pillar=pillar,
        )  # fmt: skip
        if pillar is None:  # a top-level group is its own pillar
            row.pillar = row
            row.save(update_fields=["pillar"])
        below = sum(c.points for c in node.children)
        scale = factor * (node.points / below if below else 0.0)
        for child in node.children:
            store(child, row, pillar or row, scale)

    for root in checked.roots:
        store(root, None, None, 1.0)
    return index


def index_as_data(index: IndexVersion) -> dict:
    """An issued version as the document `index_load` takes (its rules as they were loaded): the start of a copy."""
    criteria = list(index.criteria.select_related("indicator").order_by("sort_order"))
    nodes: dict[int, dict] = {}
    roots: list[dict] = []
    for c in criteria:
        node: dict = {"code": c.code, "name": c.name, "points": c.points}
        if c.is_mandatory:
            node["mandatory"] = True
        if c.pass_share != 1.0:
            node["pass_share"] = c.pass_share
        if c.guidance:
            node["guidance"] = c.guidance
        if c.rule_kind == RuleKind.GROUP:
            node["children"] = []
        else:
            rule: dict = {"kind": c.rule_kind}
            if c.indicator_id:
                rule["indicator"] = c.indicator.code
            if c.rule_kind == RuleKind.THRESHOLDS:
                rule["thresholds"] = c.params.get("thresholds", [])
                rule["direction"] = c.params.get("direction", "higher")
            elif c.rule_kind == RuleKind.LINEAR:
                rule["min"], rule["max"] = c.params.get("min"), c.params.get("max")
            elif c.rule_kind == RuleKind.FACT:
                rule["options"] = c.params.get("options", [])
            node["rule"] = rule
        nodes[c.id] = node
        (nodes[c.parent_id]["children"] if c.parent_id else roots).append(node)
    head: dict = {"code": index.code, "title": index.title, "total_points": index.total_points,
                  "decision": {"number": index.decision_number, "date": index.decision_date.isoformat(),
                               "issuer": index.issuer}}  # fmt: skip
    if index.completion_min_points is not None:
        head["completion"] = {"min_points": index.completion_min_points}
    if index.note:
        head["note"] = index.note
    return {"index": head, "criteria": roots}


SHEET_FIELDS = ("code", "parent", "name", "points", "kind", "indicator", "min", "max", "thresholds", "mandatory")


def rows_to_tree(rows: list[dict], *, head: dict) -> dict:
    """The annex's rows (one criterion a row, its parent's code in a column) as the tree `index_load` takes.

    `thresholds` is written "50:0,5; 80:1" (value:share pairs); `mandatory` is "x", "có" or "1".
    """
    by_code: dict[str, dict] = {}
    roots: list[dict] = []
    for number, row in enumerate(rows, start=2):
        code = str(row.get("code") or "").strip()
        if not code:
            continue
        if code in by_code:
            raise ValidationError(_("Dòng %(r)s: mã tiêu chí “%(c)s” bị trùng.") % {"r": number, "c": code})
        node: dict = {"code": code, "name": row.get("name"), "points": row.get("points"), "children": []}
        if str(row.get("mandatory") or "").strip().lower() in ("x", "có", "co", "1", "true"):
            node["mandatory"] = True
        kind = str(row.get("kind") or "").strip()
        if kind:
            rule: dict = {"kind": kind, "indicator": str(row.get("indicator") or "").strip()}
            for key in ("min", "max"):
                if row.get(key) not in (None, ""):
                    rule[key] = row[key]
            if row.get("thresholds"):
                pairs = []
                for part in str(row["thresholds"]).split(";"):
                    if part.strip():
                        bound, _sep, share = part.partition(":")
                        pairs.append([bound.strip().replace(",", "."), share.strip().replace(",", ".")])
                rule["thresholds"] = pairs
            node["rule"] = rule
        parent = str(row.get("parent") or "").strip()
        if parent:
            if parent not in by_code:
                raise ValidationError(_("Dòng %(r)s: tiêu chí cha “%(p)s” chưa có ở các dòng trên.")
                                      % {"r": number, "p": parent})  # fmt: skip
            by_code[parent]["children"].append(node)
        else:
            roots.append(node)
        by_code[code] = node
    return {"index": head, "criteria": roots}


def sheet_rows(upload, *, mapping: dict[str, str]) -> list[dict]:
    """Rows of the first sheet of an .xlsx annex, keyed by our fields through `mapping` (field → column header)."""
    from openpyxl import load_workbook

    unknown = set(mapping) - set(SHEET_FIELDS)
    if unknown:
        raise ValidationError(_("Trường không có trong bảng đối chiếu: %(f)s.") % {"f": ", ".join(sorted(unknown))})
    try:
        book = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 — any unreadable file is the same error to the user
        raise ValidationError(_("Không đọc được tệp Excel của phụ lục.")) from None
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h or "").strip() for h in next(rows, ())]
    columns = {}
    for key, title in mapping.items():
        if title not in header:
            raise ValidationError(_("Phụ lục không có cột “%(c)s” (cho trường %(f)s).") % {"c": title, "f": key})
        columns[key] = header.index(title)
    out = []
    for count, values in enumerate(rows):
        if count >= MAX_CRITERIA:
            raise ValidationError(_("Phụ lục có quá %(n)s dòng.") % {"n": MAX_CRITERIA})
        out.append({key: (values[i] if i < len(values) else None) for key, i in columns.items()})
    book.close()
    return out
