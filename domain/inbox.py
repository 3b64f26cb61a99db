"""The escalation inbox's rules: what waits at an office, and whose action each waiting item waits for."""

from __future__ import annotations

from typing import Literal

from domain.escalation import CaseStatus
from domain.roles import Permission, Role, may
from domain.script import Status, step_permissions

ItemKind = Literal["consultation", "case"]

# An office's own consultations wait for it while they are with its commissioner or asked about from above.
WAITING_AT_ORIGIN = frozenset({Status.WITH_COMMISSIONER, Status.CLARIFICATION_REQUESTED})
# A case received from below waits until the office below confirmed the answer; after that it is history.
DONE_HERE = CaseStatus.RETURNED

# The permissions that act on something in an inbox. A role holding none of them (Ketua, Sekretaris, Koordinator)
# follows the desk: it sees every waiting item, read-only.
_ACTING = (Permission.DECIDE_ESCALATIONS, Permission.SERVE_CONSULTATIONS, Permission.HANDLE_CASES)


def acting_permissions(kind: ItemKind, status: str) -> tuple[Permission, ...]:
    """Who acts on an inbox item: the commissioner decides what the desk handed over (answer it or forward it); a
    question from above is answered by the desk or the commissioner; cases from below are handled by the case
    team."""
    if kind == "case":
        return (Permission.HANDLE_CASES,)
    if status == Status.WITH_COMMISSIONER:
        return step_permissions("forward_up")
    return step_permissions("clarify")


def may_act(role: Role, kind: ItemKind, status: str) -> bool:
    return any(may(role, permission) for permission in acting_permissions(kind, status))


def follows_all(role: Role) -> bool:
    """A role that acts on nothing waiting in an inbox: it sees all of it, to follow the desk."""
    return not any(may(role, permission) for permission in _ACTING)


def shown_to(role: Role, kind: ItemKind, status: str) -> bool:
    """Whether an inbox item is listed for `role`: what it acts on, or everything when it follows the desk."""
    return follows_all(role) or may_act(role, kind, status)
