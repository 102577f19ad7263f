"""A shared dashboard is safe by default: read-only unless ``geo dashboard --allow-upload``; beyond localhost an
access token is required to upload (printed at start, or ``GEO_DASHBOARD_TOKEN``); uploads are limited in
size and count. The rules (dashboard/access.py), the launcher (geo dashboard) and the page (AppTest)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import access
from geo.cli import main as geo_main
from geo.store import open_store

ROOT = Path(__file__).resolve().parents[2]
APP = str(ROOT / "dashboard" / "app.py")
SEED = ROOT / "tests" / "data" / "seeds" / "004_a322a2262cb437ac.txt"
UPLOAD = {"GEO_DASHBOARD_UPLOAD": "1"}


@pytest.mark.parametrize(("address", "local"), [
    ("localhost", True), ("127.0.0.1", True), ("127.3.2.1", True), ("::1", True), ("[::1]", True), (None, True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("analysts.lan", False),
])
def test_what_counts_as_this_machine_only(address, local):
    assert access.is_local(address) is local


def test_the_rules():
    ro = access.current("0.0.0.0", {})
    assert not ro.upload and "read-only" in ro.refusal("x") and "--allow-upload" in ro.refusal(None)
    assert access.current("localhost", UPLOAD).refusal(None) is None  # your own machine: no token
    no_token = access.current("0.0.0.0", UPLOAD)
    assert no_token.needs_token and "no access token" in no_token.refusal("anything")  # fails closed
    shared = access.current("0.0.0.0", {**UPLOAD, "GEO_DASHBOARD_TOKEN": "s3cret-token"})
    assert "Enter the access token" in shared.refusal(None)
    assert "not right" in shared.refusal("s3cret-tokeN")
    assert shared.refusal("s3cret-token") is None
    assert access.can_write("s3cret-token", "0.0.0.0", {**UPLOAD, "GEO_DASHBOARD_TOKEN": "s3cret-token"})
    assert not access.can_write("wrong", "0.0.0.0", {**UPLOAD, "GEO_DASHBOARD_TOKEN": "s3cret-token"})
    assert not access.can_write(None, "localhost", {})


def test_the_limits():
    gate = access.current("localhost", UPLOAD)
    assert (gate.max_bytes, gate.max_files) == (2_000_000, 20)
    assert gate.check_uploads([("a.txt", 1000)] * 20) is None
    assert gate.check_uploads([("a.txt", 1000)] * 21) == "21 files at once; at most 20 per upload: add them in several goes."
    assert gate.check_uploads([("a.txt", 10), ("big.html", 3_100_000)]).startswith("big.html is 3.1 MB; at most 2.0 MB")
    small = access.current("localhost", {**UPLOAD, "GEO_DASHBOARD_MAX_UPLOAD_MB": "0.5",
                                         "GEO_DASHBOARD_MAX_UPLOAD_FILES": "2"})
    assert (small.max_bytes, small.max_files) == (500_000, 2)
    bad = access.current("localhost", {**UPLOAD, "GEO_DASHBOARD_MAX_UPLOAD_MB": "lots"})
    assert bad.max_bytes == 2_000_000  # a bad setting keeps the default, never no limit


class Exec(Exception):
    pass


@pytest.fixture
def launched(monkeypatch, tmp_path):
    """Run ``geo dashboard ...`` up to the exec of streamlit; returns (command line, environment)."""
    got: dict = {}

    def fake_execve(path, cmd, env):
        got.update(cmd=cmd, env=env)
        raise Exec

    monkeypatch.chdir(tmp_path)  # the launcher chdirs to dashboard/; this puts the test's cwd back after
    monkeypatch.setattr("os.execve", fake_execve)
    for k in ("GEO_DASHBOARD_UPLOAD", "GEO_DASHBOARD_TOKEN"):
        monkeypatch.delenv(k, raising=False)

    def run(*args: str) -> tuple[list[str], dict[str, str]]:
        with pytest.raises(Exec):
            geo_main(["dashboard", *args])
        return got["cmd"], got["env"]

    return run


def test_the_launcher_is_read_only_by_default(launched, capsys, monkeypatch):
    monkeypatch.setenv("GEO_DASHBOARD_UPLOAD", "1")  # left over from elsewhere: not honoured without the flag
    cmd, env = launched("--address", "0.0.0.0")
    assert "GEO_DASHBOARD_UPLOAD" not in env and "GEO_DASHBOARD_TOKEN" not in env
    assert cmd[cmd.index("--server.address") + 1] == "0.0.0.0"
    assert cmd[cmd.index("--server.maxUploadSize") + 1] == "2"
    assert capsys.readouterr().err == ""


def test_the_launcher_prints_a_token_when_shared(launched, capsys, monkeypatch):
    _, env = launched("--allow-upload", "--address", "0.0.0.0")
    token = env["GEO_DASHBOARD_TOKEN"]
    assert env["GEO_DASHBOARD_UPLOAD"] == "1" and len(token) >= 20
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"access token (set GEO_DASHBOARD_TOKEN to choose it): {token}" in err
    assert f"?token={token}" in err
    monkeypatch.setenv("GEO_DASHBOARD_TOKEN", "team-token-2026")
    _, env = launched("--allow-upload", "--address", "0.0.0.0")
    assert env["GEO_DASHBOARD_TOKEN"] == "team-token-2026"
    assert "access token: team-token-2026" in capsys.readouterr().err
    _, env = launched("--allow-upload")  # localhost: uploads on, no token needed
    assert env["GEO_DASHBOARD_UPLOAD"] == "1"
    assert capsys.readouterr().err == ""


# --- the page ----------------------------------------------------------------------------------------------
@pytest.fixture
def page(monkeypatch, tmp_path):
    """The app on an empty named store, listening on ``address``; returns (AppTest, store)."""
    from streamlit import config

    before = {k: config.get_option(k) for k in ("server.address", "server.enableStaticServing")}
    config.set_option("server.enableStaticServing", True)
    store = tmp_path / "events.gpkg"
    monkeypatch.setenv("GEO_STORE", str(store))
    for k in ("GEO_DASHBOARD_UPLOAD", "GEO_DASHBOARD_TOKEN", "GEO_DASHBOARD_MAX_UPLOAD_MB",
              "GEO_DASHBOARD_MAX_UPLOAD_FILES"):
        monkeypatch.delenv(k, raising=False)

    def start(address: str = "localhost", **env: str) -> AppTest:
        config.set_option("server.address", address)
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        return AppTest.from_file(APP, default_timeout=60).run()

    yield start, store
    for k, v in before.items():
        config.set_option(k, v)


def upload_and_click(at: AppTest, *names: str) -> AppTest:
    uploader = at.sidebar.get("file_uploader")[0]
    for name in names:
        uploader.upload(name, SEED.read_bytes(), "text/plain")
    at.date_input(key="published").set_value(dt.date(2021, 4, 18)).run()
    return at.button(key="ingest").click().run()


def stored(store: Path) -> int:
    if not store.exists():
        return 0
    with open_store(store) as st:
        return st.counts()["articles"]


def infos(at: AppTest) -> str:
    return " ".join(m.value for m in [*at.info, *at.error])


def test_the_page_is_read_only_by_default(page):
    start, store = page
    at = start("0.0.0.0")
    assert not at.exception
    assert "This dashboard is read-only" in infos(at)
    assert at.sidebar.get("file_uploader")[0].proto.disabled and at.button(key="ingest").disabled
    assert stored(store) == 0


def test_uploads_on_localhost_need_no_token(page):
    start, store = page
    at = upload_and_click(start("localhost", GEO_DASHBOARD_UPLOAD="1"), "a.txt")
    assert not at.exception and "1 new" in at.session_state["ingest_summary"]
    assert stored(store) == 1


def test_uploads_beyond_localhost_need_the_token(page):
    start, store = page
    at = start("0.0.0.0", GEO_DASHBOARD_UPLOAD="1", GEO_DASHBOARD_TOKEN="team-token-2026")
    assert "Enter the access token" in infos(at)
    at.text_input(key="token").input("guess").run()
    assert "not right" in infos(at)
    assert at.sidebar.get("file_uploader")[0].proto.disabled and at.button(key="ingest").disabled
    at.text_input(key="token").input("team-token-2026").run()
    upload_and_click(at, "a.txt")
    assert not at.exception and "1 new" in at.session_state["ingest_summary"]
    assert stored(store) == 1


def test_shared_without_a_token_stays_closed(page):
    """Started some other way (streamlit run ... --server.address 0.0.0.0, uploads on, no token): closed."""
    start, store = page
    at = start("0.0.0.0", GEO_DASHBOARD_UPLOAD="1")
    assert "no access token" in infos(at)
    assert at.sidebar.get("file_uploader")[0].proto.disabled and at.button(key="ingest").disabled
    assert stored(store) == 0


def test_uploads_over_the_limits_are_refused_with_a_message(page):
    start, store = page

    def chosen(at: AppTest, *names: str) -> AppTest:
        for name in names:
            at.sidebar.get("file_uploader")[0].upload(name, SEED.read_bytes(), "text/plain")
        return at.run()

    size = len(SEED.read_bytes())
    at = chosen(start("localhost", GEO_DASHBOARD_UPLOAD="1", GEO_DASHBOARD_MAX_UPLOAD_MB="0.001"), "a.txt")
    assert f"a.txt is {size / 1e6:.1f} MB; at most 0.0 MB per file" in infos(at)
    assert at.button(key="ingest").disabled
    at = chosen(start("localhost", GEO_DASHBOARD_UPLOAD="1", GEO_DASHBOARD_MAX_UPLOAD_FILES="1"), "a.txt", "b.txt")
    assert "2 files at once; at most 1 per upload" in infos(at)
    assert at.button(key="ingest").disabled
    assert stored(store) == 0
