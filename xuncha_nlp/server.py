"""The HTTP service: ``create_app()`` builds the FastAPI application, ``serve()`` runs it
with uvicorn, ``xuncha serve`` is the command.

Routes (request and response models in :mod:`xuncha_nlp.api_models`; the OpenAPI document
is served at ``/openapi.json``, interactive docs at ``/docs``):

- ``POST /v1/analyze`` (text, or a base64 file with its filename), ``/v1/normalize``,
  ``/v1/stats``, ``/v1/phrases``, ``/v1/classify``, ``/v1/problems``;
- ``GET /v1/metrics``, ``/v1/taxonomy``: the vocabularies with their Chinese labels;
- ``GET /healthz``, ``/version``: always open, never touch the models.

Safety, in the order a request meets it (one ASGI middleware, before FastAPI reads
anything): a request id (the client's ``X-Request-ID`` when it is short and plain, else a new
one; echoed in every answer); the API key when one is set (``X-API-Key: KEY`` or
``Authorization: Bearer KEY``, compared in constant time; 401); for a POST route, the content
type (``application/json``; 415) and the body size, from ``Content-Length`` and by counting
the bytes actually received, so a chunked upload is cut off too (413). Then FastAPI validates
the JSON (422 naming the field), the route checks the text and list limits (422 naming the
field) and runs the extraction in a worker thread, so the event loop keeps answering
``/healthz`` while a large report is analysed. Any unexpected exception becomes a JSON 500
with the request id; the traceback goes to the server's log, never to the client.

FastAPI, uvicorn and pydantic are imported by :func:`create_app` and :func:`serve`, not by
importing this module, so ``xuncha --help`` works without the ``server`` extra.
"""

# No ``from __future__ import annotations`` here: FastAPI reads the annotations of the route
# functions defined inside create_app(), which must therefore be real objects, not strings.

import argparse
import base64
import binascii
import dataclasses
import hmac
import json
import logging
import os
import re
import sys
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any, NoReturn

from ._version import __version__

if TYPE_CHECKING:
    from fastapi import FastAPI
    from pydantic import BaseModel

__all__ = [
    "API_KEY_ENV",
    "DEFAULT_MAX_BODY",
    "DEFAULT_MAX_ITEMS",
    "DEFAULT_MAX_TEXT",
    "add_serve_arguments",
    "app_from_env",
    "cli_serve",
    "create_app",
    "serve",
    "serve_main",
]

API_KEY_ENV = "XUNCHA_API_KEY"
MAX_BODY_ENV = "XUNCHA_MAX_BODY"
MAX_TEXT_ENV = "XUNCHA_MAX_TEXT"
MAX_ITEMS_ENV = "XUNCHA_MAX_ITEMS"
# A 5 MB report is about 1.7 million Chinese characters; sent as JSON with \u escapes it is
# about 10 MB, and base64 adds a third to a file. 32 MiB leaves room for both.
DEFAULT_MAX_BODY = 32 * 1024 * 1024
DEFAULT_MAX_TEXT = 5_000_000
DEFAULT_MAX_ITEMS = 1000
REQUEST_ID_HEADER = "x-request-id"
_RE_CLIENT_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_RE_CONTROL = re.compile("[\x00-\x1f\x7f]")
_JSON_TYPES = ("application/json",)

logger = logging.getLogger("xuncha_nlp.server")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


# --- JSON out -----------------------------------------------------------------------------------
def dumps(payload: Any) -> bytes:
    """UTF-8 JSON; text holding lone surrogates (legal in a JSON string a client sent, not
    encodable as UTF-8) falls back to ``\\u`` escapes instead of failing."""
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(payload, ensure_ascii=True, allow_nan=False).encode("ascii")


def _render(model: "type[BaseModel]", data: Any) -> bytes:
    """Validate ``data`` against the response model and serialise it: in a worker thread,
    because a large report's answer takes long enough to stall the event loop."""
    return dumps(model.model_validate(data).model_dump(mode="json"))


async def _reply(send: Send, status: int, body: bytes,
                 headers: list[tuple[bytes, bytes]] | None = None) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def _error(error: str, message: str, request_id: str,
           fields: list[dict[str, Any]] | None = None) -> bytes:
    from .api_models import error_body

    return dumps(error_body(error, message, request_id, fields))


def request_id_of(scope: Scope) -> str:
    state = scope.get("state") or {}
    return str(state.get("request_id", "-"))


