from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "redress.intake"
    label = "intake"
    verbose_name = "Public intake"

    def ready(self) -> None:
        from redress.cases.hooks import on_complaint_filed
        from redress.intake.services import open_held_reports_for

        # Every complaint, on every channel, may open held reports about its respondent.
        on_complaint_filed(open_held_reports_for)
