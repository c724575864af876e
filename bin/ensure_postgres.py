"""Make sure the PostgreSQL named by DATABASE_URL answers and its database exists.

Starts the local cluster when it is down (Debian's pg_ctlcluster) and fails loudly otherwise.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import dj_database_url
import psycopg
from psycopg import sql


def connect(cfg: dict, dbname: str) -> psycopg.Connection:
    return psycopg.connect(
        host=cfg["HOST"] or "127.0.0.1",
        port=cfg["PORT"] or 5432,
        user=cfg["USER"] or "postgres",
        password=cfg["PASSWORD"] or None,
        dbname=dbname,
        connect_timeout=3,
        autocommit=True,
    )


def start_local_cluster() -> None:
    versions = (
        sorted(p.name for p in Path("/etc/postgresql").glob("*"))
        if Path("/etc/postgresql").is_dir()
        else []
    )
    if not versions or not shutil.which("pg_ctlcluster"):
        return
    print(f"PostgreSQL is not answering; starting cluster {versions[-1]}/main", file=sys.stderr)
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=False
    )


def main() -> int:
    url = os.environ.get("DATABASE_URL", "")
    cfg = dj_database_url.parse(url)
    if "postgresql" not in cfg["ENGINE"]:
        print(f"DATABASE_URL must point at PostgreSQL for the tests, not {url!r}", file=sys.stderr)
        return 1
    error: Exception | None = None
    for attempt in range(30):
        try:
            with connect(cfg, "postgres") as conn:
                exists = conn.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]
                ).fetchone()
                if not exists:
                    conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(cfg["NAME"])))
                    print(f"Created database {cfg['NAME']}", file=sys.stderr)
            return 0
        except psycopg.OperationalError as exc:
            error = exc
            if attempt == 0 and cfg["HOST"] in ("", "127.0.0.1", "localhost"):
                start_local_cluster()
            time.sleep(1)
    print(
        f"ERROR: cannot reach PostgreSQL at {cfg['HOST']}:{cfg['PORT']}: {error}", file=sys.stderr
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
