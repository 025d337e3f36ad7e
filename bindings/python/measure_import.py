#!/usr/bin/env python3
"""measure_import.py NATIVE_PYTHON OFFICIAL_PYTHON [RUNS]

Import time and peak RSS of `import assemblyai_native` (installed in the venv of NATIVE_PYTHON)
next to `import assemblyai` (OFFICIAL_PYTHON's venv), with `python -c pass` as the baseline:
RUNS interleaved runs of each (default 30), medians and the fastest run. Run it from a folder
that does not hold the package's sources (e.g. /tmp), so that the installed package is used."""

import os
import re
import statistics
import subprocess
import sys
import time

RSS = "import resource; print('RSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def _statement_imports_ms(importtime_log: str) -> float:
    """The cumulative times of the top-level imports after `site` (the interpreter's start-up),
    summed: the package's own line, plus the modules it imports later on first use."""
    lines = importtime_log.splitlines()
    start = max(i for i, x in enumerate(lines) if re.search(r"\|\s*site$", x)) + 1
    top = [x for x in lines[start:] if re.search(r"\| \S+$", x)]  # depth 0: one space before the name
    return sum(int(x.split("|")[1]) for x in top) / 1000


def main() -> None:
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    native, official = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    # The binding imports some modules on first use: the second row pays for all of them.
    every_name = "import assemblyai_native as aai; [getattr(aai, n) for n in aai.__all__]"
    cases = {
        "python -c pass (baseline)": (native, "pass"),
        "import assemblyai_native": (native, "import assemblyai_native"),
        "import assemblyai_native, then every public name": (native, every_name),
        "import assemblyai": (official, "import assemblyai"),
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ASSEMBLYAI", "PYTHON"))}
    res = {name: {"wall": [], "rss": [], "imp": []} for name in cases}
    for py, stmt in cases.values():  # warm-up: bytecode caches, page cache
        subprocess.run([py, "-c", stmt], env=env, check=True)
    for _ in range(runs):
        for name, (py, stmt) in cases.items():
            t0 = time.perf_counter()
            out = subprocess.run([py, "-c", f"{stmt}\n{RSS}"], env=env, check=True, capture_output=True, text=True).stdout
            res[name]["wall"].append((time.perf_counter() - t0) * 1000)
            res[name]["rss"].append(int(out.split()[-1]) / 1024)
            if stmt != "pass":
                err = subprocess.run([py, "-X", "importtime", "-c", stmt], env=env, check=True, capture_output=True,
                                     text=True).stderr
                res[name]["imp"].append(_statement_imports_ms(err))
    print(f"{runs} runs, load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs")
    print("| | `-X importtime`, cumulative (top-level imports after site) | wall time | peak RSS after import |\n|---|---|---|---|")
    for name, r in res.items():
        imp = f"{statistics.median(r['imp']):.1f} ms ({min(r['imp']):.1f})" if r["imp"] else ""
        print(f"| `{name}` | {imp} | {statistics.median(r['wall']):.1f} ms ({min(r['wall']):.1f}) "
              f"| {statistics.median(r['rss']):.1f} MB |")


if __name__ == "__main__":
    main()
