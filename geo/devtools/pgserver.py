"""A throw-away PostgreSQL + PostGIS server for tests and benchmarks (Debian's binaries, a temp folder,
a free loopback port). Never imported by the stores themselves."""

from __future__ import annotations

import logging
import os
import re
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from ..core.errors import StoreError

log = logging.getLogger(__name__)


def postgres_bindir() -> Path | None:
    """The folder of Debian's (or any) PostgreSQL server binaries with PostGIS available, else None."""
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: _version(p.parent.name))
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).parent)
    for bindir in reversed(candidates):
        if (bindir / "initdb").exists() and (bindir / "postgres").exists() and _has_postgis(bindir):
            return bindir
    return None


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", name)) or (0,)


def _has_postgis(bindir: Path) -> bool:
    ver = bindir.parent.name
    shares = [Path("/usr/share/postgresql") / ver / "extension", bindir.parent / "share" / "extension"]
    pg_config = bindir / "pg_config"
    if pg_config.exists():
        try:
            out = subprocess.run([str(pg_config), "--sharedir"], capture_output=True, text=True, timeout=10)
            shares.append(Path(out.stdout.strip()) / "extension")
        except (OSError, subprocess.SubprocessError):
            pass
    return any((s / "postgis.control").exists() for s in shares)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class TempPostgres:
    """A private PostgreSQL + PostGIS server on 127.0.0.1 in a temporary folder; ``stop()`` removes it.

    As root, the server runs as the ``postgres`` user (PostgreSQL refuses to run as root). ``durable=False``
    turns fsync off: fine for tests, not for data you keep. ``database(name)`` makes a fresh database with
    PostGIS (from a template, in ~0.1 s) and returns its URL.
    """

    TEMPLATE = "geo_template"

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="geo-pg-"))
        self.data = self.dir / "data"
        self._as_user: list[str] = []
        try:
            self._start(durable)
        except BaseException:
            self.stop()  # a half-started server or its folder must not be left behind
            raise

    def _start(self, durable: bool) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            runuser = shutil.which("runuser")
            self._as_user = [runuser, "-u", "postgres", "--"] if runuser else ["su", "postgres", "-c"]
        self._run(["initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
        opts = [
            "-c", "listen_addresses=127.0.0.1", "-c", f"port={self.port}",
            "-c", f"unix_socket_directories={self.dir}", "-c", "max_connections=50",
        ]  # fmt: skip
        if not durable:
            opts += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
        self._opts = opts  # resume() starts it the same way
        self._run(["pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", "-t", "60",
                   "-o", " ".join(opts), "start"])  # fmt: skip
        self.admin_url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._admin(f"CREATE DATABASE {self.TEMPLATE}")
        import psycopg

        with psycopg.connect(self.url(self.TEMPLATE), autocommit=True) as c:
            c.execute("CREATE EXTENSION postgis")
        self._n = 0

    def _run(self, argv: list[str]) -> None:
        cmd = [str(self.bindir / argv[0]), *argv[1:]]
        if self._as_user[:1] == ["su"]:
            cmd = [*self._as_user, " ".join(shlex.quote(a) for a in cmd)]
        else:
            cmd = [*self._as_user, *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=self.dir)
        if done.returncode:
            log_file = self.dir / "server.log"
            tail = log_file.read_text(errors="replace")[-2000:] if log_file.exists() else ""
            raise StoreError(f"{argv[0]} failed: {done.stderr.strip() or done.stdout.strip()}\n{tail}")

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as c:
            c.execute(sql.encode())  # our own DDL, no user input

    def url(self, db: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{db}"

    def database(self, name: str | None = None) -> str:
        """A new, empty database with PostGIS; its URL."""
        self._n += 1
        name = name or f"geo_{os.getpid()}_{self._n}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {self.TEMPLATE}")
        return self.url(name)

    def pause(self) -> None:
        """Stop the server as a crash would (``-m immediate``), keeping its data: ``resume()`` brings it back."""
        self._run(["pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"])

    def resume(self) -> None:
        """Start the server again on the same port and data (after ``pause()``); returns once it accepts."""
        self._run(["pg_ctl", "-D", str(self.data), "-l", str(self.dir / "server.log"), "-w", "-t", "60",
                   "-o", " ".join(self._opts), "start"])

    def stop(self) -> None:
        try:
            self._run(["pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        except (StoreError, OSError, subprocess.SubprocessError):
            log.warning("could not stop the test server in %s", self.dir)
        shutil.rmtree(self.dir, ignore_errors=True)
