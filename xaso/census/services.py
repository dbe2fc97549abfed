"""Writes of the household census: a submission from the (offline) form, a correction on request, a withdrawal of
consent, the retention clean-up, the village census status.

`household_submit` is the one entry of a recorded household (the offline form's sync, the officer's edit page and
the import all go through it): idempotent by the submission's `client_id`, field-level last-writer-wins by the time
recorded on the device when the client started from a stale version (the losing value kept in the history and
flagged for the commune), validated with a Vietnamese message naming the field, atomic, and the village's figures
refreshed in the same transaction (xaso.census.figures).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from xaso.geo.models import AdminUnit, Level
from xaso.privacy.models import AccessAction, ConsentMethod
from xaso.privacy.services import PrivacyError, consent_method_clean, log_access

from . import questions as q
from .models import ChangeKind, Household, HouseholdChange, Person, Submission, VillageCensus, Withdrawal
from .permissions import can_record, can_see_household, is_commune_officer_of, team_member_of

#: members of one household at most (a bound, not a rule of the census)
MAX_MEMBERS = 40
_PHONE = re.compile(r"^\+?[0-9][0-9 .]{7,18}$")


class CensusError(ValueError):
    """A refused census write; `field` names the field (as the form knows it), the message is Vietnamese."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class SubmitResult:
    status: str  # created | updated | merged | duplicate
    version: int
    conflicts: list[str] = field(default_factory=list)
    uid: str = ""


# ---------------------------------------------------------------- validation


def _uuid(value, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError):
        raise CensusError(_("%(f)s: không phải mã UUID hợp lệ.") % {"f": name}, name) from None


def _text(value, name: str, max_length: int, *, required: bool) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise CensusError(_("%(f)s: phải là chữ.") % {"f": name}, name)
    text = " ".join(value.split())
    if required and not text:
        raise CensusError(_("%(f)s: bắt buộc.") % {"f": name}, name)
    if len(text) > max_length:
        raise CensusError(_("%(f)s: tối đa %(n)s ký tự.") % {"f": name, "n": max_length}, name)
    return text


def _phone(value, name: str) -> str:
    text = _text(value, name, 20, required=False)
    if not text:
        return ""
    if not _PHONE.match(text):
        raise CensusError(_("%(f)s: số điện thoại không hợp lệ (8 đến 15 chữ số).") % {"f": name}, name)
    digits = re.sub(r"[ .]", "", text)
    if not 8 <= len(digits.lstrip("+")) <= 15:
        raise CensusError(_("%(f)s: số điện thoại không hợp lệ (8 đến 15 chữ số).") % {"f": name}, name)
    return digits


def _answer(question: q.Question, value, name: str):
    """A checked answer; None = not answered."""
    if value is None or value == "":
        return None
    if question.type == "bool":
        if isinstance(value, bool):
            return value
        raise CensusError(_("%(f)s: trả lời có hoặc không.") % {"f": name}, name)
    if question.type == "int":
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise CensusError(_("%(f)s: phải là số nguyên.") % {"f": name}, name)
        try:
            number = int(value)
        except ValueError:
            raise CensusError(_("%(f)s: phải là số nguyên.") % {"f": name}, name) from None
        if (question.min is not None and number < question.min) or (question.max is not None and number > question.max):
            raise CensusError(_("%(f)s: từ %(a)s đến %(b)s.") % {"f": name, "a": question.min, "b": question.max}, name)
        return number
    if question.type == "choice":
        if value not in question.choices:
            raise CensusError(_("%(f)s: chọn một trong %(c)s.") % {"f": name, "c": ", ".join(question.choices)}, name)
        return value
    return _text(value, name, question.max_length or 200, required=False)


