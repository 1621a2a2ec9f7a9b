from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "redress.analytics"
    label = "analytics"
    verbose_name = "Fairness analytics"

    def ready(self) -> None:
        from redress.analytics.facts import refresh_fact_for_case, refresh_fact_for_complaint
        from redress.analytics.survey import invite_on_closure
        from redress.cases.hooks import on_case_transitioned, on_complaint_filed

        # The fact table follows every live case: a new complaint may open a case, and every
        # transition may reach a milestone or close it.
        on_complaint_filed(refresh_fact_for_complaint)
        on_case_transitioned(refresh_fact_for_case)
        # A case that closes invites both parties to the confidence survey.
        on_case_transitioned(invite_on_closure)
