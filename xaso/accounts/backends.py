"""The signed-in user, loaded with their unit in the one query every request makes for the user.

Every page shows the user's unit in its header and checks the unit scope against it (`can_read_unit`), so
`user.unit` is read on nearly every request: a join here spares a second query each time. The query is plain SQL
written from the models (`xaso.core.rows`): building it in the ORM cost five times running it
(docs/decisions/0037-per-request-reads.md)."""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router

from xaso.core import rows


@cache
def _user_sql(model, using: str) -> str:
    from xaso.geo.models import AdminUnit

    quote = connections[using].ops.quote_name
    return (
        f"SELECT {rows.select_list(model, 'u', using)}, {rows.select_list(AdminUnit, 'a', using)} "
        f"FROM {quote(model._meta.db_table)} u LEFT JOIN {quote(AdminUnit._meta.db_table)} a "
        f"ON a.{quote('id')} = u.{quote(model._meta.get_field('unit').column)} "
        f"WHERE u.{quote(model._meta.pk.column)} = %s"
    )


def user_with_unit(user_id):
    """The user of `user_id` with their unit loaded (`user.unit` without a query), or None."""
    from xaso.geo.models import AdminUnit

    model = get_user_model()
    try:
        user_id = model._meta.pk.to_python(user_id)
    except (ValidationError, TypeError, ValueError):  # a session holding something that is not an id: nobody
        return None
    using = router.db_for_read(model)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(_user_sql(model, using), [user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(rows.columns(model))
    user = rows.instance(model, using, row[:split])
    unit = rows.instance(AdminUnit, using, row[split:]) if row[split] is not None else None
    user._state.fields_cache["unit"] = unit
    return user


class UserWithUnitBackend(ModelBackend):
    def get_user(self, user_id):
        user = user_with_unit(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
