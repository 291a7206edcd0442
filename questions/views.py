from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from sessions.forms import StartForm
from sessions.models import AnswerBy

from .forms import BankFilterForm
from .models import Question

PAGE_SIZE = 25


@require_GET
@vary_on_headers("HX-Request")
def bank(request: HttpRequest) -> HttpResponse:
    """questions/bank.html: the published bank, filtered by GET parameters.

    htmx requests get only the ``results`` partial; the URL (pushed by htmx)
    stays shareable because the filters live in the query string.
    """
    form = BankFilterForm(request.GET or None)
    filters = form.filters()
    questions = (
        Question.objects.published().matching(**filters).for_listing().order_by("level__rank", "prompt")
    )
    page = Paginator(questions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "filtered": any(filters.values()),
        "query": query.urlencode(),
    }
    template = "questions/bank.html#results" if request.htmx else "questions/bank.html"
    return render(request, template, context)


@require_GET
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """questions/detail.html: one question with its model answer (drafts for staff only)."""
    questions = Question.objects.for_listing().prefetch_related("key_points", "sightings__source")
    if not request.user.is_staff:
        questions = questions.published()
    question = get_object_or_404(questions, slug=slug)
    practise_form = StartForm(initial={"answer_by": AnswerBy.remembered(request)})
    return render(request, "questions/detail.html", {"question": question, "practise_form": practise_form})
