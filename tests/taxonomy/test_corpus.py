"""The whole catalogue (seed + fixtures/catalogue-*.yaml) serves the corpus's facts, field by field."""

import pytest

from papers.models import Paper
from taxonomy.catalogue import CORPUS_PATH, SEED_PATH, default_catalogue_paths, load_catalogue, split_unconfirmed
from taxonomy.models import DimensionValue, Placement, Term
from tests.support.corpus import corpus as read_corpus
from tests.support.corpus import read_yaml

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def corpus():
    return read_corpus(CORPUS_PATH)


@pytest.fixture(scope="module")
def seed_file():
    return read_yaml(SEED_PATH)


@pytest.fixture
def catalogue(db):
    return load_catalogue()


def seed_category_slugs(seed_file):
    slugs, stack = set(), list(seed_file["categories"])
    while stack:
        spec = stack.pop()
        slugs.add(spec["slug"])
        stack.extend(spec.get("children", []))
    return slugs


def corpus_author(raw):
    """The corpus's "Family, Given" without its "?" mark, as the catalogue stores the name."""
    return split_unconfirmed(raw)[0]


def test_it_picks_up_the_field_file_after_the_seed():
    paths = default_catalogue_paths()
    assert paths[0] == SEED_PATH and any(path.name == "catalogue-field.yaml" for path in paths[1:])


def test_it_lists_every_paper_of_the_corpus(api, catalogue, corpus):
    body = api.get("/api/papers/?page_size=100").json()
    assert body["count"] == len(corpus) == 53
    assert {row["citation_key"] for row in body["results"]} == set(corpus)


def test_it_lists_titles_years_and_identifiers_as_the_corpus_gives_them(api, catalogue, corpus):
    rows = api.get("/api/papers/?page_size=100").json()["results"]
    served = {row["citation_key"]: (row["title"], row["year"], row["doi"], row["arxiv_id"]) for row in rows}
    expected = {key: (f["title"], f["year"], f["doi"], f["arxiv_id"]) for key, f in corpus.items()}
    assert served == expected


def test_it_serves_each_paper_in_detail_as_the_corpus_gives_it(api, catalogue, corpus):
    for key, facts in corpus.items():
        body = api.get(f"/api/papers/{key}/").json()
        authors = [", ".join(filter(None, [a["family_name"], a["given_name"]])) for a in body["authors"]]
        assert body["title"] == facts["title"], key
        assert authors == [corpus_author(name) for name in facts["authors"]], key
        assert body["year"] == facts["year"], key
        assert body["identifiers"]["doi"] == facts["doi"], key
        assert body["identifiers"]["arxiv_id"] == facts["arxiv_id"], key


def test_it_marks_an_author_list_with_a_doubtful_name_as_unconfirmed(catalogue, corpus):
    doubtful = {key for key, facts in corpus.items() if any("?" in name for name in facts["authors"])}
    assert doubtful  # HeterMoE's sixth author
    marked = {p.citation_key for p in Paper.objects.all() if "authors" in p.unconfirmed_fields}
    assert marked == doubtful
    names = Paper.objects.filter(citation_key__in=doubtful).values_list(
        "authorships__author__given_name", "authorships__author__family_name"
    )
    assert not any("?" in given + family for given, family in names)


def test_it_keeps_the_seeds_ten_placements_and_notes_unchanged(catalogue, seed_file):
    seeded = {
        (key, slug): " ".join(note.split())
        for key, curation in seed_file["papers"].items()
        for slug, note in curation["placements"].items()
    }
    in_seed_categories = Placement.objects.filter(category__slug__in=seed_category_slugs(seed_file))
    rows = in_seed_categories.values_list("paper__citation_key", "category__slug", "note")
    assert len(seeded) == 10
    assert {(key, slug): note for key, slug, note in rows} == seeded


def test_it_still_files_only_hetpipe_and_heterps_under_intra_pipeline(api, catalogue):
    rows = api.get("/api/papers/?category=intra-pipeline&page_size=100").json()["results"]
    assert {row["citation_key"] for row in rows} == {"park2020hetpipe", "liu2023heterps"}


def test_it_places_every_paper_in_at_least_one_category(catalogue, corpus):
    placed = set(Placement.objects.values_list("paper__citation_key", flat=True))
    assert placed == set(corpus)


