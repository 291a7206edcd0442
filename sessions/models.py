"""Mock interviews: a candidate answers questions against the clock and scores themself.

An :class:`InterviewSession` belongs either to a user or, for anonymous
candidates, to a random token kept in their browser's Django session. Its
questions are fixed when it starts (:class:`InterviewQuestion`, one row per
position). The server owns the clock: ``served_at`` is stamped the first time
a question is shown, and the deadline follows from it. An :class:`Answer` is
one row per interview question, so a repeated submission can never add a
second one or overwrite the first.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from questions.models import Company, Level, Question, Topic

# Network allowance: an answer this late after the deadline still counts as on time.
GRACE = timedelta(seconds=2)

SCORE_LABELS = {
    1: "Missed it",
    2: "Weak",
    3: "Partial",
    4: "Solid",
    5: "Interview-ready",
}
LOW_SCORE = 3  # scores at or below this are "worth practising again"


class OwnedQuerySet(models.QuerySet):
    """Rows that belong to a user or, for anonymous candidates, to a browser token."""

    def owned_by(self, owner: Owner):
        if owner.user is not None:
            return self.filter(user=owner.user)
        if owner.token:
            return self.filter(user=None, anon_token=owner.token)
        return self.none()


class InterviewSessionQuerySet(OwnedQuerySet):
    def active(self) -> InterviewSessionQuerySet:
        return self.filter(status=InterviewSession.Status.ACTIVE)


# Where an anonymous candidate's random token lives in their Django session.
CANDIDATE_KEY = "candidate"


class Owner:
    """Who is asking: a signed-in user, or an anonymous browser's token (maybe none yet)."""

    def __init__(self, user=None, token: str = "") -> None:
        self.user = user if user is not None and user.is_authenticated else None
        self.token = token

    @classmethod
    def from_request(cls, request, *, create: bool = False) -> Owner:
        """The person behind ``request``; with ``create``, an anonymous browser gets a token once."""
        if create and not request.user.is_authenticated and not request.session.get(CANDIDATE_KEY):
            request.session[CANDIDATE_KEY] = secrets.token_urlsafe(32)
        return cls(request.user, request.session.get(CANDIDATE_KEY, ""))


class InterviewSession(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Unfinished"
        FINISHED = "finished", "Finished"
        ABANDONED = "abandoned", "Abandoned"

    # Random, so interview URLs cannot be guessed or enumerated.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interviews",
    )
    anon_token = models.CharField(max_length=64, blank=True, db_index=True)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    level = models.ForeignKey(Level, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    seconds_per_answer = models.PositiveSmallIntegerField(default=30)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = InterviewSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seconds_per_answer__gte=10, seconds_per_answer__lte=300),
                name="interview_seconds_in_range",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(anon_token=""), name="interview_has_owner"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "finished", "abandoned"]),
                name="interview_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["user", "status", "-created"])]

    def __str__(self) -> str:
        return f"Interview {self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        if self.status == self.Status.ACTIVE:
            return reverse("sessions:run", args=[self.pk])
        return reverse("sessions:summary", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def filters_label(self) -> str:
        parts = [str(x) for x in (self.topic, self.level, self.company) if x is not None]
        return " · ".join(parts) if parts else "Any topic, level and company"

    def finish(self, *, now: datetime | None = None) -> bool:
        """Mark finished; False if it already was finished or abandoned (first call wins)."""
        return self._end(self.Status.FINISHED, now or timezone.now())

    def abandon(self, *, now: datetime | None = None) -> bool:
        """Mark abandoned (what was answered stays); False if it had already ended."""
        return self._end(self.Status.ABANDONED, now or timezone.now())

    def _end(self, status: str, now: datetime) -> bool:
        # A conditional UPDATE, so two racing requests cannot both end the interview.
        done = InterviewSession.objects.filter(pk=self.pk, status=self.Status.ACTIVE).update(
            status=status, finished_at=now
        )
        if done:
            self.status, self.finished_at = status, now
        return bool(done)


class InterviewQuestion(models.Model):
    """The question at one position of one interview, and when it was first shown."""

    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="interview_items")
    served_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="item_unique_position"),
            models.UniqueConstraint(fields=["session", "question"], name="item_unique_question"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} #{self.position}"

    def deadline(self, seconds: int) -> datetime | None:
        return self.served_at + timedelta(seconds=seconds) if self.served_at else None


