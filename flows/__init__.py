"""Prefect flows and tasks: orchestration only, the rules live in domain/."""
