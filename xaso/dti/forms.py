from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Criterion, IndexVersion, RuleKind
from .services import MAX_EXPLANATION, MAX_YEAR, MIN_YEAR


class StartForm(forms.Form):
    index = forms.ModelChoiceField(
        label=_("Bộ chỉ số"),
        queryset=IndexVersion.objects.none(),
        error_messages={
            "required": _("Chọn bộ chỉ số."),
            "invalid_choice": _(
                "Bộ chỉ số đã chọn không dùng được để bắt đầu đánh giá: đã có phiên bản mới hơn, hoặc bộ chỉ số không "
                "thuộc tỉnh của xã. Chọn lại trong danh sách."
            ),
        },
    )
    year = forms.IntegerField(label=_("Năm đánh giá"), min_value=MIN_YEAR, max_value=MAX_YEAR)

    def __init__(self, *args, indexes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["index"].queryset = indexes
        if not self.is_bound and "index" not in self.initial:
            only = list(indexes.values_list("pk", flat=True)[:2])
            if len(only) == 1:  # one index in force: already chosen
                self.initial["index"] = only[0]
        bad_year = _("Năm đánh giá: một số năm từ %(a)s đến %(b)s.") % {"a": MIN_YEAR, "b": MAX_YEAR}
        for key in ("required", "invalid", "min_value", "max_value"):
            self.fields["year"].error_messages[key] = bad_year


class SelfAssessForm(forms.Form):
    points = forms.FloatField(label=_("Điểm tự chấm"), required=False, min_value=0)
    fact = forms.ChoiceField(label=_("Tình trạng"), required=False, widget=forms.RadioSelect)
    explanation = forms.CharField(label=_("Giải trình"), required=False, max_length=MAX_EXPLANATION,
                                  widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    evidence = forms.FileField(label=_("Tệp minh chứng (PDF, ảnh, Word/Excel; tối đa 10 MB)"), required=False)

    def __init__(self, *args, criterion: Criterion, **kwargs):
        super().__init__(*args, **kwargs)
        if criterion.rule_kind == RuleKind.FACT:
            del self.fields["points"]
            self.fields["fact"].choices = [(o["code"], o["label"]) for o in criterion.params.get("options", [])]
            self.fields["fact"].required = True
        else:
            del self.fields["fact"]
            self.fields["points"].required = True
            self.fields["points"].max_value = criterion.points
            self.fields["points"].help_text = _("Từ 0 đến %(max)s điểm.") % {"max": f"{criterion.points:g}"}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("Thẩm định"), widget=forms.RadioSelect,
                                 choices=[("accept", _("Chấp nhận")), ("adjust", _("Điều chỉnh điểm"))])  # fmt: skip
    points = forms.FloatField(label=_("Điểm sau điều chỉnh"), required=False, min_value=0)
    reason = forms.CharField(label=_("Lý do điều chỉnh"), required=False, max_length=MAX_EXPLANATION,
                             widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("decision") == "adjust" and data.get("points") is None:
            self.add_error("points", _("Nhập điểm sau điều chỉnh."))
        return data


class IndexUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp bộ chỉ số (YAML hoặc JSON, tối đa 2 MB)"))


#: the annex's usual column titles (Nghệ An 1082/QĐ-UBND style); the province changes them to its own
SHEET_DEFAULTS = {"code": "Mã", "parent": "Thuộc", "name": "Tiêu chí", "points": "Điểm", "kind": "Cách chấm",
                  "indicator": "Chỉ số", "min": "Tối thiểu", "max": "Tối đa", "thresholds": "Ngưỡng",
                  "mandatory": "Bắt buộc"}  # fmt: skip


class IndexSheetForm(forms.Form):
    """The spreadsheet annex of the province's decision, the decision's particulars, and the column mapping."""

    sheet = forms.FileField(label=_("Phụ lục Excel (.xlsx, tối đa 2 MB)"))
    code = forms.SlugField(label=_("Mã bộ chỉ số"), max_length=64)
    title = forms.CharField(label=_("Tên bộ chỉ số"), max_length=255)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"))
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)
    total_points = forms.FloatField(label=_("Tổng điểm"), min_value=0, max_value=100_000)
    completion_min_points = forms.FloatField(label=_("Điểm tối thiểu để hoàn thành chuyển đổi số"), required=False,
                                             min_value=0, max_value=100_000)  # fmt: skip
    col_code = forms.CharField(label=_("Cột mã tiêu chí"), max_length=100, initial=SHEET_DEFAULTS["code"])
    col_parent = forms.CharField(label=_("Cột mã tiêu chí cha"), max_length=100, initial=SHEET_DEFAULTS["parent"])
    col_name = forms.CharField(label=_("Cột tên tiêu chí"), max_length=100, initial=SHEET_DEFAULTS["name"])
    col_points = forms.CharField(label=_("Cột điểm"), max_length=100, initial=SHEET_DEFAULTS["points"])
    col_kind = forms.CharField(label=_("Cột cách chấm"), max_length=100, initial=SHEET_DEFAULTS["kind"])
    col_indicator = forms.CharField(label=_("Cột mã chỉ số"), max_length=100, initial=SHEET_DEFAULTS["indicator"])
    col_min = forms.CharField(label=_("Cột giá trị tối thiểu"), max_length=100, required=False,
                              initial=SHEET_DEFAULTS["min"])  # fmt: skip
    col_max = forms.CharField(label=_("Cột giá trị tối đa"), max_length=100, required=False,
                              initial=SHEET_DEFAULTS["max"])  # fmt: skip
    col_thresholds = forms.CharField(label=_("Cột ngưỡng (giá trị:tỷ lệ; …)"), max_length=100, required=False,
                                     initial=SHEET_DEFAULTS["thresholds"])  # fmt: skip
    col_mandatory = forms.CharField(label=_("Cột bắt buộc"), max_length=100, required=False,
                                    initial=SHEET_DEFAULTS["mandatory"])  # fmt: skip

    def mapping(self) -> dict[str, str]:
        data = self.cleaned_data
        return {key: data[f"col_{key}"].strip() for key in SHEET_DEFAULTS if data.get(f"col_{key}", "").strip()}

    def head(self) -> dict:
        data = self.cleaned_data
        head = {"code": data["code"], "title": data["title"], "total_points": data["total_points"],
                "decision": {"number": data["decision_number"], "date": data["decision_date"].isoformat(),
                             "issuer": data["issuer"]}}  # fmt: skip
        if data.get("completion_min_points") is not None:
            head["completion"] = {"min_points": data["completion_min_points"]}
        return head


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Lý do trả lại, việc xã cần bổ sung"), max_length=MAX_EXPLANATION,
                             widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


class DraftHeadForm(forms.Form):
    """The decision that issues the index, and its totals."""

    code = forms.SlugField(
        label=_("Mã bộ chỉ số"),
        max_length=64,
        help_text=_("Chữ không dấu, số, gạch ngang; trùng mã đã có thì ban hành thành phiên bản mới."),
    )
    title = forms.CharField(label=_("Tên bộ chỉ số"), max_length=255)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=forms.DateInput(attrs={"type": "date"}))
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=255)
    total_points = forms.FloatField(label=_("Tổng điểm"), min_value=0, max_value=100_000)
    completion_min_points = forms.FloatField(label=_("Điểm tối thiểu để hoàn thành chuyển đổi số"), required=False,
                                             min_value=0, max_value=100_000)  # fmt: skip

    @classmethod
    def initial_from(cls, data: dict) -> dict:
        head = data.get("index") or {}
        decision = head.get("decision") or {}
        return {"code": head.get("code"), "title": head.get("title"), "decision_number": decision.get("number"),
                "decision_date": decision.get("date") or None, "issuer": decision.get("issuer"),
                "total_points": head.get("total_points"),
                "completion_min_points": (head.get("completion") or {}).get("min_points")}  # fmt: skip


