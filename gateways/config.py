"""The node's settings: read once, from HELPDESK_* environment variables and optionally a TOML file.

Every key is documented in README.md ("Configuration"). Environment variables win over the file.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import msgspec

from domain.document_number import DEFAULT_FORMAT as DEFAULT_DOCUMENT_NUMBER
from domain.document_number import check_number_format
from domain.errors import InvalidInput, InvalidOffice
from domain.meeting import DEFAULT_LINK_TEMPLATE, check_link_template
from domain.offices import OfficeId, Tier, parse_office_id
from domain.retention import MAX_YEARS as MAX_RETENTION_YEARS
from domain.sop import FirstSteps, InvalidStandards, Standards

PREFIX = "HELPDESK_"
INLINE, WORKER = "inline", "worker"  # where the background work runs (Settings.background)
BACKGROUNDS = (INLINE, WORKER)
MIN_SECRET_BYTES = 32  # the session-signing key: HMAC-SHA256 wants as many random bytes as it outputs


class ConfigError(ValueError):
    """A setting is missing or wrong: the message names the key (`key`), then says why in Bahasa Indonesia and in
    English from the catalogue (`code`, gateways/messages.py), then a library's own `detail` when there is one. A text
    alone (`ConfigError("HELPDESK_X: …")`) is said as it is."""

    def __init__(self, key: str, code: str = "", detail: object = None, **values: object) -> None:
        self.key, self.code, self.values = (key, code, values) if code else (key.partition(":")[0], "", {})
        text = key
        if code:
            from gateways.messages import bilingual  # the catalogue, read when a setting is wrong

            text = f"{key}: {bilingual(code, **values)}"
        super().__init__(text if detail is None else f"{text}: {detail}")


class Settings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    node_id: str
    tier: str = ""  # derived from node_id when empty
    parent_node: str = ""  # derived from node_id when empty ("" at the centre)
    database: str = "sqlite"  # sqlite | sqlite:///<dir> | postgresql://… | memory
    data_dir: str = ""  # default ./data/<node_id>
    nats_url: str = "nats://127.0.0.1:4222"  # "" runs the node without messaging (no escalation between offices)
    nats_prefix: str = "hd"  # first subject token and stream-name prefix; tests give each run its own
    nats_separate_domains: bool = False  # production: every office its own JetStream domain (leaf nodes)
    # This node's NATS login: a file holding its nkey user seed (SU…, made by `helpdesk nats key`); "" logs in
    # without credentials (a server that allows it: development, CI)
    nats_nkey_seed_file: str = ""
    child_nodes: str = ""  # comma-separated; default: every regency of the province / every province
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    secret_key: str = ""  # signs session tokens; default: generated once into <data_dir>/secret.key
    session_hours: int = 12
    # Proxies whose X-Forwarded-For names the client (comma-separated addresses or CIDRs, e.g. "127.0.0.1,10.0.0.0/8");
    # "" trusts none: the client is the address that connects
    trusted_proxies: str = ""
    login_account_failures: int = 5  # wrong logins in a row that lock an account (domain/login_limits.py)
    login_lock_minutes: int = 5  # the first lock; each further lock doubles, at most a day
    login_address_failures: int = 100  # wrong logins from one address in 15 minutes before it must wait
    max_body_bytes: int = 1_048_576
    cookie_secure: bool = False
    # The address people open the node at, e.g. https://helpdesk.kpu-palembang.go.id: the only origin a write is
    # accepted from. Default: the request's own Host (gateways/edge/security.py)
    public_url: str = ""
    # The liaisons' tracking links (/lacak/<token>): days a link lasts from its issuing, and pages one address may open
    # a minute (gateways/web/tracking.py)
    tracking_link_days: int = 30
    tracking_requests_per_minute: int = 30
    # The waiting room's queue screen (/antrian/layar/<token>, no login; gateways/web/queue_display.py): its token, at
    # least 16 letters, digits, "-" or "_"; "" derives one from the secret key. A new value stops the old screens
    queue_display_token: str = ""
    postgres_schema: str = ""  # default: derived from node_id, e.g. kab_16_13
    postgres_pool_size: int = 5
    # Where the node's background work runs (the read models' follower, the NATS relay and consumers, the SOP,
    # monitoring and reminder watchers, retention, the mail, chat and notification jobs): "inline" inside
    # `helpdesk serve` (one process, as `make run`), or "worker" in its own `helpdesk worker` process beside
    # `helpdesk serve --workers N` (PostgreSQL only: the processes share the node's store)
    background: str = "inline"
    log_level: str = "info"
    sop_minutes: str = "5,10,30,15,10,10"  # the SOP's six time standards (Mutu Baku Waktu), minutes per step
    # The first step of the other channels (the walk-in's is the attendance above), e.g. "email=60,messaging=60"
    first_step_minutes: str = ""
    # The election whose parties the desk serves (its national list: gateways/data/parties_<period>.csv, when
    # there is one; offices add the calon peserta that are not on it)
    election_period: str = "2024"
    # The regency's or city's population, for the members' threshold the monitoring chart draws (1,000, or 1/1,000 of
    # the population when fewer: UU 7/2017 Pasal 173(2)); 0: unknown, the threshold is 1,000
    region_population: int = 0
    # Personal data (UU 27/2022): the last day of the election stage the desk serves (YYYY-MM-DD; empty: each record's
    # retention counts from its own last activity), and how many years after it each kind of record keeps the
    # consultee's identity (domain/retention.py); the retention job erases what has expired, daily
    election_stage_end: str = ""
    retention_consultation_years: int = 2
    retention_guest_book_years: int = 2
    letterhead: str = ""  # report letterhead lines separated by "|"; default: KPU + the office's region
    office_place: str = ""  # the place written above report signatures; default: the region's name
    office_address: str = ""  # the office's address, printed under its name in the reports' letterhead
    letterhead_logo: str = ""  # the office's logo image file (PNG or JPEG) for the letterhead; default: the shipped one
    # The number each printed report is given (gateways/reports/numbering.py): {seq} counts per office and year;
    # {office} (1606), {node} (kab-16.06), {month}, {month_roman} (XII) and {year} as the office writes them
    document_number_format: str = DEFAULT_DOCUMENT_NUMBER
    csv_separator: str = ","  # the CSV downloads' separator: "," or ";" (Indonesian Excel); ?pemisah= overrides it
    audit_key_file: str = ""  # this office's Ed25519 signing key; default: <data_dir>/audit-ed25519.key
    audit_keys_file: str = ""  # TOML [keys] office = "public key": the centre needs all, each office its neighbours
    # The address of each online meeting (SOP C.c.1): {office} is the node id with dashes (kab-16-13), {short_id} the
    # meeting id's first eight hex digits, {id} the whole id; e.g. an office's own Jitsi or BigBlueButton server
    meeting_link_template: str = DEFAULT_LINK_TEMPLATE
    # The office's helpdesk mailbox (SOP C.a): "" for mail_address runs the node without the e-mail channel.
    # TLS: tls (IMAPS 993 / SMTPS 465), starttls, or none (only on a trusted local network). The password from the
    # environment (HELPDESK_MAIL_PASSWORD) or a file readable only by the node (mail_password_file)
    mail_address: str = ""
    mail_username: str = ""  # default: mail_address
    mail_password: str = ""
    mail_password_file: str = ""
    mail_imap_host: str = ""
    mail_imap_port: int = 993
    mail_imap_tls: str = "tls"
    mail_smtp_host: str = ""  # default: mail_imap_host
    mail_smtp_port: int = 587
    mail_smtp_tls: str = "starttls"
    mail_spam_folder: str = ""  # default: the folder the server marks \Junk, else "Junk"
    mail_poll_seconds: int = 300  # how often the inbox and the spam folder are read (C.a.3: at least hourly)
    # The messaging channel (SOP C.b): the office's Telegram bot in its liaison groups, off while its token or its
    # webhook secret is unset; secrets from the environment or from files readable only by the node (*_file)
    telegram_bot_token: str = ""
    telegram_bot_token_file: str = ""
    telegram_bot_username: str = ""  # the bot's @username, which a question mentions
    telegram_secret_token: str = ""  # setWebhook's secret_token: 1-256 of A-Z a-z 0-9 _ -
    telegram_secret_token_file: str = ""
    telegram_api_base: str = "https://api.telegram.org"
    # WhatsApp Cloud API: the office's business number, off while its app secret or access token is unset
    whatsapp_app_secret: str = ""  # signs each webhook (X-Hub-Signature-256)
    whatsapp_app_secret_file: str = ""
    whatsapp_verify_token: str = ""  # what the webhook's subscription check (GET) must name
    whatsapp_access_token: str = ""
    whatsapp_access_token_file: str = ""
    whatsapp_phone_number_id: str = ""
    whatsapp_api_base: str = "https://graph.facebook.com/v21.0"
    # Where the documentation files are kept: "local" (<data_dir>/files) or "s3", an S3-compatible bucket (MinIO,
    # SeaweedFS, a cloud provider) under the office's prefix, the SOP's cloud folder (gateways/objectstore.py). The
    # secret from the environment (HELPDESK_S3_SECRET_KEY) or a file readable only by the node (s3_secret_key_file)
    storage_backend: str = "local"
    s3_endpoint: str = ""  # e.g. https://s3.kpu.go.id or http://127.0.0.1:8333; "" for AWS itself
    s3_region: str = "us-east-1"
    s3_bucket: str = ""
    s3_prefix: str = ""  # default: the node id with dashes (kab-16-13)
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_secret_key_file: str = ""
    s3_addressing: str = "path"  # path (bucket in the path: MinIO, SeaweedFS) or virtual (bucket.host)

    @property
    def office(self) -> OfficeId:
        return parse_office_id(self.node_id)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir or f"data/{self.node_id}")

    @property
    def backend(self) -> str:
        scheme = urlsplit(self.database).scheme or self.database
        return "postgresql" if scheme in ("postgres", "postgresql") else scheme


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Builds the settings from a TOML file (HELPDESK_CONFIG), the environment, then `overrides`."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {}
    config_file = env.get(f"{PREFIX}CONFIG")
    if config_file:
        try:
            values.update(tomllib.loads(Path(config_file).read_text(encoding="utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"{PREFIX}CONFIG", "config_unreadable_file", error, path=config_file) from None
    fields = set(Settings.__struct_fields__)
    for key, value in env.items():
        if key.startswith(PREFIX) and key[len(PREFIX) :].lower() in fields:
            values[key[len(PREFIX) :].lower()] = value
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        settings = msgspec.convert(values, Settings, strict=False)
    except msgspec.ValidationError as error:
        raise _key_error(str(error)) from None
    return _checked(settings)


def _checked(settings: Settings) -> Settings:
    office, tier, parent = _placed(settings)
    for check in (_check_store_and_port, _check_standards, _check_secrets_and_addresses, _check_login_settings,
                  _check_period, _check_retention, _check_meeting_link, _check_reports, _check_mail,
                  _check_messaging, _check_storage):
        check(settings)
    schema = settings.postgres_schema or re.sub(r"[^a-z0-9]+", "_", office.value)
    return msgspec.structs.replace(
        settings, node_id=office.value, tier=tier, parent_node=parent, postgres_schema=schema
    )


def _placed(settings: Settings) -> tuple[OfficeId, str, str]:
    """The office, its tier and the office above, each checked against the node id."""
    try:
        office = settings.office
    except InvalidOffice:
        raise ConfigError(f"{PREFIX}NODE_ID", "config_node_id", value=settings.node_id) from None
    tier = settings.tier or office.tier.value
    if tier != office.tier.value:
        raise ConfigError(f"{PREFIX}TIER", "config_tier", tier=tier, node=office.value, node_tier=office.tier.value)
    parent = settings.parent_node or (office.parent.value if office.parent else "")
    if office.tier is Tier.PUSAT and parent:
        raise ConfigError(f"{PREFIX}PARENT_NODE", "config_centre_parent")
    if parent:
        try:
            parse_office_id(parent)
        except InvalidOffice:
            raise ConfigError(f"{PREFIX}PARENT_NODE", "config_parent_node", value=parent) from None
    return office, tier, parent


def _check_store_and_port(settings: Settings) -> None:
    if settings.backend not in ("sqlite", "postgresql", "memory"):
        raise ConfigError(f"{PREFIX}DATABASE", "config_database")
    if settings.background not in BACKGROUNDS:
        raise ConfigError(f"{PREFIX}BACKGROUND", "config_background", value=settings.background)
    if settings.background == WORKER and settings.backend != "postgresql":
        # Several processes share one store: SQLite's files and a memory node belong to one process.
        raise ConfigError(f"{PREFIX}BACKGROUND", "config_background_postgres", backend=settings.backend)
    if not 0 < settings.http_port < 65536:
        raise ConfigError(f"{PREFIX}HTTP_PORT", "config_port", value=settings.http_port)


def _check_standards(settings: Settings) -> None:
    try:
        Standards.parse(settings.sop_minutes)
    except InvalidStandards:
        raise ConfigError(f"{PREFIX}SOP_MINUTES", "config_sop_minutes", value=settings.sop_minutes) from None
    try:
        FirstSteps.parse(settings.first_step_minutes)
    except InvalidStandards:
        raise ConfigError(
            f"{PREFIX}FIRST_STEP_MINUTES", "config_first_step_minutes", value=settings.first_step_minutes) from None


def _check_secrets_and_addresses(settings: Settings) -> None:
    if settings.secret_key and len(settings.secret_key.encode()) < MIN_SECRET_BYTES:
        raise ConfigError(f"{PREFIX}SECRET_KEY", "config_secret_key_short", size=len(settings.secret_key.encode()),
                          minimum=MIN_SECRET_BYTES)
    if settings.queue_display_token and not re.fullmatch(r"[A-Za-z0-9_-]{16,128}", settings.queue_display_token):
        raise ConfigError(f"{PREFIX}QUEUE_DISPLAY_TOKEN", "config_queue_display_token")
    if settings.public_url and not _is_origin(settings.public_url):
        raise ConfigError(f"{PREFIX}PUBLIC_URL", "config_public_url", value=settings.public_url)
    if settings.nats_nkey_seed_file and not _holds_user_seed(settings.nats_nkey_seed_file):
        raise ConfigError(f"{PREFIX}NATS_NKEY_SEED_FILE", "config_nkey_seed_file", path=settings.nats_nkey_seed_file)


def _check_period(settings: Settings) -> None:
    if not re.fullmatch(r"[0-9]{4}", settings.election_period):
        raise ConfigError(f"{PREFIX}ELECTION_PERIOD", "config_election_period", value=settings.election_period)


def _is_origin(url: str) -> bool:
    """scheme://host[:port], nothing more: what a browser sends as Origin."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port that is not one
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.path in ("", "/") and not (
        parts.query or parts.fragment or parts.username)


