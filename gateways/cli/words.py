"""What the `helpdesk` command says, and how: every line from the one catalogue (gateways/messages.py), in Bahasa
Indonesia with its English in brackets, argparse's own words ("usage:", "options", "invalid choice", …) included.

argparse words its frame through gettext (`argparse._`, `argparse.ngettext`); `Parser` swaps in the catalogue's
entries `argparse.<argparse's msgid>` while it builds, parses and prints, and puts each as one bilingual pattern with
its values once ("argumen berikut wajib diisi (the following arguments are required): %s"). A word argparse has that
the catalogue lacks stays in argparse's English.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TextIO

from gateways.messages import bilingual, catalogue

# A value in an argparse pattern (%s, %r, %(name)s), with the quotes around it: left out of the English gloss.
VALUE = re.compile(r"'?%(?:\([^)]*\))?[sdr]'?")


def say(code: str, /, *, detail: object = None, stream: TextIO | None = None, **values: object) -> None:
    """Prints the catalogue's `code` in both languages, then ": detail" when given (to stdout unless `stream`)."""
    line = bilingual(code, **values) if detail is None else f"{bilingual(code, **values)}: {detail}"
    print(line, file=stream or sys.stdout, flush=True)


def refuse(code: str, /, *, detail: object = None, **values: object) -> None:
    """`say` to stderr: a refusal, an error, a warning."""
    say(code, detail=detail, stream=sys.stderr, **values)


def sub_commands(parser: argparse.ArgumentParser, dest: str) -> argparse._SubParsersAction:
    """`parser`'s sub-commands, named in `dest`; the command without one prints its help (main.run)."""
    parser.set_defaults(help_of=(dest, parser))
    return parser.add_subparsers(dest=dest, metavar="PERINTAH")


def pattern(indonesian: str, english: str) -> str:
    """An argparse pattern in both languages, each value once: the English (its words only) glossed after the Bahasa
    Indonesia before the last ": " that introduces the values, or at the end."""
    if not english or english == indonesian:
        return indonesian
    id_at, en_at = indonesian.rfind(": "), english.rfind(": ")
    if id_at >= 0 and en_at >= 0:
        gloss = _words(english[:en_at])
        return f"{indonesian[:id_at]} ({gloss}){indonesian[id_at:]}" if gloss else indonesian
    core = indonesian.rstrip()
    return f"{core} ({_words(english)}){indonesian[len(core):]}"


def _words(english: str) -> str:
    return " ".join(VALUE.sub("", english).split()).strip(": ")


def argparse_words(text: str | None) -> str | None:
    """argparse's `_`: its English msgid, in both languages when the catalogue holds it."""
    if not text:
        return text
    texts = catalogue().coded.get(f"argparse.{text}")
    return pattern(*texts) if texts else text


def argparse_plural(singular: str, plural: str, count: int) -> str:
    """argparse's `ngettext`."""
    return argparse_words(singular if count == 1 else plural) or ""


@contextmanager
def argparse_in_both_languages() -> Iterator[None]:
    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._, argparse.ngettext = argparse_words, argparse_plural  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def _worded(method: Callable[..., Any]) -> Callable[..., Any]:
    def worded(self: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> Any:
        with argparse_in_both_languages():
            return method(self, *args, **kwargs)

    worded.__name__, worded.__doc__ = method.__name__, method.__doc__
    return worded


class Help(argparse.HelpFormatter):
    """argparse's help, a description's or epilog's paragraphs (split by a blank line) kept apart."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n\n".join(super(Help, self)._fill_text(part, width, indent) for part in text.split("\n\n"))


class Parser(argparse.ArgumentParser):
    """argparse's parser, its own words in both languages (its sub-commands are Parsers too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", Help)
        with argparse_in_both_languages():
            super().__init__(*args, **kwargs)

    parse_args = _worded(argparse.ArgumentParser.parse_args)
    parse_known_args = _worded(argparse.ArgumentParser.parse_known_args)
    format_usage = _worded(argparse.ArgumentParser.format_usage)
    format_help = _worded(argparse.ArgumentParser.format_help)
    add_subparsers = _worded(argparse.ArgumentParser.add_subparsers)

    def error(self, message: str) -> NoReturn:
        with argparse_in_both_languages():
            super().error(message)
