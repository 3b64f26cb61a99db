"""Rendering a page: the template, the caller's language, and what every page shows (office, tier, menu)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from domain.offices import Tier
from domain.roles import Permission, Role, may
from gateways.edge.deps import Here
from gateways.messages import label
from gateways.web.i18n import LANG_COOKIE, install, language_of

TEMPLATES = Path(__file__).parent / "templates"

ROLE_NAMES = {role: label("role", role.value) for role in Role}  # in Bahasa Indonesia, translated by `_`
TIER_NAMES = {Tier.KABKOTA: "Kabupaten/Kota", Tier.PROVINSI: "Provinsi", Tier.PUSAT: "Pusat"}


class MenuGroup(NamedTuple):
    """A labelled part of the menu; the menu shows the groups by rank (Jinja's `groupby`), each item in MENU's order."""

    rank: int
    label: str  # Indonesian source text, translated in the template; "" for the items above every group


TOP = MenuGroup(0, "")
SERVICE = MenuGroup(1, "Layanan")
TEAM = MenuGroup(2, "Tim")
REPORTING = MenuGroup(3, "Laporan & pemantauan")
SETTINGS = MenuGroup(4, "Pengaturan")


@dataclass(frozen=True)
class MenuItem:
    href: str
    label: str  # Indonesian source text; translated in the template
    permission: Permission | None  # None: everyone signed in
    group: MenuGroup = TOP


MENU = (
    MenuItem("/", "Beranda", None),
    MenuItem("/notifikasi", "Notifikasi", None),  # with the unread badge (gateways/web/notifications.py)
    MenuItem("/meja-depan", "Meja depan", Permission.SERVE_CONSULTATIONS, SERVICE),
    MenuItem("/antrian", "Layar antrian", Permission.READ_CONSULTATIONS, SERVICE),  # the queue board
    MenuItem("/konsultasi", "Konsultasi", Permission.READ_CONSULTATIONS, SERVICE),
    MenuItem("/surel", "E-mail", Permission.READ_CONSULTATIONS, SERVICE),
    MenuItem("/grup", "Grup pesan", Permission.READ_CONSULTATIONS, SERVICE),
    MenuItem("/faq-sipol", "FAQ Sipol", Permission.READ_CONSULTATIONS, SERVICE),
    # Ketua, Sekretaris, Koordinator: read-only.
    MenuItem("/eskalasi", "Eskalasi", Permission.READ_CONSULTATIONS, SERVICE),
    MenuItem("/jadwal-piket", "Jadwal Piket", Permission.READ_CONSULTATIONS, TEAM),  # the duty roster (SOP B.2)
    MenuItem("/laporan-harian", "Laporan Harian Petugas", Permission.READ_CONSULTATIONS, TEAM),
    MenuItem("/kejadian-khusus", "Kejadian Khusus", Permission.READ_CONSULTATIONS, TEAM),
    # Read by every staff member; written by the Ketua and Sekretaris.
    MenuItem("/program-kerja", "Program Kerja", Permission.READ_CONSULTATIONS, TEAM),
    MenuItem("/dasbor", "Dasbor", Permission.READ_CONSULTATIONS, REPORTING),
    MenuItem("/laporan", "Laporan", Permission.READ_CONSULTATIONS, REPORTING),
    MenuItem("/pemantauan", "Pemantauan SIPOL", Permission.READ_CONSULTATIONS, REPORTING),  # SOP part D, 08.00, 17.00
    # Read by every staff member; written by the Koordinator.
    MenuItem("/evaluasi", "Evaluasi Layanan", Permission.READ_CONSULTATIONS, REPORTING),
    MenuItem("/audit", "Audit", Permission.READ_AUDIT, REPORTING),
    MenuItem("/partai", "Partai", Permission.MANAGE_PARTIES, SETTINGS),
    # The Ketua: the team's accounts (gateways/web/users.py).
    MenuItem("/tim", "Akun tim", Permission.MANAGE_USERS, SETTINGS),
    MenuItem("/akun", "Akun saya", None, SETTINGS),
)


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """The templates, their `_()` and `ngettext()` from the one compiled catalogue (jinja2.ext.i18n), in the `lang` of
    each page's context."""
    return TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine,
                          engine_callback=lambda engine: install(engine.engine))


def language(request: Request[Any, Any, Any]) -> str:
    return language_of(request.cookies.get(LANG_COOKIE))


def page(request: Request[Any, Any, Any], here: Here, template: str, /, status_code: int = 200, **context: Any
         ) -> Template:
    """A full page or, for an htmx request, the same template (which may render only its fragment). The context
    may name anything, `here` included (the audit page's "this office's own entries")."""
    lang = language(request)
    user = request.scope.get("user")
    menu = [item for item in MENU if user is not None and (item.permission is None or may(user.role, item.permission))]
    return Template(
        template_name=template,
        status_code=status_code,
        context={
            "lang": lang,  # the language of the templates' `_()` and `ngettext()` (gateways/web/i18n.py)
            "user": user,
            "role_name": ROLE_NAMES.get(user.role, "") if user is not None else "",
            "office_name": here.name,
            "office_id": here.office.value,
            "tier_name": TIER_NAMES[here.office.tier],
            "menu": menu,
            "path": request.url.path,
            "htmx": request.headers.get("hx-request") == "true",
            # The caller's unread notifications and what waits per home tile (the app's state: gateways/app.py).
            "notices": _notices(request, user),
            **context,
        },
    )


def _notices(request: Request[Any, Any, Any], user: Any) -> Any:
    summary = request.app.state.get("notices") if user is not None else None
    return summary(user) if summary is not None else None
