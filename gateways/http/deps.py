"""Types the handlers share: the node (injected) and the authenticated caller."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.di import NamedDependency

from gateways.bootstrap import Node
from services.views import UserView

NodeDep = NamedDependency[Node]
Caller = Request[UserView, Any, Any]
