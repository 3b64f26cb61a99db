"""Value objects: phone numbers to E.164, e-mail addresses, names and free texts, parties, cited bases and
documentation."""

from __future__ import annotations

import pytest

from domain import errors
from domain.parties import Party
from domain.script import script_of
from domain.values import (
    Basis,
    BasisKind,
    Channel,
    Documentation,
    DocumentationKind,
    check_answer,
    check_identity,
    check_stored,
    clean_name,
    clean_text,
    make_bases,
    make_documentation,
    make_identity,
    normalise_email,
    normalise_phone,
)
from gateways.reference import party_register

PKB = Party("Partai Kebangkitan Bangsa", "PKB", 1)


@pytest.mark.parametrize(
    ("written", "e164"),
    [
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("(0733) 451234", "+62733451234"),  # a Lubuk Linggau landline
    ],
)
def test_common_indonesian_writings_become_e164(written: str, e164: str) -> None:
    assert normalise_phone(written) == e164


@pytest.mark.parametrize(
    "written",
    ["0812-abcd-7890", "telepon", "0812", "12345", "08123456789012345", "+1 202 555 0100", ""],
    ids=["letters", "a_word", "too_short", "no_prefix", "too_long", "foreign", "empty"],
)
def test_a_number_that_is_not_indonesian_is_refused(written: str) -> None:
    with pytest.raises(errors.InvalidPhone) as refused:
        normalise_phone(written)
    assert (refused.value.field, refused.value.kind) == ("phone", "invalid")
    # The reason from lokal-id travels along, for the screen to show.
    assert refused.value.params["detail"]


def test_an_email_address_is_trimmed_and_its_domain_lowercased() -> None:
    assert normalise_email("  Rina.Marlina@PKB.Example.ID ") == "Rina.Marlina@pkb.example.id"


@pytest.mark.parametrize("written", ["rina", "rina@", "@pkb.example.id", "rina@@pkb.example.id", "rina@pkb"])
def test_a_malformed_email_address_is_refused(written: str) -> None:
    with pytest.raises(errors.InvalidEmail) as refused:
        normalise_email(written)
    assert refused.value.field == "email"


def test_an_identity_is_checked_and_normalised() -> None:
    identity = make_identity("  Rina Marlina ", PKB, " 0812 3456 7890 ", "Rina@PKB.Example.ID")
    assert identity.name == "Rina Marlina"
    assert identity.phone == "+6281234567890"
    assert identity.email == "Rina@pkb.example.id"
    assert identity.party == PKB


def test_an_email_alone_is_enough_to_reach_the_consultee() -> None:
    identity = make_identity("Dedi", PKB, None, "dedi@pan.example.id")
    assert (identity.phone, identity.email) == (None, "dedi@pan.example.id")


@pytest.mark.parametrize(("phone", "email"), [(None, None), ("", ""), ("   ", " ")])
def test_an_identity_needs_a_way_to_reach_the_consultee(phone: str | None, email: str | None) -> None:
    with pytest.raises(errors.ContactRequired):
        make_identity("Rina Marlina", PKB, phone, email)


def test_an_identity_with_a_bad_phone_names_the_field() -> None:
    with pytest.raises(errors.InvalidPhone) as refused:
        make_identity("Rina Marlina", PKB, "12345", "rina@pkb.example.id")
    assert refused.value.field == "phone"


def test_an_identity_needs_a_name() -> None:
    with pytest.raises(errors.TextRequired) as refused:
        make_identity("  ", PKB, "081234567890", None)
    assert refused.value.field == "name"


def test_a_party_is_found_by_its_ballot_number() -> None:
    assert party_register().resolve(1, None) == PKB


@pytest.mark.parametrize("written", ["pkb", "PKB", " Pkb ", "partai kebangkitan bangsa", "Partai  Kebangkitan Bangsa"])
def test_a_party_is_found_by_abbreviation_or_name_in_any_case(written: str) -> None:
    assert party_register().resolve(None, written) == PKB


def test_a_party_not_in_the_register_is_kept_as_written() -> None:
    party = party_register().resolve(None, "  Partai Baru Sejahtera ")
    assert party == Party(name="Partai Baru Sejahtera")
    assert party.number is None


