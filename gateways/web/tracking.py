"""The tracking link of a consultation: the public page a party's liaison opens without logging in (`/lacak/<token>`),
and the box on the consultation's page where the desk finds the link to give.

The public page shows the number, channel, opening and party, where the consultation stands in plain words and, once
answered, the answer with its basis (projections/tracking_queries.py: nothing of the consultee, no staff name, no
note). A forged, altered or expired token, or one naming a consultation this office does not hold, gets the same
404 page: nobody learns which. Every request counts against the address's limit (429 past it). No script at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import segno
from litestar import Controller, Request, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template
from markupsafe import Markup

from domain.login_limits import minutes_to_wait
from domain.mail import number_of
from domain.offices import OfficeId
from domain.roles import Permission
from domain.tracking import Stage
from gateways.edge.auth import requires
from gateways.edge.client_address import client_address
from gateways.edge.deps import Caller, Here, HereDep
from gateways.reports import labels
from gateways.reports.dates import stamp
from gateways.web.i18n import translator
from gateways.web.render import language, page
from gateways.web.tracking_desk import TRACKING_PATH, TrackingDeskDep
from gateways.web.workspace_view import BASIS_LABELS, receiver_name
from projections.tracking_queries import TrackedConsultation

PUBLIC_TRACKING = [f"^{TRACKING_PATH}"]  # no login (gateways/app.py)
# The stages in the order a consultation passes them; the one in the middle is shown only when it was taken.
ORDER = (Stage.RECEIVED, Stage.ANSWERING, Stage.WITH_COMMISSIONER, Stage.FORWARDED, Stage.ANSWERED)


class TrackingPages(Controller):
    path = "/"
    include_in_schema = False

    @get(f"{TRACKING_PATH}{{token:str}}", sync_to_thread=True)
    def tracking_page(self, request: Request[Any, Any, Any], here: HereDep, tracking_desk: TrackingDeskDep,
                      token: FromPath[str]) -> Template:
        _ = translator(language(request))
        seconds = tracking_desk.limit.seconds_to_wait(client_address(request))
        if seconds is not None:
            refused = page(request, here, "tracking/refused.html", status_code=429,
                           title=_("Terlalu banyak permintaan"),
                           text=_("Terlalu banyak permintaan dari alamat Anda. Coba lagi dalam {minutes} menit.",
                                  minutes=minutes_to_wait(seconds)))
            refused.headers["Retry-After"] = str(seconds)
            return refused
        found = tracking_desk.tracked(token)
        if found is None:
            text = _("Tautan ini tidak dikenal atau sudah kedaluwarsa. Minta tautan baru ke helpdesk {office}.",
                     office=here.name)
            return page(request, here, "tracking/refused.html", status_code=404,
                        title=_("Tautan pelacakan tidak berlaku"), text=text)
        tracked, claim = found
        lang = language(request)

        def when(moment: datetime) -> str:
            return stamp(moment, here.office, lang)

        return page(request, here, "tracking/page.html", tracked=tracked, number=f"HD-{number_of(tracked.id)}",
                    **_words(tracked, here, _), expires=when(claim.expires_at),
                    opened=when(tracked.opened_at), channel=_(labels.channel(tracked.channel.value)),
                    bases=[(_(BASIS_LABELS.get(b.kind.value, b.kind.value)), b.reference) for b in tracked.bases],
                    answered=when(tracked.answered_at) if tracked.answered_at else "",
                    mail_address=here.mail_address)

    @get("/konsultasi/{consultation_id:uuid}/pelacakan", guards=[requires(Permission.READ_CONSULTATIONS)],
         sync_to_thread=True)
    def link(self, request: Caller, here: HereDep, tracking_desk: TrackingDeskDep, consultation_id: FromPath[UUID]
             ) -> Template:
        """A new link each time (good for the configured days from now), for the desk to give or paste in a chat;
        the consultation's page loads it into its box (consultations/workspace.html)."""
        if tracking_desk.queries.tracked(here.office.value, consultation_id) is None:
            raise NotFoundException()
        url, expires = tracking_desk.link(consultation_id, str(request.base_url))
        return page(request, here, "tracking/link.html", consultation_id=consultation_id, url=url, qr=qr_svg(url),
                    number=f"HD-{number_of(consultation_id)}", expires=stamp(expires, here.office, language(request)))


def qr_svg(url: str) -> Markup:
    """The link as a QR code a phone's camera opens (segno, drawn here as SVG: no script, no image from elsewhere)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=True))


def _words(tracked: TrackedConsultation, here: Here, _: Any) -> dict[str, Any]:
    """The stage in plain words, what it means, and the way there as steps (done, now, to come)."""
    forwarded = receiver_name(OfficeId(tracked.forwarded_to)) if tracked.forwarded_to else ""
    said = {
        Stage.RECEIVED: (_("Diterima"), _("Pertanyaan Anda sudah diterima oleh helpdesk {office}.", office=here.name)),
        Stage.ANSWERING: (_("Sedang dijawab"), _("Petugas helpdesk sedang menyiapkan jawabannya.")),
        Stage.WITH_COMMISSIONER: (_("Diteruskan ke Anggota {office}", office=here.name),
                                  _("Pertanyaan Anda sedang dibahas oleh pimpinan kantor.")),
        Stage.FORWARDED: (_("Diteruskan ke {office}", office=forwarded),
                          _("Jawabannya ditunggu dari {office} dan akan tampil di sini setelah tiba.",
                            office=forwarded)),
        Stage.ANSWERED: (_("Sudah dijawab"), _("Jawaban dan dasarnya ada di bawah ini.")),
    }
    # The forwarding step is a step of this consultation only when it was taken (or is being taken now).
    middle = Stage.FORWARDED if tracked.forwarded_to else (
        Stage.WITH_COMMISSIONER if tracked.stage is Stage.WITH_COMMISSIONER else None)
    shown = [stage for stage in ORDER if stage in (Stage.RECEIVED, Stage.ANSWERING, Stage.ANSWERED, middle)]
    now = ORDER.index(tracked.stage)
    steps = [(said[stage][0], "done" if ORDER.index(stage) < now else "current" if stage is tracked.stage else "next")
             for stage in shown]
    if tracked.stage is Stage.ANSWERED:
        steps[-1] = (steps[-1][0], "done")
    above = receiver_name(OfficeId(tracked.answered_above)) if tracked.answered_above else here.name
    return {"stage": tracked.stage.value, "stage_words": said[tracked.stage][0], "stage_means": said[tracked.stage][1],
            "steps": steps, "answered_by": above}
