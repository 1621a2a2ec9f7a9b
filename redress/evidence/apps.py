from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    """Evidence: files kept once under their SHA-256 with a chain of custody, chat exports read
    into messages, and the hearing bundle."""

    name = "redress.evidence"
    default_auto_field = "django.db.models.BigAutoField"
