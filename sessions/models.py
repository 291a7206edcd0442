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
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import Count, Min, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from questions.models import Company, FollowUp, KeyPoint, Level, Question, Topic
from speech.keypoints import detect as detect_key_points

# Network allowance: an answer this late after the deadline still counts as on time.
GRACE = timedelta(seconds=2)


def deadline_after(served_at: datetime | None, seconds: int) -> datetime | None:
    """When an answer shown at ``served_at`` is due: the one place a deadline is computed."""
    return served_at + timedelta(seconds=seconds) if served_at is not None else None


def timing_at(served_at: datetime, deadline: datetime, now: datetime, *, ran_out: bool = False) -> dict:
    """An answer's timing fields when it arrives at ``now``: elapsed, overtime (past the grace), ran out.

    ``ran_out`` says the runner sent it because the clock reached 0; an answer
    arriving after the deadline has run out of time whatever it says.
    """
    return {
        "elapsed_ms": max(0, int((now - served_at).total_seconds() * 1000)),
        "overtime": now > deadline + GRACE,
        "ran_out": ran_out or now > deadline,
    }


class Timed:
    """What answers to a clock share (answers and follow-up answers): how they relate to it."""

    @property
    def timing(self) -> str:
        """One of "overtime", "ran_out" (cut off at 0) or "on_time"."""
        if self.overtime:
            return "overtime"
        return "ran_out" if self.ran_out else "on_time"


def clock_at(deadline: datetime, seconds: int, now: datetime | None = None) -> Clock:
    return Clock(seconds, int((deadline - (now or timezone.now())).total_seconds() * 1000))


# What a new interview offers unless the candidate chooses otherwise.
DEFAULT_SECONDS = 30
DEFAULT_COUNT = 5
# The most questions one interview holds.
MAX_COUNT = 20


class Score(models.IntegerChoices):
    """The self-score scale, 1 to 5, with the words the candidate picks from."""

    MISSED = 1, "Missed it"
    WEAK = 2, "Weak"
    PARTIAL = 3, "Partial"
    SOLID = 4, "Solid"
    READY = 5, "Interview-ready"

    @classmethod
    def suggested(cls, covered: int, total: int) -> Score:
        """A starting point for the self-score from the share of key points covered."""
        if total <= 0:
            return cls.PARTIAL
        share = covered / total
        if share == 0:
            return cls.MISSED
        if share < 0.4:
            return cls.WEAK
        if share < 0.75:
            return cls.PARTIAL
        if share < 1:
            return cls.SOLID
        return cls.READY

    @classmethod
    def suggestions(cls, total: int) -> list[int]:
        """The suggestion for 0, 1, ... ``total`` key points covered (the reveal's script shows it)."""
        return [int(cls.suggested(covered, total)) for covered in range(total + 1)]


class AnswerBy(models.TextChoices):
    """How the candidate answers: typing in a box, or speaking into the microphone."""

    TYPING = "typing", "Typing"
    SPEAKING = "speaking", "Speaking"

    @classmethod
    def remembered(cls, request) -> str:
        """The choice this browser made last time (kept in its Django session), else typing."""
        choice = request.session.get(ANSWER_BY_KEY, "")
        return choice if choice in cls.values else cls.TYPING

    @classmethod
    def remember(cls, request, choice: str) -> None:
        request.session[ANSWER_BY_KEY] = choice


# Where the last choice of typing or speaking is remembered, in the browser's Django session.
ANSWER_BY_KEY = "answer_by"


# A question scored at or below this is "worth practising again" (the summary's retry button).
RETRY_AT_OR_BELOW = Score.PARTIAL


