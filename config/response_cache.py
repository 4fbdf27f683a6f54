"""Whole responses of the public read API from the cache, and the catalogue generation that invalidates them.

Credential-free GETs under /api/ are answered from the default cache for settings.API_CACHE_SECONDS. Every key
holds the catalogue generation: a random token that each committed write of public data replaces (signals on
the catalogue models, finished ingestion runs, the bulk loaders, any staff write request), so entries of an
older catalogue are never read again and simply expire. Facet and category counts use the same generation.

The generation must be visible to every process: with a per-process cache (no CACHE_URL) a write in one
worker cannot reach the others, which is why API_CACHE_SECONDS defaults to 0 there.
"""

import hashlib
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

logger = logging.getLogger(__name__)

GENERATION_KEY = "catalogue-generation"
CACHED_PATH_PREFIX = "/api/"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# Accept is part of the key; Cookie only matters for requests with cookies, and those are never served cached.
_KEYED_VARY = {"accept", "cookie"}
_UNCACHEABLE_DIRECTIVES = ("private", "no-store", "no-cache")
# Anyone can ask for new URLs (a query string is free), so one entry must stay small: a page of results
# is ~20-60 kB, while a whole-catalogue export.bib can be megabytes, and the cache is often the broker's Redis.
MAX_CACHED_BYTES = 256 * 1024


def _cache(method: str, *args, default=None, **kwargs):
    """A cache operation that answers `default` when the cache server is away (a Redis restart, say):
    everything here then works uncached, from the database, instead of failing the request."""
    try:
        return getattr(cache, method)(*args, **kwargs)
    except Exception as exc:  # the backend's own errors (redis.ConnectionError, timeouts...)
        logger.warning("cache %s failed (%s: %s); going on without it", method, type(exc).__name__, exc)
        return default


def catalogue_generation() -> str:
    """The current generation; a fresh one when the cache lost it (evicted, flushed, first use, away)."""
    generation = _cache("get", GENERATION_KEY)
    if generation is None:
        # Never a predictable value: entries keyed with an evicted generation must not come back.
        fresh = uuid.uuid4().hex
        _cache("add", GENERATION_KEY, fresh, timeout=None)
        generation = _cache("get", GENERATION_KEY) or fresh
    return generation


def bump_generation() -> None:
    """Make every cached response and count stale at once."""
    _cache("set", GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def bump_generation_on_commit(using: str | None = None) -> None:
    """Bump once the current transaction commits (at once outside one): readers who miss the cache
    before the commit would otherwise store the old data under the new generation."""
    connection = transaction.get_connection(using)
    # Once per transaction, however many rows it writes (a restore saves every row of the catalogue).
    if connection.in_atomic_block and any(entry[1] is bump_generation for entry in connection.run_on_commit):
        return
    # robust: the data is committed either way; a cache outage must not turn the write into a 500.
    transaction.on_commit(bump_generation, using=using, robust=True)


def invalidate_on_change(*models, when: Callable[[Any], bool] | None = None) -> None:
    """A save or delete of these models (of an instance for which `when` holds) bumps the generation after
    commit. Called from the papers and taxonomy apps' ready()."""

    def changed(sender, instance, using=None, **kwargs):
        if when is None or when(instance):
            bump_generation_on_commit(using)

    for model in models:
        uid = f"response-cache-{model._meta.label}"
        post_save.connect(changed, sender=model, dispatch_uid=uid, weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=uid, weak=False)


def get_or_compute(key: str, compute: Callable[[], Any], seconds: int, *, wait: float = 10.0) -> Any:
    """cache.get_or_set, computed once however many requests miss `key` at the same moment.

    Right after a write every cached count is stale, and over 100,000 papers the facets of a popular list
    take ~1 s: without this, each concurrent request would run the same aggregates. The first one
    computes; the others poll the cache for its result, and compute themselves only after `wait` seconds
    (its process died, or the cache refused the value).
    """
    value = _cache("get", key)
    if value is not None:
        return value
    lock, token = f"{key}:computing", uuid.uuid4().hex
    deadline = time.monotonic() + wait
    while True:
        taken = _cache("add", lock, token, timeout=int(wait) + 1, default=None)
        if taken is None:  # the cache is away: no one to share the result with
            return compute()
        if taken:
            try:
                value = compute()
                _cache("set", key, value, seconds)
                return value
            finally:
                if _cache("get", lock) == token:  # not another request's lock, taken after ours expired
                    _cache("delete", lock)
        # Another request computes: wait for its result, or take over if it gave up (its lock is gone).
        time.sleep(0.05)
        value = _cache("get", key)
        if value is not None:
            return value
        if time.monotonic() > deadline:
            return compute()


# --- The middleware ---------------------------------------------------------------------------------------------


def _is_cacheable_request(request) -> bool:
    # No cookie and no Authorization header: nothing in the request can identify a user (a staff session,
    # a token, a CSRF secret), so every such request for the same URL gets the same bytes.
    return (
        request.method == "GET"
        and request.path_info.startswith(CACHED_PATH_PREFIX)
        and not request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def _is_cacheable_response(response) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if len(response.content) > MAX_CACHED_BYTES:
        return False
    vary = {value.strip().lower() for value in cc_delim_re.split(response.get("Vary", "")) if value.strip()}
    cache_control = response.get("Cache-Control", "").lower()
    return vary <= _KEYED_VARY and not any(directive in cache_control for directive in _UNCACHEABLE_DIRECTIVES)


def _key(request) -> str:
    # Scheme and host too: responses hold absolute links (api_url, pagination).
    parts = (request.build_absolute_uri(), request.META.get("HTTP_ACCEPT", ""))
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"api-response:{catalogue_generation()}:{digest}"


def _rebuild(stored) -> HttpResponse:
    status, headers, content = stored
    response = HttpResponse(content, status=status)
    for name, value in headers:
        response[name] = value
    return response


class AnonymousApiCacheMiddleware:
    """Serve and store credential-free API GETs (settings.API_CACHE_SECONDS; 0 = off).

    Sits before the session, CSRF and auth middleware, so a hit skips them and the response it stores is
    the one they produced (cookies included, which is why a response setting any cookie is not stored).
    Hits never reach DRF's AnonRateThrottle: the throttle guards the work of building a response, and a
    hit costs two cache reads; a client that varies URLs to dodge the cache misses and is throttled.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.API_CACHE_SECONDS
        if not (seconds and _is_cacheable_request(request)):
            response = self.get_response(request)
            if request.method not in SAFE_METHODS:
                _after_write(request, response)
            return response
        key = _key(request)
        stored = _cache("get", key)
        if stored is not None:
            return _rebuild(stored)
        response = self.get_response(request)
        if _is_cacheable_response(response):
            _cache("set", key, (response.status_code, list(response.items()), response.content), seconds)
        return response


def _after_write(request, response) -> None:
    # A safety net for staff writes that send no model signals (admin actions built on QuerySet.update(),
    # e.g. accepting or rejecting candidates). Anonymous writes cannot bump: that would let anyone flush it.
    user = getattr(request, "user", None)
    if response.status_code < 400 and user is not None and user.is_authenticated:
        bump_generation_on_commit()
