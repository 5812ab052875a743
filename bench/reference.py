"""Reference data at ICIJ scale: `reference import` beside a bare UNWIND ... MERGE loop.

    .venv/bin/python bench/reference.py [--scale 0.1] [--batch-size 5000] [--keep] [--seed N]

Generates an ICIJ-shaped synthetic FtM file (stream-written to var/bench/, kept there for the
next run of the same scale and seed): at scale 1 about 2 million entities (810,000 companies,
750,000 officers, 400,000 addresses, 25,000 intermediaries, bank accounts with IBANs, vessels
with IMO numbers, companies with LEIs, officers with passport numbers) and 3.3 million links
(registered addresses as `addressEntity`, `Representation` by intermediaries, `Directorship`
and `Ownership`). Degrees follow a power law, and a few formation agents and registered
addresses are hubs of 5,000 links, as are 40 nominee shareholders (companies that own 5,000
companies each: the hubs a trace meets). Links often come before the entities they name.

Then, against the local Neo4j (the environment of `make run`: SILVER_VAR_DIR,
SILVER_LOCAL_NEO4J_PORT, or NEO4J_URI), in one run:

* import: `flask --app wsgi reference import FILE --dataset bench-icij` as a subprocess, the
  peak RSS of it and its parsing workers together sampled from /proc (and from wait4());
* bare: the same file read with orjson (as the import reads it) and the same nodes,
  relationships and identifiers MERGEd with the same statements (graph/repositories/
  reference.py), keys, constraints and batch size, one write transaction per batch, the same
  matching keys (silver.domain.reference.identifiers_of) but no FtM validation or cleaning, in
  this process.

It prints entities/s of both, their ratio (target: the import at least 0.7 of the bare loop)
and the import's peak RSS (target: under 500 MB), and checks that both wrote the same graph.
Both datasets are deleted at the end (`reference delete`, timed too), except with `--keep`,
which keeps the imported one as `bench-icij` for the tracing benchmark.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import neo4j
import orjson
from followthemoney import model

from graph.driver import make_driver
from graph.repositories.reference import WRITE_ENTITIES, WRITE_LINKS, WRITE_PROPERTY_LINKS
from graph.schema import init_schema
from silver.domain.reference import PROPERTY_LINKS, identifiers_of, link_type, share_of
from silver.infra.config import load_settings
from silver.infra.ftm import identifying_views
from silver.infra.keys import load_keys
from tests.support import identifiers as demo

DATASET = "bench-icij"
BARE = "bench-icij-bare"
FLASK = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "wsgi"]
HUB = 5_000
# Entities of each kind at scale 1.
FULL = {
    "company": 810_000,
    "person": 750_000,
    "address": 400_000,
    "intermediary": 25_000,
    "account": 20_000,
    "vessel": 2_000,
}
JURISDICTIONS = ("vg", "pa", "bs", "sc", "ky", "cy", "mt", "hk", "ws", "bz", "ae", "gb", "nl")
ROLES = ("Director", "Shareholder", "Secretary", "Nominee Director", "Beneficiary", "Protector")


def skewed(rng: random.Random, n: int, power: float = 2.5) -> int:
    """An index in 0..n-1, low ones far more often: degrees follow a power law."""
    return min(n - 1, int(n * rng.random() ** power))


def entity(entity_id: str, schema: str, **props: list[str]) -> str:
    return json.dumps({"id": entity_id, "schema": schema, "properties": props})


def generate(scale: float, seed: int) -> Iterator[str]:
    rng = random.Random(seed)
    n = {k: max(2, int(v * scale)) for k, v in FULL.items()}
    hubs = max(1, round(4 * scale**0.5))
    hub_size = min(HUB, n["company"] // (2 * hubs))
    # Intermediaries (formation agents) first: their Representations name companies to come.
    for i in range(n["intermediary"]):
        yield entity(f"i{i}", "Company", name=[f"Formation Agent {i} Ltd"],
                     country=[rng.choice(JURISDICTIONS)], topics=["corp.offshore"])  # fmt: skip
    link = 0
    for c in range(n["company"]):
        # Registered addresses come later in the file; the first ones are hubs.
        address = c // hub_size if c < hubs * hub_size else skewed(rng, n["address"])
        props: dict[str, list[str]] = {
            "name": [f"Offshore Holding {c} Limited"],
            "jurisdiction": [rng.choice(JURISDICTIONS)],
            "incorporationDate": [f"{rng.randrange(1980, 2020)}-{rng.randrange(1, 13):02d}-01"],
            "sourceUrl": [f"https://offshoreleaks.example/nodes/{c}"],
            "addressEntity": [f"a{address}"],
        }
        if rng.random() < 0.02:
            props["leiCode"] = [demo.lei(f"BENCH{seed % 1000:03d}{c:010d}")]
        yield entity(f"c{c}", "Company", **props)
        agent = c // hub_size if c < hubs * hub_size else skewed(rng, n["intermediary"])
        yield entity(f"l{link}", "Representation", agent=[f"i{agent}"], client=[f"c{c}"],
                     role=["intermediary"])  # fmt: skip
        link += 1
        if rng.random() < 0.12 and c > 0:  # a company owned by another
            parent = skewed(rng, c)
            yield entity(f"l{link}", "Ownership", owner=[f"c{parent}"], asset=[f"c{c}"],
                         percentage=[str(rng.choice((100, 75, 51, 50, 33.3, 10)))])  # fmt: skip
            link += 1
    for p in range(n["person"]):
        props = {"name": [f"Officer {p}"], "nationality": [rng.choice(JURISDICTIONS)]}
        if rng.random() < 0.05:
            props["passportNumber"] = [f"P{seed % 1000:03d}{p:08d}"]
        if rng.random() < 0.3:
            props["addressEntity"] = [f"a{skewed(rng, n['address'])}"]
        yield entity(f"p{p}", "Person", **props)
        for _ in range(int(rng.paretovariate(2.2))):
            yield entity(f"l{link}", "Directorship", director=[f"p{p}"],
                         organization=[f"c{skewed(rng, n['company'])}"],
                         role=[rng.choice(ROLES)])  # fmt: skip
            link += 1
        if rng.random() < 0.33:
            yield entity(f"l{link}", "Ownership", owner=[f"p{p}"],
                         asset=[f"c{skewed(rng, n['company'])}"],
                         percentage=[str(rng.choice((100, 50, 25, 10)))])  # fmt: skip
            link += 1
    for a in range(n["account"]):
        iban = demo.iban("NL", f"BNCH{seed % 100:02d}{a:08d}")
        yield entity(f"b{a}", "BankAccount", iban=[iban], bankName=["Bench Bank"])
        yield entity(f"l{link}", "Ownership", owner=[f"c{skewed(rng, n['company'])}"],
                     asset=[f"b{a}"])  # fmt: skip
        link += 1
    for v in range(n["vessel"]):
        yield entity(f"v{v}", "Vessel", name=[f"Bench Star {v}"],
                     imoNumber=[demo.imo(f"{(seed * 7919 + v) % 1_000_000:06d}")])  # fmt: skip
        yield entity(f"l{link}", "Ownership", owner=[f"c{skewed(rng, n['company'])}"],
                     asset=[f"v{v}"])  # fmt: skip
        link += 1
    for a in range(n["address"]):
        yield entity(f"a{a}", "Address", full=[f"{a} Registered Agent Street, Road Town"],
                     country=[rng.choice(JURISDICTIONS)])  # fmt: skip
    yield from nominees(scale, seed, n["company"])


def nominees(scale: float, seed: int, companies: int) -> Iterator[str]:
    """Nominee shareholders: companies that each own HUB others (at scale 1: 40 of them), the
    hubs of the ownership graph that a trace meets (a formation agent's Representations and a
    registered address are hubs too, but a trace does not follow them). Last in the file and
    drawn from a generator of their own, so that adding them left the lines before unchanged."""
    rng = random.Random(seed * 7919 + 1)
    count = max(1, round(40 * scale))
    size = min(HUB, companies // 2)
    for h in range(count):
        yield entity(f"n{h}", "Company", name=[f"Nominee Shareholder {h} Limited"],
                     jurisdiction=[rng.choice(JURISDICTIONS)])  # fmt: skip
        first = rng.randrange(companies)
        for k in range(size):
            yield entity(f"n{h}-{k}", "Ownership", owner=[f"n{h}"],
                         asset=[f"c{(first + k * 7) % companies}"],
                         percentage=[str(rng.choice((100, 50, 10, 1)))])  # fmt: skip


def data_file(scale: float, seed: int) -> Path:
    # v2: with the nominee shareholders (a file written before them is not reused).
    path = ROOT / "var" / "bench" / f"reference-v2-{scale:g}-{seed}.ndjson"
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    tmp = path.with_suffix(".tmp")
    with tmp.open("w") as out:
        buffer: list[str] = []
        for text in generate(scale, seed):
            buffer.append(text)
            if len(buffer) == 10_000:
                out.write("\n".join(buffer) + "\n")
                buffer.clear()
        out.write("\n".join(buffer) + "\n" if buffer else "")
    tmp.rename(path)
    print(f"generated {path.relative_to(ROOT)} in {time.monotonic() - started:.0f} s")
    return path


def shape(path: Path) -> dict[str, int]:
    lines = links = props = 0
    with path.open("rb") as f:
        for raw in f:
            lines += 1
            if (
                b'"schema": "Ownership"' in raw
                or b'"schema": "Directorship"' in raw
                or (b'"schema": "Representation"' in raw)
            ):
                links += 1
            props += raw.count(b'"addressEntity"')
    return {"entities": lines, "interval links": links, "address links": props}


# --- the bare loop ------------------------------------------------------------------------

QNAMES = {"addressEntity": "Thing:addressEntity"}


def _dumps(props: dict[str, list[str]]) -> str:
    return orjson.dumps(props).decode()


def bare_rows(
    raw: bytes, key: bytes
) -> tuple[dict[str, Any] | None, list[tuple[str, bool, dict[str, Any]]]]:
    data = orjson.loads(raw)
    props = data["properties"]
    schema = data["schema"]
    if schema in ("Ownership", "Directorship", "Representation"):
        src, tgt = {"Ownership": ("owner", "asset"), "Directorship": ("director", "organization"),
                    "Representation": ("agent", "client")}[schema]  # fmt: skip
        row = {
            "source": props[src][0],
            "target": props[tgt][0],
            "id": data["id"],
            "schema": schema,
            "share": share_of(props.get("percentage") or []),
            "role": (props.get("role") or [None])[0],
            "start_date": None,
            "end_date": None,
            "properties": _dumps(props),
        }
        return None, [(link_type(schema, props), True, row)]
    # The same matching keys as the import's (identifiers, names with birth dates or
    # jurisdictions), from the published values as they are: no FtM validation or cleaning.
    views = identifying_views(model.get(schema), props)  # type: ignore[arg-type]
    identifiers = [{"kind": i.kind, "index": i.blind_index} for i in identifiers_of(views, key)]
    node = {
        "id": data["id"],
        "schema": schema,
        "caption": (props.get("name") or props.get("full") or [""])[0],
        "names": props.get("name") or [],
        "countries": [c.upper() for c in props.get("country") or []],
        "jurisdictions": [c.upper() for c in props.get("jurisdiction") or []],
        "birth_dates": [],
        "properties": _dumps(props),
        "identifiers": identifiers,
    }
    links = []
    for address in props.get("addressEntity") or []:
        kind = PROPERTY_LINKS[QNAMES["addressEntity"]][0]
        links.append(
            (kind, False, {"source": data["id"], "target": address, "via": "addressEntity"})
        )
    return node, links


def bare_load(
    driver: neo4j.Driver, database: str | None, path: Path, key: bytes, batch: int
) -> int:
    def write(tx: neo4j.ManagedTransaction, nodes: list[Any], links: dict[Any, list[Any]]) -> None:
        if nodes:
            tx.run(WRITE_ENTITIES, dataset=BARE, rows=nodes).consume()
        for (kind, interval), rows in sorted(links.items()):
            statement = (WRITE_LINKS if interval else WRITE_PROPERTY_LINKS)[kind]
            tx.run(statement, dataset=BARE, rows=rows).consume()

    count = size = 0
    nodes: list[Any] = []
    links: dict[tuple[str, bool], list[Any]] = {}
    with driver.session(database=database) as session, path.open("rb") as f:
        for raw in f:
            node, node_links = bare_rows(raw, key)
            count += 1
            if node is not None:
                nodes.append(node)
            for kind, interval, row in node_links:
                links.setdefault((kind, interval), []).append(row)
            size += (node is not None) + len(node_links)
            if size >= batch:
                session.execute_write(write, nodes, links)
                nodes, links, size = [], {}, 0
        if size:
            session.execute_write(write, nodes, links)
    return count


# --- the run ------------------------------------------------------------------------------


def graph_counts(driver: neo4j.Driver, database: str | None, dataset: str) -> tuple[int, int, int]:
    records, _, _ = driver.execute_query(
        """
        MATCH (n:Ref) WHERE n.dataset = $d AND n.id IS NOT NULL
        WITH count(n) AS nodes, sum(COUNT { (n)-[r]->() WHERE r.dataset = $d }) AS links,
             sum(COUNT { (n)-[:HAS_IDENTIFIER]->() }) AS identifiers
        RETURN nodes, links, identifiers
        """,
        {"d": dataset},
        database_=database,
    )
    r = records[0]
    return int(r["nodes"]), int(r["links"]), int(r["identifiers"])


def flask(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FLASK, *args], cwd=ROOT, capture_output=True, text=True, check=False)


def delete(dataset: str) -> float:
    started = time.monotonic()
    done = flask("reference", "delete", "--dataset", dataset)
    if done.returncode not in (0, 1):
        raise SystemExit(f"reference delete failed: {done.stderr}")
    return time.monotonic() - started


def tree_rss_mb(pid: int) -> float:
    """The resident memory of a process and all its descendants (its parsing workers), MB."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total += int(match.group(1)) if match else 0
    return total / 1024


