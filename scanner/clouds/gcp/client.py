"""Building the Vertex AI, Notebooks and Resource Manager clients (the only place the Google SDKs are imported).

Real use: Application Default Credentials and Vertex's regional endpoints
(``{location}-aiplatform.googleapis.com``). Emulators: ``options.gcp_endpoint``
(an ``http://`` URL works with the REST transport) and anonymous credentials.
The aiplatform_v1 GAPIC clients are used, never ``aiplatform.Endpoint.list()``,
which silently hides endpoints that have a network or a PSC config.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from scanner.clouds.base import LiveOptions, PageTokens

CALL_TIMEOUT = 60.0
"""Seconds one API call may take before it is reported as an error."""


@dataclass(frozen=True)
class LocationClients:
    """The Vertex services the scanner reads in one location."""

    endpoints: Any
    models: Any
    jobs: Any
    pipelines: Any
    tensorboards: Any
    resource_pools: Any
    feature_registry: Any
    online_stores: Any
    metadata: Any
    runtimes: Any
    """Colab Enterprise runtime templates (aiplatform_v1 NotebookService)."""


class ClientFactory:
    """Creates clients lazily, once per location, sharing one credential (thread-safe)."""

    def __init__(self, options: LiveOptions) -> None:
        self._endpoint = options.gcp_endpoint.rstrip("/") if options.gcp_endpoint else None
        self._credentials = _credentials(emulated=self._endpoint is not None)
        self._by_location: dict[str, LocationClients] = {}
        self._global: Any = None
        self._iam: Any = None
        self._notebooks: Any = None
        self._alerts: Any = None
        self._storage: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.retry = _retry(float(options.extra.get("gcp_retry_timeout", 30.0)))
        self.timeout = float(options.extra.get("gcp_call_timeout", CALL_TIMEOUT))
        self.storage_retry = _storage_retry(float(options.extra.get("gcp_retry_timeout", 30.0)))
        """Cloud Storage calls retry as the Vertex ones do (same backoff and deadline; None: no retry)."""
        """Seconds each request may take (every request has a timeout)."""

    def for_location(self, location: str) -> LocationClients:
        """Clients bound to ``location``'s regional endpoint (or the emulator)."""
        with self._lock:
            if location not in self._by_location:
                from google.cloud import aiplatform_v1

                options = self._options(f"{location}-aiplatform.googleapis.com")
                self._by_location[location] = LocationClients(
                    endpoints=aiplatform_v1.EndpointServiceClient(**options),
                    models=aiplatform_v1.ModelServiceClient(**options),
                    jobs=aiplatform_v1.JobServiceClient(**options),
                    pipelines=aiplatform_v1.PipelineServiceClient(**options),
                    tensorboards=aiplatform_v1.TensorboardServiceClient(**options),
                    resource_pools=aiplatform_v1.DeploymentResourcePoolServiceClient(**options),
                    feature_registry=aiplatform_v1.FeatureRegistryServiceClient(**options),
                    online_stores=aiplatform_v1.FeatureOnlineStoreAdminServiceClient(**options),
                    metadata=aiplatform_v1.MetadataServiceClient(**options),
                    runtimes=aiplatform_v1.NotebookServiceClient(**options),
                )
            return self._by_location[location]

    def locations(self) -> Any:
        """A client on the global endpoint, used for the location list."""
        with self._lock:
            if self._global is None:
                from google.cloud import aiplatform_v1

                self._global = aiplatform_v1.EndpointServiceClient(
                    **self._options("aiplatform.googleapis.com")
                )
            return self._global

    def projects(self) -> Any:
        """The Resource Manager projects client (project IAM policies)."""
        with self._lock:
            if self._iam is None:
                from google.cloud import resourcemanager_v3

                self._iam = resourcemanager_v3.ProjectsClient(
                    **self._options("cloudresourcemanager.googleapis.com")
                )
            return self._iam

    def alert_policies(self, project: str) -> list[dict[str, Any]]:
        """Every Cloud Monitoring alert policy of ``project`` (``projects.alertPolicies.list``, JSON).

        google-cloud-monitoring speaks gRPC only, so this one list goes over the v3 REST API through
        google-auth's AuthorizedSession (the same credentials; pages followed by ``nextPageToken``).
        An error status raises google-api-core's exception for it (retried on 429 / 503 like the rest).
        """
        with self._lock:
            if self._alerts is None:
                from google.auth.transport.requests import AuthorizedSession

                self._alerts = AuthorizedSession(self._credentials)
            session = self._alerts
        base = self._endpoint or "https://monitoring.googleapis.com"
        url = f"{base}/v3/projects/{project}/alertPolicies"
        tokens = PageTokens(url)
        found: list[dict[str, Any]] = []
        token = ""
        while True:
            page = self._get_json(session, url, {"pageToken": token} if token else {})
            found.extend(p for p in page.get("alertPolicies") or () if isinstance(p, dict))
            token = page.get("nextPageToken") or ""
            tokens.see(token)
            if not token:
                return found

    def _get_json(self, session: Any, url: str, params: dict[str, str]) -> dict[str, Any]:
        from google.api_core import exceptions

        def call() -> dict[str, Any]:
            response = session.get(url, params=params, timeout=self.timeout)
            if response.status_code >= 400:
                raise exceptions.from_http_response(response)
            body = response.json()
            if not isinstance(body, dict):
                raise ValueError(f"{url}: answer is not a JSON object")
            return body

        return self.retry(call)() if self.retry is not None else call()

    def notebooks(self) -> Any:
        """The Notebooks v2 client (Vertex AI Workbench instances; one global endpoint for every zone)."""
        with self._lock:
            if self._notebooks is None:
                from google.cloud import notebooks_v2

                self._notebooks = notebooks_v2.NotebookServiceClient(
                    **self._options("notebooks.googleapis.com")
                )
            return self._notebooks

    def storage(self, project: str) -> Any:
        """A Cloud Storage client for ``project`` (bucket Get calls; the emulator serves the JSON API too)."""
        with self._lock:
            if project not in self._storage:
                from google.cloud import storage

                options = {"api_endpoint": self._endpoint} if self._endpoint else None
                self._storage[project] = storage.Client(
                    project=project, credentials=self._credentials, client_options=options
                )
            return self._storage[project]

    def _options(self, host: str) -> dict[str, Any]:
        return {
            "transport": "rest",
            "credentials": self._credentials,
            "client_options": {"api_endpoint": self._endpoint or host},
        }


