"""Start (or stop) throwaway PostgreSQL and Redis for a developer's test run.

``start`` prints shell ``export`` lines (DATABASE_URL, REDIS_URL, AIG_THROWAWAY_DIR);
``stop DIR`` stops both. Used by scripts/test.sh only when the usual ones are absent.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.processes import PostgresServer, RedisServer


def start() -> None:
    pg = PostgresServer().start()
    redis_server = RedisServer()
    redis_server.start()
    state = {"pg_dir": str(pg.dir), "pg_user_args": pg._user_args, "redis_pid": redis_server.proc.pid}
    (pg.dir / "state.json").write_text(json.dumps(state))
    print(f"export DATABASE_URL=postgresql://postgres@127.0.0.1:{pg.port}/aiguardian")
    print(f"export REDIS_URL=redis://127.0.0.1:{redis_server.port}/0")
    print(f"export AIG_THROWAWAY_DIR={pg.dir}")


def stop(directory: str) -> None:
    state = json.loads((Path(directory) / "state.json").read_text())
    pg = PostgresServer.__new__(PostgresServer)
    pg.dir = Path(state["pg_dir"])
    pg.data = pg.dir / "data"
    pg._user_args = state["pg_user_args"]
    pg._env = dict(os.environ)
    pg.cleanup()
    try:
        os.kill(state["redis_pid"], 15)
    except ProcessLookupError:
        pass


if __name__ == "__main__":
    if sys.argv[1:2] == ["start"]:
        start()
    elif sys.argv[1:2] == ["stop"] and len(sys.argv) == 3:
        stop(sys.argv[2])
    else:
        sys.exit("usage: throwaway_services.py start | stop DIR")
