"""Dashboard page load in a real headless Chromium (Debian's, through Playwright).

Seeds the demo data set (`samia init --demo`: three readers, 500 clients, six months of
bookings and payments) into a scratch SQLite file, or uses `--database URL`, serves the
hub on a loopback port and signs in by one-time links. Then, for the reader's page (this
month and the last 90 days) and the admin's platform page:
- cold: a fresh browser profile each time (nothing cached: HTML, CSS, script and the
  0.5 MB gzipped plotly.js all travel), from navigation start to the charts of the first
  screen drawn (the page as a phone shows it: the charts below follow one per idle slice),
  to every chart drawn, and to the first paint (headline numbers and tables come first);
- warm: reloads with the browser's cache (plotly.js comes from it), same end point;
- server: the HTML alone (figures computed, page rendered), over HTTP;
and prints p50 / p99 of each. Target: a page in under 1 s.

    .venv/bin/python bench/dashboard.py [--runs 20] [--database URL] [--screenshots docs]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.enums import Role
from hub.app import create_app
from hub.runtime import build_runtime
from hub.settings import FlowsMode, load_settings
from tests.support.browser import PHONE, chromium, free_socket, serve, skip_reason

DESKTOP = {"width": 1280, "height": 900}
PAGES = {
    "reader, this month": "/dashboard",
    "reader, last 90 days": "/dashboard?period=last+90+days",
    "admin, platform, last month": "/dashboard?period=last+month",
}


def seed(directory: Path) -> str:
    from hub.demo import seed_demo
    from storage.migrate import upgrade

    url = f"sqlite:///{directory / 'samia.db'}"
    upgrade(url)
    started = time.perf_counter()
    print(seed_demo(load_settings(database_url=url, flows=FlowsMode.OFF)))
    print(f"demo data seeded in {time.perf_counter() - started:.0f} s")
    return url


def quantiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:6.0f} ms   p99 {p99 * 1000:6.0f} ms"


async def drawn(page: Any, mark: str = "samia-charts-drawn") -> float:
    """Seconds from navigation start to the last chart drawn (the page's own mark)."""
    await page.wait_for_selector("html[data-charts-drawn]")
    return float(await page.evaluate(f"performance.getEntriesByName('{mark}')[0].startTime")) / 1000


async def screen_drawn(page: Any) -> float:
    """Seconds to the charts of the first screen drawn (the others follow when idle)."""
    return await drawn(page, "samia-screen-drawn")


async def first_paint(page: Any) -> float:
    """Seconds from navigation start to the first text on screen (figures and tables)."""
    paint = "performance.getEntriesByName('first-contentful-paint')[0].startTime"
    return float(await page.evaluate(paint)) / 1000


async def session_cookie(base: str, login_path: str) -> dict[str, str]:
    """Use a one-time link over HTTP and keep the session cookie it sets."""
    async with httpx.AsyncClient(base_url=base) as http:
        answer = await http.get(login_path)
        assert answer.status_code == 303, answer.text[:200]
        value = answer.cookies["samia_dashboard"]
    return {"name": "samia_dashboard", "value": value, "url": base}


async def fresh_context(browser: Any, cookie: dict[str, str], viewport: dict[str, int]) -> Any:
    """A new browser profile (empty cache) that is signed in."""
    context = await browser.new_context(viewport=viewport, device_scale_factor=2)
    await context.add_cookies([cookie])
    return context, await context.new_page()


async def measure(database_url: str, runs: int, screenshots: Path | None) -> None:
    sock = free_socket()
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    settings = load_settings(database_url=database_url, public_url=base, flows=FlowsMode.OFF)
    runtime = await build_runtime(settings)
    app = create_app(settings, runtime=runtime)
    link = runtime.deps.dashboard_link
    assert link is not None
    async with runtime.database.uows(read_only=True) as uow:
        readers = {r.slug: r for r in await uow.readers.list_active()}
    reader = readers.get("samia") or next(iter(readers.values()))

    async def path(role: Role, who: Any) -> str:
        return (await link(role, who)).removeprefix(base)

    try:
        async with app.router.lifespan_context(app), serve(app, sock), chromium() as browser:
            print(f"Chromium {browser.version}, {runs} runs per figure, phone viewport")
            for name, target in PAGES.items():
                role = Role.ADMIN if name.startswith("admin") else Role.READER
                cookie = await session_cookie(base, await path(role, reader.id))
                cold: list[float] = []
                painted: list[float] = []
                screen: list[float] = []
                for _ in range(runs):
                    context, page = await fresh_context(browser, cookie, PHONE)
                    await page.goto(base + target)
                    cold.append(await drawn(page))
                    screen.append(await screen_drawn(page))
                    painted.append(await first_paint(page))
                    await context.close()
                context, page = await fresh_context(browser, cookie, PHONE)
                await page.goto(base + target)
                await drawn(page)
                warm: list[float] = []
                for _ in range(runs):
                    await page.reload()
                    warm.append(await drawn(page))
                await context.close()
                server: list[float] = []
                jar = {cookie["name"]: cookie["value"]}
                async with httpx.AsyncClient(base_url=base, cookies=jar) as http:
                    for _ in range(runs):
                        started = time.perf_counter()
                        answer = await http.get(target)
                        server.append(time.perf_counter() - started)
                        assert answer.status_code == 200, answer.text[:200]
                print(f"{name:28} cold  {quantiles(screen)}   first screen, its charts drawn")
                print(f"{'':28}       {quantiles(cold)}   every chart drawn")
                print(f"{'':28}       {quantiles(painted)}   first paint (figures, tables)")
                print(f"{'':28} warm  {quantiles(warm)}")
                print(f"{'':28} HTML  {quantiles(server)}")
            if screenshots is not None:
                await shoot(browser, base, path, readers, screenshots)
    finally:
        await runtime.close()


async def shoot(browser: Any, base: str, path: Any, readers: dict[str, Any], out: Path) -> None:
    """The README's pictures: a reader on a phone (English and Arabic), the admin on a desktop."""
    await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
    month, quarter = "/dashboard?period=last+month", "/dashboard?period=last+90+days"
    shots = [
        ("dashboard-reader.png", Role.READER, readers.get("samia"), PHONE, month),
        ("dashboard-reader-ar.png", Role.READER, readers.get("layla"), PHONE, month),
        ("dashboard-admin.png", Role.ADMIN, None, DESKTOP, quarter),
    ]
    for name, role, reader, viewport, target in shots:
        if role is Role.READER and reader is None:
            continue
        who = reader.id if reader is not None else next(iter(readers.values())).id
        cookie = await session_cookie(base, await path(role, who))
        context, page = await fresh_context(browser, cookie, viewport)
        await page.goto(base + target)
        await drawn(page)
        # The top of the page (headline numbers and the first charts), not all of it.
        clip = {"x": 0, "y": 0, "width": viewport["width"], "height": viewport["height"] * 2}
        await page.screenshot(path=out / name, full_page=True, clip=clip)
        await context.close()
        print(f"saved {out / name}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database", help="an existing hub database (default: seed the demo)")
    parser.add_argument("--screenshots", type=Path, help="save the README's screenshots here")
    args = parser.parse_args()
    if (reason := skip_reason()) is not None:
        print(f"skipped: {reason}")
        return 0
    with tempfile.TemporaryDirectory(prefix="samia-bench-dashboard-") as scratch:
        url = args.database or seed(Path(scratch))
        asyncio.run(measure(url, args.runs, args.screenshots))
    return 0


if __name__ == "__main__":
    sys.exit(main())
