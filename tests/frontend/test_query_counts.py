"""Each page runs a bounded number of queries, the same for 9 papers as for the whole catalogue."""

import pytest

from taxonomy.catalogue import load_catalogue

pytestmark = pytest.mark.django_db

# Pages that show evaluation facts read six more: the paper's summary, setups, their GPU rows, results,
# baselines and models, one query each whatever the number of papers. The search page's GPU, vendor and
# yes/no facets read three: the GPU types, the counts per GPU model, one aggregate for vendors and flags
# (which also counts the papers with code, once a query of its own).
PAGES = [
    ("/", 16),
    ("/?partial=1&q=pipeline&technique=ilp&workload=training&category=inter-pipeline&year_min=2020", 21),
    ("/?q=hetp&page=1&ordering=-year&has_code=false", 17),
    ("/?q=hetrogeneous", 18),  # a typo: the SQLite fallback retries with a corrected word
    ("/?gpu=A100&vendor=nvidia&min_gpus=8&max_gpus=512&baseline=hexgen&open_source=true&mixed_gpus=true", 19),
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
