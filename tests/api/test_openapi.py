"""The OpenAPI schema at /api/v1/openapi.json."""

from __future__ import annotations

from django.test import Client


def test_the_schema_is_served_without_a_token_and_lists_every_endpoint(db) -> None:
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Redress API"
    operations = {
        (method.upper(), path) for path, methods in schema["paths"].items() for method in methods
    }
    assert operations == {
        ("POST", "/api/v1/complaints"),
        ("GET", "/api/v1/cases"),
        ("GET", "/api/v1/cases/{case_id}"),
        ("GET", "/api/v1/cases/{case_id}/transitions"),
        ("POST", "/api/v1/cases/{case_id}/transitions"),
        ("POST", "/api/v1/cases/{case_id}/team"),
    }


def test_the_schema_names_bearer_auth_and_every_error_answer(db) -> None:
    schema = Client().get("/api/v1/openapi.json").json()

    schemes = schema["components"]["securitySchemes"]
    assert {scheme["scheme"] for scheme in schemes.values()} == {"bearer"}
    take = schema["paths"]["/api/v1/cases/{case_id}/transitions"]["post"]
    assert set(take["responses"]) == {"200", "401", "404", "409", "422"}
    filing = schema["paths"]["/api/v1/complaints"]["post"]
    assert set(filing["responses"]) == {"201", "401", "403", "409", "422"}


def test_the_interactive_docs_are_served(db) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content
