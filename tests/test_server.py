"""The HTTP service through FastAPI's TestClient: every route, every error status."""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient

from tests.io_fixtures import REPORT_TEXT, REPORT_TRAD, write_docx, write_pdf
from xuncha_nlp import server
from xuncha_nlp._version import __version__
from xuncha_nlp.server import create_app
from xuncha_nlp.stats import METRICS, metric_labels
from xuncha_nlp.taxonomy import categories

KEY = "k3y-for-tests"
SUMMARY = ("2023年，县委巡察办统筹开展两轮常规巡察，共巡察党组织28个，发现问题312个，"
           "移交问题线索9件。巡察发现，部分单位落实全面从严治党主体责任不到位，"
           "违规发放津补贴问题仍有发生。")
STATEMENTS = ["落实全面从严治党主体责任不到位，警示教育流于形式",
              "干部选拔任用程序不规范，超职数配备干部",
              "违规发放津补贴，公务接待超标准"]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(max_body=200_000, max_text=20_000, max_items=5),
                    raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def keyed() -> Iterator[TestClient]:
    with TestClient(create_app(api_key=KEY), raise_server_exceptions=False) as c:
        yield c


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def assert_error(response: Any, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == error
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text and 'File "' not in response.text
    return body  # type: ignore[no-any-return]


# --- routes ---------------------------------------------------------------------------------------
def test_stats_values_labels_and_spans(client: TestClient) -> None:
    r = client.post("/v1/stats", json={"text": SUMMARY})
    assert r.status_code == 200
    stats = r.json()["stats"]
    found = {(s["metric"], s["value"]) for s in stats}
    assert {("problems_found", 312), ("clues", 9), ("units_inspected", 28)} <= found
    labels = metric_labels()
    for s in stats:
        assert s["label"] == labels[s["metric"]]
        assert SUMMARY[s["span"][0]:s["span"][1]] == s["quote"]


def test_stats_on_text_without_figures_is_empty(client: TestClient) -> None:
    r = client.post("/v1/stats", json={"text": "巡察组深入基层，听取干部群众意见。"})
    assert r.status_code == 200
    assert r.json() == {"stats": []}


@pytest.mark.parametrize(("body", "text", "with_changes"), [
    pytest.param({"text": "巡察組發現問題１２個，，"}, "巡察组发现问题12个，", False, id="t2s"),
    pytest.param({"text": "巡察組發現問題", "script": None}, "巡察組發現問題", False,
                 id="script-kept"),
    pytest.param({"text": "監(jiān)督检查", "changes": True}, "监督检查", True, id="changes"),
    pytest.param({"text": "", "changes": True}, "", True, id="empty"),
])
def test_normalize(client: TestClient, body: dict[str, Any], text: str,
                   with_changes: bool) -> None:
    r = client.post("/v1/normalize", json=body)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["text"] == text
    if not with_changes:
        assert out["changes"] is None
        return
    for change in out["changes"]:
        assert body["text"][change["span"][0]:change["span"][1]] == change["before"]


@pytest.mark.parametrize(("top_k", "most"), [(1, 1), (3, 3), (0, 0), (None, 1000)])
def test_phrases_top_k(client: TestClient, top_k: int | None, most: int) -> None:
    r = client.post("/v1/phrases", json={"text": SUMMARY, "top_k": top_k})
    assert r.status_code == 200
    phrases = r.json()["phrases"]
    assert len(phrases) <= most
    if top_k != 0:
        assert phrases, "a summary has key phrases"
    for p in phrases:
        for s, e in p["spans"]:
            assert SUMMARY[s:e]


@pytest.mark.parametrize("engine", ["model", "keyword"])
def test_classify_in_order(client: TestClient, engine: str) -> None:
    r = client.post("/v1/classify", json={"statements": STATEMENTS, "engine": engine})
    assert r.status_code == 200
    out = r.json()["classifications"]
    assert len(out) == len(STATEMENTS)
    ids = {c.id for c in categories("L2")}
    assert all(c["category"] in ids and c["engine"] == engine for c in out)
    # Each statement alone gets the same answer as in the batch: order is kept.
    for statement, expected in zip(STATEMENTS, out, strict=True):
        alone = client.post("/v1/classify", json={"statements": [statement],
                                                  "engine": engine}).json()
        assert alone["classifications"][0]["category"] == expected["category"]


def test_classify_nothing(client: TestClient) -> None:
    r = client.post("/v1/classify", json={"statements": []})
    assert r.json() == {"classifications": []}


def test_problems(client: TestClient) -> None:
    r = client.post("/v1/problems", json={"text": SUMMARY})
    assert r.status_code == 200
    problems = r.json()["problems"]
    assert problems
    for p in problems:
        assert SUMMARY[p["span"][0]:p["span"][1]] == p["text"]
        assert p["classification"]["category"] is not None


def test_analyze_text(client: TestClient) -> None:
    r = client.post("/v1/analyze", json={"text": SUMMARY, "title": "县委巡察工作综述"})
    assert r.status_code == 200
    out = r.json()
    assert out["title"] == "县委巡察工作综述"
    assert out["document"]["path"] is None
    assert out["script"] == "simplified"
    assert any(s["metric"] == "problems_found" and s["label"] == "发现问题" for s in out["stats"])
    assert out["problems"] and out["phrases"]


def _txt_gb18030(tmp: Path) -> tuple[bytes, str]:
    return REPORT_TEXT.encode("gb18030"), "巡察报告.txt"


def _txt_big5(tmp: Path) -> tuple[bytes, str]:
    return REPORT_TRAD.encode("big5"), "報告.TXT"


def _html(tmp: Path) -> tuple[bytes, str]:
    page = (f"<html><head><meta charset='utf-8'><title>巡察通报</title></head><body>"
            f"<div class='content'>{''.join(f'<p>{p}</p>' for p in REPORT_TEXT.splitlines())}"
            f"</div></body></html>")
    return page.encode("utf-8"), "page.shtml"


def _docx(tmp: Path) -> tuple[bytes, str]:
    path = tmp / "r.docx"
    write_docx(path)
    return path.read_bytes(), "r.docx"


def _pdf(tmp: Path) -> tuple[bytes, str]:
    path = tmp / "r.pdf"
    write_pdf(path)
    return path.read_bytes(), "整改通报.pdf"


@pytest.mark.parametrize(("make", "fmt", "script"), [
    pytest.param(_txt_gb18030, "txt", "simplified", id="txt-gb18030"),
    pytest.param(_txt_big5, "txt", "traditional", id="txt-big5"),
    pytest.param(_html, "html", "simplified", id="html"),
    pytest.param(_docx, "docx", "simplified", id="docx"),
    pytest.param(_pdf, "pdf", "simplified", id="pdf"),
])
def test_analyze_file(client: TestClient, tmp_path: Path, make: Any, fmt: str,
                      script: str) -> None:
    data, name = make(tmp_path)
    r = client.post("/v1/analyze", json={"file": b64(data), "filename": name})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["document"]["path"] == name
    assert out["document"]["format"] == fmt
    assert out["document"]["size"] == len(data)
    assert out["script"] == script
    assert out["stats"], "every test report names figures"


def test_metrics(client: TestClient) -> None:
    out = client.get("/v1/metrics").json()["metrics"]
    assert [m["id"] for m in out] == list(METRICS)
    assert {m["id"]: m["label"] for m in out} == metric_labels()


def test_taxonomy(client: TestClient) -> None:
    out = client.get("/v1/taxonomy").json()
    assert [c["id"] for c in out["areas"]] == [c.id for c in categories("L1")]
    assert [c["id"] for c in out["categories"]] == [c.id for c in categories("L2")]
    assert all(c["label"] and c["level"] == "L2" for c in out["categories"])


def test_healthz_and_version(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/version").json() == {"name": "xuncha_nlp", "version": __version__}


def test_lone_surrogate_round_trips_as_escape(client: TestClient) -> None:
    body = json.dumps({"text": "巡察\ud800组", "changes": True})  # ASCII escapes: valid JSON
    r = client.post("/v1/normalize", content=body,
                    headers={"content-type": "application/json"})
    assert r.status_code == 200
    assert r.json()["text"] == "巡察组"


@pytest.mark.parametrize(("sent", "echoed"), [
    pytest.param("abc-123", True, id="plain"),
    pytest.param("x" * 65, False, id="too-long"),
    pytest.param("a b<script>", False, id="odd-characters"),
])
def test_request_id(client: TestClient, sent: str, echoed: bool) -> None:
    r = client.get("/healthz", headers={"x-request-id": sent})
    assert (r.headers["x-request-id"] == sent) is echoed
    assert r.headers["x-request-id"]


# --- errors ----------------------------------------------------------------------------------------
JSON = {"content-type": "application/json"}


def _gen(n: int) -> Iterator[bytes]:
    for _ in range(n):
        yield b"x" * 10_000


ERROR_CASES: list[Any] = [
    # 413: declared and streamed (chunked, no Content-Length)
    pytest.param("/v1/stats", {"content": b"x" * 200_001, "headers": JSON}, 413,
                 "payload_too_large", None, id="413-content-length"),
    pytest.param("/v1/stats", {"content": _gen(30), "headers": JSON}, 413,
                 "payload_too_large", None, id="413-chunked"),
    pytest.param("/v1/stats", {"content": b"1", "headers": {**JSON, "content-length": "x"}},
                 400, "bad_request", None, id="400-bad-content-length"),
    # 415
    pytest.param("/v1/stats", {"data": {"text": "x"}}, 415, "unsupported_media_type", None,
                 id="415-form"),
    pytest.param("/v1/stats", {"content": b'{"text": "x"}'}, 415, "unsupported_media_type",
                 None, id="415-none"),
    pytest.param("/v1/stats", {"content": b'{"text": "x"}',
                               "headers": {"content-type": "text/plain"}}, 415,
                 "unsupported_media_type", None, id="415-text-plain"),
    # 422: JSON and fields
    pytest.param("/v1/stats", {"content": b'{"text": ', "headers": JSON}, 422,
                 "invalid_request", None, id="422-bad-json"),
    pytest.param("/v1/stats", {"json": {}}, 422, "invalid_request", ["body", "text"],
                 id="422-missing"),
    pytest.param("/v1/stats", {"json": {"text": "x", "txt": 1}}, 422, "invalid_request",
                 ["body", "txt"], id="422-unknown-field"),
    pytest.param("/v1/stats", {"json": {"text": 5}}, 422, "invalid_request",
                 ["body", "text"], id="422-wrong-type"),
    pytest.param("/v1/stats", {"json": ["x"]}, 422, "invalid_request", ["body"],
                 id="422-not-object"),
    pytest.param("/v1/phrases", {"json": {"text": "x", "top_k": -1}}, 422,
                 "invalid_request", ["body", "top_k"], id="422-top-k"),
    pytest.param("/v1/normalize", {"json": {"text": "x", "script": "s2t"}}, 422,
                 "invalid_request", ["body", "script"], id="422-script"),
    pytest.param("/v1/classify", {"json": {"statements": ["x"], "engine": "bert"}}, 422,
                 "invalid_request", ["body", "engine"], id="422-engine"),
    pytest.param("/v1/classify", {"json": {"statements": ["x", 3]}}, 422, "invalid_request",
                 ["body", "statements", 1], id="422-statement-type"),
    pytest.param("/v1/classify", {"json": {"statements": "one string"}}, 422,
                 "invalid_request", ["body", "statements"], id="422-statements-str"),
    # 422: limits (max_text=20000, max_items=5)
    pytest.param("/v1/stats", {"json": {"text": "巡" * 20_001}}, 422, "invalid_request",
                 ["body", "text"], id="422-text-too-long"),
    pytest.param("/v1/problems", {"json": {"text": "巡" * 20_001}}, 422, "invalid_request",
                 ["body", "text"], id="422-problems-too-long"),
    pytest.param("/v1/classify", {"json": {"statements": ["问题"] * 6}}, 422,
                 "invalid_request", ["body", "statements"], id="422-too-many-items"),
    pytest.param("/v1/classify", {"json": {"statements": ["巡" * 10_001] * 2}}, 422,
                 "invalid_request", ["body", "statements"], id="422-items-too-long"),
    # 422: analyze's choices
    pytest.param("/v1/analyze", {"json": {}}, 422, "invalid_request", ["body", "text"],
                 id="422-analyze-nothing"),
    pytest.param("/v1/analyze", {"json": {"text": "x", "file": b64(b"x"),
                                          "filename": "a.txt"}}, 422, "invalid_request",
                 ["body", "file"], id="422-analyze-both"),
    pytest.param("/v1/analyze", {"json": {"file": b64(b"abc")}}, 422, "invalid_request",
                 ["body", "filename"], id="422-no-filename"),
    pytest.param("/v1/analyze", {"json": {"file": "not base64!", "filename": "a.txt"}}, 422,
                 "invalid_request", ["body", "file"], id="422-bad-base64"),
    pytest.param("/v1/analyze", {"json": {"file": b64(b"abc"), "filename": "a.doc"}}, 422,
                 "invalid_request", ["body", "filename"], id="422-unsupported-type"),
    pytest.param("/v1/analyze", {"json": {"file": b64(b"abc"), "filename": "../x\x00.txt"}},
                 422, "invalid_request", ["body", "filename"], id="422-odd-filename"),
    pytest.param("/v1/analyze", {"json": {"file": b64(b"%PDF-1.4 broken"),
                                          "filename": "a.txt"}}, 422, "invalid_request",
                 ["body", "file"], id="422-binary-as-txt"),
    pytest.param("/v1/analyze", {"json": {"file": b64(b"PK\x03\x04 not a zip"),
                                          "filename": "a.docx"}}, 422, "invalid_request",
                 ["body", "file"], id="422-corrupt-docx"),
    pytest.param("/v1/analyze", {"json": {"file": "", "filename": "a.txt"}}, 422,
                 "invalid_request", ["body", "file"], id="422-empty-file"),
    pytest.param("/v1/analyze", {"json": {"file": b64(("巡" * 20_001).encode()),
                                          "filename": "a.txt"}}, 422, "invalid_request",
                 ["body", "file"], id="422-file-text-too-long"),
]


@pytest.mark.parametrize(("path", "kwargs", "status", "error", "loc"), ERROR_CASES)
def test_post_errors(client: TestClient, path: str, kwargs: dict[str, Any], status: int,
                     error: str, loc: list[Any] | None) -> None:
    if kwargs.get("content") is not None and not isinstance(kwargs["content"], bytes):
        kwargs = {**kwargs, "content": _gen(30)}  # a fresh generator for every run
    body = assert_error(client.post(path, **kwargs), status, error)
    if loc is not None:
        assert loc in [f["loc"] for f in body["fields"]], body
        assert ".".join(map(str, loc)) in body["message"]


def test_unreadable_file_message_names_the_upload_not_the_temp_path(client: TestClient) -> None:
    r = client.post("/v1/analyze", json={"file": b64(b"%PDF-1.4 broken"),
                                         "filename": "我的报告.txt"})
    body = assert_error(r, 422, "invalid_request")
    assert "我的报告.txt" in body["message"]
    assert "xuncha-upload" not in r.text and "/tmp" not in r.text


def test_error_does_not_echo_the_input(client: TestClient) -> None:
    secret = "机密内容" * 10
    r = client.post("/v1/stats", json={"text": 1, "note": secret})
    assert_error(r, 422, "invalid_request")
    assert secret not in r.text


@pytest.mark.parametrize(("method", "path", "status", "error"), [
    pytest.param("GET", "/nowhere", 404, "not_found", id="404"),
    pytest.param("GET", "/v1/stats", 405, "method_not_allowed", id="405"),
    pytest.param("DELETE", "/v1/metrics", 405, "method_not_allowed", id="405-delete"),
])
def test_http_errors_are_json(client: TestClient, method: str, path: str, status: int,
                              error: str) -> None:
    assert_error(client.request(method, path), status, error)


def test_500_hides_the_trace_and_logs_it(client: TestClient, monkeypatch: pytest.MonkeyPatch,
                                         caplog: pytest.LogCaptureFixture) -> None:
    def broken(*args: object, **kwargs: object) -> list[object]:
        raise RuntimeError("secret-internal-detail")

    monkeypatch.setattr("xuncha_nlp.stats.extract_stats", broken)
    with caplog.at_level(logging.ERROR, logger="xuncha_nlp.server"):
        r = client.post("/v1/stats", json={"text": SUMMARY})
    body = assert_error(r, 500, "internal_error")
    assert "secret-internal-detail" not in r.text
    assert body["request_id"] in body["message"]
    logged = [rec for rec in caplog.records if rec.name == "xuncha_nlp.server"]
    assert logged and logged[0].exc_info is not None
    assert body["request_id"] in logged[0].getMessage()
    assert "secret-internal-detail" in caplog.text


def test_500_when_a_result_no_longer_fits_its_model(client: TestClient,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("xuncha_nlp.server._metrics", lambda: {"metrics": [{"id": 1}]})
    assert_error(client.get("/v1/metrics"), 500, "internal_error")


# --- API key ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("headers", "status"), [
    pytest.param({}, 401, id="none"),
    pytest.param({"x-api-key": "wrong"}, 401, id="wrong"),
    pytest.param({"x-api-key": KEY[:-1]}, 401, id="prefix"),
    pytest.param({"authorization": f"Basic {KEY}"}, 401, id="basic-scheme"),
    pytest.param({"authorization": "Bearer wrong"}, 401, id="bearer-wrong"),
    pytest.param({"x-api-key": KEY}, 200, id="header"),
    pytest.param({"authorization": f"Bearer {KEY}"}, 200, id="bearer"),
    pytest.param({"authorization": f"bearer {KEY}"}, 200, id="bearer-lower"),
])
@pytest.mark.parametrize(("method", "path", "body"), [
    ("POST", "/v1/stats", {"text": SUMMARY}),
    ("POST", "/v1/classify", {"statements": STATEMENTS[:1]}),
    ("GET", "/v1/metrics", None),
    ("GET", "/v1/taxonomy", None),
])
def test_api_key(keyed: TestClient, headers: dict[str, str], status: int, method: str,
                 path: str, body: Any) -> None:
    r = keyed.request(method, path, json=body, headers=headers)
    if status == 401:
        assert_error(r, 401, "unauthorized")
        assert r.headers["www-authenticate"].startswith("Bearer")
    else:
        assert r.status_code == 200, r.text


def test_api_key_checked_before_the_body_is_read(keyed: TestClient) -> None:
    # An unauthenticated client gets 401, not 413 or 415: it cannot make the server read.
    r = keyed.post("/v1/stats", content=b"x" * (40 * 1024 * 1024), headers=JSON)
    assert_error(r, 401, "unauthorized")
    assert_error(keyed.post("/v1/stats", data={"text": "x"}), 401, "unauthorized")


@pytest.mark.parametrize("path", ["/healthz", "/version", "/openapi.json"])
def test_open_routes_need_no_key(keyed: TestClient, path: str) -> None:
    assert keyed.get(path).status_code == 200


def test_api_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(server.API_KEY_ENV, "from-env")
    with TestClient(server.app_from_env()) as c:
        assert c.get("/v1/metrics").status_code == 401
        assert c.get("/v1/metrics", headers={"x-api-key": "from-env"}).status_code == 200


# --- OpenAPI ----------------------------------------------------------------------------------------
ROUTES = [("post", "/v1/analyze"), ("post", "/v1/normalize"), ("post", "/v1/stats"),
          ("post", "/v1/phrases"), ("post", "/v1/classify"), ("post", "/v1/problems"),
          ("get", "/v1/metrics"), ("get", "/v1/taxonomy"), ("get", "/healthz"),
          ("get", "/version")]


def test_openapi_lists_every_route_with_its_errors(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    for method, path in ROUTES:
        op = doc["paths"][path][method]
        assert "200" in op["responses"]
        if method == "post":
            for status in ("413", "415", "422", "500"):
                schema = op["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorResponse"}
            body = op["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            name = body.rsplit("/", 1)[1]
            assert doc["components"]["schemas"][name]["examples"], name


def test_openapi_describes_every_field(client: TestClient) -> None:
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert {"AnalyzeRequest", "AnalysisOut", "StatOut", "ErrorResponse"} <= set(schemas)
    for name, schema in schemas.items():
        for field, spec in schema["properties"].items():
            assert spec.get("description"), f"{name}.{field}"


def test_openapi_documents_401_only_with_a_key(client: TestClient, keyed: TestClient) -> None:
    assert "401" not in client.get("/openapi.json").json()["paths"]["/v1/stats"]["post"][
        "responses"]
    assert "401" in keyed.get("/openapi.json").json()["paths"]["/v1/stats"]["post"]["responses"]


# --- configuration --------------------------------------------------------------------------------
@pytest.mark.parametrize(("kwargs", "exc"), [
    pytest.param({"api_key": ""}, ValueError, id="empty-key"),
    pytest.param({"api_key": 123}, TypeError, id="key-type"),
    pytest.param({"max_body": 0}, ValueError, id="max-body-zero"),
    pytest.param({"max_text": "10"}, TypeError, id="max-text-type"),
    pytest.param({"max_items": True}, TypeError, id="max-items-bool"),
])
def test_create_app_rejects_bad_settings(kwargs: dict[str, Any], exc: type[Exception]) -> None:
    with pytest.raises(exc):
        create_app(**kwargs)


@pytest.mark.parametrize("argv", [["--port", "70000"], ["--workers", "0"],
                                  ["--max-body", "0"]])
def test_serve_command_rejects_bad_options(argv: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert server.serve_main(argv) == 2
    assert "out of range" in capsys.readouterr().err


@pytest.mark.parametrize(("workers", "kwargs", "exc"), [
    (2, {"max_text": 0}, ValueError), (2, {"max_items": "9"}, TypeError),
    (1, {"max_body": 0}, ValueError)])
def test_serve_checks_limits_before_starting(monkeypatch: pytest.MonkeyPatch, workers: int,
                                             kwargs: dict[str, Any],
                                             exc: type[Exception]) -> None:
    # Several workers build their apps in their own processes: a bad limit must fail here.
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: pytest.fail("uvicorn started"))
    with pytest.raises(exc, match="serve\\(\\)"):
        server.serve(workers=workers, **kwargs)


def test_env_settings_must_be_integers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(server.MAX_TEXT_ENV, "lots")
    with pytest.raises(ValueError, match="XUNCHA_MAX_TEXT"):
        server.app_from_env()
