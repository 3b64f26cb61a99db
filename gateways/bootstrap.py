"""The composition root: the one place that names concrete classes and wires a node together."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from domain.offices import OfficeId
from domain.parties import PartyRegister
from gateways.clock import utc_now
from gateways.config import Settings
from gateways.follower import Follower
from gateways.passwords import Argon2Hasher
from gateways.persistence import application_env, prepare_database
from gateways.readstore import open_read_store
from gateways.reference import office_name, party_register
from gateways.reports.builders import ReportBuilder
from projections.consultation_queries import ConsultationQueries
from projections.consultations import ConsultationsProjection
from projections.runner import ProjectionRunner, Store
from services.accounts import Accounts
from services.helpdesk import Helpdesk
from services.ports import Clock, PasswordHasher


@dataclass(frozen=True)
class Node:
    """One office's running node: its settings and its applications."""

    settings: Settings
    office: OfficeId
    office_name: str
    parties: PartyRegister
    helpdesk: Helpdesk
    accounts: Accounts
    secret_key: bytes
    clock: Clock
    store: Store
    projections: ProjectionRunner
    follower: Follower
    consultations: ConsultationQueries
    reports: ReportBuilder

    def close(self) -> None:
        self.follower.stop()
        self.store.close()
        self.helpdesk.close()
        self.accounts.close()


def build_node(settings: Settings, *, clock: Clock = utc_now, hasher: PasswordHasher | None = None) -> Node:
    prepare_database(settings)
    parties = party_register()
    helpdesk = Helpdesk(application_env(settings, "helpdesk"), clock=clock, parties=parties, office=settings.office)
    store = open_read_store(settings)
    runner = ProjectionRunner(helpdesk, store, [ConsultationsProjection()])
    runner.prepare()
    follower = Follower(runner, subscribe=settings.backend == "postgresql")
    helpdesk.listeners.append(follower.wake)
    name = office_name(settings.office)
    accounts = Accounts(application_env(settings, "accounts"), clock=clock, hasher=hasher or Argon2Hasher())
    reports = ReportBuilder(
        office=settings.office, office_name=name, letterhead=_letterhead(settings, name), place=_place(settings, name),
        runner=runner, clock=clock, full_name=accounts.full_name, step_figures=lambda first, last: [],
    )
    return Node(
        settings=settings,
        office=settings.office,
        office_name=name,
        parties=parties,
        helpdesk=helpdesk,
        accounts=accounts,
        secret_key=_secret_key(settings),
        clock=clock,
        store=store,
        projections=runner,
        follower=follower,
        consultations=ConsultationQueries(runner),
        reports=reports,
    )


def _letterhead(settings: Settings, name: str) -> tuple[str, ...]:
    if settings.letterhead:
        return tuple(line.strip() for line in settings.letterhead.split("|") if line.strip())
    region = name.removeprefix("KPU").strip().upper()
    return ("KOMISI PEMILIHAN UMUM", region or "REPUBLIK INDONESIA")


def _place(settings: Settings, name: str) -> str:
    if settings.office_place:
        return settings.office_place
    region = name.removeprefix("KPU").strip()
    for word in ("Provinsi ", "Kabupaten ", "Kota "):
        region = region.removeprefix(word)
    return region or "Jakarta"


def _secret_key(settings: Settings) -> bytes:
    """The configured key, or one generated once and kept in the data folder (never for memory nodes)."""
    if settings.secret_key:
        return settings.secret_key.encode()
    if settings.backend == "memory":
        return secrets.token_bytes(32)
    path = settings.data_path / "secret.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32), encoding="ascii")
    return path.read_text(encoding="ascii").strip().encode()
