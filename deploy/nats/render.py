#!/usr/bin/env python3
"""Fills a nats-server config template of this folder with one office's values (standard library only).

    python3 render.py regency-leaf.conf kab-16.13.env > /etc/nats/nats-server.conf

The values file holds `NAME=value` lines (`#` starts a comment); office ids are written as node ids
(`kab-16.13`) and become subject tokens (`kab-16_13`) here. A hub's file also holds one
`CHILD=<node-id> <public nkey> [<public nkey>…]` line per office below it: each key becomes a copy of
`child-user.conf` in `${CHILD_USERS}` (two while a key is being replaced). `NODE_NKEY` is the public key
of the office's own node (its seed in the node's `nats_nkey_seed_file`). An office with a hub above it
names its leaf link's seed file in `LEAF_NKEY_SEED_FILE` (made by `helpdesk nats key --out FILE`); the
seed is written into the config, which therefore stays 0640. The integration test
(tests/integration/natstopo.py) renders the same templates with this module, so what is tested is what
is deployed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLACEHOLDER = re.compile(r"\$\{([A-Z][A-Z0-9_]*)\}")
TOKEN = re.compile(r"[a-z0-9][a-z0-9_-]*")
# nkeys' encoding (base32, checksum included): a user's public key "U…" and seed "SU…". nats-server checks the
# keys themselves; these catch a value pasted into the wrong place.
PUBLIC_NKEY = re.compile(r"U[A-Z2-7]{55}")
SEED_NKEY = re.compile(r"SU[A-Z2-7]{56}")
SEED_FILE = "LEAF_NKEY_SEED_FILE"  # read here; its seed goes into ${LEAF_NKEY_SEED}
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
        elif key.endswith("_NKEY") and not PUBLIC_NKEY.fullmatch(value):
            raise RenderError(f"{key}: {value!r} is not the public nkey of a user (U…, 56 characters: helpdesk nats"
                              " key)")
        elif key == "LEAF_NKEY_SEED" and not SEED_NKEY.fullmatch(value):
            raise RenderError(f"{SEED_FILE}: the file does not hold an nkey user seed (SU…: helpdesk nats key)")
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


def _seed_from_file(values: Mapping[str, str]) -> dict[str, str]:
    values = dict(values)
    if SEED_FILE in values:
        _checked({SEED_FILE: values[SEED_FILE]})  # the example's CHANGE-ME first, before any file is read
        try:
            values["LEAF_NKEY_SEED"] = Path(values.pop(SEED_FILE)).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError) as error:
            raise RenderError(f"{SEED_FILE}: {error}") from None
    return values


def render(template: str | Path, values: Mapping[str, str],
           children: Mapping[str, str | Sequence[str]] | None = None) -> str:
    """`template` is a path, or a file name in this folder; `children` maps child node ids to their public nkeys
    (one, or several while a key is being replaced)."""
    path = Path(template) if Path(template).exists() else HERE / template
    text = path.read_text()
    _checked({k: v for k, v in values.items() if k != SEED_FILE})  # the example's values refused before anything
    values = _seed_from_file(values)
    rendered = {}
    child = (HERE / CHILD_TEMPLATE).read_text()
    used = set(PLACEHOLDER.findall(text)) | (set(PLACEHOLDER.findall(child)) if "${CHILD_USERS}" in text else set())
    unused = sorted(set(values) - used)
    if unused:
        raise RenderError(f"{path.name} has no place for " + ", ".join(unused))
    if "${CHILD_USERS}" in text:
        blocks = [render_text(child, {**values, "CHILD": node, "CHILD_NKEY": key})
                  for node, keys in (children or {}).items() for key in _keys(keys)]
        rendered["CHILD_USERS"] = "".join(blocks) if blocks else "      # (no child offices yet)\n"
    elif children:
        raise RenderError(f"{path.name} has no child offices")
    return render_text(text, values, rendered)


def _keys(keys: str | Sequence[str]) -> list[str]:
    return keys.split() if isinstance(keys, str) else list(keys)


def read_values(path: str | Path) -> tuple[dict[str, str], dict[str, list[str]]]:
    values: dict[str, str] = {}
    children: dict[str, list[str]] = {}
    for number, raw in enumerate(Path(path).read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not re.fullmatch(r"[A-Z][A-Z0-9_]*", key):
            raise RenderError(f"{path}:{number}: expected NAME=value")
        if key == "CHILD":
            node, *keys = value.split()
            if not keys:
                raise RenderError(f"{path}:{number}: CHILD=<node id> <public nkey> [<public nkey>…]")
            children.setdefault(node, []).extend(keys)
        else:
            values[key] = value
    return values, children


def main(argv: list[str]) -> int:
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
