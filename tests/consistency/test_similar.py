"""Similar decided cases beside a decision, and the flag on a sanction far from theirs."""

import pytest
from django_tasks_db.models import DBTaskResult

from redress.cases import services as case_services
from redress.cases.models import Allegation
from redress.consistency import services
from tests.factories import REASONS, walk_to

QUERY = "He posted a conspiracy theory about Jewish bankers controlling the party on Facebook."
CLOSE = [
    "She shared a post claiming Jewish financiers secretly run the government.",
    "A member wrote online that a Jewish lobby controls the media and the banks.",
    "A councillor claimed on Twitter that Jewish bankers fund and control the party.",
]
OTHER_CATEGORY = "He posted memes mocking Black people and their culture on the branch page."
UNRELATED = "The branch secretary shouted at volunteers for arriving late to a leafleting session."


def _file(cast, summary, category):
    case = case_services.file_complaint(
        cast.organisation,
        categories=[category],
        summary=summary,
        respondent=cast.respondent,
        complainant=cast.complainant,
    ).case
    case_services.assign(case, user=cast.officer, role="officer", actor=cast.coordinator)
    return case


def _decided(cast, summary, category, *, sanction):
    """A case taken through its hearing to a decision with the given sanction ("" for not
    upheld), and on past the decision stage."""
    case = walk_to(_file(cast, summary, category), "decision", cast)
    for allegation in case.allegations.filter(charged=True):
        case_services.record_finding(
            allegation,
            finding=Allegation.Finding.UPHELD if sanction else Allegation.Finding.NOT_UPHELD,
            reasons=REASONS,
            sanction=sanction,
            sanction_reasons=REASONS if sanction else "",
            conduct="harassment_of_a_person" if sanction else "",
            actor=cast.panellist,
        )
    case_services.assign(case, user=cast.reviewer, role="reviewer", actor=cast.coordinator)
    reviewed = category in ("antisemitism", "islamophobia", "anti_black_racism", "other_racism")
    target = "review" if reviewed else "appeal_window"
    try:
        case_services.transition_case(case, to=target, actor=cast.panellist)
    except case_services.CaseError:
        case_services.transition_case(
            case, to="appeal_window" if reviewed else "review", actor=cast.panellist
        )
    services.embed_case(case.pk)
    return case


@pytest.fixture
def world(cast):
    cases = {
        "close0": _decided(cast, CLOSE[0], "antisemitism", sanction="suspension"),
        "close1": _decided(cast, CLOSE[1], "antisemitism", sanction="suspension"),
        "close2": _decided(cast, CLOSE[2], "antisemitism", sanction="expulsion"),
        "acquitted": _decided(cast, CLOSE[0] + " It was a parody.", "antisemitism", sanction=""),
        "other_category": _decided(cast, OTHER_CATEGORY, "anti_black_racism", sanction="expulsion"),
        "unrelated": _decided(cast, UNRELATED, "bullying", sanction="warning"),
        "undecided": _file(cast, CLOSE[1] + " Again.", "antisemitism"),
    }
    services.embed_case(cases["undecided"].pk)
    cases["query"] = walk_to(_file(cast, QUERY, "antisemitism"), "decision", cast)
    services.embed_case(cases["query"].pk)
    return cases


@pytest.mark.django_db
def test_similar_decided_cases_and_the_sanction_they_suggest(world):
    found = services.similar_decided_cases(world["query"], limit=10)
    names = {case.pk: name for name, case in world.items()}
    order = [names[s.case.pk] for s in found]
    # Neither the case itself nor one still undecided is offered as a precedent.
    assert "query" not in order and "undecided" not in order
    assert set(order[:4]) == {"close0", "close1", "close2", "acquitted"}
    assert order[4:] == sorted(
        ["other_category", "unrelated"],
        key=lambda n: -next(s.similarity for s in found if names[s.case.pk] == n),
    )
    same = [s for s in found if s.same_category]
    assert [s.similarity for s in same] == sorted((s.similarity for s in same), reverse=True)
    by_name = {names[s.case.pk]: s for s in found}
    assert by_name["close0"].sanction == "suspension" and by_name["close0"].outcome == "upheld"
    assert by_name["acquitted"].sanction == "" and by_name["acquitted"].outcome == "not_upheld"
    # Meaning, not category, decides distance: the racist memes are nearer than the shouting.
    assert by_name["other_category"].similarity > by_name["unrelated"].similarity
    assert services.similar_decided_cases(world["query"], limit=2) == found[:2]

    # The proposed sanction against what the similar upheld cases received (suspension,
    # suspension, expulsion; the acquittal received nothing and does not count).
    query = world["query"]
    mild = services.check_proposed_sanction(query, "reminder_of_conduct")
    assert mild.far and mild.steps < -1 and mild.typical == "suspension"
    assert mild.compared_with >= 3
    assert "less severe" in mild.message and "record why" in mild.message
    in_line = services.check_proposed_sanction(query, "suspension")
    assert not in_line.far and in_line.steps == 0
    one_step = services.check_proposed_sanction(query, "removal_from_office")
    assert not one_step.far and one_step.steps == -1


@pytest.mark.django_db
def test_a_case_not_yet_embedded_gets_none_and_is_queued_for_the_worker(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    case = _file(cast, QUERY, "antisemitism")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.similar_decided_cases(case) is None
        assert services.check_proposed_sanction(case, "warning") is None
    queued = DBTaskResult.objects.filter(task_path__endswith="embed_case_task")
    assert [r.args_kwargs["args"] for r in queued] == [[case.pk], [case.pk]]


@pytest.mark.django_db
def test_filing_a_complaint_queues_its_case_for_embedding(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        case = _file(cast, UNRELATED, "bullying")
    queued = DBTaskResult.objects.filter(task_path__endswith="embed_case_task")
    assert [r.args_kwargs["args"] for r in queued] == [[case.pk]]


@pytest.mark.django_db
def test_an_embedding_of_text_since_changed_is_not_used(cast, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    case = _file(cast, UNRELATED, "bullying")
    services.embed_case(case.pk)
    assert services.current_embedding(case) is not None
    case_services.add_allegation(
        case,
        category="bullying",
        particulars="He also mocked a volunteer's stammer.",
        conduct_on=None,
        actor=cast.officer,
    )
    assert services.current_embedding(case) is None
    assert services.cases_needing_embedding(recheck=True) == [case.pk]
    assert services.cases_needing_embedding() == []
