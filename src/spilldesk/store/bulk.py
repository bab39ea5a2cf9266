"""Bulk inserts at the driver: one compiled statement, each row's values bound as they are.

SQLAlchemy's executemany processes every parameter of every row through its type machinery;
for a million registry rows that is a fifth of the import. Here the statement is compiled once,
each column's bind processor (the dialect's own: booleans, binary, aware timestamps) is looked
up once and run once per distinct value of a batch's column (a batch's rows share one
timestamp), the values are bound a column at a time, and the rows go to the driver's
executemany (SQLite), or through COPY (PostgreSQL: psycopg's `cursor.copy`, one stream per
batch, in the session's transaction; binary values go to COPY as they are, psycopg writes bytes
as bytea, so wrapping each sealed value first would be work for nothing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, LargeBinary, Table, bindparam, insert
from sqlalchemy.orm import Session


def insert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (all with the same keys, values as the model takes them) into `table`."""
    if not rows:
        return
    columns = list(rows[0])
    insert_columns(session, table, columns, [[row[c] for row in rows] for c in columns])


def insert_columns(session: Session, table: Table, names: Sequence[str],
                   columns: Sequence[Sequence[Any]]) -> None:
    """Insert rows given a column at a time: `columns[i]` holds every row's `names[i]` (a
    caller that has its rows as tuples makes no dict per row)."""
    if not columns or not len(columns[0]):
        return
    connection = session.connection()
    dialect = connection.dialect
    copying = dialect.name == "postgresql" and dialect.driver == "psycopg"
    processed = {
        name: _column(None if copying and isinstance(table.c[name].type, LargeBinary)
                      else table.c[name].type._cached_bind_processor(dialect), list(values))
        for name, values in zip(names, columns, strict=True)}

    def bound(order: Sequence[str]) -> list[tuple[Any, ...]]:
        return list(zip(*(processed[c] for c in order), strict=True))

    if copying:
        _copy(connection, table, list(names), bound(names))
        return
    compiled = insert(table).values({c: bindparam(c) for c in names}).compile(dialect=dialect)
    if compiled.positional:
        connection.exec_driver_sql(compiled.string, bound(list(compiled.positiontup or [])))
    else:
        connection.exec_driver_sql(compiled.string, [dict(zip(names, values, strict=True))
                                                     for values in bound(names)])


def _column(process: Any, values: list[Any]) -> list[Any]:
    """One column's values bound. A bind processor here is a boolean's or a timestamp's (a
    batch holds a few distinct values): each distinct value is processed once."""
    if process is None:
        return values
    done: dict[tuple[type, Any], Any] = {}

    def once(value: Any) -> Any:
        key = (type(value), value)  # True and 1 are equal, not the same value
        try:
            return done[key]
        except KeyError:
            done[key] = bound = process(value)
            return bound
        except TypeError:  # unhashable: processed as it is
            return process(value)

    return [once(value) for value in values]


def _copy(connection: Connection, table: Table, columns: list[str],
          values: list[tuple[Any, ...]]) -> None:
    """COPY FROM STDIN: psycopg adapts each value as it would a query parameter."""
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("no driver connection to copy through")
    preparer = connection.dialect.identifier_preparer
    names = ", ".join(preparer.quote(c) for c in columns)
    statement = f"COPY {preparer.format_table(table)} ({names}) FROM STDIN"
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in values:
            copy.write_row(row)
