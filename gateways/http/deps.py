"""Types the handlers share: the node (injected) and the authenticated caller."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency

from gateways.bootstrap import Node
from services.views import UserView

NodeDep = NamedDependency[Node]
Caller = Request[UserView, Any, Any]

# A filter a person types (a name, a party): no control characters, which PostgreSQL cannot compare (NUL) and a
# report cannot print.
NO_CONTROL_CHARACTERS = r"^[^\x00-\x1f]*$"
