"""Scale-out for real: `prefect server start`, `prefect deploy` from prefect.yaml, a worker.

Slow (a server and three Prefect CLI processes, about a minute) but offline: everything
listens on 127.0.0.1 and Prefect keeps its SQLite under a temporary PREFECT_HOME.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from domain.enums import BookingStatus
from tests.flows.test_in_process import hold_status, seed_lapsed_hold

REPO = Path(__file__).resolve().parents[2]
PREFECT = str(Path(sys.executable).with_name("prefect"))

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("prefect-server")]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prefect_env(home: Path, **extra: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SAMIA_", "PREFECT_"))}
    return {
        **clean,
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_LOGGING_LEVEL": "WARNING",
        **extra,
    }


@pytest.fixture
def prefect_server(tmp_path: Path) -> Iterator[str]:
    """A real Prefect server on an ephemeral port, SQLite under a temporary home."""
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=prefect_env(tmp_path / "prefect-home"),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    api = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{api}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "prefect server did not start"
            time.sleep(0.5)
        yield api
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def prefect(*args: str, env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run(
        [PREFECT, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def post_retrying_busy(url: str, attempts: int = 10) -> httpx.Response:
    """POST as Prefect's own client does: a 503 means the server's database was busy, try again."""
    for _ in range(attempts - 1):
        answer = httpx.post(url, json={}, timeout=30)
        if answer.status_code != 503:
            break
        time.sleep(1)
    else:
        answer = httpx.post(url, json={}, timeout=30)
    answer.raise_for_status()
    return answer


def test_a_deployment_from_prefect_yaml_runs_on_a_process_worker(
    prefect_server: str, tmp_path: Path
) -> None:
    database_url = f"sqlite:///{tmp_path / 'samia.db'}"
    from storage.migrate import upgrade

    upgrade(database_url)
    hold_id = seed_lapsed_hold(database_url)
    env = prefect_env(
        tmp_path / "client-home",
        PREFECT_API_URL=prefect_server,
        PWD=str(REPO),  # prefect.yaml's pull step: the workers' checkout
        SAMIA_DATABASE_URL=database_url,
        SAMIA_VAR_DIR=str(tmp_path / "var"),
        SAMIA_SECRET_KEY=Fernet.generate_key().decode(),
    )

    prefect("work-pool", "create", "samia-process", "--type", "process", env=env)
    prefect("--no-prompt", "deploy", "--name", "expire-holds", env=env)
    deployment = httpx.get(f"{prefect_server}/deployments/name/expire-holds/expire-holds").json()
    assert deployment["work_pool_name"] == "samia-process"
    assert deployment["schedules"], "the schedule from prefect.yaml is missing"
    run = post_retrying_busy(f"{prefect_server}/deployments/{deployment['id']}/create_flow_run")
    prefect("worker", "start", "--pool", "samia-process", "--run-once", env=env, timeout=180)

    state = httpx.get(f"{prefect_server}/flow_runs/{run.json()['id']}").json()["state"]
    assert state["type"] == "COMPLETED", state
    assert hold_status(database_url, hold_id) is BookingStatus.EXPIRED
