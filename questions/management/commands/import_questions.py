from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from questions.importer import import_paths

MAX_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import questions from YAML files or folders. Everything is validated first; "
        "then everything is written in one transaction, or nothing is."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", help="YAML files, or folders of them")
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")

    def handle(self, *args, paths: list[str], dry_run: bool, **options) -> None:
        bank, report = import_paths(paths, dry_run=dry_run)
        if report is None:
            for problem in bank.problems[:MAX_SHOWN]:
                self.stderr.write(str(problem))
            more = len(bank.problems) - MAX_SHOWN
            if more > 0:
                self.stderr.write(f"... and {more} more")
            raise CommandError(f"{len(bank.problems)} problem(s) found; nothing was imported.")
        prefix = "Dry run, nothing written. Would import: " if dry_run else ""
        if prefix:
            self.stdout.write(prefix)
        for line in report.lines():
            self.stdout.write(line)
