"""The analytics pages: fairness, timeliness, campaigns, the diversity audit and the survey.

Staff pages are for complaints coordinators, administrators and oversight: they show counts,
rates and curves, never a name or a case's content (a cluster of near-identical complaints
lists only the references of cases the reader may already open). The survey pages are for the
parties, signed in to the portal as they are for their notices.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from redress.analytics import campaigns, diversity, survey, timeliness
from redress.analytics.charts import Series, bar_chart, step_chart
from redress.analytics.report import TIME_METRICS, FairnessReport, fairness_report, report_as_json
from redress.audit.services import record_event
from redress.people.models import Organisation, Person, StaffRole, User
from redress.portal import signin

READERS = (StaffRole.COORDINATOR, StaffRole.ADMIN, StaffRole.OVERSIGHT)
METRIC_LABELS = {
    "time_to_triage": "Time to triage",
    "time_to_decision": "Time to decision",
    "time_to_closure": "Time to closure",
    "upheld_rate": "Upheld rate",
    "outcome_distribution": "Outcomes",
    "sanction_distribution": "Sanctions",
}
DIMENSION_LABELS = {
    "category": "Category",
    "complainant_group": "Complainant group",
    "respondent_unit": "Unit",
}
CURVE_DAYS = 365


def may_read_analytics(user: User) -> bool:
    return user.is_active and user.organisation_id is not None and bool(user.roles & set(READERS))


StaffView = Callable[..., HttpResponse]


def analytics_reader(view: StaffView) -> StaffView:
    """Staff who may read analytics; a 403 for other staff. Each reading is audited."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = cast(User, request.user)
        if not may_read_analytics(user):
            raise PermissionDenied(
                "analytics are for complaints coordinators, administrators and oversight"
            )
        organisation = cast(Organisation, user.organisation)
        record_event(
            organisation=organisation,
            actor=user,
            action="analytics.viewed",
            data={"page": view.__name__},
        )
        return view(request, user, organisation, *args, **kwargs)

    return wrapped


@login_required  # a staff page: sign in first, whatever the method
@require_GET
@analytics_reader
def fairness(request: HttpRequest, user: User, organisation: Organisation) -> HttpResponse:
    dimension = request.GET.get("by", "category")
    if dimension not in DIMENSION_LABELS:
        dimension = "category"
    report = fairness_report(organisation)
    return render(
        request,
        "analytics/fairness.html",
        {
            "report": report,
            "dimension": dimension,
            "dimensions": DIMENSION_LABELS,
            "metric_labels": METRIC_LABELS,
            "curves": [_curve(report, dimension, metric) for metric in TIME_METRICS],
            "upheld": _upheld_bars(report, dimension),
            "volumes": [v for v in report.volumes if v.dimension == dimension],
        },
    )


@login_required  # a staff page: sign in first, whatever the method
@require_GET
@analytics_reader
def fairness_json(request: HttpRequest, user: User, organisation: Organisation) -> HttpResponse:
    return JsonResponse(report_as_json(fairness_report(organisation)))


def _curve(report: FairnessReport, dimension: str, metric: str) -> dict[str, Any]:
    table = report.survival(dimension, metric)
    curves = table.curves()
    days = min(curves.shape[1], CURVE_DAYS + 1) if curves.size else 0
    checkpoints = [d for d in (7, 30, 90, 180, 365) if d < days]
    series = []
    rows = []
    for g, label in enumerate(table.labels):
        if table.at_risk[g, 0] == 0:
            continue
        waiting = [(float(d), float(100 * curves[g, d])) for d in range(days)]
        series.append(Series(label, waiting))
        rows.append(
            {
                "group": label,
                "cases": int(table.at_risk[g, 0]),
                "waiting": [round(100 * float(curves[g, d]), 1) for d in checkpoints],
            }
        )
    title = f"{METRIC_LABELS[metric]} by {DIMENSION_LABELS[dimension].lower()}"
    return {
        "metric": metric,
        "title": title,
        "svg": step_chart(
            series,
            title=title,
            description=(
                "Kaplan-Meier curves: the percentage of each group's cases still waiting, by "
                "days since receipt. Open cases count until the report's day."
            ),
            x_label="days since the complaint was received",
            y_label="% still waiting",
            y_max=100,
        ),
        "checkpoints": checkpoints,
        "rows": rows,
    }


def _upheld_bars(report: FairnessReport, dimension: str) -> dict[str, Any]:
    table = report.outcomes[(dimension, "outcome")]
    rows: list[dict[str, Any]] = []
    bars: list[tuple[str, float]] = []
    for g, label in enumerate(table.labels):
        closed = int(table.counts[g].sum())
        upheld = (
            int(table.counts[g, list(table.columns).index("upheld")])
            if "upheld" in table.columns
            else 0
        )
        rows.append(
            {
                "group": label,
                "closed": closed,
                "upheld": upheld,
                "rate": 100 * upheld / closed if closed else 0.0,
            }
        )
    title = f"Upheld rate by {DIMENSION_LABELS[dimension].lower()}"
    return {
        "title": title,
        "rows": rows,
        "svg": bar_chart(
            bars,
            title=title,
            description="The percentage of each group's closed cases that were upheld.",
            unit="%",
        ),
    }


