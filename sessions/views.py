"""Mock interview pages: start, run (question → reveal → score), summary.

Every view that reads or changes an interview goes through
:func:`get_interview`, which 404s unless the interview belongs to the person
asking. htmx requests get the ``runner`` partial of the same template as the
full page, so the two never drift apart.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from uuid import UUID

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from questions.models import KeyPoint, Question

from . import limits, services
from .forms import ScoreForm, ShareForm, StartForm
from .models import Answer, InterviewQuestion, InterviewSession, Owner, ReviewCard

# --- who is asking ------------------------------------------------------------


def get_interview(request: HttpRequest, pk: UUID) -> InterviewSession:
    """The interview ``pk`` if it belongs to whoever is asking, else 404 (never 403: no hint it exists)."""
    return get_object_or_404(
        InterviewSession.objects.owned_by(Owner.from_request(request)).select_related(
            "topic", "level", "company"
        ),
        pk=pk,
    )


def load_items(session: InterviewSession, *, key_points: bool = False) -> list[InterviewQuestion]:
    """All of an interview's questions with what the runner shows: a fixed number of queries.

    Key points are left out unless asked for: the question page does not show
    them, and the reveal reads only its own question's (one query).
    """
    prefetch: list = ["question__topics", "question__companies"]
    if key_points:
        prefetch.append(Prefetch("question__key_points", queryset=KeyPoint.objects.order_by("position")))
    return list(session.items.select_related("question__level", "answer").prefetch_related(*prefetch))


def answered(item: InterviewQuestion) -> bool:
    return hasattr(item, "answer")


def first_open_item(items: list[InterviewQuestion]) -> InterviewQuestion | None:
    """The question the candidate is on: the first one not yet answered and scored."""
    for item in items:
        if not answered(item) or item.answer.score is None:
            return item
    return None


# --- home and starting ----------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """home.html: the start form, the live count of matching questions, unfinished interviews."""
    form = StartForm(request.GET or None, initial={"count": 5, "seconds": 30})
    owner = Owner.from_request(request)
    unfinished = (
        InterviewSession.objects.owned_by(owner).active().select_related("topic", "level", "company")[:5]
    )
    context = {
        "form": form,
        "match_count": matching_count(form),
        "unfinished": unfinished,
        "due_count": ReviewCard.objects.owned_by(owner).filter(due__lte=timezone.now()).count(),
    }
    return render(request, "home.html", context)


def matching_count(form: StartForm) -> int:
    if form.is_bound:
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
    else:
        data = {}
    filters = services.Filters(data.get("topic"), data.get("level"), data.get("company"))
    return filters.questions().count()


@require_GET
def matching(request: HttpRequest) -> HttpResponse:
    """home.html#match-count: how many published questions match, as filters change (htmx)."""
    form = StartForm(request.GET)
    return render(request, "home.html#match-count", {"match_count": matching_count(form)})


@require_POST
@limits.guard_start
def start(request: HttpRequest) -> HttpResponseBase:
    form = StartForm(request.POST)
    if not form.is_valid():
        return render(request, "home.html", {"form": form, "match_count": matching_count(form)}, status=400)
    data = form.cleaned_data
    filters = services.Filters(data["topic"], data["level"], data["company"])
    try:
        session = services.interview_start(
            owner=Owner.from_request(request, create=True),
            filters=filters,
            count=data["count"],
            seconds=data["seconds"],
            review_due=data["review_due"],
        )
    except services.NoMatchingQuestions:
        form.add_error(
            None,
            "No published question matches these filters, so no interview was started. Choose fewer filters.",
        )
        return render(request, "home.html", {"form": form, "match_count": 0}, status=400)
    return redirect("sessions:run", pk=session.pk)


# --- the runner --------------------------------------------------------------------


