"""The whole catalogue serves fixtures/corpus.yaml, field by field, for every paper: metadata, placements,
evaluation facts and evidence; the seed list's own placements stay exactly as the list has them."""

from decimal import Decimal

import pytest
from pybtex.database import parse_string

from papers.models import Paper
from taxonomy.catalogue import CORPUS_PATH, SEED_PATH, default_catalogue_paths, load_catalogue
from taxonomy.checks import normalize_section_pointers
from taxonomy.facts import trailing_unconfirmed
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


@pytest.fixture(scope="module")
def curated_files():
    return [read_yaml(path) for path in default_catalogue_paths()[1:]]


@pytest.fixture
def catalogue(db):
    return load_catalogue()


def plain(raw):
    """A corpus value as the catalogue stores it: without its trailing "?" mark."""
    return trailing_unconfirmed(raw)[0]


def expected_placements(key, corpus, seed_file, curated_files) -> dict[str, tuple[str, str]]:
    """category slug -> (note, source) for one paper, from the seed, the catalogue files, or the corpus."""
    if key in seed_file["papers"]:
        notes = seed_file["papers"][key]["placements"]
        return {slug: (" ".join(note.split()), "seed") for slug, note in notes.items()}
    for catalogue in curated_files:
        if key in (catalogue.get("papers") or {}):
            notes = catalogue["papers"][key]["placements"]
            return {slug: (" ".join(note.split()), "curated") for slug, note in notes.items()}
    return {spec["slug"]: (" ".join(spec["note"].split()), "curated") for spec in corpus[key].get("category", [])}


def test_it_picks_up_the_field_file_after_the_seed():
    paths = default_catalogue_paths()
    assert paths[0] == SEED_PATH and any(path.name == "catalogue-field.yaml" for path in paths[1:])


def test_it_lists_every_paper_of_the_corpus(api, catalogue, corpus):
    body = api.get("/api/papers/?page_size=100").json()
    assert body["count"] == len(corpus) == 87
    assert {row["citation_key"] for row in body["results"]} == set(corpus)


def test_it_serves_each_papers_metadata_as_the_corpus_gives_it(api, catalogue, corpus):
    for key, facts in corpus.items():
        body = api.get(f"/api/papers/{key}/").json()
        authors = [", ".join(filter(None, [a["family_name"], a["given_name"]])) for a in body["authors"]]
        assert body["title"] == plain(facts["title"]), key
        assert authors == [plain(name) for name in facts["authors"]], key
        assert body["year"] == facts["year"], key
        for name in ("venue", "venue_short", "pages", "volume"):
            assert (body[name] or None) == (plain(str(facts[name])) if facts.get(name) else None), (key, name)
        assert body["identifiers"]["doi"] == facts["doi"], key
        assert body["identifiers"]["arxiv_id"] == facts["arxiv_id"], key
        expected_unconfirmed = {n for n in ("title", "venue", "pages", "volume", "doi") if not _sure(facts.get(n))}
        assert expected_unconfirmed <= set(body["unconfirmed_fields"]), key


def _sure(value) -> bool:
    return trailing_unconfirmed(value)[1]


def test_it_serves_each_papers_placements_with_their_source(api, catalogue, corpus, seed_file, curated_files):
    for key in corpus:
        served = {p["category"]: (p["note"], p["source"]) for p in api.get(f"/api/papers/{key}/").json()["placements"]}
        assert served == expected_placements(key, corpus, seed_file, curated_files), key


def test_it_serves_each_papers_evaluation_facts(api, catalogue, corpus):
    for key, facts in corpus.items():
        evaluation = facts.get("evaluation") or {}
        served = api.get(f"/api/papers/{key}/").json()["evaluation"]
        assert served["max_gpus"] == plain(evaluation.get("max_gpus")), key
        assert served["open_source"] == _boolean(evaluation.get("open_source")), key
        assert [m["name"] for m in served["models"]] == [plain(str(m)) for m in evaluation.get("models", [])], key
        assert [b["name"] for b in served["baselines"]] == [plain(str(b)) for b in evaluation.get("baselines", [])]
        assert len(served["setups"]) == len(evaluation.get("setups", [])), key
        for setup, spec in zip(served["setups"], evaluation.get("setups", []), strict=True):
            gpus = [(g["type"], g["count"]) for g in setup["gpus"]]
            expected = [(plain(g.get("type") or "") or "GPU type not stated", g.get("count")) for g in spec["gpus"]]
            assert gpus == expected, key
            assert setup["nodes"] == spec.get("nodes"), key
            assert setup["interconnect"] == [plain(str(link)) for link in spec.get("interconnect", [])], key
            assert setup["simulated"] == _boolean(spec.get("simulated")), key
            assert setup["evidence"] == " ".join(str(spec.get("evidence", "")).split()), key
        results = evaluation.get("results", [])
        assert [r["metric"] for r in served["results"]] == [r["metric"] for r in results], key
        for result, spec in zip(served["results"], results, strict=True):
            assert result["versus"] == (spec.get("versus") or ""), key
            assert result["evidence"] == plain(spec.get("evidence") or ""), key
            assert result["confirmed"] == (_sure(spec.get("value")) and _sure(spec.get("evidence") or "")), key
            assert _served_value(result) == _corpus_value(plain(spec.get("value"))), key


