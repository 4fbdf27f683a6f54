"""Reads about papers and their ingestion that doors show (admin pages, the API)."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from papers.models import IngestRun, Paper


@dataclass
class SourceHealth:
    kind: str
    label: str
    last_success: IngestRun | None
    recent_failures: list[IngestRun]


def ingestion_health(*, days: int = 7) -> dict:
    """Per source: last successful pull, recent failures; whether arXiv is in backoff; flagged papers."""
    since = timezone.now() - timedelta(days=days)
    sources = []
    for kind in IngestRun.Kind:
        runs = IngestRun.objects.filter(kind=kind)
        failures = runs.filter(state=IngestRun.State.FAILED, finished_at__gte=since).order_by("-finished_at")
        sources.append(
            SourceHealth(
                kind=kind.value,
                label=kind.label,
                last_success=runs.filter(state=IngestRun.State.DONE).order_by("-finished_at").first(),
                recent_failures=list(failures[:10]),
            )
        )
    return {
        "sources": sources,
        "arxiv_backoff": list(IngestRun.objects.in_arxiv_backoff().order_by("next_attempt_at")),
        "flagged": list(Paper.objects.flagged().order_by("-updated_at")[:100]),
        "flagged_count": Paper.objects.flagged().count(),
        "candidate_count": Paper.objects.candidates().count(),
        "days": days,
    }
