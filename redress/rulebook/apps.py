from django.apps import AppConfig


class RulebookConfig(AppConfig):
    name = "redress.rulebook"
    label = "rulebook"
