"""Pass one's record of every query, on disk: features in a float32 file, the rest in small arrays.

Pass two reads a client's queries back in order without parsing the logs again. In memory each query
costs a few integers (client, label, line, offset); its features and its time / location text stay in
temporary files, read back a chunk (or one evidence line) at a time.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from array import array
from dataclasses import dataclass

import numpy as np


class Spool:
    """Append-only store of one endpoint's queries; ``close()`` removes its files."""

    def __init__(self, dimension: int, directory: str | None = None) -> None:
        self.dimension = dimension
        handle, self._features_path = tempfile.mkstemp(prefix="mlscan-q-", suffix=".f32", dir=directory)
        self._features = os.fdopen(handle, "wb")
        handle, self._meta_path = tempfile.mkstemp(prefix="mlscan-q-", suffix=".txt", dir=directory)
        self._meta = os.fdopen(handle, "w+b")
        self._meta_size = 0
        """Bytes written to the meta file (its end: where the next line starts), kept instead of tell()."""
        self.clients = array("i")
        self.labels = array("i")
        self.offsets = array("q")
        self._client_ids: dict[str | None, int] = {}
        self._label_ids: dict[str | None, int] = {}
        self.client_names: list[str | None] = []
        self.label_names: list[str | None] = []
        self._matrix: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.clients)

    def add(
        self,
        client: str | None,
        label: str | None,
        features: tuple[float, ...],
        time: str | None,
        location: str,
    ) -> None:
        """Record one query (its features must have ``dimension`` values)."""
        client_id = self._client_ids.get(client)
        if client_id is None:
            client_id = self._client_ids[client] = len(self.client_names)
            self.client_names.append(client)
        label_id = self._label_ids.get(label)
        if label_id is None:
            label_id = self._label_ids[label] = len(self.label_names)
            self.label_names.append(label)
        self.clients.append(client_id)
        self.labels.append(label_id)
        line = f"{time or ''}\t{location}\n".encode("utf-8", "replace")
        self.offsets.append(self._meta_size)
        self._meta.write(line)
        self._meta_size += len(line)
        self._features.write(array("f", features))

    def matrix(self) -> np.ndarray:
        """All features, memory-mapped (rows in arrival order)."""
        if self._matrix is None:
            self._features.flush()
            if not len(self):
                self._matrix = np.empty((0, self.dimension), dtype=np.float32)
            else:
                self._matrix = np.memmap(self._features_path, dtype=np.float32, mode="r").reshape(
                    len(self), self.dimension
                )
        return self._matrix

    def by_client(self) -> list[tuple[str | None, np.ndarray]]:
        """(client, row indices in arrival order) for every client."""
        ids = np.frombuffer(self.clients, dtype=np.int32) if len(self) else np.empty(0, dtype=np.int32)
        order = np.argsort(ids, kind="stable")
        bounds = np.searchsorted(ids[order], np.arange(len(self.client_names) + 1))
        return [(name, order[bounds[i] : bounds[i + 1]]) for i, name in enumerate(self.client_names)]

    def meta(self, row: int) -> QueryMeta:
        """Time and location of one query (read back from the spool)."""
        self._meta.flush()
        self._meta.seek(self.offsets[row])
        time, _, location = self._meta.readline().decode("utf-8").rstrip("\n").partition("\t")
        self._meta.seek(0, os.SEEK_END)
        return QueryMeta(time or None, location)

    def close(self) -> None:
        """Delete the spool files."""
        self._matrix = None
        for handle, path in ((self._features, self._features_path), (self._meta, self._meta_path)):
            handle.close()
            with contextlib.suppress(OSError):
                os.unlink(path)


@dataclass(frozen=True)
class QueryMeta:
    """Where a query was logged and when."""

    time: str | None
    location: str
