import logging
import sqlite3

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse

logger = logging.getLogger(__name__)


class RejectNulBytesMiddleware:
    """Answer 400 to a NUL byte in the path or query: PostgreSQL text cannot hold one, and no
    legitimate search, key or slug contains it (otherwise the database driver raises: a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path, *(v for _, values in request.GET.lists() for v in values)]
        if any("\x00" in value for value in values):
            return JsonResponse({"detail": "NUL characters are not allowed in URLs."}, status=400)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send settings.CONTENT_SECURITY_POLICY with every response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After, not an HTML 500, when the database cannot be reached (restarting,
    failing over, refusing connections). Django closes the broken connection after the request
    (conn_health_checks), so the next request reconnects: the workers need no restart."""

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_connection_failure(exception):
            return None  # a query's own error (deadlock, missing table...) stays a 500, reported as such
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        response = JsonResponse({"detail": "The database is unavailable; try again shortly."}, status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response


# SQLSTATE of a server that cannot serve: connection exceptions (class 08), shutting down or starting up,
# too many connections.
_UNAVAILABLE_SQLSTATES = ("57P01", "57P02", "57P03", "53300")
_SQLITE_UNAVAILABLE = ("database is locked", "unable to open database")


def is_connection_failure(exception: BaseException) -> bool:
    """Whether the database could not be reached or dropped the connection, as opposed to a query failing."""
    if isinstance(exception, InterfaceError):  # a connection the driver already knows is closed
        return True
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__ or exception
    if isinstance(cause, sqlite3.OperationalError):
        return str(cause).startswith(_SQLITE_UNAVAILABLE)
    code = getattr(cause, "pgcode", None)
    # No SQLSTATE: libpq failed before the server answered (refused, timed out, connection lost).
    return code is None or code.startswith("08") or code in _UNAVAILABLE_SQLSTATES
