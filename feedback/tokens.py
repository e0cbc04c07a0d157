"""One-time tokens and the keyed hashes of e-mail addresses.

A token is 144 random bits, shown once (QR code, short link, mail) and stored only as its
SHA-256: a leaked database holds no working link. A plain hash is enough for a random token;
an e-mail address is guessable, so it is kept only as an HMAC keyed with the site's secret.
"""

import hashlib
import hmac
import secrets

from django.conf import settings

TOKEN_BYTES = 18  # 144 bits, 24 URL-safe characters


def token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def address_hash(email: str) -> str:
    key = f"feedback-address:{settings.SECRET_KEY}".encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()
