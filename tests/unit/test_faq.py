"""FAQ Sipol entries (issue 15): lifecycle, versions kept with who changed them, only the owner edits, who writes,
visibility across the tiers, text limits and the fixed topic vocabulary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import InvalidFields, InvalidInput, NotPermitted, TextRequired, TextTooLong
from domain.faq import FaqEntry
from domain.faq_values import (
    MAX_ANSWER,
    MAX_PHRASINGS,
    MAX_QUESTION,
    Citation,
    Editor,
    FaqAlreadyPublished,
    FaqContent,
    FaqNotOwner,
    FaqNotPublished,
    FaqNotWriter,
    FaqRetired,
    FaqStatus,
    FaqTopicRequired,
    Reach,
    TooManyPhrasings,
    Topic,
    UnknownFaqTopic,
    make_content,
    may_write_faq,
    visible_to,
)
from domain.offices import OfficeId
from domain.roles import Role
from domain.values import Basis, BasisKind
from services.codec import MsgspecMapper

T0 = datetime(2027, 8, 2, 1, 30, tzinfo=UTC)
PUSAT, PROV_16, PROV_32 = OfficeId("pusat"), OfficeId("prov-16"), OfficeId("prov-32")
KAB_16_13, KOTA_16_71, KAB_32_01 = OfficeId("kab-16.13"), OfficeId("kota-16.71"), OfficeId("kab-32.01")
ALL = [PUSAT, PROV_16, PROV_32, KAB_16_13, KOTA_16_71, KAB_32_01]


def content(question: str = "Bagaimana cara mendaftar akun SIPOL?", answer: str = "Ajukan akun ke KPU.") -> FaqContent:
    return make_content(question, ["gak bisa daftar akun", "cara daftar sipol"], answer,
                        [("pkpu", "PKPU 4/2022 Pasal 10")], ["account", "registration"])


def editor(office: OfficeId = PUSAT, role: Role = Role.KETUA_HELPDESK, actor: str = "ketua") -> Editor:
    return Editor(actor, role, office)


def drafted(office: OfficeId = PUSAT) -> FaqEntry:
    return FaqEntry.draft(content(), editor(office), T0)


def test_a_draft_is_cleaned_tagged_and_first_version() -> None:
    entry = FaqEntry.draft(make_content("  Apa itu KTA?\u200b ", ["kta itu apa", "kta itu apa"], " Kartu anggota. ",
                                        [], ["Membership", "membership"]), editor(), T0)
    assert entry.status is FaqStatus.DRAFT and entry.revision == 1
    assert entry.content.question == "Apa itu KTA?" and entry.content.answer == "Kartu anggota."
    assert entry.content.phrasings == ("kta itu apa",) and entry.content.topics == (Topic.MEMBERSHIP,)
    assert entry.content.bases == ()  # a note may rest on no regulation
    assert (entry.changed_by, entry.changed_at, entry.owner_office) == ("ketua", T0, PUSAT)


def test_lifecycle_draft_edited_published_revised_retired() -> None:
    entry = drafted()
    entry.edit_draft(content(answer="Jawaban kedua."), editor(actor="koor"), T0 + timedelta(minutes=1))
    assert entry.content.answer == "Jawaban kedua." and entry.revision == 1 and entry.history == ()
    entry.publish(editor(actor="koor"), T0 + timedelta(minutes=2))
    assert entry.status is FaqStatus.PUBLISHED and entry.changed_by == "koor"
    with pytest.raises(FaqAlreadyPublished):
        entry.publish(editor(), T0 + timedelta(minutes=3))
    with pytest.raises(FaqAlreadyPublished):
        entry.edit_draft(content(), editor(), T0 + timedelta(minutes=3))
    entry.retire("Aturan sudah diganti.", editor(actor="ketua2"), T0 + timedelta(minutes=4))
    assert entry.status is FaqStatus.RETIRED and entry.retire_reason == "Aturan sudah diganti."
    assert entry.changed_by == "ketua2"
    assert [type(event).__name__ for event in entry.collect_events()] == [
        "Drafted", "DraftEdited", "Published", "Retired"]


def test_a_draft_is_not_revised() -> None:
    with pytest.raises(FaqNotPublished):
        drafted().revise(content(), editor(), T0)


def test_a_revision_keeps_the_previous_version_with_who_wrote_it() -> None:
    entry = drafted()
    entry.publish(editor(actor="koor"), T0 + timedelta(minutes=1))
    first = entry.content
    assert entry.citation() == Citation(entry.id, 1)
    entry.revise(content(answer="Jawaban baru."), editor(actor="ketua2"), T0 + timedelta(hours=1))
    assert entry.revision == 2 and entry.status is FaqStatus.PUBLISHED
    assert entry.content.answer == "Jawaban baru." and entry.changed_by == "ketua2"
    (old,) = entry.history
    assert (old.version, old.content, old.actor, old.at) == (1, first, "koor", T0 + timedelta(minutes=1))
    assert entry.citation() == Citation(entry.id, 2)


def test_a_retired_entry_is_not_published_again_nor_changed() -> None:
    entry = drafted()
    entry.publish(editor(), T0)
    entry.retire("Usang.", editor(), T0 + timedelta(days=1))
    with pytest.raises(FaqRetired):
        entry.publish(editor(), T0 + timedelta(days=2))
    with pytest.raises(FaqRetired):
        entry.revise(content(), editor(), T0 + timedelta(days=2))
    with pytest.raises(FaqRetired):
        entry.edit_draft(content(), editor(), T0 + timedelta(days=2))
    with pytest.raises(FaqRetired):
        entry.retire("Lagi.", editor(), T0 + timedelta(days=2))
    with pytest.raises(TextRequired):
        drafted().retire("   ", editor(), T0)


def test_only_the_owning_office_changes_an_entry() -> None:
    entry = drafted(PROV_16)
    for other in (PUSAT, KAB_16_13, PROV_32):
        with pytest.raises(FaqNotOwner):
            entry.publish(editor(other), T0)
        with pytest.raises(FaqNotOwner):
            entry.edit_draft(content(), editor(other), T0)
        with pytest.raises(FaqNotOwner):
            entry.retire("Bukan milik kami.", editor(other), T0)
    entry.publish(editor(PROV_16), T0)
    with pytest.raises(FaqNotOwner):
        entry.revise(content(), editor(PUSAT), T0)
    assert entry.status is FaqStatus.PUBLISHED and entry.revision == 1


def test_who_writes_the_faq() -> None:
    writers = {role for role in Role if may_write_faq(role)}
    assert writers == {Role.KETUA_HELPDESK, Role.KOORDINATOR, Role.KOORDINATOR_HARIAN}
    with pytest.raises(FaqNotWriter):
        FaqEntry.draft(content(), editor(role=Role.ANGGOTA_HELPDESK), T0)
    entry = drafted()
    with pytest.raises(FaqNotWriter) as refused:
        entry.publish(editor(role=Role.SEKRETARIS_HELPDESK), T0)
    assert isinstance(refused.value, NotPermitted) and refused.value.kind == "forbidden"
    assert entry.status is FaqStatus.DRAFT


def test_reach_follows_the_owner_tier() -> None:
    assert [drafted(office).reach for office in (PUSAT, PROV_16, KAB_16_13)] == [
        Reach.NATIONAL, Reach.REGIONAL, Reach.LOCAL]


def readers(owner: OfficeId, status: FaqStatus) -> set[OfficeId]:
    return {office for office in ALL if visible_to(owner, status, office)}


def test_a_centre_entry_reaches_every_office_once_published() -> None:
    assert readers(PUSAT, FaqStatus.PUBLISHED) == set(ALL)


def test_a_province_entry_reaches_its_own_regencies_only() -> None:
    assert readers(PROV_16, FaqStatus.PUBLISHED) == {PROV_16, KAB_16_13, KOTA_16_71}
    assert not visible_to(PROV_16, FaqStatus.PUBLISHED, KAB_32_01)
    assert not visible_to(PROV_16, FaqStatus.PUBLISHED, PROV_32)


def test_a_regency_note_stays_at_the_regency() -> None:
    assert readers(KAB_16_13, FaqStatus.PUBLISHED) == {KAB_16_13}


@pytest.mark.parametrize("status", [FaqStatus.DRAFT, FaqStatus.RETIRED])
@pytest.mark.parametrize("owner", [PUSAT, PROV_16, KAB_16_13])
def test_drafts_and_retired_entries_are_seen_by_their_owner_only(owner: OfficeId, status: FaqStatus) -> None:
    assert readers(owner, status) == {owner}


@pytest.mark.parametrize(("question", "answer", "error"), [
    ("  \u200b ", "Jawaban.", TextRequired),
    ("Pertanyaan?", "\n\t", TextRequired),
    ("x" * (MAX_QUESTION + 1), "Jawaban.", TextTooLong),
    ("Pertanyaan?", "x" * (MAX_ANSWER + 1), TextTooLong),
])
def test_empty_or_overlong_text_is_refused(question: str, answer: str, error: type[InvalidInput]) -> None:
    with pytest.raises(error):
        make_content(question, [], answer, [], ["other"])


def test_phrasings_are_checked_too() -> None:
    with pytest.raises(TextRequired):
        make_content("Pertanyaan?", ["ok", " "], "Jawaban.", [], ["other"])
    with pytest.raises(TooManyPhrasings):
        make_content("Pertanyaan?", [f"cara {n}" for n in range(MAX_PHRASINGS + 1)], "Jawaban.", [], ["other"])
    assert make_content("Q?", ["x" * MAX_QUESTION], "A.", [], ["other"]).phrasings == ("x" * MAX_QUESTION,)


def test_topics_come_from_the_fixed_vocabulary() -> None:
    with pytest.raises(UnknownFaqTopic) as refused:
        make_content("Pertanyaan?", [], "Jawaban.", [], ["account", "pemilu"])
    assert refused.value.field == "topics[1]"
    with pytest.raises(FaqTopicRequired):
        make_content("Pertanyaan?", [], "Jawaban.", [], [])
    assert {topic.value for topic in Topic} == {
        "registration", "membership", "board", "office", "account", "upload", "verification", "other"}


def test_bases_reuse_the_consultation_basis() -> None:
    made = make_content("Q?", [], "A.", [("uu", " UU 7/2017 Pasal 173 "), ("faq_sipol", "FAQ 12")], ["board"])
    assert made.bases == (Basis(BasisKind.UU, "UU 7/2017 Pasal 173"), Basis(BasisKind.FAQ_SIPOL, "FAQ 12"))
    with pytest.raises(InvalidInput):
        make_content("Q?", [], "A.", [("koran", "Kompas")], ["board"])


def test_the_stored_events_replay_to_the_same_entry() -> None:
    entry = drafted(PROV_16)
    entry.publish(editor(PROV_16), T0 + timedelta(minutes=1))
    entry.revise(content(answer="Jawaban baru."), editor(PROV_16, actor="koor"), T0 + timedelta(hours=1))
    mapper = MsgspecMapper(transcoder=None)  # type: ignore[arg-type]
    replayed: FaqEntry | None = None
    for event in entry.collect_events():
        replayed = mapper.to_domain_event(mapper.to_stored_event(event)).mutate(replayed)
    assert replayed is not None
    assert (replayed.content, replayed.history, replayed.revision, replayed.status, replayed.version) == (
        entry.content, entry.history, entry.revision, entry.status, entry.version)
    assert replayed.content.topics == (Topic.ACCOUNT, Topic.REGISTRATION)


def test_every_wrong_field_of_an_entry_is_refused_at_once() -> None:
    with pytest.raises(InvalidFields) as refused:
        make_content(" ", ["ok", " "], "", [], ["nonsense"])
    assert {e.field for e in refused.value.errors} == {"question", "answer", "phrasings[1]", "topics[0]"}
