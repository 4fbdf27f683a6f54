import logging

from celery import current_app
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views import defaults

logger = logging.getLogger(__name__)
BROKER_TIMEOUT_SECONDS = 2


def _database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any failure means "not healthy", with its reason
        return f"database: {exc.__class__.__name__}: {exc}".strip()
    return None


def _broker() -> str | None:
    if not settings.CELERY_BROKER_URL:
        return None
    try:
        with current_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception as exc:
        return f"broker: {exc.__class__.__name__}: {exc}".strip()
    return None


def healthz(request):
    """200 when the database (and the broker, when one is set) answers; 503 with the reason otherwise."""
    problems = [problem for problem in (_database(), _broker()) if problem]
    if problems:
        logger.warning("health check failed: %s", "; ".join(problems))
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    checks = {"database": "ok", "broker": "ok" if settings.CELERY_BROKER_URL else "not configured"}
    return JsonResponse({"status": "ok", **checks})


def bad_request(request, exception=None):
    """400 for a request Django refuses before any view (too many form fields, a bad Host...):
    JSON under /api/, as every other API error, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)
