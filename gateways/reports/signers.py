"""A report's signature block: its maker on the right and the superior who acknowledges it on the left, each named
from the staff accounts' read model (full name and NIP, never a username) or left blank to write by hand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from domain.report_signers import signers_of
from domain.roles import Role
from projections.user_queries import Signatory
from services.documents import Signature

# The titles a signature is printed under.
TITLES = {
    Role.ANGGOTA_KPU: "Anggota KPU",
    Role.KETUA_HELPDESK: "Ketua Helpdesk",
    Role.SEKRETARIS_HELPDESK: "Sekretaris Helpdesk",
    Role.KOORDINATOR: "Koordinator Helpdesk",
    Role.KOORDINATOR_HARIAN: "Koordinator Harian Helpdesk",
    Role.ANGGOTA_HELPDESK: "Anggota Helpdesk",
}
_NOBODY = Signatory("", "", None)


class Staff(Protocol):
    def signatory(self, username: str) -> Signatory | None: ...

    def holders(self, office_id: str, role: Role) -> tuple[Signatory, ...]: ...

    def full_names(self, office_id: str) -> dict[str, str]: ...


@dataclass(frozen=True)
class SignatureBlock:
    staff: Staff
    office_id: str

    def signatures(self, kind: str, place_date: str, maker: str | None = None) -> tuple[Signature, ...]:
        """The maker (the named account, else the office's one holder of the maker's role) and the superior (the one
        holder of that role); where there is none, or several, the name is left to write by hand."""
        roles = signers_of(kind)
        made = (self.staff.signatory(maker) or _NOBODY) if maker else self._only(roles.maker)
        superior = self._only(roles.superior)
        return (Signature(TITLES[roles.maker], made.full_name, place_date, made.nip),
                Signature(TITLES[roles.superior], superior.full_name, place_date, superior.nip, acknowledges=True))

    def knows(self, username: str) -> bool:
        return bool(username) and self.staff.signatory(username) is not None

    def namer(self) -> Callable[[str], str]:
        """`full_name` for the many rows of one document: the staff read once, not once a row (each reading waits for
        the read model to reach the log's head, which under a busy desk moves between two rows)."""
        names = self.staff.full_names(self.office_id)
        return lambda username: names.get(username, username) if username else username

    def full_name(self, username: str) -> str:
        """The name a report prints for a staff member; the username only for an account this node does not know."""
        found = self.staff.signatory(username) if username else None
        return found.full_name if found else username

    def _only(self, role: Role) -> Signatory:
        holders = self.staff.holders(self.office_id, role)
        return holders[0] if len(holders) == 1 else _NOBODY
