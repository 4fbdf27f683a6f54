"""Who may do what through the API, and the anonymous throttle."""

import logging

from rest_framework import throttling
from rest_framework.permissions import SAFE_METHODS, BasePermission

logger = logging.getLogger(__name__)


def is_active_staff(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)


class IsStaff(BasePermission):
    """Active staff only, for reading as for writing: imports show what curators fed the catalogue."""

    message = "Only staff may run or read imports."

    def has_permission(self, request, view):
        return is_active_staff(request.user)


class StaffWriteOrReadOnly(BasePermission):
    """The API's default: anyone reads; only active staff (by session or token) write."""

    message = "Only staff may change the catalogue."

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or is_active_staff(request.user)


class AnonRateThrottle(throttling.AnonRateThrottle):
    """DRF's anonymous throttle, open while its cache is away: a Redis restart must not fail every read."""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # the cache backend's own errors (redis.ConnectionError, timeouts...)
            logger.warning("throttle cache unavailable (%s: %s); request let through", type(exc).__name__, exc)
            return True
