"""Every text a person reads is in the one catalogue (gateways/messages.py over gateways/web/locale/en.po), in Bahasa
Indonesia and in English: each `_("…")` of the templates and page handlers, each code the domain and the edge name,
each label; and no Indonesian sentence is put together anywhere else."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path
from string import Formatter
from typing import get_args

from domain.audit import NoteCode, ProblemCode
from domain.errors import all_error_classes
from domain.hops import HopState
from domain.retention import RuleCode
from domain.script import Status
from domain.timeline import Mark
from domain.values import BasisKind, Channel
from gateways.messages import MESSAGES, bilingual, label, message
from gateways.messages import catalogue as entries
from gateways.reports import labels
from gateways.web import workspace_view
from gateways.web.i18n import catalogue, translator

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "gateways" / "web"
# _("text") or _('text') in templates and Python; texts passed through variables are listed in MENU/ROLE_NAMES.
CALL = re.compile(r"""_\(\s*(["'])((?:(?!\1).)+)\1""")


def source_texts() -> set[str]:
    found: set[str] = set()
    for path in [*WEB.rglob("*.html"), *WEB.rglob("*.py")]:
        found |= {match.group(2) for match in CALL.finditer(path.read_text(encoding="utf-8"))}
    from gateways.web.render import MENU, ROLE_NAMES, TIER_NAMES

    found |= {item.label for item in MENU} | {item.group.label for item in MENU if item.group.label}
    found |= set(ROLE_NAMES.values()) | set(TIER_NAMES.values())
    return found


def test_every_text_has_an_english_translation() -> None:
    english = catalogue("en")
    assert english is not None
    missing = sorted(text for text in source_texts() if not (english.get(text) and english.get(text).string))
    assert missing == [], f"add these to gateways/web/locale/en.po: {missing}"


def test_indonesian_is_the_source_and_placeholders_survive() -> None:
    assert translator("id")("Keluar") == "Keluar"
    assert translator("en")("Keluar") == "Log out"
    assert translator("en")("Selamat datang, {name}.", name="Ani") == "Welcome, Ani."
    assert translator("xx")("Keluar") == "Keluar"  # an unknown language falls back to Bahasa Indonesia


# The codes the code names.

def python_files(*folders: str) -> list[Path]:
    return sorted(path for folder in folders for path in (ROOT / folder).rglob("*.py"))


def _constant(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def named_codes() -> set[str]:
    """Every code written out where the edge names one: at a call that words it (message("x"), say("x"),
    error_response(status, "x"), label("kind", "code")), given to a name `code`, or in a table named for codes
    (CODE_OF_STATUS)."""
    found: set[str] = set()
    for path in python_files("gateways"):
        for call in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(call, ast.Assign) and len(call.targets) == 1 and isinstance(call.targets[0], ast.Name):
                name, value = call.targets[0].id, call.value
                if name == "code" and _constant(value):
                    found.add(value.value)  # type: ignore[attr-defined]
                elif "CODE" in name and isinstance(value, ast.Dict):
                    found |= {c for c in map(_constant, value.values) if c}
            if not isinstance(call, ast.Call):
                continue
            name = getattr(call.func, "id", getattr(call.func, "attr", ""))
            args = [_constant(a) for a in call.args]
            if name in ("message", "say", "_say") and args and args[0]:
                found.add(args[0])
            elif name == "error_response" and len(args) > 1 and args[1]:
                found.add(args[1])
            elif name == "label" and len(args) > 1 and args[0] and args[1]:
                found.add(f"{args[0]}.{args[1]}")
    return found


def domain_codes() -> set[str]:
    for path in python_files("domain"):
        importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))  # every error class
    return ({cls.code for cls in all_error_classes()} | set(get_args(ProblemCode)) | set(get_args(NoteCode))
            | set(get_args(RuleCode)))


def label_codes() -> set[str]:
    kinds = {"channel": Channel, "status": Status, "basis": BasisKind, "hop": HopState}
    return {f"{kind}.{member.value}" for kind, enum in kinds.items() for member in enum} | {
        f"{kind}.{code}" for kind, codes in (("channel", labels.CHANNEL_CODES), ("status", labels.STATUS_CODES),
                                             ("basis", labels.BASIS_CODES), ("hop", labels.HOP_STATE_CODES),
                                             ("source", (*labels.ANSWER_SOURCES, "province")),
                                             ("event", workspace_view.EVENT_CODES),
                                             ("basis_full", workspace_view.BASIS_CODES),
                                             ("documentation", workspace_view.DOCUMENTATION_CODES),
                                             ("mark", [mark.value for mark in Mark]))
        for code in codes
    }


def test_every_code_the_domain_and_the_edge_name_has_both_languages() -> None:
    coded = entries().coded
    codes = domain_codes() | named_codes() | label_codes()
    missing = sorted(code for code in codes if code not in coded)
    assert missing == [], f"add these codes (msgctxt) to gateways/web/locale/en.po: {missing}"
    unsaid = sorted(code for code, (indonesian, english) in coded.items() if not (indonesian and english))
    assert unsaid == [], f"give these codes both languages: {unsaid}"
    # The codes a domain error can carry are the messages; labels are `kind.code`, apart from them.
    assert {cls.code for cls in all_error_classes()} <= MESSAGES.keys()
    assert not any("." in code for code in MESSAGES)


def fields(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in Formatter().parse(text) if name}


def test_both_languages_fill_in_the_same_values() -> None:
    # A chain's problem is told shorter in English (its detail); the next test checks those against their values.
    coded = {code: texts for code, texts in entries().coded.items() if code not in get_args(ProblemCode)}
    differ = {code: (fields(i), fields(e)) for code, (i, e) in coded.items() if fields(i) != fields(e)}
    assert differ == {}
    told_short = {entries().coded[code][0] for code in get_args(ProblemCode)}
    written = {text: english for text, english in entries().english.items()
               if text not in told_short and fields(text) != fields(english)}
    assert written == {}


def test_each_problem_of_a_chain_is_given_the_values_its_words_need() -> None:
    # verify_chain names a problem by its code and values; the words may ask only for values it gives.
    tree = ast.parse((ROOT / "domain" / "audit.py").read_text(encoding="utf-8"))
    given: dict[str, set[str]] = {}
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        if getattr(call.func, "id", getattr(call.func, "attr", "")) in ("report", "_problem"):
            codes = [c for c in map(_constant, call.args) if c in get_args(ProblemCode)]
            # The gap's code is chosen before the call (one entry or several); a call passing values on is no source.
            named = [k.arg for k in call.keywords if k.arg]
            if not codes and named and any(isinstance(a, ast.Name) and a.id == "code" for a in call.args):
                codes = [c for c in get_args(ProblemCode) if c.startswith("audit_entr") and c.endswith("missing")]
            for code in codes:
                given[code] = {"office", "seq", *named}
    assert given.keys() == set(get_args(ProblemCode))
    for code, names in given.items():
        indonesian, english = entries().coded[code]
        assert fields(indonesian) | fields(english) <= names, code


def test_one_entry_per_text() -> None:
    # A page text the same as a coded entry's words, with the same English, is the coded entry (`_()` finds it).
    coded = {indonesian: english for indonesian, english in entries().coded.values()}
    with open(ROOT / "gateways" / "web" / "locale" / "en.po", encoding="utf-8") as po:
        blocks = po.read().split("\n\n")
    written = [re.search(r'^msgid "(.*)"$', b, re.M) for b in blocks if "msgctxt" not in b]
    texts = [m.group(1).replace('\\"', '"') for m in written if m and m.group(1)]
    assert len(texts) == len(set(texts))
    repeated = sorted(t for t in texts if coded.get(t) and coded[t] == entries().english.get(t))
    assert repeated == []


def test_the_catalogue_words_a_code_in_either_language() -> None:
    assert message("already_closed") == "Konsultasi ini sudah ditutup."
    assert message("already_closed", "en") == "This consultation is closed."
    assert message("no_such_code") == message("domain_error")  # an unknown code says the request failed
    assert message("file_too_large", "en", limit=25) == "The file is too large: at most 25 MB. Nothing was stored."
    assert label("channel", "walk_in") == "Tatap muka" and label("channel", "walk_in", "en") == "Walk-in"
    assert label("channel", "carrier_pigeon") == "carrier_pigeon"
    assert labels.answer_source("prov-16") == "Helpdesk KPU Provinsi (prov-16)"
    # A page that shows a label through `_()` finds its English in the coded entry.
    assert translator("en")(labels.status("closed")) == labels.status("closed", "en") == "Done"


# No Indonesian sentence outside the catalogue.

# Words of Bahasa Indonesia that English text does not use: two of them make a text Indonesian.
INDONESIAN = frozenset("""
yang tidak dan atau untuk dengan sudah belum dari pada ini itu oleh harus dapat akan bila jika telah sebelum setelah
bukan ada lagi semua terlebih dahulu silakan coba sedang masih hanya kantor entri
""".split())
# Documentation that says both languages inline: argparse's help, OpenAPI's summary and description.
DOCUMENTATION = ("help", "summary", "description")


def indonesian(text: str) -> bool:
    return len(set(re.findall(r"[a-z]+", text.lower())) & INDONESIAN) >= 2


def not_said(tree: ast.AST) -> set[int]:
    """The nodes that are no text shown to a person: docstrings, inline documentation, an f-string's pieces."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body:
            first = body[0]
            if isinstance(first, ast.Expr) and _constant(first.value) is not None:
                skipped.add(id(first.value))
        if isinstance(node, ast.keyword) and node.arg in DOCUMENTATION:
            skipped |= {id(inner) for inner in ast.walk(node.value)}
        if isinstance(node, ast.JoinedStr):
            skipped |= {id(piece) for piece in node.values}
    return skipped


def texts_outside_the_catalogue() -> set[str]:
    known = set(entries().english) | {indonesian for indonesian, _ in entries().coded.values()} | {
        text for texts in entries().plurals for text in texts}  # a text that counts: ngettext's singular and plural
    found: set[str] = set()
    for path in python_files("domain", "services", "projections", "gateways"):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except FileNotFoundError:  # moved away while the folder was read
            continue
        skipped = not_said(tree)
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.JoinedStr):
                text = "".join(p.value if isinstance(p, ast.Constant) else "{}" for p in node.values)
                if indonesian(text):
                    found.add(text)  # put together in code: never the catalogue's, whatever its words
            elif (text := _constant(node)) is not None and indonesian(text) and text not in known:  # type: ignore[arg-type]
                found.add(text)
    return found


def test_no_indonesian_sentence_is_put_together_outside_the_catalogue() -> None:
    found = texts_outside_the_catalogue()
    assert sorted(found) == [], "put these texts in gateways/web/locale/en.po and look them up"


def test_the_check_sees_a_sentence_put_together_in_code() -> None:
    tree = ast.parse('def f(seq):\n    """Entri yang hilang dan tidak ada."""\n    return f"Entri {seq} tidak ada."\n')
    skipped = not_said(tree)
    said = [n for n in ast.walk(tree) if id(n) not in skipped and isinstance(n, (ast.JoinedStr, ast.Constant))]
    assert [type(n) for n in said] == [ast.JoinedStr]
    assert indonesian("Entri {} hilang sebelum entri {}.") and indonesian("Isi entri {} telah diubah.")
    assert not indonesian("entry 20 missing before 21") and not indonesian("Tatap muka")  # labels are too short


def test_the_command_line_and_the_retention_rule_say_what_they_said_before_the_move() -> None:
    # Each line in Bahasa Indonesia; the command line says it with its English in brackets (gateways/cli/words.py).
    assert message("cli_node_serves", office="kab-16.13") == "Node ini hanya melayani kantor kab-16.13."
    assert message("cli_erasures_replayed", erasures=3, subjects=2, again=1, gone=1) == \
        "3 penghapusan tercatat, 2 subjek: 1 kunci dimusnahkan lagi, 1 sudah musnah."
    assert message("cli_lost_here", first=8, last=10, lost=3).startswith(
        "Hilang di node ini: posisi 8–10 (3 peristiwa). Kantor tetangga diberi tahu")
    assert message("cli_node_serves", "en", office="kab-16.13") == "This node serves kab-16.13 only."
    assert bilingual("cli_node_serves", office="kab-16.13") == \
        "Node ini hanya melayani kantor kab-16.13 (This node serves kab-16.13 only)."
    from datetime import date

    from domain.retention import RecordKind, RetentionPolicy

    policy = RetentionPolicy(years={kind: 2 for kind in RecordKind}, stage_end=date(2024, 10, 20))
    kept = ", ".join(f"{kind.value}=2y" for kind in RecordKind)
    assert policy.rule() == ("retention_from_stage_end", {"kept": kept, "stage_end": "2024-10-20"})
    assert policy.describe(message) == (f"{kept}; dihitung dari akhir tahapan 2024-10-20 atau kegiatan terakhir"
                                        " catatan, mana yang lebih akhir")
    assert RetentionPolicy(years=policy.years).describe(message) == \
        f"{kept}; dihitung dari kegiatan terakhir catatan (akhir tahapan tidak diatur)"