def percent_of_max(score_sum: int | float | None, scored: int) -> int | None:
    """``score_sum`` over ``scored`` answers as a whole percentage of the best possible; None if none."""
    if not scored or score_sum is None:
        return None
    return round(100 * score_sum / (Score.READY * scored))


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

    def delete_with_recordings(self) -> int:
        """Delete these interviews with their answers, and their recordings from storage once committed."""
        names = list(
            Answer.objects.filter(item__session__in=self.values("pk"))
            .exclude(recording="")
            .values_list("recording", flat=True)
        )
        count, _ = self.delete()
        storage = Answer._meta.get_field("recording").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])
        return count

    def with_filters(self) -> InterviewSessionQuerySet:
        """With the topic, level and company it was started with (pages that name them)."""
        return self.select_related("topic", "level", "company")

    def get_owned_or_404(self, owner: Owner, pk) -> InterviewSession:
        """The interview ``pk`` if it belongs to ``owner``, else 404 (never 403: no hint it exists)."""
        return get_object_or_404(self.owned_by(owner), pk=pk)


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

    def fields(self) -> dict:
        """The owner as the ``user``/``anon_token`` fields of a row it owns (to create or look one up)."""
        if self.user is not None:
            return {"user": self.user}
        if not self.token:
            raise ValueError("An anonymous owner needs a token first (Owner.from_request(..., create=True)).")
        return {"user": None, "anon_token": self.token}


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
    seconds_per_answer = models.PositiveSmallIntegerField(default=DEFAULT_SECONDS)
    answer_by = models.CharField(max_length=10, choices=AnswerBy.choices, default=AnswerBy.TYPING)
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

    def all_items(self, *, key_points: bool = False) -> list[InterviewQuestion]:
        """Every question of this interview with its answer (for reports), in a fixed number of queries."""
        return list(self.items.shown_with_answers(key_points=key_points, follow_ups=True))

    def low_scored_question_ids(self) -> list[int]:
        return list(
            Answer.objects.filter(item__session=self, score__lte=RETRY_AT_OR_BELOW)
            .order_by("item__position")
            .values_list("item__question_id", flat=True)
        )


class InterviewQuestionQuerySet(models.QuerySet):
    def shown_with_answers(
        self, *, key_points: bool = False, follow_ups: bool = False
    ) -> InterviewQuestionQuerySet:
        """With everything a report shows of a question and its answer (the runner reads through
        sessions/runner_state.py); key points and follow-up answers only when asked for."""
        prefetch: list = ["question__topics", "question__companies"]
        if follow_ups:
            prefetch.append("follow_up_answers")
        if key_points:
            prefetch.append(Prefetch("question__key_points", queryset=KeyPoint.objects.order_by("position")))
        return self.select_related("question__level", "answer").prefetch_related(*prefetch)


