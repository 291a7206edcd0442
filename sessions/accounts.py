"""Candidate accounts: sign up and log in, keeping what this browser did anonymously."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from prepsite import throttle

from . import services
from .models import Owner


class SignupForm(UserCreationForm):
    """Django's sign-up form, with each error beside the field it concerns."""

    def validate_password_for_user(self, user, **kwargs) -> None:
        # Django files the password rules' errors ("too short", "too common") under the second
        # field; they are about the password itself, so they go beside it.
        super().validate_password_for_user(user, password_field_name="password1")  # noqa: S106 - a field name


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponseBase:
    """registration/signup.html: username + password; keeps this browser's anonymous interviews."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Counted once the form is valid: typing mistakes do not use up a network's allowance.
        verdict = throttle.SIGNUPS.hit(throttle.address_of(request))
        if not verdict.allowed:
            return signup_refused(request, verdict, username=form.cleaned_data["username"])
        token = Owner.from_request(request).token
        user = form.save()
        login(request, user, backend="prepsite.auth.ModelBackend")
        services.claim_anonymous_interviews(token=token, user=user)
        messages.success(request, f"Welcome, {user.username}. Your practice is saved to your account.")
        return redirect("home")
    return render(request, "registration/signup.html", {"form": form})


def signup_refused(request: HttpRequest, verdict: throttle.Verdict, *, username: str) -> HttpResponseBase:
    """429.html with the sign-up form again: the username kept, the passwords (of course) not."""
    return throttle.too_many_requests(
        request,
        verdict,
        limit=throttle.SIGNUPS,
        heading="Too many sign-ups",
        explanation="Many accounts have been created from your network recently, so signing up is paused.",
        retry_form="registration/signup.html#signup-form",
        context={"form": SignupForm(initial={"username": username})},
    )


class CandidateLoginView(LoginView):
    """Django's login, plus: interviews done anonymously in this browser join the account."""

    def form_valid(self, form):
        # Read before login: logging in rotates the session (the token goes with it).
        token = Owner.from_request(self.request).token
        response = super().form_valid(form)
        services.claim_anonymous_interviews(token=token, user=form.get_user())
        return response
