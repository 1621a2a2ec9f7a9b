"""`redress serve [--host H] [--port P] [--workers N]`: serve Redress over HTTP with gunicorn.

Gunicorn runs the WSGI application in a pool of worker processes; static files are served by
WhiteNoise from STATIC_ROOT, which `collectstatic` fills first. Put it behind a reverse proxy
that terminates HTTPS (and set BEHIND_HTTPS_PROXY). Background work needs `redress worker`
running beside it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped] # no type hints


class Command(BaseCommand):
    help = (
        "Serve Redress with gunicorn (static files by WhiteNoise, after collectstatic). "
        "Run `redress worker` beside it for background work."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument(
            "--workers",
            type=int,
            default=settings.SERVE_WORKERS,
            help="gunicorn worker processes (default: WEB_CONCURRENCY or 2)",
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_false",
            dest="collectstatic",
            help="skip collectstatic (when STATIC_ROOT was filled at build time)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 1 <= options["port"] <= 65535:
            raise CommandError("the port must be between 1 and 65535")
        if options["workers"] < 1:
            raise CommandError("at least one worker is needed")
        if options["collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        bind = f"{options['host']}:{options['port']}"
        self.stdout.write(
            f"Serving Redress on http://{bind}/ (static files from "
            f"{settings.STATIC_ROOT}); Ctrl-C stops it."
        )
        self.stdout.flush()
        RedressServer(
            {
                "bind": bind,
                "workers": options["workers"],
                "accesslog": "-",
                "errorlog": "-",
                "timeout": 60,
                "graceful_timeout": 10,
            }
        ).run()


class RedressServer(BaseApplication):
    """Gunicorn with its settings given here rather than read from its own command line."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        if "control_socket_disable" in self.cfg.settings:
            # Gunicorn 24+ opens a control socket in $HOME by default; Redress does not use it,
            # and two servers on one machine would contend for it.
            self.cfg.set("control_socket_disable", True)

    def load(self) -> Any:
        from redress.wsgi import application

        return application
