"""Bad input gets a 4xx with a Dutch message and changes nothing: bodies the API cannot
read (too deep, too large, too many fields), text that is no text or hides characters, and
query parameters that cannot be honoured."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from actionplan.parsers import nesting_depth
from actionplan.texts import TextCharactersValidator
from evaluations.models import EvaluationReport
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db

JSON = "application/json"


# --- Bodies ------------------------------------------------------------------------------


def test_json_nested_ten_thousand_deep_is_400_not_500(coordinator_client, plan):
    body = "[" * 10_000 + "]" * 10_000
    response = coordinator_client.post("/api/v1/reports/", body, content_type=JSON)
    assert response.status_code == 400
    assert response.json() == {"detail": "De JSON is te diep genest: hoogstens 50 niveaus."}
    assert not EvaluationReport.objects.exists()


def test_json_nesting_counts_brackets_outside_strings_only():
    assert nesting_depth('{"a": [1, {"b": "[[[[[[["}]}') == 3
    assert nesting_depth('"\\"[[[["') == 0
    assert nesting_depth("[" * 51 + "]" * 51) == 51


def test_broken_json_is_400_with_a_dutch_message(coordinator_client, plan):
    response = coordinator_client.post("/api/v1/reports/", '{"kind": ', content_type=JSON)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Ongeldige JSON op regel 1")


def test_nan_in_json_is_400(coordinator_client, plan):
    response = coordinator_client.post(
        "/api/v1/reports/", '{"kind": "interim", "year": NaN}', content_type=JSON
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Ongeldige JSON: geen geldig getal."}


@pytest.mark.parametrize("kind", ["json", "form", "multipart"])
def test_a_body_over_the_size_limit_is_refused_in_json(coordinator_client, plan, settings, kind):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    data = {"kind": "interim", "reference": "x" * 4096}
    if kind == "json":
        response = coordinator_client.post("/api/v1/reports/", data, content_type=JSON)
    elif kind == "form":
        response = coordinator_client.post(
            "/api/v1/reports/",
            "kind=interim&reference=" + "x" * 4096,
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = coordinator_client.post("/api/v1/reports/", data)
    assert response.status_code == 413
    assert response["Content-Type"] == JSON
    assert response.json()["detail"].startswith("Het verzoek is te groot")
    assert not EvaluationReport.objects.exists()


def test_too_many_form_fields_is_400_in_json(coordinator_client, plan, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{i}=1" for i in range(50))
    response = coordinator_client.post(
        "/api/v1/reports/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Het verzoek bevat te veel velden: hoogstens 10."}


def test_a_malformed_multipart_body_is_400_in_dutch(coordinator_client, plan):
    response = coordinator_client.generic(
        "POST",
        "/api/v1/imports/actions/",
        b"--x\r\nkapot",
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Het formulier kan niet gelezen worden: ongeldige multipart-inhoud of tekenset."
    }


def test_a_form_body_in_an_unknown_character_set_is_400_in_dutch(coordinator_client, plan):
    # A compression codec: Python would decode (decompress) with it without limit.
    response = coordinator_client.generic(
        "POST",
        "/api/v1/reports/",
        b"kind=interim",
        content_type="application/x-www-form-urlencoded; charset=bz2_codec",
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "Deze tekenset wordt niet ondersteund."}


# --- Text --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "character"),
    [
        ("Stand\u202e van zaken", "U+202E"),  # right-to-left override
        ("Stand\u2066 van zaken", "U+2066"),  # left-to-right isolate
        ("Stand\u200b van zaken", "U+200B"),  # zero-width space
        ("Stand\ufeff van zaken", "U+FEFF"),
        ("Stand\x00 van zaken", "U+0000"),
        ("Stand\x1b van zaken", "U+001B"),
    ],
)
def test_text_refuses_invisible_and_control_characters(text, character):
    with pytest.raises(ValidationError) as exc:
        TextCharactersValidator()(text)
    assert exc.value.messages == [
        f"Bevat een onzichtbaar teken of stuurteken ({character}) op positie 6; verwijder het."
    ]


def test_line_breaks_and_tabs_only_in_texts_of_several_lines():
    TextCharactersValidator()("Eerste regel\r\n\tTweede regel")
    with pytest.raises(ValidationError) as exc:
        TextCharactersValidator(multiline=False)("Titel\nmet regeleinde")
    assert exc.value.messages == ["Een regeleinde of tab kan hier niet (positie 6)."]


# --- Query parameters --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stage": "bogus"}, "stage"),
        ({"strategic_goal": "abc"}, "strategic_goal"),
        ({"minister": "999999"}, "minister"),
        ({"violence_form": "x"}, "violence_form"),
    ],
)
def test_api_lists_refuse_unknown_filter_values(reader_client, plan, params, field):
    ActionFactory()
    response = reader_client.get("/api/v1/actions/", params)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert response.json()[field][0].startswith(("Selecteer een geldige keuze", "Voer een getal"))


def test_api_list_ignores_unknown_parameter_names(reader_client, plan):
    ActionFactory()
    response = reader_client.get("/api/v1/actions/", {"bogus": "1"})
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_overview_refuses_an_unknown_stage_with_a_dutch_page(reader_client, plan):
    response = reader_client.get("/", {"stage": "bogus"})
    assert response.status_code == 400
    assert "Ongeldige vraag" in response.text
    assert "bogus is geen beschikbare keuze" in response.text


@pytest.mark.parametrize(
    ("url", "params", "message"),
    [
        ("/overleg/", {"kind": "bogus"}, "Onbekende waarde ‘bogus’; kies uit:"),
        ("/wijzigingsverzoeken/", {"state": "bogus"}, "Onbekende waarde ‘bogus’; kies uit:"),
        ("/inbreng/", {"year": "abc"}, "Geef een jaartal van 2000 tot 2100, niet ‘abc’."),
    ],
)
def test_list_pages_refuse_unknown_filter_values(coordinator_client, plan, url, params, message):
    response = coordinator_client.get(url, params)
    assert response.status_code == 400
    assert message in response.text
