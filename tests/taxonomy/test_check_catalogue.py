"""`manage.py check_catalogue`: counts, and every data-quality rule caught on a broken row."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from papers.models import Paper
from taxonomy.catalogue import load_catalogue
from taxonomy.checks import check_catalogue, loose_section_pointers, normalize_section_pointers
from taxonomy.models import Category, Dimension, DimensionValue, Placement, SetupGpu, Term
from tests.factories import make_category, make_paper, place

pytestmark = pytest.mark.django_db


def run_check() -> tuple[str, CommandError | None]:
    out = StringIO()
    try:
        call_command("check_catalogue", stdout=out)
    except CommandError as exc:  # manage.py turns this into exit status 1
        return out.getvalue(), exc
    return out.getvalue(), None


def give_value(paper, dimension_slug, term_slug, *, text="", evidence=""):
    dimension, _ = Dimension.objects.get_or_create(slug=dimension_slug, defaults={"name": dimension_slug})
    term, _ = Term.objects.get_or_create(dimension=dimension, slug=term_slug, defaults={"name": term_slug})
    return DimensionValue.objects.create(paper=paper, dimension=dimension, term=term, text=text, evidence=evidence)


def make_complete_paper(*, note="", workload=True, technique=True, placed=True, **overrides):
    """A paper that passes every rule unless an argument breaks one."""
    fields = {"url": "https://example.org/paper", **overrides}
    paper = make_paper(**fields)
    if placed:
        place(paper, make_category(), note)
    if workload:
        give_value(paper, "workload", "training")
    if technique:
        give_value(paper, "technique", "ilp")
    return paper


def problems_of(paper=None) -> list[str]:
    problems = check_catalogue().problems
    return [p for p in problems if paper is None or paper.citation_key in p]


def papers_in_subtree(category: Category) -> int:
    """Public papers placed in the category or below it, each once (the seed's and the curated additions)."""
    placed = Placement.objects.filter(category__in=category.subtree_ids(), paper__status=Paper.Status.PUBLIC)
    return placed.values("paper").distinct().count()


def depth_of(category: Category) -> int:
    depth = 0
    while category.parent_id:
        category, depth = category.parent, depth + 1
    return depth


def test_it_exits_zero_and_prints_the_counts_of_the_full_catalogue(db):
    load_catalogue()
    output, error = run_check()
    assert error is None
    ilp_papers = Paper.objects.filter(dimension_values__term__slug="ilp").count()
    training = Paper.objects.filter(dimension_values__term__slug="training").count()
    assert f"Papers: {Paper.objects.count()}" in output
    categories = Category.objects.all()
    assert categories.count() > 1
    for category in categories:
        assert (
            f"  {'  ' * depth_of(category)}{category.slug}: {papers_in_subtree(category)}  ({category.name})" in output
        )
    assert f"  training: {training}" in output and f"  ilp: {ilp_papers}" in output
    without_setups = Paper.objects.public().filter(setups__isnull=True).count()
    assert without_setups and f"  Papers without any setup: {without_setups}" in output
    unknown = SetupGpu.objects.filter(gpu_type__isnull=True).count()
    assert f"  GPU rows of a type the catalogue does not know: {unknown}" in output
    assert "    xu2024hethub: setup 1: 'AMD GPU (model not named)'" in output
    assert output.rstrip().endswith("No problems found.")


def test_gaps_alone_do_not_fail_the_check(db):
    paper = make_complete_paper()  # complete, but with no setup: a gap, not a problem
    output, error = run_check()
    assert error is None and output.rstrip().endswith("No problems found.")
    assert f"    {paper.citation_key}: no setup" in output


def test_it_exits_non_zero_and_lists_the_problems_when_there_are_some(db):
    paper = make_complete_paper(year=None)
    output, error = run_check()
    assert error is not None and "1 data-quality problem" in str(error)
    assert f"{paper.citation_key}: no year" in output


def test_it_finds_nothing_wrong_with_a_complete_paper(db):
    make_complete_paper()
    assert problems_of() == []


def test_it_flags_a_blank_title(db):
    paper = make_complete_paper(title="   ")
    assert problems_of(paper) == [f"{paper.citation_key}: no title"]


def test_it_flags_a_paper_without_authors(db):
    paper = make_complete_paper(authors=())
    assert problems_of(paper) == [f"{paper.citation_key}: no authors"]


def test_it_flags_a_paper_without_a_year(db):
    paper = make_complete_paper(year=None)
    assert problems_of(paper) == [f"{paper.citation_key}: no year"]


def test_it_flags_a_paper_with_neither_venue_nor_arxiv_id(db):
    paper = make_complete_paper(venue="", venue_short="")
    assert problems_of(paper) == [f"{paper.citation_key}: neither a venue nor an arXiv id"]


def test_it_accepts_an_arxiv_id_in_place_of_a_venue(db):
    make_complete_paper(venue="", venue_short="", arxiv_id="2409.01143")
    assert problems_of() == []


def test_it_flags_a_paper_without_any_identifier_or_url(db):
    paper = make_complete_paper(url="")
    assert problems_of(paper) == [f"{paper.citation_key}: no DOI, arXiv id or URL"]


def test_it_flags_a_paper_in_no_category(db):
    paper = make_complete_paper(placed=False)
    assert problems_of(paper) == [f"{paper.citation_key}: in no category"]


def test_it_flags_a_paper_without_a_workload(db):
    paper = make_complete_paper(workload=False)
    assert problems_of(paper) == [f"{paper.citation_key}: no workload value"]


def test_it_flags_a_paper_without_a_technique(db):
    paper = make_complete_paper(technique=False)
    assert problems_of(paper) == [f"{paper.citation_key}: no technique value"]


def test_it_flags_citation_keys_that_differ_only_in_case(db):
    make_complete_paper(citation_key="park2020hetpipe")
    make_complete_paper(citation_key="Park2020HetPipe")
    assert problems_of() == ["Park2020HetPipe, park2020hetpipe share the citation key 'park2020hetpipe'"]


def test_it_flags_two_papers_with_one_doi_however_written(db):
    make_complete_paper(citation_key="a", doi="10.1145/ABC.123")
    make_complete_paper(citation_key="b", doi="https://doi.org/10.1145/abc.123")
    assert problems_of() == ["a, b share the DOI '10.1145/abc.123'"]


def test_it_flags_two_papers_with_one_arxiv_id_however_written(db):
    make_complete_paper(citation_key="a", arxiv_id="2309.08125")
    make_complete_paper(citation_key="b", arxiv_id="2309.08125v2")
    assert problems_of() == ["a, b share the arXiv id '2309.08125'"]


def test_it_flags_two_papers_whose_titles_differ_only_in_case_and_punctuation(db):
    make_complete_paper(citation_key="a", title="Mélange: Cost Efficient LLM Serving")
    make_complete_paper(citation_key="b", title="MELANGE -- cost-efficient LLM serving")
    assert problems_of() == ["a, b share the title 'melange cost efficient llm serving'"]


@pytest.mark.parametrize("pointer", ["Sec. 3", "section 3", "Section 3.1", "sec 4.2.2", "Sect. 5", "§ 7"])
def test_it_flags_a_placement_note_with_a_loose_section_pointer(db, pointer):
    paper = make_complete_paper(note=f"Balances the batch ({pointer}).")
    [problem] = problems_of(paper)
    assert f"write {pointer!r} as §N.N" in problem


def test_it_accepts_a_note_with_pointers_in_the_house_form(db):
    make_complete_paper(note="§4.2.2 formulates it; see also §7 and §3.")
    assert problems_of() == []


def test_it_leaves_a_pointer_quoted_from_a_source_alone(db):
    make_complete_paper(note='Shifts mini-batches (§3.3.1; the list writes "section 3.31").')
    assert problems_of() == []


def test_it_flags_a_loose_pointer_in_a_comparison_value(db):
    paper = make_complete_paper(technique=False)
    give_value(paper, "technique", "ilp", text="layer partitioning (ILP, Sec. 7)")
    assert problems_of(paper) == [f"{paper.citation_key}: technique value: write 'Sec. 7' as §N.N"]


def test_it_flags_a_loose_pointer_in_a_comparison_evidence(db):
    paper = make_complete_paper(technique=False)
    give_value(paper, "technique", "ilp", evidence="Section 7")
    assert problems_of(paper) == [f"{paper.citation_key}: technique evidence: write 'Section 7' as §N.N"]


def test_it_checks_only_public_papers(db):
    make_complete_paper(placed=False, year=None, status=Paper.Status.CANDIDATE)
    assert problems_of() == []


def test_it_reads_the_catalogue_in_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    for _ in range(3):
        make_complete_paper()
    with django_assert_max_num_queries(7) as few:
        check_catalogue()
    for _ in range(20):
        make_complete_paper()
    with django_assert_max_num_queries(len(few.captured_queries)):
        report = check_catalogue()
    assert report.papers == 23


def test_it_rewrites_loose_pointers_in_the_house_form_but_not_inside_quotes():
    text = 'ILP per seed, Sec. 7; the list writes "section 3.31"'
    assert normalize_section_pointers(text) == 'ILP per seed, §7; the list writes "section 3.31"'
    assert loose_section_pointers(normalize_section_pointers(text)) == []