@login_required  # a staff page: sign in first, whatever the method
@require_GET
@analytics_reader
def timeliness_page(request: HttpRequest, user: User, organisation: Organisation) -> HttpResponse:
    today = timezone.localdate()
    backlog = timeliness.backlog_by_month(organisation, today=today)
    overall = backlog.get(timeliness.ALL, [])
    by_category = timeliness.backlog_by_month(organisation, today=today, by="category")
    return render(
        request,
        "analytics/timeliness.html",
        {
            "backlog": overall,
            "by_category": by_category,
            "backlog_svg": step_chart(
                [
                    Series(name, [(float(k), float(p.open)) for k, p in enumerate(points)])
                    for name, points in by_category.items()
                ],
                title="Open cases at the end of each month, by category",
                description="The backlog of each category over the last 24 months.",
                x_label="months ago 24 to now",
                y_label="open cases",
            ),
            "overdue": timeliness.overdue_deadlines(organisation, today=today),
            "suspensions": timeliness.suspensions_past_review(organisation, today=today),
        },
    )


@login_required  # a staff page: sign in first, whatever the method
@require_GET
@analytics_reader
def campaigns_page(request: HttpRequest, user: User, organisation: Organisation) -> HttpResponse:
    today = timezone.localdate()
    return render(
        request,
        "analytics/campaigns.html",
        {
            "concentration": campaigns.complainant_concentration(organisation, today=today),
            "clusters": campaigns.near_identical_clusters(user, organisation, today=today),
            "caution": campaigns.CAUTION,
            "min_cluster": campaigns.MIN_CLUSTER,
        },
    )


@login_required  # a staff page: sign in first, whatever the method
@require_GET
@analytics_reader
def diversity_page(request: HttpRequest, user: User, organisation: Organisation) -> HttpResponse:
    cells = diversity.diversity_audit(organisation)
    if request.GET.get("format") == "csv":
        response = HttpResponse(diversity.audit_csv(cells), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="diversity-audit.csv"'
        return response
    tables: dict[tuple[str, str], list[diversity.Cell]] = {}
    for cell in cells:
        tables.setdefault((cell.characteristic, cell.population), []).append(cell)
    characteristics = {
        characteristic: [
            (population, tables[(characteristic, population)])
            for population in diversity.populations(organisation)
        ]
        for characteristic in diversity.CHARACTERISTICS
    }
    return render(
        request,
        "analytics/diversity.html",
        {"characteristics": characteristics, "suppress_below": diversity.SUPPRESS_BELOW},
    )


@login_required  # a staff page: sign in first, whatever the method
@require_GET
@analytics_reader
def survey_results(request: HttpRequest, user: User, organisation: Organisation) -> HttpResponse:
    by = request.GET.get("by", "group")
    if by not in ("group", "category", "quarter"):
        by = "group"
    return render(
        request,
        "analytics/survey_results.html",
        {
            "results": survey.survey_results(organisation, by=by),
            "by": by,
            "min_answers": survey.MIN_ANSWERS,
            "questions": survey.QUESTIONS,
        },
    )


# --- The parties' survey pages ------------------------------------------------------------------


def _party(request: HttpRequest) -> Person | None:
    return signin.session_person(request)


@never_cache
@require_GET
def survey_list(request: HttpRequest) -> HttpResponse:
    person = _party(request)
    if person is None:
        return redirect("portal:sign_in")
    return render(
        request,
        "analytics/survey_list.html",
        {"invitations": survey.pending_invitations(person)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, invitation_id: int) -> HttpResponse:
    person = _party(request)
    if person is None:
        return redirect("portal:sign_in")
    if not survey.pending_invitations(person).filter(pk=invitation_id).exists():
        return render(request, "analytics/survey_gone.html", status=404)
    error = ""
    if request.method == "POST":
        answers: dict[str, int] = {}
        for question in survey.QUESTIONS:
            value = request.POST.get(question, "")
            if value.isdigit():
                answers[question] = int(value)
        try:
            survey.answer_survey(person, invitation_id, answers=answers)
        except survey.SurveyError as refusal:
            error = str(refusal)
        else:
            messages.success(request, "Thank you: your answers are recorded, without your name.")
            return redirect("survey:list")
    return render(
        request,
        "analytics/survey_answer.html",
        {
            "questions": survey.QUESTIONS,
            "scale": range(1, 6),
            "error": error,
            "posted": request.POST,
        },
        status=400 if error else 200,
    )
