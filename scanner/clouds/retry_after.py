"""``Retry-After``: how long a throttled (429) or unavailable (503) cloud API asks us to wait, bounded.

Each SDK retries throttling with its own bounded backoff (botocore adaptive mode, azure-core's
RetryPolicy, google-api-core ``Retry``); only azure-core reads ``Retry-After`` by itself. This is
the one reading of the header for all three, and it is capped: a server answering
``Retry-After: 86400`` must slow a scan down, never stall it. After the last retry the listing
fails and the scan reports it as that listing's error entry.
"""

from __future__ import annotations

import math
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Any

MAX_RETRY_AFTER = 20.0
"""The longest one wait may be, in seconds, whatever the server asks."""


def retry_after_seconds(value: str | None, cap: float = MAX_RETRY_AFTER) -> float | None:
    """Seconds to wait for a ``Retry-After`` value (delta-seconds or an HTTP date), within ``[0, cap]``."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    if math.isnan(seconds) or seconds < 0:
        return 0.0
    return min(seconds, cap)


def wait_retry_after(headers: Any) -> float | None:
    """Sleep for a response's bounded ``Retry-After`` (if it has one); the seconds slept."""
    value = headers.get("Retry-After") if headers is not None and hasattr(headers, "get") else None
    delay = retry_after_seconds(value)
    if delay:
        time.sleep(delay)
    return delay
