"""Production's process layout on this machine, for the tests and benchmarks that break it: PostgreSQL (a throwaway
schema of the run's database, migrated, with the demo data), a private Redis on a free port that the test may stop,
flush and start again (never the machine's own), gunicorn instances and job workers as the Procfile runs them.

Nothing here is mocked: the processes are the project's own commands, talking over real sockets."""

import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server import PROJECT_ROOT
from tests.e2e.live import free_port


def wait_for(condition, timeout: float, every: float = 0.2, what: str = "the condition"):
    """Poll until `condition()` is true; its last value, or TimeoutError after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not hold within {timeout} s")
        time.sleep(every)


class PrivateRedis:
    """A redis-server of the test's own on a free port, without persistence (like the machine's)."""

    def __init__(self, folder: Path):
        self.port, self.folder = free_port(), folder
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None
        self.start()

    def start(self):
        command = [
            "redis-server",
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.folder),
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.answers, 10, what="the private Redis answering")

    def answers(self) -> bool:
        done = subprocess.run(["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True, check=False)
        return done.stdout.strip() == "PONG"

    def stop(self):
        """As a crash would: SIGKILL, and what it held is gone (it keeps nothing on disk)."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def flush(self):
        subprocess.run(["redis-cli", "-p", str(self.port), "flushall"], check=True, capture_output=True)


def private_schema(base_url: str) -> tuple[str, str]:
    """A new schema in the test database: (its name, the URL that uses it)."""
    schema = f"p_{secrets.token_hex(4)}"
    admin = create_engine(make_url(base_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    admin.dispose()
    separator = "&" if "?" in base_url else "?"
    return schema, f"{base_url}{separator}options={urllib.parse.quote(f'-csearch_path={schema}')}"


def drop_schema(base_url: str, schema: str):
    admin = create_engine(make_url(base_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    admin.dispose()


class Layout:
    """The database, a private Redis, `web` gunicorn instances and `workers` job workers, all on one schema and one
    media folder. `env` is what every process gets (tests may add to it before starting more)."""

    def __init__(
        self,
        base_url: str,
        *,
        web: int = 1,
        workers: int = 2,
        maintenance_seconds: int = 1,
        lease_margin_seconds: int = 2,
        web_workers: int = 2,
        extra_env: dict | None = None,
    ):
        self.base_url = base_url
        self.folder = Path(tempfile.mkdtemp(prefix="safegrid-layout-"))
        self.schema, self.database_url = private_schema(base_url)
        self.redis = PrivateRedis(self.folder)
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis.url,
            "MEDIA_ROOT": str(self.folder / "media"),
            "SECRET_KEY": secrets.token_hex(16),
            "QR_SIGNING_KEYS": "A:" + secrets.token_hex(16),
            "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_KIB": "1024",
            "MAINTENANCE_SECONDS": str(maintenance_seconds),
            "JOB_LEASE_MARGIN_SECONDS": str(lease_margin_seconds),
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        for name in ("TEST_DATABASE_URL", "TEST_REDIS_URL", "SAFEGRID_TEST_LEG"):
            self.env.pop(name, None)
        self.logs: list = []
        self.webs: list[subprocess.Popen] = []
        self.urls: list[str] = []
        self.workers: list[subprocess.Popen] = []
        try:
            self.flask("db", "upgrade")
            self.flask("demo", "load")
            for _ in range(web):
                self.start_web(web_workers)
            for _ in range(workers):
                self.start_worker()
            if workers:  # start settled: the demo data's own jobs (its listing notices' PDFs) done, not mid-way
                wait_for(lambda: self.pending_jobs() == 0, 120, what="the demo data's jobs")
        except BaseException:
            self.close()
            raise

    def _spec(self) -> str:
        instance = self.folder / "instance"
        instance.mkdir(exist_ok=True)
        return f"server:create_app({ {'INSTANCE_PATH': str(instance), 'PWA_DIST': str(self.folder / 'no-pwa')}!r})"

    def flask(self, *command: str, input: str | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", self._spec(), *command],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            input=input,
            check=False,  # the returncode is looked at below
        )
        if done.returncode:
            raise RuntimeError(f"flask {' '.join(command)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
        return done.stdout

    def _log(self, name: str):
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115 (a server's log, closed when the layout stops)
        self.logs.append(log)
        return log

    def start_web(self, workers: int = 2) -> str:
        port = free_port()
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "-",
                self._spec(),
            ],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=self._log(f"web-{port}"),
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        self.webs.append(process)
        self.urls.append(url)
        wait_for(lambda: self._answers(url), 30, what=f"gunicorn at {url}")
        return url

    @staticmethod
    def _answers(url: str) -> bool:
        import urllib.request

        try:
            with urllib.request.urlopen(f"{url}/api/v1/health", timeout=2):
                return True
        except OSError as exc:  # a 503 (Redis stopped) is an answer too
            return getattr(exc, "code", None) == 503

    def start_worker(self) -> subprocess.Popen:
        # as the Procfile's worker line (without nice: the tests want it prompt)
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", self._spec(), "jobs", "worker"],
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=self._log(f"worker-{len(self.workers)}"),
            stderr=subprocess.STDOUT,
        )
        self.workers.append(process)
        return process

    def kill(self, process: subprocess.Popen):
        """kill -9: no handler runs, nothing is given back."""
        process.send_signal(signal.SIGKILL)
        process.wait()

    def engine(self):
        return create_engine(make_url(self.database_url).set(drivername="postgresql+psycopg"))

    def pending_jobs(self) -> int:
        engine = self.engine()
        try:
            with engine.connect() as conn:
                return conn.execute(text("SELECT count(*) FROM pending_jobs")).scalar()
        finally:
            engine.dispose()

    def log_tail(self, chars: int = 4000) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-chars:]}"
            for path in sorted(self.folder.glob("*.log"))
        )

    def close(self):
        for process in self.webs + self.workers:
            if process.poll() is None:
                process.terminate()
        for process in self.webs + self.workers:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.redis.stop()
        for log in self.logs:
            log.close()
        drop_schema(self.base_url, self.schema)
        shutil.rmtree(self.folder, ignore_errors=True)
