"""Mock interview pages: start, run (question → reveal → score), summary.

Every view that reads or changes an interview looks it up through
``sessions.runner_state`` (the runner's pages and POSTs: the interview, its
progress and a question in one statement) or
``InterviewSession.objects.get_owned_or_404``; both 404 unless the interview
belongs to the person asking. htmx requests get the ``runner`` partial of the
same template as the full page, so the two never drift apart. What an
interview does (serving a question, keeping an answer, the clock) lives on its
models; these views only translate between HTTP and them.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.db import DatabaseError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from questions.models import KeyPoint, Question

from . import limits, runner_state, scheduling, services, timetext
from .forms import ANSWER_MAX_CHARS, AnswerForm, ScoreForm, ShareForm, StartForm
from .models import (
    DEFAULT_COUNT,
    DEFAULT_SECONDS,
    Answer,
    AnswerBy,
    Clock,
    InterviewQuestion,
    InterviewSession,
    Owner,
    Progress,
    ReviewCard,
    Score,
)
from .reports import Report

# --- home and starting ----------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """home.html: the start form, the live count of matching questions, unfinished interviews, and
    the review schedule: a one-click review of what is due, or when the next question comes back."""
    initial = {
        "count": DEFAULT_COUNT,
        "seconds": DEFAULT_SECONDS,
        "answer_by": AnswerBy.remembered(request),
    }
    form = StartForm(request.GET or None, initial=initial)
    return render(request, "home.html", home_context(request, form))


def home_context(request: HttpRequest, form: StartForm, **extra) -> dict:
    """What home.html shows around ``form``: the home page and the start form's 400 share it."""
    unfinished = (
        InterviewSession.objects.owned_by(Owner.from_request(request))
        .active()
        .select_related("topic", "level", "company")[:5]
    )
    now = timezone.now()
    due = ReviewCard.objects.owned_by(Owner.from_request(request)).reviewable().due_summary(now=now)
    return {
        "form": form,
        "match_count": form.filters().questions().count(),
        "unfinished": unfinished,
        "due": due,
        "due_count": due.due,
        "next_review": timetext.until(due.next_due, now=now) if due.next_due else "",
        "answer_by": AnswerBy.remembered(request),
        **extra,
    }


@require_GET
def matching(request: HttpRequest) -> HttpResponse:
    """home.html#match-count: how many published questions match, as filters change (htmx)."""
    form = StartForm(request.GET)
    return render(request, "home.html#match-count", {"match_count": form.filters().questions().count()})


@require_POST
@limits.guard_start
def start(request: HttpRequest) -> HttpResponseBase:
    form = StartForm(request.POST)
    if not form.is_valid():
        return render(request, "home.html", home_context(request, form), status=400)
    data = form.cleaned_data
    # Remembered for the next interview's form.
    AnswerBy.remember(request, data["answer_by"])
    one_question = services.practice_question_ids(data["question"]) if data["question"] else None
    try:
        session = services.interview_start(
            owner=Owner.from_request(request, create=True),
            filters=form.filters(),
            count=data["count"] if one_question is None else 1,
            seconds=data["seconds"],
            review_due=data["review_due"],
            question_ids=one_question,
            answer_by=data["answer_by"],
        )
    except services.NoMatchingQuestions:
        # Said once, in the alert: the live count below it stays empty until a filter changes.
        form.add_error(
            None,
            "No published question matches these filters, so no interview was started. "
            "Choose “Any” for one of them.",
        )
        context = home_context(request, form, match_count=0, no_match_refused=True)
        return render(request, "home.html", context, status=400)
    return redirect("sessions:run", pk=session.pk)


# --- the runner --------------------------------------------------------------------


