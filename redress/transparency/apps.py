from django.apps import AppConfig


class TransparencyConfig(AppConfig):
    name = "redress.transparency"
    label = "transparency"
    verbose_name = "Public statistics"
