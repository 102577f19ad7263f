"""The dashboard's write switch as ``geo dashboard`` hands it over: environment names, what counts as
listening on this machine only, and the access token (the rules themselves are ``dashboard/access.py``)."""

from __future__ import annotations

import ipaddress
import secrets

ENV_UPLOAD = "GEO_DASHBOARD_UPLOAD"  # "1": started with --allow-upload
ENV_TOKEN = "GEO_DASHBOARD_TOKEN"
ENV_MAX_MB = "GEO_DASHBOARD_MAX_UPLOAD_MB"
ENV_MAX_FILES = "GEO_DASHBOARD_MAX_UPLOAD_FILES"
DEFAULT_MAX_MB = 2.0  # a long article is ~100 KB of text; a saved page with its markup rarely passes 2 MB
DEFAULT_MAX_FILES = 20  # per upload
TOKEN_PARAM = "token"  # also accepted in the page's URL: http://host:8501/?token=...


def is_local(address: str | None) -> bool:
    """True when ``address`` (Streamlit's server.address) only accepts connections from this machine."""
    host = (address or "localhost").strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name or an interface: others may reach it


def new_token() -> str:
    return secrets.token_urlsafe(18)
