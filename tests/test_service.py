import json
import re

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import TONES
from service import create_app
from service.config import ConfigError, from_environment

SEED = {"text": "😊😊", "context": "裤子收到了,很薄很皱,版型也不好"}


@pytest.fixture(scope="module")
def app(model_dir, tmp_path_factory):
    return create_app({"MODEL_DIR": str(model_dir), "STATE_DIR": str(tmp_path_factory.mktemp("state")), "TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


def schema(app, name: str) -> dict:
    document = app.test_client().get("/openapi.json").get_json()
    return {**document, "$ref": f"#/components/schemas/{name}"}


def test_one_reply(client, app, tone_model):
    response = client.post("/classify", json=SEED)
    assert response.status_code == 200
    body = response.get_json()
    jsonschema.validate(body, schema(app, "Result"))
    assert "dismissive" in body["labels"] and body["flagged"] is True
    assert body["evidence"]["dismissive"] and body["model_version"] == tone_model.version
    expected = tone_model.predict([SEED["text"]], [SEED["context"]])[0]
    assert body["scores"] == pytest.approx(expected["scores"], abs=1e-12)


def test_batch_keeps_order_and_matches_single_calls(client, app):
    items = [{"text": "非常抱歉,给您补发一件,运费我们承担"}, SEED, {"text": "已发货,明天到", "context": "什么时候发货"}]
    response = client.post("/classify", json={"items": items})
    assert response.status_code == 200
    body = response.get_json()
    jsonschema.validate(body, schema(app, "BatchResult"))
    assert len(body["results"]) == 3
    for item, result in zip(items, body["results"]):
        single = client.post("/classify", json=item).get_json()
        assert result["labels"] == single["labels"]
        assert result["scores"] == pytest.approx(single["scores"], abs=1e-12)
    assert body["results"][0]["labels"] == ["apologetic", "compensating"]


def test_unknown_fields_are_ignored_and_null_context_is_empty(client):
    response = client.post("/classify", json={"text": "已发货", "context": None, "shop": "x", "extra": [1]})
    assert response.status_code == 200


def test_health(client, tone_model, app):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    jsonschema.validate(body, schema(app, "Health"))
    assert body == {"status": "ok", "model_version": tone_model.version, "labels": list(TONES)}


def test_openapi_documents_every_route(client, app):
    document = client.get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert routes == set(document["paths"])
    assert document["components"]["schemas"]["Batch"]["properties"]["items"]["maxItems"] == app.config["MAX_ITEMS"]


TOO_LONG = "好" * 2001


@pytest.mark.parametrize("body, content_type, status, code", [
    ("not json", "application/json", 400, "invalid_json"),
    ('{"text": "好"', "application/json", 400, "invalid_json"),
    ("", "application/json", 400, "invalid_json"),
    ('{"text": "好"}', "text/plain", 415, "unsupported_media_type"),
    ('{"text": "好"}', None, 415, "unsupported_media_type"),
    ('["好"]', "application/json", 400, "not_an_object"),
    ('"好"', "application/json", 400, "not_an_object"),
    ("null", "application/json", 400, "not_an_object"),
    ("{}", "application/json", 400, "missing_text"),
    ('{"context": "坏了"}', "application/json", 400, "missing_text"),
    ('{"text": 5}', "application/json", 400, "invalid_text"),
    ('{"text": ["好"]}', "application/json", 400, "invalid_text"),
    ('{"text": "好", "context": 3}', "application/json", 400, "invalid_context"),
    ('{"text": ""}', "application/json", 400, "empty_text"),
    ('{"text": "  \\n\\t "}', "application/json", 400, "empty_text"),
    (json.dumps({"text": TOO_LONG}), "application/json", 400, "text_too_long"),
    (json.dumps({"text": "好", "context": TOO_LONG}), "application/json", 400, "context_too_long"),
    ('{"items": "好"}', "application/json", 400, "invalid_items"),
    ('{"items": {"text": "好"}}', "application/json", 400, "invalid_items"),
    ('{"items": []}', "application/json", 400, "empty_items"),
    (json.dumps({"items": [{"text": "好"}] * 257}), "application/json", 400, "too_many_items"),
    ('{"items": [{"text": "好"}, "好"]}', "application/json", 400, "invalid_item"),
    ('{"items": [{"text": "好"}, {"text": ""}]}', "application/json", 400, "invalid_item"),
    ('{"items": [{"text": "好"}, {"context": "x"}]}', "application/json", 400, "invalid_item"),
    (json.dumps({"text": "好" * 600_000}), "application/json", 413, "payload_too_large"),
])
def test_bad_input_gets_a_json_error(client, app, body, content_type, status, code):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/classify", data=body.encode("utf-8"), headers=headers)
    assert response.status_code == status
    assert response.is_json
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    jsonschema.validate(response.get_json(), schema(app, "Error"))


def test_a_bad_item_is_named_by_its_index(client):
    response = client.post("/classify", json={"items": [{"text": "好"}, {"text": "好"}, {"text": 7}]})
    error = response.get_json()["error"]
    assert error["index"] == 2 and "items[2]" in error["message"] and error["reason"] == "invalid_text"


@pytest.mark.parametrize("method, path, status, code", [
    ("GET", "/classify", 405, "method_not_allowed"),
    ("PUT", "/classify", 405, "method_not_allowed"),
    ("POST", "/health", 405, "method_not_allowed"),
    ("GET", "/nowhere", 404, "not_found"),
    ("POST", "/classify/", 404, "not_found"),
])
def test_wrong_method_or_path_gets_a_json_error(client, method, path, status, code):
    response = client.open(path, method=method)
    assert response.status_code == status and response.get_json()["error"]["code"] == code


def test_limits_come_from_the_config(model_dir, tmp_path):
    small = create_app({"MODEL_DIR": str(model_dir), "STATE_DIR": str(tmp_path), "MAX_TEXT_CHARS": 5,
                        "MAX_ITEMS": 2}).test_client()
    assert small.post("/classify", json={"text": "好的好的好的"}).get_json()["error"]["code"] == "text_too_long"
    assert small.post("/classify", json={"items": [{"text": "好"}] * 3}).get_json()["error"]["code"] == "too_many_items"


def test_environment_variables_configure_the_service(model_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("TONE_MODEL_DIR", str(model_dir))
    monkeypatch.setenv("TONE_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("TONE_MAX_ITEMS", "1")
    monkeypatch.setenv("TONE_THRESHOLDS", "dismissive=0.99,hostile=0.99")
    app = create_app()
    assert app.config["MAX_ITEMS"] == 1
    body = app.test_client().post("/classify", json=SEED).get_json()
    assert "dismissive" not in body["labels"] and body["flagged"] is False


@pytest.mark.parametrize("env", [
    {"TONE_MAX_ITEMS": "many"}, {"TONE_MAX_TEXT_CHARS": "-1"},
    {"TONE_THRESHOLDS": "rude=0.5"}, {"TONE_THRESHOLDS": "hostile=2"},
])
def test_bad_settings_are_refused_with_a_message(env):
    with pytest.raises(ConfigError):
        from_environment(env)


@pytest.fixture()
def access_lines(capsys):
    """The access-log lines written on stderr so far in the test."""
    return lambda: [line for line in capsys.readouterr().err.splitlines() if " /classify " in line]


def test_access_log_has_one_line_per_request_without_the_text(client, access_lines):
    client.post("/classify", json=SEED)
    [line] = access_lines()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d POST /classify 200 \d+\.\d\dms flagged=1", line), line
    assert "裤子" not in line and "😊" not in line


def test_access_log_shows_the_text_only_when_asked(model_dir, tmp_path, access_lines):
    create_app({"MODEL_DIR": str(model_dir), "STATE_DIR": str(tmp_path), "LOG_TEXT": True}).test_client().post(
        "/classify", json=SEED)
    [line] = access_lines()
    assert "flagged=1 body=" in line and "裤子" in line


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)
bodies = st.one_of(
    st.dictionaries(st.sampled_from(["text", "context", "items", "x"]), json_values, max_size=3),
    st.fixed_dictionaries({"text": st.text(max_size=60)}, optional={"context": st.text(max_size=60) | json_values}),
    st.fixed_dictionaries({"items": st.lists(st.fixed_dictionaries({"text": st.text(max_size=20)}) | json_values,
                                              max_size=5)}),
    json_values,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies)
def test_fuzzed_json_never_gets_a_5xx(client, body):
    response = client.post("/classify", json=body)
    assert response.status_code in (200, 400, 415)  # 415: json=None sends no body at all
    assert response.is_json
    assert ("error" in response.get_json()) == (response.status_code != 200)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(lambda s: s.encode("utf-8")))
def test_fuzzed_bytes_never_get_a_5xx(client, raw):
    response = client.post("/classify", data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code in (200, 400) and response.is_json


def test_responses_are_compact_json_with_the_text_as_is(client):
    response = client.post("/classify", json={"text": "亲,这个没办法呢", "context": "坏了"})
    body = response.get_data(as_text=True)
    assert response.is_json and ", " not in body and '": ' not in body
    assert json.loads(body)["evidence"] and "\\u" not in body
