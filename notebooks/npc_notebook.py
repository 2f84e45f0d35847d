"""What the notebooks in this folder share: where a run's outputs are, reading them, and the
engine's disclosure control for the few counts a notebook makes itself.

A notebook reads three kinds of input, none of them Parquet:

- the disclosure-controlled aggregates the engine published as CSV to
  PUBLISH/aggregate/DATE/STAGE/ (a suppressed figure is `*` there and NaN here);
- the model card (card.json) of the risk model, found through the warehouse's newest catalog;
- the answers to the aggregate queries in notebooks/queries/ (counts of people, exact, from the
  person-level views), run with `bin/npc sql ... --csv` inside the secure environment. A notebook
  puts every count it makes itself through `control()` before it shows it.

Where things are comes from environment variables, else this installation's defaults
(conf/npc.yaml: warehouse/ and publish/ beside bin/npc):

  NPC_WAREHOUSE   the warehouse folder
  NPC_PUBLISH     the publish area
  NPC_DATE        the as-of date (default: the newest date the cohort was published for)
  NPC_QUERIES     where the queries' answers are kept as NAME.csv (default:
                  target/notebooks/queries/vNNNNNNNN, the warehouse's catalog version)
  NPC             the npc command that answers a query not kept yet (default: bin/npc)
"""

import json
import os
import pathlib
import subprocess

import pandas as pd

HOME = pathlib.Path(__file__).resolve().parent.parent

# The engine's rules (docs/disclosure.md; io.proactivecare.npc.disclosure.Disclosure).
SMALLEST_SUPPRESSED = 1
LARGEST_SUPPRESSED = 7
ROUNDING_BASE = 5


def _folder(variable, default):
    value = os.environ.get(variable)
    return pathlib.Path(value).resolve() if value else (HOME / default).resolve()


class Run:
    """One as-of date's published outputs."""

    def __init__(self):
        self.warehouse = _folder("NPC_WAREHOUSE", "warehouse")
        self.publish = _folder("NPC_PUBLISH", "publish")
        catalogs = sorted((self.warehouse / "catalog").glob("v*.json"))
        if not catalogs:
            raise SystemExit(
                f"no catalog in {self.warehouse}: run the nightly job first "
                "(bin/npc run jobs/nightly.yaml) or set NPC_WAREHOUSE"
            )
        self.catalog_file = catalogs[-1]
        self.catalog = json.loads(self.catalog_file.read_text())
        dates = sorted(self.catalog["outputs"].get("cohort/churn", {}).get("versions", {}))
        self.date = os.environ.get("NPC_DATE") or (dates[-1] if dates else None)
        if self.date is None:
            raise SystemExit(f"the warehouse {self.warehouse} has no cohort yet")
        # Answers are kept per catalog version and date: another date is another answer.
        self.queries = _folder(
            "NPC_QUERIES", f"target/notebooks/queries/{self.catalog_file.stem}/{self.date}"
        )

    def __repr__(self):
        return (
            f"as of {self.date}: warehouse {self.warehouse} (catalog {self.catalog_file.name}), "
            f"publish area {self.publish}"
        )

    def aggregate(self, stage, name):
        """A published aggregate, PUBLISH/aggregate/DATE/STAGE/NAME.csv; `*` (suppressed) is NaN."""
        f = self.publish / "aggregate" / self.date / stage / (name + ".csv")
        if not f.is_file():
            raise SystemExit(f"{f} is not there: has {stage} been published for {self.date}?")
        return pd.read_csv(f, na_values=["*"], dtype={"level": str})

    def has_aggregate(self, stage, name):
        return (self.publish / "aggregate" / self.date / stage / (name + ".csv")).is_file()

    def path(self, output, key):
        """The folder of one published version of an output, through the catalog."""
        versions = self.catalog["outputs"][output]["versions"]
        return self.warehouse / versions[key]["path"]

    def model_card(self):
        """The card of the model that scored the date: the model the date's scores name (the
        current model may have changed since, by npc risk promote or a later training)."""
        models = list(self.query("scoring_model")["model_id"])
        if len(models) != 1:
            raise SystemExit(f"the scores of {self.date} name {len(models)} models: {models}")
        return json.loads((self.path("risk/model", models[0]) / "card.json").read_text())

    def query(self, name):
        """The answer to notebooks/queries/NAME.sql at the date (exact counts: control them)."""
        answer = self.queries / (name + ".csv")
        if not answer.is_file():
            statement = statement_of(HOME / "notebooks" / "queries" / (name + ".sql"))
            self.queries.mkdir(parents=True, exist_ok=True)
            npc = os.environ.get("NPC") or str(HOME / "bin" / "npc")
            subprocess.run(
                [npc, "sql", "--warehouse", str(self.warehouse), "--as-of", self.date]
                + ["--csv", str(answer), "--", statement],
                check=True,
            )
        return pd.read_csv(answer)