def _credentials(*, emulated: bool) -> Any:
    if emulated:
        from google.auth.credentials import AnonymousCredentials

        return AnonymousCredentials()
    import google.auth

    credentials, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    return credentials


def _retry(timeout: float) -> Any:
    """Retry throttling (429) and unavailability (503) with backoff; 0 disables retries (tests)."""
    if timeout <= 0:
        return None
    from google.api_core import exceptions, retry

    return retry.Retry(
        predicate=retry.if_exception_type(exceptions.TooManyRequests, exceptions.ServiceUnavailable),
        initial=0.5,
        maximum=8.0,
        timeout=timeout,
        on_error=_honour_retry_after,
    )


def _storage_retry(timeout: float) -> Any:
    """google-cloud-storage's retry (its transient errors) with the scan's backoff cap and deadline."""
    if timeout <= 0:
        return None
    from google.cloud.storage.retry import DEFAULT_RETRY

    return DEFAULT_RETRY.with_delay(initial=0.5, maximum=8.0).with_timeout(timeout)


def _honour_retry_after(exc: Exception) -> None:
    """Before the backoff, wait what a 429/503 answer's Retry-After asks (bounded; the REST transport
    keeps the HTTP response on the exception)."""
    from scanner.clouds.retry_after import wait_retry_after

    wait_retry_after(getattr(getattr(exc, "response", None), "headers", None))


def to_dict(message: Any) -> dict[str, Any]:
    """A proto-plus message as a snake_case dict (the field names Terraform uses too), defaults omitted."""
    return type(message).to_dict(
        message,
        preserving_proto_field_name=True,
        use_integers_for_enums=False,
        always_print_fields_with_no_presence=False,
    )


def list_all(method: Any, parent: str, retry: Any, timeout: float = CALL_TIMEOUT) -> list[dict[str, Any]]:
    """Every item of a paged ``list_*`` call (the pager follows ``nextPageToken``), as dicts."""
    pager = method(request={"parent": parent}, retry=retry, timeout=timeout)
    tokens = PageTokens(parent)
    items: list[dict[str, Any]] = []
    for page in pager.pages:  # a repeated nextPageToken would page forever
        tokens.see(page.next_page_token)
        items += [to_dict(item) for item in _items(page)]
    return items


def _items(page: Any) -> Any:
    """The repeated resource field of one list response (``endpoints``, ``models``, ``custom_jobs``...)."""
    for name in type(page).meta.fields:
        if name not in ("next_page_token", "unreachable"):
            field = getattr(page, name)
            if not isinstance(field, (str, bytes, int)):
                return field
    return ()


def describe_error(exc: BaseException) -> str:
    """One line for a failed call: HTTP/gRPC code and the first line of the message (for retries given
    up, the last answer too: ``RetryError: Timeout of 30.0s exceeded; last: 429 ...``)."""
    cause = getattr(exc, "cause", None)
    if type(exc).__name__ == "RetryError" and isinstance(cause, BaseException):
        return f"gave up retrying ({str(getattr(exc, 'message', exc)).strip()}); last answer {describe_error(cause)}"
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    first_line = str(message).strip().splitlines()[0] if str(message).strip() else type(exc).__name__
    code = getattr(exc, "code", None)
    code_text = getattr(code, "name", None) or (str(code) if code is not None else type(exc).__name__)
    return f"{code_text}: {first_line}"
