"""Demo census of An Viễn (26296): a digital team in each of its 18 sample villages and the census of every household,
with names that are obviously invented ("Chủ hộ mẫu 001-001", "Tổ trưởng mẫu Ấp 1") — sample data.

The demo shows An Viễn's 2025 figures (sample, `xaso/demo/data/demo.yaml`): 8.560 households, 31.240 people, 24.180
adults, 19.870 of working age, 6.420 households on fibre (75,0%), 20.950 adults with a smartphone (86,6%)… The census
reproduces them exactly as this year's figures, counted from the records: each answer is "yes" for exactly
round(rate × eligible) people or households of the commune (`RATES`: the 2025 figures over their base), drawn with a
fixed seed, so the same every load; the villages get 475 or 476 households each (8.560 / 18).

Set-based (one bulk insert per table), idempotent (a commune with households is left as it is), consent recorded
(verbal, the team's lead, with the purpose's version). Called by `xaso.demo.services.demo_load`.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import date, datetime, time

from django.db import connection
from django.utils import timezone

from xaso.accounts.models import Role, User
from xaso.geo.models import AdminUnit, Level
from xaso.privacy.models import ConsentMethod
from xaso.teams.models import MemberRole, Team, TeamMember, Training

from . import questions as q
from .figures import census_refresh
from .models import ChangeKind, Household, HouseholdChange, Person, VillageCensus

COMMUNE = "26296"
VILLAGES = 18
HOUSEHOLDS = 8560
PEOPLE = 31240
ADULTS = 24180
WORKING_AGE = 19870
#: share of "yes" among those a question applies to: An Viễn's 2025 sample figures where it has one
RATES = {
    "fibre": 6420 / HOUSEHOLDS, "mobile_covered": 8390 / HOUSEHOLDS, "smart_device": 0.85,
    "cashless_electricity": 0.56, "sms_registered": 0.8, "vneid": 24610 / PEOPLE, "ehr": 27420 / PEOPLE,
    "smartphone": 20950 / ADULTS, "bank_account": 19560 / ADULTS, "epayment_account": 17880 / ADULTS,
    "cashless_payment": 15240 / ADULTS, "online_public_services": 8930 / ADULTS, "digital_signature": 1690 / ADULTS,
    "digital_skills": 0.55,
}  # fmt: skip
#: the team member demo login (the lead of Ấp 1's team): records households in the offline app
MEMBER_LOGIN = "anvien.to"
TRAINING = "Bình dân học vụ số: kỹ năng số cơ bản, VNeID, thanh toán không dùng tiền mặt"


def village_names() -> list[str]:
    return [f"Ấp {n} (mẫu)" for n in range(1, VILLAGES + 1)]


def demo_census_load(*, officer: User, year: int | None = None) -> int:
    """Teams for every sample village of An Viễn, the census of its households, their figures; how many households
    were created (0 when the commune has some already)."""
    commune = AdminUnit.objects.filter(code=COMMUNE, level=Level.COMMUNE).first()
    if commune is None:
        return 0
    year = year or timezone.localdate().year
    villages = list(AdminUnit.objects.filter(parent=commune, level=Level.VILLAGE, is_sample=True).order_by("code"))
    if not villages:
        return 0
    teams = _teams(commune, villages, year)
    created = 0
    if not Household.objects.filter(commune=commune).exists():
        created = _census(villages, teams, year)
        VillageCensus.objects.update_or_create(  # the first village's census is done: its figures are final
            village=villages[0], year=year, defaults={"completed_at": timezone.now(), "completed_by": officer}
        )
        census_refresh(commune=commune, year=year)
    from xaso.teams.figures import team_figures_write

    team_figures_write(commune=commune, year=year)
    return created


def _teams(commune: AdminUnit, villages: list[AdminUnit], year: int) -> dict[int, list[TeamMember]]:
    """A team per village (lead, deputy, two members; the members of the last two villages not trained yet, so the
    overview shows teams waiting for training), and the team member login on Ấp 1's lead."""
    existing = {t.village_id: t for t in Team.objects.filter(village__in=villages)}
    new_teams = [
        Team(village=v, commune=commune, name=f"Tổ công nghệ số cộng đồng {v.name}", established_on=date(2025, 8, 1))
        for v in villages
        if v.id not in existing
    ]
    Team.objects.bulk_create(new_teams)
    teams = {t.village_id: t for t in Team.objects.filter(village__in=villages)}
    fresh = {t.village_id for t in new_teams}
    members = []
    for number, village in enumerate(villages, start=1):
        if village.id not in fresh:
            continue
        for role, label in ((MemberRole.LEAD, "Tổ trưởng"), (MemberRole.DEPUTY, "Tổ phó"),
                            (MemberRole.MEMBER, "Thành viên 1"), (MemberRole.MEMBER, "Thành viên 2")):  # fmt: skip
            members.append(TeamMember(team=teams[village.id], full_name=f"{label} mẫu Ấp {number}", role=role,
                                      joined_on=date(2025, 8, 1)))  # fmt: skip
    TeamMember.objects.bulk_create(members)
    trained = [m for m in members if m.team.village_id not in {v.id for v in villages[-2:]}]
    Training.objects.bulk_create(
        [Training(member=m, title=TRAINING, trained_on=date(year, 3, 14), provider="UBND xã An Viễn") for m in trained]
    )
    if villages and villages[0].id in fresh:
        lead = next(m for m in members if m.team.village_id == villages[0].id and m.role == MemberRole.LEAD)
        user = User.objects.filter(username=MEMBER_LOGIN).first()
        if user is not None and user.role == Role.TEAM_MEMBER and not hasattr(user, "team_membership"):
            lead.user = user
            lead.save(update_fields=["user"])
    by_village: dict[int, list[TeamMember]] = {}
    for member in TeamMember.objects.filter(team__in=teams.values()).order_by("id"):
        by_village.setdefault(member.team.village_id, []).append(member)
    return by_village


