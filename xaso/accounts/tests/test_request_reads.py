"""The session and the signed-in user read with plain SQL (xaso/accounts/sessions.py, backends.py): the same
objects the ORM gives, and the same refusals (an expired or deleted session, an inactive user)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.utils import timezone

from xaso.accounts.backends import UserWithUnitBackend, user_with_unit
from xaso.accounts.models import User
from xaso.accounts.sessions import SessionStore
from xaso.conftest import make_user


def test_the_user_equals_the_orm_one_with_their_unit(an_vien_officer, django_assert_num_queries):
    an_vien_officer.last_login = timezone.now()
    an_vien_officer.save()
    orm = User.objects.select_related("unit").get(pk=an_vien_officer.pk)
    with django_assert_num_queries(1):
        user = user_with_unit(an_vien_officer.pk)
        assert user.unit.name == "Xã An Viễn"  # loaded with the user
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(orm, field.attname), field.name
    assert isinstance(user.is_active, bool) and user.last_login == orm.last_login  # converted as the ORM does
    assert user._state.adding is False and user._state.db == "default"


def test_a_user_without_a_unit_has_none(db):
    user = make_user("no_unit", "commune_officer", None)
    assert user_with_unit(user.pk).unit is None


def test_no_user_for_an_unknown_or_malformed_id(db):
    assert user_with_unit(987654) is None
    assert user_with_unit("not-an-id") is None


def test_an_inactive_user_is_nobody(an_vien_officer):
    an_vien_officer.is_active = False
    an_vien_officer.save()
    assert UserWithUnitBackend().get_user(an_vien_officer.pk) is None


def test_a_session_is_read_until_it_expires_or_is_deleted(client, an_vien_officer):
    client.force_login(an_vien_officer)
    key = client.cookies["sessionid"].value
    assert SessionStore(key).load()["_auth_user_id"] == str(an_vien_officer.pk)
    assert client.get("/").status_code == 302  # to the user's unit: signed in
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    store = SessionStore(key)
    assert store.load() == {} and store.session_key is None
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_deleted_session_signs_out(client, an_vien_officer):
    client.force_login(an_vien_officer)
    Session.objects.all().delete()  # an administrator ending every session
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