def statement_of(sql_file):
    """A query file's statement: its lines less the comment lines (`--`) that head it."""
    return "\n".join(
        line for line in sql_file.read_text().splitlines() if not line.lstrip().startswith("--")
    ).strip()


def control(cells, sums=()):
    """The engine's disclosure control for counts of people a notebook makes itself.

    cells: {id: exact count}; sums: [(total id, [part ids])], each total exactly the sum of its
    parts. Counts of 1 to 7 are suppressed; where a sum has exactly one suppressed member, the
    part with the smallest non-zero count is suppressed too (else the first zero part, else the
    total), until no sum has exactly one; every other count is rounded to the nearest 5. Returns
    {id: published count, or None where suppressed}.
    """
    for total, parts in sums:
        if sum(cells[p] for p in parts) != cells[total]:
            raise ValueError(f"the parts of {total} do not add up to it")
    hidden = {k for k, v in cells.items() if SMALLEST_SUPPRESSED <= v <= LARGEST_SUPPRESSED}
    changed = True
    while changed:
        changed = False
        for total, parts in sums:
            if sum(m in hidden for m in [total, *parts]) != 1:
                continue
            shown = [p for p in parts if p not in hidden]
            non_zero = [p for p in shown if cells[p] > 0]
            if non_zero:
                pick = min(non_zero, key=lambda p: cells[p])
            elif shown:
                pick = shown[0]
            else:
                pick = total
            hidden.add(pick)
            changed = True
    return {
        k: None if k in hidden else ROUNDING_BASE * int(v / ROUNDING_BASE + 0.5)
        for k, v in cells.items()
    }


def control_column(frame, column, total=None):
    """A copy of `frame` with `column` (exact counts of people) controlled, as floats (NaN where
    suppressed). With `total`, the column's rows are the parts of that exact total, returned too."""
    cells = {i: int(v) for i, v in enumerate(frame[column])}
    sums = []
    if total is not None:
        cells["total"] = int(total)
        sums.append(("total", list(range(len(frame)))))
    published = control(cells, sums)
    out = frame.copy()
    out[column] = [published[i] for i in range(len(frame))]
    out[column] = out[column].astype(float)
    return (out, published.get("total")) if total is not None else out


def table(frame, columns=None):
    """A copy of a published table for display: in `columns` (default: every numeric column) a
    suppressed figure (NaN) shows as `*`, and a column of whole numbers shows no decimals."""
    out = frame.copy()
    for c in columns or frame.select_dtypes("number").columns:
        values = out[c].dropna()
        whole = len(values) > 0 and (values == values.round()).all()
        out[c] = [
            "*" if pd.isna(v) else (f"{int(v):,}" if whole else v) for v in out[c]
        ]
    return out


def shown(value, digits=0):
    """A published figure as text: `*` where suppressed."""
    if value is None or pd.isna(value):
        return "*"
    return f"{value:,.{digits}f}"
