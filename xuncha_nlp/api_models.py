"""Request and response models of the HTTP service (:mod:`xuncha_nlp.server`).

They exist so that ``/openapi.json`` describes every field a client sends or receives. The
response models mirror the ``to_dict()`` of the library's results (``Stat``, ``Phrase``,
``Problem``, ``Classification``, ``Analysis`` …); the server builds its answers from those
dicts only, so a result type can grow a field without breaking the service (the new field is
left out of the answer until it is described here).

Requests forbid unknown fields, so a misspelt option (``topk``) is a 422 naming the field
rather than silently ignored. Length limits (characters of text, number of statements) are
settings of the server (``create_app(max_text=…, max_items=…)``), checked by the routes.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, ValidationInfo, field_validator
from pydantic.json_schema import SkipJsonSchema

from .io import EXTENSIONS

__all__ = [
    "AnalysisOut",
    "AnalyzeRequest",
    "CategoryOut",
    "ChangeOut",
    "ClassificationOut",
    "ClassifyRequest",
    "ClassifyResponse",
    "DateOut",
    "DocumentOut",
    "ErrorResponse",
    "FieldError",
    "HealthResponse",
    "MetricOut",
    "MetricsResponse",
    "NormalizeRequest",
    "NormalizeResponse",
    "PhraseOut",
    "PhrasesRequest",
    "PhrasesResponse",
    "ProblemOut",
    "ProblemsRequest",
    "ProblemsResponse",
    "StatOut",
    "StatsResponse",
    "TaxonomyResponse",
    "TextRequest",
    "VersionResponse",
]

# Our own example wording, in the style of a county inspection summary.
EXAMPLE_TEXT = (
    "2023年，县委巡察办统筹开展两轮常规巡察，共巡察党组织28个，发现问题312个，"
    "移交问题线索9件。巡察发现，部分单位落实全面从严治党主体责任不到位，"
    "违规发放津补贴问题仍有发生。"
)
EXAMPLE_STATEMENTS: tuple[str, ...] = (
    "落实全面从严治党主体责任不到位，警示教育流于形式",
    "干部选拔任用程序不规范，超职数配备干部",
)

# The extensions read_text knows, in any case; JSON Schema patterns have no
# case-insensitive flag.
FILENAME_PATTERN = r"\.(" + "|".join(
    "".join(f"[{c.upper()}{c}]" for c in ext[1:]) for ext in EXTENSIONS) + ")$"
_EXTENSION_LIST = ", ".join(EXTENSIONS)

_RE_FILENAME = re.compile(FILENAME_PATTERN)
_EXAMPLE_LIST: list[JsonValue] = list(EXAMPLE_STATEMENTS)
_ONE_OF_TEXT_OR_FILE: list[JsonValue] = [
    {"required": ["text"], "not": {"required": ["file"]}},
    {"required": ["file", "filename"], "not": {"required": ["text"]}},
]

Span = Annotated[
    list[int],
    Field(min_length=2, max_length=2,
          description="[start, end) character offsets in the ORIGINAL text that was sent"),
]
EngineName = Literal["model", "keyword"]
ScriptName = Literal["t2s", "tw2s", "tw2sp", "hk2s"]


# strict: JSON types are not coerced (false is not top_k 0, 0 is not changes false).
_STRICT = ConfigDict(extra="forbid", strict=True)


class _Request(BaseModel):
    model_config = _STRICT


# --- requests ------------------------------------------------------------------------------
class TextRequest(_Request):
    """A report's text."""

    model_config = ConfigDict(**_STRICT,
                              json_schema_extra={"examples": [{"text": EXAMPLE_TEXT}]})

    text: str = Field(description="The report's text: simplified or traditional Chinese, as "
                      "published (scrape artefacts are repaired). At most the server's "
                      "max_text characters.")


class NormalizeRequest(TextRequest):
    model_config = ConfigDict(**_STRICT, json_schema_extra={"examples": [
        {"text": "巡察組發現問題１２個，，已移交紀委監(jiān)委。", "changes": True}]})

    script: ScriptName | None = Field(
        default="t2s", description="OpenCC conversion to simplified script; null keeps the "
        "script as written")
    changes: bool = Field(default=False, description="Also list every edit made, each with "
                          "its span in the original text")


class PhrasesRequest(TextRequest):
    model_config = ConfigDict(**_STRICT, json_schema_extra={"examples": [
        {"text": EXAMPLE_TEXT, "top_k": 10}]})

    top_k: int | None = Field(default=20, ge=0, le=1000, strict=False,
                              description="How many phrases, best first; null for all")

    @field_validator("top_k", mode="before")
    @classmethod
    def _whole_number(cls, value: object) -> object:
        # JSON Schema counts 5.0 as an integer, but true is not one.
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError("top_k must be a whole number or null")
        return value