class Answer(models.Model):
    """What the candidate typed for one interview question, and how they scored it.

    The one-to-one key is the guarantee that an answer is stored once: a second
    submission of the same question hits the unique constraint and the first
    answer stands.
    """

    item = models.OneToOneField(InterviewQuestion, on_delete=models.CASCADE, related_name="answer")
    text = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    elapsed_ms = models.PositiveIntegerField(help_text="From first shown to submitted.")
    overtime = models.BooleanField(default=False)
    score = models.PositiveSmallIntegerField(null=True, blank=True, choices=list(SCORE_LABELS.items()))
    covered = models.JSONField(default=list, blank=True, help_text="Positions of the key points covered.")
    key_point_count = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="answer_score_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.item}"

    def record_score(
        self, *, score: int, covered: list[int], note: str = "", now: datetime | None = None
    ) -> bool:
        """Save the self-score while the interview is still running; False once it has finished."""
        now = now or timezone.now()
        covered = sorted({p for p in covered if 1 <= p <= self.key_point_count})
        changed = Answer.objects.filter(
            pk=self.pk, item__session__status=InterviewSession.Status.ACTIVE
        ).update(score=score, covered=covered, note=note, scored_at=now)
        if changed:
            self.score, self.covered, self.note, self.scored_at = score, covered, note, now
        return bool(changed)

    @property
    def seconds(self) -> int:
        return round(self.elapsed_ms / 1000)

    @property
    def covered_count(self) -> int:
        return len(self.covered)


class ReviewCard(models.Model):
    """One candidate's spaced-repetition schedule for one question (FSRS card state).

    ``card`` is ``fsrs.Card.to_dict()``; ``due`` is copied out of it so "what is
    due" is an indexed query. ``previous_card`` and ``last_answer`` let a
    candidate change a score before finishing: the review is then redone from
    the state before that answer instead of counting twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="review_cards"
    )
    anon_token = models.CharField(max_length=64, blank=True, db_index=True)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    card = models.JSONField()
    previous_card = models.JSONField(null=True, blank=True)
    last_answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due = models.DateTimeField(db_index=True)
    last_review = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["due"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "question"], condition=Q(user__isnull=False), name="card_unique_per_user"
            ),
            models.UniqueConstraint(
                fields=["anon_token", "question"],
                condition=Q(user__isnull=True),
                name="card_unique_per_browser",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(anon_token=""), name="card_has_owner"
            ),
        ]

    def __str__(self) -> str:
        return f"Card {self.question_id} due {self.due:%Y-%m-%d %H:%M}"


def new_share_token() -> str:
    # 32 random bytes from the OS (256 bits), URL-safe: a capability, not derived from any id.
    return secrets.token_urlsafe(32)


class ShareLinkQuerySet(models.QuerySet):
    def live(self, *, now: datetime | None = None) -> ShareLinkQuerySet:
        now = now or timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ShareLink(models.Model):
    """A public, read-only link to a finished interview's report."""

    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="share_links")
    token = models.CharField(max_length=64, unique=True, default=new_share_token, editable=False)
    include_answers = models.BooleanField(default=True)
    show_name = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            # One live link per interview, held by the database (see sessions/share_links.py).
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(revoked_at__isnull=True),
                name="share_link_one_unrevoked_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"Share link for {self.session_id}"

    def get_absolute_url(self) -> str:
        return reverse("report", args=[self.token])

    def revoke(self, *, now: datetime | None = None) -> None:
        self.revoked_at = now or timezone.now()
        self.save(update_fields=["revoked_at"])
