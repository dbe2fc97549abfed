"""Django's database sessions, read with plain SQL (`SESSION_ENGINE = "xaso.accounts.sessions"`).

Sessions stay in the database, exactly where and as Django keeps them (logout, expiry, `clearsessions`, an
administrator deleting a row all behave the same); only the read every signed-in request makes is one statement
written once from the model instead of an ORM query built each time
(docs/decisions/0037-per-request-reads.md)."""

from __future__ import annotations

from functools import cache

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


@cache
def _session_sql(model, using: str) -> str:
    quote = connections[using].ops.quote_name
    table = quote(model._meta.db_table)
    return (
        f"SELECT {quote('session_data')} FROM {table} WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
    )


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        key = self.session_key
        if not key:
            self._session_key = None
            return None
        model = self.model
        using = router.db_for_read(model)
        connection = connections[using]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_session_sql(model, using), [key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=key, session_data=row[0])
