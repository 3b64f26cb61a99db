"""`helpdesk simulate` refuses a day it cannot play before it starts anything, in both languages (exit 1)."""

from __future__ import annotations

import pytest

from gateways.cli.main import main


def test_fewer_than_three_offices_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["simulate", "--offices", "2", "--no-append"]) == 1
    err = capsys.readouterr().err
    assert "--offices paling sedikit 3" in err and "(--offices must be at least 3" in err


def test_a_production_layout_province_not_in_the_day_is_refused_before_the_day(
    capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["simulate", "--offices", "12", "--leaf-province", "prov-11", "--no-append"]) == 1
    captured = capsys.readouterr()
    assert "prov-11 tidak ikut dalam hari ini; yang ikut: prov-92, prov-51" in captured.err
    assert "kantor di" not in captured.out  # no node was built, no server started
