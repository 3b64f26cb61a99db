"""The composition root: the one place that names concrete classes and wires a node together."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from eventsourcing.postgres import PostgresFactory
from eventsourcing.sqlite import SQLiteFactory

from domain.login_limits import LoginLimits
from domain.mail import is_office_address
from domain.offices import OfficeId
from domain.parties import PartyRegister
from domain.roster_values import Duty
from domain.sop import FirstSteps, Standards
from gateways.clock import utc_now
from gateways.config import MIN_SECRET_BYTES, WORKER, ConfigError, Settings
from gateways.follower import Follower
from gateways.heartbeat import Heartbeats
from gateways.login_attempts import MemoryLoginAttempts, StoredLoginAttempts
from gateways.mail.account import mail_account
from gateways.mail.checkpoints import Checkpoints
from gateways.messaging.wiring import ChatParts, chat_parts
from gateways.monitoring_watcher import MonitoringWatcher
from gateways.nats.audit import AuditParts
from gateways.nats.link import NatsLink
from gateways.nats.topology import topology_of
from gateways.notify.wiring import NotifyParts, notify_parts
from gateways.passwords import Argon2Hasher, common_passwords
from gateways.persistence import EventStore, application_env, prepare_database
from gateways.readstore import open_read_store
from gateways.recorders import POPOBatchFactory, PostgresBatchRecorder, SQLiteBatchRecorder
from gateways.reference import office_name, party_register
from gateways.reminder_watcher import ReminderWatcher
from gateways.reports.builders import ReportBuilder
from gateways.reports.letterhead import DEFAULT_LOGO, letterhead_lines
from gateways.reports.numbering import DocumentNumbers
from gateways.reports.sealing import CellSealer
from gateways.reports.signers import SignatureBlock
from gateways.signing import Keyring, OfficeKey
from gateways.sop_watcher import SopWatcher
from gateways.storage import DocumentStore, FileStore
from gateways.subject_keys import (
    PSEUDONYM_KEY_FILE,
    SQLITE_FILE,
    MemorySubjectKeys,
    PostgresSubjectKeys,
    SqliteSubjectKeys,
    load_or_create_secret,
)
from gateways.totp import PyOtpCodes
from gateways.tracking_tokens import TrackingTokens
from projections.audit import AuditProjection
from projections.audit_queries import prepare_received
from projections.cases import CasesProjection
from projections.clock_queries import ClockQueries
from projections.clocks import ClocksProjection
from projections.consultation_queries import ConsultationQueries
from projections.consultations import ConsultationsProjection
from projections.documentation import DocumentationProjection
from projections.escalation_queries import EscalationQueries
from projections.evaluation_queries import EvaluationQueries
from projections.evaluations import EvaluationsProjection
from projections.faq import FaqProjection
from projections.faq_loop import FaqLoopProjection
from projections.faq_loop_queries import FaqLoopQueries
from projections.faq_queries import FaqQueries
from projections.frontdesk import FrontDeskProjection
from projections.frontdesk_queries import FrontDeskQueries
from projections.groups import GroupsProjection
from projections.groups_queries import GroupQueries
from projections.incidents import IncidentsProjection
from projections.incidents_queries import IncidentQueries
from projections.mail import MailProjection
from projections.mail_queries import MailQueries
from projections.meeting_queries import MeetingQueries
from projections.meetings import MeetingsProjection
from projections.messaging import MessagingProjection
from projections.monitoring import MonitoringProjection
from projections.monitoring_queries import MonitoringQueries
from projections.monitoring_received import MonitoringReceivedProjection
from projections.notifications import NotificationsProjection
from projections.parties import OfficePartiesProjection, PartyQueries
from projections.programme import ProgrammeProjection
from projections.programme_queries import ProgrammeQueries
from projections.roster import RosterProjection
from projections.roster_queries import RosterQueries
from projections.runner import ReadModelRunner, Store
from projections.staff_reports import StaffReportsProjection
from projections.staff_reports_queries import StaffReportQueries
from projections.subject_states import consultation_states
from projections.user_queries import UserQueries
from projections.users import UsersProjection
from services.accounts import AccountCommands
from services.codec import MsgspecMapper, PersonalDataCipher
from services.helpdesk import Helpdesk
from services.personal_data import PersonalData
from services.ports import BatchRecorder, Clock, LoginAttempts, PasswordHasher, SubjectKeys
from services.sign_in import SignIn

if TYPE_CHECKING:  # imported when the office has a mailbox (_mail_job): imapclient and the MIME reader
    from gateways.mail.job import MailJob

# The read models that hold decrypted personal data: rebuilt after an erasure (the audit chain holds pseudonyms only).
PERSONAL_READ_MODELS = ("consultations", "frontdesk")
# What keeps a node's events, by backend: named here once (gateways/persistence.py turns them into eventsourcing's
# settings). Each process recorder is the inbox's BatchRecorder (services/ports.py), checked once the node is built.
EVENT_STORES = {
    "memory": EventStore(POPOBatchFactory),  # the factory builds its POPOBatchRecorder
    "sqlite": EventStore(SQLiteFactory, SQLiteBatchRecorder),
    "postgresql": EventStore(PostgresFactory, PostgresBatchRecorder),
}

# Where the documentation files are kept, by HELPDESK_STORAGE_BACKEND (gateways/storage.py's DocumentStore).
FILE_STORES: dict[str, Callable[[Settings], DocumentStore]] = {
    "local": lambda settings: FileStore(settings.data_path / "files"),
    "s3": lambda settings: _s3_file_store(settings),  # an S3-compatible bucket, under the office's prefix
}


@dataclass(frozen=True)
class Node:
    """One office's running node: its settings and its applications."""

    settings: Settings
    office: OfficeId
    office_name: str
    parties: PartyRegister
    helpdesk: Helpdesk
    accounts: AccountCommands  # the same application as `helpdesk`: one log, one audit chain
    secret_key: bytes
    clock: Clock
    store: Store
    projections: ReadModelRunner
    follower: Follower
    consultations: ConsultationQueries
    escalations: EscalationQueries  # the inbox, the outgoing list and the case history
    users: UserQueries  # the office's staff accounts
    frontdesk: FrontDeskQueries  # the day's walk-in queue and the guest book
    meetings: MeetingQueries  # the online meetings: a day's, a consultation's
    mail: MailQueries  # the mail read and what it became, the threads, the answers waiting to be sent
    groups: GroupQueries  # the messaging groups' register (members masked) and the clips pasted from groups
    roster: RosterQueries  # the duty roster: days, who holds what, check-ins, checklists, coverage gaps
    incidents: IncidentQueries  # special incidents (kejadian khusus) with their state
    staff_reports: StaffReportQueries  # the staff's daily reports, and the figures of a staff member's day
    evaluations: EvaluationQueries  # the Koordinator's evaluations, their follow-ups and figures (SOP A.4a)
    programme: ProgrammeQueries  # the Ketua's programme of activities, a year's items (SOP A.2)
    faq: FaqQueries  # FAQ Sipol: the search the desk answers from, the lists that keep it, versions, counts
    faq_loop: FaqLoopQueries  # the FAQ Sipol's learning loop: candidates from answered cases, the dashboard's figures
    mail_checkpoints: Checkpoints  # how far each folder of the mailbox was read, and when it last was or failed
    mail_job: MailJob | None  # reads the mailbox and sends the answers (None: no mail_address)
    party_list: PartyQueries  # the election period's parties: the national list and this office's additions
    reports: ReportBuilder
    audit_key: OfficeKey
    keyring: Keyring
    files: DocumentStore  # the documentation files: the local folder or an S3 bucket (FILE_STORES)
    clocks: ClockQueries
    sop_watcher: SopWatcher
    monitoring: MonitoringQueries  # the SIPOL data-fill monitoring reports: a day's slots, the figures over days
    monitoring_watcher: MonitoringWatcher  # records the 08.00 and 17.00 reports missed half an hour after their time
    reminder_watcher: ReminderWatcher  # records the reminders come due: coverage gaps, monitoring reports
    sign_in: SignIn  # logins under the limits per account and per address
    subject_keys: SubjectKeys  # each consultee's key, outside the event store (gateways/subject_keys.py)
    personal_data: PersonalData  # finding and erasing a person's data (crypto-shredding)
    link: NatsLink | None  # the link to the other offices, started with the app (None: no nats_url)
    chat: ChatParts  # the messaging channel: Telegram groups and WhatsApp (gateways/messaging/wiring.py)
    notify: NotifyParts  # notifications: my list and badge, and their delivery by e-mail and Telegram
    # HELPDESK_BACKGROUND=worker: the `helpdesk worker`'s beats, which it writes and /health reads (None: inline)
    heartbeats: Heartbeats | None = None

    def close(self) -> None:
        self.follower.stop()
        self.store.close()
        self.helpdesk.close()
        self.subject_keys.close()


