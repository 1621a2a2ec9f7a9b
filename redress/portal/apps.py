from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The parties' side of Redress: sign-in by one-time link, their cases and notices, their
    answers and requests; and the organisation's own notice templates and their delivery."""

    name = "redress.portal"
    label = "portal"
