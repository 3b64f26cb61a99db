"""The one place where errors become HTTP responses: a status, a stable code, a message a person reads."""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache
from typing import Any

import msgspec
import psycopg
import structlog
from eventsourcing import persistence
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from psycopg_pool import PoolTimeout

from domain.errors import DomainError, ErrorKind
from domain.login_limits import minutes_to_wait
from gateways.messages import message
from gateways.storage import FileRefused, StorageUnavailable

log = structlog.get_logger("helpdesk.http")

STATUS_OF_KIND: dict[ErrorKind, int] = {
    "conflict": 409,
    "invalid": 422,
    "not_found": 404,
    "forbidden": 403,
    "unauthenticated": 401,
    "throttled": 429,
}

CODE_OF_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    429: "too_many_requests",
    503: "service_unavailable",
}
# A route that takes a file names the largest file it keeps here (Litestar's `opt`), so a 413 can say so.
LARGEST_FILE = "largest_file_bytes"


class FieldError(msgspec.Struct):
    field: str
    message: str
    detail: str | None = None


class ErrorBody(msgspec.Struct):
    """Every error the API returns has this shape. `field` and each of `errors` name a field by its path in the
    request body (`consultee.phone`, `bases[1].reference`) or by a query parameter's name."""

    code: str
    message: str
    message_en: str
    field: str | None = None
    errors: list[FieldError] = []


def error_response(status: int, code: str, field: str | None = None, errors: list[FieldError] | None = None,
                   headers: dict[str, str] | None = None, **params: Any) -> Response[ErrorBody]:
    body = ErrorBody(code, say(code, "id", **params), say(code, "en", **params), field, errors or [])
    return Response(body, status_code=status, headers=headers)


def say(code: str, lang: str = "id", **params: Any) -> str:
    """The catalogue's message, with its figures (a size limit...) filled in."""
    text = message(code, lang)
    return text.format(**params) if params else text


def on_domain_error(request: Request[Any, Any, Any], error: DomainError) -> Response[ErrorBody]:
    body_type = _body_type(request)
    field_errors = [FieldError(_public_path(body_type, each.field), message(each.code))
                    for each in error.field_errors() if each.field]
    field = field_errors[0].field if field_errors else error.field
    retry = error.params.get("retry_after_seconds")
    if retry is not None:
        # A login limit: how long to wait, for a program (Retry-After) and in the words a person reads.
        return error_response(STATUS_OF_KIND[error.kind], error.code, field, field_errors,
                              headers={"Retry-After": str(retry)}, minutes=minutes_to_wait(int(retry)))
    return error_response(STATUS_OF_KIND[error.kind], error.code, field, field_errors)


def on_validation_error(_: Request[Any, Any, Any], error: ValidationException) -> Response[ErrorBody]:
    extra = error.extra if isinstance(error.extra, list) else []
    items = [item for item in extra if isinstance(item, dict)]
    if not items and _is_decode_error(error):
        return error_response(400, "malformed_body")
    field_errors = [_field_error(item) for item in items]
    if any(not each.field for each in field_errors):
        # The body as a whole is of the wrong shape (an array, a string, null where an object is expected).
        return error_response(400, "body_wrong_shape")
    return error_response(400, "validation_failed", field_errors[0].field if field_errors else None, field_errors)


def on_http_error(request: Request[Any, Any, Any], error: HTTPException) -> Response[ErrorBody]:
    status = error.status_code
    code = CODE_OF_STATUS.get(status, "bad_request" if status < 500 else "internal_error")
    # A refusal of the web edge names its own message (gateways/edge/security.py: a cross-site write, a body type).
    code = getattr(error, "catalogue_code", code)
    if status == 413:
        return _too_large(request, error)
    headers = error.headers
    if status == 405 and headers:
        # OPTIONS is refused on every route (gateways/edge/methods.py): Allow names what a route does take.
        headers = {name: _without_options(value) if name.lower() == "allow" else value
                   for name, value in headers.items()}
    if status == 400 and _is_decode_error(error):
        code = "malformed_body"
    return error_response(status, code, headers=headers)


