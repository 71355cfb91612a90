"""report.html: the week's charts and key tables on one page that opens with no network.

No scripts, fonts or styles from elsewhere: the CSS is inline and the charts are the PNG files
next to it. Every value from the database is HTML-escaped (headlines are scraped text).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import pyarrow as pa

from flows.reports.data import COLUMNS, ReportData
from flows.reports.readme import CHART_FILES, CODEBOOK, FILE_PURPOSE, empty_note
from pipeline.core.records import STANCES

MAX_ARTICLES = 100  # rows of the article list shown on the page (all are in articles.csv)
MAX_SPEAKERS = 15
EXAMPLE_QUOTES = 3  # example quotes shown per stance
UNCLASSIFIED = "not classified"
LABEL_COLUMNS = {"stance", "speaker_role"}  # NULL there means "not classified"

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 1100px; color: #1c2833; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; font-size: 1.2rem; }
.sub { color: #566573; margin-top: 0; }
.note { background: #fef9e7; border-left: 4px solid #f1c40f; padding: .7rem 1rem; }
.totals { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }
.totals div { background: #f4f6f7; border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }
.totals b { display: block; font-size: 1.4rem; }
img { max-width: 100%; height: auto; border: 1px solid #eaeded; margin: .5rem 0; }
table { border-collapse: collapse; font-size: .9rem; margin: .5rem 0; }
th, td { border-bottom: 1px solid #e5e8e8; padding: .3rem .6rem; text-align: left;
         vertical-align: top; }
th { background: #f4f6f7; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: #808b96; } a { color: #1a5276; }
.totals .change { display: block; font-size: .8rem; color: #566573; }
td { white-space: normal; } td:first-child, td.n { white-space: nowrap; }
ul.quotes li { margin-bottom: .4rem; }
"""


def _cell(value: object, share: bool = False, label: bool = False) -> str:
    if value is None:
        text = UNCLASSIFIED if label else "&ndash;"
        return f'<td class="muted">{text}</td>'
    if isinstance(value, float):
        text = f"{value:.1%}" if share else f"{value:.2f}"
        return f'<td class="n">{text}</td>'
    if isinstance(value, int):
        return f'<td class="n">{value}</td>'
    return f"<td>{escape(str(value))}</td>"


def _table(
    table: pa.Table, columns: Sequence[str], limit: int | None = None, csv_name: str = ""
) -> str:
    rows = table.select(list(columns)).to_pylist()
    if not rows:
        return '<p class="muted">No rows for this week.</p>'
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = []
    for row in rows[:limit]:
        cells = "".join(
            _cell(row[c], share=c == "share", label=c in LABEL_COLUMNS) for c in columns
        )
        body.append(f"<tr>{cells}</tr>")
    more = ""
    if limit is not None and len(rows) > limit:
        where = escape(csv_name or "the CSV file")
        more = f'<p class="muted">{_more_text(rows, limit)} in {where}.</p>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def _more_text(rows: list[dict], limit: int) -> str:
    """What the cut leaves out, saying so when it cuts through a tie ("rank" equal)."""
    left = len(rows) - limit
    if "rank" not in rows[0]:
        return f"{left} more rows"
    rank = rows[limit - 1]["rank"]
    tied = sum(1 for r in rows[limit:] if r["rank"] == rank)
    if not tied:
        return f"{left} more rows"
    shown_tied = sum(1 for r in rows[:limit] if r["rank"] == rank)
    text = f"and {tied} more tied at rank {rank} ({shown_tied + tied} speakers share it)"
    return text + (f", {left - tied} more below" if left > tied else "")


def _change(now: int, before: int) -> str:
    """The change against last week, e.g. "+3 (+25%) vs last week"."""
    diff = now - before
    if before == 0:
        return "none last week" if now == 0 else f"+{now} vs none last week"
    if diff == 0:
        return "same as last week"
    return f"{diff:+d} ({diff / before:+.0%}) vs last week"


def _example_quotes(table: pa.Table, per_stance: int = EXAMPLE_QUOTES) -> str:
    """A few quotes of each stance with speaker, role and a link to the article: attributed
    direct quotes first, one per speaker before a second one, then in file order."""
    rows = table.to_pylist()
    if not rows:
        return '<p class="muted">No quotes this week.</p>'
    parts = []
    stances: list[str | None] = [*STANCES]
    stances += sorted({r["stance"] for r in rows if r["stance"] and r["stance"] not in STANCES})
    for stance in stances:
        ranked = sorted(
            (r for r in rows if r["stance"] == stance),
            key=lambda r: (r["speaker"] is None, r["quote_type"] != "direct"),
        )
        seen: set[str | None] = set()
        varied = []  # one quote per speaker first, then the rest
        for r in ranked:
            if r["speaker"] not in seen:
                seen.add(r["speaker"])
                varied.append(r)
        chosen = (varied + [r for r in ranked if r not in varied])[:per_stance]
        total = sum(1 for r in rows if r["stance"] == stance)
        parts.append(
            f"<h3>{escape(stance or UNCLASSIFIED)} <span class='muted'>({total})</span></h3>"
        )
        if not chosen:
            parts.append('<p class="muted">No quote with this stance this week.</p>')
            continue
        items = []
        for r in chosen:
            who = escape(r["speaker"] or "unattributed")
            role = escape(r["speaker_role"] or UNCLASSIFIED)
            org = f", {escape(r['speaker_org'])}" if r["speaker_org"] else ""
            url = r["article_url"] or ""
            title = escape(r["article_title"] or "article")
            link = (
                f'<a href="{escape(url, quote=True)}">{title}</a>'
                if url.startswith(("http://", "https://"))
                else title
            )
            items.append(
                f"<li><q>{escape(r['quote'])}</q> &mdash; <b>{who}</b> ({role}{org}), "
                f"{escape(r['outlet'])}: {link}</li>"
            )
        parts.append(f"<ul class='quotes'>{''.join(items)}</ul>")
    return "".join(parts)


