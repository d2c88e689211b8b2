"""Migrations build the schema the models describe, and undo it, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.db import create_engine
from storage.migrate import current_revision, downgrade, head_revision, upgrade
from storage.models import Base
from storage.scratch import scratch_postgres_database
from tests.conftest import BACKENDS
from tests.support.databases import require_postgres


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    with scratch_postgres_database(require_postgres()) as url:
        yield url


def _table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_creates_every_table_at_head(empty_database_url: str) -> None:
    upgrade(empty_database_url)

    assert current_revision(empty_database_url) == head_revision()
    assert set(Base.metadata.tables) <= _table_names(empty_database_url)


def test_migrated_schema_matches_the_models(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    engine = create_engine(empty_database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()

    assert diff == []


def test_downgrade_to_base_removes_everything_and_upgrade_again_works(
    empty_database_url: str,
) -> None:
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")

    assert current_revision(empty_database_url) is None
    assert _table_names(empty_database_url) <= {"alembic_version"}

    upgrade(empty_database_url)
    assert current_revision(empty_database_url) == head_revision()


def test_upgrade_twice_is_a_no_op(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    upgrade(empty_database_url)

    assert current_revision(empty_database_url) == head_revision()
