"""Signing a party in with a one-time link sent to their registered email.

No password to forget. The reply to a request is always the same, so the form never says
whether an address is on the register. A link is good once, for `LINK_MINUTES`; only the
SHA-256 of its token is stored. The portal session it starts names the party (a `Person`),
is signed, and lasts `SESSION_SECONDS`; it has nothing to do with staff sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from redress.audit.services import record_event
from redress.cases.models import Case, Complaint
from redress.people.models import Person
from redress.portal import ratelimit
from redress.portal.models import SignInLink

LINK_MINUTES = 30
SESSION_SECONDS = 2 * 3600
SESSION_KEY = "redress_portal"
SESSION_SALT = "redress.portal.session"
# Requests for a link: per address (stops mail-bombing one person) and per network address
# (stops one client probing many addresses).
PER_ADDRESS = (3, timedelta(minutes=15))
PER_CLIENT = (20, timedelta(hours=1))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def parties_with_email(email: str) -> list[Person]:
    """The people with this registered address who are a party to a case: a respondent, or a
    complainant who gave their name."""
    people = Person.objects.filter(email__iexact=normalise_email(email))
    respondents = Case.objects.filter(respondent__in=people).values("respondent_id")
    complainants = Complaint.objects.filter(complainant__in=people, anonymous=False).values(
        "complainant_id"
    )
    return list(
        people.filter(Q(pk__in=respondents) | Q(pk__in=complainants)).select_related("organisation")
    )


def request_link(email: str, *, client: str, base_url: str) -> None:
    """Send a sign-in link to every party with this address, if the rate limits allow. Says
    nothing about whether anyone was found."""
    from redress.portal.tasks import email_sign_in_link

    address = normalise_email(email)
    allowed_client = ratelimit.allow(
        ratelimit.keyed("client", client), limit=PER_CLIENT[0], window=PER_CLIENT[1]
    )
    allowed_address = ratelimit.allow(
        ratelimit.keyed("email", address), limit=PER_ADDRESS[0], window=PER_ADDRESS[1]
    )
    if not (allowed_client and allowed_address):
        return
    for person in parties_with_email(address):
        with transaction.atomic():
            link = _create_link(person)
            record_event(
                organisation=person.organisation_id,
                actor=None,
                action="portal.link_sent",
                target=link,
                data={"person_id": person.pk},
            )
            transaction.on_commit(
                lambda pk=link.pk: email_sign_in_link.enqueue(pk, base_url)  # type: ignore[misc]
            )


def _create_link(person: Person) -> SignInLink:
    nonce = secrets.token_hex(32)
    now = timezone.now()
    return SignInLink.objects.create(
        organisation_id=person.organisation_id,
        person=person,
        nonce=nonce,
        token_hash=_hash(token_for(nonce)),
        created_at=now,
        expires_at=now + timedelta(minutes=LINK_MINUTES),
    )


def token_for(nonce: str) -> str:
    """The link's token: needs the nonce and the installation's SECRET_KEY."""
    secret = f"redress.portal.link:{settings.SECRET_KEY}".encode()
    digest = hmac.new(secret, nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LinkRefused(ValueError):
    """The link is unknown, used or expired. One message for all three."""


def redeem(token: str) -> Person:
    """Use a link, once. Raises LinkRefused."""
    if not token or len(token) > 100:
        raise LinkRefused("this sign-in link is not valid")
    now = timezone.now()
    with transaction.atomic():
        link = (
            SignInLink.objects.select_for_update()
            .select_related("person")
            .filter(token_hash=_hash(token))
            .first()
        )
        if link is None or link.used_at is not None or link.expires_at <= now:
            raise LinkRefused("this sign-in link has expired or has already been used")
        link.used_at = now
        link.save(update_fields=["used_at"])
        record_event(
            organisation=link.organisation_id,
            actor=None,
            action="portal.signed_in",
            target=link,
            data={"person_id": link.person_id},
        )
    return link.person


def start_session(request: HttpRequest, person: Person) -> None:
    """Begin a portal session for `person`, ending any other sign-in in this browser."""
    request.session.flush()
    request.session[SESSION_KEY] = signing.dumps(
        {"person": person.pk, "organisation": person.organisation_id}, salt=SESSION_SALT
    )
    # The cookie goes when the browser closes (a shared phone); the signed value ends the
    # session after SESSION_SECONDS even if the browser stays open.
    request.session.set_expiry(0)


def session_person(request: HttpRequest) -> Person | None:
    """The party signed in to the portal in this browser, if any."""
    value = request.session.get(SESSION_KEY)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=SESSION_SALT, max_age=SESSION_SECONDS)
    except signing.BadSignature:
        return None
    return (
        Person.objects.filter(pk=data.get("person"), organisation_id=data.get("organisation"))
        .select_related("organisation")
        .first()
    )


def end_session(request: HttpRequest) -> None:
    request.session.flush()


def forget_spent_links(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Delete links used or expired more than `older_than` ago (the audit log keeps the
    sign-ins)."""
    deleted, _ = SignInLink.objects.filter(expires_at__lt=timezone.now() - older_than).delete()
    return deleted
