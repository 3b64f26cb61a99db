"""The one place where errors become HTTP responses: a status, a stable code, a message a person reads."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import msgspec
import psycopg
import structlog
from eventsourcing import persistence
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from psycopg_pool import PoolTimeout

from domain.errors import DomainError, ErrorKind
from gateways.messages import message

log = structlog.get_logger("helpdesk.http")

STATUS_OF_KIND: dict[ErrorKind, int] = {
    "conflict": 409,
    "invalid": 422,
    "not_found": 404,
    "forbidden": 403,
    "unauthenticated": 401,
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


class FieldError(msgspec.Struct):
    field: str
    message: str
    detail: str | None = None


class ErrorBody(msgspec.Struct):
    """Every error the API returns has this shape."""

    code: str
    message: str
    message_en: str
    field: str | None = None
    errors: list[FieldError] = []


def error_response(status: int, code: str, field: str | None = None, errors: list[FieldError] | None = None,
                   headers: dict[str, str] | None = None) -> Response[ErrorBody]:
    body = ErrorBody(code, message(code), message(code, "en"), field, errors or [])
    return Response(body, status_code=status, headers=headers)


def on_domain_error(_: Request[Any, Any, Any], error: DomainError) -> Response[ErrorBody]:
    field_errors = [FieldError(error.field, message(error.code))] if error.field else []
    return error_response(STATUS_OF_KIND[error.kind], error.code, error.field, field_errors)


def on_validation_error(_: Request[Any, Any, Any], error: ValidationException) -> Response[ErrorBody]:
    extra = error.extra if isinstance(error.extra, list) else []
    field_errors = [_field_error(item) for item in extra if isinstance(item, dict)]
    if not field_errors and _is_decode_error(error):
        return error_response(400, "malformed_body")
    return error_response(400, "validation_failed", field_errors[0].field if field_errors else None, field_errors)


def on_http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[ErrorBody]:
    status = error.status_code
    code = CODE_OF_STATUS.get(status, "bad_request" if status < 500 else "internal_error")
    if status == 400 and _is_decode_error(error):
        code = "malformed_body"
    return error_response(status, code, headers=error.headers)


def on_unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[ErrorBody]:
    if _store_unavailable(error):
        # The database went away (restarting, disk full, locked too long): the request's transaction never
        # committed, so nothing changed; the person may try again in a moment.
        log.warning("store_unavailable", path=request.url.path, method=request.method, error=repr(error))
        return error_response(503, "store_unavailable", headers={"Retry-After": "5"})
    # A bug, not a user error: log it in full, tell the person nothing was changed.
    log.exception("unhandled_error", path=request.url.path, method=request.method, error=repr(error))
    return error_response(500, "internal_error")


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


def _is_decode_error(error: HTTPException) -> bool:
    """msgspec could not parse the body at all (truncated, not JSON), as opposed to a wrong field."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, msgspec.DecodeError):
            return not isinstance(cause, msgspec.ValidationError)
        cause = cause.__cause__ or cause.__context__
    return False


_FIELD_IN_MESSAGE = re.compile(r"`\$\.([\w.\[\]]+)`|field `(\w+)`")


def _field_error(item: dict[str, Any]) -> FieldError:
    detail = str(item.get("message", ""))
    key = item.get("key")
    match = _FIELD_IN_MESSAGE.search(detail)
    if match:
        inner = match.group(1) or match.group(2)
        key = f"{key}.{inner}" if key and match.group(2) and key != inner else (inner if not key else key)
    return FieldError(str(key or "body"), _explain(detail), detail)


# msgspec's validation messages, said in Bahasa Indonesia for the person at the form.
_EXPLANATIONS = [
    (re.compile(r"missing required field"), "Kolom ini wajib diisi."),
    (re.compile(r"Invalid enum value"), "Pilihan tidak dikenal."),
    (re.compile(r"of length <= (\d+)"), "Isian terlalu panjang (maksimal {0} karakter)."),
    (re.compile(r"length <= (\d+)"), "Terlalu banyak isian (maksimal {0})."),
    (re.compile(r">= (\d+)"), "Nilai minimal {0}."),
    (re.compile(r"<= (\d+)"), "Nilai maksimal {0}."),
    (re.compile(r"unknown field"), "Kolom ini tidak dikenal."),
    (re.compile(r"Expected `(str|int|bool|array|object|uuid)`"), "Jenis isian salah."),
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
    Exception: on_unexpected_error,
}
