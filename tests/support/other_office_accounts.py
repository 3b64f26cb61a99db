"""Accounts of another office on a node, as they could be made before issue 12 (`helpdesk user add --office`): saved
straight into the log, past the rule that now refuses them, to show that such an account is refused everywhere."""

from __future__ import annotations

from uuid import UUID

from domain.roles import Role
from gateways.bootstrap import Node
from gateways.edge.tokens import issue_token

PASSWORD = "kata-sandi-uji-123"


def legacy_account(node: Node, role: Role, office: str, username: str | None = None) -> UUID:
    from domain.users import User

    name = username or f"lama-{role.value.replace('_', '-')}-{office.replace('.', '-')}"
    user = User.register(username=name, full_name=f"Petugas lama {office}", role=role, office_id=office,
                         password_hash=node.accounts.hasher.hash(PASSWORD), actor="test", at=node.clock())
    node.accounts.save(user)
    return user.id


def bearer_of(node: Node, user_id: UUID, generation: int = 0) -> dict[str, str]:
    """A genuine token for the account, as one issued before the rule would be."""
    token, _ = issue_token(node.secret_key, user_id, generation, node.clock(), node.settings.session_hours)
    return {"Authorization": f"Bearer {token}"}
