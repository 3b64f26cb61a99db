"""Tests and benchmarks share only tests/support/: bench/ imports nothing else of tests/, tests import nothing of
bench/, and tests/support/ stands alone (nothing of the rest of tests/, nothing of bench/), so a benchmark that
imports a scenario builder never pulls in a test module or a conftest."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.imports import imported_modules

ROOT = Path(__file__).resolve().parents[2]
BENCH_FILES = sorted((ROOT / "bench").rglob("*.py"))
SUPPORT_FILES = sorted((ROOT / "tests" / "support").rglob("*.py"))
TEST_FILES = sorted(path for path in (ROOT / "tests").rglob("*.py") if path not in SUPPORT_FILES)
SUPPORT = "tests.support"


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def refused_in_bench(source: str) -> list[str]:
    """What a benchmark may not import: tests/ outside tests/support/."""
    return sorted(m for m in imported_modules(source) if within(m, "tests") and not within(m, SUPPORT))


def refused_in_tests(source: str) -> list[str]:
    """What a test, fixture or test helper may not import: bench/."""
    return sorted(m for m in imported_modules(source) if within(m, "bench"))


def refused_in_support(source: str) -> list[str]:
    """What tests/support/ may not import: bench/, and tests/ outside itself."""
    return sorted(m for m in imported_modules(source)
                  if within(m, "bench") or (within(m, "tests") and not within(m, SUPPORT)))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", BENCH_FILES, ids=_name)
def test_a_benchmark_imports_of_tests_only_the_support_package(path: Path) -> None:
    assert refused_in_bench(path.read_text(encoding="utf-8")) == [], f"{_name(path)} imports tests outside {SUPPORT}"


@pytest.mark.parametrize("path", TEST_FILES, ids=_name)
def test_a_test_imports_nothing_of_bench(path: Path) -> None:
    assert refused_in_tests(path.read_text(encoding="utf-8")) == [], f"{_name(path)} imports bench/"


@pytest.mark.parametrize("path", SUPPORT_FILES, ids=_name)
def test_the_support_package_stands_alone(path: Path) -> None:
    assert refused_in_support(path.read_text(encoding="utf-8")) == [], f"{_name(path)} reaches outside {SUPPORT}"


def test_the_rule_sees_every_kind_of_import() -> None:
    # Plain, from-, nested and importlib imports are all seen; the support package and other names are allowed.
    source = (
        "import tests.stories\n"
        "from tests.integration.federation import Office\n"
        "from tests.support.office import Office as Allowed\n"
        "import testsuite\n"
        "def later():\n"
        "    from bench.nodes import helpdesk_serve\n"
        "    importlib.import_module('tests.conftest')\n"
    )
    assert refused_in_bench(source) == ["tests.conftest", "tests.integration.federation", "tests.stories"]
    assert refused_in_tests(source) == ["bench.nodes"]
    assert refused_in_support(source) == ["bench.nodes", "tests.conftest", "tests.integration.federation",
                                          "tests.stories"]
    # The files are there to be checked: an empty glob would pass every rule above.
    assert BENCH_FILES and SUPPORT_FILES and TEST_FILES
