"""The tracking link's token (gateways/tracking_tokens.py): it names its consultation until it expires, and a forged,
altered or expired one names nothing; what the link shows (projections/tracking_queries.py) keeps the consultee out;
one address asks only so often (gateways/request_limit.py)."""

from __future__ import annotations

import string
from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from domain.script import Status
from domain.tracking import STAGE_OF, Stage
from gateways.config import ConfigError, load_settings
from gateways.edge.tokens import issue_token, read_token
from gateways.request_limit import RequestLimit
from gateways.tracking_tokens import TOKEN_LENGTH, TrackingTokens
from projections.tracking_queries import public_text
from tests.conftest import FakeClock

SECRET = b"s" * 32
DAY = 24 * 60
CONSULTATION = UUID("1a2b3c4d-0000-4000-8000-000000000001")


def tokens(clock: FakeClock, secret: bytes = SECRET, days: int = 30) -> TrackingTokens:
    return TrackingTokens(secret, days, clock)


def test_a_token_names_its_consultation_until_the_days_are_over() -> None:
    clock = FakeClock()
    issued_at = clock()
    token, expires = tokens(clock).issue(CONSULTATION)
    # Short enough for a chat message, in the characters a URL path keeps as they are.
    assert len(token) == TOKEN_LENGTH and set(token) <= set(string.ascii_letters + string.digits + "-_")
    claim = tokens(clock).read(token)  # another instance with the same key: nothing is kept between them
    assert claim is not None and claim.consultation_id == CONSULTATION
    # Thirty days from the issuing second (the token keeps whole seconds).
    assert claim.expires_at == expires == issued_at.replace(microsecond=0) + timedelta(days=30)
    # The last minute of its thirtieth day it still works; at the end of it, no more.
    clock.advance(minutes=30 * DAY - 1)
    assert tokens(clock).read(token) is not None
    clock.advance(minutes=1)
    assert tokens(clock).read(token) is None
    # A shorter setting makes the same token expire sooner: the days are counted when it is read.
    assert tokens(FakeClock(issued_at), days=1).read(token) is not None
    later = FakeClock(issued_at)
    later.advance(minutes=DAY)
    assert tokens(later, days=1).read(token) is None


def test_each_link_is_new_and_names_only_its_own_consultation() -> None:
    clock = FakeClock()
    first, _ = tokens(clock).issue(CONSULTATION)
    other = uuid4()
    second, _ = tokens(clock).issue(other)
    assert first != second
    assert tokens(clock).read(second).consultation_id == other  # type: ignore[union-attr]
    clock.advance(seconds=1)
    assert tokens(clock).issue(CONSULTATION)[0] != first  # issued later: another token, both good


def test_a_token_signed_with_another_key_is_refused() -> None:
    clock = FakeClock()
    forged, _ = tokens(clock, secret=b"x" * 32).issue(CONSULTATION)
    assert tokens(clock).read(forged) is None


@pytest.mark.parametrize("position", [0, 10, 21, 22, 35, TOKEN_LENGTH - 1])
def test_a_token_altered_anywhere_is_refused(position: int) -> None:
    clock = FakeClock()
    token, _ = tokens(clock).issue(CONSULTATION)
    # Every other character at that place: the id, the moment and the signature are all covered, and so is the
    # last character, whose spare bits base64 would otherwise ignore.
    for other in string.ascii_letters + string.digits + "-_":
        if other != token[position]:
            altered = token[:position] + other + token[position + 1:]
            assert tokens(clock).read(altered) is None, altered


@pytest.mark.parametrize("garbage", ["", "abc", "a" * TOKEN_LENGTH, "=" * TOKEN_LENGTH, "é" * TOKEN_LENGTH,
                                     "../../etc/passwd", "a" * 10_000])
def test_anything_else_is_refused_without_an_error(garbage: str) -> None:
    assert tokens(FakeClock()).read(garbage) is None


def test_a_token_made_for_one_use_is_no_token_for_the_other() -> None:
    clock = FakeClock()
    tracking, _ = tokens(clock).issue(CONSULTATION)
    session, _ = issue_token(SECRET, CONSULTATION, 1, clock(), 12)
    assert read_token(SECRET, tracking, clock()) is None
    assert tokens(clock).read(session) is None
    # Stretched to the right length, a session token's characters are still no tracking token.
    assert tokens(clock).read(session.replace(".", "")[:TOKEN_LENGTH]) is None


def test_every_status_of_the_script_is_a_stage_a_liaison_understands() -> None:
    assert set(STAGE_OF) == set(Status)
    assert STAGE_OF[Status.OPENED] is Stage.RECEIVED
    assert STAGE_OF[Status.PROBLEM_CONFIRMED] is Stage.ANSWERING
    assert STAGE_OF[Status.WITH_COMMISSIONER] is Stage.WITH_COMMISSIONER
    assert STAGE_OF[Status.CLARIFICATION_REQUESTED] is Stage.FORWARDED
    assert {STAGE_OF[s] for s in (Status.NOT_UNDERSTOOD, Status.LOGGED, Status.CLOSED)} == {Stage.ANSWERED}


def test_the_answer_shown_leaves_out_the_consultee_and_contact_data() -> None:
    text = "Yth. Ibu SULASTRI Wibowo, hubungi 0813-2222-3333 atau humas@partai.id; Bu Sulastri, unggah ulang KTA."
    shown = public_text(text, "Sulastri Wibowo")
    assert "sulastri" not in shown.lower() and "wibowo" not in shown.lower()
    assert "3333" not in shown and "humas@partai.id" not in shown
    assert shown.startswith("Yth. Ibu [nama], hubungi [nomor telepon]") and shown.endswith("unggah ulang KTA.")
    # Only whole words: a name inside another word stays, and short names mask nothing but themselves.
    assert public_text("Silakan tanya Ani atau kantor Anita.", "Ani") == "Silakan tanya [nama] atau kantor Anita."
    assert public_text("Silakan unggah ulang.", "") == "Silakan unggah ulang."
    assert public_text("Data [dihapus] aman.", "[dihapus]") == "Data [dihapus] aman."  # an erased name


def test_one_address_asks_only_so_often_a_minute() -> None:
    clock = FakeClock()
    limit = RequestLimit(3, clock)
    assert [limit.seconds_to_wait("10.0.0.1") for _ in range(3)] == [None, None, None]
    assert limit.seconds_to_wait("10.0.0.1") == 60  # the fourth waits for the minute's end
    assert limit.seconds_to_wait("10.0.0.2") is None  # another address is counted on its own
    clock.advance(seconds=30)
    assert limit.seconds_to_wait("10.0.0.1") == 30
    clock.advance(seconds=30)
    assert limit.seconds_to_wait("10.0.0.1") is None  # a new minute


@pytest.mark.parametrize(("key", "value"), [("tracking_link_days", 0), ("tracking_link_days", 366),
                                            ("tracking_requests_per_minute", 0)])
def test_a_setting_out_of_range_stops_the_node_naming_its_key(key: str, value: int) -> None:
    with pytest.raises(ConfigError, match=f"HELPDESK_{key.upper()}"):
        load_settings({}, node_id="kab-16.13", database="memory", **{key: value})
    assert getattr(load_settings({}, node_id="kab-16.13", database="memory"), key) == 30  # the default
