from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The synthetic demo organisation (`redress seed`, `redress demo`) and the commands that
    run Redress: `redress serve`, `redress worker`, `redress config-reference`."""

    name = "redress.demo"
    label = "demo"
