"""Settings are read once: a TOML file, then HELPDESK_* variables, then explicit overrides; errors name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateways.config import ConfigError, Settings, load_settings

NODE = {"HELPDESK_NODE_ID": "kab-16.13"}


def test_settings_come_from_the_environment() -> None:
    settings = load_settings(
        {
            **NODE,
            "HELPDESK_DATABASE": "postgresql://helpdesk@db.kab-16-13.example/helpdesk",
            "HELPDESK_HTTP_PORT": "8080",
            "HELPDESK_COOKIE_SECURE": "true",
            "HELPDESK_SESSION_HOURS": "8",
            "PATH": "/usr/bin",  # not ours: ignored
            "HELPDESK_NOT_A_SETTING": "x",  # not a field: ignored rather than guessed at
        }
    )
    assert settings.node_id == "kab-16.13"
    assert settings.backend == "postgresql"
    assert (settings.http_port, settings.cookie_secure, settings.session_hours) == (8080, True, 8)


def test_what_is_not_given_is_derived_from_the_node_id() -> None:
    settings = load_settings(NODE)
    assert (settings.tier, settings.parent_node, settings.postgres_schema) == ("kabkota", "prov-16", "kab_16_13")
    assert settings.backend == "sqlite"
    assert settings.data_path == Path("data/kab-16.13")
    assert settings.office.value == "kab-16.13"


def test_the_centre_has_no_parent() -> None:
    settings = load_settings({"HELPDESK_NODE_ID": "pusat"})
    assert (settings.tier, settings.parent_node, settings.postgres_schema) == ("pusat", "", "pusat")


def test_a_toml_file_is_read_and_the_environment_wins(tmp_path: Path) -> None:
    config = tmp_path / "helpdesk.toml"
    config.write_text(
        'node_id = "prov-16"\nhttp_port = 9000\nlog_level = "debug"\ndatabase = "memory"\n', encoding="utf-8"
    )
    settings = load_settings({"HELPDESK_CONFIG": str(config), "HELPDESK_HTTP_PORT": "9100"})
    assert settings.node_id == "prov-16"
    assert settings.log_level == "debug"  # from the file
    assert settings.http_port == 9100  # the environment over the file
    assert settings.parent_node == "pusat"


def test_explicit_overrides_win_over_the_environment() -> None:
    settings = load_settings({**NODE, "HELPDESK_DATABASE": "sqlite"}, database="memory", data_dir=None)
    assert settings.backend == "memory"
    assert settings.data_dir == ""  # a None override means "not given"


@pytest.mark.parametrize(
    ("database", "backend"),
    [
        ("memory", "memory"),
        ("sqlite", "sqlite"),
        ("sqlite:///var/lib/helpdesk", "sqlite"),
        ("postgres://u@h/db", "postgresql"),
        ("postgresql://u@h/db", "postgresql"),
    ],
)
def test_the_backend_is_read_from_the_database_setting(database: str, backend: str) -> None:
    assert load_settings({**NODE, "HELPDESK_DATABASE": database}).backend == backend


@pytest.mark.parametrize(
    ("environ", "key"),
    [
        ({}, "HELPDESK_NODE_ID"),
        ({"HELPDESK_NODE_ID": "kab-16.71"}, "HELPDESK_NODE_ID"),
        ({**NODE, "HELPDESK_HTTP_PORT": "delapan ribu"}, "HELPDESK_HTTP_PORT"),
        ({**NODE, "HELPDESK_HTTP_PORT": "70000"}, "HELPDESK_HTTP_PORT"),
        ({**NODE, "HELPDESK_HTTP_PORT": "0"}, "HELPDESK_HTTP_PORT"),
        ({**NODE, "HELPDESK_TIER": "provinsi"}, "HELPDESK_TIER"),
        ({**NODE, "HELPDESK_DATABASE": "mysql://u@h/db"}, "HELPDESK_DATABASE"),
        ({**NODE, "HELPDESK_PARENT_NODE": "provinsi-16"}, "HELPDESK_PARENT_NODE"),
        ({"HELPDESK_NODE_ID": "pusat", "HELPDESK_PARENT_NODE": "prov-16"}, "HELPDESK_PARENT_NODE"),
        ({**NODE, "HELPDESK_COOKIE_SECURE": "ya"}, "HELPDESK_COOKIE_SECURE"),
        ({**NODE, "HELPDESK_CONFIG": "/nonexistent/helpdesk.toml"}, "HELPDESK_CONFIG"),
    ],
    ids=[
        "missing_node_id",
        "kabupaten_with_a_city_code",
        "port_not_a_number",
        "port_too_high",
        "port_zero",
        "tier_mismatch",
        "unknown_database_scheme",
        "bad_parent",
        "centre_with_parent",
        "bad_boolean",
        "missing_file",
    ],
)
def test_an_error_names_the_key(environ: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(environ)
    assert str(refused.value).startswith(key)


def test_a_broken_toml_file_is_named(tmp_path: Path) -> None:
    config = tmp_path / "helpdesk.toml"
    config.write_text("node_id = \n", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_settings({"HELPDESK_CONFIG": str(config)})
    assert str(refused.value).startswith("HELPDESK_CONFIG")
    assert str(config) in str(refused.value)


def test_an_unknown_key_in_the_file_is_named(tmp_path: Path) -> None:
    config = tmp_path / "helpdesk.toml"
    config.write_text('node_id = "kab-16.13"\nhttp_prot = 8080\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="http_prot"):
        load_settings({"HELPDESK_CONFIG": str(config)})


def test_the_node_id_is_kept_in_its_normal_form() -> None:
    # A value pasted with a trailing space or in capitals would otherwise name the data folder.
    settings = load_settings({"HELPDESK_NODE_ID": " KAB-16.13 "})
    assert settings.node_id == "kab-16.13"
    assert settings.data_path == Path("data/kab-16.13")


def test_an_unsupported_postgres_parameter_is_refused_not_ignored() -> None:
    from gateways.persistence import postgres_params

    # sslmode=require silently dropped would send passwords in clear: say so instead.
    with pytest.raises(ConfigError, match="sslmode"):
        postgres_params("postgresql://helpdesk@db.example/helpdesk?sslmode=require")
    assert postgres_params("postgresql://postgres:@/postgres?host=/run/pg")["POSTGRES_HOST"] == "/run/pg"


def test_the_deploy_example_holds_every_setting_and_loads() -> None:
    # The file offices copy must not drift from the settings the node reads.
    import re

    example = Path(__file__).parents[2] / "deploy" / "helpdesk.toml.example"
    # Set or commented out ("# http_port = 8000"), every key is shown to the office.
    keys = set(re.findall(r"^#?\s*(\w+)\s*=", example.read_text(encoding="utf-8"), re.MULTILINE))
    assert keys == set(Settings.__struct_fields__)
    assert load_settings({"HELPDESK_CONFIG": str(example)}).node_id