# --- the guard: request id, API key, content type, body size, errors -----------------------------
class _Guard:
    """Pure ASGI middleware: everything that must happen before a body is parsed.

    The body is read here (counted as it arrives) and replayed to the application, so a client
    cannot make the server hold more than ``max_body`` bytes of one request whatever it claims
    in ``Content-Length``.
    """

    def __init__(self, app: ASGIApp, *, api_key: str | None, max_body: int,
                 json_paths: frozenset[str]) -> None:
        self.app = app
        self.api_key = api_key.encode("utf-8") if api_key is not None else None
        self.max_body = max_body
        self.json_paths = json_paths  # the POST routes; other requests go on to a 404/405

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v for k, v in scope.get("headers", [])}
        rid = _client_request_id(headers.get(REQUEST_ID_HEADER)) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        id_header = (REQUEST_ID_HEADER.encode(), rid.encode())
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), id_header]}
            await send(message)

        path: str = scope.get("path", "")
        protected = path.startswith("/v1/") or path == "/v1"
        if protected and self.api_key is not None and not self._authorized(headers):
            await _reply(send_with_id, 401, _error(
                "unauthorized", "this server needs an API key: send the header X-API-Key: "
                "<key> or Authorization: Bearer <key>", rid),
                [(b"www-authenticate", b'Bearer realm="xuncha"')])
            return
        if scope.get("method") == "POST" and path in self.json_paths:
            ctype = headers.get("content-type", b"").decode("latin-1")
            media = ctype.split(";", 1)[0].strip().lower()
            if media not in _JSON_TYPES and not media.endswith("+json"):
                await _reply(send_with_id, 415, _error(
                    "unsupported_media_type", f"send the request body as JSON with "
                    f"Content-Type: application/json, not {media or 'no content type'!r}",
                    rid))
                return
            replay = await self._read_body(headers, receive, send_with_id, rid)
            if replay is None:
                return
            receive = replay
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            logger.exception("request %s %s %s failed", rid, scope.get("method"), path)
            if started:  # the status line is out: nothing left to do but drop the connection
                raise
            await _reply(send_with_id, 500, _error(
                "internal_error", f"internal error; quote request id {rid} when reporting it",
                rid))

    def _authorized(self, headers: dict[str, bytes]) -> bool:
        assert self.api_key is not None
        given = headers.get("x-api-key")
        if given is None:
            auth = headers.get("authorization", b"")
            scheme, _, token = auth.partition(b" ")
            if scheme.lower() != b"bearer":
                return False
            given = token.strip()
        return hmac.compare_digest(given, self.api_key)

    async def _read_body(self, headers: dict[str, bytes], receive: Receive, send: Send,
                         rid: str) -> Receive | None:
        """The whole body, or None when a 413/400 was sent (or the client went away)."""
        declared = headers.get("content-length")
        if declared is not None:
            try:
                size = int(declared)
                if size < 0:
                    raise ValueError(size)
            except ValueError:
                await _reply(send, 400, _error("bad_request", "Content-Length is not a "
                                               "non-negative integer", rid))
                return None
            if size > self.max_body:
                await _reply(send, 413, _error("payload_too_large", self._too_large(size), rid),
                             [(b"connection", b"close")])
                return None
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_body:
                await _reply(send, 413, _error("payload_too_large",
                                               self._too_large(None), rid),
                             [(b"connection", b"close")])
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        done = False

        async def replay() -> Message:
            nonlocal done
            if not done:
                done = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: wait for the disconnect, as Starlette does

        return replay

    def _too_large(self, size: int | None) -> str:
        what = f"{size:,} bytes" if size is not None else "the upload went past the limit"
        return (f"request body too large ({what}); this server accepts at most "
                f"{self.max_body:,} bytes")


def _client_request_id(value: bytes | None) -> str | None:
    if value is None:
        return None
    text = value.decode("latin-1")
    return text if _RE_CLIENT_ID.fullmatch(text) else None


# --- checks and work done in worker threads -------------------------------------------------------
def _invalid(loc: tuple[str | int, ...], msg: str, kind: str) -> NoReturn:
    from fastapi.exceptions import RequestValidationError

    raise RequestValidationError([{"loc": ("body", *loc), "msg": msg, "type": kind}])


def _check_text(text: str, field: str, limit: int) -> None:
    if len(text) > limit:
        _invalid((field,), f"{field} is {len(text):,} characters; this server accepts at most "
                 f"{limit:,}", "string_too_long")


