"""Where the CLI writes: --out as a folder or a file, overwriting only with --force, and a reader that goes away
(`dieselwatch score ... | head -1`): clear messages and exit codes, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dieselwatch.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture()
def home(tmp_path, capsys):
    h = str(tmp_path / "home")
    assert run(capsys, "--home", h, "demo", "--out", str(tmp_path / "demo"), "--vehicles", "2", "--days", "1",
               "--load")[0] == 0
    return h


def test_out_folder_gets_the_default_name_and_an_existing_file_needs_force(home, tmp_path, capsys):
    folder = tmp_path / "out"
    folder.mkdir()
    code, out, _ = run(capsys, "--home", home, "lists", "export", "--out", str(folder))
    written = list(folder.iterdir())
    assert code == 0 and len(written) == 1 and written[0].name.startswith("lists-") and str(written[0]) in out
    first = written[0].stat().st_mtime_ns
    code, _, err = run(capsys, "--home", home, "lists", "export", "--out", str(folder))
    assert code == 3 and "already exists: add --force" in err and written[0].name in err
    assert written[0].stat().st_mtime_ns == first  # refused before anything was written
    code, _, err = run(capsys, "--home", home, "lists", "export", "--out", str(written[0]), "--force")
    assert code == 0 and err == ""


def test_file_where_a_folder_belongs_and_a_missing_folder(home, tmp_path, capsys):
    f = tmp_path / "notices.txt"
    f.write_text("keep me")
    code, _, err = run(capsys, "--home", home, "notices", "export", "--out", str(f))
    assert code == 3 and "is a file, not a folder" in err and f.read_text() == "keep me"
    code, _, err = run(capsys, "--home", home, "audit", "export", "--out", str(tmp_path / "nowhere" / "a.xlsx"))
    assert code == 3 and "folder" in err and "does not exist" in err and "Traceback" not in err
    code, _, err = run(capsys, "--home", home, "demo", "--out", str(f))
    assert code == 3 and "is a file, not a folder" in err


def test_os_error_on_a_named_file_is_exit_3(home, tmp_path, capsys, monkeypatch):
    from dieselwatch.services import publication

    def full_disk(ws, out, *a, **k):
        raise OSError(28, "No space left on device", str(out))

    monkeypatch.setattr(publication, "export_publication", full_disk)
    code, _, err = run(capsys, "--home", home, "lists", "export", "--out", str(tmp_path / "x.xlsx"))
    assert code == 3 and "No space left on device" in err and "x.xlsx" in err


@pytest.mark.parametrize("command", [["score", "--from", "2026-10-01", "--to", "2026-10-01"],
                                     ["samples", "VIN", "--from", "2026-10-01", "--to", "2026-10-01"]])
def test_broken_pipe_exits_quietly(home, command):
    """The reader of stdout has gone before the output is written: exit 141 as a shell reports SIGPIPE, nothing on
    stderr (no traceback, no 'Exception ignored' at exit), for a scoring table and a vehicle's samples alike."""
    if "VIN" in command:
        from dieselwatch.services.overview import vehicle_rows
        from dieselwatch.workspace import Workspace

        ws = Workspace.open(home=home)
        command[1] = vehicle_rows(ws)[0].vin
        ws.close()
    read, write = os.pipe()
    os.close(read)
    r = subprocess.run([sys.executable, "-m", "dieselwatch", "--home", home, *command], stdout=write,
                       stderr=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=120)
    os.close(write)
    assert r.returncode == 141, r.stderr
    assert r.stderr.strip() == "", r.stderr


def test_demo_flag_with_a_command_works_on_the_demo_home(home, tmp_path, capsys, monkeypatch):
    """`dieselwatch --demo imports` lists the demo's batches, not the (empty) real home's."""
    import dieselwatch.config as config

    monkeypatch.delenv("DIESELWATCH_HOME", raising=False)
    monkeypatch.setattr(config.platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "data"))
    (tmp_path / "data").mkdir()
    Path(home).rename(tmp_path / "data" / "demo")
    code, out, _ = run(capsys, "--demo", "imports")
    assert code == 0 and "records" in out
    assert not (tmp_path / "data" / "dieselwatch.sqlite3").exists()  # the real home stayed untouched