def _holds_user_seed(path: str) -> bool:
    try:
        return re.fullmatch(r"SU[A-Z2-7]{56}", Path(path).read_text(encoding="ascii").strip()) is not None
    except (OSError, UnicodeDecodeError):
        return False


def _check_retention(settings: Settings) -> None:
    if settings.election_stage_end:
        try:
            date.fromisoformat(settings.election_stage_end)
        except ValueError:
            raise ConfigError(
                f"{PREFIX}ELECTION_STAGE_END", "config_election_stage_end", value=settings.election_stage_end) from None
    for kind in ("consultation", "guest_book"):
        years = getattr(settings, f"retention_{kind}_years")
        if not 0 < years <= MAX_RETENTION_YEARS:
            raise ConfigError(f"{PREFIX}RETENTION_{kind.upper()}_YEARS", "config_retention_years", value=years,
                              maximum=MAX_RETENTION_YEARS)


def _check_meeting_link(settings: Settings) -> None:
    try:
        check_link_template(settings.meeting_link_template)
    except InvalidInput:
        raise ConfigError(
            f"{PREFIX}MEETING_LINK_TEMPLATE", "config_meeting_link", value=settings.meeting_link_template) from None


def _check_reports(settings: Settings) -> None:
    if settings.letterhead_logo and not Path(settings.letterhead_logo).is_file():
        raise ConfigError(f"{PREFIX}LETTERHEAD_LOGO", "config_letterhead_logo", path=settings.letterhead_logo)
    try:
        check_number_format(settings.document_number_format)
    except InvalidInput:
        raise ConfigError(
            f"{PREFIX}DOCUMENT_NUMBER_FORMAT", "config_document_number", value=settings.document_number_format
        ) from None
    if settings.csv_separator not in (",", ";"):
        raise ConfigError(f"{PREFIX}CSV_SEPARATOR", "config_csv_separator")