def _read_upload(file_b64: str, filename: str | None) -> Any:
    """The Document of an uploaded file, read by the reader its extension names."""
    from .errors import ReadError
    from .io import EXTENSIONS, _document

    if not filename:
        _invalid(("filename",), "filename is required with file: its extension (.txt, "
                 ".docx, .pdf, .html …) chooses the reader", "missing")
    if _RE_CONTROL.search(filename):
        _invalid(("filename",), "filename holds control characters", "value_error")
    name = PurePosixPath(filename.replace("\\", "/")).name
    suffix = Path(name).suffix.lower()
    if suffix not in EXTENSIONS:
        what = f"files of type {suffix!r}" if suffix else "files without an extension"
        _invalid(("filename",), f"cannot read {what}; supported: "
                 f"{', '.join(sorted(EXTENSIONS))}", "unsupported_file_type")
    try:
        data = base64.b64decode(file_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        _invalid(("file",), f"file is not valid base64 ({exc})", "base64_decode")
    try:
        return _document(data, filename)
    except ReadError as exc:
        _invalid(("file",), f"{filename}: {exc.reason}", "unreadable_file")


@dataclasses.dataclass(frozen=True)
class _Limits:
    max_text: int
    max_items: int


def _analyze(req: Any, limits: _Limits) -> bytes:
    from .analyze import analyze
    from .api_models import AnalysisOut
    from .stats import labelled

    if req.text is not None and req.file is not None:
        _invalid(("file",), "give text or file, not both", "value_error")
    if req.text is not None:
        _check_text(req.text, "text", limits.max_text)
        source: Any = req.text
    elif req.file is not None:
        source = _read_upload(req.file, req.filename)
        _check_text(source.text, "file", limits.max_text)
    else:
        _invalid(("text",), "give text, or file (base64) with filename", "missing")
    result = analyze(source, title=req.title).to_dict()
    result["stats"] = labelled(result["stats"])
    return _render(AnalysisOut, result)


def _normalize(req: Any, limits: _Limits) -> bytes:
    from .api_models import NormalizeResponse
    from .normalize import normalize

    _check_text(req.text, "text", limits.max_text)
    norm = normalize(req.text, script=req.script)
    out: dict[str, Any] = {"text": norm.text}
    if req.changes:
        out["changes"] = [c.to_dict() for c in norm.changes]
    return _render(NormalizeResponse, out)


def _stats(req: Any, limits: _Limits) -> bytes:
    from .api_models import StatsResponse
    from .stats import extract_stats, labelled

    _check_text(req.text, "text", limits.max_text)
    stats = [s.to_dict() for s in extract_stats(req.text)]
    return _render(StatsResponse, {"stats": labelled(stats)})


def _phrases(req: Any, limits: _Limits) -> bytes:
    from .api_models import PhrasesResponse
    from .phrases import extract_phrases

    _check_text(req.text, "text", limits.max_text)
    found = extract_phrases(req.text, top_k=req.top_k)
    return _render(PhrasesResponse, {"phrases": [p.to_dict() for p in found]})


def _problems(req: Any, limits: _Limits) -> bytes:
    from .api_models import ProblemsResponse
    from .problems import find_problems

    _check_text(req.text, "text", limits.max_text)
    found = find_problems(req.text, engine=req.engine)
    return _render(ProblemsResponse, {"problems": [p.to_dict() for p in found]})


def _classify(req: Any, limits: _Limits) -> bytes:
    from .api_models import ClassifyResponse
    from .classify import classify_many

    statements: list[str] = req.statements
    if len(statements) > limits.max_items:
        _invalid(("statements",), f"statements has {len(statements):,} items; this server "
                 f"accepts at most {limits.max_items:,} per request", "too_long")
    total = sum(map(len, statements))
    if total > limits.max_text:
        _invalid(("statements",), f"statements hold {total:,} characters in all; this server "
                 f"accepts at most {limits.max_text:,}", "too_long")
    found = classify_many(statements, engine=req.engine) if statements else []
    return _render(ClassifyResponse, {"classifications": [c.to_dict() for c in found]})


def _metrics() -> dict[str, Any]:
    from .stats import METRICS, metric_labels

    labels = metric_labels()
    return {"metrics": [{"id": m, "label": labels[m]} for m in METRICS]}


def _taxonomy() -> dict[str, Any]:
    from .taxonomy import categories

    return {"areas": [c.to_dict() for c in categories("L1")],
            "categories": [c.to_dict() for c in categories("L2")]}


def _warm_up() -> None:
    """Load what a request may need before the first one does: what the batch loads for a
    file (lexicons, segmenter, model, decoder table), and the keyword engine's cues."""
    from .api_models import EXAMPLE_STATEMENTS
    from .batch import _warm_up as warm_up_for_files
    from .classify import classify_many

    warm_up_for_files()
    classify_many(EXAMPLE_STATEMENTS, engine="keyword")


# --- the application ----------------------------------------------------------------------------
_ERROR_CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found",
                405: "method_not_allowed", 413: "payload_too_large",
                415: "unsupported_media_type", 422: "invalid_request", 500: "internal_error"}


