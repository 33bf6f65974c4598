"""boto3 clients of one account's session: bounded retries, timeouts, one client per service and region."""

from __future__ import annotations

import threading
from typing import Any

from scanner.clouds.base import LiveOptions
from scanner.clouds.retry_after import wait_retry_after


class Clients:
    """boto3 clients of one account's session, created once under a lock (sessions are not thread-safe)."""

    def __init__(self, session: Any, options: LiveOptions) -> None:
        from botocore.config import Config

        self._session = session
        self._lock = threading.Lock()
        self._clients: dict[tuple[str, str], Any] = {}
        extra = options.extra or {}
        self._attempts = int(extra.get("max_attempts", 5))
        self._config = Config(
            retries={"mode": "adaptive", "max_attempts": self._attempts},  # throttling: bounded backoff
            connect_timeout=float(extra.get("aws_connect_timeout", 10)),
            read_timeout=float(extra.get("aws_read_timeout", 60)),
            max_pool_connections=max(10, options.max_workers),
            user_agent_extra="mlscan",
        )
        self.kwargs: dict[str, Any] = {"endpoint_url": options.endpoint_url} if options.endpoint_url else {}

    def _retry_after(self, response: Any = None, attempts: int = 0, **_: Any) -> None:
        """botocore ignores Retry-After: wait what a throttled answer asks (bounded) before its own
        backoff, when another attempt is left; botocore still decides whether to retry (returns None)."""
        if response is None or attempts > self._attempts:  # botocore: max_attempts retries after the first
            return None
        http = response[0]
        if getattr(http, "status_code", None) in (429, 503):
            wait_retry_after(http.headers)
        return None

    @property
    def session(self) -> Any:
        return self._session

    def get(self, service: str, region: str) -> Any:
        """The client for ``service`` in ``region``."""
        with self._lock:
            client = self._clients.get((service, region))
            if client is None:
                from scanner.clouds.aws.answers import reject_malformed  # imports botocore: not at start-up

                client = self._session.client(service, region_name=region, config=self._config, **self.kwargs)
                client.meta.events.register_first(
                    f"needs-retry.{client.meta.service_model.endpoint_prefix}", self._retry_after
                )
                client.meta.events.register(
                    f"after-call.{client.meta.service_model.endpoint_prefix}", reject_malformed
                )
                self._clients[(service, region)] = client
            return client
