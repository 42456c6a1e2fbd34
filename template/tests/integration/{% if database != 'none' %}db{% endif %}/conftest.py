"""The test-only table, created once in each worker's database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from tests.integration.db.gadgets import GadgetBase


async def _run(database_url: str, *, create: bool) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.begin() as connection:
            if create:
                await connection.run_sync(GadgetBase.metadata.create_all)
            else:
                await connection.run_sync(GadgetBase.metadata.drop_all)
    finally:
        await engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def gadget_table(database_url: str) -> Iterator[None]:
    asyncio.run(_run(database_url, create=True))
    yield
    asyncio.run(_run(database_url, create=False))