@dataclass
class Clock:
    seconds: int
    remaining_ms: int

    @property
    def remaining_seconds(self) -> int:
        return max(0, -(-self.remaining_ms // 1000))  # whole seconds, rounded up

    @property
    def expired(self) -> bool:
        return self.remaining_ms <= 0


def runner_context(
    session: InterviewSession,
    items: list[InterviewQuestion],
    item: InterviewQuestion,
    *,
    score_form: ScoreForm | None = None,
    notice: str = "",
) -> dict:
    context = {
        "session": session,
        "item": item,
        "question": item.question,
        "total": len(items),
        "is_last": item.position == len(items),
        "notice": notice,
        "items": items,
    }
    if answered(item):
        answer = item.answer
        key_points = list(item.question.key_points.all())
        form = score_form or ScoreForm(
            key_points=key_points,
            initial={"score": answer.score, "covered": answer.covered, "note": answer.note},
        )
        context.update(
            stage="reveal",
            answer=answer,
            score_form=form,
            suggestions=services.suggested_scores(len(key_points)),
            all_scored=all(answered(i) and i.answer.score is not None for i in items if i.pk != item.pk),
        )
    else:
        services.serve(item)
        deadline = item.deadline(session.seconds_per_answer)
        remaining = int((deadline - timezone.now()).total_seconds() * 1000)
        context.update(stage="question", clock=Clock(session.seconds_per_answer, remaining))
    return context


def render_runner(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    template = "sessions/run.html#runner" if request.htmx else "sessions/run.html"
    return render(request, template, context, status=status)


@require_GET
@never_cache
@vary_on_headers("HX-Request")
def run(request: HttpRequest, pk: UUID) -> HttpResponseBase:
    """sessions/run.html: the current question (clock running) or the reveal to score."""
    session = get_interview(request, pk)
    if not session.is_active:
        return redirect("sessions:summary", pk=session.pk)
    items = load_items(session)
    item = first_open_item(items)
    if item is None:
        session.finish()
        return redirect("sessions:summary", pk=session.pk)
    return render_runner(request, runner_context(session, items, item))


@require_GET
@never_cache
def review(request: HttpRequest, pk: UUID, position: int) -> HttpResponseBase:
    """sessions/run.html: an earlier answered question, to change its score before finishing."""
    session = get_interview(request, pk)
    if not session.is_active:
        return redirect("sessions:summary", pk=session.pk)
    items = load_items(session)
    item = next((i for i in items if i.position == position and answered(i)), None)
    if item is None:
        return redirect("sessions:run", pk=session.pk)
    return render_runner(request, runner_context(session, items, item))


def get_item(items: list[InterviewQuestion], position: int) -> InterviewQuestion:
    for item in items:
        if item.position == position:
            return item
    raise Http404("No such question in this interview")


@require_POST
def answer(request: HttpRequest, pk: UUID, position: int) -> HttpResponseBase:
    """Store the typed answer (once; late answers are kept and marked overtime), then reveal."""
    session = get_interview(request, pk)
    items = load_items(session)
    item = get_item(items, position)
    text = request.POST.get("answer", "")
    stored_answer, stored = services.submit_answer(item=item, seconds=session.seconds_per_answer, text=text)
    item.answer = stored_answer
    if not session.is_active:
        # Kept all the same (nothing typed is lost), but the interview is over.
        messages.info(request, "This interview had already ended; your answer was kept.")
        return _go(request, reverse("sessions:summary", args=[session.pk]))
    if not request.htmx:
        return (
            redirect("sessions:review", pk=session.pk, position=item.position)
            if stored
            else redirect("sessions:run", pk=session.pk)
        )
    notice = "" if stored else "You had already answered this question; your first answer stands."
    return render_runner(request, runner_context(session, items, item, notice=notice))


@require_POST
def score(request: HttpRequest, pk: UUID, position: int) -> HttpResponseBase:
    """Save the self-score, ticked key points and note; then the next question or the summary."""
    session = get_interview(request, pk)
    if not session.is_active:
        messages.info(request, "This interview is finished; its scores can no longer change.")
        return _go(request, reverse("sessions:summary", args=[session.pk]))
    items = load_items(session)
    item = get_item(items, position)
    if not answered(item):
        return _go(request, reverse("sessions:run", args=[session.pk]))
    form = ScoreForm(request.POST, key_points=list(item.question.key_points.all()))
    if not form.is_valid():
        context = runner_context(session, items, item, score_form=form)
        return render_runner(request, context, status=200 if request.htmx else 400)
    services.score_answer(
        session=session,
        item=item,
        score=form.cleaned_data["score"],
        covered=form.cleaned_data["covered"],
        note=form.cleaned_data["note"],
    )
    next_item = first_open_item(items)
    if next_item is None:
        session.finish()
        return _go(request, reverse("sessions:summary", args=[session.pk]))
    if not request.htmx:
        return redirect("sessions:run", pk=session.pk)
    return render_runner(request, runner_context(session, items, next_item))


def _go(request: HttpRequest, url: str) -> HttpResponseBase:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_POST
def abandon(request: HttpRequest, pk: UUID) -> HttpResponseBase:
    session = get_interview(request, pk)
    if session.abandon():
        messages.success(request, "Interview left. What you answered is kept in its summary.")
    return _go(request, reverse("home"))


# --- after the interview ----------------------------------------------------------


@require_GET
def summary(request: HttpRequest, pk: UUID) -> HttpResponseBase:
    """sessions/summary.html: overall score, time, a row per question, per-topic breakdown."""
    session = get_interview(request, pk)
    items = load_items(session)
    report = build_report(items)
    share = session.share_links.live().first()
    context = {"session": session, "items": items, "share": share, "share_form": ShareForm(), **report}
    if share:
        context["share_url"] = request.build_absolute_uri(share.get_absolute_url())
    return render(request, "sessions/summary.html", context)


def build_report(items: list[InterviewQuestion]) -> dict:
    scored = [i for i in items if answered(i) and i.answer.score is not None]
    total_score = sum(i.answer.score for i in scored)
    topics: dict[str, list[int]] = defaultdict(list)
    for item in scored:
        for topic in item.question.topics.all():
            topics[topic.name].append(item.answer.score)
    return {
        "answered_count": sum(1 for i in items if answered(i)),
        "scored_count": len(scored),
        "percent": round(100 * total_score / (5 * len(scored))) if scored else None,
        "time_used_s": round(sum(i.answer.elapsed_ms for i in items if answered(i)) / 1000),
        "topic_rows": sorted(
            (
                {"name": name, "count": len(s), "percent": round(100 * sum(s) / (5 * len(s)))}
                for name, s in topics.items()
            ),
            key=lambda row: (row["percent"], row["name"]),
        ),
        "low_count": sum(1 for i in scored if i.answer.score <= 3),
    }


@require_POST
@limits.guard_start
def retry_low(request: HttpRequest, pk: UUID) -> HttpResponseBase:
    """A new interview made of this one's low-scored questions."""
    session = get_interview(request, pk)
    ids = services.low_scored_question_ids(session)
    try:
        new = services.interview_start(
            owner=Owner.from_request(request),
            filters=services.Filters(),
            count=len(ids),
            seconds=session.seconds_per_answer,
            question_ids=ids,
        )
    except services.NoMatchingQuestions:
        messages.info(request, "No low-scored question to practise again: well done.")
        return redirect("sessions:summary", pk=session.pk)
    return redirect("sessions:run", pk=new.pk)


# --- curators' preview -------------------------------------------------------------------


@require_GET
@staff_member_required
def preview(request: HttpRequest, slug: str) -> HttpResponse:
    """sessions/run.html as a candidate would see ``slug`` (drafts too); nothing is saved."""
    question = get_object_or_404(
        Question.objects.select_related("level").prefetch_related(
            "topics", "companies", Prefetch("key_points", queryset=KeyPoint.objects.order_by("position"))
        ),
        slug=slug,
    )
    session = InterviewSession(seconds_per_answer=30)
    item = InterviewQuestion(session=session, position=1, question=question)
    context = {
        "session": session,
        "item": item,
        "question": question,
        "total": 1,
        "is_last": True,
        "items": [item],
        "preview": True,
    }
    if request.GET.get("stage") == "reveal":
        key_points = list(question.key_points.all())
        answer = Answer(item=item, text="(The candidate's typed answer appears here.)", elapsed_ms=21_000)
        answer.key_point_count = len(key_points)
        context.update(
            stage="reveal",
            answer=answer,
            score_form=ScoreForm(key_points=key_points),
            suggestions=services.suggested_scores(len(key_points)),
            all_scored=True,
        )
    else:
        context.update(
            stage="question", clock=Clock(session.seconds_per_answer, session.seconds_per_answer * 1000)
        )
    return render(request, "sessions/run.html", context)