@pytest.mark.parametrize("number", [0, 25, 99])
def test_an_unknown_ballot_number_is_refused(number: int) -> None:
    with pytest.raises(errors.UnknownParty) as refused:
        party_register().resolve(number, "PKB")
    assert (refused.value.field, refused.value.params) == ("party_number", {"number": number})


def test_a_party_needs_a_number_or_a_name() -> None:
    with pytest.raises(errors.PartyRequired) as refused:
        party_register().resolve(None, "  ")
    # Shown beside the list to pick from; its message says another party may be typed in.
    assert refused.value.field == "party_number"


def test_bases_are_checked_and_typed() -> None:
    bases = make_bases([("pkpu", " PKPU 4/2022 Pasal 85 "), ("faq_sipol", "FAQ Sipol no. 12")])
    assert bases == (Basis(BasisKind.PKPU, "PKPU 4/2022 Pasal 85"), Basis(BasisKind.FAQ_SIPOL, "FAQ Sipol no. 12"))


def test_an_answer_needs_at_least_one_basis() -> None:
    with pytest.raises(errors.BasisRequired) as refused:
        make_bases([])
    assert refused.value.field == "bases"


def test_a_basis_of_an_unknown_kind_is_refused_by_position() -> None:
    with pytest.raises(errors.BasisRequired) as refused:
        make_bases([("pkpu", "PKPU 4/2022"), ("rumor", "kata orang")])
    assert refused.value.field == "bases[1].kind"


def test_a_basis_without_a_reference_is_refused_by_position() -> None:
    with pytest.raises(errors.TextRequired) as refused:
        make_bases([("uu", "  ")])
    assert refused.value.field == "bases[0].reference"


def test_documentation_keeps_a_lowercased_sha256() -> None:
    digest = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08"
    documentation = make_documentation("photo", "kab-16.13/walk-in.jpg", f" {digest} ")
    assert documentation == Documentation(DocumentationKind.PHOTO, "kab-16.13/walk-in.jpg", digest.lower())


@pytest.mark.parametrize("digest", ["a" * 63, "a" * 65, "g" * 64, "", "sha256:" + "a" * 57])
def test_documentation_with_a_malformed_sha256_is_refused(digest: str) -> None:
    with pytest.raises(errors.InvalidHash) as refused:
        make_documentation("photo", "kab-16.13/walk-in.jpg", digest)
    assert refused.value.field == "sha256"


def test_documentation_of_an_unknown_kind_is_refused() -> None:
    with pytest.raises(errors.TextRequired) as refused:
        make_documentation("video_call", "kab-16.13/x", "a" * 64)
    assert refused.value.field == "kind"


def test_documentation_needs_a_storage_key() -> None:
    with pytest.raises(errors.TextRequired) as refused:
        make_documentation("photo", " ", "a" * 64)
    assert refused.value.field == "storage_key"


def test_only_meetings_need_documentation() -> None:
    assert {c for c in Channel if script_of(c).documentation_required} == {Channel.WALK_IN, Channel.ONLINE_MEETING}


# Invisible characters (issue 11 §3): refused in a name, dropped from a free text.
INVISIBLE = {
    "zero-width space": "\u200b",
    "byte-order mark": "\ufeff",
    "bidi override": "\u202e",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "DEL": "\x7f",
    "C1 control": "\x80",
    "last C1 control": "\x9f",
    "NEL": "\x85",
    "NUL": "\x00",
    "soft hyphen": "\u00ad",
    "lone surrogate": "\ud800",
}


@pytest.mark.parametrize("char", INVISIBLE.values(), ids=INVISIBLE.keys())
def test_a_name_holding_an_invisible_character_is_refused(char: str) -> None:
    for name in (char, char * 3, f"Rina{char}Marlina", f"{char}Rina", f"Rina{char}"):
        with pytest.raises((errors.InvisibleCharacters, errors.TextRequired)) as refused:
            clean_name(name, "name")
        assert refused.value.field == "name"
    with pytest.raises(errors.InvisibleCharacters):
        clean_name(f"Rina{char}Marlina", "full_name")


