"""household_submit: create, idempotency, authorisation, validation (atomic, field named), field-level merge."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from xaso.census.models import Household, HouseholdChange, Person, Submission
from xaso.census.services import CensusError, household_submit, household_withdraw
from xaso.conftest import make_user
from xaso.teams.models import Team, TeamMember

from .conftest import person, record

pytestmark = pytest.mark.django_db


def test_officer_creates_household_and_retry_is_duplicate(census_catalog, an_vien_villages, an_vien_officer):
    village = an_vien_villages[0]
    rec = record(village, members=[person(1980, smartphone=True), person(2015)], fibre=True)
    first = household_submit(user=an_vien_officer, record=rec)
    again = household_submit(user=an_vien_officer, record=rec)
    assert (first.status, first.version, first.conflicts) == ("created", 1, [])
    assert (again.status, again.version) == ("duplicate", 1)
    assert Household.objects.count() == 1 and Person.objects.count() == 2
    assert Submission.objects.count() == 1
    household = Household.objects.get()
    assert household.answers == {"fibre": True}
    assert household.consent_method == "verbal" and household.consent_recorded_by == an_vien_officer


def test_a_retry_by_someone_who_may_not_write_is_refused_not_told_duplicate(
    census_catalog, an_vien_villages, an_vien_officer, tri_an_officer
):
    rec = record(an_vien_villages[0])
    household_submit(user=an_vien_officer, record=rec)
    with pytest.raises(CensusError):
        household_submit(user=tri_an_officer, record=rec)
    assert Submission.objects.count() == 1


def test_a_client_id_reused_for_another_household_is_refused(census_catalog, an_vien_villages, an_vien_officer):
    village = an_vien_villages[0]
    client_id = uuid.uuid4()
    household_submit(user=an_vien_officer, record=record(village, client_id=client_id))
    with pytest.raises(CensusError, match="client_id"):
        household_submit(user=an_vien_officer, record=record(village, client_id=client_id))
    assert Household.objects.count() == 1


def test_a_client_id_stored_by_a_concurrent_sync_refuses_the_second_and_changes_nothing(
    census_catalog, an_vien_villages, an_vien_officer, monkeypatch
):
    """Two syncs of the same record at once: both miss each other's submission at the lookup; the second's insert
    meets the first's client id and its whole change is rolled back (one statement, no savepoint)."""
    from xaso.census import services

    village = an_vien_villages[0]
    rec = record(village, head_name="Hộ Song Song", fibre=True)
    household_submit(user=an_vien_officer, record=rec)
    stored = Submission.objects.get()
    assert (str(stored.client_id), stored.status, stored.version, stored.conflicts) == (rec["client_id"], "created",
                                                                                         1, [])  # fmt: skip
    edit = record(village, uid=rec["uid"], client_id=rec["client_id"], base=1, consent=None, fibre=False)
    real_filter = Submission.objects.filter
    monkeypatch.setattr(
        Submission.objects, "filter", lambda **kw: real_filter(pk=-1) if "client_id" in kw else real_filter(**kw)
    )  # fmt: skip  (the lookup ran before the first one committed)
    with pytest.raises(CensusError, match="client_id"):
        services.household_submit(user=an_vien_officer, record=edit)
    assert Household.objects.get().answers == {"fibre": True} and Household.objects.get().version == 1
    assert Submission.objects.count() == 1


def test_team_member_records_in_own_village_only(census_catalog, an_vien_villages, ap1_team, team_user):
    result = household_submit(user=team_user, record=record(an_vien_villages[0]))
    assert result.status == "created"
    assert Household.objects.get().assigned_member.user == team_user
    with pytest.raises(CensusError, match="không có quyền"):
        household_submit(user=team_user, record=record(an_vien_villages[1]))


def test_inactive_member_or_team_may_not_record(census_catalog, an_vien_villages, ap1_team, team_user):
    TeamMember.objects.filter(user=team_user).update(active=False)
    with pytest.raises(CensusError):
        household_submit(user=team_user, record=record(an_vien_villages[0]))
    TeamMember.objects.filter(user=team_user).update(active=True)
    Team.objects.filter(pk=ap1_team.pk).update(active=False)
    team_user._census_member = False  # the cached membership of this request
    with pytest.raises(CensusError):
        household_submit(user=team_user, record=record(an_vien_villages[0]))
    assert not Household.objects.exists()


@pytest.mark.parametrize("who", ["province_analyst", "tri_an_officer", "administrator", "anonymous"])
def test_nobody_else_records(request, census_catalog, an_vien_villages, who):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    with pytest.raises(CensusError):
        household_submit(user=user, record=record(an_vien_villages[0]))
    assert not Household.objects.exists()


