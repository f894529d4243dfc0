"""The OpenAPI schema tells the truth: what clients are generated from is what the server
sends (statuses, bodies, enums, nulls, year bounds). `make fuzz` checks every operation
against a running server; these tests pin the parts a person would look for first."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer

from actionplan.models import Action
from fiches.models import Fiche
from tests.factories import (
    ActionFactory,
    IndicatorFactory,
    ProposalFactory,
    ReportingRoundFactory,
    UserFactory,
)

JSON = "application/json"
YEAR = 2026
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    """The schema as /api/schema/ serves it (generating it reads no rows)."""
    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated, renderer_context={}))


@pytest.fixture
def fiche(plan) -> Fiche:
    """A fresh draft: nothing filled in, nobody saved it yet."""
    action = ActionFactory()
    ReportingRoundFactory(year=YEAR)
    return Fiche.objects.get(action=action, year=YEAR)


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's schema objects as JSON Schema: ``nullable`` becomes "or null"."""
    if isinstance(node, list):
        return [as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: as_json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def assert_valid(schema: dict[str, Any], part: dict[str, Any], data: Any) -> None:
    root = {"allOf": [part], "components": as_json_schema(schema["components"])}
    jsonschema.Draft7Validator(as_json_schema(root)).validate(data)


def response_schema(schema: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    response = schema["paths"][path][method]["responses"][str(status)]
    return response["content"][JSON]["schema"]


def assert_documented(schema: dict[str, Any], path: str, method: str, response: Any) -> None:
    """The response's status is documented for the operation and its body validates."""
    documented = schema["paths"][path][method]["responses"]
    assert str(response.status_code) in documented, (path, method, response.status_code)
    assert_valid(
        schema, response_schema(schema, path, method, response.status_code), response.json()
    )


# --- Errors ------------------------------------------------------------------------------


def test_every_operation_documents_400_with_a_json_body(schema):
    for path, method, operation in operations(schema):
        assert operation["responses"]["400"]["content"][JSON]["schema"], (path, method)


def test_operations_behind_a_login_document_401_and_403(schema):
    token = ("/api/v1/auth/token/", "post")
    for path, method, operation in operations(schema):
        statuses = operation["responses"].keys()
        if (path, method) == token:
            # No login needed; throttled and locked out instead.
            assert {"401", "403"}.isdisjoint(statuses)
            assert "429" in statuses
        else:
            assert {"401", "403"} <= statuses, (path, method)


def test_operations_on_one_object_and_paginated_lists_document_404(schema):
    for path, method, operation in operations(schema):
        paginated = "page" in {p["name"] for p in operation.get("parameters", [])}
        if "{" in path or paginated:
            assert "404" in operation["responses"], (path, method)
    assert "404" not in schema["paths"]["/api/v1/stats/"]["get"]["responses"]


def test_error_bodies_are_json_even_where_the_answer_is_a_file(schema):
    download = schema["paths"]["/api/v1/reports/{id}/download/"]["get"]["responses"]
    assert list(download["200"]["content"]) == ["application/pdf"]
    for status in ("404", "409"):
        assert download[status]["content"][JSON]["schema"] == {"$ref": "#/components/schemas/Error"}
    export = schema["paths"]["/api/v1/exports/{kind}.{fmt}"]["get"]["responses"]
    assert set(export["200"]["content"]) == {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "text/csv",
    }


@pytest.mark.parametrize(
    ("path", "method", "statuses"),
    [
        ("/api/v1/fiches/{id}/", "put", {"409", "412", "428"}),
        ("/api/v1/fiches/{id}/", "patch", {"409", "412", "428"}),
        ("/api/v1/fiches/{id}/submit/", "post", {"409", "412"}),
        ("/api/v1/fiches/{id}/approve/", "post", {"409"}),
        ("/api/v1/actions/{id}/", "patch", {"409", "412", "428"}),
        ("/api/v1/actions/{id}/accept/", "post", {"409"}),
        ("/api/v1/plan-versions/", "post", {"409"}),
        ("/api/v1/plan-versions/{id}/approve/", "post", {"409"}),
        ("/api/v1/change-requests/{id}/reject/", "post", {"409"}),
        ("/api/v1/reports/", "post", {"503"}),
        ("/api/v1/reports/{id}/retry/", "post", {"409", "503"}),
        ("/api/v1/reports/{id}/approve/", "post", {"409"}),
        ("/api/v1/imports/{kind}/", "post", {"503"}),
        ("/api/v1/import-jobs/{id}/retry/", "post", {"409", "503"}),
    ],
)
def test_conflicts_preconditions_and_an_unreachable_queue_are_documented(
    schema, path, method, statuses
):
    responses = schema["paths"][path][method]["responses"]
    assert statuses <= responses.keys()
    for status in statuses:
        assert responses[status]["content"][JSON]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
    if "503" in statuses:
        assert "Retry-After" in responses["503"]["headers"]


def test_a_fiche_written_without_or_with_a_stale_if_match_answers_as_documented(
    client, schema, fiche, coordinator
):
    client.force_login(coordinator)
    url = f"/api/v1/fiches/{fiche.pk}/"
    missing = client.patch(url, {"goal": "Nieuw"}, content_type=JSON)
    assert missing.status_code == 428
    assert_documented(schema, "/api/v1/fiches/{id}/", "patch", missing)
    stale = client.patch(
        url, {"goal": "Nieuw"}, content_type=JSON, headers={"If-Match": '"fiche-1-v999"'}
    )
    assert stale.status_code == 412
    assert_documented(schema, "/api/v1/fiches/{id}/", "patch", stale)
    approve = client.post(f"{url}approve/")
    assert approve.status_code == 409  # a draft is not approved
    assert_documented(schema, "/api/v1/fiches/{id}/approve/", "post", approve)
    assert Fiche.objects.get(pk=fiche.pk).goal == ""


def test_an_address_under_the_api_that_no_view_answers_is_a_json_404(reader_client, schema):
    # "abc" is no id: no view answers, and a client still gets the documented body.
    response = reader_client.get("/api/v1/fiches/abc/")
    assert response.status_code == 404
    assert response["Content-Type"] == JSON
    assert_documented(schema, "/api/v1/fiches/{id}/", "get", response)
    # The pages keep their page.
    assert "text/html" in reader_client.get("/fiches/abc/").headers["Content-Type"]


def test_refused_input_and_a_missing_login_answer_as_documented(client, schema, plan):
    anonymous = client.get("/api/v1/fiches/")
    assert anonymous.status_code == 401
    assert_documented(schema, "/api/v1/fiches/", "get", anonymous)
    client.force_login(UserFactory())
    refused = client.get("/api/v1/fiches/", {"year": "1999"})
    assert refused.status_code == 400
    assert refused.json() == {"year": ["Geef een jaartal tussen 2000 en 2100."]}
    assert_documented(schema, "/api/v1/fiches/", "get", refused)


# --- Values: enums, nulls, years -----------------------------------------------------------


def test_a_fiche_without_progress_or_author_says_null_and_validates(reader_client, schema, fiche):
    # The column allows no author (a fiche written by no one signed in, e.g. a command).
    Fiche.objects.filter(pk=fiche.pk).update(updated_by=None)
    assert fiche.progress_status == ""
    response = reader_client.get(f"/api/v1/fiches/{fiche.pk}/")
    body = response.json()
    assert (body["progress_status"], body["updated_by"]) == (None, None)
    assert_documented(schema, "/api/v1/fiches/{id}/", "get", response)
    listing = reader_client.get("/api/v1/fiches/")
    assert listing.json()["results"][0]["progress_status"] is None
    assert_documented(schema, "/api/v1/fiches/", "get", listing)


def test_unset_enums_are_nullable_in_the_schema(schema):
    components = schema["components"]["schemas"]
    for component, field in [
        ("Fiche", "progress_status"),
        ("Report", "fiche_state"),
        ("Indicator", "disaggregation"),
        ("FicheWrite", "progress_status"),
    ]:
        assert components[component]["properties"][field]["nullable"] is True, component
    # Output never says "" for none; input may.
    fiche = components["Fiche"]["properties"]["progress_status"]["oneOf"]
    assert {"$ref": "#/components/schemas/BlankEnum"} not in fiche


def test_a_fiche_saved_with_progress_null_keeps_none(client, schema, fiche, coordinator):
    client.force_login(coordinator)
    response = client.patch(
        f"/api/v1/fiches/{fiche.pk}/",
        {"progress_status": None, "goal": "Doel"},
        content_type=JSON,
        headers={"If-Match": fiche.etag},
    )
    assert response.status_code == 200
    assert (response.json()["progress_status"], response.json()["updated_by"]) == (None, "coord")
    assert_documented(schema, "/api/v1/fiches/{id}/", "patch", response)
    assert Fiche.objects.get(pk=fiche.pk).progress_status == ""


def test_authors_that_may_be_missing_are_nullable(schema):
    components = schema["components"]["schemas"]
    for component in ("Fiche", "IndicatorValue", "ImpactValue"):
        assert components[component]["properties"]["updated_by"]["nullable"] is True
    assert components["Report"]["properties"]["requested_by"]["nullable"] is True
    assert components["CoLeadResponse"]["properties"]["decided_by"]["nullable"] is True


def test_year_parameters_and_fields_declare_their_bounds(schema):
    bounds = {"minimum": 2000, "maximum": 2100}
    for path, name in [
        ("/api/v1/fiches/", "year"),
        ("/api/v1/reporting-rounds/", "year"),
        ("/api/v1/reports/", "year"),
        ("/api/v1/indicator-values/", "year"),
        ("/api/v1/impact-values/", "year"),
        ("/api/v1/stakeholder-inputs/", "evaluation_year"),
        ("/api/v1/stats/", "year"),
    ]:
        [parameter] = [p for p in schema["paths"][path]["get"]["parameters"] if p["name"] == name]
        assert bounds.items() <= parameter["schema"].items(), path
    components = schema["components"]["schemas"]
    for component, field in [
        ("RoundOpen", "year"),
        ("ReportRequest", "year"),
        ("ProposalWrite", "start_year"),
        ("ProposalWrite", "end_year"),
        ("Indicator", "baseline_year"),
        ("ImpactValue", "year"),
        ("StakeholderInput", "evaluation_year"),
    ]:
        assert bounds.items() <= components[component]["properties"][field].items(), component


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/api/v1/reporting-rounds/", {"year": "1999"}, 400),
        ("/api/v1/reporting-rounds/", {"year": "2101"}, 400),
        ("/api/v1/reporting-rounds/", {"year": "2000"}, 200),
        ("/api/v1/reporting-rounds/", {"year": "2100"}, 200),
        ("/api/v1/indicator-values/", {"year": "1999"}, 400),
        ("/api/v1/stats/", {"year": "1999"}, 400),
        ("/api/v1/stats/", {"year": "2026"}, 200),
    ],
)
def test_the_server_refuses_the_years_the_schema_excludes(
    reader_client, plan, path, params, status
):
    response = reader_client.get(path, params)
    assert response.status_code == status
    if status == 400:
        assert list(response.json()) == ["year"]


