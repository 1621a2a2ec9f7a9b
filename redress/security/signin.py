"""Staff sign-in: throttled password attempts, and a sign-in that ends after a spell of
inactivity or a working day, whichever comes first.

Throttling counts every attempt on a user name (keyed, never stored as written), so a guesser
learns nothing from being stopped: past the limit the password is not even checked. The rate
limit per client address (redress/security/ratelimits.py) comes on top.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import LoginView, redirect_to_login
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from redress.portal import ratelimit

ATTEMPTS_PER_USER_NAME = 10
ATTEMPT_WINDOW = timedelta(minutes=15)
SIGNED_IN_AT = "redress.signed_in_at"
SEEN_AT = "redress.seen_at"
# Writing the session on every request would turn each read into a write; a minute is enough.
SEEN_RESOLUTION_SECONDS = 60


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = (self.cleaned_data.get("username") or "").strip().lower()
        if username and not ratelimit.allow(
            ratelimit.keyed("staff sign-in", username),
            limit=ATTEMPTS_PER_USER_NAME,
            window=ATTEMPT_WINDOW,
        ):
            minutes = int(ATTEMPT_WINDOW.total_seconds() // 60)
            raise forms.ValidationError(
                f"Too many attempts to sign in with this user name. Wait {minutes} minutes and "
                "try again, or ask an administrator to reset your password.",
                code="throttled",
            )
        return super().clean()


class SignInView(LoginView):
    form_class = ThrottledAuthenticationForm


@receiver(user_logged_in)
def start_the_clock(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SIGNED_IN_AT] = now
        request.session[SEEN_AT] = now


def expired(request: HttpRequest, now: int) -> str:
    """Why the sign-in has ended, or "" while it lasts."""
    session = request.session
    signed_in_at = session.get(SIGNED_IN_AT, now)
    seen_at = session.get(SEEN_AT, now)
    if now - seen_at > settings.STAFF_IDLE_SECONDS:
        minutes = settings.STAFF_IDLE_SECONDS // 60
        return f"You were signed out after {minutes} minutes without activity."
    if now - signed_in_at > settings.SESSION_COOKIE_AGE:
        hours = settings.SESSION_COOKIE_AGE // 3600
        return f"You were signed out {hours} hours after signing in."
    return ""


class SignInExpiryMiddleware:
    """Ends a staff sign-in that has been idle for STAFF_IDLE_SECONDS, or that is older than
    SESSION_COOKIE_AGE however busy, and sends the user to sign in again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            why = expired(request, now)
            if why:
                logout(request)
                messages.info(request, why)
                return redirect_to_login(request.get_full_path())
            session = request.session
            session.setdefault(SIGNED_IN_AT, now)
            if now - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION_SECONDS:
                session[SEEN_AT] = now
        return self.get_response(request)
