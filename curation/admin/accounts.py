"""Users, groups and API tokens: superusers only, whatever model permissions a staff account holds."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy


class SuperusersOnly:
    """Whatever model permissions a staff account was given, only superusers see or change these."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, *args):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


for model, model_admin in [(get_user_model(), UserAdmin), (Group, GroupAdmin), (TokenProxy, TokenAdmin)]:
    admin.site.unregister(model)
    admin.site.register(model, type(model_admin.__name__, (SuperusersOnly, model_admin), {}))
