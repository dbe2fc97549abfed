"""Model instances from one plain SQL row, for the two or three reads every request makes.

The signed-in user with their unit and the session are read on every request; building those queries in the ORM
cost four to six times running them (docs/decisions/0037-per-request-reads.md). Here the SQL is written
once from the models' own metadata (table and column names, so it follows the models), and each value goes
through the same converters the ORM applies (`connection.ops.get_db_converters`, the field's `from_db_value`), so
an instance made here equals one the ORM loads: SQLite's text dates become datetimes, its integers booleans."""

from __future__ import annotations

from functools import cache

from django.db import connections


def columns(model) -> tuple:
    """The model's concrete fields, in the order `select_list` selects them."""
    return tuple(model._meta.concrete_fields)


@cache
def _attnames(model) -> list[str]:
    return [f.attname for f in columns(model)]


@cache
def select_list(model, alias: str, using: str) -> str:
    """`alias.col1, alias.col2, …` of every concrete field of `model`, quoted for the database `using`."""
    quote = connections[using].ops.quote_name
    return ", ".join(f"{alias}.{quote(f.column)}" for f in columns(model))


@cache
def _converters(vendor_alias: str, model) -> tuple:
    connection = connections[vendor_alias]
    table = model._meta.db_table
    out = []
    for field in columns(model):
        col = field.get_col(table)
        out.append((col, tuple(connection.ops.get_db_converters(col) + col.get_db_converters(connection))))
    return tuple(out)


def instance(model, using: str, values) -> object:
    """An instance of `model` from `values`, one per concrete field in `columns(model)` order, converted as the
    ORM converts them; marked as loaded from `using` (saved back there, not inserted)."""
    connection = connections[using]
    converted = []
    for value, (col, converters) in zip(values, _converters(using, model), strict=True):
        for converter in converters:
            value = converter(value, col, connection)
        converted.append(value)
    return model.from_db(using, _attnames(model), converted)
