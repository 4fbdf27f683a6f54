"""The database itself rejects what must never be stored."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from papers.models import Authorship, Paper
from taxonomy.models import Dimension, DimensionValue, Placement, Term
from tests.factories import make_paper

pytestmark = pytest.mark.django_db


def assert_rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_duplicate_doi_is_rejected_whatever_its_case():
    make_paper(doi="10.1145/3600006.3613152")
    assert_rejected(lambda: make_paper(doi="10.1145/3600006.3613152"))
    assert_rejected(lambda: make_paper(doi="10.1145/3600006.3613152".upper()))


def test_duplicate_arxiv_id_is_rejected():
    make_paper(arxiv_id="2005.14038")
    assert_rejected(lambda: make_paper(arxiv_id="2005.14038"))


def test_duplicate_citation_key_is_rejected():
    make_paper(citation_key="park2020hetpipe")
    assert_rejected(lambda: make_paper(citation_key="park2020hetpipe"))


def test_blank_identifiers_are_null_so_many_papers_can_lack_them():
    make_paper(doi=None, arxiv_id=None)
    make_paper(doi=None, arxiv_id=None)
    assert Paper.objects.filter(doi__isnull=True, arxiv_id__isnull=True).count() == 2


def test_an_empty_string_identifier_is_rejected():
    assert_rejected(lambda: make_paper(doi=""))
    assert_rejected(lambda: make_paper(arxiv_id=""))


def test_full_clean_stores_blank_as_null_and_strips_versions():
    paper = Paper(citation_key="x2020", title="X", doi="  ", arxiv_id="arXiv:2005.14038v2")
    paper.full_clean()
    assert paper.doi is None
    assert (paper.arxiv_id, paper.arxiv_version) == ("2005.14038", 2)


def test_full_clean_reports_malformed_identifiers_per_field():
    with pytest.raises(ValidationError) as error:
        Paper(citation_key="x2020", title="X", doi="nonsense", arxiv_id="nope").full_clean()
    assert set(error.value.message_dict) >= {"doi", "arxiv_id"}


def test_implausible_year_is_rejected():
    assert_rejected(lambda: make_paper(year=20))


def test_author_order_slots_are_unique():
    paper = make_paper(authors=["Park, Jay H.", "Yun, Gyeongchan"])
    other = make_paper(authors=["Lee, Seungmin"]).authorships.get().author
    assert_rejected(lambda: Authorship.objects.create(paper=paper, author=other, position=1))


def test_a_paper_sits_in_a_category_once(seed):
    paper = Paper.objects.get(citation_key="park2020hetpipe")
    category = paper.placements.first().category
    assert_rejected(lambda: Placement.objects.create(paper=paper, category=category, note="again"))


def test_a_value_needs_a_term_or_text():
    paper = make_paper()
    dimension = Dimension.objects.create(slug="technique", name="Technique")
    assert_rejected(lambda: DimensionValue.objects.create(paper=paper, dimension=dimension))
    term = Term.objects.create(dimension=dimension, slug="ilp", name="ILP")
    DimensionValue.objects.create(paper=paper, dimension=dimension, term=term)
    assert_rejected(lambda: DimensionValue.objects.create(paper=paper, dimension=dimension, term=term))
