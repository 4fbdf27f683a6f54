import pytest

from papers.identifiers import InvalidIdentifier, normalize_doi, normalize_title, parse_arxiv_id


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2005.14038", ("2005.14038", None)),
        ("2005.14038v2", ("2005.14038", 2)),
        ("arXiv:2005.14038", ("2005.14038", None)),
        ("https://arxiv.org/abs/2005.14038v3", ("2005.14038", 3)),
        ("http://arxiv.org/pdf/2005.14038v1.pdf", ("2005.14038", 1)),
        ("https://arxiv.org/pdf/2005.14038", ("2005.14038", None)),
        ("cs/0112017", ("cs/0112017", None)),
        ("arXiv:cs/0112017v1", ("cs/0112017", 1)),
        ("math.GT/0309136", ("math.GT/0309136", None)),
        (" 2411.01075 ", ("2411.01075", None)),
    ],
)
def test_it_accepts_every_form_people_paste(raw, expected):
    assert parse_arxiv_id(raw) == expected


@pytest.mark.parametrize("raw", ["", "hello", "2005.140", "https://example.com/abs/2005.14038", "10.1145/1"])
def test_it_rejects_what_is_not_an_arxiv_id(raw):
    with pytest.raises(InvalidIdentifier):
        parse_arxiv_id(raw)


def test_doi_loses_resolver_prefix_and_blank_becomes_none():
    assert normalize_doi("https://doi.org/10.1145/3600006.3613152") == "10.1145/3600006.3613152"
    assert normalize_doi("doi:10.1145/X") == "10.1145/X"
    assert normalize_doi("  ") is None
    assert normalize_doi(None) is None
    with pytest.raises(InvalidIdentifier):
        normalize_doi("not a doi")


def test_title_key_ignores_case_accents_and_punctuation():
    assert normalize_title("HetPipe: Enabling  Large DNN") == normalize_title("hetpipe - enabling large dnn")
    assert normalize_title("Ré") == "re"