class InterviewQuestion(models.Model):
    """The question at one position of one interview, and when it was first shown."""

    session = models.ForeignKey(InterviewSession, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="interview_items")
    served_at = models.DateTimeField(null=True, blank=True)
    review = models.BooleanField(
        default=False, help_text="Drawn because the candidate's review schedule said it was due."
    )

    objects = InterviewQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["session", "position"]
        constraints = [
            models.UniqueConstraint(fields=["session", "position"], name="item_unique_position"),
            models.UniqueConstraint(fields=["session", "question"], name="item_unique_question"),
        ]

    def __str__(self) -> str:
        return f"{self.session_id} #{self.position}"

    @property
    def is_served(self) -> bool:
        """Shown to the candidate at least once: only then may its prompt appear anywhere."""
        return self.served_at is not None

    @property
    def is_answered(self) -> bool:
        return hasattr(self, "answer")

    def previous_answer(self) -> Answer | None:
        """The candidate's latest scored answer to this question in another interview (one query)."""
        session = self.session
        owner = (
            {"user": session.user_id} if session.user_id else {"user": None, "anon_token": session.anon_token}
        )
        others = InterviewSession.objects.filter(**owner).exclude(pk=session.pk)
        return (
            Answer.objects.filter(
                item__question_id=self.question_id,
                item__session__in=others.values("pk"),
                score__isnull=False,
            )
            # Rows scored before scored_at existed have none: on PostgreSQL NULLs would sort first.
            .order_by(models.F("scored_at").desc(nulls_last=True), "-submitted_at")
            .first()
        )

    @property
    def deadline(self) -> datetime | None:
        return deadline_after(self.served_at, self.session.seconds_per_answer)

    def serve(self, *, now: datetime | None = None) -> None:
        """Stamp the moment the question is first shown; later views keep the first stamp."""
        if self.served_at is None:
            now = now or timezone.now()
            if InterviewQuestion.objects.filter(pk=self.pk, served_at__isnull=True).update(served_at=now):
                self.served_at = now
            else:
                # Another request served it first: its stamp stands.
                self.served_at = InterviewQuestion.objects.values_list("served_at", flat=True).get(pk=self.pk)

    def clock(self, *, now: datetime | None = None) -> Clock:
        """The time left to answer, serving the question first if it was not yet shown."""
        self.serve(now=now)
        return clock_at(self.deadline, self.session.seconds_per_answer, now)

    class NotServed(Exception):
        """The question was never shown, so it cannot be answered (its clock never started)."""

    def record_answer(
        self,
        *,
        text: str,
        ran_out: bool = False,
        recording: Recording | None = None,
        now: datetime | None = None,
    ) -> tuple[Answer, bool]:
        """Store the candidate's answer once. Returns (the answer that stands, whether this call stored it).

        A late answer is kept and marked overtime. A repeated submission (double
        click, second tab, replay) finds the first answer and changes nothing.
        ``ran_out`` says the runner sent the answer because the clock reached 0;
        an answer arriving after the deadline has run out of time whatever it says.
        A spoken answer brings its ``recording`` (already probed); it is stored
        with the answer and transcribed by a background task once committed.
        Raises :class:`NotServed` for a question the candidate has not been shown.
        """
        if self.served_at is None:
            raise self.NotServed
        now = now or timezone.now()
        key_points = [(kp.position, kp.text, kp.cues) for kp in self.question.key_points.all()]
        answer = Answer(
            item=self,
            text=text,
            submitted_at=now,
            **timing_at(self.served_at, self.deadline, now, ran_out=ran_out),
            key_point_count=len(key_points),
            # Key points the typed text already covers; a transcript adds what was said.
            detected={
                str(position): phrase for position, phrase in detect_key_points(text, key_points).items()
            },
        )
        if recording is not None:
            answer.recording = recording.file
            answer.recording_format = recording.format
            answer.recording_seconds = recording.seconds
            answer.transcription = Answer.Transcription.PENDING
        # On its own a single INSERT is atomic: it needs no BEGIN and COMMIT around it. Inside a
        # caller's transaction, a savepoint keeps a duplicate's IntegrityError from breaking it.
        in_transaction = transaction.get_connection().in_atomic_block
        try:
            with transaction.atomic() if in_transaction else nullcontext():
                answer.save(force_insert=True)
                if recording is not None:
                    # Right after the INSERT, or once the caller's transaction commits.
                    transaction.on_commit(answer.request_transcription)
        except DatabaseError as error:
            if answer.recording:
                # Written to storage before the row failed: the first answer (or none) stands without it.
                answer.recording.delete(save=False)
            if isinstance(error, IntegrityError):
                self.answer = Answer.objects.get(item=self)
                return self.answer, False
            # Not stored: forget the unsaved answer that Answer(item=self) cached on this item.
            self._state.fields_cache.pop("answer", None)
            raise
        self.answer = answer
        return answer, True

    def follow_up_state(self) -> tuple[FollowUpAnswer | None, FollowUp | None, list[FollowUpAnswer]]:
        """(The follow-up whose clock runs, if any; the next one the interviewer may ask; those answered.)"""
        if self.pk is None:  # a curator's preview: nothing was asked
            return None, None, []
        taken = list(self.follow_up_answers.all())
        answered = [f for f in taken if f.is_answered]
        running = next((f for f in taken if not f.is_answered), None)
        asked = {f.position for f in taken}
        following = next((f for f in self.question.follow_ups.all() if f.position not in asked), None)
        return running, following, answered

    def ask_follow_up(self, *, now: datetime | None = None) -> FollowUpAnswer | None:
        """Serve the next follow-up probe (its clock starts now); the one already running if any."""
        running, following, _answered = self.follow_up_state()
        if running is not None or following is None:
            return running
        probe, _created = FollowUpAnswer.objects.get_or_create(
            item=self,
            position=following.position,
            defaults={
                "follow_up": following,
                "prompt": following.prompt,
                "model_answer_html": following.answer_html,
                "served_at": now or timezone.now(),
            },
        )
        return probe

    def to_dict(self, *, include_answer: bool = True) -> dict:
        """One row of a report or an export: what was asked and how it went."""
        answer = self.answer if self.is_answered else None
        # A question not yet shown stays secret everywhere: its clock is the only way to see it.
        row = {
            "position": self.position,
            "served": self.is_served,
            "question": self.question.slug if self.is_served else "",
            "prompt": self.question.prompt if self.is_served else "",
            "submitted": answer.submitted_at.isoformat() if answer else None,
            "seconds": round(answer.elapsed_ms / 1000, 1) if answer else None,
            "overtime": answer.overtime if answer else None,
            "ran_out": answer.ran_out if answer else None,
            "score": answer.score if answer else None,
            "key_points_covered": answer.covered_count if answer else 0,
            "key_points": answer.key_point_count if answer else None,
            "spoken": answer.is_spoken if answer else None,
        }
        if include_answer:
            row["answer"] = answer.text if answer else ""
            row["transcript"] = answer.transcript if answer else ""
            row["follow_ups"] = [
                {"question": f.prompt, "answer": f.text, "seconds": f.seconds, "overtime": f.overtime}
                for f in self.follow_up_answers.all()
                if f.is_answered
            ]
            row["note"] = answer.note if answer else ""
        return row


