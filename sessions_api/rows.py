"""Model instances from raw rows and JSON copies, without the ORM's query building on the hot path.

The auth check reads two rows on every signed-in request (its registry entry and its user): building
the ORM's query for them cost more than the database spent answering it. These read and rebuild them
as the ORM would, converters included.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connections, models, router

from api_project.db import hot_cursor


@cache
def _datetime_fields(model: type[models.Model]) -> frozenset[str]:
    return frozenset(f.attname for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField))


def dump_instance(instance: models.Model, *, leave_out: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Return a JSON-ready dictionary of the instance's concrete fields."""
    dates = _datetime_fields(type(instance))
    data = {}
    for field in instance._meta.concrete_fields:
        if field.attname not in leave_out:
            value = getattr(instance, field.attname)
            data[field.attname] = value.isoformat() if field.attname in dates and value else value
    return data


def load_instance(model: type[models.Model], data: dict[str, Any]) -> Any:
    """Return a model instance as if read from the database; fields left out load on first access."""
    dates = _datetime_fields(model)
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.attname in data:
            value = data[field.attname]
            names.append(field.attname)
            values.append(datetime.fromisoformat(value) if field.attname in dates and value else value)
    return model.from_db(DEFAULT_DB_ALIAS, names, values)


@cache
def _row_shape(model: type[models.Model], alias: str) -> tuple[list[str], list[tuple[int, list[Any], Any]]]:
    """Return the concrete fields' names and, per field that needs any, the converters of its raw value.

    The converters are what the ORM applies to the values a cursor returns (SQLite's dates come back as
    strings); none on PostgreSQL for the fields of our models. They do not depend on the connection.
    """
    connection, table = connections[alias], model._meta.db_table
    found = []
    for index, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(table)
        converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if converters:
            found.append((index, converters, column))
    return [f.attname for f in model._meta.concrete_fields], found


def instance_from_row(model: type[models.Model], alias: str, values: Sequence[Any]) -> Any:
    """Return a model instance from its concrete fields' values, in field order, as a cursor returned them."""
    names, converted = _row_shape(model, alias)
    values = list(values)
    connection = connections[alias]
    for index, converters, column in converted:
        for convert in converters:
            values[index] = convert(values[index], column, connection)
    return model.from_db(alias, names, values)


@cache
def _select_by_pk(model: type[models.Model], alias: str) -> str:
    connection = connections[alias]
    quote, meta = connection.ops.quote_name, model._meta
    columns = ", ".join(quote(cast(str, field.column)) for field in meta.concrete_fields)
    key = quote(cast(str, cast(models.Field, meta.pk).column))
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {key} = %s"  # noqa: S608


def row_by_pk(model: type[models.Model], pk: Any) -> Any:
    """Return the row with this primary key, or None; raise ValueError, TypeError or ValidationError.

    A raw query: building ``filter(pk=...).first()`` costs twice what PostgreSQL spends answering it,
    on the two rows every signed-in request reads when they are not cached. Values other than the
    strings and integers our sessions hold take the ORM's path, with its checks.
    """
    value = model._meta.pk.to_python(pk)
    if not (isinstance(value, str) or (isinstance(value, int) and -(2**31) <= value < 2**31)):
        return model._default_manager.filter(pk=value).first()
    alias = router.db_for_read(model) or DEFAULT_DB_ALIAS
    with hot_cursor(connections[alias]) as cursor:
        cursor.execute(_select_by_pk(model, alias), [value])
        row = cursor.fetchone()
    return instance_from_row(model, alias, row) if row is not None else None
