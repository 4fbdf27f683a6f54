"""Whole responses of the public read API from the cache, keyed by the catalogue generation (lib.cache).

Credential-free GETs under /api/ are answered from the default cache for settings.API_CACHE_SECONDS. The
generation in every key is replaced after each committed write of public data (the cores' catalogue_changed
signal, wired in config.apps, and any staff write request), so entries of an older catalogue are never read
again and simply expire.
"""

import hashlib
import logging

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import cc_delim_re

from lib.cache import catalogue_generation, safe_cache
from papers.signals import announce_catalogue_change

logger = logging.getLogger(__name__)

CACHED_PATH_PREFIX = "/api/"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# Accept is part of the key; Cookie only matters for requests with cookies, and those are never served cached.
_KEYED_VARY = {"accept", "cookie"}
_UNCACHEABLE_DIRECTIVES = ("private", "no-store", "no-cache")
# Anyone can ask for new URLs (a query string is free), so one entry must stay small: a page of results
# is ~20-60 kB, while a whole-catalogue export.bib can be megabytes, and the cache is often the broker's Redis.
MAX_CACHED_BYTES = 256 * 1024


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
        stored = safe_cache("get", key)
        if stored is not None:
            return _rebuild(stored)
        response = self.get_response(request)
        if _is_cacheable_response(response):
            safe_cache("set", key, (response.status_code, list(response.items()), response.content), seconds)
        return response


def _after_write(request, response) -> None:
    # A safety net for staff writes that send no model signals (admin actions built on QuerySet.update(),
    # e.g. accepting or rejecting candidates). Anonymous writes cannot bump: that would let anyone flush it.
    user = getattr(request, "user", None)
    if response.status_code < 400 and user is not None and user.is_authenticated:
        announce_catalogue_change()
