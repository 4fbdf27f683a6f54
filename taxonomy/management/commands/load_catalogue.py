from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from taxonomy.catalogue import CatalogueError, load_catalogue


class Command(BaseCommand):
    help = "Load the curated catalogue from fixtures/ (idempotent: existing rows are never overwritten)."

    def add_arguments(self, parser):
        parser.add_argument(
            "files",
            nargs="*",
            type=Path,
            help="Catalogue YAML files; default fixtures/seed.yaml then fixtures/catalogue-*.yaml.",
        )

    def handle(self, *args, files, **options):
        try:
            report = load_catalogue(catalogue_paths=files or None)
        except (CatalogueError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.summary())
