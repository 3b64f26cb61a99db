"""Rendering a page: the template, the caller's language, and what every page shows (office, tier, menu)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template.config import TemplateConfig

from domain.offices import Tier
from domain.roles import Permission, Role, may
from gateways.edge.deps import Here
from gateways.messages import label
from gateways.web.i18n import LANG_COOKIE, language_of, translator

TEMPLATES = Path(__file__).parent / "templates"

ROLE_NAMES = {role: label("role", role.value) for role in Role}  # in Bahasa Indonesia, translated by `_`
TIER_NAMES = {Tier.KABKOTA: "Kabupaten/Kota", Tier.PROVINSI: "Provinsi", Tier.PUSAT: "Pusat"}


@dataclass(frozen=True)
class MenuItem:
    href: str
    label: str  # Indonesian source text; translated in the template
    permission: Permission | None  # None: everyone signed in


MENU = (
    MenuItem("/", "Beranda", None),
    MenuItem("/meja-depan", "Meja depan", Permission.SERVE_CONSULTATIONS),
    MenuItem("/jadwal-piket", "Jadwal Piket", Permission.READ_CONSULTATIONS),  # the duty roster (SOP B.2)
    MenuItem("/konsultasi", "Konsultasi", Permission.READ_CONSULTATIONS),
    MenuItem("/surel", "Surel", Permission.READ_CONSULTATIONS),
    MenuItem("/grup", "Grup pesan", Permission.READ_CONSULTATIONS),
    MenuItem("/faq-sipol", "FAQ Sipol", Permission.READ_CONSULTATIONS),
    MenuItem("/eskalasi", "Eskalasi", Permission.READ_CONSULTATIONS),  # Ketua, Sekretaris, Koordinator: read-only
    MenuItem("/dasbor", "Dasbor", Permission.READ_CONSULTATIONS),
    MenuItem("/laporan", "Laporan", Permission.READ_CONSULTATIONS),
    MenuItem("/pemantauan", "Pemantauan SIPOL", Permission.READ_CONSULTATIONS),  # SOP part D, 08.00 and 17.00
    # Read by every staff member; written by the Koordinator (evaluations) and the Ketua and Sekretaris (programme).
    MenuItem("/evaluasi", "Evaluasi Layanan", Permission.READ_CONSULTATIONS),
    MenuItem("/program-kerja", "Program Kerja", Permission.READ_CONSULTATIONS),
    MenuItem("/laporan-harian", "Laporan Harian Petugas", Permission.READ_CONSULTATIONS),
    MenuItem("/kejadian-khusus", "Kejadian Khusus", Permission.READ_CONSULTATIONS),
    MenuItem("/audit", "Audit", Permission.READ_AUDIT),
    MenuItem("/partai", "Partai", Permission.MANAGE_PARTIES),
    MenuItem("/tim", "Akun tim", Permission.MANAGE_USERS),  # the Ketua: the team's accounts (gateways/web/users.py)
    MenuItem("/notifikasi", "Notifikasi", None),  # with the unread badge (gateways/web/notifications.py)
    MenuItem("/akun", "Akun saya", None),
)


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(directory=TEMPLATES, engine=JinjaTemplateEngine)


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
            "_": translator(lang),
            "lang": lang,
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
