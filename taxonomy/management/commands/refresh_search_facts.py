from django.core.management.base import BaseCommand

from taxonomy.search_facts import refresh_all_search_facts


class Command(BaseCommand):
    help = (
        "Rewrite every paper's search facts (categories, approach, techniques, hardware, baselines) from the "
        "taxonomy; needed once for a database loaded before search indexed them. Writes only what changed."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Search facts rewritten for {refresh_all_search_facts()} papers.")
