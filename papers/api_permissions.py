from rest_framework.permissions import SAFE_METHODS, BasePermission


class StaffWriteOrReadOnly(BasePermission):
    """Anyone reads; only active staff (by session or token) write."""

    message = "Only staff may change the catalogue."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)
