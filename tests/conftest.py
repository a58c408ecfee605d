import os

# Without a platform, a Qt test process aborts instead of failing (design notes): set it before any Qt import.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("DIESELWATCH_HOME", None)
os.environ.pop("DIESELWATCH_DB", None)
# The workstation's audit heads go to a throw-away folder, never to the user's real settings.
os.environ["DIESELWATCH_CONFIG_DIR"] = __import__("tempfile").mkdtemp(prefix="dw-config-")

import json
import shutil
from pathlib import Path

import pytest

from dieselwatch.demo.fleet import generate
from dieselwatch.workspace import Workspace


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """The default demo fleet (14 vehicles, one of each planted behaviour, 5 days), generated once."""
    out = tmp_path_factory.mktemp("demo")
    generate(out)
    return out


@pytest.fixture(scope="session")
def manifest(demo_dir) -> dict:
    return json.loads((demo_dir / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _own_config_dir(tmp_path, monkeypatch):
    """Each test has its own workstation settings folder (recorded audit heads)."""
    monkeypatch.setenv("DIESELWATCH_CONFIG_DIR", str(tmp_path / "config"))


@pytest.fixture()
def ws(tmp_path) -> Workspace:
    w = Workspace.open(home=str(tmp_path / "home"), user="tester")
    yield w
    w.close()


@pytest.fixture(scope="session")
def loaded_home(tmp_path_factory, demo_dir) -> Path:
    """A home with the demo registry and records imported, built once; tests copy it before writing."""
    from dieselwatch.services.imports import import_records
    from dieselwatch.services.registry import import_registry

    home = tmp_path_factory.mktemp("loaded")
    w = Workspace.open(home=str(home), user="tester")
    import_registry(w, demo_dir / "registry.xlsx")
    import_records(w, demo_dir / "records.csv")
    w.close()
    return home


@pytest.fixture()
def loaded_ws(tmp_path, loaded_home) -> Workspace:
    home = tmp_path / "home"
    shutil.copytree(loaded_home, home)
    w = Workspace.open(home=str(home), user="tester")
    yield w
    w.close()


def pg_url() -> str | None:
    return os.environ.get("DIESELWATCH_TEST_PG_URL")


@pytest.fixture()
def empty_pg():
    """The URL of a new, empty database on a real PostgreSQL server (started by .ci/run), dropped afterwards.
    Skipped locally without a server; in CI a missing server is a failure, not a skip."""
    url = pg_url()
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must provide DIESELWATCH_TEST_PG_URL (.ci/run starts PostgreSQL)")
        pytest.skip("no PostgreSQL server: set DIESELWATCH_TEST_PG_URL to run the PostgreSQL storage tests")
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"dw_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield base.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture()
def pg_ws(tmp_path, empty_pg):
    """A workspace on a new PostgreSQL database."""
    w = Workspace.open(home=str(tmp_path / "home"), db=empty_pg, user="tester")
    yield w
    w.close()


@pytest.fixture(scope="session", autouse=True)
def _drain_worker_pool():
    """Let the GUI's worker threads finish before the interpreter shuts down under them."""
    yield
    import sys

    if "dieselwatch.gui.worker" in sys.modules:
        from dieselwatch.gui.worker import pool

        pool().clear()
        pool().waitForDone(60000)


# --- GUI stress (tests/test_gui_stress.py): DIESELWATCH_GUI_REPEAT=N runs each test of test_gui.py N times, each
# under a watchdog that dumps every thread's stack and ends the process when a test hangs (a GC deadlock on a
# worker looked exactly like that).
GUI_REPEAT = int(os.environ.get("DIESELWATCH_GUI_REPEAT", "0") or 0)
GUI_WATCHDOG_S = float(os.environ.get("DIESELWATCH_GUI_WATCHDOG_S", "120"))


def pytest_generate_tests(metafunc):
    if GUI_REPEAT > 1 and metafunc.module.__name__.endswith("test_gui"):
        metafunc.fixturenames.append("_gui_round")
        metafunc.parametrize("_gui_round", range(GUI_REPEAT), indirect=True, ids=lambda i: f"round{i + 1}")


@pytest.fixture()
def _gui_round(request):
    import faulthandler

    faulthandler.dump_traceback_later(GUI_WATCHDOG_S, exit=True)
    yield request.param
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture()
def zh(qapp):
    """The app's and Qt's Chinese catalogues installed for one test, removed afterwards (tests share the app)."""
    from dieselwatch.gui.app import install_translators

    trs = install_translators(qapp, "zh_CN")
    yield
    for t in trs:
        qapp.removeTranslator(t)
