"""`build.py --scheduler`: the outputs made on a Dask distributed cluster (a scheduler and
two workers on 127.0.0.1, each its own process), byte for byte those of a local build, even
when a worker is killed mid-build."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, make_project, run_cli
from distributed import Client

DASK = Path(sys.executable).parent / "dask"
OPTIONS = ("--lang", "fr,en", "--format", "pdf,epub")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two workers, started as a cluster's machines start them, running
    this pipeline's code, the second with its preload (as the README says), the first
    without; stopped afterwards."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    log = tmp_path / "scheduler.log"
    with log.open("w") as scheduler_log:
        processes = [subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
             "--no-dashboard"], env=environment, stdout=scheduler_log, stderr=scheduler_log)]
    workers = [subprocess.Popen(
        [str(DASK), "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
         "--name", f"worker-{number}", *preload], env=environment,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for number, preload in ((1, []), (2, ["--preload", "leaflets.preload"]))]
    processes += workers
    deadline = time.monotonic() + 60
    while log.read_text().count("Register worker") < 2:
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
    yield address, workers
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.wait()


def outputs(project):
    dist = project / "dist"
    return {path.relative_to(dist).as_posix(): path.read_bytes()
            for path in dist.rglob("*") if path.is_file() and not path.name.startswith(".")}


def test_a_build_on_a_dask_cluster_survives_a_lost_worker_and_gives_the_same_bytes(
        cluster, tmp_path):
    address, workers = cluster
    local = make_project("minimal", tmp_path / "local")
    assert run_cli(local, *OPTIONS).status == 0
    project = make_project("minimal", tmp_path / "on-the-cluster")
    build = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "--project", str(project), *OPTIONS,
         "--scheduler", address], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    for line in build.stderr:
        lines.append(line)
        if line.startswith("[1/"):  # mid-build: one output written, the others under way
            workers[0].send_signal(signal.SIGKILL)
            break
    rest, more = build.communicate(timeout=300)
    assert build.returncode == 0, "".join(lines) + more
    assert workers[0].wait(timeout=30) == -signal.SIGKILL
    built = outputs(project)
    assert rest.strip() == f"{len(built)} built, 0 up to date, 0 failed"
    assert built == outputs(local)  # byte for byte, nothing half-written
    assert not list((project / "dist").rglob("*.tmp"))
    # The same keys: a local build finds everything up to date.
    assert run_cli(project, *OPTIONS).stdout.strip() == f"0 built, {len(built)} up to date, " \
        "0 failed"


def test_the_preloaded_worker_does_not_sample_its_tasks_stacks(cluster):
    # Dask's profiler walks a running task's stack every 10 ms: a layout's is deep.
    address, _ = cluster
    with Client(address, timeout=30) as client:
        sampling = client.run(lambda dask_worker: (dask_worker.name,
                                                   "profile" in dask_worker.periodic_callbacks))
    assert sorted(sampling.values()) == [("worker-1", True), ("worker-2", False)]


def test_a_scheduler_out_of_reach_is_one_clear_line(tmp_path):
    project = make_project("minimal", tmp_path / "project")
    run = run_cli(project, *OPTIONS, "--scheduler", f"tcp://127.0.0.1:{free_port()}")
    assert run.status == 2
    assert "--scheduler tcp://127.0.0.1:" in run.stderr
    assert "cannot reach the Dask scheduler" in run.stderr
    assert not (project / "dist" / "fr").exists()
