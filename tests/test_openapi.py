"""/api/openapi.json is a valid OpenAPI 3.1 document that names exactly the app's /api/ routes, and
/api/docs shows it."""

from __future__ import annotations

from openapi_spec_validator import validate

from tourbuilder.app.api.openapi import openapi_path


def api_routes(app) -> set[tuple[str, str]]:
    return {(openapi_path(rule.rule), method.lower()) for rule in app.url_map.iter_rules()
            if rule.rule.startswith("/api/") for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_the_document_is_valid_openapi_3_1(tiny_app):
    response = tiny_app.test_client().get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.json
    assert spec["openapi"].startswith("3.1")
    validate(spec)  # raises on an invalid document


def test_every_api_route_is_in_the_spec_and_every_operation_is_a_route(tiny_app):
    spec = tiny_app.test_client().get("/api/openapi.json").json
    documented = {(path, method) for path, methods in spec["paths"].items() for method in methods}
    routes = api_routes(tiny_app)
    assert routes, "the app has API routes"
    assert sorted(routes - documented) == [], "routes missing from the spec"
    assert sorted(documented - routes) == [], "operations without a route"
    ids = [op["operationId"] for methods in spec["paths"].values() for op in methods.values()]
    assert len(ids) == len(set(ids)), "operation ids are unique"


def test_operations_say_their_models_access_and_errors(tiny_app):
    spec = tiny_app.test_client().get("/api/openapi.json").json
    put = spec["paths"]["/api/tours/{tour_id}"]["put"]
    assert put["x-access"] == "tour:edit"
    assert {p["name"] for p in put["parameters"]} == {"tour_id", "If-Match"}
    assert {"200", "400", "401", "403", "404", "409", "422", "428"} <= set(put["responses"])
    request_schema = put["requestBody"]["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
    assert "document" in spec["components"]["schemas"][request_schema]["properties"]
    error = spec["paths"]["/api/tours"]["post"]["responses"]["422"]["content"]["application/json"]["schema"]
    assert error["$ref"].endswith("/ErrorOut")
    upload = spec["paths"]["/api/tours/{tour_id}/media"]["post"]["requestBody"]["content"]
    assert upload["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"
    assert spec["paths"]["/api/openapi.json"]["get"]["security"] == []


def test_the_docs_page_lists_every_operation_from_our_own_files(tiny_app):
    page = tiny_app.test_client().get("/api/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    for path, method in api_routes(tiny_app):
        assert f"{method.upper()} {path}" in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html, "no CDN"
