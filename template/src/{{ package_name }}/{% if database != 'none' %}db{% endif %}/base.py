"""The declarative base every model derives from, and the columns most models share."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Integer, MetaData, TypeDecorator, func
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeEngine

# Constraint names the database would otherwise invent: migrations can then drop or alter a
# constraint by a name that is the same on every database and every machine.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# SQLite keeps times as text and compares them as text. Its CURRENT_TIMESTAMP (the server
# default) writes "2026-01-31 12:00:00"; SQLAlchemy would write "2026-01-31 12:00:00.000000"
# for a value from Python, which sorts after it. One format for both keeps comparisons, and
# the cursors of lists ordered by time, right.
_SQLITE_FORMAT = "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d"


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp on every database, kept in UTC.

    PostgreSQL stores the time zone; SQLite and MySQL store none, and give back naive values
    (in UTC: their ``now()`` is UTC, and MySQL sessions are set to UTC on connect). Values
    are made aware on the way out and UTC on the way in (a naive value is taken as UTC), so
    the service sees the same on every database. In migrations it is
    ``sa.DateTime(timezone=True)``: the difference is in Python only.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @property
    def python_type(self) -> type[datetime]:
        return datetime

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sqlite.DATETIME(storage_format=_SQLITE_FORMAT))
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        if dialect.name == "postgresql":
            return aware
        return aware.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """The base of the service's models; its metadata is what migrations compare against."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class IdTimestampMixin:
    """A sequential id and the times a row was created and last changed.

    The id is a 64-bit integer, except on SQLite where only ``INTEGER PRIMARY KEY`` is an
    auto-incrementing alias of the row id. The timestamps are set by the database, so rows
    written by other programs or by hand get them too.
    """

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        UtcDateTime(), server_default=func.now(), onupdate=func.now()
    )