def test_a_name_keeps_its_letters_and_spaces_and_loses_only_the_blanks_around_it() -> None:
    assert clean_name(" Ni\u00a0Luh Putu Ayu\n", "name") == "Ni\u00a0Luh Putu Ayu"  # a no-break space is a space
    assert clean_name("Teuku Muhammad Ar-Raniry", "name") == "Teuku Muhammad Ar-Raniry"
    with pytest.raises(errors.InvisibleCharacters):
        clean_name("Rina\tMarlina", "name")  # a tab inside a name is no name
    with pytest.raises(errors.TextTooLong):
        clean_name("A" * 121, "name")


@pytest.mark.parametrize("char", [c for c in INVISIBLE.values() if c not in "\u2028\u2029"],
                         ids=[k for k, c in INVISIBLE.items() if c not in "\u2028\u2029"])
def test_a_free_text_loses_its_invisible_characters(char: str) -> None:
    assert clean_text(f"{char}Lupa{char} kata sandi{char}", "text") == "Lupa kata sandi"
    with pytest.raises(errors.TextRequired) as refused:
        clean_text(char * 5, "text")  # nothing left to record
    assert refused.value.field == "text"


def test_a_free_text_keeps_tabs_and_line_breaks_and_a_separator_still_breaks_the_line() -> None:
    typed = "Akun:\tPKB\r\nOperator\u2028baru\u2029Selesai"
    assert clean_text(typed, "text") == "Akun:\tPKB\r\nOperator\nbaru\nSelesai"


def test_every_wrong_field_of_an_identity_is_refused_at_once() -> None:
    with pytest.raises(errors.InvalidFields) as refused:
        make_identity("\u200b", Party(name="Partai\u202eBaru"), "12", "rina@")
    assert [(e.code, e.field) for e in refused.value.errors] == [
        ("invisible_characters", "name"), ("invisible_characters", "party_name"), ("invalid_phone", "phone"),
        ("invalid_email", "email")]
    assert (refused.value.code, refused.value.kind, refused.value.field) == ("invalid_fields", "invalid", "name")
    assert refused.value.field_errors() == refused.value.errors


def test_an_identity_checked_against_the_register_reports_its_party_with_the_rest() -> None:
    with pytest.raises(errors.InvalidFields) as refused:
        check_identity(party_register(), " ", 99, None, None, None)
    assert [(e.code, e.field) for e in refused.value.errors] == [
        ("text_required", "name"), ("unknown_party", "party_number"), ("contact_required", "phone")]
    identity = check_identity(party_register(), "Rina", None, " pkb ", "0812 3456 7890", None)
    assert (identity.name, identity.party, identity.phone) == ("Rina", PKB, "+6281234567890")


def test_a_party_typed_by_name_is_checked_as_a_name_a_registered_one_is_not() -> None:
    assert make_identity("Rina", Party(name=" Partai Baru "), "081234567890", None).party == Party(name="Partai Baru")
    with pytest.raises(errors.InvisibleCharacters) as refused:
        make_identity("Rina", Party(name="\ufeff"), "081234567890", None)
    assert refused.value.field == "party_name"


def test_documentation_must_name_a_file_the_office_keeps() -> None:
    documentation = make_documentation("photo", "ab/" + "ab" * 32 + ".jpg", "ab" * 32)
    assert check_stored(documentation, held=True) is documentation
    with pytest.raises(errors.DocumentationNotStored) as refused:
        check_stored(documentation, held=False)
    assert (refused.value.code, refused.value.kind, refused.value.field) == (
        "documentation_not_stored", "invalid", "storage_key")



def test_an_answer_is_refused_with_every_fault_at_once() -> None:
    # An empty answer with a basis row missing its kind and its reference: three faults, one refusal, so the desk
    # corrects them in one go (the form showed one per submit).
    with pytest.raises(errors.InvalidFields) as refused:
        check_answer("   ", [("", "  ")])
    assert [e.field for e in refused.value.field_errors()] == ["text", "bases[0].kind", "bases[0].reference"]
    # Citing an FAQ Sipol entry makes a typed basis optional, not the text.
    assert check_answer("Unggah ulang dalam PDF.", [], citing=True) == ()
    with pytest.raises(errors.TextRequired):
        check_answer("", [], citing=True)
