import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from taxonomy.catalogue import SEED_PATH, load_catalogue


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _exact_counts(settings):
    # Tests change data and read counts at once, mostly inside a transaction that never commits (so the
    # catalogue generation never moves): no cached facets or responses (their caches have their own tests).
    settings.FACET_CACHE_SECONDS = 0
    settings.API_CACHE_SECONDS = 0
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def seed(db):
    """The seed list exactly: categories, nine papers, ten placements."""
    return load_catalogue(catalogue_paths=[SEED_PATH])


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("curator", password="pw", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client