def _check_mail(settings: Settings) -> None:
    if not settings.mail_address:
        return
    if "@" not in settings.mail_address or not settings.mail_imap_host:
        raise ConfigError(f"{PREFIX}MAIL_ADDRESS, {PREFIX}MAIL_IMAP_HOST", "config_mail_address")
    for key in ("mail_imap_tls", "mail_smtp_tls"):
        if getattr(settings, key) not in ("tls", "starttls", "none"):
            raise ConfigError(f"{PREFIX}{key.upper()}", "config_mail_tls", value=getattr(settings, key))
    if not 1 <= settings.mail_poll_seconds <= 3600:
        raise ConfigError(f"{PREFIX}MAIL_POLL_SECONDS", "config_mail_poll", value=settings.mail_poll_seconds)
    if settings.mail_password_file and not Path(settings.mail_password_file).is_file():
        raise ConfigError(f"{PREFIX}MAIL_PASSWORD_FILE", "config_unreadable", path=settings.mail_password_file)


def _check_messaging(settings: Settings) -> None:
    from gateways.messaging.settings import check_messaging  # the channel's own checks, beside its settings

    check_messaging(settings)


def _check_storage(settings: Settings) -> None:
    from gateways.objectstore_settings import check_storage  # the store's own checks, beside its adapter

    check_storage(settings)


