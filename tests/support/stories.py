"""Many consultations at every stage of the SOP script, for read-model and audit tests (deterministic by index)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from uuid import UUID

from domain.roles import Role
from domain.script import script_of
from domain.values import Channel
from services.consultations import IdentityInput
from services.helpdesk import Helpdesk
from tests.support.samples import png

CHANNELS = [Channel.WALK_IN, Channel.EMAIL, Channel.MESSAGING, Channel.ONLINE_MEETING]
DESKS = ["desk.ani", "desk.budi", "desk.citra"]
BASES = [("pkpu", "PKPU 4/2022 Pasal 12"), ("faq_sipol", "FAQ SIPOL no. 7")]


def consultation_story(
    helpdesk: Helpdesk, office: str, n: int, advance: Callable[..., datetime] | None = None
) -> UUID:
    """Consultation number `n`: how far it gets depends on n, so a batch holds every stage."""
    step = (lambda: advance(minutes=1 + n % 4)) if advance else (lambda: None)
    desk = DESKS[n % len(DESKS)]
    channel = CHANNELS[n % len(CHANNELS)]
    who = IdentityInput(
        name=f"Penghubung {n}", party_number=1 + n % 17, phone=f"0812{n:08d}", email=f"p{n}@partai.example"
    )
    cid = helpdesk.open_consultation(office, channel, who, desk)
    stage = n % 7
    for done, action in enumerate(
        [
            lambda: helpdesk.record_problem(office, cid, f"Akun SIPOL nomor {n} tidak bisa masuk", desk),
            lambda: helpdesk.restate_problem(office, cid, f"Jadi akun {n} terkunci?", desk),
            lambda: helpdesk.confirm_problem(office, cid, desk),
            lambda: helpdesk.answer_problem(office, cid, f"Atur ulang sandi ({n})", BASES, desk,
                                            role=Role.ANGGOTA_HELPDESK),
            lambda: helpdesk.check_understanding(office, cid, n % 2 == 0, desk),
        ]
    ):
        if done >= stage:
            return cid
        step()
        action()
    if n % 2:
        helpdesk.repeat_answer(office, cid, None, desk)
        helpdesk.check_understanding(office, cid, True, desk)
    step()
    helpdesk.log_in_report(office, cid, desk)
    if script_of(channel).documentation_required:
        # The photo is stored first, as the desk's upload does: documentation names a file the office keeps. (The
        # node's store is the FileStore behind the Helpdesk's StoredFiles port.)
        key, digest = helpdesk.stored_files.put(png(n), "image/png")  # type: ignore[attr-defined]
        helpdesk.attach_documentation(office, cid, "photo", key, digest, desk)
    helpdesk.close_consultation(office, cid, desk)
    return cid
