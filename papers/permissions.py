from rest_framework.permissions import BasePermission


class IsStaff(BasePermission):
    """Active staff only, for reading as for writing: imports show what curators fed the catalogue."""

    message = "Only staff may run or read imports."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)