def _stance_by_outlet(table: pa.Table) -> str:
    """One row per outlet, one column per stance: "n (share)"."""
    rows = table.to_pylist()
    if not rows:
        return '<p class="muted">No relevant articles this week.</p>'
    by_outlet: dict[str, dict[str | None, tuple[int, float]]] = {}
    for row in rows:
        by_outlet.setdefault(row["outlet"], {})[row["stance"]] = (row["articles"], row["share"])
    stances: list[str | None] = [*STANCES]
    stances += sorted({r["stance"] for r in rows if r["stance"] and r["stance"] not in STANCES})
    if any(r["stance"] is None for r in rows):
        stances.append(None)
    head = "".join(f"<th>{escape(s or UNCLASSIFIED)}</th>" for s in stances)
    body = []
    for outlet, counts in by_outlet.items():
        total = sum(n for n, _ in counts.values())
        cells = []
        for stance in stances:
            n, share = counts.get(stance, (0, 0.0))
            cells.append(f'<td class="n">{n} <span class="muted">({share:.0%})</span></td>')
        body.append(f'<tr><td>{escape(outlet)}</td><td class="n">{total}</td>{"".join(cells)}</tr>')
    return (
        f"<table><thead><tr><th>outlet</th><th>relevant articles</th>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def _articles(table: pa.Table) -> str:
    rows = table.to_pylist()
    if not rows:
        return '<p class="muted">No relevant articles this week.</p>'
    body = []
    for row in rows[:MAX_ARTICLES]:
        title = escape(row["title"] or "(no title)")
        url = row["url"] or ""
        link = (
            f'<a href="{escape(url, quote=True)}">{title}</a>'
            if url.startswith(("http://", "https://"))
            else title
        )
        dup = ' <span class="muted">(copy)</span>' if row["duplicate_of"] else ""
        body.append(
            f"<tr><td>{escape(str(row['date']))}</td><td>{escape(row['outlet'])}</td>"
            f"<td>{link}{dup}</td>{_cell(row['stance'], label=True)}{_cell(row['quotes'])}</tr>"
        )
    more = ""
    if len(rows) > MAX_ARTICLES:
        more = f'<p class="muted">{len(rows) - MAX_ARTICLES} more in articles.csv.</p>'
    return (
        "<table><thead><tr><th>date</th><th>outlet</th><th>title</th><th>stance</th>"
        f"<th>quotes</th></tr></thead><tbody>{''.join(body)}</tbody></table>{more}"
    )


def render(data: ReportData, generated_at: str) -> str:
    """The report's HTML page for ``data``, generated at ``generated_at``."""
    week = data.week
    t = data.totals
    note = empty_note(data)
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>asylumwatch weekly report {week}</title>",
        f"<style>{CSS}</style></head><body>",
        f"<h1>Asylum coverage, week {week}</h1>",
        f'<p class="sub">Monday {week.start.isoformat()} to Sunday {week.end.isoformat()} (UTC)'
        f" &middot; generated {escape(generated_at)}</p>",
    ]
    if data.scope:
        parts.append(f'<p class="note">Restricted to {escape(data.scope)}.</p>')
    if note:
        parts.append(f'<p class="note">{escape(note)}</p>')
    parts.append('<div class="totals">')
    for label, key in (
        ("relevant articles", "relevant_articles"),
        ("unique stories", "unique_stories"),
        ("outlets", "outlets"),
        ("quotes", "quotes"),
        ("speakers", "speakers"),
    ):
        now, before = int(t.get(key) or 0), int(data.previous.get(key) or 0)
        parts.append(
            f"<div><b>{now}</b>{label}"
            f'<span class="change">{escape(_change(now, before))}</span></div>'
        )
    parts.append("</div>")
    parts.append(f"<h2>The last {len(data.weeks)} weeks</h2>")
    for name, meaning in CHART_FILES.items():
        parts.append(f'<img src="{name}" alt="{escape(meaning, quote=True)}">')
    parts += [
        "<h2>Stance of relevant articles, by outlet</h2>",
        _stance_by_outlet(data.tables["stance_by_outlet.csv"]),
        "<h2>Who is quoted: quotes by speaker role</h2>",
        _table(data.tables["sources_by_role.csv"], ["speaker_role", "quotes", "share"]),
        "<h2>Most quoted speakers</h2>",
        _table(
            data.tables["top_speakers.csv"],
            ["rank", "speaker", "speaker_role", "speaker_org", "quotes", "outlets"],
            limit=MAX_SPEAKERS,
            csv_name="top_speakers.csv",
        ),
        "<h2>Example quotes, by stance</h2>",
        _example_quotes(data.tables["quotes.csv"]),
        "<h2>Relevant articles</h2>",
        _articles(data.tables["articles.csv"]),
        "<h2>Files</h2><ul>",
    ]
    for name in COLUMNS:
        rows = data.tables[name].num_rows
        parts.append(
            f'<li><a href="{name}">{name}</a>: {escape(FILE_PURPOSE[name])} ({rows} rows)</li>'
        )
    parts.append('<li><a href="README.txt">README.txt</a>: every column explained</li></ul>')
    parts.append("<h2>Labels</h2>")
    for field, labels in CODEBOOK.items():
        items = "".join(f"<li><b>{escape(lab)}</b>: {escape(mean)}</li>" for lab, mean in labels)
        parts.append(f"<p><code>{field}</code></p><ul>{items}</ul>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
