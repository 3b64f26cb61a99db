"""Form posts as plain text fields, checked by the domain; errors shown beside the field they belong to."""

from __future__ import annotations

from typing import Annotated, Any

from litestar.enums import RequestEncodingType
from litestar.params import Body

from domain.errors import DomainError
from gateways.messages import message

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def field_errors(error: DomainError, lang: str) -> dict[str, str]:
    """{field: message} for a form, one entry for each field the error refused (all of them at once); a domain
    error without a field is shown at the top (key "")."""
    found: dict[str, str] = {}
    for each in error.field_errors() or [error]:
        found.setdefault((each.field or "").split(".")[-1].split("[")[0], message(each.code, lang))
    return found


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an address elsewhere (an open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"
