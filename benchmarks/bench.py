"""`make bench`: how fast the build is, against pandoc and against WeasyPrint alone.

1. A clean build of the real content (every language: screen PDFs and EPUBs) against the
   usual alternative, pandoc with WeasyPrint as its PDF engine and the project's stylesheet,
   one call per leaflet, and pandoc for each EPUB. Median of --runs, measured in this run.
2. The rendering floor: WeasyPrint alone laying out and writing the same PDFs from the same
   HTML in one process, divided by the cores the build uses. Measured once a round, in turn
   with the builds, and the median taken like theirs.
3. Incremental builds: nothing to do; one French paragraph changed; one English paragraph;
   one stylesheet. Wall time and the outputs made again. Then `build.py watch`: the time
   from saving a one-paragraph change to a French leaflet to its screen PDF rewritten
   (median of 5 saves), against pandoc turning that one leaflet into a PDF.
4. Scale: generated publications of 10, 50, 150 and 500 documents in 3 languages (fr, en,
   ar): time per output (wall, and CPU of every process: the wall time moves with the
   machine's other work), the peak memory of the main process and of the largest worker.
   150 documents are built again on a Dask cluster of two local workers (`--scheduler`),
   against the local pool: local, cluster, cluster, local (the machine's speed drifts
   within minutes; that order cancels a steady drift), the overhead from the two sums.
   The same for the cost an output of 500 documents: against that of 150 built just
   before them and again just after.

Prints a table and writes it as JSON to benchmarks/results/. Nothing here is a test: these
machines are shared, so the figures are medians, and the tests never time anything.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PROJECT_PARTS = ("content", "locales", "templates", "styles")
CLEAN_OPTIONS = ("--profile", "screen", "--format", "pdf,epub")


def copy_project(destination: Path) -> Path:
    destination.mkdir(parents=True)
    shutil.copy(REPO / "publication.yml", destination)
    for part in PROJECT_PARTS:
        shutil.copytree(REPO / part, destination / part, ignore=shutil.ignore_patterns("*.mo"))
    return destination


def run_build(project: Path, *args: str) -> tuple[float, list[str]]:
    """Wall time of `build.py ARGS` on `project`, and the outputs it made."""
    started = time.perf_counter()
    result = subprocess.run([PYTHON, str(REPO / "build.py"), "--project", str(project), *args],
                            capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"build failed:\n{result.stderr}")
    made = sorted(line.split("] ")[1].split(" (")[0] for line in result.stderr.splitlines()
                  if line.startswith("[") and "] " in line)
    return seconds, made


def documents_in_order(project: Path) -> dict[str, list[Path]]:
    import yaml

    publication = yaml.safe_load((project / "publication.yml").read_text())
    languages = [publication["languages"]["source"], *publication["languages"]["targets"]]
    return {lang: [path for slug in publication["documents"]
                   if (path := project / "content" / lang / f"{slug}.md").exists()]
            for lang in languages}


def pandoc_pipeline(project: Path, jobs: int = 1) -> float:
    """The same outputs with pandoc: a PDF per leaflet (WeasyPrint engine, the project's
    stylesheet), an EPUB per language. Wall time; `jobs` calls at once."""
    out = project / "pandoc"
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "PATH": f"{Path(PYTHON).parent}:{os.environ['PATH']}"}
    commands = []
    for lang, paths in documents_in_order(project).items():
        (out / lang).mkdir(parents=True)
        for path in paths:
            commands.append(pandoc_pdf(project, path, lang, out / lang / f"{path.stem}.pdf"))
        commands.append(["pandoc", *map(str, paths), "-o", str(out / lang / "book.epub"),
                         "--css", str(project / "styles" / "epub.css"),
                         *[f"--epub-embed-font={font}"
                           for font in sorted((project / "styles" / "fonts").glob("*.ttf"))],
                         "--metadata", f"lang={lang}", "--metadata", "title=Algoradiologie",
                         f"--resource-path={project / 'content' / lang}"])
    started = time.perf_counter()
    running: list[subprocess.Popen] = []
    for command in commands:
        while len(running) >= jobs:
            running.pop(0).wait()
        running.append(subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL))
    for process in running:
        process.wait()
    return time.perf_counter() - started


def pandoc_pdf(project: Path, path: Path, lang: str, output: Path) -> list[str]:
    """pandoc turning one leaflet into a PDF (WeasyPrint engine, the project's stylesheet)."""
    return ["pandoc", str(path), "-f", "markdown", "-t", "html5", "--standalone",
            "--pdf-engine=weasyprint", "--css", str(project / "styles" / "leaflet.css"),
            f"--resource-path={path.parent}", "--metadata", f"lang={lang}", "-o", str(output)]


def watch_mode(project: Path, saves: int = 5) -> dict:
    """Under `build.py watch`, the seconds from saving a one-paragraph change to a French
    leaflet to its screen PDF rewritten (the file's clock started just before the write);
    and pandoc turning that one leaflet into a PDF, the same number of times."""
    import queue
    import signal
    import threading

    run_build(project, "--quiet")
    source, pdf = project / "content/fr/cancers.md", project / "dist/fr/cancers.pdf"
    watcher = subprocess.Popen([PYTHON, str(REPO / "build.py"), "--project", str(project),
                                "watch"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in watcher.stdout],
                     daemon=True).start()

    def wait_for(text: str) -> str:
        while True:
            line = lines.get(timeout=120)
            if text in line:
                return line

    wait_for("watching")
    original = source.read_text(encoding="utf-8")
    paragraph = next(line for line in original.splitlines() if "cherchent d'abord" in line)
    seconds = []
    for number in range(saves):
        before = pdf.stat()
        changed = original.replace(paragraph, f"{paragraph} Modification {number + 1}.")
        started = time.perf_counter()
        source.write_text(changed, encoding="utf-8")
        while True:
            now = pdf.stat()
            if (now.st_ino, now.st_mtime_ns) != (before.st_ino, before.st_mtime_ns):
                break
            time.sleep(0.002)
        seconds.append(time.perf_counter() - started)
        wait_for("content/fr/cancers.md:")  # the rest made before the next save
    watcher.send_signal(signal.SIGINT)
    watcher.wait(timeout=60)
    env = {**os.environ, "PATH": f"{Path(PYTHON).parent}:{os.environ['PATH']}"}
    pandoc = []
    for _ in range(saves):
        started = time.perf_counter()
        subprocess.run(pandoc_pdf(project, source, "fr", project / "pandoc-one.pdf"),
                       env=env, capture_output=True, check=True)
        pandoc.append(time.perf_counter() - started)
    return {"saves": saves, "median_s": statistics.median(seconds), "each_s": seconds,
            "pandoc_one_leaflet_median_s": statistics.median(pandoc),
            "ratio_to_pandoc": statistics.median(seconds) / statistics.median(pandoc)}


FLOOR_SCRIPT = """
import json, sys, time
from pathlib import Path
from leaflets.outputs.common import Renderers, document_record
from leaflets.pdf import PdfStyles, VIRTUAL_ROOT, pdf_job, write_pdf
from leaflets.pdf import _project_fetcher, _virtual_url
from leaflets.project import load_project
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

project = load_project(Path(sys.argv[1]))
publication = project.publication
renderers = Renderers()
pages = []
for lang in publication.languages:
    renderer = renderers.get(project, lang)
    for document in project.contents.documents(lang):
        markup = project.markup(lang, document.slug)
        html = renderer.leaflet(markup, document_record(project, lang, document.slug),
                                project.languages_of(document.slug))
        pages.append(pdf_job(publication, html, lang, document.path, document.path,
                             ("leaflet.css",)))
# WeasyPrint as it is commonly used: the page links its stylesheets, and each PDF parses
# them and loads their fonts again.
started = time.perf_counter()
for job in pages:
    base = f"file://{VIRTUAL_ROOT}/{job.base_dir.relative_to(job.root).as_posix()}/"
    links = "".join(f'<link rel="stylesheet" href="{_virtual_url(path, job.root)}">'
                    for path in job.stylesheets)
    fetcher = _project_fetcher(job.root.resolve(), job.allowed_dirs)
    HTML(string=job.html.replace("<head>", "<head>" + links, 1), base_url=base,
         url_fetcher=fetcher).write_pdf(pdf_variant="pdf/ua-1", font_config=FontConfiguration())
plain = time.perf_counter() - started
# As the build lays out a PDF: the stylesheets parsed and the fonts loaded once.
styles = PdfStyles()
started = time.perf_counter()
for job in pages:
    write_pdf(job, styles)
kept = time.perf_counter() - started
print(json.dumps({"seconds": plain, "kept_seconds": kept, "pdfs": len(pages)}))
"""


def rendering_floor(project: Path) -> dict:
    result = subprocess.run([PYTHON, "-c", FLOOR_SCRIPT, str(project)], capture_output=True,
                            text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    if result.returncode != 0:
        raise SystemExit(f"rendering floor failed:\n{result.stderr}")
    return json.loads(result.stdout.splitlines()[-1])


def edit(path: Path, pattern: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, replacement, text, count=1)
    assert changed != text, (path, pattern)
    path.write_text(changed, encoding="utf-8")


def incremental(project: Path) -> list[dict]:
    """Wall time and outputs made again after each kind of change (all profiles)."""
    run_build(project, "--quiet")
    scenarios = [
        ("nothing to do", lambda: None),
        ("one French paragraph", lambda: edit(project / "content/fr/cancers.md",
                                              r"cherchent d'abord", "recherchent d'abord")),
        ("one English paragraph", lambda: edit(project / "content/en/cancers.md",
                                               r"first look for", "look first for")),
        ("one stylesheet (leaflet.css)", lambda: (project / "styles/leaflet.css").write_text(
            (project / "styles/leaflet.css").read_text() + "\n/* changed */\n")),
    ]
    results = []
    for name, change in scenarios:
        change()
        seconds, made = run_build(project)
        results.append({"change": name, "seconds": seconds, "rebuilt": made})
    for command in ("status", "check"):
        started = time.perf_counter()
        subprocess.run([PYTHON, str(REPO / "build.py"), "--project", str(project), command],
                       capture_output=True)
        results.append({"change": f"`{command}`", "seconds": time.perf_counter() - started,
                        "rebuilt": []})
    return results


MEMORY_SCRIPT = """
import json, resource, sys
from leaflets.cli import main
status = main(["--project", sys.argv[1], "--quiet", *sys.argv[2:]])
# The workers are forked by a forkserver, which reaps them: once it has ended, its peak
# counts theirs (Linux carries a child's children's peak to its parent's).
from multiprocessing import forkserver
getattr(forkserver._forkserver, "_stop", lambda: None)()
own, children = (resource.getrusage(who)
                 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print(json.dumps({"status": status, "main_kib": own.ru_maxrss, "worker_kib": children.ru_maxrss,
                  "cpu_s": sum((own.ru_utime, own.ru_stime, children.ru_utime,
                                children.ru_stime))}))
"""


def generated_publication(destination: Path, documents: int) -> Path:
    """`documents` leaflets in the publication's three languages (fr, en, ar), made of the
    real leaflets' texts."""
    project = copy_project(destination)
    sources = ["algoradiologie", "articulations-tendons",
                                 "colonne-vertebrale", "endometriose", "cancers", "limites"]
    languages = ("fr", "en", "ar")
    for lang in languages:
        for path in (project / "content" / lang).glob("*.md"):
            path.unlink()
    slugs = []
    for number in range(documents):
        slug = f"fiche-{number:03d}"
        slugs.append(slug)
        for lang in languages:
            text = (REPO / "content" / lang / f"{sources[number % len(sources)]}.md")
            (project / "content" / lang / f"{slug}.md").write_text(text.read_text())
    publication = (project / "publication.yml").read_text()
    publication = re.sub(r"glossary: glossaire\n", "", publication)
    publication = re.sub(r"documents:\n(  - .*\n)+",
                         "documents:\n" + "".join(f"  - {slug}\n" for slug in slugs), publication)
    (project / "publication.yml").write_text(publication)
    for lang in languages[1:]:
        shutil.rmtree(project / "locales" / lang / "follows", ignore_errors=True)
    for path in (project / "locales").rglob("terminology.po*"):
        path.unlink()
    return project


def scale(root: Path, sizes: list[int]) -> list[dict]:
    """Each size built clean; the floor up to FLOOR_UP_TO documents (WeasyPrint alone, one
    process, takes minutes beyond); the cluster at CLUSTER_AT; at the largest, a build with
    nothing to do (median of 3), and CLUSTER_AT documents built clean again just after it:
    the largest's cost an output is compared with that of the two local builds of
    CLUSTER_AT around it, the last before and the one after (the machine's speed drifts
    within minutes; that order cancels a steady drift)."""
    results = []
    cores = os.cpu_count() or 1
    kept: tuple[Path, dict] | None = None  # CLUSTER_AT's project and step, until the largest
    for size in sizes:
        project = generated_publication(root / f"scale-{size}", size)
        started = time.perf_counter()
        result = subprocess.run([PYTHON, "-c", MEMORY_SCRIPT, str(project), *CLEAN_OPTIONS],
                                capture_output=True, text=True, cwd=REPO,
                                env={**os.environ, "PYTHONPATH": str(REPO)})
        seconds = time.perf_counter() - started
        memory = json.loads(result.stdout.splitlines()[-1])
        if memory["status"] != 0:
            raise SystemExit(f"scale build of {size} failed:\n{result.stderr[-2000:]}")
        outputs = sum(1 for path in (project / "dist").rglob("*")
                      if path.is_file() and not path.name.startswith("."))
        step = {"documents": size, "languages": 3, "outputs": outputs,
                "seconds": seconds, "seconds_per_output": seconds / outputs,
                "cpu_seconds_per_output": memory["cpu_s"] / outputs,
                "main_peak_mib": memory["main_kib"] / 1024,
                "worker_peak_mib": memory["worker_kib"] / 1024}
        if size == CLUSTER_AT:
            # The build above is the first local one; then cluster, cluster, local.
            on_cluster = []
            for _ in range(2):
                shutil.rmtree(project / "dist")
                on_cluster.append(cluster_build(project, workers=cores))
            shutil.rmtree(project / "dist")
            local = [seconds, run_build(project, *CLEAN_OPTIONS)[0]]
            step.update({"cluster_runs_s": on_cluster, "local_runs_s": local,
                         "cluster_seconds": statistics.mean(on_cluster),
                         "local_seconds": statistics.mean(local),
                         "cluster_overhead": sum(on_cluster) / sum(local) - 1})
        if size <= FLOOR_UP_TO:
            floor = rendering_floor(project)
            step.update({"floor_per_core_s": floor["seconds"] / cores,
                         "ratio_to_floor": seconds / (floor["seconds"] / cores)})
        if size == max(sizes):
            step["nothing_to_do_s"] = statistics.median(
                run_build(project, *CLEAN_OPTIONS)[0] for _ in range(3))
            if kept is not None and kept[1] is not step:
                before, around = kept
                shutil.rmtree(before / "dist")
                after = run_build(before, *CLEAN_OPTIONS)[0]
                last_before = around.get("local_runs_s", [around["seconds"]])[-1]
                per_output = (last_before + after) / 2 / around["outputs"]
                step.update({"around_documents": around["documents"],
                             "around_runs_s": [last_before, after],
                             "around_seconds_per_output": per_output,
                             "ratio_to_around": step["seconds_per_output"] / per_output})
        results.append(step)
        if size == CLUSTER_AT and size != max(sizes):
            kept = project, step
        else:
            shutil.rmtree(project)
    if kept is not None:
        shutil.rmtree(kept[0], ignore_errors=True)
    return results


FLOOR_UP_TO = 150
CLUSTER_AT = 150

STATE_SCRIPT = """
import json, sys, tempfile, time
from pathlib import Path
from leaflets.state import OutputRecord, load_state

result = {}
for existing in map(int, sys.argv[1:]):
    with tempfile.TemporaryDirectory() as folder:
        dist = Path(folder)
        reads = tuple(f"content/fr/doc-{n}.md" for n in range(12))
        record = lambda n: OutputRecord(f"{n:064x}", f"{n:064x}", 5, reads)
        with load_state(dist) as state:
            for n in range(existing):
                state.record(f"fr/doc-{n}.pdf", record(n))
        with load_state(dist) as state:  # as a build finds it
            started = time.perf_counter()
            for n in range(existing, existing + 200):
                state.record(f"fr/doc-{n}.pdf", record(n))
            result[existing] = (time.perf_counter() - started) / 200
print(json.dumps(result))
"""


def state_update(sizes: tuple[int, ...] = (15, 1500)) -> dict[str, float]:
    """Seconds to record one more output in a build record already holding `sizes`
    outputs (200 recorded, each committed as a build does)."""
    result = subprocess.run([PYTHON, "-c", STATE_SCRIPT, *map(str, sizes)], capture_output=True,
                            text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    if result.returncode != 0:
        raise SystemExit(f"state update measure failed:\n{result.stderr}")
    return json.loads(result.stdout)


def cluster_build(project: Path, workers: int) -> float:
    """A clean build of `project` on a Dask cluster of `workers` local workers (one thread
    each, as the local pool has one process per core): wall time of the build alone."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dask = str(Path(PYTHON).parent / "dask")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)]
    processes += [subprocess.Popen([dask, "worker", f"tcp://127.0.0.1:{port}", "--nthreads", "1",
                                    "--no-nanny", "--no-dashboard",
                                    "--preload", "leaflets.preload"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                  for _ in range(workers)]
    try:
        time.sleep(5)  # the workers join; the build waits for a first one anyway
        seconds, _ = run_build(project, *CLEAN_OPTIONS, "--scheduler", f"tcp://127.0.0.1:{port}")
    finally:
        for process in processes:
            process.kill()
            process.wait()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="clean builds to take the median of")
    parser.add_argument("--sizes", default="10,50,150,500", help="documents per scale step")
    args = parser.parse_args()
    if shutil.which("pandoc") is None:
        raise SystemExit("pandoc is needed: sudo apt-get install -y pandoc (or `make bench` "
                         "as root)")
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="leaflets-bench-") as temporary:
        root = Path(temporary)
        project = copy_project(root / "real")
        ours, pandoc, pandoc_parallel, floors = [], [], [], []
        # In turn, each once a round: the machine is shared, and its speed drifts by a
        # third within the hour; a ratio of medians taken apart would measure the drift.
        for _ in range(args.runs):
            shutil.rmtree(project / "dist", ignore_errors=True)
            ours.append(run_build(project, *CLEAN_OPTIONS)[0])
            pandoc.append(pandoc_pipeline(project))
            pandoc_parallel.append(pandoc_pipeline(project, jobs=cores))
            floors.append(rendering_floor(project))
        floor = {"seconds": statistics.median(run["seconds"] for run in floors),
                 "kept_seconds": statistics.median(run["kept_seconds"] for run in floors),
                 "pdfs": floors[0]["pdfs"]}
        floor_per_core = floor["seconds"] / cores
        report = {
            "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "machine": {"cores": cores, "python": sys.version.split()[0]},
            "clean_build": {
                "outputs": "screen PDF of every leaflet and EPUB of every language",
                "runs": args.runs,
                "ours_median_s": statistics.median(ours),
                "pandoc_median_s": statistics.median(pandoc),
                "pandoc_parallel_median_s": statistics.median(pandoc_parallel),
                "ratio_to_pandoc": statistics.median(ours) / statistics.median(pandoc),
                "ratio_to_pandoc_parallel": (statistics.median(ours)
                                             / statistics.median(pandoc_parallel)),
            },
            "rendering_floor": {
                "weasyprint_one_process_s": floor["seconds"], "pdfs": floor["pdfs"],
                "per_core_s": floor_per_core,
                "ratio_clean_build_to_floor": statistics.median(ours) / floor_per_core,
                "ratio_round_by_round": statistics.median(
                    build / (run["seconds"] / cores)
                    for build, run in zip(ours, floors, strict=True)),
                "runs_one_process_s": [run["seconds"] for run in floors],
                "kept_one_process_s": floor["kept_seconds"],
                "kept_per_core_s": floor["kept_seconds"] / cores,
                "ratio_clean_build_to_kept": statistics.median(ours) / (floor["kept_seconds"]
                                                                        / cores),
            },
            "incremental": incremental(copy_project(root / "incremental")),
            "watch": watch_mode(copy_project(root / "watch")),
            "scale": scale(root, [int(size) for size in args.sizes.split(",")]),
            "state_update_s": state_update(),
        }
    results = REPO / "benchmarks" / "results"
    results.mkdir(exist_ok=True)
    stamp = report["date"].replace(":", "").split("+")[0]
    (results / f"bench-{stamp}.json").write_text(json.dumps(report, indent=2))
    print_table(report)
    print(f"\nwritten to benchmarks/results/bench-{stamp}.json")


def print_table(report: dict) -> None:
    clean, floor = report["clean_build"], report["rendering_floor"]
    print(f"Clean build, {clean['outputs']} (median of {clean['runs']}, "
          f"{report['machine']['cores']} cores)")
    print(f"  this pipeline                 {clean['ours_median_s']:7.2f} s")
    print(f"  pandoc, one call at a time    {clean['pandoc_median_s']:7.2f} s   "
          f"ratio {clean['ratio_to_pandoc']:.2f}")
    print(f"  pandoc, {report['machine']['cores']} calls at once       "
          f"{clean['pandoc_parallel_median_s']:7.2f} s   "
          f"ratio {clean['ratio_to_pandoc_parallel']:.2f}")
    print(f"  WeasyPrint alone, per core    {floor['per_core_s']:7.2f} s   "
          f"ratio {floor['ratio_clean_build_to_floor']:.2f} "
          f"({floor['pdfs']} PDFs in {floor['weasyprint_one_process_s']:.2f} s, one process; "
          f"round by round {floor['ratio_round_by_round']:.2f})")
    print(f"    stylesheets and fonts kept  {floor['kept_per_core_s']:7.2f} s   "
          f"ratio {floor['ratio_clean_build_to_kept']:.2f} "
          f"(as the build lays out: {floor['kept_one_process_s']:.2f} s, one process)")
    print("\nIncremental (all profiles)")
    for step in report["incremental"]:
        made = ", ".join(step["rebuilt"]) or "nothing"
        print(f"  {step['change']:<30} {step['seconds']:6.2f} s   rebuilt: {made}")
    watch = report["watch"]
    print(f"\n`build.py watch`, a one-paragraph change saved to a French leaflet (median of "
          f"{watch['saves']})")
    print(f"  screen PDF rewritten after    {watch['median_s']:7.2f} s   "
          f"(each: {', '.join(f'{value:.2f}' for value in watch['each_s'])})")
    print(f"  pandoc, that one leaflet      {watch['pandoc_one_leaflet_median_s']:7.2f} s   "
          f"ratio {watch['ratio_to_pandoc']:.2f}")
    print("\nScale (3 languages, screen PDFs and EPUBs)")
    print("  documents  outputs  total s  s/output  CPU s/output  main MiB  worker MiB  "
          "floor/core s  ratio")
    for step in report["scale"]:
        floor_columns = f"{step['floor_per_core_s']:12.1f}  {step['ratio_to_floor']:5.2f}" \
            if "floor_per_core_s" in step else f"{'-':>12}  {'-':>5}"
        print(f"  {step['documents']:9}  {step['outputs']:7}  {step['seconds']:7.1f}  "
              f"{step['seconds_per_output']:8.3f}  {step['cpu_seconds_per_output']:12.3f}  "
              f"{step['main_peak_mib']:8.0f}  "
              f"{step['worker_peak_mib']:10.0f}  {floor_columns}")
        if "cluster_seconds" in step:
            print(f"  {step['documents']} on a Dask cluster of {report['machine']['cores']} local "
                  f"workers: {step['cluster_seconds']:.1f} s, overhead "
                  f"{step['cluster_overhead'] * 100:+.0f} % against the local pool "
                  f"({step['local_seconds']:.1f} s; local, cluster, cluster, local: "
                  + ", ".join(f"{run:.1f}" for run in (step['local_runs_s'][0],
                                                      *step['cluster_runs_s'],
                                                      step['local_runs_s'][1])) + " s)")
        if "nothing_to_do_s" in step:
            print(f"  {step['documents']} with nothing to do: {step['nothing_to_do_s']:.2f} s")
        if "around_seconds_per_output" in step:
            print(f"  {step['documents']} against {step['around_documents']} built just before "
                  f"and just after it ({', '.join(f'{run:.1f}' for run in step['around_runs_s'])}"
                  f" s): {step['seconds_per_output']:.3f} against "
                  f"{step['around_seconds_per_output']:.3f} s an output, ratio "
                  f"{step['ratio_to_around']:.2f}")
    update = report["state_update_s"]
    print("\nRecording one output in the build record: "
          + ", ".join(f"{float(seconds) * 1000:.2f} ms among {existing}"
                      for existing, seconds in update.items()))


if __name__ == "__main__":
    main()
