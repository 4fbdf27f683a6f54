"""The catalogue generation and single-flight computing on Django's default cache.

Every cached response and count holds the catalogue generation in its key: a random token replaced after
each committed write of public data, so entries of an older catalogue are never read again and expire.
The project's wiring bumps it when a core announces a change (papers.signals.catalogue_changed).

The generation must be visible to every process: with a per-process cache (no CACHE_URL) a write in one
worker cannot reach the others, which is why API_CACHE_SECONDS defaults to 0 there.
"""

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

logger = logging.getLogger(__name__)

GENERATION_KEY = "catalogue-generation"


def safe_cache(method: str, *args, default=None, **kwargs):
    """A cache operation that answers `default` when the cache server is away (a Redis restart, say):
    everything then works uncached, from the database, instead of failing the request."""
    try:
        return getattr(cache, method)(*args, **kwargs)
    except Exception as exc:  # the backend's own errors (redis.ConnectionError, timeouts...)
        logger.warning("cache %s failed (%s: %s); going on without it", method, type(exc).__name__, exc)
        return default


def catalogue_generation() -> str:
    """The current generation; a fresh one when the cache lost it (evicted, flushed, first use, away)."""
    generation = safe_cache("get", GENERATION_KEY)
    if generation is None:
        # Never a predictable value: entries keyed with an evicted generation must not come back.
        fresh = uuid.uuid4().hex
        safe_cache("add", GENERATION_KEY, fresh, timeout=None)
        generation = safe_cache("get", GENERATION_KEY) or fresh
    return generation


def bump_generation(**_signal_kwargs) -> None:
    """Make every cached response and count stale at once (also a receiver of catalogue_changed)."""
    safe_cache("set", GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def get_or_compute(key: str, compute: Callable[[], Any], seconds: int, *, wait: float = 10.0) -> Any:
    """cache.get_or_set, computed once however many requests miss `key` at the same moment.

    Right after a write every cached count is stale, and over 100,000 papers the facets of a popular list
    take ~1 s: without this, each concurrent request would run the same aggregates. The first one
    computes; the others poll the cache for its result, and compute themselves only after `wait` seconds
    (its process died, or the cache refused the value).
    """
    value = safe_cache("get", key)
    if value is not None:
        return value
    lock, token = f"{key}:computing", uuid.uuid4().hex
    deadline = time.monotonic() + wait
    while True:
        taken = safe_cache("add", lock, token, timeout=int(wait) + 1, default=None)
        if taken is None:  # the cache is away: no one to share the result with
            return compute()
        if taken:
            try:
                value = compute()
                safe_cache("set", key, value, seconds)
                return value
            finally:
                if safe_cache("get", lock) == token:  # not another request's lock, taken after ours expired
                    safe_cache("delete", lock)
        # Another request computes: wait for its result, or take over if it gave up (its lock is gone).
        time.sleep(0.05)
        value = safe_cache("get", key)
        if value is not None:
            return value
        if time.monotonic() > deadline:
            return compute()
