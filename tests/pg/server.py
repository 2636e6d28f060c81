"""A throwaway PostgreSQL server for the tests: Debian's binaries, a temporary folder, a unix socket.

    python -m tests.pg.server start [FOLDER]   prints the server's admin URL (keep it in
                                               TOURBUILDER_TEST_POSTGRES to share one server)
    python -m tests.pg.server stop FOLDER

The test suite starts its own server this way when TOURBUILDER_TEST_DATABASE=postgresql and no
TOURBUILDER_TEST_POSTGRES is given (see tests/conftest.py). The server listens on no TCP port
(only a socket in its folder, so runs never collide) and trades durability for speed (fsync off):
it holds nothing worth keeping. initdb refuses to run as root, so as root the server runs as the
`postgres` user that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SUPERUSER = "postgres"
SPEED_OVER_SAFETY = ("fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=200",
                     "shared_buffers=64MB")


class ServerError(RuntimeError):
    """PostgreSQL is missing or would not start; the message says how to fix it."""


def bin_dir() -> Path:
    """The folder of initdb and pg_ctl: TOURBUILDER_PG_BIN, else Debian's newest /usr/lib/postgresql/<v>/bin."""
    if os.environ.get("TOURBUILDER_PG_BIN"):
        return Path(os.environ["TOURBUILDER_PG_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise ServerError("PostgreSQL's initdb was not found: install Debian's server with `make postgres` "
                      "(apt-get install postgresql) or set TOURBUILDER_PG_BIN to the folder holding initdb")


def _run_as() -> list[str]:
    """The prefix that runs a server command as a user initdb accepts."""
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam(SUPERUSER)
    except KeyError:
        raise ServerError("running as root needs the 'postgres' user (Debian's postgresql package makes it)") from None
    return ["runuser", "-u", SUPERUSER, "--"]


def url(folder: Path, database: str = "postgres") -> str:
    """The SQLAlchemy URL of ``database`` on the server in ``folder`` (psycopg 3 over the socket)."""
    return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={folder}"


def start(folder: str | os.PathLike | None = None) -> tuple[Path, str]:
    """Make a new cluster in ``folder`` (a new temporary one by default), start it, and return
    (folder, admin URL). The folder is short (a unix socket path has at most 107 bytes)."""
    folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="tb-pg-", dir="/tmp"))
    folder.mkdir(parents=True, exist_ok=True)
    as_user = _run_as()
    if as_user:
        # The cluster's files belong to the server's user; root still reaches the socket.
        entry = pwd.getpwnam(SUPERUSER)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
        os.chmod(folder, 0o755)
    binaries = bin_dir()
    data = folder / "data"
    _call(as_user + [str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust",
                     "--encoding=UTF8", "--no-locale", "--no-sync"], "initdb")
    options = " ".join([f"-c listen_addresses=''", f"-k {folder}"] + [f"-c {o}" for o in SPEED_OVER_SAFETY])
    _call(as_user + [str(binaries / "pg_ctl"), "start", "-D", str(data), "-w", "-t", "60",
                     "-l", str(folder / "server.log"), "-o", options], "pg_ctl start", log=folder / "server.log")
    return folder, url(folder)


def stop(folder: str | os.PathLike) -> None:
    """Stop the server in ``folder`` and delete the folder (its data is throwaway)."""
    folder = Path(folder)
    if (folder / "data" / "postmaster.pid").exists():
        subprocess.run(_run_as() + [str(bin_dir() / "pg_ctl"), "stop", "-D", str(folder / "data"),
                                    "-m", "immediate", "-w"], capture_output=True, check=False)
    shutil.rmtree(folder, ignore_errors=True)


def _call(command: list[str], what: str, log: Path | None = None) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        if log is not None and log.exists():
            detail += "\n" + log.read_text(errors="replace")[-2000:]
        raise ServerError(f"{what} failed ({done.returncode}): {detail}")


def main(argv: list[str]) -> int:
    if len(argv) >= 1 and argv[0] == "start" and len(argv) <= 2:
        _, admin_url = start(argv[1] if len(argv) == 2 else None)
        print(admin_url)
        return 0
    if len(argv) == 2 and argv[0] == "stop":
        stop(argv[1])
        return 0
    print("usage: python -m tests.pg.server start [FOLDER] | stop FOLDER", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