def _answers(form: q.FormVersion, scope: str, data: dict, prefix: str) -> dict:
    """The answers of `data` to the questions of `scope` in `form`; an unknown key is refused (minimisation)."""
    by_key = {question.key: question for question in getattr(form, scope)}
    result = {}
    for key, value in data.items():
        question = by_key.get(key)
        if question is None:
            raise CensusError(
                _("%(f)s: phiếu phiên bản %(v)s không có câu hỏi này.") % {"f": prefix + key, "v": form.version},
                prefix + key,
            )
        result[key] = _answer(question, value, prefix + key)
    return result


def _recorded_at(value) -> datetime:
    parsed = parse_datetime(value) if isinstance(value, str) and len(value) <= 40 else None
    if parsed is None:
        raise CensusError(_("recorded_at: thời điểm ghi nhận không hợp lệ (ISO 8601)."), "recorded_at")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    now = timezone.now()
    if parsed > now + timedelta(days=1) or parsed.year < 2020:
        raise CensusError(_("recorded_at: thời điểm ghi nhận nằm ngoài khoảng cho phép."), "recorded_at")
    # a phone whose clock runs ahead (accepted up to a day, time zones) cannot have recorded after the server got it:
    # left in the future it would win every field-level conflict against the colleagues who really recorded later
    return min(parsed, now)


@dataclass
class _Record:
    client_id: uuid.UUID
    uid: uuid.UUID
    village: AdminUnit
    form: q.FormVersion
    base_version: int | None
    recorded_at: datetime
    flat: dict  # flat key → value (only the keys the record carries)
    consent_method: str | None
    removed_members: set[str]
    new_members: dict[str, dict]  # uid → flat person fields given


def _parse(record: dict) -> _Record:
    if not isinstance(record, dict):
        raise CensusError(_("Phiếu không hợp lệ."), "")
    client_id = _uuid(record.get("client_id"), "client_id")
    uid = _uuid(record.get("uid"), "uid")
    code = record.get("village")
    village = (
        AdminUnit.objects.filter(code=str(code)[:40], level=Level.VILLAGE, is_legacy=False).first() if code else None
    )
    if village is None:
        raise CensusError(_("village: không có thôn, ấp mã “%(c)s”.") % {"c": code}, "village")
    version = record.get("form_version")
    if not isinstance(version, int) or isinstance(version, bool) or version not in q.VERSIONS:
        raise CensusError(_("form_version: không có phiếu phiên bản “%(v)s”.") % {"v": version}, "form_version")
    form = q.VERSIONS[version]
    base = record.get("base_version")
    if base is not None and (not isinstance(base, int) or isinstance(base, bool) or base < 0):
        raise CensusError(_("base_version: phải là số nguyên không âm hoặc để trống."), "base_version")
    recorded_at = _recorded_at(record.get("recorded_at"))
    fields = record.get("fields") or {}
    if not isinstance(fields, dict):
        raise CensusError(_("fields: phải là một bảng trường → giá trị."), "fields")
    fields = dict(fields)
    flat: dict = {}
    consent = fields.pop("consent_method", None)
    consent_method = None
    if consent is not None:
        try:
            consent_method = consent_method_clean(consent)
        except PrivacyError as exc:
            raise CensusError(str(exc), "consent_method") from None
        if consent_method == ConsentMethod.PENDING:
            raise CensusError(_("consent_method: ghi nhận cách hộ đã đồng ý."), "consent_method")
    if "head_name" in fields:
        flat["head_name"] = _text(fields.pop("head_name"), "head_name", 150, required=True)
    if "address" in fields:
        flat["address"] = _text(fields.pop("address"), "address", 200, required=False)
    if "phone" in fields:
        flat["phone"] = _phone(fields.pop("phone"), "phone")
    answers = fields.pop("answers", None)
    if answers is not None and not isinstance(answers, dict):
        raise CensusError(_("answers: phải là một bảng câu hỏi → trả lời."), "answers")
    merged_answers = dict(answers or {}) | fields  # answers may come nested or flat beside the identity fields
    for key, value in _answers(form, "household", merged_answers, "").items():
        flat["answers." + key] = value
    members = record.get("members") or []
    if not isinstance(members, list):
        raise CensusError(_("members: phải là một danh sách."), "members")
    if len(members) > MAX_MEMBERS:
        raise CensusError(_("members: tối đa %(n)s nhân khẩu một hộ.") % {"n": MAX_MEMBERS}, "members")
    removed: set[str] = set()
    new_members: dict[str, dict] = {}
    this_year = timezone.localdate().year
    seen: set[str] = set()
    for index, member in enumerate(members, start=1):
        where = f"members[{index}]"
        if not isinstance(member, dict):
            raise CensusError(_("%(f)s: không hợp lệ.") % {"f": where}, where)
        member_uid = str(_uuid(member.get("uid"), where + ".uid"))
        if member_uid in seen:
            raise CensusError(_("%(f)s: nhân khẩu bị lặp.") % {"f": where + ".uid"}, where + ".uid")
        seen.add(member_uid)
        if member.get("removed") is True:
            removed.add(member_uid)
            continue
        mfields = member.get("fields") or {}
        if not isinstance(mfields, dict):
            raise CensusError(_("%(f)s: phải là một bảng trường → giá trị.") % {"f": where + ".fields"}, where)
        mfields = dict(mfields)
        given: dict = {}
        if "full_name" in mfields:
            given["full_name"] = _text(mfields.pop("full_name"), where + ".full_name", 150, required=True)
        if "birth_year" in mfields:
            year = mfields.pop("birth_year")
            name = where + ".birth_year"
            if isinstance(year, bool) or not isinstance(year, int | str) or not str(year).strip().isdigit():
                raise CensusError(_("%(f)s: năm sinh phải là số.") % {"f": name}, name)
            year = int(year)
            if not this_year - q.MAX_AGE <= year <= this_year:
                raise CensusError(
                    _("%(f)s: năm sinh từ %(a)s đến %(b)s.") % {"f": name, "a": this_year - q.MAX_AGE, "b": this_year},
                    name,
                )
            given["birth_year"] = year
        manswers = mfields.pop("answers", None)
        if manswers is not None and not isinstance(manswers, dict):
            raise CensusError(_("%(f)s: phải là một bảng câu hỏi → trả lời.") % {"f": where + ".answers"}, where)
        for key, value in _answers(form, "person", dict(manswers or {}) | mfields, where + ".").items():
            given["answers." + key] = value
        new_members[member_uid] = given
        for key, value in given.items():
            flat[f"members.{member_uid}.{key}"] = value
    return _Record(client_id, uid, village, form, base, recorded_at, flat, consent_method, removed, new_members)


