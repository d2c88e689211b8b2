"""SQLAlchemy models, Alembic migrations, repositories and the unit of work."""
