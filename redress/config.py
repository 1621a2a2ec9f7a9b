"""Settings read from environment variables, each one documented in one place.

Every variable Redress reads goes through `env`, which records its name, default and meaning in
`VARIABLES`, so that `redress config-reference` prints a reference that cannot drift from the
code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    help: str
    secret: bool = False
    shown_default: str | None = None  # for the reference, where the default is machine-specific


VARIABLES: dict[str, Variable] = {}


class ConfigError(ValueError):
    """An environment variable has a value Redress cannot use."""


def env(
    name: str, default: str, help: str, *, secret: bool = False, shown_default: str | None = None
) -> str:
    VARIABLES[name] = Variable(name, default, help, secret, shown_default)
    return os.environ.get(name, default)


def env_bool(name: str, default: bool, help: str) -> bool:
    raw = env(name, "true" if default else "false", help).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int, help: str) -> int:
    raw = env(name, str(default), help)
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: str, help: str) -> list[str]:
    return [item.strip() for item in env(name, default, help).split(",") if item.strip()]


def reference_markdown() -> str:
    """The configuration reference as a Markdown table."""
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for var in sorted(VARIABLES.values(), key=lambda v: v.name):
        if var.secret:
            default = "(a development value: set your own)" if var.default else "(empty)"
        elif var.shown_default is not None:
            default = var.shown_default
        else:
            default = f"`{var.default}`" if var.default else "(empty)"
        lines.append(f"| `{var.name}` | {default} | {var.help} |")
    return "\n".join(lines) + "\n"
