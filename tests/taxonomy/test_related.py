import pytest

from papers.models import Paper
from taxonomy.related import related_papers, title_similarities
from tests.factories import make_category, make_paper, place

pytestmark = pytest.mark.django_db


def test_title_similarity_ignores_the_words_every_title_shares():
    titles = {1: "Max-flow placement for LLM serving", 2: "LLM serving via max-flow", 3: "Heterogeneous GPU training"}
    scores = title_similarities(1, titles)
    assert scores[2] > 0.5 and 3 not in scores


def test_related_papers_by_category_technique_and_title_with_reasons(seed):
    hetpipe = Paper.objects.get(citation_key="park2020hetpipe")
    related = {item.paper.citation_key: item for item in related_papers(hetpipe, limit=20)}
    assert "park2020hetpipe" not in related
    assert related["liu2023heterps"].categories == ["Intra-pipeline heterogeneity"]
    assert related["yuan2022decentralized"].reasons[0] == "Same category: Decentralized synchronization"


def test_only_public_papers_are_related(db):
    category = make_category()
    paper = make_paper(title="Elastic pipelines on spot instances")
    hidden = make_paper(title="Elastic pipelines on spot instances, again", status=Paper.Status.CANDIDATE)
    shown = make_paper(title="Elastic pipelines on spot instances, revisited")
    for each in (paper, hidden, shown):
        place(each, category)
    assert [item.paper for item in related_papers(paper)] == [shown]
