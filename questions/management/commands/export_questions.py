from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from questions.exporter import bank_data, dump


class Command(BaseCommand):
    help = "Write the whole question bank out in the import_questions YAML format."

    def add_arguments(self, parser) -> None:
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, output: str | None, **options) -> None:
        text = dump(bank_data())
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output}")
        else:
            sys.stdout.write(text)
