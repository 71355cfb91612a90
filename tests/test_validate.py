"""``asylumwatch validate sample|score`` and pipeline/validate.py."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from test_report_fixtures import build_db
from typer.testing import CliRunner

from flows.cli import _mount_subcommands, app
from pipeline import validate as v
from pipeline.store.filters import Filters
from pipeline.store.load import connect


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    _mount_subcommands()
    return build_db(tmp_path_factory.mktemp("validate") / "aw.duckdb")


def cli(*args: str):
    return CliRunner().invoke(app, list(args), env={"COLUMNS": "120"})


def read(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline="")))


def test_sample_is_reproducible_and_seeded(db: Path) -> None:
    with connect(db, read_only=True) as con:
        a = v.draw_sample(con, "quotes", 5, seed=7)
        b = v.draw_sample(con, "quotes", 5, seed=7)
        c = v.draw_sample(con, "quotes", 5, seed=8)
        everything = v.draw_sample(con, "quotes", 100, seed=1)
        articles = v.draw_sample(con, "articles", 100, seed=1, include_off_topic=True)
        filtered = v.draw_sample(
            con, "quotes", 100, seed=1, filters=Filters.parse("2025-W25", "2025-W25")
        )
    assert a.rows == b.rows and a.rows != c.rows and len(a.rows) == 5
    # quotes of relevant articles only (not the hockey story's), each once
    assert everything.population == 12 and len({r[0] for r in everything.rows}) == 12
    assert "art004:0" not in {r[0] for r in everything.rows}
    # one article per story (art003 copies art001), off-topic ones on request
    assert {r[0] for r in articles.rows} >= {"art001", "art004"}
    assert "art003" not in {r[0] for r in articles.rows}
    assert {r[0].split(":")[0] for r in filtered.rows} <= {"art001", "art002", "art003", "art005"}


def test_stratified_sample_keeps_each_labels_share() -> None:
    assert v._allocate({"a": 60, "b": 30, "c": 10}, 10) == {"a": 6, "b": 3, "c": 1}
    assert v._allocate({"a": 5, "b": 5, "c": 5}, 4) == {"a": 2, "b": 1, "c": 1}
    assert v._allocate({"a": 2, "b": 1}, 10) == {"a": 2, "b": 1}


def test_sample_command_writes_coder_columns(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    args = ["validate", "sample", "--db", str(db), "--n", "6", "--seed", "3", "--out", str(out)]
    result = cli(*args, "--stratify", "stance")
    assert result.exit_code == 0, result.output
    assert "seed 3" in result.output and "Stratified on stance" in result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = read(out)
    assert len(rows) == 6
    assert list(rows[0])[-5:] == [
        "tool_stance",
        "tool_speaker_role",
        "coder_stance",
        "coder_speaker_role",
        "coder_note",
    ]
    assert all(r["coder_stance"] == "" and ">>>" in r["context"] for r in rows)
    assert (tmp_path / "q.sample.json").is_file()
    # a coded file is never overwritten by accident
    again = cli(*args)
    assert again.exit_code == 2 and "exists" in again.stderr
    bad = cli("validate", "sample", "--db", str(db), "--stratify", "colour", "--out", "x.csv")
    assert bad.exit_code == 2 and "--stratify colour" in bad.stderr


def test_wilson_and_kappa_match_textbook_values() -> None:
    w = v.wilson(8, 10)
    assert (round(w.low, 3), round(w.high, 3)) == (0.49, 0.943)
    # Cohen's kappa, the Wikipedia example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no: 0.4
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10
    pairs += [("no", "no")] * 15
    field = v.score_pairs("x", pairs)
    assert field.kappa.value == pytest.approx(0.4)
    assert field.kappa.low < 0.4 < field.kappa.high
    assert field.accuracy.value == pytest.approx(0.7)
    by_label = {s.label: s for s in field.labels}
    # label "yes": tool said yes 25 times, 20 right; coder said yes 30 times
    assert by_label["yes"].precision.value == pytest.approx(20 / 25)
    assert by_label["yes"].recall.value == pytest.approx(20 / 30)
    assert by_label["yes"].f1.value == pytest.approx(2 * 20 / (2 * 20 + 5 + 10))
    assert by_label["yes"].f1.low < by_label["yes"].f1.value < by_label["yes"].f1.high
    assert field.matrix_labels == ["no", "yes"] and field.matrix == [[15, 5], [10, 20]]
    assert v.score_pairs("x", pairs).labels[0].f1 == field.labels[0].f1  # seeded bootstrap


def test_score_reads_a_spreadsheet_saved_file(tmp_path: Path) -> None:
    # Excel in a German locale: semicolons, Windows-1252, "Ja"-free but capitalised labels
    text = "item_id;tool_stance;coder_stance;coder_note\r\n"
    text += "a;protective;Protective;Zoë\r\nb;restrictive;protective;\r\nc;;neutral;\r\n"
    text += "d;neutral;?;unsure\r\ne;neutral;;\r\n"
    path = tmp_path / "coded.csv"
    path.write_bytes(text.encode("cp1252"))
    report = v.score_file(path)
    (field,) = report.fields
    assert field.coded == 3 and field.uncodable == 1
    assert field.matrix_labels == ["neutral", "protective", "restrictive", "(none)"]
    assert {s.label: s.true_positives for s in field.labels}["protective"] == 1


def test_score_command_prints_tables_and_writes_html(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "q.csv"
    assert (
        cli("validate", "sample", "--db", str(db), "--seed", "1", "--out", str(out)).exit_code == 0
    )
    rows = read(out)
    for i, row in enumerate(rows):  # the coder agrees with the tool but twice
        row["coder_stance"] = row["tool_stance"] if i % 5 else "neutral"
    with open(out, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    result = cli("validate", "score", str(out))
    assert result.exit_code == 0, result.output
    assert "Cohen's kappa" in result.output and "precision" in result.output
    assert "speaker_role" not in result.output.split("Page:")[0]  # not coded: not scored
    page = (tmp_path / "q.score.html").read_text()
    assert "<table>" in page and "Confusion matrix" in page and "Wilson" in page


def test_score_errors_are_one_line(tmp_path: Path) -> None:
    missing = cli("validate", "score", str(tmp_path / "none.csv"))
    assert missing.exit_code == 2 and "no such file" in missing.stderr
    empty = tmp_path / "empty.csv"
    empty.write_text("item_id,tool_stance,coder_stance\r\na,neutral,\r\n")
    result = cli("validate", "score", str(empty))
    assert result.exit_code == 2 and "no coded row yet" in result.stderr
    other = tmp_path / "other.csv"
    other.write_text("a,b\r\n1,2\r\n")
    assert "no tool_X column" in cli("validate", "score", str(other)).stderr


def test_blind_sample_keeps_the_tools_labels_in_a_key_file(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "blind.csv"
    args = ["validate", "sample", "--db", str(db), "--seed", "2", "--blind", "--out", str(out)]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    rows = read(out)
    assert not any(h.startswith("tool_") for h in rows[0])
    key = read(tmp_path / "blind.key.csv")
    assert [r["item_id"] for r in key] == [r["item_id"] for r in rows]
    assert list(key[0]) == ["item_id", "tool_stance", "tool_speaker_role"]
    for row, labels in zip(rows, key, strict=True):
        row["coder_stance"] = labels["tool_stance"] or "neutral"
    with open(out, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    scored = cli("validate", "score", str(out))
    assert scored.exit_code == 0, scored.output
    report = v.score_file(out)
    assert report.fields[0].name == "stance" and report.fields[0].coded == len(rows)


def test_labels_outside_the_codebook_are_flagged(tmp_path: Path) -> None:
    path = tmp_path / "typo.csv"
    path.write_text(
        "item_id,tool_stance,coder_stance\r\na,protective,protectve\r\nb,neutral,neutral\r\n"
    )
    report = v.score_file(path)
    assert report.fields[0].unknown == {"protectve": 1}
    result = cli("validate", "score", str(path))
    assert result.exit_code == 0 and "protectve (1)" in result.stdout
    assert "Not codebook labels" in (tmp_path / "typo.score.html").read_text()


def test_score_tables_fit_80_columns_with_ten_roles(tmp_path: Path) -> None:
    roles = ["official", "enforcement", "politician", "legal", "advocacy", "international"]
    roles += ["academic", "affected", "other", "unknown"]
    lines = ["item_id,tool_speaker_role,coder_speaker_role"]
    for role in roles:
        lines += [f"{role}{i},{role},{role}" for i in range(3)] + [f"x{role},official,{role}"]
    path = tmp_path / "roles.csv"
    path.write_text("\r\n".join(lines) + "\r\n")
    result = CliRunner().invoke(app, ["validate", "score", str(path)], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    body = result.stdout.split("95% intervals")[0]
    assert "…" not in body and max(len(line) for line in body.splitlines()) <= 80
    assert "10 unknown" in body  # the matrix numbers its columns
