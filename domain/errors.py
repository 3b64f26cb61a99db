"""Domain errors: each has a stable code; gateways turn codes into messages and HTTP statuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Literal, TypeVar

ErrorKind = Literal["conflict", "invalid", "not_found", "forbidden", "unauthenticated", "throttled"]
T = TypeVar("T")


class DomainError(Exception):
    """A rule of the SOP was broken. `code` is stable; `kind` says what sort of refusal it is."""

    code: ClassVar[str] = "domain_error"
    kind: ClassVar[ErrorKind] = "conflict"

    def __init__(self, field: str | None = None, **params: Any) -> None:
        super().__init__(self.code if field is None else f"{self.code} ({field})")
        self.field = field
        self.params = params

    def field_errors(self) -> list[DomainError]:
        """The refusals this error stands for, one per field: itself when it names a field."""
        return [self] if self.field else []


class StepOutOfOrder(DomainError):
    """A step of the consultation script was taken before the step it depends on."""

    kind = "conflict"


class InvalidInput(DomainError):
    """A value the domain cannot accept (a malformed phone number, an empty text...)."""

    kind = "invalid"


# The consultation script, step by step.
class ProblemAlreadyRecorded(StepOutOfOrder):
    code = "problem_already_recorded"


class ProblemNotRecorded(StepOutOfOrder):
    code = "problem_not_recorded"


class RestatementMissing(StepOutOfOrder):
    code = "restatement_missing"


class ProblemAlreadyConfirmed(StepOutOfOrder):
    code = "problem_already_confirmed"


class AnswerBeforeConfirmation(StepOutOfOrder):
    code = "answer_before_confirmation"


class AlreadyAnswered(StepOutOfOrder):
    code = "already_answered"


class NotAnswered(StepOutOfOrder):
    code = "not_answered"


class RepeatNotNeeded(StepOutOfOrder):
    code = "repeat_not_needed"


class AwaitingRepeat(StepOutOfOrder):
    code = "awaiting_repeat"


class NotUnderstoodYet(StepOutOfOrder):
    code = "not_understood_yet"


class AlreadyLogged(StepOutOfOrder):
    code = "already_logged"


class NotLogged(StepOutOfOrder):
    code = "not_logged"


class DocumentationRequired(StepOutOfOrder):
    code = "documentation_required"


class AlreadyClosed(StepOutOfOrder):
    code = "already_closed"


class AlreadyEscalated(StepOutOfOrder):
    code = "already_escalated"


class NotWithCommissioner(StepOutOfOrder):
    code = "not_with_commissioner"


class NotEscalated(StepOutOfOrder):
    code = "not_escalated"


class NoClarificationRequested(StepOutOfOrder):
    code = "no_clarification_requested"


class CaseNotAccepted(StepOutOfOrder):
    code = "case_not_accepted"


class AwaitingClarification(StepOutOfOrder):
    code = "awaiting_clarification"


class CaseAlreadyAccepted(StepOutOfOrder):
    code = "case_already_accepted"


class CaseClosed(StepOutOfOrder):
    code = "case_closed"


class NoOfficeAbove(StepOutOfOrder):
    code = "no_office_above"


class EscalationBeforeConfirmation(StepOutOfOrder):
    code = "escalation_before_confirmation"


# Values.
class BasisRequired(InvalidInput):
    code = "basis_required"


class TextRequired(InvalidInput):
    code = "text_required"


class PartyRequired(TextRequired):
    """Neither a party of the list nor the name of another one."""

    code = "party_required"


class TextTooLong(InvalidInput):
    code = "text_too_long"


class InvalidCharacters(InvalidInput):
    """Control characters in a text: nobody types them, PostgreSQL cannot store NUL, XLSX cannot hold any."""

    code = "invalid_characters"


class InvisibleCharacters(InvalidInput):
    """Invisible or format characters in a name (a zero-width space, a BOM, a bidi override, a line separator, a
    control character): a name made of them looks empty or reads backwards on every list and report."""

    code = "invisible_characters"


class InvalidPhone(InvalidInput):
    code = "invalid_phone"


class InvalidEmail(InvalidInput):
    code = "invalid_email"


class ContactRequired(InvalidInput):
    code = "contact_required"


class UnknownParty(InvalidInput):
    code = "unknown_party"


class InvalidHash(InvalidInput):
    code = "invalid_hash"


class DocumentationNotStored(InvalidInput):
    """The documentation names no file this office keeps with that SHA-256: a record must not close on nothing."""

    code = "documentation_not_stored"


class InvalidFields(InvalidInput):
    """Several values refused at once, so a person corrects every field in one go; `errors` holds each refusal."""

    code = "invalid_fields"

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__(field=errors[0].field if errors else None)
        self.errors = errors

    def field_errors(self) -> list[DomainError]:
        return list(self.errors)


class Refusals:
    """Checks several fields and refuses them together: one InvalidFields for all that were wrong (or the one error
    itself when only one was), raised by raise_any."""

    def __init__(self) -> None:
        self.errors: list[DomainError] = []

    def check(self, run: Callable[[], T]) -> T | None:
        try:
            return run()
        except InvalidInput as error:
            self.add(error)
            return None

    def add(self, error: DomainError) -> None:
        self.errors.extend(error.field_errors() or [error])

    def raise_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise InvalidFields(self.errors)


class InvalidOffice(InvalidInput):
    code = "invalid_office"


class InvalidUsername(InvalidInput):
    code = "invalid_username"


class WeakPassword(InvalidInput):
    code = "weak_password"


class BlankPassword(WeakPassword):
    """Mostly spaces: ten spaces are ten characters, and no secret."""

    code = "password_blank"


class CommonPassword(WeakPassword):
    """On the list of passwords people use most (gateways/data/common_passwords.txt), or one of them with digits."""

    code = "password_common"


class PasswordHasUsername(WeakPassword):
    code = "password_has_username"


# Accounts and access.
class UsernameTaken(DomainError):
    code = "username_taken"
    kind = "conflict"


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    kind = "unauthenticated"


class UserInactive(DomainError):
    code = "user_inactive"
    kind = "conflict"


class UserAlreadyActive(DomainError):
    code = "user_already_active"
    kind = "conflict"


class NotPermitted(DomainError):
    code = "not_permitted"
    kind = "forbidden"


class RoleNotAppointable(DomainError):
    """The caller's role may not appoint, change or deactivate an account of this role (domain/roles.py APPOINTS)."""

    code = "role_not_appointable"
    kind = "forbidden"


