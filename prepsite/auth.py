"""Django's ModelBackend, with the user of a signed-in request read by one hand-written SELECT.

``get_user`` runs on every request of a signed-in candidate; through the ORM
its query cost more to build than to run (docs/performance.md). Passwords,
permissions and ``user_can_authenticate`` are Django's own.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.db import connections, router

from .sqlrows import Columns


@cache
def _user_select(using: str) -> tuple[str, Columns]:
    user_model = get_user_model()
    columns = Columns(user_model, "u")
    quote = connections[using].ops.quote_name
    # Only names from the model's metadata are formatted in; the id is a parameter.
    sql = (
        f"SELECT {columns.sql(using)} FROM {quote(user_model._meta.db_table)} u"
        f" WHERE u.{quote(user_model._meta.pk.column)} = %s"
    )
    return sql, columns


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        using = router.db_for_read(user_model)
        sql, columns = _user_select(using)
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [user_model._meta.pk.get_db_prep_value(user_id, connections[using])])
            row = cursor.fetchone()
        if row is None:
            return None
        user = columns.build(row, 0, using)
        return user if self.user_can_authenticate(user) else None