def _corpus_value(value) -> tuple:
    """(low, high, text) as the corpus states it: a number, a range "2.63-5.28", or words."""
    text = str(value).strip()
    low, _, high = text.partition("-")
    try:
        return (Decimal(low), Decimal(high) if high else None, "")
    except ArithmeticError:
        return (None, None, text)


def _served_value(result: dict) -> tuple:
    def number(raw):
        return Decimal(raw) if raw is not None else None

    return (number(result["value"]), number(result["value_max"]), result["value_text"])


def _boolean(value):
    value = plain(value)
    return {"true": True, "false": False}.get(str(value).lower(), value) if isinstance(value, str) else value


def test_it_keeps_the_evidence_of_each_comparison_cell(catalogue, corpus):
    stored = {
        (key, slug): evidence
        for key, slug, evidence in DimensionValue.objects.filter(dimension__slug__in=["approach", "headline-result"])
        .values_list("paper__citation_key", "dimension__slug", "evidence")
        .order_by()
    }
    for key, facts in corpus.items():
        evidence = facts.get("evidence") or {}
        for corpus_name, slug in (("approach", "approach"), ("headline_result", "headline-result")):
            if facts.get(corpus_name) and evidence.get(corpus_name):
                assert stored[(key, slug)] == normalize_section_pointers(" ".join(evidence[corpus_name].split())), key


def test_most_technique_cells_have_an_evidence_pointer(catalogue):
    techniques = DimensionValue.objects.filter(dimension__slug="technique")
    assert techniques.exclude(evidence="").count() > techniques.count() / 2


def test_the_seed_list_keeps_its_ten_placements_and_notes(catalogue, seed_file):
    seeded = {
        (key, slug): " ".join(note.split())
        for key, curation in seed_file["papers"].items()
        for slug, note in curation["placements"].items()
    }
    rows = Placement.objects.filter(source="seed").values_list("paper__citation_key", "category__slug", "note")
    assert len(seeded) == 10
    assert {(key, slug): note for key, slug, note in rows} == seeded


def test_curated_additions_join_the_seed_categories(api, catalogue, corpus):
    rows = api.get("/api/papers/?category=intra-pipeline&page_size=100").json()["results"]
    placed_by_corpus = {
        key for key, f in corpus.items() if "intra-pipeline" in {c["slug"] for c in f.get("category", [])}
    }
    assert {"park2020hetpipe", "liu2023heterps"} | placed_by_corpus == {row["citation_key"] for row in rows}
    assert placed_by_corpus  # version 2 places new papers there
    additions = Placement.objects.filter(category__slug="intra-pipeline", source="curated")
    assert set(additions.values_list("paper__citation_key", flat=True)) == placed_by_corpus


def test_it_places_every_paper_in_at_least_one_category(catalogue, corpus):
    placed = set(Placement.objects.values_list("paper__citation_key", flat=True))
    assert placed == set(corpus)


def test_it_gives_every_new_category_a_description_and_a_problem_after_the_seeds_tree(api, catalogue, seed_file):
    tree = api.get("/api/categories/").json()
    seed_roots = [spec["slug"] for spec in seed_file["categories"]]
    assert [node["slug"] for node in tree[: len(seed_roots)]] == seed_roots
    new_roots = tree[len(seed_roots) :]
    assert len(new_roots) >= 5
    assert all(node["description"] and node["problem"] and node["paper_count"] for node in new_roots)


