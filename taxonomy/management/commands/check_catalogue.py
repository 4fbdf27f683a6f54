from django.core.management.base import BaseCommand, CommandError

from taxonomy.checks import check_catalogue
from taxonomy.gaps import data_gaps


class Command(BaseCommand):
    help = (
        "Print the catalogue's counts (papers, per category, per workload, per technique), its data gaps (the "
        "curators' to-do list) and its data-quality problems; exit non-zero when there are problems (gaps are "
        "not problems)."
    )

    def handle(self, *args, **options):
        report = check_catalogue()
        self.stdout.write(f"Papers: {report.papers}")
        self.stdout.write("Per category (papers in the subtree):")
        for depth, slug, name, count in report.per_category:
            self.stdout.write(f"  {'  ' * depth}{slug}: {count}  ({name})")
        for dimension, counts in report.per_term.items():
            self.stdout.write(f"Per {dimension}:")
            for slug, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
                self.stdout.write(f"  {slug}: {count}")
        self.write_gaps()
        if report.ok:
            self.stdout.write("No problems found.")
            return
        self.stdout.write(f"Problems ({len(report.problems)}):")
        for problem in report.problems:
            self.stdout.write(f"  {problem}")
        raise CommandError(f"{len(report.problems)} data-quality problem(s) in the catalogue.")

    def write_gaps(self):
        gaps = data_gaps()
        self.stdout.write(f"Data gaps ({gaps.total}; a to-do list, not problems):")
        for section in gaps.sections:
            self.stdout.write(f"  {section.title}: {section.count}")
            if section.count:
                self.stdout.write(f"    to do: {section.todo}")
            for what, count in section.breakdown:
                self.stdout.write(f"    {what}: {count}")
            for item in section.items:
                self.stdout.write(f"    {item.citation_key or item.label}: {item.detail}")
            if section.items and section.sampled:
                self.stdout.write(f"    ... and {section.count - len(section.items)} more")
