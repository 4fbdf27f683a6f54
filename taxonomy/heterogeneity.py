"""What is heterogeneous, from the facts: the corpus's catch-all "other" replaced by the kinds the evaluation
setups, placements and techniques show (mixed GPU types, cross-vendor, uneven sizes, volatile availability).

A kind is derived only from recorded facts, with an evidence pointer saying which; when none applies the
paper keeps "other".
"""

from papers.models import Paper
from taxonomy.models import DimensionValue, Setup, Term

VOLATILE_CATEGORIES = {"preemptible-fault-tolerant"}
VOLATILE_TECHNIQUES = {"failure-recovery", "replication-fault-tolerance", "spot-on-demand-mix"}
UNEVEN_SIZE_TECHNIQUES = {"batch-redistribution", "pipeline-templates"}


def _vendor(row) -> str:
    if row.gpu_type is not None:
        return row.gpu_type.vendor
    text = row.type_text.lower()
    return "AMD" if "amd" in text else row.type_text  # an unnamed accelerator counts as its own vendor


def derived_kinds(paper: Paper) -> list[tuple[str, str]]:
    """(heterogeneity term slug, evidence) for what the paper's recorded facts show."""
    setups = list(Setup.objects.filter(paper=paper).prefetch_related("gpus__gpu_type"))
    techniques = set(
        DimensionValue.objects.filter(paper=paper, dimension__slug="technique").values_list("term__slug", flat=True)
    )
    categories = set(paper.placements.values_list("category__slug", flat=True))
    kinds = []
    mixed = [n for n, setup in enumerate(setups, start=1) if setup.mixed_gpu_types]
    if mixed:
        kinds.append(("mixed-gpu-types", f"derived: evaluation setup {', '.join(map(str, mixed))} mixes GPU types"))
    if any(len({_vendor(row) for row in setup.gpus.all()}) >= 2 for setup in setups):
        kinds.append(("cross-vendor", "derived: an evaluation setup combines GPUs of different vendors"))
    if techniques & UNEVEN_SIZE_TECHNIQUES and not mixed:
        kinds.append(("uneven-sizes", "derived: balances pipelines of different sizes on identical GPUs"))
    if categories & VOLATILE_CATEGORIES or techniques & VOLATILE_TECHNIQUES:
        kinds.append(("volatile-availability", "derived: placed among preemptible / fault-tolerant systems"))
    return kinds


def refine_other(paper: Paper) -> int:
    """Replace the paper's "other" heterogeneity value by the kinds its facts show; how many were added."""
    other = DimensionValue.objects.filter(paper=paper, dimension__slug="heterogeneity", term__slug="other").first()
    if other is None:
        return 0
    held = set(
        DimensionValue.objects.filter(paper=paper, dimension=other.dimension).values_list("term__slug", flat=True)
    )
    new = [(slug, evidence) for slug, evidence in derived_kinds(paper) if slug not in held]
    if not new:
        return 0
    terms = {t.slug: t for t in Term.objects.filter(dimension=other.dimension, slug__in=[s for s, _ in new])}
    DimensionValue.objects.bulk_create(
        DimensionValue(
            paper=paper,
            dimension=other.dimension,
            term=terms[slug],
            evidence=evidence,
            confirmed=other.confirmed,
            position=other.position + offset,
        )
        for offset, (slug, evidence) in enumerate(new)
        if slug in terms
    )
    other.delete()
    return len(new)