class FollowUpAnswer(Timed, models.Model):
    """The candidate's answer to one follow-up probe the interviewer asked after a question.

    Optional and timed like the question itself; it belongs to that question's
    answer (one self-score covers both) and does not add to the interview's
    question count. The probe's text is copied when it is asked, so editing or
    re-importing the bank never changes what the candidate was asked.
    """

    item = models.ForeignKey(InterviewQuestion, on_delete=models.CASCADE, related_name="follow_up_answers")
    position = models.PositiveSmallIntegerField(help_text="The follow-up's position in the question.")
    follow_up = models.ForeignKey(
        FollowUp, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prompt = models.CharField(max_length=300)
    model_answer_html = models.TextField(blank=True)
    served_at = models.DateTimeField()
    text = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(null=True, blank=True)
    overtime = models.BooleanField(default=False)
    ran_out = models.BooleanField(default=False)

    class Meta:
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="follow_up_answer_once"),
        ]

    def __str__(self) -> str:
        return f"Follow-up {self.position} to {self.item}"

    @property
    def is_answered(self) -> bool:
        return self.submitted_at is not None

    @property
    def deadline(self) -> datetime:
        return deadline_after(self.served_at, self.item.session.seconds_per_answer)

    def clock(self, *, now: datetime | None = None) -> Clock:
        return clock_at(self.deadline, self.item.session.seconds_per_answer, now)

    @property
    def seconds(self) -> int | None:
        return round(self.elapsed_ms / 1000) if self.elapsed_ms is not None else None

    def record(self, *, text: str, ran_out: bool = False, now: datetime | None = None) -> bool:
        """Keep the answer once (late ones too, marked overtime); False if it was already answered."""
        now = now or timezone.now()
        fields = {
            "text": text,
            "submitted_at": now,
            **timing_at(self.served_at, self.deadline, now, ran_out=ran_out),
        }
        stored = FollowUpAnswer.objects.filter(pk=self.pk, submitted_at__isnull=True).update(**fields)
        if stored:
            for name, value in fields.items():
                setattr(self, name, value)
        return bool(stored)


@dataclass(frozen=True)
class Progress:
    """How far an interview has gone: its length, how many are scored, the position the candidate is on.

    Questions are answered and scored in order, so positions before ``current``
    are done; ``current`` is None once every question is scored.
    """

    total: int
    scored: int
    current: int | None

    def dots(self, shown: int, *, links: bool) -> list[dict]:
        """The progress row: one dot per question, ``shown`` marked; done ones link back when ``links``."""
        done_before = self.current if self.current is not None else self.total + 1
        return [
            {
                "position": p,
                "shown": p == shown,
                "done": p < done_before,
                "link": links and p < done_before and p != shown,
            }
            for p in range(1, self.total + 1)
        ]

    def all_scored_but(self, item: InterviewQuestion) -> bool:
        """Is every question other than ``item`` scored (so the reveal's button finishes the interview)?"""
        this_scored = item.is_answered and item.answer.score is not None
        return self.scored - int(this_scored) == self.total - 1


@dataclass
class Recording:
    """A spoken answer's audio as the server found it (never the browser's word for it)."""

    file: Any  # a Django File (an uploaded file)
    format: str  # container/codec, e.g. "webm/opus"
    seconds: float


