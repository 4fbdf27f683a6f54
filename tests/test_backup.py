import json

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from taxonomy.backup import MODELS, BackupError, export_catalogue, import_catalogue
from taxonomy.catalogue import load_catalogue
from taxonomy.models import Category, Placement, Term
from taxonomy.services import save_with_history

pytestmark = pytest.mark.django_db

URLS = [
    "/api/papers/?page_size=100",
    "/api/papers/park2020hetpipe/",
    "/api/papers/mei2025helix/",
    "/api/papers/?q=heterogeneous&technique=ilp",
    "/api/categories/",
    "/api/categories/inter-pipeline/",
    "/api/compare/?category=intra-pipeline",
    "/api/changes/",
    "/api/placements/?page_size=100",
    "/api/values/?page_size=100",
    "/api/awesome.md",
]


def responses():
    client = APIClient()
    return {url: client.get(url).content for url in URLS}


def empty_catalogue():
    for model in reversed(MODELS):
        if model in (Category, Term):
            while model.objects.exists():  # leaves first: parents (categories, term families) are protected
                model.objects.filter(children__isnull=True).delete()
        model.objects.all().delete()


def test_restoring_into_an_empty_database_reproduces_every_api_response(django_user_model, tmp_path):
    load_catalogue()
    curator = django_user_model.objects.create_user("curator", is_staff=True)
    placement = Placement.objects.get(paper__citation_key="mei2025helix", category__slug="other")
    placement.note = "Edited by a curator: §4 max-flow."
    save_with_history(user=curator, instance=placement)
    before = responses()

    path = tmp_path / "catalogue.json"
    call_command("export_catalogue", str(path))
    empty_catalogue()
    call_command("import_catalogue", str(path))

    after = responses()
    for url in URLS:
        assert after[url] == before[url], url


def test_it_refuses_a_non_empty_database_and_foreign_documents(seed):
    document = export_catalogue()
    with pytest.raises(BackupError, match="not empty"):
        import_catalogue(document)
    with pytest.raises(BackupError):
        import_catalogue({"format": "something-else"})


def test_a_malformed_document_restores_nothing(seed, tmp_path):
    document = export_catalogue()
    empty_catalogue()
    document["objects"].append({"model": "papers.paper", "pk": 999, "fields": {"year": "not a year"}})
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError):
        call_command("import_catalogue", str(path))
    assert not any(model.objects.exists() for model in MODELS)
