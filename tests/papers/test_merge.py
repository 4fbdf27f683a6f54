"""The merge rules, field by field, on plain values: no database."""

from papers.ingestion.merge import Changes, StoredPaper, merge
from papers.ingestion.records import PaperRecord
from papers.names import PersonName

PARK = PersonName("Park", "Jay H.")
YUN = PersonName("Yun", "Gyeongchan")


def stored(sources=None, authors=(PARK,), stored=True, **values) -> StoredPaper:
    values = {"title": "HetPipe", "entry_type": "inproceedings", "doi": None, "arxiv_id": None, **values}
    return StoredPaper(
        citation_key="park2020hetpipe", values=values, sources=sources or {}, authors=authors, stored=stored
    )


def bibtex(authors=(PARK,), is_preprint=False, **fields) -> PaperRecord:
    return PaperRecord("k", "bibtex", fields, authors=list(authors), is_preprint=is_preprint, key="k")


def arxiv(authors=(PARK,), **fields) -> PaperRecord:
    return PaperRecord("2005.14038", "arxiv", fields, authors=list(authors), is_preprint=True)


# 1. A field a curator edited is never overwritten.
def test_a_curators_field_is_never_overwritten_by_any_source():
    paper = stored(sources={"title": "curator", "authors": "curator"}, title="Curated")
    for record in (bibtex(title="Other"), arxiv(title="Other"), bibtex(title="Other", is_preprint=True)):
        record.authors = [YUN]
        changes = merge(paper, record)
        assert "title" not in changes.fields and changes.authors is None


# 2. An empty field is filled.
def test_an_empty_field_is_filled_from_any_source():
    changes = merge(stored(pages="", sources={"title": "corpus"}), arxiv(pages="1-10", abstract="Text."))
    assert changes.fields == {"pages": "1-10", "abstract": "Text."}
    assert changes.sources == {"pages": "arxiv", "abstract": "arxiv"}


def test_empty_means_none_blank_or_an_empty_list():
    paper = stored(arxiv_categories=[], volume=None, publisher="")
    changes = merge(paper, bibtex(arxiv_categories=["cs.DC"], volume="3", publisher="ACM"))
    assert changes.fields == {"arxiv_categories": ["cs.DC"], "volume": "3", "publisher": "ACM"}


def test_an_empty_author_list_is_filled():
    changes = merge(stored(authors=()), bibtex(authors=[PARK, YUN]))
    assert changes.authors == [PARK, YUN] and changes.sources["authors"] == "bibtex"


# 3. A field whose value came from the same source is updated.
def test_a_value_from_the_same_source_is_updated():
    paper = stored(url="https://a.example", sources={"url": "bibtex", "authors": "bibtex"})
    changes = merge(paper, bibtex(url="https://b.example", authors=[PARK, YUN]))
    assert changes.fields == {"url": "https://b.example"}
    assert changes.authors == [PARK, YUN]


def test_a_value_from_another_source_is_kept():
    paper = stored(url="https://a.example", abstract="Corpus text.", sources={"url": "corpus", "abstract": "corpus"})
    changes = merge(paper, bibtex(url="https://b.example", abstract="BibTeX text."))
    assert not changes and changes.fields == {}


def test_an_equal_value_is_no_change():
    paper = stored(doi="10.1145/ABC", year=2020, sources={"doi": "bibtex", "year": "bibtex"})
    changes = merge(paper, bibtex(doi="10.1145/abc", year=2020, authors=[PARK]))  # DOIs compare case-blind
    assert not changes and changes.changed == []


# 4. The published version wins.
def test_a_preprint_record_does_not_replace_the_publication_fields_of_a_published_paper():
    sources = {"venue": "bibtex", "year": "bibtex", "authors": "arxiv"}
    paper = stored(venue="USENIX ATC 2020", year=2020, sources=sources)
    record = arxiv(title="HetPipe: v2 title", venue="arXiv preprint", year=2021, arxiv_title="HetPipe: v2 title")
    record.authors = [PARK, YUN]
    changes = merge(paper, record)
    assert changes.fields == {"arxiv_title": "HetPipe: v2 title"}  # kept beside the published title
    assert changes.authors is None  # authors are a publication field too


