"""Watch how models are queried: read the clouds' inference logs and find extraction, evasion,
inversion and membership probing, one client (or one endpoint stream) at a time.

Flow: ``sources`` (files, s3://, gs://, Azure Blob) → ``readers`` (one per log format) →
:class:`~scanner.queries.records.Query` → ``calibration`` (from the endpoint's own traffic) →
``detectors`` (one module each) → :class:`~scanner.queries.records.QueryReport`.
Nothing here imports ``scanner.cli``.
"""
