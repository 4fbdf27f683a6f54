from django.apps import AppConfig


class PapersConfig(AppConfig):
    name = "papers"
    verbose_name = "Papers"

    def ready(self):
        from papers.models import Author, Authorship, CandidatePaper, IngestRun, Paper
        from papers.signals import announce_changes_of

        # The catalogue changed when a paper or its authors change (CandidatePaper: the
        # admin inbox saves through the proxy, whose signals name it, not Paper).
        announce_changes_of(Paper, CandidatePaper, Author, Authorship)
        # Ingestion writes papers in bulk, without per-row signals; every run ends by saving its finished
        # state (done or failed) in the same or a later transaction.
        announce_changes_of(IngestRun, when=lambda run: run.is_finished)
