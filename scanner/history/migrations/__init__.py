"""Alembic migrations of the history store, shipped as package data (``scanner.history:migrations``)."""
