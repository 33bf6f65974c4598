"""Where logs come from: local files and directory trees.

Live sources (s3://, gs://, Azure Blob URLs) are not read yet: such a location is an error entry
saying so, never a silent empty result.
"""

from __future__ import annotations

from scanner.queries.reader import LogFile, local_files
from scanner.queries.records import ReadError

_LIVE_SCHEMES = ("s3://", "gs://", "https://", "az://", "abfs://", "abfss://", "wasbs://")


def resolve(location: str) -> tuple[list[LogFile], list[ReadError]]:
    """The log files at ``location`` and the errors met listing them."""
    if location.lower().startswith(_LIVE_SCHEMES):
        return [], [ReadError(location, "live log sources are not supported yet: copy the logs locally")]
    return local_files([location])