def _yes(rng: random.Random, eligible: list, rate: float) -> set:
    """Exactly round(rate × len(eligible)) of them, drawn without replacement (a fixed seed: the same every load)."""
    return set(rng.sample(eligible, round(rate * len(eligible))))


def _census(villages: list[AdminUnit], teams: dict[int, list[TeamMember]], year: int) -> int:
    rng = random.Random(COMMUNE)
    recorded = timezone.make_aware(datetime.combine(date(year, 4, 1), time(9)))
    form = q.version_get()
    indices = list(range(HOUSEHOLDS))
    share, rest = divmod(HOUSEHOLDS, len(villages))
    village_of = [v for i, v in enumerate(villages) for _n in range(share + (i < rest))]
    household_yes = {x.key: _yes(rng, indices, RATES[x.key]) for x in form.household}
    bigger = set(rng.sample(indices, PEOPLE - 3 * HOUSEHOLDS))  # 3 people a household, 4 in these
    people = [(n, k) for n in indices for k in range(3 + (n in bigger))]
    others = [p for p in people if p[1] > 0]  # the first of a household is an adult
    children = set(rng.sample(others, PEOPLE - ADULTS))
    adults = [p for p in people if p not in children]
    elderly = set(rng.sample(adults, ADULTS - WORKING_AGE))
    ages = {p: i % 15 if p in children else 61 + i % 30 if p in elderly else 15 + i % 46 for i, p in enumerate(people)}
    eligible = {"all": people, "adult": adults, "working_age": [p for p in adults if p not in elderly]}
    person_yes = {x.key: _yes(rng, eligible[x.applies], RATES[x.key]) for x in form.person}
    stamp = [1, recorded.isoformat()]
    stamps = json.dumps(dict.fromkeys(["head_name", "address", *(f"answers.{x.key}" for x in form.household)], stamp))
    households = []  # (uid, village, number) in the order of `indices`
    numbers: dict[int, int] = {}
    household_rows = []
    for n in indices:
        village = village_of[n]
        numbers[village.id] = number = numbers.get(village.id, 0) + 1
        members = teams.get(village.id, [])
        lead = next((m for m in members if m.role == MemberRole.LEAD), None)
        answers = _answers({key: n in chosen for key, chosen in household_yes.items()}, "household")
        uid = uuid.uuid5(uuid.NAMESPACE_URL, f"xaso-demo/{n}")
        head = f"Chủ hộ mẫu {village.code[-3:]}-{number:03d}"
        households.append((uid, village, head))
        household_rows.append({
            "village_id": village.id, "commune_id": village.commune_id, "uid": uid, "head_name": head,
            "address": f"Tổ {number % 12 + 1} (mẫu)", "phone": "",
            "assigned_member_id": members[number % len(members)].id if members else None,
            "form_version": form.version, "answers": answers[0], "yes_mask": answers[1], "version": 1,
            "field_stamps": stamps,
            "has_conflict": False, "recorded_at": recorded, "created_at": recorded, "updated_at": recorded,
            "consent_method": ConsentMethod.VERBAL, "consent_at": recorded,
            "consent_recorded_by_id": lead.user_id if lead else None, "consent_purpose_version": q.PURPOSE_VERSION,
            "created_by_id": None, "updated_by_id": None,
        })  # fmt: skip
    _insert(Household, household_rows)
    ids = dict(Household.objects.filter(commune_id=villages[0].commune_id).values_list("uid", "id"))
    person_rows = []
    for n, k in people:
        uid, village, head = households[n]
        answers = _answers({key: (n, k) in chosen for key, chosen in person_yes.items()}, "person")
        person_rows.append({
            "household_id": ids[uid], "village_id": village.id,
            "uid": uuid.uuid5(uuid.NAMESPACE_URL, f"xaso-demo/{n}/{k}"),
            "full_name": head.replace("Chủ hộ", "Người") + (f"/{k + 1}" if k else ""),
            "birth_year": year - ages[(n, k)], "form_version": form.version, "answers": answers[0],
            "yes_mask": answers[1], "created_at": recorded, "updated_at": recorded,
        })  # fmt: skip
    _insert(Person, person_rows)
    _insert(HouseholdChange, [
        {"household_id": ids[uid], "version": 1, "kind": ChangeKind.CREATE, "at": recorded, "user_id": None,
         "changes": {"head_name": [None, head]}, "conflicts": {}, "reason": ""}
        for uid, _village, head in households
    ])  # fmt: skip
    return len(households)


