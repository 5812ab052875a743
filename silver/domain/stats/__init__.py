"""Pilot statistics for evaluators (CONTRACT.md "Statistics", DOMAIN.md "Statistics"): pure.

Neo4j does the counting (graph/repositories/stats.py fills `rows.StatsRows`); this package turns
those grouped rows into one table of figures, converts money to EUR, suppresses small counts for
the public and writes the table as JSON or CSV. Keeping it free of I/O (apart from reading the
rate table) lets every rule that protects a case from being pointed at be tested without a
database. `silver.services.stats.pilot_statistics` puts the steps together.

- `catalogue`:   what is counted: the sections, their breakdowns and metrics, the vocabularies.
- `rows`:        the grouped rows the graph returns (and the reader that returns them).
- `rates`:       the EUR reference rates (`silver/data/eur_rates.csv`).
- `quantiles`:   medians and 90th percentiles from histograms.
- `table`:       figures with the cases behind them, what each is computed from, and the
                 (total, parts) groups.
- `assemble`:    from the rows to the table, one function per section.
- `suppression`: the table as shown to an audience.
- `export`:      the result as JSON and as a CSV table.

Every figure has an address `(section, dimension, key, metric)`: the JSON document nests them as
`sections[section][dimension][key][metric]` and the CSV lists them one per row, so both carry
exactly the same figures. Each section but `time_to_decision` has a `total` dimension with the
single key `all`.

Suppression (`audience=public`), so that no figure for parliament can point to a case. Every
figure knows the number of distinct cases it comes from, because six outcomes of one case
point to that case as surely as one outcome does:
- primary: a count from 1 to `suppress_below - 1` becomes `"<{suppress_below}"`; any figure
  drawn from 1 to `suppress_below - 1` cases becomes `"suppressed"`; zero stays 0;
- dependent: an amount in EUR, a median or a rate computed from a suppressed count becomes
  `"suppressed"`;
- secondary: where a total is shown and exactly one of its parts is suppressed, the smallest
  other non-zero part is suppressed too (`"suppressed"`), repeated until nothing changes, so
  that no suppressed figure follows from a subtraction. Breakdowns that are not strict
  partitions (a case has several crime types) are treated the same way, which can only hide
  more.
`suppress_below=1` suppresses nothing.

Money: amounts are summed in whole cents in Neo4j per currency and converted here with the
ECB reference rates in `silver/data/eur_rates.csv` (units of the currency per 1 EUR, one date
and source for the whole table, both named in the output). An amount in a currency the table
lacks is never guessed: it is reported per currency under `unconverted`.

Medians and 90th percentiles interpolate linearly between order statistics (the "inclusive"
method of `statistics.quantiles`, Excel's PERCENTILE.INC), from histograms Neo4j returns.
"""
