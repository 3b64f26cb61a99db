"""Each staff member's own choice of what reaches them outside the app (part of the Helpdesk application): load their
settings (started on first use), one domain step, save. What they receive in the app needs no command: the read
model records it from the events (projections/notifications.py)."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from domain.errors import NotFound
from domain.notification_values import Choices, checked_choices
from domain.notifications import NotificationSettings, settings_id
from services.base import NodeApplication
from services.views import UserView


class ChoicesInput(msgspec.Struct, frozen=True, kw_only=True):
    """The choices as typed in the account page's form or the API (empty text: none)."""

    email: str | None = None
    telegram_chat_id: str | None = None
    email_kinds: Sequence[str] = ()
    telegram_kinds: Sequence[str] = ()


class NotificationCommands(NodeApplication):
    def choose_notifications(self, caller: UserView, given: ChoicesInput) -> Choices:
        """The caller's own choices, and only theirs: nobody chooses for someone else. Unchanged choices record
        nothing."""
        choices = checked_choices(given.email, given.telegram_chat_id, given.email_kinds, given.telegram_kinds)
        settings = self._settings(caller.username) or NotificationSettings.start(caller.username, self.clock())
        if settings.choose(choices, caller.username, self.clock()):
            self._save(settings)
        return settings.choices

    def notification_choices(self, caller: UserView) -> Choices:
        settings = self._settings(caller.username)
        return settings.choices if settings is not None else Choices()

    def _settings(self, username: str) -> NotificationSettings | None:
        try:
            found = self._load(settings_id(username))
        except NotFound:
            return None
        return found if isinstance(found, NotificationSettings) else None
