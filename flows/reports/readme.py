"""README.txt of a weekly report: what each file and column means, and the codebook labels."""

from __future__ import annotations

from flows.reports.data import COLUMNS, ReportData

# Short forms of the codebook's definitions (shared/codebook.md); the labels are verbatim.
CODEBOOK: dict[str, list[tuple[str, str]]] = {
    "quote_type": [
        ("direct", "words inside quotation marks, attributed to a speaker"),
        ("indirect", "reported speech with a speech verb or 'according to', no quotation marks"),
    ],
    "speaker_role": [
        ("official", "public office holders in the executive and government spokespeople"),
        ("enforcement", "police, border and immigration-enforcement bodies, officers, unions"),
        ("politician", "legislators, opposition figures, candidates, party officials"),
        ("legal", "lawyers, legal associations, judges, courts and tribunals"),
        ("advocacy", "NGOs, advocacy and support groups, charities (either side of the debate)"),
        ("international", "intergovernmental bodies and their staff (UNHCR, IOM, the UN)"),
        ("academic", "professors, researchers, think-tank analysts speaking as experts"),
        ("affected", "asylum seekers, refugees, migrants and relatives on their own situation"),
        ("other", "any other identifiable speaker: residents, witnesses, business owners"),
        ("unknown", "the article gives no way to tell who spoke"),
    ],
    "stance": [
        (
            "restrictive",
            "supports limiting access to asylum or protection, or frames claimants as abuse, "
            "burden or threat",
        ),
        (
            "protective",
            "supports asylum seekers' access to protection and their rights, criticises "
            "restrictions, removals or enforcement",
        ),
        ("neutral", "factual, procedural or balanced, no evaluative position on that access"),
    ],
}

FILE_PURPOSE = {
    "articles.csv": "one row per relevant article published in the week",
    "quotes.csv": "one row per quote in those articles",
    "stance_by_outlet.csv": "relevant articles per outlet and article stance",
    "sources_by_role.csv": "quotes per speaker role (who gets to speak)",
    "top_speakers.csv": "the most quoted speakers of the week (up to 50, ties included)",
}

CHART_FILES = {
    "coverage.png": "relevant articles per week by outlet",
    "stance_share.png": "share of article stances per week",
    "quoted_roles.png": "quotes per week by speaker role",
}


def empty_note(data: ReportData) -> str | None:
    """What to tell the reader of a report whose week holds no relevant article (which weeks do);
    None when it holds some."""
    if not data.empty:
        return None
    held = (
        f"The database holds relevant articles from {data.first_week} to {data.latest_week}."
        if data.first_week
        else "The database holds no relevant article yet."
    )
    return (
        f"No relevant articles are stored for {data.week}: the CSV files hold their column "
        f"headers only. {held}"
    )


def readme_text(data: ReportData, generated_at: str, source: str) -> str:
    """The report's README.txt: the week, when and from which database ``source`` it was made, the
    totals and every file's columns."""
    week = data.week
    lines = [
        f"asylumwatch weekly report: {week} "
        f"(Monday {week.start.isoformat()} to Sunday {week.end.isoformat()}, UTC)",
        f"Generated {generated_at} from {source}.",
        "",
    ]
    note = empty_note(data)
    if note:
        lines += ["NOTE: " + note, ""]
    t = data.totals
    lines += [
        f"Week totals: {t.get('relevant_articles', 0)} relevant articles "
        f"({t.get('unique_stories', 0)} unique stories) from {t.get('outlets', 0)} outlets, "
        f"{t.get('quotes', 0)} quotes from {t.get('speakers', 0)} speakers; "
        f"{t.get('articles', 0)} articles stored in all.",
        "",
        "FILES AND COLUMNS",
        "",
    ]
    for name, columns in COLUMNS.items():
        rows = data.tables[name].num_rows
        lines.append(f"{name} - {FILE_PURPOSE[name]} ({rows} rows)")
        width = max(len(column) for column, _ in columns)
        lines += [f"  {column.ljust(width)}  {meaning}" for column, meaning in columns]
        lines.append("")
    lines.append(
        f"Charts (the {len(data.weeks)} weeks {data.weeks[0]} to {week}; report.html shows "
        "them with the week's tables):"
    )
    lines += [f"  {name}  {meaning}" for name, meaning in CHART_FILES.items()]
    lines += [
        "",
        "HOW THE FILES ARE WRITTEN",
        "",
        "  UTF-8 with a byte-order mark; comma separated; RFC 4180 quoting; CRLF line ends.",
        "  Dates are YYYY-MM-DD, weeks are ISO 8601 (YYYY-Www, weeks start on Monday, UTC).",
        "  Numbers use a decimal point; shares run from 0 to 1. An empty cell means no value.",
        "  A text cell that would begin with = + - @ or a tab or carriage return starts with an",
        "  apostrophe (') so that no spreadsheet runs it as a formula; remove it to see the",
        "  original text.",
        "  Column order is fixed; new columns are only ever added at the end.",
        "",
        "CODEBOOK LABELS (values of quote_type, speaker_role and stance)",
        "",
    ]
    for field, labels in CODEBOOK.items():
        lines.append(f"{field}:")
        width = max(len(label) for label, _ in labels)
        lines += [f"  {label.ljust(width)}  {meaning}" for label, meaning in labels]
        lines.append("")
    lines.append("The full codebook with examples and rules: shared/codebook.md.")
    return "\n".join(lines) + "\n"
