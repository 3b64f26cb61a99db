"""Background work that lives as long as the HTTP app: the projection follower, the daily retention job and the
mailbox job (when the office has a mailbox)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from litestar import Litestar

from gateways.follower import Follower
from gateways.mail.job import MailJob
from gateways.retention_job import RetentionJob


def projections_lifespan(follower: Follower, retention_job: Callable[[], RetentionJob], mail_job: MailJob | None = None
                         ) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        follower.start()
        retention = retention_job()  # a new job each time the app starts: it runs once when it starts
        retention.start()
        if mail_job is not None:
            mail_job.start()
        try:
            yield
        finally:
            if mail_job is not None:
                mail_job.stop()
            retention.stop()
            follower.stop()

    return lifespan


class BackgroundJob(Protocol):
    def start(self) -> None: ...

    def stop(self) -> None: ...


def job_lifespan(job: BackgroundJob | None) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """Starts a background job (the chat outbox, the notifications) with the HTTP app and stops it with it; nothing
    when the node has no such job."""
    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        if job is not None:
            job.start()
        try:
            yield
        finally:
            if job is not None:
                job.stop()

    return lifespan
