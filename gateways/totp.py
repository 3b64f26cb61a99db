"""Authenticator-app codes (RFC 6238 TOTP, 30 s, 6 digits) with pyotp: the services' TotpCodes port."""

from __future__ import annotations

from datetime import datetime

import pyotp


class PyOtpCodes:
    def new_secret(self) -> str:
        return pyotp.random_base32()  # 32 base32 characters: 160 bits, as RFC 4226 recommends

    def verify(self, secret: str, code: str, at: datetime) -> bool:
        # One step either side: a phone's clock a few seconds off, or a code typed as it changes.
        if not code.isdigit() or len(code) != 6:
            return False
        return pyotp.TOTP(secret).verify(code, for_time=at, valid_window=1)

    def uri(self, secret: str, account: str, issuer: str) -> str:
        return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)