def test_a_team_member_account_of_another_commune_is_not_a_member(census_catalog, an_vien_villages, tri_an):
    stranger = make_user("stranger", "team_member", tri_an)
    with pytest.raises(CensusError):
        household_submit(user=stranger, record=record(an_vien_villages[0]))


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"fields": {"head_name": "", "consent_method": "verbal"}}, "head_name"),
        ({"fields": {"head_name": "A", "consent_method": "verbal", "income": 5}}, "income"),
        ({"fields": {"head_name": "A", "consent_method": "verbal", "fibre": "có"}}, "fibre"),
        ({"fields": {"head_name": "A", "consent_method": "verbal", "phone": "12ab"}}, "phone"),
        ({"fields": {"head_name": "A"}}, "consent_method"),
        ({"fields": {"head_name": "A", "consent_method": "pending"}}, "consent_method"),
        ({"fields": {"head_name": "A", "consent_method": "verbal"}, "form_version": 99}, "form_version"),
        ({"fields": {"head_name": "A", "consent_method": "verbal"}, "recorded_at": "hôm qua"}, "recorded_at"),
        ({"fields": {"head_name": "A", "consent_method": "verbal"}, "village": "nowhere"}, "village"),
        ({"fields": {"head_name": "A", "consent_method": "verbal"}, "uid": "not-a-uuid"}, "uid"),
        ({"fields": {"head_name": "A", "consent_method": "verbal"}, "members": [person(1850)]}, "birth_year"),
        ({"fields": {"head_name": "A", "consent_method": "verbal"}, "members": [person(1990, cccd="0")]}, "cccd"),
        ({"fields": {"head_name": "A" * 151, "consent_method": "verbal"}}, "head_name"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(
    census_catalog, an_vien_villages, an_vien_officer, change, field
):
    rec = record(an_vien_villages[0], members=[person(1990)]) | change
    with pytest.raises(CensusError) as caught:
        household_submit(user=an_vien_officer, record=rec)
    assert field in caught.value.message
    assert not Household.objects.exists() and not Person.objects.exists() and not Submission.objects.exists()


def test_future_recording_time_is_refused(census_catalog, an_vien_villages, an_vien_officer):
    rec = record(an_vien_villages[0], recorded_at=timezone.now() + timedelta(days=3))
    with pytest.raises(CensusError, match="recorded_at"):
        household_submit(user=an_vien_officer, record=rec)


def _created(village, officer, **fields):
    uid = uuid.uuid4()
    t0 = timezone.now() - timedelta(hours=3)
    household_submit(user=officer, record=record(village, uid=uid, recorded_at=t0, **fields))
    return uid, t0


def test_fresh_update_bumps_version_and_keeps_history(census_catalog, an_vien_villages, an_vien_officer):
    village = an_vien_villages[0]
    uid, _t0 = _created(village, an_vien_officer, fibre=False)
    result = household_submit(user=an_vien_officer, record=record(village, uid=uid, base=1, consent=None, fibre=True))
    assert (result.status, result.version, result.conflicts) == ("updated", 2, [])
    change = HouseholdChange.objects.get(version=2)
    assert change.changes == {"answers.fibre": [False, True]}
    assert not Household.objects.get(uid=uid).has_conflict


def test_both_sides_change_a_field_later_recording_wins_and_loser_is_kept(
    census_catalog, an_vien_villages, an_vien_officer
):
    village = an_vien_villages[0]
    uid, t0 = _created(village, an_vien_officer, fibre=False, smart_device=False)
    # device A (recorded at t0+2h) syncs first, device B (recorded at t0+1h, offline longer) syncs second
    a = record(village, uid=uid, base=1, consent=None, recorded_at=t0 + timedelta(hours=2), fibre=True)
    b = record(village, uid=uid, base=1, consent=None, recorded_at=t0 + timedelta(hours=1), fibre=None,
               smart_device=True)  # fmt: skip
    assert household_submit(user=an_vien_officer, record=a).status == "updated"
    merged = household_submit(user=an_vien_officer, record=b)
    assert (merged.status, merged.version, merged.conflicts) == ("merged", 3, ["answers.fibre"])
    household = Household.objects.get(uid=uid)
    assert household.answers == {"fibre": True, "smart_device": True}  # A's later fibre kept, B's device applied
    assert household.has_conflict
    conflict = HouseholdChange.objects.get(version=3).conflicts["answers.fibre"]
    assert (conflict["kept"], conflict["lost"]) == (True, None)


def test_a_phone_clock_running_ahead_does_not_win_every_conflict(census_catalog, an_vien_villages, an_vien_officer):
    """Phone B's clock is 20 hours ahead: it recorded an hour ago but says tomorrow. Phone A recorded after B, for
    real, and syncs later from the same base. A's value must win: B's time is taken as no later than its receipt."""
    village = an_vien_villages[0]
    uid, _t0 = _created(village, an_vien_officer, fibre=False)
    now = timezone.now()
    b = record(village, uid=uid, base=1, consent=None, recorded_at=now + timedelta(hours=20), fibre=True)
    assert household_submit(user=an_vien_officer, record=b).status == "updated"
    a = record(village, uid=uid, base=1, consent=None, recorded_at=timezone.now() + timedelta(seconds=1), fibre=None)
    merged = household_submit(user=an_vien_officer, record=a)
    assert (merged.status, merged.conflicts) == ("merged", ["answers.fibre"])
    assert Household.objects.get(uid=uid).answers["fibre"] is None  # A, recorded later for real, kept
    assert Household.objects.get(uid=uid).recorded_at <= timezone.now()


def test_flipped_the_later_stale_recording_wins(census_catalog, an_vien_villages, an_vien_officer):
    village = an_vien_villages[0]
    uid, t0 = _created(village, an_vien_officer, fibre=False)
    a = record(village, uid=uid, base=1, consent=None, recorded_at=t0 + timedelta(hours=1), fibre=True)
    b = record(village, uid=uid, base=1, consent=None, recorded_at=t0 + timedelta(hours=2), fibre=None)
    household_submit(user=an_vien_officer, record=a)
    merged = household_submit(user=an_vien_officer, record=b)
    assert merged.conflicts == ["answers.fibre"]
    assert Household.objects.get(uid=uid).answers["fibre"] is None
    conflict = HouseholdChange.objects.get(version=3).conflicts["answers.fibre"]
    assert (conflict["kept"], conflict["lost"]) == (None, True)


def test_a_field_only_the_other_side_changed_is_no_conflict(census_catalog, an_vien_villages, an_vien_officer):
    """Three-way: the stale client sends its whole form; a field it left as at its base does not undo the other
    device's change, however late it was recorded."""
    village = an_vien_villages[0]
    uid, t0 = _created(village, an_vien_officer, fibre=False, smart_device=False)
    a = record(village, uid=uid, base=1, consent=None, recorded_at=t0 + timedelta(hours=1), fibre=True)
    b = record(village, uid=uid, base=1, consent=None, recorded_at=t0 + timedelta(hours=2), fibre=False,
               smart_device=True)  # fmt: skip
    household_submit(user=an_vien_officer, record=a)
    merged = household_submit(user=an_vien_officer, record=b)
    assert (merged.status, merged.conflicts) == ("merged", [])
    household = Household.objects.get(uid=uid)
    assert household.answers == {"fibre": True, "smart_device": True}
    assert not household.has_conflict


def test_members_are_added_changed_and_removed_only_explicitly(census_catalog, an_vien_villages, an_vien_officer):
    village = an_vien_villages[0]
    kept, gone = uuid.uuid4(), uuid.uuid4()
    uid = uuid.uuid4()
    household_submit(user=an_vien_officer, record=record(village, uid=uid, members=[person(1980, kept),
                                                                                   person(1985, gone)]))  # fmt: skip
    newcomer = person(2020)
    household_submit(user=an_vien_officer, record=record(village, uid=uid, base=1, consent=None,
                                                         members=[newcomer]))  # fmt: skip
    assert Person.objects.filter(household__uid=uid).count() == 3  # absent members stay
    household_submit(user=an_vien_officer, record=record(village, uid=uid, base=2, consent=None,
                                                         members=[{"uid": str(gone), "removed": True}]))  # fmt: skip
    assert set(Person.objects.values_list("uid", flat=True)) == {kept, uuid.UUID(newcomer["uid"])}


def test_withdrawn_household_is_deleted_and_never_recreated(census_catalog, an_vien_villages, an_vien_officer):
    village = an_vien_villages[0]
    uid = uuid.uuid4()
    household_submit(user=an_vien_officer, record=record(village, uid=uid, members=[person(1980)]))
    household_withdraw(user=an_vien_officer, household=Household.objects.get(uid=uid), reason="Hộ yêu cầu")
    assert not Household.objects.exists() and not Person.objects.exists() and not HouseholdChange.objects.exists()
    with pytest.raises(CensusError, match="rút lại đồng ý"):
        household_submit(user=an_vien_officer, record=record(village, uid=uid))


def test_a_team_member_cannot_withdraw_or_correct(census_catalog, an_vien_villages, ap1_team, team_user):
    from xaso.census.services import household_correct

    household_submit(user=team_user, record=record(an_vien_villages[0]))
    household = Household.objects.get()
    with pytest.raises(CensusError):
        household_withdraw(user=team_user, household=household)
    with pytest.raises(CensusError):
        household_correct(user=team_user, household=household, fields={"head_name": "X"}, reason="Yêu cầu của hộ")
    assert Household.objects.get().head_name == "Nguyễn Văn Hộ"
