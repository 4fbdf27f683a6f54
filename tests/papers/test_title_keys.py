"""Paper.normalized_title and normalized_arxiv_title follow the titles on every write path, and imports
find stored papers through them instead of reading every title."""

import importlib

import pytest
from django.apps import apps
from django.core import serializers
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from papers import ingestion
from papers.identifiers import title_key
from papers.models import Paper, Source
from papers.services import create_paper, update_paper
from tests.factories import make_paper

pytestmark = pytest.mark.django_db

TITLE = "HetPipe: Enabling Large {DNN} Training"
KEY = "hetpipe enabling large dnn training"


def keys(paper: Paper) -> tuple[str, str]:
    paper.refresh_from_db()
    return paper.normalized_title, paper.normalized_arxiv_title


def test_the_key_is_the_normalised_title_cut_to_the_column():
    assert title_key("Über-GPUs — at Scale!") == "uber gpus at scale"
    assert len(title_key("a" * 600)) == Paper._meta.get_field("normalized_title").max_length


def test_services_create_and_update_keep_the_keys():
    # services.create_paper is also how the catalogue loader (taxonomy) creates papers.
    paper = create_paper(
        citation_key="k", fields={"title": "First Title", "arxiv_title": "Pre-print"}, authors=[], source=Source.CORPUS
    )
    assert keys(paper) == ("first title", "pre print")
    update_paper(paper=paper, fields={"title": "Second Title"}, authors=None, source=Source.CURATOR)
    assert keys(paper) == ("second title", "pre print")


def test_an_admin_style_save_keeps_the_keys_even_with_update_fields():
    paper = make_paper(title="Old")
    paper.title = "Edited in the admin"
    paper.save()
    assert keys(paper)[0] == "edited in the admin"
    paper.arxiv_title = "Only This Field"
    paper.save(update_fields=["arxiv_title"])
    assert keys(paper) == ("edited in the admin", "only this field")


def test_bulk_create_bulk_update_and_update_keep_the_keys():
    first, second = Paper.objects.bulk_create(
        [Paper(citation_key="a", title="A One"), Paper(citation_key="b", title="B")]
    )
    assert keys(first)[0] == "a one"
    first.title, second.title = "A Two", "B Two"
    Paper.objects.bulk_update([first, second], ["title"])
    assert keys(first)[0] == "a two" and keys(second)[0] == "b two"
    Paper.objects.filter(pk=first.pk).update(title="A Three")
    assert keys(first)[0] == "a three"
    with pytest.raises(TypeError, match="normalized_title stale"):
        Paper.objects.update(title=F("arxiv_title"))


def test_a_bibtex_import_keeps_the_keys_of_new_and_merged_papers():
    stored = make_paper(title="Helix: Serving Large Language Models", year=2025, arxiv_id="2406.01566")
    run = ingestion.import_bibtex(
        text=f"@misc{{new, title = {{{TITLE}}}, author = {{Park, J.}}, year = 2020}}\n"
        "@misc{pre, title = {Helix: Distributed Serving}, author = {Mei, Y.}, year = 2024,"
        " eprint = {2406.01566}, archivePrefix = {arXiv}}"
    )
    assert [m["outcome"] for m in run.messages] == ["created", "duplicate"]
    assert keys(Paper.objects.get(citation_key="new")) == (KEY, "")
    assert keys(stored) == ("helix serving large language models", "helix distributed serving")


def test_a_raw_load_gets_its_keys_even_from_rows_without_them():
    # Fixtures and the catalogue restore save rows raw, past Paper.save; rows from before the column lack it.
    paper = make_paper(title=TITLE)
    rows = serializers.serialize("python", [paper])
    rows[0]["fields"].pop("normalized_title")
    Paper.objects.filter(pk=paper.pk).delete()
    for restored in serializers.deserialize("python", rows):
        restored.save()
    assert keys(paper) == (KEY, "")


def test_the_migration_fills_the_keys_of_existing_papers():
    fill = importlib.import_module("papers.migrations.0007_paper_normalized_titles").fill_title_keys
    paper = make_paper(title=TITLE, arxiv_title="Pre")
    Paper.objects.filter(pk=paper.pk).update(normalized_title="", normalized_arxiv_title="")
    fill(apps, None)
    assert keys(paper) == (KEY, "pre")


def test_an_import_finds_a_stored_paper_through_the_column_without_reading_every_title():
    for n in range(30):
        make_paper(title=f"Unrelated paper {n}")
    stored = make_paper(title="HetPipe: Enabling Large DNN Training", year=2020)
    with CaptureQueriesContext(connection) as queries:
        run = ingestion.import_bibtex(text=f"@misc{{x, title = {{{TITLE}}}, author = {{Park, J.}}, year = 2021}}")
    assert run.messages[0]["paper"] == stored.citation_key and run.messages[0]["outcome"] == "duplicate"
    paper_reads = [q["sql"] for q in queries if q["sql"].startswith("SELECT") and '"papers_paper"' in q["sql"]]
    assert paper_reads and all(" WHERE " in sql for sql in paper_reads), paper_reads
    # The column is what matching trusts: a paper whose key says otherwise is not found by title.
    Paper.objects.filter(pk=stored.pk).update(normalized_title="something else")
    run = ingestion.import_bibtex(text=f"@misc{{y, title = {{{TITLE}}}, author = {{Roe, R.}}, year = 2021}}")
    assert run.messages[0]["outcome"] == "created"


def test_a_made_up_key_is_never_one_already_stored():
    make_paper(citation_key="park2020hetpipe", title="Something else")
    run = ingestion.import_bibtex(
        text="@misc{DBLP:x/1, title = {HetPipe one}, author = {Park, J.}, year = 2020}\n"
        "@misc{DBLP:x/2, title = {HetPipe two}, author = {Park, J.}, year = 2020}"
    )
    assert [m["paper"] for m in run.messages] == ["park2020hetpipea", "park2020hetpipeb"]