class OwnAccountChange(DomainError):
    """Nobody deactivates or demotes their own account."""

    code = "own_account_change"
    kind = "forbidden"


class OtherOfficeAccount(InvalidInput):
    """One node serves one office's staff: an account for another office is made on that office's node."""

    code = "other_office_account"


class AccountOfOtherOffice(DomainError):
    """An account whose office is not the node's (made before the rule): it cannot sign in here."""

    code = "account_of_other_office"
    kind = "forbidden"


class LoginThrottled(DomainError):
    """Too many wrong logins for this account or from this address; `retry_after_seconds` says how long to wait, `by`
    which waits ("account" or "address")."""

    code = "login_throttled"
    kind = "throttled"


class TotpRequired(DomainError):
    code = "totp_required"
    kind = "unauthenticated"


class TotpInvalid(DomainError):
    code = "totp_invalid"
    kind = "unauthenticated"


class TotpCodeWrong(InvalidInput):
    """The code typed to confirm the authenticator app is not the app's current code."""

    code = "totp_code_wrong"


class TotpNotOffered(DomainError):
    """A second factor is offered to the Ketua, the commissioners and the centre's auditors."""

    code = "totp_not_offered"
    kind = "forbidden"


class TotpNotStarted(DomainError):
    code = "totp_not_started"
    kind = "conflict"


class TotpAlreadyOn(DomainError):
    code = "totp_already_on"
    kind = "conflict"


class NotFound(DomainError):
    code = "not_found"
    kind = "not_found"


class ConcurrentChange(DomainError):
    """Someone else changed the record between our read and our write; the client should reload."""

    code = "concurrent_change"
    kind = "conflict"


def all_error_classes() -> list[type[DomainError]]:
    """Every concrete error, so a catalogue can be checked for completeness."""
    found: list[type[DomainError]] = []
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found
