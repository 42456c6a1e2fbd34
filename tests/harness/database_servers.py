"""The database servers that server-backed variants run their own tests against.

Each is located by an environment variable (an SQLAlchemy URL, as the rendered projects take
it); a variant gets a database name of its own on it, and every database whose name starts
with that name is dropped when the variant is done (the rendered tests create one per
pytest-xdist worker, ``<name>_gw0``, ``<name>_main``).
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import NoReturn
from urllib.parse import SplitResult, urlsplit

import psycopg
import pymysql
import pytest

CONNECT_TIMEOUT_SECONDS = 3
MAX_DATABASE_NAME = 40


@dataclass(frozen=True)
class Server:
    """A database server the tests may use."""

    database: str  # the answer to the `database` question that needs it
    env_var: str
    default_url: str
    how_to_start: str

    def url(self, environ: Mapping[str, str]) -> SplitResult:
        return urlsplit(environ.get(self.env_var) or self.default_url)


SERVERS = {
    "postgresql": Server(
        "postgresql",
        "GROUNDWORK_POSTGRES_URL",
        "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
        "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    ),
    "mysql": Server(
        "mysql",
        "GROUNDWORK_MYSQL_URL",
        "mysql+asyncmy://root@127.0.0.1:3306/mysql",
        "start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd",
    ),
}


def unavailable(request: pytest.FixtureRequest, reason: str) -> NoReturn:
    """A server or tool the test needs is missing: skip with the reason, or fail with it under
    ``--require-services`` (as CI runs)."""
    if request.config.getoption("--require-services"):
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def reachable_url(server: Server, request: pytest.FixtureRequest) -> SplitResult:
    """The server's URL, once it answers (see :func:`unavailable` when it does not)."""
    url = server.url(os.environ)
    reason = unreachable_reason(server, url)
    if reason is not None:
        unavailable(request, reason)
    return url


def database_name(variant_name: str) -> str:
    """A database name for a variant: ``gw_`` and its name in ``[a-z0-9_]``; a name too long
    for the servers keeps its start and ends with a digest of the whole, so that two variants
    never share one."""
    slug = re.sub(r"[^a-z0-9]+", "_", variant_name.lower()).strip("_")
    name = f"gw_{slug}"
    if len(name) <= MAX_DATABASE_NAME:
        return name
    digest = hashlib.sha256(variant_name.encode()).hexdigest()[:8]
    return f"{name[: MAX_DATABASE_NAME - len(digest) - 1].rstrip('_')}_{digest}"


@cache
def unreachable_reason(server: Server, url: SplitResult) -> str | None:
    """Why ``server`` cannot be used, with how to start it; None when it answers."""
    try:
        _run(url, lambda _execute: None)
    except (OSError, psycopg.Error, pymysql.Error) as error:
        return (
            f"{server.database} at {url.hostname}:{url.port} is unreachable ({error}); start it "
            f"(`{server.how_to_start}`) or point {server.env_var} at one"
        )
    return None


def drop_databases(url: SplitResult, prefix: str) -> list[str]:
    """Drop every database on ``url``'s server whose name starts with ``prefix``."""
    dropped: list[str] = []

    def drop(execute: Callable[[str], list[tuple[object, ...]]]) -> None:
        for name in _names_like(url, prefix, execute):
            execute(_drop_statement(url, name))
            dropped.append(name)

    _run(url, drop)
    return dropped


def drop_user(url: SplitResult, name: str) -> None:
    """Drop the role (PostgreSQL) or the user (MySQL, from any host) ``name``, if it exists."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        message = f"unsafe user name {name!r}"
        raise ValueError(message)
    statement = (
        f'DROP ROLE IF EXISTS "{name}"'
        if _is_postgres(url)
        else f"DROP USER IF EXISTS '{name}'@'%'"
    )

    def drop(execute: Execute) -> None:
        execute(statement)

    _run(url, drop)


def _names_like(
    url: SplitResult, prefix: str, execute: Callable[[str], list[tuple[object, ...]]]
) -> list[str]:
    if not re.fullmatch(r"[a-z0-9_]+", prefix):
        message = f"unsafe database name prefix {prefix!r}"
        raise ValueError(message)
    if _is_postgres(url):
        rows = execute("SELECT datname FROM pg_database")
    else:
        rows = execute("SHOW DATABASES")
    return sorted(str(row[0]) for row in rows if str(row[0]).startswith(prefix))


def _drop_statement(url: SplitResult, name: str) -> str:
    if _is_postgres(url):
        return f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    return f"DROP DATABASE IF EXISTS `{name}`"


Execute = Callable[[str], list[tuple[object, ...]]]


def _run(url: SplitResult, work: Callable[[Execute], None]) -> None:
    """Run ``work`` with a function that executes one statement on the server (autocommit)."""
    if _is_postgres(url):
        with psycopg.connect(
            host=url.hostname or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password,
            dbname=url.path.lstrip("/") or "postgres",
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            autocommit=True,
        ) as connection:

            def execute_pg(statement: str) -> list[tuple[object, ...]]:
                cursor = connection.execute(statement.encode())
                return list(cursor.fetchall()) if cursor.description else []

            work(execute_pg)
        return
    mysql = pymysql.connect(
        host=url.hostname or "127.0.0.1",
        port=url.port or 3306,
        user=url.username or "root",
        password=url.password or "",
        connect_timeout=CONNECT_TIMEOUT_SECONDS,
        autocommit=True,
    )
    try:

        def execute_mysql(statement: str) -> list[tuple[object, ...]]:
            with mysql.cursor() as cursor:
                cursor.execute(statement)
                return list(cursor.fetchall())

        work(execute_mysql)
    finally:
        mysql.close()


def with_database(url: SplitResult, name: str) -> str:
    """``url`` naming the database ``name`` instead of its own."""
    return url._replace(path=f"/{name}").geturl()


def _is_postgres(url: SplitResult) -> bool:
    return url.scheme.split("+", 1)[0] in {"postgresql", "postgres"}