def test_it_finds_the_papers_of_a_technique_by_its_term(catalogue, corpus):
    ilp = Term.objects.get(dimension__slug="technique", slug="ilp")
    spellings = {s.lower() for s in [ilp.slug, ilp.name, "ilp (bin packing)", "ilp-style scheduling formulation"]}
    expected = {
        key
        for key, facts in corpus.items()
        if any(plain(t).lower() in spellings or "(ilp" in t.lower() for t in facts.get("technique", []))
    }
    found = set(Paper.objects.filter(dimension_values__term=ilp).values_list("citation_key", flat=True))
    assert found == expected and {"park2020hetpipe", "griggs2024melange"} <= found


@pytest.mark.parametrize(
    "spelled, respelled",
    [("yuan2022decentralized", "jiang2024hexgen"), ("mo2024heet", "miao2024spotserve")],
)
def test_it_files_two_spellings_of_one_technique_under_one_term(catalogue, corpus, spelled, respelled):
    """Yuan et al. write "genetic/evolutionary algorithm", HexGen "genetic algorithm"; Heet and
    SpotServe both use bipartite matching, one naming Kuhn-Munkres."""
    [shared] = _technique_terms(spelled) & _technique_terms(respelled)
    holders = Paper.objects.filter(dimension_values__term=shared)
    assert {spelled, respelled} <= set(holders.values_list("citation_key", flat=True))


def _technique_terms(key):
    return set(Term.objects.filter(dimension__slug="technique", values__paper__citation_key=key))


def test_it_keeps_a_qualified_spelling_as_the_values_text(catalogue):
    melange = DimensionValue.objects.get(paper__citation_key="griggs2024melange", term__slug="ilp")
    assert melange.text == "ILP (bin packing)"


def test_every_technique_of_the_corpus_is_a_term_value_unconfirmed_when_any_spelling_is(catalogue, corpus, seed_file):
    for key, facts in corpus.items():
        added = [spec["term"] for spec in (seed_file["papers"].get(key, {}).get("terms") or {}).get("technique", [])]
        values = DimensionValue.objects.filter(paper__citation_key=key, dimension__slug="technique")
        from_corpus = values.exclude(term__slug__in=added)
        assert from_corpus.count() <= len(facts["technique"]) and all(v.term_id for v in values), key
        if any(not _sure(raw) for raw in facts["technique"]):
            assert from_corpus.filter(confirmed=False).exists(), key
        else:
            assert not from_corpus.filter(confirmed=False).exists(), key


def test_it_writes_section_pointers_from_the_corpus_in_the_house_form(catalogue):
    hetpipe_ilp = DimensionValue.objects.get(paper__citation_key="park2020hetpipe", term__slug="ilp")
    assert "§7" in hetpipe_ilp.text and "Sec." not in hetpipe_ilp.text
    assert hetpipe_ilp.confirmed is False  # "Sec. 7?)": the doubt is the value's closing remark


def test_a_question_mark_inside_a_value_is_text(api, catalogue):
    hexgen = api.get("/api/papers/jiang2024hexgen/").json()
    assert hexgen["links"]["url"] == "https://openreview.net/forum?id=9ANyvRtFGa"
    assert "url" not in hexgen["unconfirmed_fields"]
    across = Paper.objects.get(citation_key="erben2024acrossclouds")
    assert "Continents? An Experimental Study" in across.title and "title" not in across.unconfirmed_fields


@pytest.mark.parametrize(
    "key, phrase",
    [
        ("yan2024flashflex", "HexiScale"),
        ("wu2025hetermoe", "Ziming Mao"),
        ("jiang2025thunderserve", "six"),
    ],
)
def test_it_records_the_other_versions_the_corpus_describes(catalogue, key, phrase):
    assert phrase in Paper.objects.get(citation_key=key).version_note


def test_hetermoe_cites_every_author_including_its_sixth(client, catalogue, corpus):
    bibtex = client.get("/api/papers/wu2025hetermoe/bibtex").content.decode()
    authors = parse_string(bibtex, "bibtex").entries["wu2025hetermoe"].persons["author"]
    assert len(authors) == len(corpus["wu2025hetermoe"]["authors"]) == 9
    assert str(authors[5]) == "Mao, Z. Morley"


def test_it_invents_no_citation_counts_for_the_new_papers(catalogue, corpus, seed_file):
    new_keys = set(corpus) - set(seed_file["papers"])
    counted = Paper.objects.filter(citation_key__in=new_keys, citation_count__isnull=False)
    assert not counted.exists()


def test_it_keeps_a_code_links_remark_out_of_the_url_and_marks_a_doubtful_one(catalogue):
    accpar = Paper.objects.get(citation_key="song2020accpar")
    assert accpar.code_url == "https://github.com/MachineLearningSystem/AccPar"
    assert "code_url" in accpar.unconfirmed_fields
