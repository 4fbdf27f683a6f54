"""PostgreSQL keeps each paper's search vector equal to a full recomputation, whichever write made it (the bulk
import inserts authorships before their papers so that each vector is computed once: it must still be whole)."""

import pytest
from django.db import connection

from papers.ingestion import import_bibtex
from papers.models import Paper
from tests.factories import make_category, make_paper, place
from tests.integration.support import postgres_only

pytestmark = [*postgres_only, pytest.mark.django_db]


def vectors(paper_ids) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, search_vector::text FROM papers_paper WHERE id = ANY(%s)", [list(paper_ids)])
        return dict(cursor.fetchall())


def recomputed(paper_ids) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT paper_search_refresh(%s::bigint[])", [list(paper_ids)])
    return vectors(paper_ids)


def test_a_paper_created_with_authors_and_a_placement_has_the_full_vector():
    paper = make_paper(title="Pipelines over mixed GPUs", abstract="Wave synchronous.", authors=["Park, Jay H."])
    place(paper, make_category(name="Intra-pipeline"), note="layer partitioning")
    stored = vectors([paper.pk])
    assert "'park'" in stored[paper.pk] and "'intra'" in stored[paper.pk] and "'partit'" in stored[paper.pk]
    assert stored == recomputed([paper.pk])


def test_papers_imported_in_bulk_have_the_full_vector():
    text = "\n".join(
        f"@article{{k{n}, title = {{Heterogeneous training number {n}}}, author = {{Babbage, Ada and Doe, Jo}},"
        f" journal = {{Journal {n}}}, year = {{2024}}}}"
        for n in range(50)
    )
    assert import_bibtex(text=text).state == "done"
    ids = list(Paper.objects.values_list("pk", flat=True))
    stored = vectors(ids)
    assert len(stored) == 50 and all("'babbag'" in vector and "'journal'" in vector for vector in stored.values())
    assert stored == recomputed(ids)
