from django.apps import AppConfig


class PanelsConfig(AppConfig):
    name = "redress.panels"
    label = "panels"
