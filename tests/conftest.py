"""Shared fixtures: import paths, small thread counts, AppTest in st.navigation mode."""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "tests"):  # the package, and tests/testkit.py
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


@pytest.fixture(autouse=True, scope="session")
def _small_thread_pool():
    # The CI machine has 2 cores; tiny test models run faster single-threaded and leave room for others.
    try:
        import torch

        torch.set_num_threads(int(os.environ.get("TEST_TORCH_THREADS", "1")))
    except ImportError:
        pass
    yield


@pytest.fixture(autouse=True, scope="session")
def _class_room_database(tmp_path_factory):
    """The class room's database for the whole run (AppTests and the servers tests start): a temporary SQLite
    file, never the repository's ``.data/``."""
    url = f"sqlite:///{tmp_path_factory.mktemp('classroom') / 'classroom.sqlite3'}"
    old = os.environ.get("DENSENET_VIZ_CLASS_DB_URL")
    os.environ["DENSENET_VIZ_CLASS_DB_URL"] = url
    yield url
    if old is None:
        os.environ.pop("DENSENET_VIZ_CLASS_DB_URL", None)
    else:
        os.environ["DENSENET_VIZ_CLASS_DB_URL"] = old


@pytest.fixture(autouse=True)
def _navigation_v2(request, monkeypatch):
    """Run AppTests the way a live server runs after its first request: in st.navigation mode.

    With a pages/ folder beside app.py, Streamlit treats the app as an old-style multipage app until
    st.navigation has run once in the process. A live server switches for good on its first run
    (ui.state.ensure_app_navigation covers a first request that is a deep link); AppTest resets that
    flag on every run, so it is pinned here, or a switched-to page would run without app.py's sidebar.
    """
    if "app" not in request.node.path.parts[-2:-1]:
        yield
        return
    from streamlit.runtime import pages_manager

    from densenet_viz.ui.compat import use_navigation_mode

    init = pages_manager.PagesManager.__init__

    def v2_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        use_navigation_mode()

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", v2_init)
    yield


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of our own for the whole session (started on first use, stopped at the end)."""
    from testkit import LocalPostgres, postgres_bin_dir

    bin_dir = postgres_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL's initdb/pg_ctl not found (on PATH or /usr/lib/postgresql/*/bin): "
                    "install Debian's postgresql (scripts/test.sh does)")
    server = LocalPostgres(bin_dir).start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def classroom_engine(request, tmp_path):
    """A SQLAlchemy engine on an empty database: a fresh SQLite file, or a fresh PostgreSQL database."""
    import itertools

    import sqlalchemy as sa

    from densenet_viz.classroom import make_engine, sqlite_url

    if request.param == "sqlite":
        engine = make_engine(sqlite_url(tmp_path / "classroom.sqlite3"))
        yield engine
        engine.dispose()
        return
    server = request.getfixturevalue("postgres_server")
    counter = request.config.__dict__.setdefault("_classroom_db_counter", itertools.count())
    name = f"classroom_test_{next(counter)}"
    admin = sa.create_engine(server.url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    engine = make_engine(server.url(name))
    yield engine
    engine.dispose()
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE {name} WITH (FORCE)")
    admin.dispose()
