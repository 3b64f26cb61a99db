"""The settings of the signed reports (issue 17): the letterhead's logo and address, the document number's format and
the CSV's separator, each checked when the node starts; and the number as the format writes it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from domain.document_number import document_number
from domain.offices import OfficeId
from gateways.config import ConfigError, load_settings
from gateways.reports.letterhead import DEFAULT_LOGO

NODE = {"HELPDESK_NODE_ID": "kab-16.06"}


def test_the_defaults_number_the_documents_and_separate_with_commas() -> None:
    settings = load_settings(NODE)
    assert (settings.letterhead_logo, settings.office_address, settings.csv_separator) == ("", "", ",")
    assert settings.document_number_format == "{seq:03d}/HD.SIPOL/{office}/{month_roman}/{year}"
    assert DEFAULT_LOGO.is_file() and DEFAULT_LOGO.read_bytes().startswith(b"\x89PNG")


def test_an_office_sets_its_logo_address_number_and_separator(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(DEFAULT_LOGO.read_bytes())
    settings = load_settings(NODE | {
        "HELPDESK_LETTERHEAD_LOGO": str(logo), "HELPDESK_OFFICE_ADDRESS": "Jl. Kolonel Wahid Udin, Sekayu",
        "HELPDESK_DOCUMENT_NUMBER_FORMAT": "{seq}/KPU-{node}/HD/{month}/{year}", "HELPDESK_CSV_SEPARATOR": ";"})
    assert settings.csv_separator == ";" and settings.office_address == "Jl. Kolonel Wahid Udin, Sekayu"
    assert document_number(settings.document_number_format, 12, settings.office, date(2026, 3, 9)) == \
        "12/KPU-kab-16.06/HD/3/2026"


@pytest.mark.parametrize(("key", "value"), [
    ("HELPDESK_LETTERHEAD_LOGO", "/nowhere/logo.png"),
    ("HELPDESK_DOCUMENT_NUMBER_FORMAT", "HD.SIPOL/{office}/{year}"),  # no {seq}: every document the same number
    ("HELPDESK_DOCUMENT_NUMBER_FORMAT", "{seq}/{kantor}"),  # a name the format does not know
    ("HELPDESK_DOCUMENT_NUMBER_FORMAT", "{seq:03d/{year}"),  # not a format at all
    ("HELPDESK_CSV_SEPARATOR", "|"),
])
def test_a_wrong_report_setting_stops_the_node_naming_its_key(key: str, value: str) -> None:
    with pytest.raises(ConfigError, match=key):
        load_settings(NODE | {key: value})


@pytest.mark.parametrize(("office", "expected"), [
    ("kab-16.06", "001/HD.SIPOL/1606/XII/2026"), ("prov-16", "001/HD.SIPOL/16/XII/2026"),
    ("pusat", "001/HD.SIPOL/RI/XII/2026"),
])
def test_the_default_number_names_the_office_by_its_region_code(office: str, expected: str) -> None:
    assert document_number("{seq:03d}/HD.SIPOL/{office}/{month_roman}/{year}", 1, OfficeId(office),
                           date(2026, 12, 2)) == expected
