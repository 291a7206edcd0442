"""The question bank: questions tagged by level, topic and company.

Questions are written by curators (YAML fixtures or Django admin). A question
knows where it was seen (which public guide, which number there), so the site
can show how common it is.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone

from . import markdown


class Level(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=80)
    rank = models.PositiveSmallIntegerField(help_text="Orders levels from easiest (1) upwards.")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["rank", "name"]

    def __str__(self) -> str:
        return self.name


class Topic(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Company(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """A public question guide the bank's questions were seen in."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=300)
    url = models.URLField(blank=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title


class QuestionQuerySet(models.QuerySet):
    def published(self) -> QuestionQuerySet:
        return self.filter(status=Question.Status.PUBLISHED)

    def matching(
        self,
        *,
        topic: str = "",
        level: str = "",
        company: str = "",
        text: str = "",
    ) -> QuestionQuerySet:
        """Questions matching every filter given (slugs; empty means any)."""
        qs = self
        if topic:
            qs = qs.filter(topics__slug=topic)
        if level:
            qs = qs.filter(level__slug=level)
        if company:
            qs = qs.filter(companies__slug=company)
        for word in text.split()[:8]:
            qs = qs.filter(Q(prompt__icontains=word) | Q(answer__icontains=word))
        return qs

    def with_seen_count(self) -> QuestionQuerySet:
        return self.annotate(seen_count=Count("sightings", distinct=True))

    def for_listing(self) -> QuestionQuerySet:
        """Everything a list of questions shows, in a fixed number of queries."""
        return self.select_related("level").prefetch_related("topics", "companies").with_seen_count()


class Question(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    slug = models.SlugField(max_length=120, unique=True)
    prompt = models.TextField(help_text="The question as the interviewer asks it.")
    answer = models.TextField(help_text="Model answer, in Markdown.")
    answer_html = models.TextField(editable=False, default="")
    why_asked = models.TextField("why interviewers ask it", blank=True)
    pitfall = models.TextField("common pitfall", blank=True)
    level = models.ForeignKey(Level, on_delete=models.PROTECT, related_name="questions")
    topics = models.ManyToManyField(Topic, related_name="questions")
    companies = models.ManyToManyField(Company, related_name="questions", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PUBLISHED)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["level__rank", "slug"]
        constraints = [
            models.CheckConstraint(condition=~Q(prompt=""), name="question_prompt_not_empty"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="question_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "level"])]
        permissions = [("import_questions", "Can import questions from a YAML file")]

    def __str__(self) -> str:
        return self.prompt[:80]

    def save(self, *args, **kwargs) -> None:
        self.render_answer()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "answer" in update_fields:
            kwargs["update_fields"] = {*update_fields, "answer_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("questions:detail", args=[self.slug])

    def render_answer(self) -> None:
        self.answer_html = markdown.render(self.answer)


class KeyPoint(models.Model):
    """One short line a strong answer covers; a question's key points are ordered.

    ``cues`` are a few short phrases a candidate would say when covering it; the
    reveal pre-ticks the point when the answer (typed, or the transcript of a
    spoken one) matches one of them.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="key_points")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    cues = models.JSONField(
        default=list, blank=True, help_text="Short phrases a candidate would say when covering the point."
    )

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="keypoint_unique_position"),
            models.CheckConstraint(condition=~Q(text=""), name="keypoint_text_not_empty"),
        ]

    def __str__(self) -> str:
        return self.text


class FollowUp(models.Model):
    """A probe the interviewer may ask after the question, with a short model answer.

    ``prompt`` is written ``question`` in the bank's YAML (a question's follow-up
    question); ``answer`` is Markdown, rendered and sanitised into ``answer_html``
    like the question's own answer.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="follow_ups")
    position = models.PositiveSmallIntegerField()
    prompt = models.CharField("follow-up question", max_length=300)
    answer = models.TextField(help_text="Short model answer, in Markdown.")
    answer_html = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["question", "position"]
        verbose_name = "follow-up"
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="followup_unique_position"),
            models.CheckConstraint(condition=~Q(prompt=""), name="followup_prompt_not_empty"),
        ]

    def __str__(self) -> str:
        return self.prompt[:80]

    def save(self, *args, **kwargs) -> None:
        self.answer_html = markdown.render(self.answer)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "answer" in update_fields:
            kwargs["update_fields"] = {*update_fields, "answer_html"}
        super().save(*args, **kwargs)


class Sighting(models.Model):
    """Where a question appears: question ``number`` of ``source``."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="sightings")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="sightings")
    number = models.PositiveIntegerField()

    class Meta:
        ordering = ["source__slug", "number"]
        constraints = [
            # A guide's question is one bank question: duplicates are merged.
            models.UniqueConstraint(fields=["source", "number"], name="sighting_unique_place"),
        ]

    def __str__(self) -> str:
        return f"{self.source.slug} #{self.number}"


class PendingImportQuerySet(models.QuerySet):
    def expired(self) -> PendingImportQuerySet:
        return self.filter(expires__lte=timezone.now())

    def live(self) -> PendingImportQuerySet:
        return self.filter(expires__gt=timezone.now())


class PendingImport(models.Model):
    """A YAML file uploaded in the admin, previewed and waiting for its uploader to confirm it.

    Kept in the database rather than on an app server's disk, so the Confirm may
    reach any app server. Confirming deletes the row in the import's transaction
    (see ``QuestionAdmin``), which makes a confirm single-use. Unconfirmed ones
    expire: ``manage.py clear_pending_imports`` and every new preview delete them.
    """

    LIFETIME = timedelta(hours=1)
    # Each curator keeps at most this many previews waiting (the newest), whatever the expiry.
    KEEP_PER_USER = 5

    token = models.CharField(max_length=64, unique=True)
    name = models.CharField("file name", max_length=255)
    data = models.BinaryField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(condition=Q(expires__gt=F("created")), name="pendingimport_expires_after"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (uploaded by {self.user}, {self.created:%Y-%m-%d %H:%M})"

    @classmethod
    def start(cls, *, user, name: str, data: bytes) -> PendingImport:
        """Keep an uploaded file for confirmation, clearing expired and surplus previews on the way."""
        now = timezone.now()
        with transaction.atomic():
            cls.objects.expired().delete()
            pending = cls.objects.create(
                token=secrets.token_urlsafe(24),
                # Shown back in the admin; control characters would only garble it.
                name="".join(ch for ch in name if ch.isprintable())[:255],
                data=data,
                user=user,
                created=now,
                expires=now + cls.LIFETIME,
            )
            surplus = cls.objects.filter(user=user).values_list("pk", flat=True)[cls.KEEP_PER_USER :]
            cls.objects.filter(pk__in=list(surplus)).delete()
        return pending

    def claim(self) -> bool:
        """Take this pending import for confirming; True for exactly one caller, even concurrently.

        Call inside the import's transaction: the conditional delete is the lock
        (a second, concurrent delete waits for the first transaction, then finds
        no row), and a rolled-back import puts the row back.
        """
        deleted, _ = PendingImport.objects.filter(pk=self.pk, expires__gt=timezone.now()).delete()
        return deleted == 1
