"""The configuration reference in docs/ is the command's output, and production settings pass
Django's deployment checks."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from redress.config import VARIABLES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"
PRODUCTION = {
    "SECRET_KEY": "p7Qx-Lw2z9Vb4Nc8Rt1Ys6Ud3Ke0Hf5Jg-Mi7Oa2Pl9Sq4Tr8Uv1Wx6Yz3Ab0Cd5Ef",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "complaints.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://complaints.example.org",
    "DATABASE_URL": "postgres://redress@db.example.org:5432/redress",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "BEHIND_HTTPS_PROXY": "true",
}


def test_docs_configuration_is_the_config_reference() -> None:
    out = StringIO()
    call_command("config-reference", stdout=out)
    assert DOCS.read_text() == out.getvalue(), "run `make config-reference`"


def test_the_reference_names_every_variable() -> None:
    text = DOCS.read_text()
    assert VARIABLES
    for name in VARIABLES:
        assert f"| `{name}` |" in text


def deploy_check(environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """`redress check --deploy` in a fresh process with only `environment` set."""
    return subprocess.run(
        [sys.executable, "-m", "redress.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env={"PATH": os.environ.get("PATH", ""), **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks() -> None:
    result = deploy_check(PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_the_development_defaults_fail_the_deployment_checks() -> None:
    result = deploy_check({"DATABASE_URL": PRODUCTION["DATABASE_URL"]})
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W009", "security.W012"):
        assert check in result.stderr