def runner_context(
    session: InterviewSession,
    progress: Progress,
    item: InterviewQuestion,
    *,
    score_form: ScoreForm | None = None,
    notice: str = "",
    draft: str = "",
    preview: bool = False,
) -> dict:
    """What sessions/run.html shows for ``item``: its question with the clock, or its reveal to score."""
    context = {
        "session": session,
        "item": item,
        "question": item.question,
        "total": progress.total,
        "progress_current": progress.current,
        "is_last": item.position == progress.total,
        "notice": notice,
        "preview": preview,
        # The address of what is shown, so the address bar matches the page after an htmx swap.
        "page_url": (
            reverse("sessions:run", args=[session.pk])
            if item.position == progress.current
            else reverse("sessions:review", args=[session.pk, item.position])
        ),
    }
    if item.review and not preview:
        context["review_note"] = scheduling.last_time(item.previous_answer(), now=timezone.now())
    running = None
    if item.is_answered:
        running, following, answered = item.follow_up_state()
        context.update(follow_ups=answered, next_follow_up=following)
    if running is not None:
        # The interviewer's follow-up probe is on screen: its own clock, its own answer box.
        context.update(stage="follow_up", follow_up=running, clock=running.clock(), draft=draft)
        context["answer_max_chars"] = ANSWER_MAX_CHARS
    elif item.is_answered:
        context.update(reveal_context(session, progress, item, score_form=score_form))
    else:
        seconds = session.seconds_per_answer
        # A curator's preview is never served: nothing of it is saved.
        clock = Clock(seconds, seconds * 1000) if preview else item.clock()
        context.update(stage="question", clock=clock, draft=draft, answer_max_chars=ANSWER_MAX_CHARS)
    if context["stage"] == "follow_up":
        context["draft_key"] = f"prepsite:draft:{session.pk}:{item.position}:follow-up-{running.position}"
    else:
        context["draft_key"] = f"prepsite:draft:{session.pk}:{item.position}"
    stage_name = "Question" if context["stage"] == "question" else "Review"
    context["title"] = f"{stage_name} {item.position} of {progress.total}"  # the tab's and htmx's title
    # While a clock runs the dots are plain indicators: going back must not silently spend it.
    context["dots"] = progress.dots(
        item.position, links=context["stage"] == "reveal" and "running" not in context
    )
    return context


def reveal_context(
    session: InterviewSession, progress: Progress, item: InterviewQuestion, *, score_form: ScoreForm | None
) -> dict:
    """The reveal of an answered question: model answer, key points (detected ones ticked), the score."""
    answer = item.answer
    key_points = list(item.question.key_points.all())
    form = score_form or ScoreForm.for_answer(answer, key_points)
    context = {
        "stage": "reveal",
        "answer": answer,
        "score_form": form,
        "key_points": form.rows(key_points, answer.detected_phrases),
        "detected_count": len(answer.detected),
        "suggestions": Score.suggestions(len(key_points)),
        "all_scored": progress.all_scored_but(item),
    }
    if progress.current is not None and progress.current != item.position:
        current = session.items.select_related("answer").get(position=progress.current)
        if current.is_served and not current.is_answered:
            # Looking back while the current question's clock runs: say so, and link straight back.
            context["running"] = {"item": current, "clock": current.clock()}
    return context


