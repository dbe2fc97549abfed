"""The census questions, by form version, defined in code (data minimisation: version 1 asks exactly what the
catalog's indicators need, nothing more).

A new version adds, changes or drops questions; records keep the version they were recorded with and stay
readable, and exports carry the columns of every version (`all_questions`). A question's `element` is the data
element its "yes" answers are counted into (xaso.census.figures); `applies` limits a person question to adults
(15 and over in the census year) or the working age (15 to 60).

`form_definition(version)` is what the offline form renders (JSON-serialisable; the offline PWA uses it).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

#: adults: 15 and over in the census year (catalog `adults_total`: "từ 15 tuổi trở lên")
ADULT_AGE = 15
#: working age, without asking sex (data minimisation): 15 to 60 inclusive (docs/decisions/0035-census-figures.md)
WORKING_AGE = (15, 60)
#: birth years accepted: nobody older than this many years
MAX_AGE = 120

#: the purpose shown on the form before any question (Law 91/2025/QH15, art. 9: the subject is told the purpose)
PURPOSE = _(
    "Mục đích: UBND xã thu thập thông tin này để theo dõi và hỗ trợ chuyển đổi số của hộ và người dân "
    "(Internet, thiết bị thông minh, VNeID, thanh toán không dùng tiền mặt, dịch vụ công trực tuyến, kỹ năng số). "
    "Chỉ công chức xã và Tổ công nghệ số cộng đồng của thôn được xem họ tên; cấp trên chỉ thấy số tổng hợp. "
    "Hộ có thể xem, sửa hoặc rút lại đồng ý bất cứ lúc nào tại UBND xã; khi rút lại, thông tin của hộ bị xóa."
)
PURPOSE_VERSION = 1


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    label_en: str
    type: str = "bool"  # bool | int | choice | text
    element: str = ""
    applies: str = "all"  # person questions: all | adult | working_age
    min: int | None = None
    max: int | None = None
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    required: bool = False
    #: a yes/no question's bit in the record's `yes_mask` (what aggregation reads): fixed forever, never reused
    bit: int | None = None

    def as_dict(self) -> dict:
        data = {"key": self.key, "label": self.label, "label_en": self.label_en, "type": self.type}
        if self.type == "int":
            data |= {"min": self.min, "max": self.max}
        if self.type == "text":
            data |= {"max_length": self.max_length}
        if self.type == "choice":
            data |= {"choices": list(self.choices)}
        if self.element:
            data["element"] = self.element
        data["applies"] = self.applies
        data["required"] = self.required
        return data


@dataclass(frozen=True)
class FormVersion:
    version: int
    household: tuple[Question, ...]
    person: tuple[Question, ...]
    notes: str = ""


#: fields every version has, outside the answers: the household's identity and the person's
HOUSEHOLD_FIELDS = (
    Question("head_name", "Họ tên chủ hộ", "Head of household", "text", max_length=150, required=True),
    Question("address", "Địa chỉ ngắn (xóm, số nhà)", "Short address", "text", max_length=200),
    Question(
        "phone", "Số điện thoại đại diện (không bắt buộc)", "Representative phone (optional)", "text", max_length=15
    ),
)
PERSON_FIELDS = (
    Question("full_name", "Họ và tên", "Full name", "text", max_length=150, required=True),
    Question("birth_year", "Năm sinh", "Year of birth", "int", min=1900, max=2100, required=True),
)

_V1 = FormVersion(
    version=1,
    household=(
        Question("fibre", "Hộ có Internet cáp quang", "Fibre broadband at home", element="households_fibre", bit=0),
        Question(
            "mobile_covered",
            "Nhà có sóng di động 4G/5G",
            "4G/5G signal at home",
            element="households_mobile_covered",
            bit=1,
        ),
        Question(
            "smart_device",
            "Hộ có thiết bị thông minh (điện thoại thông minh, máy tính bảng, máy tính)",
            "A smart device in the household",
            element="households_smart_device",
            bit=2,
        ),
        Question(
            "cashless_electricity",
            "Hộ trả tiền điện không dùng tiền mặt",
            "Pays electricity cashless",
            element="households_cashless_electricity",
            bit=3,
        ),
        Question(
            "sms_registered",
            "Số điện thoại đại diện đã có trong hệ thống tin nhắn của xã",
            "Representative phone in the commune SMS system",
            element="households_phone_registered",
            bit=4,
        ),
    ),
    person=(
        Question(
            "vneid", "Có tài khoản định danh điện tử VNeID", "Has a VNeID account", element="population_vneid", bit=0
        ),
        Question(
            "ehr", "Có hồ sơ sức khỏe điện tử", "Has an electronic health record", element="population_ehr", bit=1
        ),
        Question(
            "smartphone",
            "Có và dùng điện thoại thông minh",
            "Has and uses a smartphone",
            element="adults_smartphone",
            bit=2,
            applies="adult",
        ),
        Question(
            "bank_account",
            "Có tài khoản ngân hàng hoặc tài khoản thanh toán",
            "Has a bank or payment account",
            element="adults_bank_account",
            bit=3,
            applies="adult",
        ),
        Question(
            "epayment_account",
            "Có tài khoản thanh toán điện tử, ví điện tử",
            "Has an e-payment account or e-wallet",
            element="adults_epayment_account",
            bit=4,
            applies="adult",
        ),
        Question(
            "cashless_payment",
            "Đã thanh toán không dùng tiền mặt khi giao dịch trực tuyến",
            "Has paid cashless online",
            element="adults_cashless_payment",
            bit=5,
            applies="adult",
        ),
        Question(
            "online_public_services",
            "Đã dùng dịch vụ công trực tuyến",
            "Has used online public services",
            element="adults_online_public_services",
            bit=6,
            applies="adult",
        ),
        Question(
            "digital_signature",
            "Có chữ ký số hoặc chữ ký điện tử cá nhân",
            "Has a personal digital signature",
            element="adults_digital_signature",
            bit=7,
            applies="adult",
        ),
        Question(
            "digital_skills",
            "Đã được phổ cập kỹ năng số cơ bản",
            "Trained in basic digital skills",
            element="working_age_digital_skills",
            bit=8,
            applies="working_age",
        ),
    ),
)

VERSIONS: dict[int, FormVersion] = {1: _V1}
CURRENT_VERSION: int = max(VERSIONS)

#: counted elements that are no question's "yes": totals, from the records themselves (xaso.census.figures)
TOTAL_ELEMENTS = ("households_total", "population_total", "adults_total", "working_age_total")
#: a smartphone answer counts twice: adults with one, and working-age people with one
DERIVED_ELEMENTS = {"working_age_smartphone": ("smartphone", "working_age")}


def version_get(version: int | None = None) -> FormVersion:
    """The form version asked for (the current one by default); KeyError for an unknown version."""
    return VERSIONS[CURRENT_VERSION if version is None else int(version)]


def form_definition(version: int | None = None) -> dict:
    """The form to render on the client: the purpose, the consent choices, the household and person fields and
    questions of `version` (the current one by default). JSON-serialisable."""
    from xaso.privacy.models import ConsentMethod

    form = version_get(version)
    return {
        "version": form.version,
        "purpose": str(PURPOSE),
        "purpose_version": PURPOSE_VERSION,
        "consent": {
            "key": "consent_method",
            "label": "Cách hộ đồng ý cho thu thập thông tin",
            "type": "choice",
            "choices": [
                {"value": value, "label": str(label)}
                for value, label in ConsentMethod.choices
                if value != ConsentMethod.PENDING
            ],
            "required": True,
        },
        "adult_age": ADULT_AGE,
        "working_age": list(WORKING_AGE),
        "household_fields": [q.as_dict() for q in HOUSEHOLD_FIELDS],
        "household": [q.as_dict() for q in form.household],
        "person_fields": [q.as_dict() for q in PERSON_FIELDS],
        "person": [q.as_dict() for q in form.person],
    }


def all_questions(scope: str) -> list[Question]:
    """Every question of `scope` ("household" or "person") of every version, each key once (the latest wording):
    the export's columns, so a record of any version keeps its answers."""
    seen: dict[str, Question] = {}
    for number in sorted(VERSIONS):
        for question in getattr(VERSIONS[number], scope):
            seen[question.key] = question
    return list(seen.values())


def yes_mask(scope: str, answers: dict) -> int:
    """The bits of the yes/no questions of `scope` answered "yes" (`Question.bit`): what aggregation sums."""
    return sum(1 << question.bit for question in _BITS[scope] if answers.get(question.key) is True)


_BITS = {
    scope: [question for question in all_questions(scope) if question.bit is not None and question.type == "bool"]
    for scope in ("household", "person")
}


def counted_elements() -> list[str]:
    """Every data element the census writes, totals first."""
    elements = list(TOTAL_ELEMENTS)
    for question in all_questions("household") + all_questions("person"):
        if question.element and question.element not in elements:
            elements.append(question.element)
    elements += [e for e in DERIVED_ELEMENTS if e not in elements]
    return elements
