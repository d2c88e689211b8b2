"""Test databases: a migrated SQLite file per test, and PostgreSQL when it is configured."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from storage.db import create_engine
from storage.migrate import upgrade
from storage.models import Base

POSTGRES_ENV = "SAMIA_TEST_DATABASE_URL"
POSTGRES_SKIP_REASON = f"PostgreSQL tests need {POSTGRES_ENV} (CI sets it; see .ci/run)"


def postgres_base_url() -> str | None:
    """The server CI points us at, or None."""
    return os.environ.get(POSTGRES_ENV) or None


def require_postgres() -> str:
    """The PostgreSQL URL, or a visible skip."""
    url = postgres_base_url()
    if url is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    return url


def migrated_sqlite_template(directory: Path) -> Path:
    """One migrated SQLite file that tests copy instead of migrating each time."""
    template = directory / "template.db"
    if not template.exists():
        upgrade(f"sqlite:///{template}")
    return template


def fresh_sqlite_copy(template: Path, target: Path) -> str:
    """A migrated database for one test, copied in milliseconds."""
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


def truncate_all(url: str) -> None:
    """Empty every table (PostgreSQL tests share one migrated database per worker)."""
    engine = create_engine(url)
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
