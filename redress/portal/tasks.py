"""Background work for the portal, run by `redress worker`."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django_tasks import task

from redress.cases.models import Case, CaseRole
from redress.portal import signin
from redress.portal.models import SignInLink


@task()
def email_sign_in_link(link_id: int, base_url: str) -> None:
    """Email a sign-in link. The token is rebuilt here from the stored nonce and SECRET_KEY, so
    neither the link table nor the task queue holds it."""
    link = SignInLink.objects.select_related("person", "organisation").get(pk=link_id)
    if link.used_at is not None:
        return
    url = base_url.rstrip("/") + reverse("portal:link", args=[signin.token_for(link.nonce)])
    body = (
        f"To see your case with {link.organisation.name}, open this link:\n\n{url}\n\n"
        f"It works once, for {signin.LINK_MINUTES} minutes. If you did not ask for it, you "
        "can ignore this message: nobody can sign in without the link.\n"
    )
    EmailMessage(
        subject=f"Your sign-in link: {link.organisation.name}",
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[link.person.email],
        headers={"Auto-Submitted": "auto-generated"},
    ).send()


TEAM_NOTICE_ROLES = (CaseRole.OFFICER, CaseRole.INVESTIGATOR)


@task()
def email_case_team(case_id: int, what: str) -> None:
    """Tell the officer and the investigator that a party has done something on the case
    (`what` names it, without anyone's personal details)."""
    case = Case.objects.get(pk=case_id)
    addresses = sorted(
        {
            a.user.email
            for a in case.assignments.filter(
                ended_at__isnull=True, role__in=TEAM_NOTICE_ROLES
            ).select_related("user")
            if a.user.email
        }
    )
    if not addresses:
        return
    EmailMessage(
        subject=f"Case {case.reference}: {what}",
        body=(
            f"On case {case.reference}: {what}.\n\nSign in to Redress to see it. Requests "
            f"from the parties wait for you at {reverse('portal:staff_requests')}.\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=addresses,
        headers={"Auto-Submitted": "auto-generated"},
    ).send()