_SEEN: dict[tuple, tuple[str, int]] = {}


def _answers(answers: dict, scope: str) -> tuple[str, int]:
    """The answers as stored (JSON) and their "yes" bits; a commune has few distinct combinations: each made once."""
    key = (scope, *answers.items())
    if key not in _SEEN:
        _SEEN[key] = (json.dumps(answers), q.yes_mask(scope, answers))
    return _SEEN[key]


def _insert(model, rows: list[dict]) -> None:
    """Insert plain rows in one `executemany` (no model instance per row: 48.000 rows in about a second rather than
    Django's bulk_create's fifteen); each value prepared the way its field stores it."""
    if not rows:
        return
    columns = list(rows[0])
    fields = [model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") and name != "uid" else name)
              for name in columns]  # fmt: skip
    prepare = []
    for field in fields:
        kind = field.get_internal_type()
        if kind == "UUIDField":
            prepare.append(str if connection.features.has_native_uuid_field else (lambda u: u.hex))
        elif kind == "JSONField":
            prepare.append(lambda value: value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
        elif kind == "DateTimeField":
            prepare.append(connection.ops.adapt_datetimefield_value)
        else:
            prepare.append(None)
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(f.column for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        for at in range(0, len(rows), 5000):
            cursor.executemany(sql, [
                [value if how is None else how(value) for how, value in zip(prepare, row.values(), strict=True)]
                for row in rows[at : at + 5000]
            ])  # fmt: skip
