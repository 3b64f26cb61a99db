"""What the FAQ Sipol pages show and read, shared by the staff pages (gateways/web/faq.py) and the public page
(gateways/web/faq_public.py): the topics', statuses' and owners' words from the catalogue, and an entry's form read
into the service's FaqInput with each refusal put beside its field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.errors import DomainError
from domain.faq_values import FaqStatus, Topic
from domain.offices import OfficeId, Tier
from domain.values import BasisKind
from gateways.messages import label, message, translate
from gateways.reference import office_name
from projections.faq_queries import FaqHit
from services.faq import FaqInput

TOPICS = [topic.value for topic in Topic]
# What an entry rests on: the rules and guides; an entry is itself the FAQ Sipol, so that kind is not offered.
BASIS_KINDS = [kind.value for kind in BasisKind if kind is not BasisKind.FAQ_SIPOL]
BASIS_ROWS = 3  # basis rows a new entry's form offers (an edited entry: one more than it cites)
MAX_BASIS_ROWS = 20
STATUS_OF_TAB = {"terbit": FaqStatus.PUBLISHED.value, "draf": FaqStatus.DRAFT.value,
                 "ditarik": FaqStatus.RETIRED.value, "atas": FaqStatus.PUBLISHED.value}


def words(lang: str) -> dict[str, Callable[[str], str]]:
    """The labels a template names: `topic_label("account")` → "Akun", `status_label("draft")` → "Draf"."""
    return {
        "topic_label": lambda code: label("faq_topic", code, lang),
        "status_label": lambda code: label("faq_status", code, lang),
        "basis_label": lambda code: label("basis_full", code, lang),
    }


def owner_for_staff(owner: str, here: OfficeId, lang: str) -> str:
    """Whose entry it is, as the staff read it: this office's own, the centre's, or the province's by name."""
    if owner == here.value:
        return translate("Kantor ini", lang)
    office = OfficeId(owner)
    if office.tier is Tier.PUSAT:
        return translate("Pusat (KPU RI)", lang)
    return office_name(office)


def owner_for_public(hit: FaqHit) -> str:
    """Whose entry it is, as a liaison reads it: the office's name ("KPU", "KPU Provinsi …"), never a person."""
    return office_name(OfficeId(hit.owner))


def form_values(hit: FaqHit | None) -> dict[str, Any]:
    """An entry as its form shows it: phrasings one per line, one basis row per basis."""
    if hit is None:
        return {"question": "", "phrasings": "", "answer": "", "topics": [], "bases": []}
    return {"question": hit.question, "phrasings": "\n".join(hit.phrasings), "answer": hit.answer,
            "topics": list(hit.topics), "bases": [list(basis) for basis in hit.bases]}


def read_form(data: dict[str, Any]) -> tuple[FaqInput, dict[str, Any]]:
    """The form as the service takes it, and as typed (to show again after a refusal). Empty lines and empty basis
    rows are what a person leaves blank, not values; everything else goes to the domain, which refuses what is
    wrong."""
    phrasings_text = _text(data, "phrasings")
    bases = []
    for n in range(1, MAX_BASIS_ROWS + 1):
        kind, reference = _text(data, f"basis_kind_{n}"), _text(data, f"basis_reference_{n}")
        if kind or reference.strip():
            bases.append((kind, reference))
    topics = [value for value in _all(data, "topics") if value]
    given = FaqInput(question=_text(data, "question"), answer=_text(data, "answer"), topics=topics,
                     phrasings=[line for line in phrasings_text.splitlines() if line.strip()], bases=bases)
    typed = {"question": given.question, "phrasings": phrasings_text, "answer": given.answer, "topics": topics,
             "bases": [list(basis) for basis in bases]}
    return given, typed


def basis_rows(values: dict[str, Any]) -> list[list[str]]:
    """The basis rows a form shows: those typed or cited, then empty ones, at least BASIS_ROWS and one spare."""
    rows = [list(row) for row in values.get("bases", [])][:MAX_BASIS_ROWS]
    wanted = min(max(BASIS_ROWS, len(rows) + 1), MAX_BASIS_ROWS)
    return rows + [["", ""] for _ in range(wanted - len(rows))]


def form_errors(error: DomainError, lang: str) -> dict[str, str]:
    """{form field: message} for every field the domain refused; one without a field is shown at the top ("")."""
    found: dict[str, str] = {}
    for each in error.field_errors() or [error]:
        found.setdefault(form_field(each.field or ""), message(each.code, lang))
    return found


def form_field(field: str) -> str:
    """The form field a domain field is typed in: `bases[1].reference` is the second basis row's reference,
    `phrasings[3]` the phrasings box, `topics[0]` the topic boxes."""
    if field.startswith("bases["):
        index = int(field[6:field.index("]")]) + 1
        return f"basis_{'reference' if field.endswith('reference') else 'kind'}_{index}"
    if field == "bases":
        return "basis_kind_1"
    return field.split("[")[0].split(".")[-1]


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return value if isinstance(value, str) else ""


def _all(data: dict[str, Any], key: str) -> list[str]:
    value = data.get(key, [])
    values = value if isinstance(value, list) else [value]
    return [each for each in values if isinstance(each, str)]