def build_node(settings: Settings, *, clock: Clock = utc_now, hasher: PasswordHasher | None = None) -> Node:
    prepare_database(settings)
    parties = party_register(settings.election_period)
    files = FILE_STORES[settings.storage_backend](settings)
    helpdesk = Helpdesk(
        application_env(settings, "helpdesk", EVENT_STORES[settings.backend]), clock=clock, parties=parties,
        office=settings.office,
        hasher=hasher or Argon2Hasher(), election_period=settings.election_period, stored_files=files,
        meeting_link_template=settings.meeting_link_template, children=topology_of(settings).children,
    )
    helpdesk.common_passwords = common_passwords()  # the password policy's list (gateways/data)
    helpdesk.totp = PyOtpCodes()  # the second factor's codes
    if not isinstance(helpdesk.recorder, BatchRecorder):  # what the inbox needs of its recorder (services/ports.py)
        raise ConfigError("HELPDESK_DATABASE", "config_not_batch_recorder", recorder=type(helpdesk.recorder).__name__)
    # Before anything is saved: personal fields are sealed with each consultee's key, kept outside the event store.
    subject_keys, pseudonym_key = _subject_keys(settings, clock), _pseudonym_key(settings)
    if not isinstance(helpdesk.mapper, MsgspecMapper):
        raise ConfigError("MAPPER_TOPIC", "config_mapper")
    personal = PersonalDataCipher(subject_keys, pseudonym_key)
    helpdesk.mapper.seal_personal_data(personal)
    store = open_read_store(settings)
    audit_key = _audit_key(settings)
    keyring = _keyring(settings, audit_key)
    # Checked by the settings already; parsed here once for the clocks and their queries.
    standards = Standards.parse(settings.sop_minutes)
    projections = [
        ConsultationsProjection(),
        AuditProjection(settings.node_id, audit_key.sign, personal.pseudonym),
        ClocksProjection(standards, FirstSteps.parse(settings.first_step_minutes)),
    ]
    projections.append(FrontDeskProjection())
    projections.append(DocumentationProjection())
    projections += [CasesProjection(), UsersProjection()]
    projections.append(OfficePartiesProjection())
    projections.append(MeetingsProjection())
    projections.append(MailProjection())
    projections.append(GroupsProjection())
    projections.append(RosterProjection())  # the duty roster (issue 16)
    projections += [IncidentsProjection(), StaffReportsProjection()]  # the team's day (issue 16)
    projections += [EvaluationsProjection(), ProgrammeProjection()]  # evaluations, programme (issue 16)
    projections.append(FaqProjection())
    projections.append(FaqLoopProjection())
    projections.append(MessagingProjection())
    projections.append(NotificationsProjection(settings.office.value))  # what waits for whom (issue 16)
    projections.append(MonitoringProjection())  # SOP part D's reports (issue 16)
    projections.append(MonitoringReceivedProjection())  # at a province: its regencies' reports (issue 16)
    runner = ReadModelRunner(helpdesk, store, projections)
    runner.prepare()
    prepare_received(store)
    mail_queries, mail_checkpoints = MailQueries(runner), Checkpoints(store)
    # What the e-mail channel's rules ask of the read model and the settings (services/mail.py).
    helpdesk.mail_threads = mail_queries
    helpdesk.forbidden_sender = lambda sender: is_office_address(settings.mail_address, sender) if (
        settings.mail_address) else False
    # What the groups' register and the clips ask of the read model and the file store (services/groups.py, clips.py).
    group_queries = GroupQueries(runner)
    helpdesk.group_directory, helpdesk.screenshots = group_queries, files
    # A daily report is prefilled from the consultations' and the clocks' read models (services/staff_reports.py).
    staff_reports = StaffReportQueries(runner)
    helpdesk.day_facts = staff_reports
    # On PostgreSQL the log's subscription also wakes this process's other jobs (the relay, mail, notifications,
    # chat) for events saved by other processes: in worker mode, every save over HTTP.
    follower = Follower(runner, subscribe=settings.backend == "postgresql", listeners=helpdesk.listeners)
    helpdesk.listeners.append(follower.wake)
    clocks = ClockQueries(runner, standards, settings.office)
    sop_watcher = SopWatcher(clocks, helpdesk, clock)
    # After each catch-up the follower looks for thresholds come due (at most every 15 s of the clock).
    users = UserQueries(runner)
    monitoring = MonitoringQueries(runner, settings.office, topology_of(settings).children,
                                   began=users.first_registered)
    # An evaluation's figures come from the clocks', consultations' and monitoring's read models
    # (services/evaluations.py).
    evaluations = EvaluationQueries(runner, clocks, monitoring, clock)
    helpdesk.evaluation_figures = evaluations.figures
    # A missed monitoring report alerts the reporter on duty that day, whom the roster's read model knows.
    roster = RosterQueries(runner)
    helpdesk.monitoring_reporters = lambda office_id, day: roster.on_duty(office_id, day, Duty.MONITORING_REPORT)
    monitoring_watcher = MonitoringWatcher(monitoring, helpdesk, clock, began=users.first_registered)
    # Reminders ask the roster's read model for a day's gaps and the monitoring one for a slot's report.
    helpdesk.coverage_gaps = lambda office_id, day: len(roster.gaps(office_id, day))
    helpdesk.monitoring_submitted = lambda office_id, day, slot: any(
        view.submitted_at is not None for view in monitoring.day(office_id, day, clock()) if view.slot == slot)
    reminder_watcher = ReminderWatcher(helpdesk, clock, began=users.first_registered)

    def watch() -> None:
        sop_watcher.tick()
        monitoring_watcher.tick()  # and the monitoring reports missed (08.30 and 17.30 office time)
        reminder_watcher.tick()  # and the reminders come due (gaps at 14.00 and 07.00, reports 30 minutes ahead)

    follower.after_catch_up = watch
    name = office_name(settings.office)
    accounts = helpdesk  # staff accounts are part of the node's one log
    frontdesk = FrontDeskQueries(runner)
    reports = ReportBuilder(
        office=settings.office, office_name=name, letterhead=letterhead_lines(settings.letterhead, name),
        place=_place(settings, name), runner=runner, clock=clock,
        step_figures=lambda first, last: clocks.step_figures(settings.node_id, first, last),
        guest_book=lambda first, last: frontdesk.guest_book(settings.node_id, first, last), read_file=files.get,
        sealer=CellSealer(subject_keys, personal.pseudonym),  # consultees' names in frozen reports, under their keys
        signing=SignatureBlock(users, settings.node_id),  # names and NIPs under the signatures, from the read model
        numbers=DocumentNumbers(store, settings.office, settings.document_number_format),
        address=settings.office_address, logo=settings.letterhead_logo or str(DEFAULT_LOGO),
        csv_separator=settings.csv_separator,
    )
    secret_key = _secret_key(settings)  # the sessions', and (derived from it) the tracking links of pages and mails
    return Node(
        settings=settings,
        office=settings.office,
        office_name=name,
        parties=parties,
        helpdesk=helpdesk,
        accounts=accounts,
        secret_key=secret_key,
        clock=clock,
        store=store,
        projections=runner,
        follower=follower,
        consultations=ConsultationQueries(runner),
        escalations=EscalationQueries(runner),
        users=users,
        reports=reports,
        audit_key=audit_key,
        keyring=keyring,
        files=files,
        frontdesk=frontdesk,
        meetings=MeetingQueries(runner),
        mail=mail_queries,
        groups=group_queries,
        roster=roster,
        incidents=IncidentQueries(runner),
        staff_reports=staff_reports,
        evaluations=evaluations,
        programme=ProgrammeQueries(runner),
        faq=FaqQueries(runner),
        faq_loop=FaqLoopQueries(runner),
        mail_checkpoints=mail_checkpoints,
        mail_job=_mail_job(settings, helpdesk, files, mail_queries, mail_checkpoints, name, personal, clock,
                           secret_key),
        party_list=PartyQueries(runner, parties, settings.election_period),
        clocks=clocks,
        sop_watcher=sop_watcher,
        monitoring=monitoring,
        monitoring_watcher=monitoring_watcher,
        reminder_watcher=reminder_watcher,
        sign_in=SignIn(helpdesk, _login_attempts(settings, store), _login_limits(settings), clock),
        subject_keys=subject_keys,
        personal_data=PersonalData(
            subject_keys, pseudonym_key, runner, PERSONAL_READ_MODELS, consultation_states(store), clock,
        ),
        link=_link(settings, helpdesk, store, audit_key, keyring),
        chat=chat_parts(settings, helpdesk, runner, name, personal.pseudonym, group_queries.party_of_group, files),
        notify=_notify(settings, helpdesk, runner, name, clock),
        heartbeats=Heartbeats(store) if settings.background == WORKER else None,
    )