class ProblemsRequest(TextRequest):
    model_config = ConfigDict(**_STRICT, json_schema_extra={"examples": [
        {"text": EXAMPLE_TEXT, "engine": "model"}]})

    engine: EngineName = Field(default="model", description="Classifier of each problem "
                               "statement: the shipped model or the keyword rules")


class ClassifyRequest(_Request):
    model_config = ConfigDict(**_STRICT, json_schema_extra={"examples": [
        {"statements": _EXAMPLE_LIST, "engine": "model"}]})

    statements: list[str] = Field(description="Problem statements to classify, in order. At "
                                  "most the server's max_items statements, and at most "
                                  "max_text characters in all.")
    engine: EngineName = Field(default="model", description="The shipped model or the "
                               "keyword rules")


class AnalyzeRequest(_Request):
    """Either ``text``, or ``file`` (base64) with ``filename`` (its extension picks the
    reader: .txt, .docx, .pdf, .html, .htm, .shtml)."""

    model_config = ConfigDict(**_STRICT, json_schema_extra={
        "examples": [
            {"text": EXAMPLE_TEXT},
            {"file": "MjAyM+W5tOWFseW3oeWvn+WFmue7hOe7hzI45Liq44CC", "filename": "综述.txt"},
        ],
        # text, or file with filename; never both.
        "oneOf": _ONE_OF_TEXT_OR_FILE,
    })

    # Null is accepted as "absent" but not advertised: the document says text OR file.
    text: str | SkipJsonSchema[None] = Field(default=None,
                                             description="The report's text (instead of file)")
    file: str | SkipJsonSchema[None] = Field(default=None, json_schema_extra={"format": "byte"},
                             description="The report file's bytes, base64 (standard "
                             "alphabet, padded); needs filename")
    filename: str | SkipJsonSchema[None] = Field(
        default=None, json_schema_extra={"maxLength": 255, "pattern": FILENAME_PATTERN},
        description="The file's name; its extension chooses the reader: .txt, .docx, .pdf, "
        ".html, .htm or .shtml (any case)")
    title: Annotated[str, Field(max_length=1000)] | None = Field(
        default=None, description="Overrides the title found in the document")

    @field_validator("text", "file", "filename", mode="before")
    @classmethod
    def _not_null(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            raise ValueError(f"{info.field_name} must be a string: leave the field out "
                             "rather than sending null")
        return value

    @field_validator("filename")
    @classmethod
    def _readable_name(cls, value: str | None) -> str | None:
        if value is not None and (len(value) > 255 or not _RE_FILENAME.search(value)):
            raise ValueError(f"filename must end in one of {_EXTENSION_LIST} "
                             "(at most 255 characters)")
        return value


# --- pieces of responses ----------------------------------------------------------------------
class ChangeOut(BaseModel):
    kind: str = Field(description="Kind of edit: script, pinyin, punctuation, width, "
                      "whitespace, garbage or furniture")
    span: Span
    before: str = Field(description="The original text at span")
    after: str = Field(description="What replaced it")


class StatOut(BaseModel):
    metric: str = Field(description="Metric id (see GET /v1/metrics)")
    label: str | None = Field(default=None, description="The metric's Chinese label")
    value: int | float | None = Field(description="The number (lower bound of a range); "
                                      "null when redacted")
    value_max: int | float | None = Field(description="Upper bound of a range, else null")
    unit: str = Field(description="Counter, simplified (个, 件, 人, 轮, %, 元 …)")
    approximate: bool = Field(description="余/多/近/约/超过/左右 …")
    redacted: bool = Field(description="The figure is blanked (xx, ××)")
    span: Span
    quote: str = Field(description="The original text at span")
    sentence: str = Field(description="The normalised sentence it stands in")
    scope: str | None = Field(description="The inspection named before it in the sentence")
    rule: str = Field(description="The lexicon rule that decided the metric")


class PhraseOut(BaseModel):
    text: str = Field(description="The phrase, simplified")
    kind: str = Field(description="political, numbered, inspection, discipline, "
                      "organisation or term")
    source: str = Field(description="lexicon, pattern, quoted or tfidf")
    score: float = Field(description="Ranking score")
    count: int = Field(description="Occurrences")
    spans: list[Span] = Field(description="Where it occurs in the original text")


class RunnerUpOut(BaseModel):
    category: str = Field(description="The next most likely category id")
    score: float = Field(description="Its score")


class ClassificationOut(BaseModel):
    category: str | None = Field(description="L2 category id (see GET /v1/taxonomy); null "
                                 "when the keyword engine found no cue")
    label: str | None = Field(description="The category's Chinese label")
    area: str | None = Field(description="Its L1 heading id")
    score: float = Field(description="Confidence in [0, 1]")
    runner_up: RunnerUpOut | None = Field(description="The next category, if any")
    evidence: list[str] = Field(description="Cue words or strongest n-grams")
    engine: str = Field(description="model or keyword")


class ProblemOut(BaseModel):
    text: str = Field(description="The statement as written (original text at span)")
    span: Span
    statement: str = Field(description="The statement normalised (what was classified)")
    classification: ClassificationOut = Field(description="Its taxonomy category")
    cues: list[str] = Field(description="Deficiency cues that made it a finding")
    marker: str = Field(description="List marker that introduced it (一是, (二) …) or ''")


class DateOut(BaseModel):
    iso: str = Field(description="YYYY-MM-DD or YYYY-MM")
    precision: str = Field(description="day or month")
    span: Span
    quote: str = Field(description="The original text at span")


class DocumentOut(BaseModel):
    path: str | None = Field(description="The uploaded file's name; null for text")
    format: str = Field(description="txt, docx, pdf or html")
    encoding: str | None = Field(description="Codec a txt or html file was decoded with")
    title: str | None = Field(description="Title the file declares, if any")
    size: int = Field(description="Bytes (UTF-8 bytes for text)")
    sha256: str = Field(description="Hex digest of the bytes")


# --- responses ----------------------------------------------------------------------------------
class AnalysisOut(BaseModel):
    document: DocumentOut = Field(description="The input: file name, format, encoding, "
                                  "size, hash")
    title: str | None = Field(description="Declared title, else a short first line, else null")
    script: str = Field(description="simplified, traditional or mixed")
    script_share: float = Field(description="Share of Han characters converted from "
                                "traditional")
    artefacts: dict[str, int] = Field(description="Normalisation edits by kind")
    text: str = Field(description="The normalised text")
    dates: list[DateOut] = Field(description="Dates named (with a month at least)")
    stats: list[StatOut] = Field(description="Statistics, in text order")
    phrases: list[PhraseOut] = Field(description="Key phrases, best first")
    problems: list[ProblemOut] = Field(description="Problem statements, classified")


class NormalizeResponse(BaseModel):
    text: str = Field(description="The normalised text")
    changes: list[ChangeOut] | None = Field(
        default=None, description="Every edit (only when the request asked for changes)")


class StatsResponse(BaseModel):
    stats: list[StatOut] = Field(description="Statistics, in text order")


class PhrasesResponse(BaseModel):
    phrases: list[PhraseOut] = Field(description="Key phrases, best first")


class ClassifyResponse(BaseModel):
    classifications: list[ClassificationOut] = Field(description="One per statement, in order")


class ProblemsResponse(BaseModel):
    problems: list[ProblemOut] = Field(description="Problem statements, in text order")


class MetricOut(BaseModel):
    id: str = Field(description="Metric id, as in Stat.metric")
    label: str = Field(description="Chinese display label")


class MetricsResponse(BaseModel):
    metrics: list[MetricOut] = Field(description="Every metric, in display order")


class CategoryOut(BaseModel):
    id: str = Field(description="Stable id (what classify returns for L2)")
    level: str = Field(description="L1 (heading) or L2 (what classify returns)")
    parent: str | None = Field(description="The L1 id of an L2 category")
    label: str = Field(description="Chinese display label")
    scope: str = Field(description="What belongs here")


class TaxonomyResponse(BaseModel):
    areas: list[CategoryOut] = Field(description="L1 headings")
    categories: list[CategoryOut] = Field(description="L2 categories")


class HealthResponse(BaseModel):
    status: Literal["ok"] = Field(description="Always ok when the server answers")


class VersionResponse(BaseModel):
    name: str = Field(description="xuncha_nlp")
    version: str = Field(description="The library's version")


class FieldError(BaseModel):
    loc: list[str | int] = Field(description="Where: ['body', 'text'], ['body', "
                                 "'statements', 3] …")
    msg: str = Field(description="What is wrong")
    type: str = Field(description="Machine-readable kind (missing, string_type, "
                      "string_too_long …)")


class ErrorResponse(BaseModel):
    """Every error: a stable code, a message for people, the request id to quote in a
    report, and for 422 the fields at fault."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "error": "invalid_request", "message": "body.text: Field required",
        "request_id": "4f1c…", "fields": [
            {"loc": ["body", "text"], "msg": "Field required", "type": "missing"}]}]})

    error: str = Field(description="unauthorized, not_found, method_not_allowed, "
                       "payload_too_large, unsupported_media_type, invalid_request, "
                       "bad_request, internal_error")
    message: str = Field(description="What went wrong and what to do")
    request_id: str = Field(description="Quote it when reporting a problem (also the "
                            "X-Request-ID header)")
    fields: list[FieldError] = Field(default_factory=list,
                                     description="For 422: every field at fault")


def error_body(error: str, message: str, request_id: str,
               fields: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An :class:`ErrorResponse` as a plain dict (middlewares answer without pydantic)."""
    return {"error": error, "message": message, "request_id": request_id,
            "fields": fields or []}
