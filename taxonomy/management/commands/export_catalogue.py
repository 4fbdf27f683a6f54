import json

from django.core.management.base import BaseCommand

from taxonomy.backup import export_catalogue


class Command(BaseCommand):
    help = "Write the whole catalogue (papers, authors, taxonomy, values, history, provenance) as one JSON file."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Where to write the JSON document ('-' for standard output).")

    def handle(self, *args, file, **options):
        document = export_catalogue()
        text = json.dumps(document, ensure_ascii=False, indent=1)
        if file == "-":
            self.stdout.write(text)
            return
        with open(file, "w", encoding="utf-8") as handle:
            handle.write(text)
        self.stderr.write(f"{len(document['objects'])} rows written to {file}")