def _s3_file_store(settings: Settings) -> DocumentStore:
    """gateways/objectstore.py, imported only by a node that keeps its files in S3: boto3 alone is about 24 MB."""
    from gateways.objectstore import s3_file_store

    return s3_file_store(settings)


def _link(settings: Settings, helpdesk: Helpdesk, store: Store, key: OfficeKey, keyring: Keyring) -> NatsLink | None:
    """The link to the other offices, built here and started with the app (gateways/nats/lifespan.py)."""
    if not settings.nats_url:
        return None
    return NatsLink(settings.nats_url, topology_of(settings), helpdesk, audit=AuditParts(store, keyring), key=key,
                    keyring=keyring, staging=settings.data_path / "incoming-documents")


def _notify(settings: Settings, helpdesk: Helpdesk, runner: ReadModelRunner, name: str, clock: Clock) -> NotifyParts:
    """Notifications in the app, and by e-mail and Telegram when the office has either (gateways/notify/)."""
    parts = notify_parts(settings, runner, name, clock)
    if parts.job is not None:
        helpdesk.listeners.append(parts.job.wake)  # a handover is mailed without waiting for the next round
    return parts


def _subject_keys(settings: Settings, clock: Clock) -> SubjectKeys:
    """Never inside the event store: a backup of the events holds no key (helpdesk backup leaves these out)."""
    if settings.backend == "memory":
        return MemorySubjectKeys(clock)
    if settings.backend == "sqlite":
        return SqliteSubjectKeys(settings.data_path / SQLITE_FILE, clock)
    return PostgresSubjectKeys(settings.database, f"{settings.postgres_schema}_keys", clock)