def on_file_refused(_: Request[Any, Any, Any], error: FileRefused) -> Response[ErrorBody]:
    """A file the store will not keep: empty, too large, or not what a photo, a recording or a PDF is."""
    limit = megabytes(error.limit)
    return error_response(422, error.code, "file", [FieldError("file", say(error.code, limit=limit))], limit=limit)


def on_storage_unavailable(request: Request[Any, Any, Any], error: StorageUnavailable) -> Response[ErrorBody]:
    """The file store (the bucket) could not be used: the file was not stored, so nothing names it; the person may try
    again (unreachable) or the office's administrator must fix the node's credentials (refused)."""
    log.warning("file_store_unavailable", path=request.url.path, method=request.method, error=str(error))
    headers = {"Retry-After": "30"} if error.reason == "unreachable" else None
    return error_response(503, error.code, headers=headers)


def on_unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[ErrorBody]:
    unreadable = _unreadable_body(error)
    if unreadable:
        return error_response(400, unreadable)
    if _store_unavailable(error):
        # The database went away (restarting, disk full, locked too long): the request's transaction never
        # committed, so nothing changed; the person may try again in a moment.
        log.warning("store_unavailable", path=request.url.path, method=request.method, error=repr(error))
        return error_response(503, "store_unavailable", headers={"Retry-After": "5"})
    # A bug, not a user error: log it in full, tell the person nothing was changed.
    log.exception("unhandled_error", path=request.url.path, method=request.method, error=repr(error))
    return error_response(500, "internal_error")


def _size_limit(request: Request[Any, Any, Any]) -> tuple[str, str]:
    """What a 413 says was too large, and its limit in MB: the largest file on a route that takes one (what a
    person can act on), the largest request body elsewhere."""
    handler = request.scope.get("route_handler")
    largest_file = handler.opt.get(LARGEST_FILE) if handler is not None else None
    if largest_file:
        return "file_too_large", megabytes(largest_file)
    limit = handler.resolve_request_max_body_size() if handler is not None else None
    return "body_too_large", megabytes(limit or request.app.request_max_body_size or 0)


def _too_large(request: Request[Any, Any, Any], error: HTTPException) -> Response[ErrorBody]:
    code, limit = _size_limit(request)
    field_errors = [FieldError("file", say(code, limit=limit))] if code == "file_too_large" else []
    return error_response(413, code, "file" if field_errors else None, field_errors, headers=error.headers,
                          limit=limit)


def megabytes(size: int) -> str:
    """20971520 → "20"; 1572864 → "1,5" (the Indonesian decimal comma; the figure reads the same in English)."""
    return f"{round(size / (1024 * 1024), 1):g}".replace(".", ",")


def _store_unavailable(error: BaseException) -> bool:
    """A connection to the node's store that failed, as opposed to a bug in a statement: psycopg's
    OperationalError (server gone, connection lost) or its pool's timeout, SQLite's "database is locked"."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, psycopg.OperationalError | PoolTimeout | persistence.OperationalError
                      | persistence.InterfaceError):
            return True
        if isinstance(cause, sqlite3.OperationalError) and "locked" in str(cause):
            return True
        cause = cause.__cause__ or cause.__context__
    return False


# msgspec and Litestar's multipart parser fail on some bodies with errors Litestar does not take for the client's:
# a RecursionError for JSON nested ten thousand deep, a UnicodeDecodeError for a byte 0xff in a string or a form
# field. Raised while Litestar reads the body (its modules below), they are the body's fault: a 400 saying why.
_BODY_READERS = ("litestar._multipart", "litestar._kwargs", "litestar.connection.request")
_UNREADABLE: dict[type[BaseException], str] = {RecursionError: "body_too_deep", UnicodeDecodeError: "body_not_utf8"}


def _unreadable_body(error: BaseException) -> str | None:
    code = next((code for kind, code in _UNREADABLE.items() if isinstance(error, kind)), None)
    trace = error.__traceback__
    while code is not None and trace is not None:
        if str(trace.tb_frame.f_globals.get("__name__", "")).startswith(_BODY_READERS):
            return code
        trace = trace.tb_next
    return None


def _without_options(allow: str) -> str:
    return ", ".join(sorted({part.strip() for part in allow.split(",")} - {"OPTIONS", ""}))


def _is_decode_error(error: HTTPException) -> bool:
    """msgspec could not parse the body at all (truncated, not JSON), as opposed to a wrong field."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, msgspec.DecodeError):
            return not isinstance(cause, msgspec.ValidationError)
        cause = cause.__cause__ or cause.__context__
    return False