class DecisionFileForm(forms.Form):
    decision_file = forms.FileField(label=_("Tệp quyết định (PDF hoặc Word, tối đa 20 MB)"))


KIND_CHOICES = [("group", _("Nhóm: có tiêu chí con"))] + [
    (k.value, k.label) for k in RuleKind if k != RuleKind.GROUP
]  # fmt: skip


def _decimal(text: str) -> str:
    return text.strip().replace(",", ".")


class NodeForm(forms.Form):
    """One criterion of the tree being built: where it sits, its points, and how it is scored."""

    original = forms.CharField(required=False, widget=forms.HiddenInput, max_length=40)
    parent = forms.ChoiceField(label=_("Thuộc nhóm"), required=False)
    code = forms.CharField(label=_("Mã tiêu chí"), max_length=40)
    name = forms.CharField(label=_("Tên tiêu chí"), max_length=500)
    points = forms.FloatField(label=_("Điểm tối đa"), min_value=0, max_value=100_000)
    kind = forms.ChoiceField(label=_("Cách chấm"), choices=KIND_CHOICES)
    indicator = forms.ChoiceField(label=_("Chỉ số trong danh mục (chấm theo ngưỡng, tuyến tính, có/không)"),
                                  required=False)  # fmt: skip
    thresholds = forms.CharField(
        label=_("Ngưỡng (giá trị:tỷ lệ điểm; …)"),
        required=False,
        max_length=400,
        help_text=_("Ví dụ “50:0,5; 80:1”: từ 50 được nửa số điểm, từ 80 đủ điểm."),
    )
    direction = forms.ChoiceField(
        label=_("Chiều"),
        required=False,
        initial="higher",
        choices=[("higher", _("Càng cao càng tốt")), ("lower", _("Càng thấp càng tốt"))],
    )
    minimum = forms.CharField(label=_("Giá trị tối thiểu (0 điểm)"), required=False, max_length=30)
    maximum = forms.CharField(label=_("Giá trị tối đa (đủ điểm)"), required=False, max_length=30)
    options = forms.CharField(label=_("Các phương án (mỗi dòng: mã | nhãn | tỷ lệ điểm)"), required=False,
                              max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Ví dụ “chu-tich | Chủ tịch UBND | 1”."))  # fmt: skip
    mandatory = forms.BooleanField(label=_("Tiêu chí bắt buộc"), required=False)
    pass_share = forms.FloatField(label=_("Tỷ lệ điểm để đạt (tiêu chí bắt buộc)"), required=False, min_value=0,
                                  max_value=1, help_text=_("Từ 0 đến 1; để trống là phải đủ điểm."))  # fmt: skip
    guidance = forms.CharField(label=_("Hướng dẫn chấm"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, groups: list[tuple[str, str]], indicators: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("— Nhóm cao nhất (trụ cột) —"))] + groups
        self.fields["indicator"].choices = [("", "—")] + indicators

    def node(self) -> dict:
        """The criterion as the file's YAML would hold it (the loader checks it)."""
        data = self.cleaned_data
        node: dict = {"code": data["code"].strip(), "name": data["name"].strip(), "points": data["points"]}
        if data.get("mandatory"):
            node["mandatory"] = True
        if data.get("pass_share") is not None:
            node["pass_share"] = data["pass_share"]
        if data.get("guidance", "").strip():
            node["guidance"] = data["guidance"].strip()
        kind = data["kind"]
        if kind == "group":
            return node
        rule: dict = {"kind": kind}
        if kind in ("thresholds", "linear", "yes_no"):
            rule["indicator"] = data.get("indicator") or ""
        if kind == "thresholds":
            pairs = []
            for part in data.get("thresholds", "").split(";"):
                if part.strip():
                    bound, _sep, share = part.partition(":")
                    pairs.append([_decimal(bound), _decimal(share)])
            rule["thresholds"] = pairs
            rule["direction"] = data.get("direction") or "higher"
        elif kind == "linear":
            rule["min"], rule["max"] = _decimal(data.get("minimum", "")), _decimal(data.get("maximum", ""))
        elif kind == "fact":
            options = []
            for line in data.get("options", "").splitlines():
                if line.strip():
                    parts = [p.strip() for p in line.split("|")]
                    parts += [""] * (3 - len(parts))
                    options.append({"code": parts[0], "label": parts[1], "share": _decimal(parts[2])})
            rule["options"] = options
        node["rule"] = rule
        return node

    @classmethod
    def initial_from(cls, node: dict, parent: str) -> dict:
        rule = node.get("rule") or {}
        kind = rule.get("kind", "group") if "rule" in node else "group"

        def num(v) -> str:
            return "" if v is None else f"{float(v):g}".replace(".", ",")

        return {
            "original": node.get("code"), "parent": parent, "code": node.get("code"), "name": node.get("name"),
            "points": f"{float(node.get('points') or 0):g}", "kind": kind, "indicator": rule.get("indicator", ""),
            "thresholds": "; ".join(f"{num(b)}:{num(s)}" for b, s in rule.get("thresholds", [])),
            "direction": rule.get("direction", "higher"), "minimum": num(rule.get("min")),
            "maximum": num(rule.get("max")),
            "options": "\n".join(f"{o.get('code')} | {o.get('label')} | {num(o.get('share'))}"
                                 for o in rule.get("options", [])),
            "mandatory": bool(node.get("mandatory")), "pass_share": node.get("pass_share"),
            "guidance": node.get("guidance", ""),
        }  # fmt: skip
