"""``python -m studio orders parse``: the stable JSON shape, catalog keywords, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from studio.cli import main

DATA = Path(__file__).parent / "data"
CSV = ("time,user,comment\n"
       "2026-11-23 20:00:01,Lan,chốt 2 hộp trà xạ đen 0912 345 678\n"
       "2026-11-23 20:00:02,Lan,chốt 2 hộp trà xạ đen 0912 345 678\n"
       "2026-11-23 20:00:03,Hoa,2 hộp trà + 1 hộp cúc\n"
       "2026-11-23 20:00:04,Minh,bưởi giá bao nhiêu?\n"
       "2026-11-23 20:00:05,Hoa,bỏ 1 hộp trà\n"
       "2026-11-23 20:00:06,An,chốt 2 cái khăn\n")


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_with_a_keywords_file_needs_no_database(tmp_path, capsys, _studio_env):
    comments = _write(tmp_path, "c.csv", CSV)
    code = main(["orders", "parse", "--comments", str(comments),
                 "--keywords", str(DATA / "live_keywords.json"), "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"orders", "questions", "cancels", "unmatched"}
    orders = {o["user"]: o for o in out["orders"]}
    assert orders["Lan"]["phone"] == "0912345678"
    assert orders["Lan"]["items"] == {"tra-xa-den": 2}
    assert len(orders["Lan"]["comments"]) == 1
    assert orders["Hoa"]["items"] == {"tra-xa-den": 1, "tra-hoa-cuc": 1}
    assert [q["user"] for q in out["questions"]] == ["Minh"]
    assert [c["user"] for c in out["cancels"]] == ["Hoa"]
    assert [u["user"] for u in out["unmatched"]] == ["An"]
    assert not (_studio_env / "studio.db").exists()


def test_parse_text_output_masks_phones(tmp_path, capsys):
    comments = _write(tmp_path, "c.csv", CSV)
    assert main(["orders", "parse", "--comments", str(comments),
                 "--keywords", str(DATA / "live_keywords.json")]) == 0
    out = capsys.readouterr().out
    assert "0912***678" in out and "0912345678" not in out


def test_stock_limit_and_pasted_text(tmp_path, capsys):
    comments = _write(tmp_path, "c.txt", "Lan: chốt 3 trà\nHoa: chốt 2 trà\n")
    stock = _write(tmp_path, "s.json", '{"tra-xa-den": 4}')
    assert main(["orders", "parse", "--comments", str(comments), "--keywords",
                 str(DATA / "live_keywords.json"), "--stock", str(stock), "--json"]) == 0
    orders = {o["user"]: o for o in json.loads(capsys.readouterr().out)["orders"]}
    assert orders["Hoa"]["items"] == {"tra-xa-den": 1}
    assert orders["Hoa"]["short"] == {"tra-xa-den": 1}


def test_keywords_come_from_the_catalog_with_a_workspace(demo_engine, tmp_path, capsys):
    comments = _write(tmp_path, "c.csv", "time,user,comment\n2026-11-23 20:00,Lan,chốt 2 A1\n"
                      "2026-11-23 20:01,Hoa,lấy 1 bưởi diễn\n")
    assert main(["orders", "parse", "--comments", str(comments), "--workspace", "demo",
                 "--json"]) == 0
    orders = {o["user"]: o["items"] for o in json.loads(capsys.readouterr().out)["orders"]}
    assert orders == {"Lan": {"tra-xa-den": 2}, "Hoa": {"buoi-dien-chuc-son": 1}}


def test_errors_exit_2_with_one_line(tmp_path, capsys):
    bad = _write(tmp_path, "bad.csv", "when,who\n1,2\n")
    kw = str(DATA / "live_keywords.json")
    assert main(["orders", "parse", "--comments", str(bad), "--keywords", kw]) == 2
    assert "needs time, user, comment" in capsys.readouterr().err
    assert main(["orders", "parse", "--comments", str(tmp_path / "none.csv"),
                 "--keywords", kw]) == 2
    assert "check the path" in capsys.readouterr().err
    broken = _write(tmp_path, "k.json", '{"a": ')
    good = _write(tmp_path, "c.csv", CSV)
    assert main(["orders", "parse", "--comments", str(good), "--keywords", str(broken)]) == 2
    assert "Invalid JSON" in capsys.readouterr().err
    stock = _write(tmp_path, "s.json", '{"khong-co": 1}')
    assert main(["orders", "parse", "--comments", str(good), "--keywords", kw,
                 "--stock", str(stock)]) == 2
    assert "same slugs" in capsys.readouterr().err
    assert main(["orders", "parse", "--comments", str(good)]) == 2
    assert "python -m studio init" in capsys.readouterr().err


def test_the_module_entry_point(tmp_path):
    comments = _write(tmp_path, "c.csv", CSV)
    run = subprocess.run([sys.executable, "-m", "studio", "orders", "parse", "--comments",
                          str(comments), "--keywords", str(DATA / "live_keywords.json"),
                          "--json"], capture_output=True, text=True, cwd=Path(__file__).parents[1],
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["orders"][0]["user"] == "Lan"
