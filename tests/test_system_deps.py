"""`make test` installs Chromium, poppler-utils and nginx on a fresh machine, or stops with the one
line to run (tools/system-deps.sh). These run the real script with a PATH that lacks the programs."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "system-deps.sh"
#: what the script itself calls; everything else (chromium, apt-get, sudo, pdftoppm) is left out
TOOLS = ("bash", "id")


def _bare_path(tmp_path: Path, extra: dict[str, str] | None = None) -> str:
    """A PATH with only the shell basics, plus fake programs named in ``extra``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in TOOLS:
        (bin_dir / tool).symlink_to(shutil.which(tool))
    for name, body in (extra or {}).items():
        fake = bin_dir / name
        fake.write_text(f"#!{shutil.which('bash')}\n{body}\n")
        fake.chmod(0o755)
    return str(bin_dir)


def _run(path: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([shutil.which("bash"), str(SCRIPT), *args], env={"PATH": path}, capture_output=True,
                          text=True, timeout=60)


def test_missing_chromium_stops_with_the_line_to_run(tmp_path):
    res = _run(_bare_path(tmp_path), "test", "chromium:chromium", "pdftoppm:poppler-utils")
    assert res.returncode == 1
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0] == ("tipdash: missing chromium poppler-utils (needed by 'make test'); install them with: "
                        "sudo apt-get update && sudo apt-get install -y chromium poppler-utils")


def test_nothing_to_do_when_the_programs_are_there(tmp_path):
    fakes = {"chromium": "echo fake", "pdftoppm": "echo fake"}
    res = _run(_bare_path(tmp_path, fakes), "test", "chromium:chromium", "pdftoppm:poppler-utils")
    assert (res.returncode, res.stdout, res.stderr) == (0, "", "")


def test_a_failing_apt_get_says_what_to_run(tmp_path):
    """As root (or with password-less sudo) the script installs; when apt-get fails it says so."""
    fakes = {"apt-get": "exit 100", "id": "echo 0", "sudo": 'shift; "$@"'}
    res = _run(_bare_path(tmp_path, fakes), "bench", "chromium:chromium")
    assert res.returncode == 1
    assert "apt-get could not install chromium; install them with: sudo apt-get update && " \
           "sudo apt-get install -y chromium" in res.stderr


def test_make_test_checks_the_system_before_pytest():
    out = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True,
                         env={**os.environ, "MAKEFLAGS": ""}).stdout.splitlines()
    deps = next(i for i, line in enumerate(out) if "tools/system-deps.sh test" in line)
    pytest_line = next(i for i, line in enumerate(out) if "-m pytest" in line)
    assert deps < pytest_line
    assert "chromium:chromium" in out[deps] and "pdftoppm:poppler-utils" in out[deps]


def test_ci_runs_only_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert commands[-1] == "make test"
    assert "apt-get" not in ci
    assert "make test" in (ROOT / "README.md").read_text()
