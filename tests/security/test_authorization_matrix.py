"""The authorization matrix: every URL and every API operation, asked by every persona, gives
exactly the answer in the tables below.

The personas, each asking about one busy case (tests/security/world.py):

    anon     nobody signed in
    party    the case's respondent, signed in to the party portal (not a member of staff)
    foreign  staff of another organisation holding every powerful role there
    outsdr   staff of this organisation (officer and investigator) with no relation to the case
    coord    the complaints coordinator: staffs cases, but this case already has its officer
    team     the case officer, on the case's team
    ovsght   oversight: reads everything, changes nothing
    admin    an administrator with no relation to the case

The published statistics (/transparency/) are public; the world has published no release, so a
release's pages are a 404 to everyone. The case has a chat export in evidence; the coordinator has
prepared a document for publication that is under review (not released, so its download is a 404);
the respondent has a survey to answer about a closed case. Analytics and publication are for the
organisation's own coordinators and administrators (and oversight reads analytics); staff of
another organisation holding those roles read their own organisation's pages, never this one's
records. An answer is the status code, or where a redirect sends the
asker: `login` (the staff sign-in
page) or `portal` (the party portal's sign-in). A POST carries no form data, so a 400 means the
asker reached the form and the view refused its content; 404 means the view would not admit the
case (or record) exists. API requests carry a body that validates, so their answer is about who
asks. Each request is rolled back, so every cell is asked of the same world.

A route the resolver knows but a table does not (a new URL, a new API operation) fails
`test_every_url_and_operation_is_in_the_matrix`: give it a row, reading its view's access rule.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.security import matrix
from tests.security.world import build_world

pytestmark = pytest.mark.django_db

PAGES = """
route                                                    verb  anon    party   foreign outsdr  coord   team    ovsght  admin
/                                                        GET   302     302     302     302     302     302     302     302
/                                                        POST  302     302     302     302     302     302     302     302
/login/                                                  GET   200     200     200     200     200     200     200     200
/login/                                                  POST  200     200     200     200     200     200     200     200
/logout/                                                 GET   405     405     405     405     405     405     405     405
/logout/                                                 POST  login   login   login   login   login   login   login   login
/cases/                                                  GET   login   login   200     200     200     200     200     200
/cases/                                                  POST  login   login   405     405     405     405     405     405
/cases/<case_id>/                                        GET   login   login   404     404     404     200     200     404
/cases/<case_id>/                                        POST  login   login   405     405     405     405     405     405
/cases/<case_id>/transitions/                            GET   login   login   405     405     405     405     405     405
/cases/<case_id>/transitions/                            POST  login   login   404     404     404     302     302     404
/cases/<case_id>/decisions/<kind>/                       GET   login   login   405     405     405     405     405     405
/cases/<case_id>/decisions/<kind>/                       POST  login   login   404     404     404     400     400     404
/cases/<case_id>/notices/                                GET   login   login   405     405     405     405     405     405
/cases/<case_id>/notices/                                POST  login   login   404     404     404     400     400     404
/cases/staffing/                                         GET   login   login   200     403     200     403     403     200
/cases/staffing/                                         POST  login   login   405     405     405     405     405     405
/cases/<case_id>/team/                                   GET   login   login   404     404     200     404     404     200
/cases/<case_id>/team/                                   POST  login   login   404     404     400     404     404     400
/cases/<case_id>/team/<assignment_id>/end/               GET   login   login   405     405     405     405     405     405
/cases/<case_id>/team/<assignment_id>/end/               POST  login   login   404     404     400     404     404     400
/cases/<case_id>/assign/                                 GET   login   login   405     405     405     405     405     405
/cases/<case_id>/assign/                                 POST  login   login   404     404     404     400     400     404
/cases/<case_id>/allegations/                            GET   login   login   405     405     405     405     405     405
/cases/<case_id>/allegations/                            POST  login   login   404     404     404     400     400     404
/cases/<case_id>/allegations/<allegation_id>/charge/     GET   login   login   405     405     405     405     405     405
/cases/<case_id>/allegations/<allegation_id>/charge/     POST  login   login   404     404     404     400     400     404
/cases/<case_id>/allegations/<allegation_id>/finding/    GET   login   login   405     405     405     405     405     405
/cases/<case_id>/allegations/<allegation_id>/finding/    POST  login   login   404     404     404     400     400     404
/cases/<case_id>/response/                               GET   login   login   405     405     405     405     405     405
/cases/<case_id>/response/                               POST  login   login   404     404     404     400     400     404
/cases/<case_id>/response/extension/                     GET   login   login   405     405     405     405     405     405
/cases/<case_id>/response/extension/                     POST  login   login   404     404     404     400     400     404
/cases/<case_id>/hearings/                               GET   login   login   405     405     405     405     405     405
/cases/<case_id>/hearings/                               POST  login   login   404     404     404     400     400     404
/cases/<case_id>/hearings/<hearing_id>/held/             GET   login   login   405     405     405     405     405     405
/cases/<case_id>/hearings/<hearing_id>/held/             POST  login   login   404     404     404     400     400     404
/cases/<case_id>/suspensions/                            GET   login   login   405     405     405     405     405     405
/cases/<case_id>/suspensions/                            POST  login   login   404     404     404     400     400     404
/cases/<case_id>/suspensions/<suspension_id>/serve/      GET   login   login   405     405     405     405     405     405
/cases/<case_id>/suspensions/<suspension_id>/serve/      POST  login   login   404     404     404     400     400     404
/cases/<case_id>/suspensions/<suspension_id>/review/     GET   login   login   405     405     405     405     405     405
/cases/<case_id>/suspensions/<suspension_id>/review/     POST  login   login   404     404     404     400     400     404
/cases/<case_id>/suspensions/<suspension_id>/extension/  GET   login   login   405     405     405     405     405     405
/cases/<case_id>/suspensions/<suspension_id>/extension/  POST  login   login   404     404     404     400     400     404
/cases/<case_id>/representations/                        GET   login   login   404     404     404     200     200     404
/cases/<case_id>/representations/                        POST  login   login   404     404     404     400     403     404
/cases/representations/                                  GET   login   login   200     403     403     403     200     403
/cases/representations/                                  POST  login   login   405     405     405     405     405     405
/cases/<case_id>/emergency-access/                       GET   login   login   200     200     200     302     302     200
/cases/<case_id>/emergency-access/                       POST  login   login   400     400     400     302     302     400
/cases/emergency-access/                                 GET   login   login   200     403     403     403     200     403
/cases/emergency-access/                                 POST  login   login   405     405     405     405     405     405
/cases/emergency-access/<access_id>/reviewed/            GET   login   login   405     405     405     405     405     405
/cases/emergency-access/<access_id>/reviewed/            POST  login   login   404     404     404     404     302     404
/report/                                                 GET   200     200     200     200     200     200     200     200
/report/                                                 POST  400     400     400     400     400     400     400     400
/report/status/                                          GET   200     200     200     200     200     200     200     200
/report/status/                                          POST  400     400     400     400     400     400     400     400
/report/cases/<case_id>/messages/                        GET   login   login   404     404     404     200     200     404
/report/cases/<case_id>/messages/                        POST  login   login   404     404     404     400     400     404
/portal/                                                 GET   200     302     200     200     200     200     200     200
/portal/                                                 POST  400     302     400     400     400     400     400     400
/portal/link/<token>/                                    GET   200     200     200     200     200     200     200     200
/portal/link/<token>/                                    POST  302     302     302     302     302     302     302     302
/portal/sign-out/                                        GET   405     405     405     405     405     405     405     405
/portal/sign-out/                                        POST  portal  portal  portal  portal  portal  portal  portal  portal
/portal/cases/                                           GET   portal  200     portal  portal  portal  portal  portal  portal
/portal/cases/                                           POST  portal  200     portal  portal  portal  portal  portal  portal
/portal/cases/<case_id>/                                 GET   portal  200     portal  portal  portal  portal  portal  portal
/portal/cases/<case_id>/                                 POST  portal  200     portal  portal  portal  portal  portal  portal
/portal/cases/<case_id>/notices/<notice_id>/             GET   portal  200     portal  portal  portal  portal  portal  portal
/portal/cases/<case_id>/notices/<notice_id>/             POST  portal  200     portal  portal  portal  portal  portal  portal
/portal/cases/<case_id>/answer/                          GET   portal  200     portal  portal  portal  portal  portal  portal
/portal/cases/<case_id>/answer/                          POST  portal  400     portal  portal  portal  portal  portal  portal
/portal/cases/<case_id>/extension/                       GET   portal  200     portal  portal  portal  portal  portal  portal
/portal/cases/<case_id>/extension/                       POST  portal  400     portal  portal  portal  portal  portal  portal
/portal/cases/<case_id>/companion/                       GET   portal  200     portal  portal  portal  portal  portal  portal
/portal/cases/<case_id>/companion/                       POST  portal  400     portal  portal  portal  portal  portal  portal
/portal/cases/<case_id>/appeal/                          GET   portal  200     portal  portal  portal  portal  portal  portal
/portal/cases/<case_id>/appeal/                          POST  portal  400     portal  portal  portal  portal  portal  portal
/portal/staff/requests/                                  GET   login   login   200     200     200     200     200     200
/portal/staff/requests/                                  POST  login   login   405     405     405     405     405     405
/portal/staff/requests/<request_id>/                     GET   login   login   405     405     405     405     405     405
/portal/staff/requests/<request_id>/                     POST  login   login   404     404     404     302     404     404
/privacy/                                                GET   login   login   200     403     403     403     200     200
/privacy/                                                POST  login   login   400     403     403     403     400     400
/privacy/<request_id>/archive/                           GET   login   login   404     403     403     403     200     200
/privacy/<request_id>/archive/                           POST  login   login   405     405     405     405     405     405
/transparency/                                           GET   200     200     200     200     200     200     200     200
/transparency/                                           POST  405     405     405     405     405     405     405     405
/transparency/<organisation>/<period>/                   GET   404     404     404     404     404     404     404     404
/transparency/<organisation>/<period>/                   POST  405     405     405     405     405     405     405     405
/transparency/<organisation>/<period>.csv                GET   404     404     404     404     404     404     404     404
/transparency/<organisation>/<period>.csv                POST  405     405     405     405     405     405     405     405
/transparency/<organisation>/<period>.json               GET   404     404     404     404     404     404     404     404
/transparency/<organisation>/<period>.json               POST  405     405     405     405     405     405     405     405
/cases/<case_id>/evidence/                               GET   login   login   404     404     404     200     200     404
/cases/<case_id>/evidence/                               POST  login   login   404     404     404     400     400     404
/cases/<case_id>/evidence/<item_id>/original/            GET   login   login   404     404     404     200     200     404
/cases/<case_id>/evidence/<item_id>/original/            POST  login   login   405     405     405     405     405     405
/cases/<case_id>/evidence/<item_id>/for/<to>/            GET   login   login   404     404     404     200     403     404
/cases/<case_id>/evidence/<item_id>/for/<to>/            POST  login   login   405     405     405     405     405     405
/cases/<case_id>/evidence/messages/                      GET   login   login   404     404     404     200     200     404
/cases/<case_id>/evidence/messages/                      POST  login   login   404     404     404     200     200     404
/cases/<case_id>/evidence/messages/rely/                 GET   login   login   405     405     405     405     405     405
/cases/<case_id>/evidence/messages/rely/                 POST  login   login   404     404     404     302     302     404
/cases/<case_id>/evidence/messages/<message_id>/         GET   login   login   404     404     404     200     200     404
/cases/<case_id>/evidence/messages/<message_id>/         POST  login   login   405     405     405     405     405     405
/cases/<case_id>/evidence/bundle.pdf                     GET   login   login   404     404     404     200     200     404
/cases/<case_id>/evidence/bundle.pdf                     POST  login   login   405     405     405     405     405     405
/analytics/                                              GET   login   login   200     403     200     403     200     200
/analytics/                                              POST  login   login   405     405     405     405     405     405
/analytics/fairness.json                                 GET   login   login   200     403     200     403     200     200
/analytics/fairness.json                                 POST  login   login   405     405     405     405     405     405
/analytics/timeliness/                                   GET   login   login   200     403     200     403     200     200
/analytics/timeliness/                                   POST  login   login   405     405     405     405     405     405
/analytics/campaigns/                                    GET   login   login   200     403     200     403     200     200
/analytics/campaigns/                                    POST  login   login   405     405     405     405     405     405
/analytics/diversity/                                    GET   login   login   200     403     200     403     200     200
/analytics/diversity/                                    POST  login   login   405     405     405     405     405     405
/analytics/survey/                                       GET   login   login   200     403     200     403     200     200
/analytics/survey/                                       POST  login   login   405     405     405     405     405     405
/survey/                                                 GET   portal  200     portal  portal  portal  portal  portal  portal
/survey/                                                 POST  405     405     405     405     405     405     405     405
/survey/<invitation_id>/                                 GET   portal  200     portal  portal  portal  portal  portal  portal
/survey/<invitation_id>/                                 POST  portal  400     portal  portal  portal  portal  portal  portal
/publication/                                            GET   login   login   200     403     200     403     403     200
/publication/                                            POST  login   login   400     403     400     403     403     400
/publication/<document_id>/                              GET   login   login   404     403     200     403     403     200
/publication/<document_id>/                              POST  login   login   405     405     405     405     405     405
/publication/<document_id>/add/                          GET   login   login   405     405     405     405     405     405
/publication/<document_id>/add/                          POST  login   login   404     403     400     403     403     400
/publication/<document_id>/undo/<redaction_id>/          GET   login   login   405     405     405     405     405     405
/publication/<document_id>/undo/<redaction_id>/          POST  login   login   404     403     400     403     403     400
/publication/<document_id>/submit/                       GET   login   login   405     405     405     405     405     405
/publication/<document_id>/submit/                       POST  login   login   404     403     302     403     403     302
/publication/<document_id>/approve/                      GET   login   login   405     405     405     405     405     405
/publication/<document_id>/approve/                      POST  login   login   404     403     400     403     403     400
/publication/<document_id>/download/                     GET   login   login   404     403     404     403     403     404
/publication/<document_id>/download/                     POST  login   login   405     405     405     405     405     405
/api/v1/openapi.json                                     GET   200     200     200     200     200     200     200     200
/api/v1/openapi.json                                     POST  200     200     200     200     200     200     200     200
/api/v1/docs                                             GET   200     200     200     200     200     200     200     200
/api/v1/docs                                             POST  200     200     200     200     200     200     200     200
/api/v1/<rest>                                           GET   404     404     404     404     404     404     404     404
/api/v1/<rest>                                           POST  404     404     404     404     404     404     404     404
/api/v1/                                                 GET   404     404     404     404     404     404     404     404
/api/v1/                                                 POST  404     404     404     404     404     404     404     404
"""

API = """
verb  path                                   anon    foreign outsdr  coord   team    ovsght  admin
POST  /api/v1/complaints                     401     422     201     201     201     403     201
GET   /api/v1/cases                          401     200     200     200     200     200     200
GET   /api/v1/cases/{case_id}                401     404     404     404     200     200     404
GET   /api/v1/cases/{case_id}/transitions    401     404     404     404     200     200     404
POST  /api/v1/cases/{case_id}/transitions    401     404     404     404     409     409     404
POST  /api/v1/cases/{case_id}/team            401     404     403     201     403     403     201
"""


def display(route: str) -> str:
    """A resolver route as the table writes it: `cases/<int:case_id>/` -> `/cases/<case_id>/`."""
    return "/" + re.sub(r"<\w+:(\w+)>", r"<\1>", route)


def schema_operations() -> set[tuple[str, str]]:
    schema = Client().get("/api/v1/openapi.json").json()
    return {(verb.upper(), path) for path, verbs in schema["paths"].items() for verb in verbs}


def test_every_url_and_operation_is_in_the_matrix() -> None:
    pages = {route for route, _verb in matrix.parse_table(PAGES, 2)}
    api = matrix.parse_table(API, 2)
    operations = schema_operations()
    operation_routes = {matrix.openapi_route(path) for _verb, path in operations}

    uncovered = sorted(
        display(route)
        for route in matrix.routes()
        if route not in operation_routes and display(route) not in pages
    )
    assert uncovered == [], f"URLs the matrix does not cover: {uncovered}"
    assert sorted(operations - set(api)) == [], "API operations the matrix does not cover"
    known = {display(route) for route in matrix.routes()}
    assert sorted(pages - known) == [], "rows for URLs that no longer exist"
    assert sorted(set(api) - operations) == [], "rows for API operations that no longer exist"


def test_every_page_answers_every_persona_as_the_matrix_says(settings) -> None:
    world = build_world()
    settings.REDRESS_ORGANISATION = world.cast.organisation.slug  # the intake's organisation
    clients = matrix.page_clients(world)
    by_display = {display(route): route for route in matrix.routes()}
    wrong = []
    for (shown, verb), expected in matrix.parse_table(PAGES, 2).items():
        got = matrix.ask_pages(world, by_display[shown], verb, clients)
        wrong += [
            f"{verb} {shown} as {persona}: expected {expected[persona]}, got {got[persona]}"
            for persona in matrix.PAGE_PERSONAS
            if got[persona] != expected[persona]
        ]
    assert not wrong, "\n".join(wrong)


def test_every_api_operation_answers_every_persona_as_the_matrix_says() -> None:
    world = build_world()
    clients = matrix.api_clients(world)
    wrong = []
    for (verb, path), expected in matrix.parse_table(API, 2).items():
        got = matrix.ask_api(world, verb, path, clients)
        wrong += [
            f"{verb} {path} as {persona}: expected {expected[persona]}, got {got[persona]}"
            for persona in matrix.API_PERSONAS
            if got[persona] != expected[persona]
        ]
    assert not wrong, "\n".join(wrong)
