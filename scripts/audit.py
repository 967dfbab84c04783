"""make audit: fail on a known vulnerability in what is installed, or a stale Django/Pillow.

1. pip-audit checks every installed distribution against its vulnerability service.
   Where that service cannot be reached (a closed network), pip-audit skips packages
   instead of failing; we say so loudly rather than report "no known vulnerabilities".
2. Django and Pillow publish security fixes often, so each must be the newest release
   the package index offers within pyproject.toml's range.
"""

import json
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("django", "pillow")


def pip_audit() -> int:
    result = subprocess.run(
        [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off"],
        capture_output=True,
        text=True,
    )
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stderr.strip() or result.stdout.strip())
        print("pip-audit: FAILED to run")
        return 1
    audited = [d for d in report["dependencies"] if "skip_reason" not in d]
    skipped = [d for d in report["dependencies"] if "skip_reason" in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    print(
        f"pip-audit: {len(audited)} audited, {len(vulnerable)} vulnerable, {len(skipped)} skipped"
    )
    if skipped and not audited:
        print(
            "pip-audit: WARNING the vulnerability service could not be reached from this "
            "machine; only the release check below protects this run."
        )
    return 1 if vulnerable else 0


def newest_allowed(name: str, spec) -> Version:
    out = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", name],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("Available versions:"))
    versions = [Version(v.strip()) for v in line.split(":", 1)[1].split(",")]
    return max(v for v in versions if not v.is_prerelease and v in spec)


def release_check() -> int:
    from importlib.metadata import version

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = {Requirement(r).name.lower(): Requirement(r).specifier for r in project["dependencies"]}
    failures = 0
    for name in WATCHED:
        installed = Version(version(name))
        newest = newest_allowed(name, specs[name])
        status = "ok" if installed >= newest else "OUTDATED"
        failures += status != "ok"
        print(f"release check: {name} installed {installed}, newest allowed {newest}: {status}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(max(pip_audit(), release_check()))