class PeakRSS(threading.Thread):
    """Samples a process tree's resident memory until it ends; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.done = pid, 0.0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.1):
            self.peak = max(self.peak, tree_rss_mb(self.pid))


def run_import(path: Path, batch: int, profile: bool) -> tuple[int, float, float]:
    """The real command as a subprocess: (entities, seconds, peak RSS in MB of it and its
    parsing workers together)."""
    command = ["reference", "import", str(path), "--dataset", DATASET, "--batch-size", str(batch)]
    prof = ROOT / "var" / "bench" / "reference-import.prof"
    profiled = [sys.executable, "-m", "cProfile", "-o", str(prof)] if profile else []
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        child = subprocess.Popen([*profiled, *FLASK, *command], cwd=ROOT, stdout=out, stderr=err)
        sampler = PeakRSS(child.pid)
        sampler.start()
        # wait4 gives the child's own peak RSS (the largest of it and its reaped workers); the
        # sampler adds up the process tree while it runs.
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.monotonic() - started
        sampler.done.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        print(stdout, stderr)
        raise SystemExit(f"reference import failed ({child.returncode})")
    match = re.search(r"imported (\d+) entities", stdout)
    if profile:
        import pstats

        pstats.Stats(str(prof)).sort_stats("cumulative").print_stats(25)
    return int(match.group(1)) if match else 0, seconds, max(sampler.peak, usage.ru_maxrss / 1024)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1, help="1 is ICIJ size (default 0.1)")
    parser.add_argument("--batch-size", type=int, default=5000, help="rows per transaction")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the data (default 1)")
    parser.add_argument(
        "--rounds", type=int, default=1, help="rounds, each in the other order (default 1)"
    )
    parser.add_argument("--keep", action="store_true", help=f"keep the import as {DATASET}")
    parser.add_argument(
        "--profile", action="store_true", help="run the import under cProfile (slower)"
    )
    args = parser.parse_args(argv)

    settings = load_settings()
    driver = make_driver(settings)
    database = settings.neo4j_database
    init_schema(driver, database)
    key = load_keys(settings).index_key
    path = data_file(args.scale, args.seed)
    print(f"data: {path.relative_to(ROOT)} ({path.stat().st_size / 1e6:,.0f} MB): {shape(path)}")
    for name in (DATASET, BARE):
        delete(name)
    # Warm up the database (query plans, JIT) on a small file, so neither side pays for it.
    bare_load(driver, database, data_file(0.001, args.seed), key, args.batch_size)
    delete(BARE)

    imports: list[tuple[int, float, float]] = []
    bares: list[tuple[int, float]] = []
    same = True
    for round_ in range(args.rounds):
        order = ("import", "bare") if round_ % 2 == 0 else ("bare", "import")
        for side in order:
            if side == "import":
                imports.append(run_import(path, args.batch_size, args.profile))
            else:
                started = time.monotonic()
                count = bare_load(driver, database, path, key, args.batch_size)
                bares.append((count, time.monotonic() - started))
        ours = graph_counts(driver, database, DATASET)
        theirs = graph_counts(driver, database, BARE)
        same = same and ours == theirs
        (n, seconds, peak), (m, bare_seconds) = imports[-1], bares[-1]
        print(
            f"round {round_ + 1} ({' then '.join(order)}): import {n / seconds:,.0f}/s "
            f"({seconds:,.1f} s, peak RSS {peak:,.0f} MB), bare {m / bare_seconds:,.0f}/s "
            f"({bare_seconds:,.1f} s), ratio {(n / seconds) / (m / bare_seconds):.2f}; "
            f"graphs {'the same' if ours == theirs else f'DIFFERENT: {ours} vs {theirs}'} "
            f"({ours[0]:,} nodes, {ours[1]:,} links, {ours[2]:,} identifier links)"
        )
        if round_ + 1 < args.rounds:
            delete(BARE)
            delete(DATASET)

    import_rate = statistics.median(n / t for n, t, _ in imports)
    bare_rate = statistics.median(n / t for n, t in bares)
    peak_mb = max(p for _, _, p in imports)
    print(f"import: {import_rate:,.0f} entities/s (median), peak RSS {peak_mb:,.0f} MB")
    print(f"bare:   {bare_rate:,.0f} entities/s (median)")
    print(
        f"ratio import/bare: {import_rate / bare_rate:.2f} (target >= 0.7); "
        f"peak RSS {peak_mb:,.0f} MB (target < 500 MB)"
    )
    print(f"delete: {BARE} in {delete(BARE):,.1f} s")
    if args.keep:
        print(f"kept dataset {DATASET}")
    else:
        print(f"delete: {DATASET} in {delete(DATASET):,.1f} s")
    driver.close()
    return 0 if same else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    raise SystemExit(main())
