"""Django's database sessions, read with one hand-written statement.

Every page reads the browser's session, and through the ORM that read cost
more in building the query than in running it (docs/performance.md). The
store, the table, the expiry and the signing are Django's own
(``django.contrib.sessions.backends.db``); only the SELECT is written out.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self):
        model = self.model
        using = router.db_for_read(model)
        connection = connections[using]
        expire_date = model._meta.get_field("expire_date")
        # Only names from the model's metadata are formatted in; the values are parameters.
        sql = "SELECT {data} FROM {table} WHERE {key} = %s AND {expiry} > %s".format(
            data=connection.ops.quote_name(model._meta.get_field("session_data").column),
            table=connection.ops.quote_name(model._meta.db_table),
            key=connection.ops.quote_name(model._meta.get_field("session_key").column),
            expiry=connection.ops.quote_name(expire_date.column),
        )
        now = expire_date.get_db_prep_value(timezone.now(), connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return SimpleNamespace(session_data=row[0])
