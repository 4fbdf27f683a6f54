import json

from django.core.management.base import BaseCommand, CommandError

from taxonomy.backup import BackupError, import_catalogue


class Command(BaseCommand):
    help = "Restore a catalogue written by export_catalogue into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The JSON document written by export_catalogue.")

    def handle(self, *args, file, **options):
        try:
            with open(file, encoding="utf-8") as handle:
                counts = import_catalogue(json.load(handle))
        except (OSError, json.JSONDecodeError, BackupError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(", ".join(f"{label}: {n}" for label, n in counts.items()))
