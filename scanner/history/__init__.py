"""Scan history: a store of every scan (SQLite or PostgreSQL), diffs and trends between scans, drift, watch.

The package sits beside ``pipeline`` and feeds ``app``: it speaks the JSON result contract and the model,
never the CLI. SQLAlchemy and Alembic are the ``history`` extra and are imported only here.
"""
