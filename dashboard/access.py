"""Who may write through the dashboard: read-only unless started with ``geo dashboard --allow-upload``; when
it also listens beyond this machine, an access token is required (printed at start, or taken from
``GEO_DASHBOARD_TOKEN``); uploads are limited in size and count.

Pure functions over the environment the launcher sets and the address Streamlit listens on (read from
Streamlit itself, so a dashboard started some other way on 0.0.0.0 still asks for the token: it fails
closed). The upload box uses ``Access.refusal``; any other writing view (analyst review) asks
``can_write(token)``.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from geo.core.access import (
    DEFAULT_MAX_FILES,
    DEFAULT_MAX_MB,
    ENV_MAX_FILES,
    ENV_MAX_MB,
    ENV_TOKEN,
    ENV_UPLOAD,
    TOKEN_PARAM,
    is_local,
)

__all__ = ["TOKEN_PARAM", "Access", "can_write", "current", "is_local"]


@dataclass(frozen=True)
class Access:
    upload: bool  # started with --allow-upload
    address: str  # where the server listens
    token: str | None  # required from the browser when not local
    max_bytes: int
    max_files: int

    @property
    def needs_token(self) -> bool:
        return self.upload and not is_local(self.address)

    def refusal(self, token: str | None) -> str | None:
        """Why this browser may not write (one line), or None when it may."""
        if not self.upload:
            return "This dashboard is read-only. To add articles, start it with: geo dashboard --allow-upload"
        if not self.needs_token:
            return None
        if not self.token:
            return (f"Uploads are off: the dashboard listens on {self.address} but has no access token; "
                    f"start it with geo dashboard --allow-upload (it prints one) or set {ENV_TOKEN}")
        if not token:
            return "Enter the access token (printed when the dashboard started) to add articles."
        if not hmac.compare_digest(token.encode("utf-8"), self.token.encode("utf-8")):
            return "That access token is not right; uploads stay off."
        return None

    def can_write(self, token: str | None) -> bool:
        return self.refusal(token) is None

    def check_uploads(self, files: Iterable[tuple[str, int]]) -> str | None:
        """Why these (name, size in bytes) uploads are refused (one line), or None when they are within limits."""
        files = list(files)
        if len(files) > self.max_files:
            return f"{len(files)} files at once; at most {self.max_files} per upload: add them in several goes."
        for name, size in files:
            if size > self.max_bytes:
                return (f"{name} is {size / 1e6:.1f} MB; at most {self.max_bytes / 1e6:.1f} MB per file"
                        f" (set {ENV_MAX_MB} to change it).")
        return None


def current(address: str | None, env: Mapping[str, str] | None = None) -> Access:
    """The access rules for a server listening on ``address``, from the launcher's environment."""
    env = os.environ if env is None else env
    try:
        max_mb = float(env.get(ENV_MAX_MB, DEFAULT_MAX_MB))
        max_files = int(env.get(ENV_MAX_FILES, DEFAULT_MAX_FILES))
    except ValueError:  # a bad setting must not open the door wider
        max_mb, max_files = DEFAULT_MAX_MB, DEFAULT_MAX_FILES
    return Access(
        upload=env.get(ENV_UPLOAD, "") == "1",
        address=address or "localhost",
        token=env.get(ENV_TOKEN) or None,
        max_bytes=int(max(0.0, max_mb) * 1e6),
        max_files=max(0, max_files),
    )


def can_write(token: str | None = None, address: str | None = None, env: Mapping[str, str] | None = None) -> bool:
    """True when a browser that gave ``token`` may write (upload, review) on the dashboard listening on
    ``address`` (default: Streamlit's server.address)."""
    if address is None:
        import streamlit as st

        address = str(st.get_option("server.address") or "localhost")
    return current(address, env).can_write(token)
