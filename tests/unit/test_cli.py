"""The `helpdesk` command as a person meets it (issue 17, "The command line"): alone it prints its help; argparse's own
words, the refusals and the settings' errors are said in both languages, "Bahasa Indonesia (English)", from the one
catalogue; a missing node id says where the settings go; usage, refusal and configuration errors exit differently;
an account for another office is refused before any password is asked for."""

from __future__ import annotations

import argparse
import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateways.cli import exits, users
from gateways.cli.main import EPILOG, main
from gateways.cli.words import argparse_words, pattern
from gateways.config import ConfigError, load_settings
from gateways.messages import bilingual, catalogue, message

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def node_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No HELPDESK_* of the developer's shell; the umask `main` sets is put back."""
    for key in list(os.environ):
        if key.startswith("HELPDESK_"):
            monkeypatch.delenv(key)
    umask = os.umask(0o022)
    os.umask(umask)
    yield
    os.umask(umask)


def _node(monkeypatch: pytest.MonkeyPatch, data: Path) -> None:
    for key, value in {"NODE_ID": "kab-16.13", "DATABASE": "sqlite", "DATA_DIR": str(data), "NATS_URL": ""}.items():
        monkeypatch.setenv(f"HELPDESK_{key}", value)


def _exit_code(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as stop:  # argparse's own exits (help, usage errors)
        return int(stop.code or 0)


# `helpdesk` alone.

def test_the_command_alone_prints_its_help_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_code([]) == exits.DONE
    out = capsys.readouterr()
    assert out.err == ""
    assert "penggunaan (usage): helpdesk" in out.out and "user " in out.out and "serve " in out.out
    # A command group alone prints the group's help.
    assert _exit_code(["user"]) == exits.DONE
    assert "helpdesk user [-h] PERINTAH" in capsys.readouterr().out


def test_the_installed_command_alone_prints_its_help(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("HELPDESK_")}
    done = subprocess.run([sys.executable, "-m", "gateways.cli.main"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert "Kode keluar" in done.stdout and "Exit codes" in done.stdout
    missing = subprocess.run([sys.executable, "-m", "gateways.cli.main", "user", "list"], cwd=tmp_path, env=env,
                             capture_output=True, text=True, timeout=120, check=False)
    assert missing.returncode == exits.CONFIG == 78
    assert "--config" in missing.stderr and "HELPDESK_NODE_ID=" in missing.stderr


# argparse's own words.

def test_argparse_words_are_said_in_both_languages(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_code(["--help"]) == exits.DONE
    help_text = capsys.readouterr().out
    assert "opsi (options):" in help_text and "argumen posisi (positional arguments):" in help_text
    assert "tampilkan bantuan ini lalu keluar (show this help message and" in help_text
    assert _exit_code(["user", "add", "--username", "budi"]) == exits.USAGE
    err = capsys.readouterr().err
    assert err.startswith("penggunaan (usage): helpdesk user add")
    assert ("helpdesk user add: kesalahan (error): argumen berikut wajib diisi (the following arguments are required):"
            " --full-name, --role") in err
    assert _exit_code(["kopi"]) == exits.USAGE
    assert "pilihan tidak sah (invalid choice): 'kopi' (pilih dari 'serve'" in capsys.readouterr().err
    assert _exit_code(["user", "list", "--gula"]) == exits.USAGE
    assert "argumen tidak dikenal (unrecognized arguments): --gula" in capsys.readouterr().err
    assert _exit_code(["serve", "--port", "delapan"]) == exits.USAGE
    assert "nilai int tidak sah (invalid value): 'delapan'" in capsys.readouterr().err
    # Nothing of argparse's English is left without its Indonesian, and argparse itself is left as it was.
    assert not re.search(r"(?<!\()(usage|error|options):", help_text + err)
    assert argparse._("options") == "options"  # type: ignore[attr-defined]


def test_an_argparse_pattern_keeps_each_value_once() -> None:
    assert pattern("argumen berikut wajib diisi: %s", "the following arguments are required: %s") % "--role" == \
        "argumen berikut wajib diisi (the following arguments are required): --role"
    assert pattern("%(prog)s: kesalahan: %(message)s\n", "%(prog)s: error: %(message)s\n") == \
        "%(prog)s: kesalahan (error): %(message)s\n"
    assert pattern("perlu %s nilai", "expected %s arguments") == "perlu %s nilai (expected arguments)"
    assert argparse_words("a message argparse has that the catalogue lacks") == \
        "a message argparse has that the catalogue lacks"


def test_each_argparse_entry_of_the_catalogue_is_a_msgid_of_argparse() -> None:
    # A msgid misspelt, or gone from a newer Python, would leave argparse's English unsaid in Bahasa Indonesia.
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    msgids = {arg.value for call in ast.walk(tree) if isinstance(call, ast.Call)
              and getattr(call.func, "id", "") in ("_", "ngettext")
              for arg in call.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)}
    entries = {code.removeprefix("argparse.") for code in catalogue().coded if code.startswith("argparse.")}
    assert entries and entries <= msgids, entries - msgids


# Settings' errors, refusals and exit codes.

def test_a_missing_node_id_names_the_variable_and_the_config_option(capsys: pytest.CaptureFixture[str],
                                                                     tmp_path: Path) -> None:
    assert _exit_code(["user", "list"]) == exits.CONFIG
    err = capsys.readouterr().err
    assert err.startswith("Pengaturan salah (Configuration error): HELPDESK_NODE_ID: wajib diisi (is required)\n")
    assert "--config <berkas>" in err and "--config <file>" in err and "HELPDESK_NODE_ID=kab-16.13" in err
    config = tmp_path / "helpdesk.toml"
    config.write_text('database = "memory"\n', encoding="utf-8")
    assert _exit_code(["user", "list", "--config", str(config)]) == exits.CONFIG
    assert f'Tulis kode kantor node ini di {config}, mis. node_id = "kab-16.13"' in capsys.readouterr().err


@pytest.mark.parametrize(("environ", "code"), [
    ({"HELPDESK_NODE_ID": "kab-16.13", "HELPDESK_HTTP_PORT": "70000"}, "config_port"),
    ({"HELPDESK_NODE_ID": "kabupaten"}, "config_node_id"),
    ({"HELPDESK_NODE_ID": "kab-16.13", "HELPDESK_SOP_MINUTES": "5"}, "config_sop_minutes"),
    ({"HELPDESK_NODE_ID": "kab-16.13", "HELPDESK_STORAGE_BACKEND": "ftp"}, "config_storage_backend"),
    ({"HELPDESK_NODE_ID": "kab-16.13", "HELPDESK_TELEGRAM_BOT_TOKEN": "1:x"}, "config_telegram_incomplete"),
    ({"HELPDESK_NODE_ID": "kab-16.13", "HELPDESK_MEETING_LINK_TEMPLATE": "ftp://x/{nama}"}, "config_meeting_link"),
])
def test_a_settings_error_names_the_key_then_says_why_in_both_languages(environ: dict[str, str], code: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings({"HELPDESK_DATABASE": "memory", **environ})
    error = refused.value
    assert error.code == code and error.key.startswith("HELPDESK_")
    said = str(error)
    assert said == f"{error.key}: {message(code, **error.values)} ({message(code, 'en', **error.values)})"


def test_every_settings_error_and_command_line_message_is_in_the_catalogue_in_both_languages() -> None:
    named: set[str] = set()
    for path in (ROOT / "gateways").rglob("*.py"):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(call, ast.Call):
                continue
            name = getattr(call.func, "id", getattr(call.func, "attr", ""))
            texts = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in call.args]
            if name in ("refuse", "say", "bilingual") and texts and texts[0]:
                named.add(texts[0])
            elif name == "ConfigError":
                # A bare text is left only to what no setting can cause: the fallback of an unforeseen msgspec error.
                unforeseen = path.name == "config.py" and isinstance(call.args[0], ast.Name)  # _key_error's last
                assert len(call.args) >= 2 or unforeseen, (path, call.lineno)
                if len(texts) > 1 and texts[1]:
                    named.add(texts[1])
    coded = catalogue().coded
    assert sorted(code for code in named if code not in coded) == []
    assert sorted(code for code in named if not all(coded[code])) == []


def test_exit_codes_are_documented_in_the_help_and_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Command line"):readme.index("## Deploying a node")]
    for code in (exits.DONE, exits.REFUSED, exits.USAGE, exits.NODE_RUNNING, exits.CONFIG):
        assert f" {code} " in bilingual("cli_exit_codes") and f"| {code} |" in section
    assert bilingual("cli_exit_codes") in EPILOG


# Accounts.

def test_an_account_for_another_office_is_refused_before_any_password_is_asked(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _node(monkeypatch, tmp_path / "node")

    def no_prompt(prompt: str = "") -> str:
        raise AssertionError(f"asked for a password: {prompt}")

    monkeypatch.setattr(users.getpass, "getpass", no_prompt)
    refused = main(["user", "add", "--username", "budi.kota", "--full-name", "Budi", "--role", "anggota_helpdesk",
                    "--office", "KOTA-16.71"])
    assert refused == exits.REFUSED
    err = capsys.readouterr().err
    assert err.startswith(f"Gagal menambah akun (Could not add the account): {bilingual('other_office_account')}")
    assert "[--office]" in err and "Node ini hanya melayani kantor kab-16.13 (This node serves kab-16.13 only)." in err
    assert not (tmp_path / "node").exists()  # no node was opened for it


def test_accounts_are_added_listed_and_refused_in_both_languages(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _node(monkeypatch, tmp_path / "node")
    add = ["user", "add", "--username", "Sari", "--full-name", "Sari Dewi", "--role", "anggota_helpdesk"]
    assert main([*add, "--office", "kab-16.13", "--password", "teh-manis-sore-hari"]) == exits.DONE
    assert capsys.readouterr().out == ("Akun 'sari' (anggota_helpdesk) ditambahkan di node kab-16.13 (Account 'sari'"
                                       " (anggota_helpdesk) added on node kab-16.13).\n")
    assert main([*add, "--password", "teh-manis-sore-hari"]) == exits.REFUSED
    assert capsys.readouterr().err == f"Gagal menambah akun (Could not add the account): " \
                                      f"{bilingual('username_taken')} [--username]\n"
    assert main(["user", "list"]) == exits.DONE
    listed = capsys.readouterr().out.splitlines()
    assert listed[0].split() == ["NAMA", "PENGGUNA", "PERAN", "KANTOR", "STATUS", "NAMA", "LENGKAP"]
    assert listed[1].split() == ["sari", "anggota_helpdesk", "kab-16.13", "aktif", "Sari", "Dewi"]
