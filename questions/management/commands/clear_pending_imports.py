from __future__ import annotations

from django.core.management.base import BaseCommand

from questions.models import PendingImport


class Command(BaseCommand):
    help = "Delete admin YAML imports that were previewed but never confirmed and have expired."

    def handle(self, *args, **options) -> None:
        deleted, _ = PendingImport.objects.expired().delete()
        self.stdout.write(f"Deleted {deleted} expired pending import(s).")