# The public path of a field: Litestar names the body parameter `data` (its own name, not the API's) and msgspec
# names a missing or unknown field in the message, not in the path.
_FIELD_IN_MESSAGE = re.compile(r"`\$\.([\w.\[\]]+)`|field `([^`]+)`")


def _field_error(item: dict[str, Any]) -> FieldError:
    detail = str(item.get("message", ""))
    path = str(item.get("key") or "")
    if item.get("source") == "body" and path == "data":
        path = ""  # the body itself
    match = _FIELD_IN_MESSAGE.search(detail)
    if match:
        inner = match.group(1) or match.group(2)
        path = f"{path}.{inner}" if path and match.group(2) else (path or inner)
    return FieldError(path, _explain(detail), detail)


def _body_type(request: Request[Any, Any, Any]) -> Any:
    """The Struct the route reads its JSON body into, if it reads one."""
    handler = request.scope.get("route_handler")
    data = handler.parsed_fn_signature.parameters.get("data") if handler is not None else None
    return data.annotation if data is not None else None


def _public_path(body_type: Any, field: str) -> str:
    """A domain error's field as the request body spells it: the domain says `phone`, the body that opens a
    consultation holds it at `consultee.phone`, the body that corrects an identity at `phone`."""
    head = re.split(r"[.\[]", field, maxsplit=1)[0]
    prefix = _prefixes(body_type).get(head) if body_type is not None else None
    return prefix + field if prefix is not None else field


@lru_cache(maxsize=256)
def _prefixes(body_type: Any) -> dict[str, str]:
    """{field name: path before it} for a body's own fields ("") and those of the objects directly inside it."""
    info = _struct_info(body_type)
    if info is None:
        return {}
    found: dict[str, str] = {}
    for outer in info.fields:
        inner = _struct_info(outer.type)
        for field in inner.fields if inner is not None else ():
            found.setdefault(field.encode_name, f"{outer.encode_name}.")
    found.update({field.encode_name: "" for field in info.fields})
    return found


def _struct_info(kind: Any) -> msgspec.inspect.StructType | None:
    try:
        info = kind if isinstance(kind, msgspec.inspect.Type) else msgspec.inspect.type_info(kind)
    except (TypeError, ValueError):
        return None
    if isinstance(info, msgspec.inspect.UnionType):  # an optional object
        info = next((each for each in info.types if isinstance(each, msgspec.inspect.StructType)), None)
    return info if isinstance(info, msgspec.inspect.StructType) else None


# msgspec's validation messages, said in Bahasa Indonesia for the person at the form.
_EXPLANATIONS = [
    (re.compile(r"missing required field"), "Kolom ini wajib diisi."),
    (re.compile(r"Invalid enum value"), "Pilihan tidak dikenal."),
    (re.compile(r"of length <= (\d+)"), "Isian terlalu panjang (maksimal {0} karakter)."),
    (re.compile(r"length <= (\d+)"), "Terlalu banyak isian (maksimal {0})."),
    (re.compile(r">= (\d+)"), "Nilai minimal {0}."),
    (re.compile(r"<= (\d+)"), "Nilai maksimal {0}."),
    (re.compile(r"unknown field"), "Kolom ini tidak dikenal."),
    (re.compile(r"Expected `(str|int|bool|array|object|uuid|number|datetime|date)\b"), "Jenis isian salah."),
]


def _explain(detail: str) -> str:
    for pattern, text in _EXPLANATIONS:
        found = pattern.search(detail)
        if found:
            return text.format(*found.groups())
    return message("validation_failed")


EXCEPTION_HANDLERS = {
    DomainError: on_domain_error,
    ValidationException: on_validation_error,
    HTTPException: on_http_error,
    FileRefused: on_file_refused,
    StorageUnavailable: on_storage_unavailable,
    Exception: on_unexpected_error,
}
