"""The cleaned-up vocabulary: families, merged terms, one meaning per slug, old filter values still working,
and the catch-all heterogeneity "other" replaced by kinds the facts show."""

import pytest

from taxonomy.catalogue import DIMENSIONS_PATH, load_catalogue
from taxonomy.models import Dimension, DimensionValue, Setup, Term
from taxonomy.vocabulary import load_dimensions
from tests.support.corpus import read_yaml

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(db):
    return load_catalogue()


def keys(api, query: str) -> set[str]:
    body = api.get(f"/api/papers/?{query}&page_size=100").json()
    return {row["citation_key"] for row in body["results"]}


def holders(*term_slugs: str, dimension: str = "technique") -> set[str]:
    values = DimensionValue.objects.filter(dimension__slug=dimension, term__slug__in=term_slugs)
    return set(values.values_list("paper__citation_key", flat=True))


def test_a_family_finds_its_members(api, catalogue):
    family = keys(api, "technique=mathematical-programming")
    assert family == holders("ilp", "milp", "linear-programming") and family
    assert keys(api, "technique=ilp") < family


def test_merged_and_renamed_terms_answer_to_their_old_slugs(api, catalogue):
    assert not Term.objects.filter(dimension__slug="technique", slug="cost-model").exists()
    assert keys(api, "technique=cost-model") == keys(api, "technique=cost-model-search") == holders("cost-model-search")
    assert keys(api, "technique=cluster-scheduling") == holders("gpu-type-allocation")
    assert keys(api, "heterogeneity=cluster-scheduling") == holders("shared-cluster", dimension="heterogeneity")


def test_no_slug_means_two_things(catalogue):
    slugs = list(Term.objects.values_list("slug", flat=True))
    assert len(slugs) == len(set(slugs))
    assert "cluster-scheduling" not in slugs  # the category keeps it


def test_a_database_loaded_before_the_clean_up_is_renamed_and_merged_on_the_next_load(db):
    technique = Dimension.objects.create(slug="technique", name="Technique")
    old = Term.objects.create(dimension=technique, slug="cluster-scheduling", name="Cluster scheduling")
    cost = Term.objects.create(dimension=technique, slug="cost-model", name="Cost model")
    kept = Term.objects.create(dimension=technique, slug="cost-model-search", name="Cost model + search")

    load_dimensions(read_yaml(DIMENSIONS_PATH)["dimensions"])

    old.refresh_from_db()
    assert old.slug == "gpu-type-allocation" and old.former_slugs == ["cluster-scheduling"]
    assert not Term.objects.filter(pk=cost.pk).exists()
    assert Term.objects.get(pk=kept.pk).former_slugs == ["cost-model"]


def test_other_becomes_the_kinds_the_facts_show(catalogue):
    mixed_setups = {s.paper.citation_key for s in Setup.objects.prefetch_related("gpus__gpu_type") if s.mixed_gpu_types}
    mixed = holders("mixed-gpu-types", dimension="heterogeneity")
    assert mixed and mixed <= mixed_setups
    assert "xu2024hethub" in holders("cross-vendor", dimension="heterogeneity")
    still_other = holders("other", dimension="heterogeneity")
    assert not still_other & mixed  # a paper whose facts say what it is is no longer "other"
    derived = DimensionValue.objects.filter(term__slug__in=["mixed-gpu-types", "cross-vendor", "volatile-availability"])
    assert derived.exists() and all(value.evidence.startswith("derived:") for value in derived)


def test_layer_partitioning_is_a_term_where_the_facts_say_so(api, catalogue):
    found = keys(api, "technique=layer-partitioning")
    assert {"park2020hetpipe", "liu2023heterps", "zhang2020pipetorch"} <= found
    hetpipe = DimensionValue.objects.get(paper__citation_key="park2020hetpipe", term__slug="layer-partitioning")
    assert hetpipe.evidence.startswith("§7") and hetpipe.confirmed is False
