"""The CLI's installed names: `make install` puts it in BINDIR as aai-native, and as aai only
where that shadows no other aai (AssemblyAI's own CLI is also called aai). Runs `make install`
into a temporary prefix from the staged build (no compiling)."""

import os
import pathlib
import subprocess

import pytest

from cli_harness import ROOT, plain_env

STAGED = ROOT / "build/bin/aai-native"
pytestmark = pytest.mark.skipif(not STAGED.exists(), reason="build/bin/aai-native not built (make cli)")


def install(prefix, path_dirs=(), *extra):
    env = plain_env()
    env["PATH"] = os.pathsep.join([*map(str, path_dirs), "/usr/bin", "/bin"])
    r = subprocess.run(["make", "-s", "-C", str(ROOT), "install", f"PREFIX={prefix}", *extra], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r


def test_staged_build_has_both_names():
    assert (ROOT / "build/bin/aai").resolve() == STAGED.resolve()
    for name in ("aai", "aai-native"):
        r = subprocess.run([str(ROOT / "build/bin" / name), "--version"], env=plain_env(), capture_output=True, text=True)
        assert r.returncode == 0 and r.stdout.startswith("aai "), r.stderr


def test_install_links_aai_when_the_name_is_free(tmp_path):
    install(tmp_path)
    bindir = tmp_path / "bin"
    assert (bindir / "aai-native").is_file() and os.access(bindir / "aai-native", os.X_OK)
    assert os.readlink(bindir / "aai") == "aai-native"
    assert (tmp_path / "share/man/man1/aai-native.1").is_file()
    assert os.readlink(tmp_path / "share/man/man1/aai.1") == "aai-native.1"
    r = subprocess.run([str(bindir / "aai"), "--version"], env=plain_env(), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    # uninstall removes our link, and nothing else of the name
    subprocess.run(["make", "-s", "-C", str(ROOT), "uninstall", f"PREFIX={tmp_path}"], check=True,
                   capture_output=True, env=plain_env())
    assert not (bindir / "aai").exists() and not (bindir / "aai-native").exists()


def test_install_never_shadows_another_aai(tmp_path):
    other = tmp_path / "other-bin"
    other.mkdir()
    official = other / "aai"
    official.write_text("#!/bin/sh\necho official\n")
    official.chmod(0o755)
    prefix = tmp_path / "prefix"
    r = install(prefix, [other])
    assert (prefix / "bin/aai-native").is_file()
    assert not (prefix / "bin/aai").exists()
    assert "aai-native only" in r.stdout
    # one already in BINDIR is left alone too, and uninstall does not remove it
    prefix2 = tmp_path / "prefix2"
    (prefix2 / "bin").mkdir(parents=True)
    mine = prefix2 / "bin/aai"
    mine.write_text("#!/bin/sh\necho official\n")
    install(prefix2)
    assert mine.read_text().endswith("official\n")
    subprocess.run(["make", "-s", "-C", str(ROOT), "uninstall", f"PREFIX={prefix2}"], check=True,
                   capture_output=True, env=plain_env())
    assert mine.exists()


def test_aai_link_yes_and_no(tmp_path):
    install(tmp_path / "no", (), "AAI_LINK=no")
    assert not (tmp_path / "no/bin/aai").exists()
    other = tmp_path / "other-bin"
    other.mkdir()
    (other / "aai").write_text("#!/bin/sh\n")
    (other / "aai").chmod(0o755)
    install(tmp_path / "yes", [other], "AAI_LINK=yes")
    assert os.readlink(tmp_path / "yes/bin/aai") == "aai-native"


def test_destdir_installs_leave_the_name_to_the_package(tmp_path):
    install("/usr", (), f"DESTDIR={tmp_path}")
    assert (tmp_path / "usr/bin/aai-native").is_file()
    assert not (tmp_path / "usr/bin/aai").exists()
