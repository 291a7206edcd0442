from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from questions.bankformat import field_table, replace_table

DOCS = Path(settings.BASE_DIR) / "docs" / "yaml-format.md"


class Command(BaseCommand):
    help = (
        "Print the bank format's field table (Markdown), generated from questions/bankformat.py; "
        "with --write, regenerate it in docs/yaml-format.md."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--write", action="store_true", help=f"update the table in {DOCS.name}")

    def handle(self, *args, write: bool, **options) -> None:
        if not write:
            self.stdout.write(field_table(), ending="")
            return
        DOCS.write_text(replace_table(DOCS.read_text(encoding="utf-8")), encoding="utf-8")
        self.stderr.write(f"Updated the field table in {DOCS}")