def test_a_preprint_record_updates_a_preprint_paper_from_the_same_source():
    paper = stored(entry_type="misc", venue="arXiv preprint", year=2020, sources={"year": "arxiv", "title": "arxiv"})
    changes = merge(paper, arxiv(title="HetPipe v2", year=2021))
    assert changes.fields == {"title": "HetPipe v2", "year": 2021}


def test_a_published_record_replaces_the_publication_fields_that_came_from_arxiv():
    paper = stored(
        entry_type="misc",
        venue="arXiv preprint",
        year=2020,
        abstract="From arXiv.",
        sources={"entry_type": "arxiv", "venue": "arxiv", "year": "arxiv", "abstract": "arxiv", "authors": "arxiv"},
    )
    record = bibtex(entry_type="inproceedings", venue="USENIX ATC 2020", year=2021, abstract="Other.")
    record.authors = [PARK, YUN]
    changes = merge(paper, record)
    assert changes.fields == {"entry_type": "inproceedings", "venue": "USENIX ATC 2020", "year": 2021}
    assert changes.authors == [PARK, YUN]
    assert "abstract" not in changes.fields  # not a publication field: rule 5


# 5. Anything else keeps its value (covered above); identifiers are never moved.
def test_an_identifier_of_another_paper_is_not_taken_and_the_curator_is_told():
    def owner_of(name, value):
        return {("doi", "10.1/x"): "other2021", ("arxiv_id", "2005.14038"): "park2020hetpipe"}.get((name, value))

    changes = merge(stored(), bibtex(doi="10.1/x", arxiv_id="2005.14038"), owner_of)
    assert changes.fields == {"arxiv_id": "2005.14038"}  # its own already: fine
    assert changes.notes == ["doi 10.1/x belongs to other2021: merge the two by hand."]


def test_the_arxiv_version_only_goes_up_and_records_no_source():
    assert merge(stored(arxiv_version=2), arxiv(arxiv_version=1)).fields == {}
    changes = merge(stored(arxiv_version=2, sources={"arxiv_version": "curator"}), arxiv(arxiv_version=3))
    assert changes.fields == {"arxiv_version": 3} and changes.sources == {}


# Review flags after an arXiv refresh.
def test_a_newer_arxiv_version_flags_a_stored_paper():
    changes = merge(stored(arxiv_version=1), arxiv(arxiv_version=2))
    assert changes.flags == ["arXiv v2 is out (v1 seen before)."]
    assert changes.changed == ["arxiv_version", "flagged for review"]


def test_a_doi_and_a_journal_reference_on_arxiv_flag_a_stored_preprint():
    paper = stored(entry_type="misc", sources={"doi": "arxiv"})
    changes = merge(paper, arxiv(doi="10.1/pub", journal_ref="J. 1 (2025)"), lambda name, value: "pub2025")
    assert changes.flags == [
        "arXiv now lists DOI 10.1/pub: a published version exists, which is pub2025.",
        "arXiv now lists a journal reference (J. 1 (2025)): a published version exists.",
    ]
    assert "doi" not in changes.fields  # pub2025 holds it


def test_flags_already_given_are_not_repeated_and_new_papers_get_none():
    reason = "arXiv v2 is out (v1 seen before)."
    assert merge(stored(arxiv_version=1, review_reason=reason), arxiv(arxiv_version=2)).flags == []
    assert merge(stored(arxiv_version=1, stored=False), arxiv(arxiv_version=2)).flags == []
    assert merge(stored(arxiv_version=1), bibtex(arxiv_version=2)).flags == []  # only arXiv refreshes flag


def test_changes_say_what_a_message_lists_in_order():
    changes = Changes(fields={"title": "T", "year": 2020}, authors=[PARK], flags=["x"])
    assert changes.changed == ["title", "year", "authors", "flagged for review"]
    assert not Changes() and Changes(notes=["only a note"]).changed == []


def test_merge_leaves_its_inputs_alone():
    paper = stored(url="", sources={"title": "bibtex"})
    record = bibtex(url="https://b.example", title="New")
    merge(paper, record)
    assert paper.values["url"] == "" and paper.sources == {"title": "bibtex"}
    assert record.fields == {"url": "https://b.example", "title": "New"}