def _check_limit(name: str, value: object, func: str = "create_app()") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{func}: {name} must be an int, not {type(value).__name__}")
    if value < 1:
        raise ValueError(f"{func}: {name} must be at least 1, not {value}")
    return value


def create_app(*, api_key: str | None = None, max_body: int = DEFAULT_MAX_BODY,
               max_text: int = DEFAULT_MAX_TEXT, max_items: int = DEFAULT_MAX_ITEMS,
               warm_up: bool = False) -> "FastAPI":
    """The FastAPI application.

    ``api_key``: when set (non-empty), every ``/v1`` route needs it; ``max_body``: bytes of a
    request body (413 beyond); ``max_text``: characters of a text, of an uploaded file's text
    and of all statements of one classify request together (422 beyond); ``max_items``:
    statements per classify request (422 beyond); ``warm_up``: load lexicons, segmenter and
    model at start-up, so the first request is not slow (start-up then takes a few seconds).
    """
    import contextlib
    from collections.abc import AsyncIterator

    from fastapi import FastAPI, Request
    from fastapi.concurrency import run_in_threadpool
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import Response
    from starlette.exceptions import HTTPException

    from . import api_models as m

    if api_key is not None and not isinstance(api_key, str):
        raise TypeError(f"create_app(): api_key must be str or None, not "
                        f"{type(api_key).__name__}")
    if api_key == "":
        raise ValueError("create_app(): api_key must not be empty (None: no key needed)")
    limits = _Limits(max_text=_check_limit("max_text", max_text),
                     max_items=_check_limit("max_items", max_items))
    _check_limit("max_body", max_body)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm_up:
            await run_in_threadpool(_warm_up)
        yield

    app = FastAPI(
        title="xuncha_nlp",
        version=__version__,
        description="Mine Chinese reports on Party inspection work (巡视/巡察): normalise, "
        "extract statistics, key phrases and problem statements, classify problems. Spans are "
        "[start, end) character offsets into the text as sent. Every error is JSON "
        "(ErrorResponse) and carries the request id, also sent as the X-Request-ID header."
        + (" Every /v1 route needs the API key: header X-API-Key or Authorization: Bearer."
           if api_key else ""),
        lifespan=lifespan,
    )

    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        # The limits are settings of this server: write them into its document, so clients
        # (and schemathesis) know them.
        if app.openapi_schema is None:
            doc = default_openapi()
            schemas = doc["components"]["schemas"]
            for name in ("TextRequest", "NormalizeRequest", "PhrasesRequest",
                         "ProblemsRequest"):
                schemas[name]["properties"]["text"]["maxLength"] = limits.max_text
            schemas["AnalyzeRequest"]["properties"]["text"]["maxLength"] = limits.max_text
            statements = schemas["ClassifyRequest"]["properties"]["statements"]
            statements["maxItems"] = limits.max_items
            statements["items"]["maxLength"] = limits.max_text
        return app.openapi_schema or doc

    app.openapi = openapi  # type: ignore[method-assign]

    def json_response(body: bytes, status: int = 200) -> Response:
        return Response(body, status_code=status, media_type="application/json")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = [{"loc": [p if isinstance(p, int) else str(p) for p in e.get("loc", ())],
                   "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
                  for e in exc.errors()]
        message = "; ".join(
            f"{'.'.join(map(str, f['loc']))}: {f['msg']}" for f in fields[:5]
        ) + (f" (and {len(fields) - 5} more)" if len(fields) > 5 else "")
        return json_response(_error("invalid_request", message or "invalid request",
                                    request_id_of(request.scope), fields), 422)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        code = _ERROR_CODES.get(exc.status_code, "error")
        response = json_response(_error(code, str(exc.detail), request_id_of(request.scope)),
                                 exc.status_code)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    errors: dict[int | str, dict[str, Any]] = {
        400: {"model": m.ErrorResponse, "description": "Malformed Content-Length"},
        413: {"model": m.ErrorResponse, "description": "Request body too large"},
        415: {"model": m.ErrorResponse, "description": "Body is not JSON"},
        422: {"model": m.ErrorResponse, "description": "Invalid JSON, field or limit; "
              "``fields`` names the field"},
        500: {"model": m.ErrorResponse, "description": "Internal error (request id given)"},
    }
    if api_key:
        errors[401] = {"model": m.ErrorResponse, "description": "Missing or wrong API key"}
    get_errors: dict[int | str, dict[str, Any]] = {
        k: v for k, v in errors.items() if k in (401, 500)}

    def run(work: Callable[..., bytes]) -> Callable[..., Awaitable[Response]]:
        async def route(req: Any) -> Response:
            return json_response(await run_in_threadpool(work, req, limits))
        return route

    analyze_route, normalize_route, stats_route = run(_analyze), run(_normalize), run(_stats)
    phrases_route, classify_route, problems_route = run(_phrases), run(_classify), run(_problems)

    @app.post("/v1/analyze", response_model=m.AnalysisOut, responses=errors, tags=["v1"],
              summary="Everything about one report: text or a base64 file")
    async def analyze(req: m.AnalyzeRequest) -> Response:
        """Normalises the report once, then finds statistics, key phrases, problem
        statements (classified), its script, repaired artefacts, title and dates. A file is
        read by the reader its ``filename`` extension names (.txt in any common Chinese
        encoding, .docx, the text layer of a .pdf, .html)."""
        return await analyze_route(req)

    @app.post("/v1/normalize", response_model=m.NormalizeResponse, responses=errors,
              tags=["v1"], summary="Clean text: simplified script, scrape artefacts repaired")
    async def normalize(req: m.NormalizeRequest) -> Response:
        return await normalize_route(req)

    @app.post("/v1/stats", response_model=m.StatsResponse, responses=errors, tags=["v1"],
              summary="Statistics with their meaning (metric, value, unit, quote)")
    async def stats(req: m.TextRequest) -> Response:
        return await stats_route(req)

    @app.post("/v1/phrases", response_model=m.PhrasesResponse, responses=errors, tags=["v1"],
              summary="Key phrases, best first")
    async def phrases(req: m.PhrasesRequest) -> Response:
        return await phrases_route(req)

    @app.post("/v1/classify", response_model=m.ClassifyResponse, responses=errors,
              tags=["v1"], summary="Problem statements → taxonomy categories")
    async def classify(req: m.ClassifyRequest) -> Response:
        return await classify_route(req)

    @app.post("/v1/problems", response_model=m.ProblemsResponse, responses=errors,
              tags=["v1"], summary="Problem statements of a report, classified")
    async def problems(req: m.ProblemsRequest) -> Response:
        return await problems_route(req)

    @app.get("/v1/metrics", response_model=m.MetricsResponse, responses=get_errors,
             tags=["v1"], summary="The statistics vocabulary with Chinese labels")
    async def metrics() -> Response:
        return json_response(await run_in_threadpool(_render, m.MetricsResponse, _metrics()))

    @app.get("/v1/taxonomy", response_model=m.TaxonomyResponse, responses=get_errors,
             tags=["v1"], summary="The problem taxonomy (L1 areas, L2 categories)")
    async def taxonomy() -> Response:
        return json_response(await run_in_threadpool(_render, m.TaxonomyResponse,
                                                     _taxonomy()))

    @app.get("/healthz", response_model=m.HealthResponse, tags=["service"],
             summary="Liveness: answers while reports are being analysed")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/version", response_model=m.VersionResponse, tags=["service"],
             summary="Name and version of the library serving")
    async def version() -> dict[str, str]:
        return {"name": "xuncha_nlp", "version": __version__}

    from fastapi.routing import APIRoute

    posts = frozenset(r.path for r in app.routes
                      if isinstance(r, APIRoute) and "POST" in (r.methods or ()))
    app.add_middleware(_Guard, api_key=api_key, max_body=max_body, json_paths=posts)
    return app


