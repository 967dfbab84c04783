"""make lighthouse: Lighthouse (mobile preset) on the demo review served by `make serve`.

Installs Lighthouse from the npm registry into .lighthouse/ (git-ignored), starts
`make serve` on a spare port, audits the demo review with Debian's Chromium and prints
the four category scores. Lighthouse 12 is used because 13 needs Node.js 22.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOL = ROOT / ".lighthouse"
LIGHTHOUSE = TOOL / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PAGE = "/reviews/ballard-season-1-review/"
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def install() -> None:
    if not LIGHTHOUSE.exists():
        TOOL.mkdir(exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(TOOL),
                "--no-audit",
                "--no-fund",
                "--silent",
                "lighthouse@12",
            ],
            check=True,
        )


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"make serve did not answer at {url}")


def main() -> int:
    if not shutil.which(CHROMIUM):
        raise SystemExit(f"Chromium not found at {CHROMIUM} (set CHROMIUM_PATH).")
    install()
    port = free_port()
    server = subprocess.Popen(
        ["make", "--no-print-directory", "serve", f"PORT={port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", 120)
        subprocess.run(
            [
                str(LIGHTHOUSE),
                f"http://127.0.0.1:{port}{PAGE}",
                "--quiet",
                "--output=json",
                "--output=html",
                f"--output-path={TOOL / 'report'}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run",
                "--only-categories=performance,accessibility,best-practices,seo",
            ],
            check=True,
            env=os.environ | {"CHROME_PATH": CHROMIUM},
            cwd=ROOT,
        )
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    data = json.loads((TOOL / "report.report.json").read_text())
    failed = False
    print(f"Lighthouse {data['lighthouseVersion']}, {data['configSettings']['formFactor']}, {PAGE}")
    for key, target in TARGETS.items():
        score = round(data["categories"][key]["score"] * 100)
        mark = "ok" if score >= target else f"below target {target}"
        failed |= score < target
        print(f"  {data['categories'][key]['title']:<15} {score:>3}  {mark}")
    for audit in data["audits"].values():
        if (
            audit.get("score") is not None
            and audit["score"] < 1
            and audit.get("scoreDisplayMode") in ("binary", "metricSavings")
        ):
            print(f"  - {audit['id']}: {audit['title']}")
    print(f"Full report: {TOOL / 'report.report.html'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
