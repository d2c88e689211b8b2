"""Chart PNG render time: each chart of the analytics issue N times, English and Arabic.

One renderer is reused, as the hub keeps one; the process's first chart (matplotlib's
font cache, the fonts' first layout) is reported on its own. Prints wall-clock
p50/p99/max per chart kind and language, the CPU time per chart (steadier than the wall
clock on a shared machine; the load average is printed at the end) and the PNG sizes.
`--out DIR` also writes one PNG per chart and language (how docs/charts/ was made).
Offline, single thread (rendering is CPU-bound), with the hub's garbage collector settings.

    .venv/bin/python bench/charts.py [--n 60] [--out docs/charts]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._chart_specs import chart_specs
from connectors.charts import MatplotlibChartRenderer
from hub.gc_tuning import keep_full_collections_rare

TARGET_MS = 150.0


def figures(label: str, wall: list[float], cpu: list[float], size: int | None = None) -> str:
    ms = sorted(t * 1000 for t in wall)
    p99 = statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]
    line = (
        f"{label:<16} p50 {statistics.median(ms):6.1f} ms  p99 {p99:6.1f} ms  "
        f"max {ms[-1]:6.1f} ms  cpu p50 {statistics.median(cpu) * 1000:6.1f} ms"
    )
    return line if size is None else f"{line}  {size / 1024:5.1f} KiB"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=60, help="renders per chart and language")
    parser.add_argument("--out", type=Path, help="write one PNG per chart and language here")
    args = parser.parse_args()
    specs = {language: chart_specs(language) for language in ("en", "ar")}

    renderer = MatplotlibChartRenderer()
    started = time.perf_counter()
    renderer.render(specs["en"]["sessions"])
    print(f"first chart in the process: {(time.perf_counter() - started) * 1000:.0f} ms")
    keep_full_collections_rare()  # the garbage collector as `samia serve` sets it

    every_wall: list[float] = []
    every_cpu: list[float] = []
    for language, charts in specs.items():
        for kind, spec in charts.items():
            png = renderer.render(spec)
            if args.out is not None:
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / f"{kind}-{language}.png").write_bytes(png)
            wall, cpu = [], []
            for _ in range(args.n):
                began, began_cpu = time.perf_counter(), time.process_time()
                renderer.render(spec)
                wall.append(time.perf_counter() - began)
                cpu.append(time.process_time() - began_cpu)
            every_wall.extend(wall)
            every_cpu.extend(cpu)
            print(figures(f"{kind} {language}", wall, cpu, len(png)), flush=True)
    print(f"{figures('all', every_wall, every_cpu)}  (target p50 and p99 < {TARGET_MS:.0f} ms)")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
