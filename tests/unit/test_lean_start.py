"""A node at rest carries only what it uses (P5, docs/benchmarks.md: every process ≤ 150 MB): the PDF and XLSX
renderers, S3, the mailbox's IMAP client and MIME reader, the iCalendar library and lokal's table of every desa are
loaded when first needed, not by starting a node that has no mailbox, keeps its files on disk and has printed
nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAZY = ("boto3", "openpyxl", "reportlab", "imapclient", "icalendar")
SCRIPT = """
import json, sys
from gateways.app import create_app
from gateways.bootstrap import build_node
from gateways.config import load_settings
from lokal import wilayah
node = build_node(load_settings({}, node_id=sys.argv[1], database="sqlite", data_dir=sys.argv[2], nats_url="",
                                log_level="error"))
create_app(node)
node.close()
print(json.dumps({"modules": sorted({name.split(".")[0] for name in sys.modules}),
                  "desa_index": wilayah._child_index is not None}))
"""


def started(tmp_path: Path, node_id: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, node_id, str(tmp_path / node_id)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_regency_node_starts_without_the_libraries_it_has_not_used(tmp_path: Path) -> None:
    found = started(tmp_path, "kab-16.13")
    assert [name for name in LAZY if name in found["modules"]] == []
    assert found["desa_index"] is False  # the kecamatan count reads the small table only


def test_a_province_lists_its_regencies_without_the_table_of_every_desa(tmp_path: Path) -> None:
    assert started(tmp_path, "prov-16")["desa_index"] is False