# ---------------------------------------------------------------- the household as flat fields


def _person_answers(given: dict) -> dict:
    return {k.removeprefix("answers."): v for k, v in given.items() if k.startswith("answers.")}


def _flatten(household: Household, people: list[Person]) -> dict:
    flat = {"head_name": household.head_name, "address": household.address, "phone": household.phone}
    for key, value in household.answers.items():
        flat["answers." + key] = value
    for person in people:
        prefix = f"members.{person.uid}."
        flat[prefix + "full_name"] = person.full_name
        flat[prefix + "birth_year"] = person.birth_year
        for key, value in person.answers.items():
            flat[prefix + "answers." + key] = value
    return flat


def _refuse_unauthorised(user, village) -> None:
    if not can_record(user, village):
        raise CensusError(
            _("Bạn không có quyền ghi phiếu hộ của %(v)s: chỉ công chức xã và Tổ công nghệ số của thôn.")
            % {"v": village.name},
            "village",
        )


@transaction.atomic
def household_submit(*, user, record: dict, kind: str = ChangeKind.UPDATE, reason: str = "") -> SubmitResult:
    """Record one household submission (create, update or merge), idempotent by `record["client_id"]`, and
    refresh its village's figures.

    See the module docstring and docs/decisions/0035-census-figures.md for the rules. Members are never deleted
    by being absent (another device may have added them); a member entry `{"uid": …, "removed": true}` removes one.
    """
    result, village = _submit(user=user, record=record, kind=kind, reason=reason)
    if result.status != "duplicate":
        from .figures import census_village_refresh

        census_village_refresh(village=village)
    return result


