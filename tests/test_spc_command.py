"""``cmast spc`` end to end through typer's test runner, on small CSV files written per test.

The series is the alternating one of test_spc_method (11, 9, ... twelve points: mean 10,
limits 4.68 and 15.32) with extra rows where a test needs a signal.
"""

from __future__ import annotations

import json
import re

import pytest
import typer
from typer.testing import CliRunner

from cmast.commands.spc import spc

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
BASE = [11.0, 9.0] * 6


def make_app() -> typer.Typer:
    """An app shaped like the main CLI: a callback, so ``spc`` is a named subcommand."""
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """cmast"""

    app.command("spc")(spc)
    return app


def invoke(*args):
    return CliRunner().invoke(make_app(), ["spc", *map(str, args)])


def write_csv(path, values, header="period,value"):
    rows = [f"{2022 + i // 12}-{i % 12 + 1:02d},{v}" for i, v in enumerate(values)]
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def plain(text: str) -> str:
    """Error text without rich's box drawing and line wrapping."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


def test_summary_and_default_chart_path(tmp_path):
    csv = write_csv(tmp_path / "ae_four_hour.csv", BASE + [16.0])  # 16 > 15.32: astronomical
    result = invoke(csv, "--improvement", "up", "--target", "4", "--baseline", "12")
    assert result.exit_code == 0, result.output
    chart = tmp_path / "ae_four_hour.png"
    assert chart.read_bytes().startswith(PNG_SIGNATURE)
    out = result.stdout
    assert "13 points, higher is better" in out
    assert "Mean 10, process limits 4.68 to 15.32" in out
    assert "Variation at 2023-01: Special cause improvement (high)" in out
    assert "Assurance: Consistently passes the target (target 4)" in out
    assert "1 point(s) flagged (beyond a limit 1)" in out
    assert str(chart) in out


def test_json_output(tmp_path):
    csv = write_csv(tmp_path / "m.csv", BASE + [4.0])  # 4 < 4.68
    out = tmp_path / "chart.svg"
    result = invoke(
        csv, "--improvement", "down", "--json", "--out", out, "--baseline", "12", "--target", "16"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["chart"] == str(out)
    assert out.read_text().lstrip().startswith("<?xml")
    assert data["mean"] == pytest.approx(10.0)
    assert data["upper_process_limit"] == pytest.approx(15.32)
    assert data["lower_process_limit"] == pytest.approx(4.68)
    assert data["variation"] == "improvement_low"
    assert data["assurance"] == "pass"  # lower is better and 16 is above 15.32
    assert len(data["points"]) == 13
    assert data["points"][-1]["flags"] == ["astronomical"]
    assert data["points"][-1]["period"] == "2023-01"


def test_rebase_and_run_length(tmp_path):
    # Second segment 21, 19, ... (mean 20) from 2023-01; without the rebase both halves are runs.
    csv = write_csv(tmp_path / "m.csv", BASE + [21.0, 19.0] * 6)
    result = invoke(
        csv, "--improvement", "up", "--json", "--rebase", "2023-01", "--run-length", "6"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["run_length"] == 6
    assert [s["first_period"] for s in data["segments"]] == ["2022-01", "2023-01"]
    assert data["mean"] == pytest.approx(20.0)
    assert all(p["flags"] == [] for p in data["points"])


def test_header_case_and_spaces_are_tolerated(tmp_path):
    csv = write_csv(tmp_path / "m.csv", BASE, header=" Period , Value ")
    result = invoke(csv, "--improvement", "up", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["variation"] == "common_cause"


def test_short_series_says_so(tmp_path):
    csv = write_csv(tmp_path / "m.csv", [11.0, 9.0, 11.0])
    result = invoke(csv, "--improvement", "up")
    assert result.exit_code == 0, result.output
    assert "Fewer than 12 points set the limits" in result.stdout


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        ("month,value\n2022-01,1\n2022-02,2\n", [], "needs columns 'period' and 'value'"),
        (
            "period,value\n2022-01,1\n2022-02,abc\n2022-03,\n",
            [],
            "row 2 (period '2022-02', value 'abc'); row 3 (period '2022-03', value '')",
        ),
        ("period,value\n2022-01,1\n", [], "SPC needs at least 2"),
        ("period,value\n", [], "SPC needs at least 2"),
        ("", [], "cannot read"),
        ("period,value\n2022-01,1\n2022-01,2\n", [], "periods repeat: 2022-01"),
        ("period,value\n2022-01,1\n2022-02,2\n", ["--rebase", "2030-01"], "not in the series"),
        ("period,value\n2022-01,1\n2022-02,2\n", ["--out", "chart.pdf"], ".png or .svg"),
        ("period,value\n2022-01,1\n2022-02,2\n", ["--baseline", "1"], "greater than or equal to 2"),
    ],
)
def test_bad_input_exits_with_code_2(tmp_path, content, extra, message):
    csv = tmp_path / "m.csv"
    csv.write_text(content)
    result = invoke(csv, "--improvement", "up", *extra)
    assert result.exit_code == 2
    assert message in plain(result.output)


def test_missing_file_and_bad_direction_exit_with_code_2(tmp_path):
    assert invoke(tmp_path / "absent.csv", "--improvement", "up").exit_code == 2
    csv = write_csv(tmp_path / "m.csv", BASE)
    result = invoke(csv, "--improvement", "sideways")
    assert result.exit_code == 2
    assert "'sideways' is not one of" in plain(result.output)


def test_rows_out_of_date_order_are_sorted_and_said_to_be(tmp_path):
    # The thirteen months of test_summary_and_default_chart_path with the last row first.
    rows = [f"{2022 + i // 12}-{i % 12 + 1:02d},{v}" for i, v in enumerate(BASE + [16.0])]
    csv = tmp_path / "m.csv"
    csv.write_text("\n".join(["period,value", rows[-1], *rows[:-1]]) + "\n")
    result = invoke(csv, "--improvement", "up", "--baseline", "12")
    assert result.exit_code == 0, result.output
    assert "The rows of m.csv were not in date order: sorted by period." in result.stdout
    assert "Variation at 2023-01: Special cause improvement (high)" in result.stdout
    result = invoke(csv, "--improvement", "up", "--baseline", "12", "--json")
    data = json.loads(result.stdout)
    assert data["reordered"] is True
    assert [p["period"] for p in data["points"]][:2] == ["2022-01", "2022-02"]


def test_rows_out_of_order_without_dates_are_refused(tmp_path):
    csv = tmp_path / "m.csv"
    csv.write_text("period,value\nweek b,1\nweek a,2\nweek c,3\n")
    result = invoke(csv, "--improvement", "up")
    assert result.exit_code == 2
    assert "out of order (week b comes before week a)" in plain(result.output)
    assert not (tmp_path / "m.png").exists()


def test_no_variation_is_said_in_the_summary(tmp_path):
    csv = write_csv(tmp_path / "flat.csv", [59.37] * 14)
    result = invoke(csv, "--improvement", "up", "--target", "92", "--unit", "percent")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Mean 59.37; no variation: every point is 59.37%: no limits, no icons." in out
    assert "Assurance: target 92%: no variation, so no assurance" in out
    assert "Variation at" not in out


def test_short_series_with_a_target_says_too_few_points(tmp_path):
    csv = write_csv(tmp_path / "m.csv", [90.0, 93.0, 91.0])
    result = invoke(csv, "--improvement", "up", "--target", "92", "--unit", "percent")
    assert result.exit_code == 0, result.output
    assert "Assurance: target 92%: too few points for assurance" in result.stdout
    result = invoke(csv, "--improvement", "up")
    assert "Assurance: no target set" in result.stdout
