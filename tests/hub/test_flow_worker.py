"""`samia serve` keeps a flows worker process: started, restarted when it dies, stopped."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import textwrap
from pathlib import Path

import pytest
from pydantic import SecretStr

from hub.flow_worker import READY_LINE, FlowWorkerProcess, WorkerState, settings_environment
from hub.settings import FlowsMode, Settings, load_settings

# A stand-in worker: says it is ready, then runs until its stdin closes, as the real one.
STAND_IN = textwrap.dedent(
    f"""
    import sys
    print({READY_LINE!r}, flush=True)
    sys.stdin.read()
    print("stopping", flush=True)
    """
)


async def wait_for(condition, seconds: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


def stand_in(settings: Settings) -> FlowWorkerProcess:
    return FlowWorkerProcess(settings, command=(sys.executable, "-c", STAND_IN))


def test_the_worker_gets_the_servers_settings_even_when_they_were_not_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = load_settings(
        database_url=f"sqlite:///{tmp_path}/hub.db",
        var_dir=tmp_path,
        admin_token=SecretStr("let-me-in"),
        flows=FlowsMode.INLINE,
    )

    environment = settings_environment(settings)
    for name in [n for n in os.environ if n.startswith("SAMIA_")]:
        monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    rebuilt = Settings(_env_file=None)  # type: ignore[call-arg]

    assert "SAMIA_TELEGRAM_BOT_TOKEN" not in environment  # unset stays unset
    assert rebuilt.database_url == settings.database_url
    assert rebuilt.var_dir == tmp_path.resolve()
    assert rebuilt.flows is FlowsMode.INLINE
    assert rebuilt.admin_token is not None
    assert rebuilt.admin_token.get_secret_value() == "let-me-in"


async def test_the_server_console_tells_when_the_worker_starts_and_is_ready(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    worker = stand_in(load_settings(var_dir=tmp_path))

    await worker.start()
    await wait_for(lambda: worker.state is WorkerState.READY)
    await worker.stop(grace=5)

    said = capsys.readouterr().out.splitlines()
    assert said[0].startswith(f"flows: worker started (pid {worker.pid})")
    assert "waiting for Prefect's local API" in said[0]
    assert said[1].startswith("flows: worker ready after ")


async def test_worker_is_ready_then_stops_when_the_server_stops(tmp_path: Path) -> None:
    worker = stand_in(load_settings(var_dir=tmp_path))

    await worker.start()
    await wait_for(lambda: worker.state is WorkerState.READY)
    pid = worker.pid
    await worker.stop(grace=5)

    assert worker.state is WorkerState.STOPPED
    assert pid is not None
    with pytest.raises(ProcessLookupError):  # gone, and reaped
        os.kill(pid, 0)


async def test_a_worker_that_dies_is_started_again(tmp_path: Path) -> None:
    worker = stand_in(load_settings(var_dir=tmp_path))
    await worker.start()
    await wait_for(lambda: worker.state is WorkerState.READY)
    first = worker.pid
    assert first is not None

    os.kill(first, signal.SIGKILL)
    await wait_for(lambda: worker.state is WorkerState.RESTARTING)
    await wait_for(lambda: worker.state is WorkerState.READY and worker.pid != first)
    await worker.stop(grace=5)

    assert worker.restarts == 1


async def test_a_worker_that_ignores_the_request_to_stop_is_killed(tmp_path: Path) -> None:
    stubborn = f"import time\nprint({READY_LINE!r}, flush=True)\ntime.sleep(60)\n"
    worker = FlowWorkerProcess(
        load_settings(var_dir=tmp_path), command=(sys.executable, "-c", stubborn)
    )
    await worker.start()
    await wait_for(lambda: worker.state is WorkerState.READY)

    started = asyncio.get_running_loop().time()
    await worker.stop(grace=0.5)

    assert asyncio.get_running_loop().time() - started < 5
    assert worker.state is WorkerState.STOPPED