# --- running it ---------------------------------------------------------------------------------
def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"environment variable {name} must be an integer, not {raw!r}") from None


def app_from_env() -> "FastAPI":
    """The application configured from the environment (``XUNCHA_API_KEY``,
    ``XUNCHA_MAX_BODY``, ``XUNCHA_MAX_TEXT``, ``XUNCHA_MAX_ITEMS``): the factory each uvicorn
    worker process calls (``uvicorn --factory xuncha_nlp.server:app_from_env``)."""
    return create_app(api_key=os.environ.get(API_KEY_ENV) or None,
                      max_body=_env_int(MAX_BODY_ENV, DEFAULT_MAX_BODY),
                      max_text=_env_int(MAX_TEXT_ENV, DEFAULT_MAX_TEXT),
                      max_items=_env_int(MAX_ITEMS_ENV, DEFAULT_MAX_ITEMS),
                      warm_up=True)


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1,
          api_key: str | None = None, *, max_body: int = DEFAULT_MAX_BODY,
          max_text: int = DEFAULT_MAX_TEXT, max_items: int = DEFAULT_MAX_ITEMS) -> None:
    """Run the service with uvicorn until interrupted.

    ``api_key`` None falls back to the environment variable ``XUNCHA_API_KEY``. With
    ``workers`` > 1 uvicorn starts that many processes, each building the app with
    :func:`app_from_env`; the settings reach them through the environment.
    """
    import uvicorn

    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"serve(): workers must be an int >= 1, not {workers!r}")
    # Here, not only in create_app: with several workers that runs in each worker process.
    for name, value in (("max_body", max_body), ("max_text", max_text),
                        ("max_items", max_items)):
        _check_limit(name, value, "serve()")
    key = api_key if api_key is not None else (os.environ.get(API_KEY_ENV) or None)
    if workers == 1:
        app = create_app(api_key=key, max_body=max_body, max_text=max_text,
                         max_items=max_items, warm_up=True)
        uvicorn.run(app, host=host, port=port, server_header=False)
        return
    # Worker processes are spawned: the only way to hand them settings is their environment.
    os.environ.update({MAX_BODY_ENV: str(max_body), MAX_TEXT_ENV: str(max_text),
                       MAX_ITEMS_ENV: str(max_items)})
    if key is not None:
        os.environ[API_KEY_ENV] = key
    uvicorn.run("xuncha_nlp.server:app_from_env", factory=True, host=host, port=port,
                workers=workers, server_header=False)


