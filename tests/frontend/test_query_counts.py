"""Each page runs a bounded number of queries, the same for 9 papers as for the whole catalogue."""

import pytest

from taxonomy.catalogue import load_catalogue

pytestmark = pytest.mark.django_db

# Pages that show evaluation facts read six more: the paper's summary, setups, their GPU rows, results,
# baselines and models, one query each whatever the number of papers.
PAGES = [
    ("/", 14),
    ("/?partial=1&q=pipeline&technique=ilp&workload=training&category=inter-pipeline&year_min=2020", 19),
    ("/?q=hetp&page=1&ordering=-year&has_code=false", 15),
    ("/?q=hetrogeneous", 16),  # a typo: the SQLite fallback retries with a corrected word
    ("/taxonomy/", 6),
    ("/categories/inter-pipeline/", 15),
    ("/papers/park2020hetpipe/", 15),
    ("/compare/?papers=park2020hetpipe,mei2025helix,jang2023oobleck,li2022amp", 12),
    ("/compare/?papers=park2020hetpipe,mei2025helix&format=bib", 12),
]


@pytest.mark.parametrize("url,limit", PAGES)
def test_page_query_count_is_bounded(client, seed, django_assert_max_num_queries, url, limit):
    with django_assert_max_num_queries(limit):
        response = client.get(url)
    assert response.status_code == 200


def test_query_counts_do_not_grow_with_the_catalogue(client, django_assert_max_num_queries):
    load_catalogue()  # the whole catalogue (87 papers), once for every page
    for url, limit in PAGES:
        with django_assert_max_num_queries(limit):
            response = client.get(url)
        assert response.status_code == 200