def _pseudonym_key(settings: Settings) -> bytes:
    """The office's key for pseudonyms and blind indexes: a file beside the audit key (ephemeral for memory nodes)."""
    if settings.backend == "memory":
        return secrets.token_bytes(32)
    return load_or_create_secret(settings.data_path / PSEUDONYM_KEY_FILE)


def _login_attempts(settings: Settings, store: Store) -> LoginAttempts:
    """In memory for a node of one process; in the read store, shared, where several HTTP processes serve it (each
    counting alone would give a guesser as many tries again per process)."""
    if settings.background != WORKER:
        return MemoryLoginAttempts()
    limits = _login_limits(settings)
    return StoredLoginAttempts(store, forget=max(limits.forget_after, limits.longest_lock, limits.address_window))


def _login_limits(settings: Settings) -> LoginLimits:
    return LoginLimits(account_failures=settings.login_account_failures,
                       first_lock=timedelta(minutes=settings.login_lock_minutes),
                       address_failures=settings.login_address_failures)


def _audit_key(settings: Settings) -> OfficeKey:
    if settings.audit_key_file:
        return OfficeKey.load_or_create(Path(settings.audit_key_file))
    if settings.backend == "memory":
        return OfficeKey.ephemeral()
    return OfficeKey.load_or_create(settings.data_path / "audit-ed25519.key")


