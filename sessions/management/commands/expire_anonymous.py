"""manage.py expire_anonymous [--days N] [--dry-run]: delete what anonymous browsers left and never claimed.

Run it daily (cron, a systemd timer or the task worker). An anonymous
candidate's interviews and review schedule are reachable only through the
token in their browser's Django session; once that browser has been quiet
for ``--days`` (default ``PREPSITE_ANONYMOUS_RETENTION_DAYS``, 30), all of it
goes: interviews, their questions and answers, share links, review cards and
the interview date.
A browser that was active recently keeps everything, old interviews included.
Accounts are never touched. Stale Django sessions are Django's own
``clearsessions`` command.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sessions.models import Answer, InterviewPlan, InterviewSession, ReviewCard


def stale_anonymous(
    *, cutoff: datetime
) -> tuple[QuerySet[InterviewSession], QuerySet[ReviewCard], QuerySet[InterviewPlan]]:
    """Anonymous interviews, review cards and interview dates of browsers with no activity since ``cutoff``.

    Activity is anything stamped on their rows: starting or ending an interview,
    a question shown, an answer submitted or scored, a card reviewed, an interview date set.
    """
    anonymous = InterviewSession.objects.filter(user=None)
    active_tokens = anonymous.filter(
        Q(created__gte=cutoff)
        | Q(finished_at__gte=cutoff)
        | Q(items__served_at__gte=cutoff)
        | Q(items__answer__submitted_at__gte=cutoff)
        | Q(items__answer__scored_at__gte=cutoff)
    ).values("anon_token")
    reviewed_tokens = ReviewCard.objects.filter(user=None, last_review__gte=cutoff).values("anon_token")
    planned_tokens = InterviewPlan.objects.filter(user=None, updated__gte=cutoff).values("anon_token")

    def stale(qs: QuerySet) -> QuerySet:
        return (
            qs.filter(user=None)
            .exclude(anon_token__in=active_tokens)
            .exclude(anon_token__in=reviewed_tokens)
            .exclude(anon_token__in=planned_tokens)
        )

    return (
        stale(InterviewSession.objects.all()),
        stale(ReviewCard.objects.all()),
        stale(InterviewPlan.objects.all()),
    )


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class Command(BaseCommand):
    help = "Delete what browsers quiet for N days left: interviews, answers, review cards, interview dates."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="days without activity (default: PREPSITE_ANONYMOUS_RETENTION_DAYS, 30)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would be deleted; delete nothing"
        )

    def handle(self, *args, days: int | None, dry_run: bool, **options) -> None:
        days = settings.PREPSITE_ANONYMOUS_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1")
        cutoff = timezone.now() - timedelta(days=days)
        with transaction.atomic():
            interviews, cards, plans = stale_anonymous(cutoff=cutoff)
            tokens = set(interviews.values_list("anon_token", flat=True))
            tokens |= set(cards.values_list("anon_token", flat=True))
            tokens |= set(plans.values_list("anon_token", flat=True))
            counts = (
                plural(interviews.count(), "anonymous interview"),
                plural(Answer.objects.filter(item__session__in=interviews).count(), "answer"),
                plural(cards.count(), "review card"),
                plural(len(tokens), "browser"),
            )
            if not dry_run:
                # Cards first: deleting answers would otherwise update their last_answer to NULL.
                cards.delete()
                interviews.delete_with_recordings()
                plans.delete()
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            "{} {} ({}) and {} from {} inactive since {:%Y-%m-%d %H:%M} UTC.".format(verb, *counts, cutoff)
        )