def render_runner(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    template = "sessions/run.html#runner" if request.htmx else "sessions/run.html"
    response = render(request, template, context, status=status)
    if request.htmx and not context["preview"]:
        response["HX-Replace-Url"] = context["page_url"]
    return response


def _go(request: HttpRequest, url: str) -> HttpResponseBase:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_GET
@never_cache
@vary_on_headers("HX-Request")
def run(request: HttpRequest, pk: UUID) -> HttpResponseBase:
    """sessions/run.html: the current question (clock running) or the reveal to score."""
    # The interview, its progress and the question it is on: one statement (the site's hottest read).
    session, progress, item = runner_state.current(Owner.from_request(request), pk)
    if not session.is_active:
        return redirect("sessions:summary", pk=session.pk)
    if item is None:
        session.finish()
        return redirect("sessions:summary", pk=session.pk)
    return render_runner(request, runner_context(session, progress, item))


@require_GET
@never_cache
def review(request: HttpRequest, pk: UUID, position: int) -> HttpResponseBase:
    """sessions/run.html: an earlier answered question, to change its score before finishing."""
    try:
        session, progress, item = runner_state.at(Owner.from_request(request), pk, position, key_points=True)
    except runner_state.NoSuchPosition as missing:
        session, item = missing.session, None
    if not session.is_active:
        return redirect("sessions:summary", pk=session.pk)
    if item is None or not item.is_answered:
        return redirect("sessions:run", pk=session.pk)
    return render_runner(request, runner_context(session, progress, item))


# The candidate's text is never thrown away: when the database cannot take a write (locked past
# the busy timeout, read-only, disk full), the page comes back with the text still in the box.
NOT_SAVED = (
    "Your {what} could not be saved yet (the server is busy). Nothing is lost: it is still here. Try again."
)


@require_POST
def answer(request: HttpRequest, pk: UUID, position: int) -> HttpResponseBase:
    """Store the typed answer (once; late answers are kept and marked overtime), then reveal."""
    # Key points read once: detection and the reveal both use them. Answering changes no progress.
    session, progress, item = runner_state.at(Owner.from_request(request), pk, position, key_points=True)
    form = AnswerForm.read(request.POST, request.FILES)
    if "recording" in form.errors:
        # Refused cleanly: nothing is stored, the question (and its clock) stays, typing stays open.
        notice = form.errors["recording"][0]
        draft = form.cleaned_data.get("answer", "")
        context = runner_context(session, progress, item, notice=notice, draft=draft)
        return render_runner(request, context, status=400 if not request.htmx else 409)
    try:
        _answer, stored = item.record_answer(
            text=form.cleaned_data["answer"],
            ran_out=form.cleaned_data["ran_out"],
            recording=form.cleaned_data["recording"],
        )
    except InterviewQuestion.NotServed:
        return not_served(request, session)
    except DatabaseError:
        notice = NOT_SAVED.format(what="answer")
        draft = form.cleaned_data["answer"]
        context = runner_context(session, progress, item, notice=notice, draft=draft)
        return render_runner(request, context, status=503)
    if not session.is_active:
        # Kept all the same (nothing typed is lost), but the interview is over.
        messages.info(request, "This interview had already ended; your answer was kept.")
        return _go(request, reverse("sessions:summary", args=[session.pk]))
    notice = "" if stored else "You had already answered this question; your first answer stands."
    if stored and form.shortened:
        notice = f"An answer holds up to {ANSWER_MAX_CHARS:,} characters; the rest was cut off."
    if not request.htmx:
        if notice:
            messages.info(request, notice)
        return (
            redirect("sessions:review", pk=session.pk, position=item.position)
            if stored
            else redirect("sessions:run", pk=session.pk)
        )
    return render_runner(request, runner_context(session, progress, item, notice=notice))


def not_served(request: HttpRequest, session: InterviewSession) -> HttpResponseBase:
    """409 for an answer to a question the candidate has not been shown: nothing is stored."""
    refused = "That question has not been shown to you yet, so no answer to it was stored."
    session, progress, current = runner_state.current(Owner.from_request(request), session.pk)
    if not session.is_active or current is None:
        messages.error(request, refused)
        return _go(request, reverse("sessions:summary", args=[session.pk]))
    context = runner_context(session, progress, current, notice=refused)
    return render_runner(request, context, status=409)


@require_POST
def score(request: HttpRequest, pk: UUID, position: int) -> HttpResponseBase:
    """Save the self-score, ticked key points and note; then the next question or the summary."""
    owner = Owner.from_request(request)
    session, progress, item = runner_state.at(owner, pk, position, key_points=True)
    if not session.is_active:
        messages.info(request, "This interview is finished; its scores can no longer change.")
        return _go(request, reverse("sessions:summary", args=[session.pk]))
    if not item.is_answered:
        return _go(request, reverse("sessions:run", args=[session.pk]))
    form = ScoreForm(request.POST, key_points=list(item.question.key_points.all()))
    if not form.is_valid():
        context = runner_context(session, progress, item, score_form=form)
        return render_runner(request, context, status=200 if request.htmx else 400)
    try:
        card = services.score_answer(
            session=session,
            item=item,
            score=form.cleaned_data["score"],
            covered=form.cleaned_data["covered"],
            note=form.cleaned_data["note"],
        )
    except DatabaseError:
        notice = NOT_SAVED.format(what="score")
        context = runner_context(session, progress, item, score_form=form, notice=notice)
        return render_runner(request, context, status=503)
    # When the question comes back, said on the next page the candidate sees.
    notice = scheduling.comes_back(item, card) if card else ""
    session, progress, following = runner_state.current(owner, session.pk)
    if notice and (following is None or not request.htmx):
        messages.info(request, notice)
    if following is None:
        session.finish()
        return _go(request, reverse("sessions:summary", args=[session.pk]))
    if not request.htmx:
        return redirect("sessions:run", pk=session.pk)
    return render_runner(request, runner_context(session, progress, following, notice=notice))


@require_POST
def ask_follow_up(request: HttpRequest, pk: UUID, position: int) -> HttpResponseBase:
    """The interviewer follows up: serve the question's next probe (optional; its clock starts now)."""
    owner = Owner.from_request(request)
    try:
        session, progress, item = runner_state.at(owner, pk, position)
    except runner_state.NoSuchPosition as missing:
        return _go(request, reverse("sessions:run", args=[missing.session.pk]))
    if not session.is_active or progress.current != position:
        return _go(request, reverse("sessions:run", args=[session.pk]))
    if item.is_answered:
        item.ask_follow_up()
    if not request.htmx:
        return redirect("sessions:run", pk=session.pk)
    session, progress, item = runner_state.at(owner, pk, position)  # with the probe now asked
    return render_runner(request, runner_context(session, progress, item))


@require_POST
def answer_follow_up(request: HttpRequest, pk: UUID, position: int) -> HttpResponseBase:
    """Keep the answer to the follow-up probe on screen (once; late ones marked), then the reveal again."""
    owner = Owner.from_request(request)
    session, progress, item = runner_state.at(owner, pk, position)
    running = item.follow_up_state()[0] if item.is_answered else None
    if running is None:
        return _go(request, reverse("sessions:run", args=[session.pk]))
    form = AnswerForm.read(request.POST)
    try:
        running.record(text=form.cleaned_data["answer"], ran_out=form.cleaned_data["ran_out"])
    except DatabaseError:
        notice = NOT_SAVED.format(what="answer")
        context = runner_context(session, progress, item, notice=notice, draft=form.cleaned_data["answer"])
        return render_runner(request, context, status=503)
    if not request.htmx:
        return redirect("sessions:review", pk=session.pk, position=position)
    session, progress, item = runner_state.at(owner, pk, position)  # with the probe's answer
    return render_runner(request, runner_context(session, progress, item))


@require_GET
def recording(request: HttpRequest, pk: UUID, position: int) -> FileResponse:
    """The candidate's own recording of one answer; 404 for anyone else, whatever they guess."""
    session = InterviewSession.objects.get_owned_or_404(Owner.from_request(request), pk)
    answer = get_object_or_404(
        Answer.objects.exclude(recording=""), item__session=session, item__position=position
    )
    response = FileResponse(answer.recording.open("rb"), content_type=answer.recording_content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
@never_cache
def transcript(request: HttpRequest, pk: UUID, position: int) -> HttpResponse:
    """sessions/run.html#transcript: what was heard, polled by the reveal until the worker is done."""
    session, progress, item = runner_state.at(Owner.from_request(request), pk, position, key_points=True)
    if not item.is_answered or not item.answer.is_spoken:
        raise Http404("No spoken answer here")
    context = runner_context(session, progress, item)
    context["oob_key_points"] = item.answer.transcription == Answer.Transcription.DONE
    return render(request, "sessions/run.html#transcript", context)


@require_POST
def retry_transcription(request: HttpRequest, pk: UUID, position: int) -> HttpResponseBase:
    """Try a failed transcription again (the reveal offers it after the automatic retries)."""
    session = InterviewSession.objects.get_owned_or_404(Owner.from_request(request), pk)
    answer = get_object_or_404(Answer, item__session=session, item__position=position, transcription="failed")
    answer.retry_transcription()
    return _go(request, reverse("sessions:review", args=[session.pk, position]))


@require_POST
def abandon(request: HttpRequest, pk: UUID) -> HttpResponseBase:
    session = InterviewSession.objects.get_owned_or_404(Owner.from_request(request), pk)
    if session.abandon():
        messages.success(request, "Interview left. What you answered is kept in its summary.")
    return _go(request, reverse("home"))


# --- after the interview ----------------------------------------------------------


@require_GET
def summary(request: HttpRequest, pk: UUID) -> HttpResponseBase:
    """sessions/summary.html: overall score, time, a row per question, per-topic breakdown."""
    session = InterviewSession.objects.with_filters().get_owned_or_404(Owner.from_request(request), pk)
    share = session.share_links.live().first()
    report = Report.of(session)
    has_recordings = any(i.is_answered and i.answer.is_spoken for i in report.items)
    context = {
        "share": share,
        "share_form": ShareForm(),
        "has_recordings": has_recordings,
        **report.context(),
    }
    if share:
        context["share_url"] = request.build_absolute_uri(share.get_absolute_url())
    return render(request, "sessions/summary.html", context)


@require_POST
@limits.guard_start
def retry_low(request: HttpRequest, pk: UUID) -> HttpResponseBase:
    """A new interview made of this one's low-scored questions."""
    owner = Owner.from_request(request)
    session = InterviewSession.objects.get_owned_or_404(owner, pk)
    ids = session.low_scored_question_ids()
    try:
        new = services.interview_start(
            owner=owner,
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
    session = InterviewSession(seconds_per_answer=DEFAULT_SECONDS)
    item = InterviewQuestion(session=session, position=1, question=question)
    if request.GET.get("stage") == "reveal":
        item.answer = Answer(
            item=item,
            text="(The candidate's typed answer appears here.)",
            elapsed_ms=21_000,
            key_point_count=len(question.key_points.all()),
        )
    progress = Progress(total=1, scored=0, current=1)
    return render(request, "sessions/run.html", runner_context(session, progress, item, preview=True))
