"""The migrations, in a database of their own: up, down to nothing, up again, no drift."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect
from sqlalchemy.engine import URL, Connection
from sqlalchemy.ext.asyncio import create_async_engine

from tests.database import (
    alembic_config,
    base_url,
    create_database,
    drop_database,
    named,
    worker_id,
)


@pytest.fixture
def migration_url(tmp_path: Path) -> Iterator[URL]:
    url = named(base_url(tmp_path), f"{worker_id()}_migrations")
    asyncio.run(create_database(url))
    yield url
    asyncio.run(drop_database(url))


def _tables(url: URL) -> set[str]:
    def names(connection: Connection) -> set[str]:
        return set(inspect(connection).get_table_names())

    async def read() -> set[str]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(names)
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_upgrade_downgrade_upgrade(migration_url: URL) -> None:
    config: Config = alembic_config(migration_url)

    command.upgrade(config, "head")
    created = _tables(migration_url)
    command.downgrade(config, "base")
    after_downgrade = _tables(migration_url)
    command.upgrade(config, "head")

    assert "alembic_version" in created
    assert after_downgrade <= {"alembic_version"}
    assert _tables(migration_url) == created


def test_the_migrations_match_the_models(migration_url: URL) -> None:
    config = alembic_config(migration_url)
    command.upgrade(config, "head")

    command.check(config)  # raises if autogenerate would write anything
