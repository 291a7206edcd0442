"""History pages: past interviews, progress charts, every attempt, export and deletion."""

from __future__ import annotations

import csv
import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import csvsafe, progress, readiness, timetext
from .forms import InterviewPlanForm
from .models import AnswerBy, InterviewPlan, InterviewSession, Owner, ReviewCard, percent_of_max
from .reports import export_rows

PAGE_SIZE = 20


@require_GET
@never_cache
def history(request: HttpRequest) -> HttpResponse:
    """sessions/history.html: interviews (paginated), score trend, topic mastery, activity, what is due
    now and over the next 14 days, and readiness for the candidate's interview date."""
    return render(request, "sessions/history.html", history_context(request))


def history_context(request: HttpRequest, *, plan_form: InterviewPlanForm | None = None) -> dict:
    owner = Owner.from_request(request)
    now = timezone.now()
    today = timezone.localdate(now)
    page = Paginator(progress.interviews(owner), PAGE_SIZE).get_page(request.GET.get("page"))
    for interview in page.object_list:
        interview.percent = percent_of_max(interview.score_sum, interview.scored)
    days = progress.answered_days(owner, now=now)
    trend = progress.score_trend(owner)
    topics = progress.topic_scores(owner)
    due = ReviewCard.objects.owned_by(owner).reviewable().due_summary(now=now)
    forecast = progress.review_forecast(owner, now=now)
    plan = InterviewPlan.objects.owned_by(owner).select_related("company").first()
    if plan_form is None:
        initial = {"date": plan.date, "company": plan.company} if plan else {}
        plan_form = InterviewPlanForm(initial=initial)
    return {
        "page": page,
        "trend": trend,
        "trend_segments": progress.trend_segments(trend),
        "topics": topics,
        "weakest": progress.weakest_topics(owner, now=now),
        "calendar": progress.calendar(days, today=today),
        "streak": progress.streak(days, today=today),
        "active_days": sum(
            1 for day, n in days.items() if n and (today - day).days < 7 * progress.CALENDAR_WEEKS
        ),
        "due": due,
        "next_review": timetext.until(due.next_due, now=now) if due.next_due else "",
        "answer_by": AnswerBy.remembered(request),
        "forecast": forecast,
        "forecast_total": sum(d.count for d in forecast),
        "forecast_busiest": max(d.count for d in forecast),
        "plan": plan,
        "plan_form": plan_form,
        "readiness": readiness.forecast(owner, plan, now=now) if plan else None,
    }


@require_POST
def interview_plan(request: HttpRequest) -> HttpResponseBase:
    """Set, change or remove the candidate's interview date (the history page's readiness form)."""
    owner = Owner.from_request(request, create=True)
    if "remove" in request.POST:
        InterviewPlan.objects.owned_by(owner).delete()
        messages.success(request, "Interview date removed.")
        return redirect("history")
    form = InterviewPlanForm(request.POST)
    if not form.is_valid():
        return render(request, "sessions/history.html", history_context(request, plan_form=form), status=400)
    plan, _ = InterviewPlan.objects.update_or_create(
        **owner.fields(),
        defaults={
            "date": form.cleaned_data["date"],
            "company": form.cleaned_data["company"],
            "updated": timezone.now(),
        },
    )
    at = f" at {plan.company}" if plan.company else ""
    messages.success(request, f"Interview date set: {date_format(plan.date, 'j F Y')}{at}.")
    return redirect(plan.get_absolute_url())


@require_GET
def questions_met(request: HttpRequest) -> HttpResponse:
    """sessions/questions_met.html: every question the candidate has answered, most recent first."""
    met = progress.questions_met(Owner.from_request(request))
    page = Paginator(met, 50).get_page(request.GET.get("page"))
    for row in page.object_list:
        row["avg_percent"] = percent_of_max(row["avg"], 1)
    return render(request, "sessions/questions_met.html", {"page": page})


@require_GET
def attempts(request: HttpRequest, slug: str) -> HttpResponse:
    """sessions/attempts.html: every attempt at one question (404 if the candidate never met it)."""
    owner = Owner.from_request(request)
    rows = list(
        progress.answers(owner)
        .filter(item__question__slug=slug)
        .select_related("item__session", "item__question")
        .order_by("-submitted_at")
    )
    if not rows:
        raise Http404("You have not answered this question yet")
    card = ReviewCard.objects.owned_by(owner).filter(question__slug=slug).first()
    return render(
        request, "sessions/attempts.html", {"question": rows[0].item.question, "rows": rows, "card": card}
    )


@require_GET
def export_json(request: HttpRequest) -> HttpResponse:
    owner = Owner.from_request(request)
    cards = [
        {"question": slug, "due": due.isoformat(), "reviews": reviews}
        for slug, due, reviews in ReviewCard.objects.owned_by(owner)
        .order_by("due")
        .values_list("question__slug", "due", "reviews")
    ]
    plan = InterviewPlan.objects.owned_by(owner).select_related("company").first()
    data = {
        "answers": export_rows(owner),
        "review_schedule": cards,
        "interview_plan": {
            "date": plan.date.isoformat(),
            "company": plan.company.slug if plan.company else None,
        }
        if plan
        else None,
    }
    body = json.dumps(data, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="prepsite-history.json"'
    return response


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    rows = export_rows(Owner.from_request(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="prepsite-history.csv"'
    fields = list(rows[0]) if rows else ["interview", "started", "question", "answer", "score"]
    writer = csv.DictWriter(response, fieldnames=fields)
    writer.writeheader()
    writer.writerows(csvsafe.safe_row(row) for row in rows)  # no typed text runs as a formula
    return response


@require_http_methods(["GET", "POST"])
def delete_history(request: HttpRequest) -> HttpResponseBase:
    """sessions/delete_history.html: confirm, then delete every interview, answer and review card,
    and the interview date."""
    owner = Owner.from_request(request)
    if request.method == "POST":
        interviews_deleted = InterviewSession.objects.owned_by(owner).count()
        InterviewSession.objects.owned_by(owner).delete_with_recordings()
        ReviewCard.objects.owned_by(owner).delete()
        InterviewPlan.objects.owned_by(owner).delete()
        messages.success(
            request, f"Deleted your history: {interviews_deleted} interview(s) and their answers."
        )
        return redirect("home")
    count = InterviewSession.objects.owned_by(owner).count()
    return render(request, "sessions/delete_history.html", {"count": count})
