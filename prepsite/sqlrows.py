"""Model instances from a hand-written SELECT, for the few hot paths where the ORM's cost shows.

Building a query with the ORM costs more than running it on these pages (see
docs/performance.md: about 0.3–0.6 ms of Python per query against tens of
microseconds in SQLite). :class:`Columns` lets a hand-written statement select
a model's columns by its own metadata (so a new field is picked up without
touching the SQL), and turns that slice of a row back into an instance with
the same conversions the ORM applies (dates on SQLite, JSON, UUIDs, booleans).
The instance is built with ``Model.from_db``, exactly as a queryset builds it.
"""

from __future__ import annotations

from django.db import connections
from django.db.models import Model


class Columns:
    """The concrete columns of ``model`` under table alias ``alias`` in a SELECT."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.pk_index = self.fields.index(model._meta.pk)
        self._converters: dict[str, list] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def sql(self, using: str = "default") -> str:
        quote = connections[using].ops.quote_name
        return ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)

    def converters(self, using: str) -> list:
        """Per column, the ORM's conversions from the database's value (backend's, then the field's)."""
        if using not in self._converters:
            connection = connections[using]
            found = []
            for field in self.fields:
                col = field.get_col(self.alias)
                convert = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                found.append([(c, col) for c in convert])
            self._converters[using] = found
        return self._converters[using]

    def build(self, row, start: int, using: str = "default") -> Model | None:
        """The instance in ``row[start:start + len(self)]``; None if its primary key is NULL (none joined)."""
        values = list(row[start : start + len(self.fields)])
        if values[self.pk_index] is None:
            return None
        connection = connections[using]
        for i, converters in enumerate(self.converters(using)):
            value = values[i]
            for convert, col in converters:
                value = convert(value, col, connection)
            values[i] = value
        return self.model.from_db(using, self.attnames, values)


def prefetched(instance: Model, accessor: str, objects: list[Model]) -> None:
    """Leave ``objects`` as ``instance.<accessor>.all()``, as ``prefetch_related(accessor)`` would."""
    queryset = getattr(instance, accessor).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[type(instance)._meta.get_field(accessor).cache_name] = queryset