@dataclass
class Clock:
    """The time left on a question, as the runner shows it."""

    seconds: int
    remaining_ms: int

    @property
    def remaining_seconds(self) -> int:
        return max(0, -(-self.remaining_ms // 1000))  # whole seconds, rounded up

    @property
    def expired(self) -> bool:
        return self.remaining_ms <= 0


def recording_name(answer: Answer, filename: str) -> str:
    """Where a recording is stored: under its interview, with a random part so names cannot be guessed."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "audio"
    return (
        f"recordings/{answer.item.session_id}/{answer.item.position}-{secrets.token_urlsafe(12)}.{extension}"
    )


class Answer(Timed, models.Model):
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
    ran_out = models.BooleanField(
        default=False, help_text="The clock reached 0 before it was sent: the answer was cut off there."
    )
    score = models.PositiveSmallIntegerField(null=True, blank=True, choices=Score.choices)
    covered = models.JSONField(default=list, blank=True, help_text="Positions of the key points covered.")
    key_point_count = models.PositiveSmallIntegerField(default=0)
    note = models.TextField(blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)

    # A spoken answer: the recording, what it really is (probed on the server), and what was heard.
    class Transcription(models.TextChoices):
        NONE = "", "Not spoken"
        PENDING = "pending", "Transcribing"
        DONE = "done", "Transcribed"
        FAILED = "failed", "Could not transcribe"

    recording = models.FileField(upload_to=recording_name, blank=True, max_length=200)
    recording_format = models.CharField(max_length=60, blank=True, help_text="Container and codec, probed.")
    recording_seconds = models.FloatField(null=True, blank=True)
    transcription = models.CharField(max_length=10, choices=Transcription.choices, blank=True, default="")
    transcription_tries = models.PositiveSmallIntegerField(default=0)
    transcript = models.TextField(blank=True)
    delivery = models.JSONField(default=dict, blank=True, help_text="Pace, fillers, time to first word.")
    detected = models.JSONField(
        default=dict,
        blank=True,
        help_text="Key points heard or read in the answer: position -> matched phrase.",
    )

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
    def is_spoken(self) -> bool:
        return bool(self.recording)

    @property
    def detected_phrases(self) -> dict[int, str]:
        """Key point position -> the phrase of the answer (typed or heard) that matched one of its cues."""
        return {int(position): phrase for position, phrase in self.detected.items()}

    @property
    def recording_content_type(self) -> str:
        """The type to serve the recording with, from what the server probed (not what the browser said)."""
        container = self.recording_format.split("/", 1)[0]
        return {
            "matroska,webm": "audio/webm",
            "webm": "audio/webm",
            "ogg": "audio/ogg",
            "wav": "audio/wav",
            "mov,mp4,m4a,3gp,3g2,mj2": "audio/mp4",
            "mp3": "audio/mpeg",
        }.get(container, "application/octet-stream")

    def retry_transcription(self) -> None:
        """After the automatic tries failed: back in the queue for another round of tries."""
        done = Answer.objects.filter(pk=self.pk, transcription=self.Transcription.FAILED).update(
            transcription=self.Transcription.PENDING, transcription_tries=0
        )
        if done:
            self.transcription, self.transcription_tries = self.Transcription.PENDING, 0
            transaction.on_commit(self.request_transcription)

    def request_transcription(self) -> None:
        """Queue the transcription of this answer's recording (a worker does it, never a web request)."""
        from .tasks import transcribe_answer

        transcribe_answer.enqueue(self.pk)

    @property
    def covered_count(self) -> int:
        return len(self.covered)


class ReviewCardQuerySet(OwnedQuerySet):
    def reviewable(self) -> ReviewCardQuerySet:
        """Cards of published questions: the only ones a review interview can draw."""
        return self.filter(question__status=Question.Status.PUBLISHED)

    def due_summary(self, *, now: datetime) -> DueSummary:
        """How many are due now and when the next one is, in one aggregate query."""
        # Aliases must not be "due": an aggregate named like a field would shadow it in the filters.
        row = self.aggregate(
            due_now=Count("pk", filter=Q(due__lte=now)), due_next=Min("due", filter=Q(due__gt=now))
        )
        return DueSummary(due=row["due_now"], next_due=row["due_next"])


@dataclass(frozen=True)
class DueSummary:
    """What the review schedule holds right now: the number due, and when the next comes if none is."""

    due: int
    next_due: datetime | None

    @property
    def interview_count(self) -> int:
        """How many questions the one-click review interview asks: all that are due, up to 20."""
        return min(self.due, MAX_COUNT)


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

    objects = ReviewCardQuerySet.as_manager()

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


class InterviewPlan(models.Model):
    """The day of the candidate's real interview (and maybe the company): what readiness aims at.

    One per candidate, owned like their interviews (a user, or an anonymous browser's token).
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interview_plans",
    )
    anon_token = models.CharField(max_length=64, blank=True, db_index=True)
    date = models.DateField(help_text="The day of the real interview.")
    company = models.ForeignKey(
        Company,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Only this company's questions count towards readiness; empty means every question.",
    )
    updated = models.DateTimeField(default=timezone.now)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(user__isnull=False), name="plan_one_per_user"
            ),
            models.UniqueConstraint(
                fields=["anon_token"], condition=Q(user__isnull=True), name="plan_one_per_browser"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(anon_token=""), name="plan_has_owner"
            ),
        ]

    def __str__(self) -> str:
        at = f" at {self.company}" if self.company_id else ""
        return f"Interview on {self.date:%Y-%m-%d}{at}"

    def get_absolute_url(self) -> str:
        return reverse("history") + "#readiness-heading"


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
    include_recordings = models.BooleanField(
        default=False,
        help_text="Spoken answers' recordings play in the report (only if the candidate chose so).",
    )
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