def _check_login_settings(settings: Settings) -> None:
    for each in filter(None, (part.strip() for part in settings.trusted_proxies.split(","))):
        try:
            ipaddress.ip_network(each)  # strict: 10.0.0.1/8 is a typo for 10.0.0.0/8, said rather than guessed
        except ValueError:
            raise ConfigError(f"{PREFIX}TRUSTED_PROXIES", "config_trusted_proxy", value=each) from None
    for key in ("login_account_failures", "login_lock_minutes", "login_address_failures", "tracking_link_days",
                "tracking_requests_per_minute"):
        if getattr(settings, key) < 1:
            raise ConfigError(f"{PREFIX}{key.upper()}", "config_whole_number", value=getattr(settings, key))
    if settings.tracking_link_days > 365:
        raise ConfigError(f"{PREFIX}TRACKING_LINK_DAYS", "config_tracking_days", value=settings.tracking_link_days)


def _key_error(text: str) -> ConfigError:
    """msgspec's refusal of a value, named by its key."""
    match = re.search(r"at `\$\.(\w+)`", text)
    if match:
        return ConfigError(f"{PREFIX}{match.group(1).upper()}", "config_wrong_value", text.split(" - at")[0])
    match = re.search(r"Object missing required field `(\w+)`", text)
    if match:
        return ConfigError(f"{PREFIX}{match.group(1).upper()}", "config_required")
    match = re.search(r"Object contains unknown field `(\w+)`", text)
    if match:
        return ConfigError(f"{PREFIX}CONFIG", "config_unknown_key", name=match.group(1))
    return ConfigError(text)