def _submit(*, user, record: dict, kind: str, reason: str = "") -> tuple[SubmitResult, AdminUnit]:
    """`household_submit` without the figure refresh (an import refreshes each village once at its end)."""
    parsed = _parse(record)
    _refuse_unauthorised(user, parsed.village)  # first: even "already received" is told only to who may write
    done = Submission.objects.filter(client_id=parsed.client_id).first()
    if done is not None:
        if str(done.household_uid) != str(parsed.uid):
            raise CensusError(_("client_id: mã lần gửi này đã dùng cho một hộ khác."), "client_id")
        return SubmitResult("duplicate", done.version, list(done.conflicts), str(parsed.uid)), parsed.village
    household = Household.objects.select_for_update().filter(uid=parsed.uid).first()
    if household is None:
        if Withdrawal.objects.filter(uid=parsed.uid).exists():  # a withdrawn household has no record left
            raise CensusError(_("uid: hộ này đã rút lại đồng ý, thông tin của hộ không được ghi lại."), "uid")
        result = _create(user, parsed, kind)
    else:
        if household.village_id != parsed.village.id:
            raise CensusError(_("village: hộ này thuộc thôn khác, không đổi thôn qua phiếu."), "village")
        household.village = parsed.village  # the same row (checked above): no second read
        if not can_see_household(user, household):
            # a team member changes only the households assigned to them (the others' names are not theirs to see)
            raise CensusError(
                _("uid: hộ này không được giao cho bạn; hãy nhờ công chức xã phân công trước khi sửa."), "uid"
            )
        result = _update(user, household, parsed, kind, reason)
    if not _submission_record(user, parsed, result):
        # the same client_id raced in: the first one stands, this one changes nothing (the caller's transaction,
        # which holds this household's changes, is rolled back by the error)
        raise CensusError(_("client_id: lần gửi này đang được ghi cùng lúc; hãy gửi lại."), "client_id")
    return result, parsed.village