def test_a_year_outside_the_bounds_in_a_body_is_refused_in_dutch(client, plan, coordinator):
    client.force_login(coordinator)
    response = client.post(
        "/api/v1/reporting-rounds/", {"year": 1999, "deadline": "2026-12-31"}, content_type=JSON
    )
    assert response.status_code == 400
    assert response.json() == {"year": ["Geef een jaartal tussen 2000 en 2100."]}


# --- Real responses of the busiest endpoints --------------------------------------------


def test_key_endpoints_answer_as_the_schema_says(reader_client, schema, plan, admin_a):
    action = ActionFactory(lead_administration=admin_a)
    IndicatorFactory(action=action)
    ProposalFactory()  # not clustered: no operational goal yet
    ReportingRoundFactory(year=YEAR)
    fiche = Fiche.objects.get(action=action)
    for path, url in [
        ("/api/v1/plans/", "/api/v1/plans/"),
        ("/api/v1/actions/", "/api/v1/actions/"),
        ("/api/v1/actions/{id}/", f"/api/v1/actions/{action.pk}/"),
        ("/api/v1/fiches/", "/api/v1/fiches/"),
        ("/api/v1/fiches/{id}/", f"/api/v1/fiches/{fiche.pk}/"),
        ("/api/v1/reporting-rounds/", "/api/v1/reporting-rounds/"),
        ("/api/v1/indicators/", "/api/v1/indicators/"),
        ("/api/v1/ministers/", "/api/v1/ministers/"),
        ("/api/v1/stats/", "/api/v1/stats/"),
    ]:
        response = reader_client.get(url)
        assert response.status_code == 200, url
        assert_documented(schema, path, "get", response)


def test_an_action_without_operational_goal_says_null(coordinator_client, schema, plan):
    proposal = ProposalFactory()
    listing = coordinator_client.get("/api/v1/actions/").json()["results"]
    [row] = [a for a in listing if a["id"] == proposal.pk]
    assert row["operational_goal"] is None
    detail = coordinator_client.get(f"/api/v1/actions/{proposal.pk}/").json()
    assert detail["operational_goal"] is None
    assert Action.objects.get(pk=proposal.pk).operational_goal is None
