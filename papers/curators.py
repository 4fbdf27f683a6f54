"""Curators: staff who edit the catalogue (papers, taxonomy, ingestion) but not users or API tokens.

Managing accounts and tokens is for superusers only (papers.admin enforces it in the admin; the API
has no account endpoints).
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction

CURATORS_GROUP = "Curators"
CURATED_APPS = ("papers", "taxonomy")


def curators_group() -> Group:
    """The Curators group with every permission on the catalogue's models (kept current on each call)."""
    group, _ = Group.objects.get_or_create(name=CURATORS_GROUP)
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=CURATED_APPS))
    return group


@transaction.atomic
def make_curator(username: str, *, email: str = "") -> tuple[object, bool]:
    """Create or promote `username` to a curator (staff, in the Curators group); (user, created)."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username, defaults={"email": email})
    if created:
        user.set_unusable_password()  # set with `manage.py changepassword`
    user.is_staff = True
    user.save()
    user.groups.add(curators_group())
    return user, created