def test_it_places_the_new_papers_only_in_new_categories(catalogue, corpus, seed_file):
    new_keys = set(corpus) - set(seed_file["papers"])
    assert len(new_keys) == 44
    assert not Placement.objects.filter(
        paper__citation_key__in=new_keys, category__slug__in=seed_category_slugs(seed_file)
    ).exists()


def test_it_gives_every_new_category_a_description_and_a_problem_after_the_seeds_tree(api, catalogue, seed_file):
    tree = api.get("/api/categories/").json()
    seed_roots = [spec["slug"] for spec in seed_file["categories"]]
    assert [node["slug"] for node in tree[: len(seed_roots)]] == seed_roots
    new_roots = tree[len(seed_roots) :]
    assert len(new_roots) >= 5
    assert all(node["description"] and node["problem"] and node["paper_count"] for node in new_roots)


def test_it_finds_the_papers_of_a_technique_by_its_term(catalogue):
    ilp_papers = Paper.objects.filter(dimension_values__term__slug="ilp")
    assert set(ilp_papers.values_list("citation_key", flat=True)) == {
        "park2020hetpipe",
        "jayaramsubramanya2023sia",
        "griggs2024melange",
        "zhao2024llmpq",
    }


@pytest.mark.parametrize(
    "spelled, respelled",
    [("yuan2022decentralized", "jiang2024hexgen"), ("mo2024heet", "miao2024spotserve")],
)
def test_it_files_two_spellings_of_one_technique_under_one_term(catalogue, corpus, spelled, respelled):
    """Yuan et al. write "genetic/evolutionary algorithm", HexGen "genetic algorithm"; Heet and
    SpotServe both use bipartite matching, one naming Kuhn-Munkres."""
    [shared] = _technique_terms(spelled) & _technique_terms(respelled)
    spellings = [_spelling(corpus, key, shared) for key in (spelled, respelled)]
    assert spellings[0] != spellings[1]
    holders = Paper.objects.filter(dimension_values__term=shared)
    assert {spelled, respelled} <= set(holders.values_list("citation_key", flat=True))


def _technique_terms(key):
    return set(Term.objects.filter(dimension__slug="technique", values__paper__citation_key=key))


def _spelling(corpus, key, term):
    """The corpus's raw wording of the paper's value for `term`."""
    position = DimensionValue.objects.get(paper__citation_key=key, term=term).position
    return corpus[key]["technique"][position]


def test_it_keeps_a_qualified_spelling_as_the_values_text(catalogue):
    melange = DimensionValue.objects.get(paper__citation_key="griggs2024melange", term__slug="ilp")
    assert melange.text == "ILP (bin packing)"


def test_it_stores_every_technique_of_the_corpus_as_a_term_with_its_confirmation(catalogue, corpus):
    stored = {
        (key, position): confirmed
        for key, position, confirmed in DimensionValue.objects.filter(
            dimension__slug="technique", term__isnull=False
        ).values_list("paper__citation_key", "position", "confirmed")
    }
    expected = {
        (key, position): split_unconfirmed(raw)[1]
        for key, facts in corpus.items()
        for position, raw in enumerate(facts["technique"])
    }
    assert stored == expected


def test_it_writes_section_pointers_from_the_corpus_in_the_house_form(catalogue):
    hetpipe_ilp = DimensionValue.objects.get(paper__citation_key="park2020hetpipe", term__slug="ilp")
    assert "§7" in hetpipe_ilp.text and "Sec." not in hetpipe_ilp.text


@pytest.mark.parametrize(
    "key, phrase",
    [
        ("yan2024flashflex", "HexiScale"),
        ("wu2025hetermoe", "Ziming Mao"),
        ("jiang2025thunderserve", "six"),
        ("zhao2024llmpq", "Zhao, Wan, Wu, Peng, Lin"),
    ],
)
def test_it_records_the_other_versions_the_corpus_describes(catalogue, key, phrase):
    assert phrase in Paper.objects.get(citation_key=key).version_note


def test_it_invents_no_citation_counts_for_the_new_papers(catalogue, corpus, seed_file):
    new_keys = set(corpus) - set(seed_file["papers"])
    counted = Paper.objects.filter(citation_key__in=new_keys, citation_count__isnull=False)
    assert not counted.exists()


def test_it_keeps_a_code_links_remark_out_of_the_url_and_marks_a_doubtful_one(catalogue):
    accpar = Paper.objects.get(citation_key="song2020accpar")
    assert accpar.code_url == "https://github.com/MachineLearningSystem/AccPar"
    assert "code_url" in accpar.unconfirmed_fields