def _submission_record(user, parsed: _Record, result: SubmitResult) -> bool:
    """Record the submission by its client id; False when another one holds that id already. One statement,
    `INSERT … ON CONFLICT DO NOTHING` (SQLite and PostgreSQL): no savepoint around an insert that may fail."""
    meta = Submission._meta
    values = {
        "client_id": parsed.client_id,
        "household_uid": parsed.uid,
        "user_id": user.pk if user.is_authenticated else None,
        "received_at": timezone.now(),
        "status": result.status,
        "version": result.version,
        "conflicts": result.conflicts,
    }
    fields = [meta.get_field(name) for name in values]
    params = [field.get_db_prep_save(values[field.attname], connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {meta.db_table} ({', '.join(f.column for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) ON CONFLICT (client_id) DO NOTHING",
            params,
        )
        return cursor.rowcount == 1


def _stamp(version: int, at: datetime) -> list:
    return [version, at.isoformat()]


def _create(user, parsed: _Record, kind: str) -> SubmitResult:
    if "head_name" not in parsed.flat:
        raise CensusError(_("head_name: bắt buộc."), "head_name")
    if parsed.consent_method is None and kind == ChangeKind.IMPORT:
        parsed.consent_method = ConsentMethod.PENDING
    if parsed.consent_method is None:
        raise CensusError(_("consent_method: cần ghi nhận sự đồng ý của hộ trước khi ghi thông tin."), "consent_method")
    for member_uid, given in parsed.new_members.items():
        for needed in ("full_name", "birth_year"):
            if needed not in given:
                raise CensusError(_("%(f)s: bắt buộc.") % {"f": f"members.{member_uid}.{needed}"}, needed)
    if Person.objects.filter(uid__in=list(parsed.new_members)).exists():
        raise CensusError(_("members: một nhân khẩu đã thuộc hộ khác."), "members")
    member = team_member_of(user)
    answers = {k.removeprefix("answers."): v for k, v in parsed.flat.items() if k.startswith("answers.")}
    household = Household.objects.create(
        village=parsed.village,
        commune_id=parsed.village.commune_id,
        uid=parsed.uid,
        head_name=parsed.flat["head_name"],
        address=parsed.flat.get("address", ""),
        phone=parsed.flat.get("phone", ""),
        assigned_member=member if member is not None and member.team.village_id == parsed.village.id else None,
        form_version=parsed.form.version,
        answers=answers,
        yes_mask=q.yes_mask("household", answers),
        version=1,
        field_stamps={key: _stamp(1, parsed.recorded_at) for key in parsed.flat},
        recorded_at=parsed.recorded_at,
        consent_method=parsed.consent_method,
        consent_at=parsed.recorded_at,
        consent_recorded_by=user,
        consent_purpose_version=q.PURPOSE_VERSION,
        created_by=user,
        updated_by=user,
    )
    Person.objects.bulk_create(
        [
            Person(
                household=household,
                village=parsed.village,
                uid=member_uid,
                full_name=given["full_name"],
                birth_year=given["birth_year"],
                form_version=parsed.form.version,
                answers=(person_answers := _person_answers(given)),
                yes_mask=q.yes_mask("person", person_answers),
            )
            for member_uid, given in parsed.new_members.items()
        ]
    )
    HouseholdChange.objects.create(
        household=household,
        version=1,
        kind=ChangeKind.IMPORT if kind == ChangeKind.IMPORT else ChangeKind.CREATE,
        user=user,
        changes={key: [None, value] for key, value in parsed.flat.items()},
    )
    return SubmitResult("created", 1, [], str(household.uid))


def _update(user, household: Household, parsed: _Record, kind: str, reason: str) -> SubmitResult:
    # the people are read only when the record speaks of them
    people = {str(p.uid): p for p in household.members.all()} if parsed.new_members or parsed.removed_members else {}
    current = _flatten(household, list(people.values()))
    base = parsed.base_version if parsed.base_version is not None else 0
    stale = base < household.version
    new_version = household.version + 1
    stamps = dict(household.field_stamps)
    applied: dict = {}
    changes: dict = {}
    conflicts: dict = {}
    # three-way: the value each field had at the client's base version (the oldest change after it says)
    at_base: dict = {}
    if stale:
        for change in household.changes.filter(version__gt=base).order_by("-version", "-id"):
            for key, (before, _after) in change.changes.items():
                at_base[key] = before
    for key, value in parsed.flat.items():
        old = current.get(key)
        if old == value:
            continue
        if key in at_base and at_base[key] == value:
            continue  # the client did not change it; the other side did: theirs stands, no conflict
        stamp = stamps.get(key)
        if stale and stamp is not None and stamp[0] > base:
            # both sides changed this field since the client's base: the later recording wins
            theirs_at = parse_datetime(stamp[1])
            if parsed.recorded_at >= theirs_at:
                conflicts[key] = {
                    "kept": value,
                    "lost": old,
                    "kept_recorded_at": parsed.recorded_at.isoformat(),
                    "lost_recorded_at": stamp[1],
                }
            else:
                conflicts[key] = {
                    "kept": old,
                    "lost": value,
                    "kept_recorded_at": stamp[1],
                    "lost_recorded_at": parsed.recorded_at.isoformat(),
                }
                continue
        applied[key] = value
        changes[key] = [old, value]
        stamps[key] = _stamp(new_version, parsed.recorded_at)
    removed = [uid for uid in parsed.removed_members if uid in people]
    for uid in removed:
        changes[f"members.{uid}"] = ["present", None]
        for key in [k for k in stamps if k.startswith(f"members.{uid}.")]:
            del stamps[key]
    if parsed.consent_method and household.consent_method == ConsentMethod.PENDING:
        # consent confirmed at the first visit of a household imported from an existing list
        household.consent_method = parsed.consent_method
        household.consent_at = parsed.recorded_at
        household.consent_recorded_by = user
        changes["consent_method"] = [ConsentMethod.PENDING, parsed.consent_method]
    if not changes and not conflicts:
        return SubmitResult("merged" if stale else "updated", household.version, [], str(household.uid))
    # members new to the server need their name and year
    for uid, given in parsed.new_members.items():
        if uid not in people:
            for needed in ("full_name", "birth_year"):
                if needed not in given:
                    raise CensusError(_("%(f)s: bắt buộc.") % {"f": f"members.{uid}.{needed}"}, needed)
    added = [uid for uid in parsed.new_members if uid not in people]
    if added and Person.objects.filter(uid__in=added).exists():
        raise CensusError(_("members: một nhân khẩu đã thuộc hộ khác."), "members")
    # apply
    for key, value in applied.items():
        if key in ("head_name", "address", "phone"):
            setattr(household, key, value)
        elif key.startswith("answers."):
            household.answers[key.removeprefix("answers.")] = value
    household.yes_mask = q.yes_mask("household", household.answers)
    household.version = new_version
    household.field_stamps = stamps
    household.form_version = max(household.form_version, parsed.form.version)
    household.recorded_at = max(household.recorded_at, parsed.recorded_at)
    household.updated_by = user
    if conflicts:
        household.has_conflict = True
    household.save()
    if removed:
        Person.objects.filter(household=household, uid__in=removed).delete()
    to_create = []
    to_update = []
    for uid in parsed.new_members:
        if uid in removed:
            continue
        person = people.get(uid)
        prefix = f"members.{uid}."
        mine = {k.removeprefix(prefix): v for k, v in applied.items() if k.startswith(prefix)}
        if person is None:
            if not mine:
                continue
            to_create.append(
                Person(
                    household=household,
                    village=household.village,
                    uid=uid,
                    full_name=mine.get("full_name", ""),
                    birth_year=mine.get("birth_year", 0),
                    form_version=parsed.form.version,
                    answers=(person_answers := _person_answers(mine)),
                    yes_mask=q.yes_mask("person", person_answers),
                )
            )
        elif mine:
            for key, value in mine.items():
                if key in ("full_name", "birth_year"):
                    setattr(person, key, value)
                else:
                    person.answers[key.removeprefix("answers.")] = value
            person.form_version = max(person.form_version, parsed.form.version)
            person.yes_mask = q.yes_mask("person", person.answers)
            to_update.append(person)
    if to_create:
        Person.objects.bulk_create(to_create)
    for person in to_update:
        person.save(update_fields=["full_name", "birth_year", "answers", "yes_mask", "form_version", "updated_at"])
    HouseholdChange.objects.create(
        household=household,
        version=new_version,
        kind=ChangeKind.MERGE if stale and kind == ChangeKind.UPDATE else kind,
        user=user,
        changes=changes,
        conflicts=conflicts,
        reason=reason[:300],
    )
    status = "merged" if stale else "updated"
    return SubmitResult(status, new_version, sorted(conflicts), str(household.uid))


# ---------------------------------------------------------------- commune officer operations


def _officer_household(user, household: Household) -> None:
    if not is_commune_officer_of(user, household.village):
        raise CensusError(_("Chỉ công chức của xã được làm việc này với phiếu hộ."), "")


@transaction.atomic
def household_correct(
    *, user, household: Household, fields: dict, members: list | None = None, reason: str
) -> SubmitResult:
    """A correction at the data subject's request (right to correction): an officer of the commune changes the
    record at the current version, with the request stated; logged in the access log and the history."""
    _officer_household(user, household)
    reason = _text(reason, "reason", 300, required=True)
    record = {
        "client_id": str(uuid.uuid4()),
        "uid": str(household.uid),
        "village": household.village.code,
        "form_version": q.CURRENT_VERSION,
        "base_version": household.version,
        "fields": fields,
        "members": members or [],
        "recorded_at": timezone.now().isoformat(),
    }
    result = household_submit(user=user, record=record, kind=ChangeKind.CORRECT, reason=reason)
    log_access(
        user=user,
        action=AccessAction.CORRECT,
        subject_type="household",
        subject_id=str(household.uid),
        unit=household.commune,
        reason=reason,
    )
    return result


@transaction.atomic
def household_withdraw(*, user, household: Household, reason: str = "") -> None:
    """Consent withdrawn: the household, its members and its history are deleted; a tombstone without personal
    data keeps a late offline sync from recreating it; the village's figures are refreshed."""
    _officer_household(user, household)
    village = household.village
    uid = household.uid
    Withdrawal.objects.create(uid=uid, village=village, recorded_by=user)
    household.delete()
    Submission.objects.filter(household_uid=uid).delete()
    log_access(
        user=user,
        action=AccessAction.ERASE,
        subject_type="household",
        subject_id=str(uid),
        unit=village.commune,
        reason=_text(reason, "reason", 300, required=False) or _("Rút lại đồng ý"),
    )
    from .figures import census_village_refresh

    census_village_refresh(village=village)


@transaction.atomic
def household_conflict_resolve(*, user, household: Household) -> None:
    """An officer has looked at the values a sync let lose: the flag is cleared (the history keeps them)."""
    _officer_household(user, household)
    Household.objects.filter(pk=household.pk).update(has_conflict=False)
    household.has_conflict = False


@transaction.atomic
def household_assign(*, user, household: Household, member) -> None:
    """Assign the household to a member of its village's team (or to nobody)."""
    _officer_household(user, household)
    if member is not None and (member.team.village_id != household.village_id or not member.active):
        raise CensusError(_("Thành viên phụ trách phải thuộc Tổ công nghệ số của thôn này."), "assigned_member")
    Household.objects.filter(pk=household.pk).update(assigned_member=member)
    household.assigned_member = member


@transaction.atomic
def village_census_mark(*, user, village, complete: bool, year: int | None = None) -> VillageCensus:
    """Mark a village's census of `year` complete (the census figures then replace typed ones) or reopen it."""
    if not is_commune_officer_of(user, village):
        raise CensusError(_("Chỉ công chức của xã được đánh dấu hoàn thành điều tra thôn."), "village")
    year = year or timezone.localdate().year
    status, _created = VillageCensus.objects.select_for_update().get_or_create(village=village, year=year)
    status.completed_at = timezone.now() if complete else None
    status.completed_by = user if complete else None
    status.save()
    from .figures import census_village_refresh

    census_village_refresh(village=village, year=year)
    return status


def households_retention_cleanup(*, now=None) -> int:
    """Delete the households nobody confirmed for `XASO_CENSUS_RETENTION_DAYS` days (their members and history
    with them) and refresh their villages' figures; how many households were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.XASO_CENSUS_RETENTION_DAYS)
    old = Household.objects.filter(updated_at__lt=cutoff)
    village_ids = set(old.values_list("village_id", flat=True))
    if not village_ids:
        return 0
    with transaction.atomic():
        rows = list(old.values_list("uid", "village_id"))
        uids = [uid for uid, _village in rows]
        count = Household.objects.filter(uid__in=uids).delete()[1].get("census.Household", 0)
        Submission.objects.filter(household_uid__in=uids).delete()
        from .figures import census_village_refresh

        per_village: dict[int, int] = {}
        for _uid, village_id in rows:
            per_village[village_id] = per_village.get(village_id, 0) + 1
        for village in AdminUnit.objects.filter(id__in=village_ids):
            census_village_refresh(village=village)
            # the erasure is processing too: the access log keeps who (the system), when, where and how many
            log_access(
                user=None,
                action=AccessAction.ERASE,
                subject_type="household",
                unit=village,
                count=per_village.get(village.id, 0),
                reason=_("Hết thời hạn lưu giữ (%(days)s ngày không xác nhận)")
                % {"days": settings.XASO_CENSUS_RETENTION_DAYS},
            )
    return count
