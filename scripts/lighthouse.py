"""make lighthouse: Lighthouse (mobile preset) on the home page and the demo review served
by `make serve`, in the light and the dark colour scheme.

Installs Lighthouse from the npm registry into .lighthouse/ (git-ignored), starts
`make serve` on a spare port, audits each page with Debian's Chromium (the dark scheme by
Chromium's --force-dark-mode, which makes prefers-color-scheme: dark match) and prints the
four category scores. Lighthouse 12 is used because 13 needs Node.js 22.
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
PAGES = {"home": "/", "review": "/reviews/ballard-season-1-review/"}
SCHEMES = {"light": "", "dark": " --force-dark-mode"}
TARGETS = {"performance": 98, "accessibility": 98, "best-practices": 98, "seo": 98}


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


def audit(url: str, name: str, flags: str) -> dict:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            "--output=html",
            f"--output-path={TOOL / name}",
            f"--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run{flags}",
            "--only-categories=performance,accessibility,best-practices,seo",
        ],
        check=True,
        env=os.environ | {"CHROME_PATH": CHROMIUM},
        cwd=ROOT,
    )
    return json.loads((TOOL / f"{name}.report.json").read_text())


def report(data: dict, label: str) -> bool:
    """Print one audit's scores; True when every category meets its target."""
    ok = True
    settings = data["configSettings"]
    print(f"Lighthouse {data['lighthouseVersion']}, {settings['formFactor']}, {label}")
    for key, target in TARGETS.items():
        score = round(data["categories"][key]["score"] * 100)
        mark = "ok" if score >= target else f"below target {target}"
        ok &= score >= target
        print(f"  {data['categories'][key]['title']:<15} {score:>3}  {mark}")
    for audit in data["audits"].values():
        if (
            audit.get("score") is not None
            and audit["score"] < 1
            and audit.get("scoreDisplayMode") in ("binary", "metricSavings")
        ):
            print(f"  - {audit['id']}: {audit['title']}")
    return ok


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
    results = {}
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", 120)
        for page, path in PAGES.items():
            for scheme, flags in SCHEMES.items():
                name = f"report-{page}-{scheme}"
                results[f"{path} ({scheme})", name] = audit(
                    f"http://127.0.0.1:{port}{path}", name, flags
                )
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    failed = False
    for (label, name), data in results.items():
        failed |= not report(data, label)
        print(f"  Full report: {TOOL / (name + '.report.html')}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
