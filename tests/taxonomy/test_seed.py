"""The seed list (fixtures/seed.yaml) loads exactly: nine papers in ten placements, with facts from the corpus file."""

import pytest

from papers.models import Paper
from taxonomy.catalogue import CORPUS_PATH, SEED_PATH, load_catalogue
from taxonomy.models import Category, Placement
from tests.support.corpus import corpus as read_corpus

pytestmark = pytest.mark.django_db

SEED_KEYS = {
    "jang2023oobleck",
    "jia2022whale",
    "li2022amp",
    "yuan2022decentralized",
    "park2020hetpipe",
    "liu2023heterps",
    "xue2024crius",
    "xu2024hethub",
    "mei2025helix",
}


@pytest.fixture(scope="module")
def corpus():
    return read_corpus(CORPUS_PATH)


def test_the_seed_is_nine_papers_in_ten_placements(seed):
    assert set(Paper.objects.values_list("citation_key", flat=True)) == SEED_KEYS
    assert Placement.objects.count() == 10


def test_the_category_tree_is_the_seed_lists(seed):
    tree = {c.slug: (c.parent.slug if c.parent else None) for c in Category.objects.select_related("parent")}
    assert tree == {
        "inter-pipeline": None,
        "batch-distribution": "inter-pipeline",
        "decentralized-synchronization": "inter-pipeline",
        "intra-pipeline": None,
        "other": None,
    }
    assert "NP-hard" in Category.objects.get(slug="intra-pipeline").problem
    assert "imbalance" in Category.objects.get(slug="inter-pipeline").problem


def test_each_paper_sits_where_the_seed_list_puts_it(seed):
    placed = set(Placement.objects.values_list("paper__citation_key", "category__slug"))
    assert placed == {
        ("jang2023oobleck", "batch-distribution"),
        ("jia2022whale", "batch-distribution"),
        ("li2022amp", "batch-distribution"),
        ("yuan2022decentralized", "decentralized-synchronization"),
        ("park2020hetpipe", "decentralized-synchronization"),
        ("park2020hetpipe", "intra-pipeline"),
        ("liu2023heterps", "intra-pipeline"),
        ("xue2024crius", "other"),
        ("xu2024hethub", "other"),
        ("mei2025helix", "other"),
    }


@pytest.mark.parametrize(
    "key, category, pointer",
    [
        ("jang2023oobleck", "batch-distribution", "§4.2.2"),
        ("jia2022whale", "batch-distribution", "3.31"),
        ("li2022amp", "batch-distribution", "§3.6"),
        ("park2020hetpipe", "intra-pipeline", "§7"),
    ],
)
def test_placement_notes_keep_their_section_pointers(seed, key, category, pointer):
    assert pointer in Placement.objects.get(paper__citation_key=key, category__slug=category).note


def test_hetpipe_has_a_different_note_in_each_category(seed):
    notes = Placement.objects.filter(paper__citation_key="park2020hetpipe").values_list("note", flat=True)
    assert len(set(notes)) == 2 and all(notes)


def test_metadata_matches_the_corpus_field_by_field(seed, corpus):
    papers = Paper.objects.with_authors().in_bulk(field_name="citation_key")
    for key in SEED_KEYS:
        paper, facts = papers[key], corpus[key]
        assert paper.title == facts["title"]
        assert paper.year == facts["year"]
        assert paper.venue_short == facts["venue_short"]
        assert paper.entry_type == facts["entry_type"]
        assert paper.doi == facts["doi"]
        assert paper.arxiv_id == facts["arxiv_id"]
        assert [a.bibtex_name for a in paper.ordered_authors] == facts["authors"]


def test_citation_counts_are_the_listed_ones(seed):
    counts = dict(Paper.objects.values_list("citation_key", "citation_count"))
    assert counts["jang2023oobleck"] == 14
    assert counts["jia2022whale"] == 33
    assert counts["li2022amp"] == 7
    assert counts["yuan2022decentralized"] == 55
    assert counts["park2020hetpipe"] == 122
    assert counts["liu2023heterps"] == 31


def test_unconfirmed_values_are_marked_not_stated_as_fact(seed, corpus):
    heterps = Paper.objects.get(citation_key="liu2023heterps")
    assert (heterps.volume, heterps.pages) == ("148", "106-117")
    doubtful = {name for name in ("volume", "pages") if str(corpus["liu2023heterps"][name]).endswith("?")}
    assert set(heterps.unconfirmed_fields) == doubtful
    hetpipe_ilp = heterps.__class__.objects.get(citation_key="park2020hetpipe").dimension_values.get(term__slug="ilp")
    assert hetpipe_ilp.confirmed is False
    assert hetpipe_ilp.evidence == "§7"


def test_helix_is_one_paper_with_both_versions_recorded(seed):
    helix = Paper.objects.get(citation_key="mei2025helix")
    assert helix.doi == "10.1145/3669940.3707215" and helix.arxiv_id == "2406.01566"
    assert "Distributed Serving of Large Language Models via Max-Flow" in helix.version_note


def test_loading_again_changes_nothing_and_keeps_curator_edits(seed):
    Paper.objects.filter(citation_key="li2022amp").update(title="Curated title")
    report = load_catalogue(catalogue_paths=[SEED_PATH])
    assert report.papers_created == 0 and report.placements_created == 0
    assert Paper.objects.count() == 9 and Placement.objects.count() == 10
    assert Paper.objects.get(citation_key="li2022amp").title == "Curated title"
