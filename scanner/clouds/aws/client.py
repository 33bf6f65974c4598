"""boto3 clients of one account's session: bounded retries, timeouts, one client per service and region."""

from __future__ import annotations

import threading
from typing import Any

from scanner.clouds.base import LiveOptions


class Clients:
    """boto3 clients of one account's session, created once under a lock (sessions are not thread-safe)."""

    def __init__(self, session: Any, options: LiveOptions) -> None:
        from botocore.config import Config

        self._session = session
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}
        attempts = int(options.extra.get("max_attempts", 5)) if options.extra else 5
        self._config = Config(
            retries={"mode": "adaptive", "max_attempts": attempts},  # throttling: bounded backoff
            connect_timeout=10,
            read_timeout=60,
            max_pool_connections=max(10, options.max_workers),
            user_agent_extra="mlscan",
        )
        self.kwargs: dict[str, Any] = {"endpoint_url": options.endpoint_url} if options.endpoint_url else {}

    @property
    def session(self) -> Any:
        return self._session

    def get(self, service: str, region: str) -> Any:
        """The client for ``service`` in ``region``."""
        with self._lock:
            client = self._clients.get((service, region))
            if client is None:
                client = self._session.client(service, region_name=region, config=self._config, **self.kwargs)
                self._clients[(service, region)] = client
            return client
