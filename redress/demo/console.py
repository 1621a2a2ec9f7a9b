"""What the demo commands print: the organisation seeded and how to sign in to it."""

from __future__ import annotations

from redress.demo.seed import SeedSummary


def summary_lines(summary: SeedSummary) -> list[str]:
    stages = ", ".join(f"{stage} {count}" for stage, count in sorted(summary.stages.items()))
    return [
        f"Seeded {summary.organisation.name} ({summary.organisation.slug}): "
        f"{summary.members} members, {summary.cases} cases in {summary.seconds:.1f} s.",
        f"Cases by stage: {stages or 'none'}.",
    ]


def login_lines(logins: list[tuple[str, str]], password: str) -> list[str]:
    if not logins:
        return ["No demo sign-ins in this database."]
    width = max(len(role) for role, _ in logins)
    lines = [f"Demo sign-ins (password for every one: {password}):"]
    lines += [f"  {role.ljust(width)}  {username}" for role, username in logins]
    return lines
