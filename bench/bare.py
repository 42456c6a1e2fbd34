"""The baseline: a bare FastAPI app with the service's routes, and nothing else.

It runs in the rendered variant's own environment (the same FastAPI, SQLAlchemy, asyncpg and
uvicorn), on the database the variant's migrations made: no middleware, no logging, no
settings, no error handlers; one session per request, as FastAPI's documentation shows it.
Its route table is the service's (two routers, eight operations), so that a 404, which is
matched against every route, costs the two apps the same routing.

    python -m uvicorn bare:app --app-dir bench --no-access-log
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict
from sqlalchemy import BigInteger, DateTime, String, Text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    pinned: Mapped[bool]
    priority: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class NoteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str
    pinned: bool
    priority: int
    created_at: datetime
    updated_at: datetime


class Live(BaseModel):
    status: str = "ok"


engine = create_async_engine(os.environ["BENCH_DATABASE_URL"])
sessions = async_sessionmaker(engine, expire_on_commit=False)


async def session() -> AsyncIterator[AsyncSession]:
    async with sessions() as db:
        yield db


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    yield
    await engine.dispose()


health = APIRouter(prefix="/health")
notes = APIRouter(prefix="/v1/notes")
Db = Annotated[AsyncSession, Depends(session)]


@health.get("/live")
async def live() -> Live:
    return Live()


@health.get("/ready")
async def ready() -> Live:
    return Live()


@health.get("/startup")
async def startup() -> Live:
    return Live()


@notes.get("/{note_id}")
async def get_note(note_id: int, db: Db) -> NoteRead:
    note = await db.get(Note, note_id)
    if note is None:
        raise HTTPException(status_code=404)
    return NoteRead.model_validate(note)


# The service's other routes, unloaded: FastAPI matches a request against every route, so a
# 404 costs what the whole table costs, in both apps alike.
@notes.get("")
async def list_notes() -> list[NoteRead]:
    return []


@notes.post("", status_code=201)
async def create_note() -> None:
    raise HTTPException(status_code=405)


@notes.patch("/{note_id}")
async def update_note(note_id: int) -> None:
    raise HTTPException(status_code=405)


@notes.delete("/{note_id}", status_code=204)
async def delete_note(note_id: int) -> None:
    raise HTTPException(status_code=405)


app = FastAPI(lifespan=lifespan)
app.include_router(health)
app.include_router(notes)