def _keyring(settings: Settings, own: OfficeKey) -> Keyring:
    """Every office's public key from configuration, and this office's own (which it always knows)."""
    keyring = Keyring.load(Path(settings.audit_keys_file)) if settings.audit_keys_file else Keyring()
    if not keyring.knows(settings.node_id):
        keyring.add(settings.node_id, own.public_key_b64)
    elif keyring.public_key_b64(settings.node_id) != own.public_key_b64:
        raise ConfigError("HELPDESK_AUDIT_KEYS_FILE", "config_audit_keys", office=settings.node_id)
    return keyring


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
    key = path.read_text(encoding="ascii").strip().encode()
    if len(key) < MIN_SECRET_BYTES:
        raise ConfigError("HELPDESK_SECRET_KEY", "config_secret_key_file", path=path, size=len(key),
                          minimum=MIN_SECRET_BYTES)
    return key


def _mail_job(settings: Settings, helpdesk: Helpdesk, files: DocumentStore, queries: MailQueries,
              checkpoints: Checkpoints, name: str, personal: PersonalDataCipher, clock: Clock,
              secret_key: bytes) -> MailJob | None:
    """The mailbox job, started with the app (gateways/http/lifespans.py); None when the office has no mailbox."""
    account = mail_account(settings)
    if account is None:
        return None
    from gateways.mail.job import MailJob
    from gateways.mail.letters import tracking_links
    from gateways.mail.sender import OutboxSender

    links = tracking_links(TrackingTokens(secret_key, settings.tracking_link_days, clock), settings.public_url)
    mailer = OutboxSender(account, helpdesk, queries, name, ZoneInfo(settings.office.timezone), personal.pseudonym,
                          clock, links)
    job = MailJob(account, helpdesk, files, checkpoints, mailer, clock)
    helpdesk.listeners.append(job.wake)  # a recorded answer is sent without waiting for the next round
    return job
