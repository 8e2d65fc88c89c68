"""``python -m studio write``: JSON shape and exit status 2 with one line on bad input."""

from __future__ import annotations

import json

import pytest

from studio.cli import main


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(["write", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_json_shape(demo_engine, capsys):
    code, out, _ = run(capsys, "listing", "--product", "tra-xa-den", "--langs", "vi,en",
                       "--channel", "shopee", "--workspace", "demo", "--json")
    assert code == 0
    data = json.loads(out)
    assert {"kind", "product", "channel", "engine", "texts", "findings"} <= set(data)
    assert (data["kind"], data["product"], data["channel"], data["engine"]) == (
        "listing", "tra-xa-den", "shopee", "offline")
    assert set(data["texts"]) == {"vi", "en"}
    assert set(data["texts"]["vi"]) == {"title", "description"}
    for finding in data["findings"]:
        assert {"kind", "severity", "start", "end", "text", "rule", "message", "suggestion",
                "lang", "field"} <= set(finding)


def test_script_with_two_products_and_minutes(demo_engine, capsys):
    code, out, _ = run(capsys, "script", "--product", "tra-xa-den,tra-hoa-cuc", "--langs", "fr",
                       "--minutes", "12", "--workspace", "demo", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["products"] == ["tra-xa-den", "tra-hoa-cuc"]
    segments = data["texts"]["fr"]["segments"]
    assert sum(s["duration_s"] for s in segments) == 12 * 60


def test_human_output(demo_engine, capsys):
    code, out, _ = run(capsys, "caption", "--product", "buoi-dien-chuc-son", "--langs", "vi",
                       "--reason", "price", "--workspace", "demo")
    assert code == 0 and "===== vi (offline) =====" in out and "60.000 đ" in out


@pytest.mark.parametrize("argv, message", [
    (["story", "--product", "nope", "--langs", "vi"], "no product 'nope'"),
    (["poem", "--product", "tra-xa-den"], "invalid choice: 'poem'"),
    (["story", "--product", "tra-xa-den", "--langs", "vi,de"], "unknown language 'de'"),
    (["listing", "--product", "tra-xa-den", "--channel", "myspace"], "unknown channel"),
    (["listing", "--product", "tra-xa-den"], "a listing needs a channel"),
    (["story", "--product", "tra-xa-den", "--engine", "gpt"], "unknown engine 'gpt'"),
    (["script", "--product", "tra-xa-den", "--minutes", "0"], "1 to 240 minutes"),
    (["story", "--product", "tra-xa-den", "--langs", ","], "no language given"),
])
def test_bad_input_exits_2_with_one_line(demo_engine, capsys, argv, message):
    code, out, err = run(capsys, *argv, "--workspace", "demo")
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1, err


def test_nothing_logged_on_bad_input(demo_engine, capsys):
    from sqlalchemy import func, select

    from studio.db.session import session_scope
    from studio.writing.models import Generation

    run(capsys, "script", "--product", "tra-xa-den", "--minutes", "999", "--workspace", "demo")
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Generation)) == 0
