"""What the consultations read model says of data subjects: their consultation's state, and their name for the
office's own auditor."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from domain.personal_data import ConsultationState
from projections.base import KEYS_PER_QUERY, from_iso
from projections.runner import Store


def consultation_states(store: Store) -> Callable[[Sequence[str]], dict[str, ConsultationState]]:
    """services.personal_data.ConsultationStates over the read store: the subject's id is its consultation's id."""

    def states(consultation_ids: Sequence[str]) -> dict[str, ConsultationState]:
        wanted = list(dict.fromkeys(consultation_ids))
        found: dict[str, ConsultationState] = {}
        for start in range(0, len(wanted), KEYS_PER_QUERY):
            chunk = wanted[start:start + KEYS_PER_QUERY]
            rows = store.query(
                "SELECT id, status, opened_at, updated_at, closed_at FROM rm_consultations"
                f" WHERE id IN ({', '.join('?' * len(chunk))})", chunk,
            )
            for id_, status, opened, updated, closed in rows:
                found[id_] = ConsultationState(status, from_iso(opened), from_iso(updated),
                                               from_iso(closed) if closed else None)
        return found

    return states


def consultee_names(store: Store, consultation_ids: Sequence[str]) -> dict[str, str]:
    """Each known consultation's consultee as the read model names them now ("[dihapus]" once erased): for the
    office's own audit page, next to entries that carry only pseudonyms."""
    wanted = list(dict.fromkeys(consultation_ids))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), KEYS_PER_QUERY):
        chunk = wanted[start:start + KEYS_PER_QUERY]
        rows = store.query(
            f"SELECT id, consultee FROM rm_consultations WHERE id IN ({', '.join('?' * len(chunk))})", chunk
        )
        found.update({id_: name for id_, name in rows})
    return found
