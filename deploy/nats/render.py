#!/usr/bin/env python3
"""Fills a nats-server config template of this folder with one office's values (standard library only).

    python3 render.py regency-leaf.conf kab-16.13.env > /etc/nats/nats-server.conf
    python3 render.py --password            # a new password (URL-safe, for a leaf remote URL too)

The values file holds `NAME=value` lines (`#` starts a comment); office ids are written as node ids
(`kab-16.13`) and become subject tokens (`kab-16_13`) here. A hub's file also holds one
`CHILD=<node-id> <password>` line per office below it: each becomes a copy of `child-user.conf` in
`${CHILD_USERS}`. The integration test (tests/integration/natstopo.py) renders the same templates with
this module, so what is tested is what is deployed.
"""

from __future__ import annotations

import re
import secrets
import sys
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
TOKEN = re.compile(r"[a-z0-9][a-z0-9_-]*")
PASSWORD = re.compile(r"[A-Za-z0-9_-]{16,}")
OFFICE_KEYS = ("OFFICE", "PARENT", "CHILD")  # node ids, written into the config as subject tokens
CHILD_TEMPLATE = "child-user.conf"


class RenderError(ValueError):
    """A value is missing, unknown to the template, or unsafe to put into a config file."""


def token(node_id: str) -> str:
    """The subject token of a node id, as services.integration.subject_token makes it."""
    value = node_id.strip().replace(".", "_")
    if not TOKEN.fullmatch(value):
        raise RenderError(f"not an office id: {node_id!r} (lower-case letters, digits, '-', '.')")
    return value


def _checked(values: Mapping[str, str]) -> dict[str, str]:
    out = {}
    for key, value in values.items():
        value = str(value)
        if key in OFFICE_KEYS:
            value = token(value)
        elif "CHANGE-ME" in value:
            raise RenderError(f"{key}: still the example's value")
        elif key.endswith("PASSWORD") and not PASSWORD.fullmatch(value):
            # It also goes into a nats-leaf:// URL, so only URL-safe characters.
            raise RenderError(f"{key}: at least 16 characters of A-Z a-z 0-9 _ - (python3 render.py --password)")
        elif any(c in value for c in '"\n\\'):
            raise RenderError(f"{key}: no quotes, backslashes or line breaks")
        out[key] = value
    return out


def render_text(text: str, values: Mapping[str, str], rendered: Mapping[str, str] | None = None) -> str:
    """Replaces every ${NAME}; a name without a value is an error, never an empty string. `rendered` holds
    blocks made by this module, put in unchecked."""
    values = _checked(values) | dict(rendered or {})
    missing = sorted({m for m in PLACEHOLDER.findall(text) if m not in values})
    if missing:
        raise RenderError("no value for " + ", ".join(missing))
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def render(template: str | Path, values: Mapping[str, str], children: Mapping[str, str] | None = None) -> str:
    """`template` is a path, or a file name in this folder; `children` maps child node ids to passwords."""
    path = Path(template) if Path(template).exists() else HERE / template
    text = path.read_text()
    rendered = {}
    child = (HERE / CHILD_TEMPLATE).read_text()
    used = set(PLACEHOLDER.findall(text)) | (set(PLACEHOLDER.findall(child)) if "${CHILD_USERS}" in text else set())
    unused = sorted(set(values) - used)
    if unused:
        raise RenderError(f"{path.name} has no place for " + ", ".join(unused))
    if "${CHILD_USERS}" in text:
        blocks = [render_text(child, {**values, "CHILD": node, "CHILD_PASSWORD": password})
                  for node, password in (children or {}).items()]
        rendered["CHILD_USERS"] = "".join(blocks) if blocks else "      # (no child offices yet)\n"
    elif children:
        raise RenderError(f"{path.name} has no child offices")
    return render_text(text, values, rendered)


def read_values(path: str | Path) -> tuple[dict[str, str], dict[str, str]]:
    values: dict[str, str] = {}
    children: dict[str, str] = {}
    for number, raw in enumerate(Path(path).read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not re.fullmatch(r"[A-Z][A-Z0-9_]*", key):
            raise RenderError(f"{path}:{number}: expected NAME=value")
        if key == "CHILD":
            node, _, password = value.partition(" ")
            children[node.strip()] = password.strip()
        else:
            values[key] = value
    return values, children


def main(argv: list[str]) -> int:
    if argv == ["--password"]:
        print(secrets.token_urlsafe(24))
        return 0
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        values, children = read_values(argv[1])
        sys.stdout.write(render(argv[0], values, children))
    except (OSError, RenderError) as error:
        print(f"render.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
