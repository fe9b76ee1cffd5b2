"""The add-in from a wheel (acceptance): the wheel built from this source tree, installed into a
fresh virtual environment as a clerk's computer gets it, builds nianbao.xlam with
``nianbao addin build``; without the extra nianbao[addin] the same command says what to install.

Nothing of the development environment leaks in: the wheel is built from a copy of the project's
files (so no build output lands in the tree), the new environment is made without the system's or
this environment's packages, and it runs from a folder where the source tree cannot be imported.
pip resolves the wheel's own requirements, from the same package index (and its local cache) that
``make`` installed the development environment from. Only pip's byte-compiling of the installed
files is left out (--no-compile): it takes most of the install's time and nothing here depends on it.
"""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from nianbao.addin import build

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 600  # seconds for one pip run; a cold cache downloads pandas and numpy


def run(*command: str | Path, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "NIANBAO_MACROS", "PYTHONHOME"}}
    env |= {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1", "PYTHONUTF8": "1"}
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT, check=False)
    if check and done.returncode != 0:
        pytest.fail(f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built from a copy of the files it is built from."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copyfile(ROOT / name, source / name)
    shutil.copytree(ROOT / "src", source / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", source, "-w", work / "dist", cwd=work)
    [built] = (work / "dist").glob("nianbao-*.whl")
    return built


def test_the_wheel_holds_the_addin_sources_and_keeps_xlwings_in_the_extra(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as package:
        names = set(package.namelist())
        [metadata] = [n for n in names if n.endswith(".dist-info/METADATA")]
        requires = email.message_from_bytes(package.read(metadata)).get_all("Requires-Dist")
    for source in build.MACRO_SOURCES:
        assert f"nianbao/addin/macros/{source}" in names, source
    assert "nianbao/spec/spec.toml" in names
    for package_name in ("xlwings", "pyopenvba"):
        markers = {r.partition(";")[2].strip() for r in requires if r.lower().startswith(package_name)}
        assert 'extra == "addin"' in markers and "" not in markers, markers  # never a core requirement


def test_pip_install_of_the_wheel_then_addin_build(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    nianbao = venv / ("Scripts/nianbao.exe" if os.name == "nt" else "bin/nianbao")
    pip = [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-compile"]
    xlam = tmp_path / "out" / "nianbao.xlam"

    # the core alone: it converts; the add-in's command says, in Chinese, what to install, and fails
    run(*pip, wheel, cwd=tmp_path)
    where = "import nianbao, sys; print(nianbao.__file__); print(sys.prefix)"
    located = run(python, "-c", where, cwd=tmp_path)
    module_file, prefix = located.stdout.splitlines()
    assert Path(module_file).is_relative_to(venv) and Path(prefix) == venv  # not the source tree
    # the converter needs no xlwings
    report = ROOT / "tests" / "data" / "cases" / "004_zibo_2021.txt"
    run(nianbao, "convert", report, "-o", tmp_path / "年报.xlsx", cwd=tmp_path)
    assert (tmp_path / "年报.xlsx").is_file()
    refused = run(nianbao, "addin", "build", "-o", xlam, cwd=tmp_path, check=False)
    assert refused.returncode != 0 and not xlam.exists()
    assert 'pip install "nianbao[addin]"' in refused.stderr and "xlwings" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr

    # with the extra: the add-in is built from the wheel's own sources
    run(*pip, f"{wheel}[addin]", cwd=tmp_path)
    run(nianbao, "addin", "build", "-o", xlam, cwd=tmp_path)
    assert zipfile.is_zipfile(xlam)
    modules = build.addin_modules(xlam)
    assert set(modules) >= {build.RIBBON_MODULE, build.XLWINGS_MODULE}
    assert modules[build.RIBBON_MODULE].replace("\r\n", "\n") == build.ribbon_source().replace("\r\n", "\n")
    with build._pyopenvba().ExcelFile(xlam) as book:
        assert book.vba_project().name == "nianbao" and book.validate() == []
    with zipfile.ZipFile(xlam) as package:
        assert package.read(build.CUSTOM_UI).decode("utf-8") == build.custom_ui_source()
