"""A mail's HTML made safe to show, and made into text to read.

`sanitise` keeps the structure of what was written (paragraphs, lists, tables, emphasis, links) and drops whatever
acts or calls out: scripts, styles, event attributes, frames, forms, and every image — a remote one tells the
sender who read the mail and when, a `data:` one carries what it likes, and a `cid:` one points at a part that is
kept as an attachment anyway. Links keep only http, https and mailto addresses.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl", "dt", "em", "font",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "li", "ol", "p", "pre", "q", "s", "small", "span",
    "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "tt", "u", "ul",
})
_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"},
               "ol": {"start"}}
# Dropped with everything inside them (the rest of what is not allowed is dropped, its text kept).
_DROPPED_WHOLE = frozenset({"script", "style", "head", "title", "template", "noscript", "iframe", "object",
                            "embed", "svg", "math", "select", "textarea"})
_SCHEMES = frozenset({"http", "https", "mailto"})

# Elements that start or end a line in the text a person reads.
_LINE_BREAKS = frozenset({"p", "br", "div", "li", "tr", "table", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5",
                          "h6", "hr", "ul", "ol", "dl", "dt", "dd"})
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def sanitise(html: str) -> str:
    """The HTML with only what shows words: no script, no event attribute, no style, no frame, no image."""
    return nh3.clean(html, tags=set(_TAGS), clean_content_tags=set(_DROPPED_WHOLE), attributes=_ATTRIBUTES,
                     url_schemes=set(_SCHEMES), strip_comments=True, link_rel="noopener noreferrer nofollow").strip()


def html_text(html: str) -> str:
    """The words of an HTML mail as lines of text: tags removed, entities read, paragraphs and list items on lines
    of their own."""
    reader = _TextReader()
    reader.feed(html)
    reader.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(reader.parts).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


class _TextReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities read as the characters they name (html.unescape)
        self.parts: list[str] = []
        self._hidden = 0  # inside a script, a style, a head…

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROPPED_WHOLE:
            self._hidden += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in _LINE_BREAKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _LINE_BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROPPED_WHOLE:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _LINE_BREAKS and tag != "li":  # the next item starts its own line
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data.replace("\r", "").replace("\n", " "))
