"""The command line: init, demo, products list|show|import|export; one-line errors, exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from studio.cli import main

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_then_demo_then_list(capsys):
    code, out, _ = run(capsys, "init", "--json")
    assert code == 0 and json.loads(out)["new"] is True
    code, out, _ = run(capsys, "demo", "--json")
    assert code == 0 and json.loads(out)["products"] == 6
    code, out, _ = run(capsys, "products", "list", "--json")
    data = json.loads(out)
    assert data["workspace"] == "demo" and len(data["products"]) == 6
    code, out, _ = run(capsys, "products", "list", "--search", "xa den")
    assert code == 0 and "tra-xa-den" in out and "khay" not in out


def test_init_with_demo_only_on_a_new_database(capsys):
    assert json.loads(run(capsys, "init", "--with-demo", "--json")[1])["demo_loaded"] is True
    assert json.loads(run(capsys, "init", "--with-demo", "--json")[1])["demo_loaded"] is False


def test_show_json(capsys, demo_engine):
    code, out, _ = run(capsys, "products", "show", "tra-xa-den", "--json")
    data = json.loads(out)
    assert code == 0 and data["ocop"]["stars"] == 4 and data["price_vnd"] == 120000
    assert "missing" in data


def test_export_import_round_trip(capsys, demo_engine, tmp_path):
    out_file = tmp_path / "catalog.xlsx"
    assert run(capsys, "products", "export", "--out", str(out_file))[0] == 0
    code, out, _ = run(capsys, "products", "import", str(out_file), "--json")
    assert code == 0 and len(json.loads(out)["updated"]) == 6
    code, out, _ = run(capsys, "products", "export")
    assert code == 0 and out.startswith("\ufeffslug,producer")


@pytest.mark.parametrize("argv,needle", [
    (["products", "show", "no-such"], "products list"),
    (["products", "list", "--workspace", "nope"], "existing: demo"),
    (["products", "import", "/no/such/file.csv"], "check the path"),
    (["products", "export", "--out", "x.pdf"], "--format csv or xlsx"),
    (["products", "frobnicate"], "--help"),
    (["no-such-command"], "--help"),
])
def test_errors_are_one_line_and_exit_2(capsys, demo_engine, argv, needle):
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert needle in err and err.startswith("error: ")
    assert len(err.strip().splitlines()) == 1


def test_bad_import_prints_table_and_writes_nothing(capsys, demo_engine, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("slug,producer,name_vi,ocop_group,ocop_stars\nx,HTX,Trà,herbal,6\n"
                   "y,HTX,Trà,herbal,9\n", encoding="utf-8")
    code, _, err = run(capsys, "products", "import", str(bad))
    assert code == 2
    assert "row 2, ocop_stars" in err and "row 3, ocop_stars" in err
    assert len(json.loads(run(capsys, "products", "list", "--json")[1])["products"]) == 6


def test_commands_before_init_say_how_to_fix(capsys):
    code, _, err = run(capsys, "products", "list")
    assert code == 2 and "studio init" in err


@pytest.mark.slow
def test_python_dash_m_entry_point(tmp_path):
    env = {"STUDIO_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/s.db",
           "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-m", "studio", "products", "show", "x"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "studio init" in proc.stderr
