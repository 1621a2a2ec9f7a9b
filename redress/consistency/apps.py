from django.apps import AppConfig


class ConsistencyConfig(AppConfig):
    """Similar decided cases, found by the meaning of their allegations, beside every decision."""

    name = "redress.consistency"
    label = "consistency"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from redress.cases import hooks
        from redress.consistency.services import embed_when_filed

        hooks.on_complaint_filed(embed_when_filed)