def add_serve_arguments(parser: argparse.ArgumentParser) -> None:
    """``xuncha serve [--host H] [--port P] [--workers N] [--api-key KEY] [--max-body B]
    [--max-text C] [--max-items N]``."""
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to listen on (default 127.0.0.1; 0.0.0.0 for all)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--workers", type=int, default=1, metavar="N",
                        help="worker processes (default 1)")
    parser.add_argument("--api-key", default=None, metavar="KEY",
                        help=f"require this key on every /v1 route (default: ${API_KEY_ENV}; "
                        "prefer the variable: a command line is visible to other users)")
    parser.add_argument("--max-body", type=int, default=DEFAULT_MAX_BODY, metavar="BYTES",
                        help=f"largest request body (default {DEFAULT_MAX_BODY:,})")
    parser.add_argument("--max-text", type=int, default=DEFAULT_MAX_TEXT, metavar="CHARS",
                        help=f"longest text (default {DEFAULT_MAX_TEXT:,} characters)")
    parser.add_argument("--max-items", type=int, default=DEFAULT_MAX_ITEMS, metavar="N",
                        help=f"most statements per classify request (default "
                        f"{DEFAULT_MAX_ITEMS:,})")


def cli_serve(args: argparse.Namespace, *, err: IO[str] | None = None) -> int:
    """Handler of ``xuncha serve``: runs until interrupted; 0 after a clean stop, 1 when the
    server extra is missing, 2 for a bad option."""
    err = err or sys.stderr
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        err.write(f"xuncha serve: {exc.name} is not installed; install the server extra: "
                  "pip install 'xuncha-nlp[server]'\n")
        return 1
    for name in ("port", "workers", "max_body", "max_text", "max_items"):
        value = getattr(args, name)
        low = 0 if name == "port" else 1
        if value < low or (name == "port" and value > 65535):
            err.write(f"xuncha serve: --{name.replace('_', '-')} {value} is out of range\n")
            return 2
    try:
        serve(args.host, args.port, args.workers, args.api_key or None,
              max_body=args.max_body, max_text=args.max_text, max_items=args.max_items)
    except (TypeError, ValueError) as exc:
        err.write(f"xuncha serve: {exc}\n")
        return 2
    return 0


def serve_main(argv: list[str] | None = None) -> int:
    """``xuncha serve`` on its own (``python -m xuncha_nlp.server``)."""
    parser = argparse.ArgumentParser(prog="xuncha serve",
                                     description="Serve xuncha_nlp over HTTP (FastAPI).")
    add_serve_arguments(parser)
    return cli_serve(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(serve_main())
