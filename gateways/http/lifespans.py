"""Background work that lives as long as its host — the HTTP app (HELPDESK_BACKGROUND=inline) or `helpdesk worker`:
the projection follower, the daily retention job and the mailbox job (when the office has a mailbox), and the jobs of
job_lifespan. Each is an async context manager made from its host (the Litestar app, or None), which it ignores."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any, Protocol

from gateways.follower import Follower
from gateways.retention_job import RetentionJob

if TYPE_CHECKING:  # the mailbox job is imported only where an office has a mailbox (gateways/bootstrap.py)
    from gateways.mail.job import MailJob


def projections_lifespan(follower: Follower, retention_job: Callable[[], RetentionJob], mail_job: MailJob | None = None
                         ) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(host: Any) -> AsyncIterator[None]:
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


def job_lifespan(job: BackgroundJob | None) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """Starts a background job (the chat outbox, the notifications) with its host and stops it with it; nothing when
    the node has no such job."""
    @asynccontextmanager
    async def lifespan(host: Any) -> AsyncIterator[None]:
        if job is not None:
            job.start()
        try:
            yield
        finally:
            if job is not None:
                job.stop()

    return lifespan
