"""Where logs come from: local files and directory trees, and live stores (``scanner.queries.remote``)."""

from __future__ import annotations

from scanner.queries.reader import LogFile, local_files
from scanner.queries.records import ReadError
from scanner.queries.remote import is_remote, remote_files


def resolve(location: str) -> tuple[list[LogFile], list[ReadError]]:
    """The log files at ``location`` and the errors met listing them."""
    if is_remote(location):
        return remote_files(location)
    return local_files([location])
