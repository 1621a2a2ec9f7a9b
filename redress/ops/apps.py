from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Redress in production: `redress serve`, `redress worker` (with its heartbeat),
    `redress doctor`, `redress backup` and `redress restore`."""

    name = "redress.ops"
    label = "ops"
