"""Sharing a finished interview as a public, read-only report behind a capability URL."""

from __future__ import annotations

import json
from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_POST

from . import share_links
from .forms import ShareForm
from .models import Answer, InterviewSession, Owner, ShareLink
from .reports import Report


def private_report(response: HttpResponse) -> HttpResponse:
    """Headers for anything served under a share token: not indexed, no referrer, never in shared caches."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    patch_cache_control(response, private=True, no_store=True, max_age=0)
    return response


@require_POST
def share_create(request: HttpRequest, pk: UUID) -> HttpResponseBase:
    session = InterviewSession.objects.get_owned_or_404(Owner.from_request(request), pk)
    form = ShareForm(request.POST)
    if session.status != InterviewSession.Status.FINISHED or not form.is_valid():
        messages.error(request, "Only a finished interview can be shared; check the options.")
        return redirect("sessions:summary", pk=session.pk)
    now = timezone.now()
    days = form.cleaned_data["expires_days"]
    # One live link at a time: a new link replaces the old one (safe when requests race).
    share_links.replace_live_link(
        session=session,
        include_answers=form.cleaned_data["include_answers"],
        include_recordings=form.cleaned_data["include_recordings"],
        show_name=form.cleaned_data["show_name"] and session.user_id is not None,
        expires_at=now + timedelta(days=days) if days else None,
        now=now,
    )
    messages.success(request, "Share link created. Anyone with the link can see this report.")
    return redirect("sessions:summary", pk=session.pk)


@require_POST
def share_revoke(request: HttpRequest, pk: UUID) -> HttpResponseBase:
    session = InterviewSession.objects.get_owned_or_404(Owner.from_request(request), pk)
    revoked = ShareLink.objects.filter(session=session).live().update(revoked_at=timezone.now())
    if revoked:
        messages.success(request, "Share link revoked: it no longer works.")
    return redirect("sessions:summary", pk=session.pk)


def _report(token: str) -> tuple[ShareLink, Report, dict] | None:
    """The live link ``token`` with its interview's report and the template context, or None."""
    link = (
        ShareLink.objects.live()
        .filter(token=token, session__status=InterviewSession.Status.FINISHED)
        .select_related("session__topic", "session__level", "session__company", "session__user")
        .first()
    )
    if link is None:
        return None
    session = link.session
    report = Report.of(session, key_points=True)
    name = session.user.get_username() if link.show_name and session.user else ""
    return link, report, {"link": link, "name": name, **report.context()}


def not_found(request: HttpRequest) -> HttpResponse:
    """The one 404 for unknown, revoked and expired tokens alike: no hint which."""
    return private_report(render(request, "404.html", status=404))


@require_GET
def report(request: HttpRequest, token: str) -> HttpResponse:
    """sessions/report.html: the public read-only report."""
    found = _report(token)
    if found is None:
        return not_found(request)
    return private_report(render(request, "sessions/report.html", found[2]))


@require_GET
def report_markdown(request: HttpRequest, token: str) -> HttpResponse:
    found = _report(token)
    if found is None:
        return not_found(request)
    text = render_to_string("sessions/report.md", found[2])
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="interview-report.md"'
    return private_report(response)


@require_GET
def report_json(request: HttpRequest, token: str) -> HttpResponse:
    found = _report(token)
    if found is None:
        return not_found(request)
    link, report, context = found
    data = report.to_dict(include_answers=link.include_answers, candidate=context["name"])
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="interview-report.json"'
    return private_report(response)


@require_GET
def report_recording(request: HttpRequest, token: str, position: int) -> HttpResponseBase:
    """One recording of a shared report, only when the candidate chose to include recordings."""
    link = ShareLink.objects.live().filter(token=token, include_recordings=True).first()
    answer = (
        Answer.objects.filter(item__session=link.session, item__position=position)
        .exclude(recording="")
        .first()
        if link is not None and link.session.status == InterviewSession.Status.FINISHED
        else None
    )
    if answer is None:
        return not_found(request)
    return private_report(
        FileResponse(answer.recording.open("rb"), content_type=answer.recording_content_type)
    )
