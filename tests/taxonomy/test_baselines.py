"""Who compared against whom, in the core: compared_against / compared_by, baseline_usage, uncompared_pairs."""

import pytest

from papers.models import Paper
from taxonomy.baselines import (
    baseline_usage,
    compared_against,
    compared_by,
    normalise_name,
    uncompared_pairs,
)
from taxonomy.models import Baseline, Result
from taxonomy.selectors import papers_for_detail
from tests.factories import make_paper

pytestmark = pytest.mark.django_db


def baseline(paper, name, target=None, position=0, confirmed=True):
    return Baseline.objects.create(
        paper=paper, name=name, baseline_paper=target, position=position, confirmed=confirmed
    )


def result(paper, target, versus="it"):
    return Result.objects.create(
        paper=paper, metric="throughput", value=2, unit="x", versus=versus, baseline_paper=target
    )


@pytest.fixture
def papers():
    """HetPipe (2020) is a baseline of Alpha (2022, twice over) and Beta (2023, through a result only)."""
    hetpipe = make_paper(citation_key="hetpipe", title="HetPipe", year=2020)
    alpha = make_paper(citation_key="alpha", title="Alpha", year=2022)
    beta = make_paper(citation_key="beta", title="Beta", year=2023)
    hidden = make_paper(citation_key="hidden", title="Hidden", year=2024, status=Paper.Status.CANDIDATE)
    baseline(alpha, "HetPipe", hetpipe, position=0)
    baseline(alpha, "Het-Pipe (async)", hetpipe, position=1)
    baseline(alpha, "Megatron-LM", position=2, confirmed=False)
    baseline(alpha, "Hidden", hidden, position=3)
    result(beta, hetpipe)
    baseline(beta, "megatron-lm ")
    baseline(hidden, "HetPipe", hetpipe)  # a candidate's comparisons are not public
    return {"hetpipe": hetpipe, "alpha": alpha, "beta": beta, "hidden": hidden}


def test_compared_by_is_derived_from_other_papers_baselines_and_results(papers, django_assert_num_queries):
    with django_assert_num_queries(1):
        found = compared_by(papers["hetpipe"])
    # Alpha once though it lists HetPipe twice; Beta through its result; the candidate not at all; newest first.
    assert [p.citation_key for p in found] == ["beta", "alpha"]
    assert compared_by(papers["beta"]) == []


def test_compared_by_query_count_does_not_grow(papers, django_assert_num_queries):
    for n in range(20):
        baseline(make_paper(year=2021 + n % 4), "HetPipe", papers["hetpipe"])
    with django_assert_num_queries(1):
        assert len(compared_by(papers["hetpipe"])) == 22


def test_compared_against_links_only_public_catalogue_papers(papers, django_assert_num_queries):
    alpha = papers_for_detail().get(citation_key="alpha")
    with django_assert_num_queries(0):
        items = compared_against(alpha)
    assert [(i.name, i.paper and i.paper.citation_key, i.confirmed) for i in items] == [
        ("HetPipe", "hetpipe", True),
        ("Het-Pipe (async)", "hetpipe", True),
        ("Megatron-LM", None, False),
        ("Hidden", None, True),  # a candidate is not linked
    ]


def test_normalised_names_ignore_case_and_spacing():
    assert normalise_name("  DeepSpeed   (ZeRO) ") == normalise_name("deepspeed (zero)") == "deepspeed (zero)"


def test_usage_groups_linked_by_paper_and_unlinked_by_name(papers):
    uses = {use.name: use for use in baseline_usage()}
    # HetPipe: Alpha (two spellings, one paper) and Beta (a result); the candidate's use not counted.
    hetpipe = uses["HetPipe"]
    assert hetpipe.paper.citation_key == "hetpipe" and hetpipe.count == 2
    assert [p.citation_key for p in hetpipe.papers] == ["beta", "alpha"]
    # Two spellings of Megatron-LM are one system; a tie of spellings goes to the shortest, then the first
    # alphabetically (HetPipe before Het-Pipe (async) above).
    megatron = uses["Megatron-LM"]
    assert megatron.paper is None and megatron.count == 2
    # A baseline naming a candidate counts under its name, unlinked.
    assert uses["Hidden"].paper is None and uses["Hidden"].count == 1
    # Most used first, then by name.
    assert [use.name for use in baseline_usage()] == ["HetPipe", "Megatron-LM", "Hidden"]


def test_the_most_common_spelling_labels_a_group(db):
    for name in ("HexGen", "hexgen", "HexGen"):
        baseline(make_paper(), name)
    (use,) = baseline_usage()
    assert use.name == "HexGen" and use.count == 3


def test_usage_filters(papers):
    assert [use.name for use in baseline_usage(min_uses=2)] == ["HetPipe", "Megatron-LM"]
    assert [use.name for use in baseline_usage(linked=True)] == ["HetPipe"]
    assert [use.name for use in baseline_usage(linked=False)] == ["Megatron-LM", "Hidden"]
    assert baseline_usage(min_uses=3) == []


def test_usage_reads_two_queries_whatever_the_data(papers, django_assert_num_queries):
    with django_assert_num_queries(2):
        baseline_usage()
    for n in range(30):
        citing = make_paper()
        baseline(citing, f"System {n % 7}")
        result(citing, papers["alpha"])
    with django_assert_num_queries(2):
        uses = baseline_usage()
    # Alpha is only measured against in results: labelled with its title, not the results' "it".
    assert {use.name: use.count for use in uses}["Alpha"] == 30


@pytest.fixture
def category_papers():
    """A (2020), B (2021, compares against A), C (2023), D (2023, no baselines), E (2021)."""
    a = make_paper(citation_key="a", title="A", year=2020)
    b = make_paper(citation_key="b", title="B", year=2021)
    c = make_paper(citation_key="c", title="C", year=2023)
    d = make_paper(citation_key="d", title="D", year=2023)
    e = make_paper(citation_key="e", title="E", year=2021)
    baseline(a, "Horovod")
    baseline(b, "A", a)
    baseline(c, "Megatron-LM")
    result(c, e)  # C measured against E in a result only
    baseline(e, "PipeDream")
    return [a, b, c, d, e]


def keys(pairs):
    return [(pair.earlier.citation_key, pair.later.citation_key) for pair in pairs]


def test_uncompared_pairs(category_papers, django_assert_num_queries):
    papers = list(Paper.objects.filter(pk__in=[p.pk for p in category_papers]))
    with django_assert_num_queries(2):  # baselines and results, once for all the papers
        pairs, total = uncompared_pairs(papers)
    # A-B compared; C-E compared through a result; D records no baselines; B-E appeared the same year.
    assert keys(pairs) == [("b", "c"), ("a", "c"), ("a", "e")]
    assert total == 3
    assert [pair.years_apart for pair in pairs] == [2, 3, 1]


def test_uncompared_pairs_are_capped_and_counted(db):
    papers = [make_paper(year=2000 + n) for n in range(12)]
    for paper in papers:
        baseline(paper, "Horovod")
    pairs, total = uncompared_pairs(papers, limit=5)
    assert len(pairs) == 5 and total == 12 * 11 // 2


def test_uncompared_pairs_use_prefetched_baselines(category_papers, django_assert_num_queries):
    papers = list(papers_for_detail().filter(pk__in=[p.pk for p in category_papers]))
    with django_assert_num_queries(0):
        _, total = uncompared_pairs(papers)
    assert total == 3
