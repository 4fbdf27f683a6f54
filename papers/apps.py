from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = "Papers"

    def ready(self):
        from config.response_cache import invalidate_on_change
        from papers.models import Author, Authorship, CandidatePaper, IngestRun, Paper

        # Cached API responses and counts go stale when a paper or its authors change (CandidatePaper: the
        # admin inbox saves through the proxy, whose signals name it, not Paper).
        invalidate_on_change(Paper, CandidatePaper, Author, Authorship)
        # Ingestion writes papers in bulk, without per-row signals; every run ends by saving its finished
        # state (done or failed) in the same or a later transaction.
        invalidate_on_change(IngestRun, when=lambda run: run.is_finished)
