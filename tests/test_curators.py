"""Curators edit the catalogue in the admin; only superusers manage users, groups and API tokens."""

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from papers.curators import CURATORS_GROUP, make_curator
from papers.models import Paper

pytestmark = pytest.mark.django_db

ACCOUNT_PAGES = [
    "/admin/auth/user/",
    "/admin/auth/user/add/",
    "/admin/auth/group/",
    "/admin/authtoken/tokenproxy/",
    "/admin/authtoken/tokenproxy/add/",
]


@pytest.fixture
def curator(client):
    user, _ = make_curator("alice")
    client.force_login(user)
    return user


def test_add_curator_creates_a_staff_account_in_the_curators_group(capsys):
    call_command("add_curator", "bob", "--email", "bob@example.org")
    assert "Created curator bob" in capsys.readouterr().out
    call_command("add_curator", "bob")  # again: nothing new
    assert "bob is a curator" in capsys.readouterr().out

    user = make_curator("bob")[0]
    assert user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [CURATORS_GROUP]
    assert user.has_perm("papers.change_paper") and user.has_perm("taxonomy.add_placement")
    assert not user.has_perm("auth.change_user") and not user.has_perm("authtoken.add_token")


def test_a_curator_edits_papers_in_the_admin(client, curator, seed):
    paper = Paper.objects.get(citation_key="park2020hetpipe")
    assert client.get("/admin/").status_code == 200
    assert client.get(f"/admin/papers/paper/{paper.pk}/change/").status_code == 200
    assert client.get("/admin/taxonomy/category/").status_code == 200


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_a_curator_cannot_manage_accounts_or_tokens_even_when_granted_the_permissions(client, curator, url):
    curator.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["auth", "authtoken"]))
    assert curator.has_perm("auth.change_user")  # granted by mistake ...
    assert client.get(url).status_code == 403  # ... and still refused


def test_the_admin_index_offers_curators_no_account_pages(client, curator):
    page = client.get("/admin/").content.decode()
    assert "/admin/auth/user/" not in page and "/admin/authtoken/" not in page


def test_a_curator_cannot_promote_themselves(client, curator):
    curator.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))
    response = client.post(
        f"/admin/auth/user/{curator.pk}/change/", {"username": "alice", "is_superuser": "on", "is_staff": "on"}
    )
    assert response.status_code == 403
    curator.refresh_from_db()
    assert not curator.is_superuser


@pytest.mark.parametrize("url", ACCOUNT_PAGES)
def test_superusers_manage_accounts_and_tokens(staff_client, url):
    assert staff_client.get(url).status_code == 200


def test_a_superuser_issues_a_token_in_the_admin(staff_client, django_user_model):
    curator, _ = make_curator("carol")
    response = staff_client.post("/admin/authtoken/tokenproxy/add/", {"user": curator.pk})
    assert response.status_code == 302
    assert Token.objects.filter(user=curator).exists()
