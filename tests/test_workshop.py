"""Workshop mode: join codes are single-use and expire; progress moves only with real data."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from studio.accounts.auth import authenticate, create_user, visible_workspaces
from studio.catalog.service import list_products, save_product
from studio.db.models import Asset
from studio.errors import StudioError
from studio.workshop.documents import handout_pdf, join_sheet_pdf
from studio.workshop.progress import seat_progress, workshop_progress
from studio.workshop.service import CODE_ALPHABET, JoinRefused, create_workshop, join


def test_create_with_seats(session):
    trainer = create_user(session, "thu", "longenough", "trainer")
    workshop = create_workshop(session, "Lớp Chương Mỹ", seats=20, trainer=trainer)
    codes = [s.code for s in workshop.seats]
    assert len(codes) == len(set(codes)) == 20
    assert all(len(c) == 8 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert len({s.workspace_id for s in workshop.seats}) == 20
    assert len(visible_workspaces(session, trainer)) == 20


def test_create_with_participant_list(session):
    workshop = create_workshop(session, "Lớp", participants=["Bà Lan", "", "Anh Tuấn"])
    assert [s.participant for s in workshop.seats] == ["Bà Lan", "Anh Tuấn"]


@pytest.mark.parametrize("kwargs,needle", [
    ({"name": "", "seats": 3}, "name"),
    ({"name": "x", "seats": 0}, "1 to 60"),
    ({"name": "x", "seats": 61}, "1 to 60"),
    ({"name": "x"}, "1 to 60"),
])
def test_bad_workshop_input(session, kwargs, needle):
    with pytest.raises(StudioError, match=needle):
        create_workshop(session, **kwargs)


def test_join_is_single_use_and_seeds_demo(session):
    seat = create_workshop(session, "Lớp", seats=2).seats[0]
    user, ws = join(session, seat.code.lower(), "Bà Lan", "mat-khau-123")
    assert user.role == "producer" and user.username == "ba.lan"
    assert [w.id for w in visible_workspaces(session, user)] == [ws.id]
    assert len(list_products(session, ws)) == 6
    assert authenticate(session, "ba.lan", "mat-khau-123").id == user.id
    with pytest.raises(JoinRefused, match="already used"):
        join(session, seat.code, "Kẻ khác", "mat-khau-123")


def test_join_empty_pack(session):
    seat = create_workshop(session, "Lớp", seats=1).seats[0]
    _, ws = join(session, seat.code, "Anh Tuấn", "mat-khau-123", pack="empty")
    assert list_products(session, ws) == []


def test_join_refuses_unknown_and_expired_codes(session):
    seat = create_workshop(session, "Lớp", seats=1, ttl=timedelta(hours=1)).seats[0]
    with pytest.raises(JoinRefused, match="does not exist"):
        join(session, "ZZZZZZZZ", "Lan", "mat-khau-123")
    later = datetime.now(UTC) + timedelta(hours=2)
    with pytest.raises(JoinRefused, match="expired"):
        join(session, seat.code, "Lan", "mat-khau-123", now=later)
    assert seat.joined_at is None


def test_join_bad_password_leaves_seat_unused(session):
    seat = create_workshop(session, "Lớp", seats=1).seats[0]
    with pytest.raises(StudioError, match="at least 8"):
        join(session, seat.code, "Lan", "short")
    assert seat.joined_at is None and seat.user_id is None


def test_progress_moves_only_with_real_data(session):
    seat = create_workshop(session, "Lớp", seats=1).seats[0]
    user, ws = join(session, seat.code, "Lan", "mat-khau-123", pack="empty")
    row = seat_progress(session, seat)
    assert row["done"] == 0 and not row["steps"][1]["done"]
    # exercise 1: a well-filled fact sheet
    from studio.catalog.service import list_producers

    producer = list_producers(session, ws)[0]
    base = {"name_vi": "Mật ong hoa nhãn", "name_en": "Longan honey", "ocop_group": "food",
            "ocop_stars": 3, "origin": "Hưng Yên", "ingredients": "Mật ong",
            "process_steps": "Quay mật; Lọc", "price_vnd": 150000, "net_quantity": "500 ml",
            "shelf_life": "24 tháng", "storage": "Nơi khô", "usage": "Pha nước ấm",
            "traceability_url": "https://trace.example.vn/1"}
    product = save_product(session, ws, producer, base)
    assert not seat_progress(session, seat)["steps"][1]["done"]  # no story notes yet
    save_product(session, ws, producer, {**base, "story_maker": "Bác Hùng",
                                         "story_process": "Quay tay", "story_place": "Vườn nhãn",
                                         "story_community": "Cả xóm nuôi ong"}, product)
    assert seat_progress(session, seat)["steps"][1]["done"]
    assert seat_progress(session, seat)["steps"][1]["detail"] == "88 %"
    # exercise 4: three clips
    for i in range(2):
        session.add(Asset(workspace_id=ws.id, kind="clip", sha256=f"{i:064d}", size=1,
                          mime="video/mp4", path=f"assets/x/{i}.mp4", meta={}))
    session.flush()
    assert not seat_progress(session, seat)["steps"][4]["done"]
    session.add(Asset(workspace_id=ws.id, kind="clip", sha256="9" * 64, size=1,
                      mime="video/mp4", path="assets/x/9.mp4", meta={}))
    session.flush()
    assert seat_progress(session, seat)["steps"][4]["done"]
    assert user.id


def test_week_of_posts(session):
    from studio.publish.models import Post

    seat = create_workshop(session, "Lớp", seats=1).seats[0]
    _, ws = join(session, seat.code, "Lan", "mat-khau-123", pack="empty")
    start = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    for day in (0, 1, 2, 3):
        session.add(Post(workspace_id=ws.id, texts={"vi": "x"}, status="scheduled",
                         scheduled_at=start + timedelta(days=day)))
    session.add(Post(workspace_id=ws.id, texts={"vi": "x"}, status="draft",
                     scheduled_at=start + timedelta(days=4)))  # a draft is not planned
    session.add(Post(workspace_id=ws.id, texts={"vi": "x"}, status="scheduled",
                     scheduled_at=start + timedelta(days=9)))  # outside the week
    session.flush()
    assert seat_progress(session, seat)["steps"][5]["detail"] == "4/5"
    session.add(Post(workspace_id=ws.id, texts={"vi": "x"}, status="scheduled",
                     scheduled_at=start + timedelta(days=5)))
    session.flush()
    assert seat_progress(session, seat)["steps"][5]["done"]


def test_board_and_documents(session):
    workshop = create_workshop(session, "Lớp Phú Xuyên", seats=10)
    _, ws = join(session, workshop.seats[0].code, "Bà Lan", "mat-khau-123")
    board = workshop_progress(session, workshop)
    assert len(board) == 10 and board[0]["participant"] == "Bà Lan"
    assert sorted(board[0]["steps"]) == [1, 2, 3, 4, 5]
    sheet = join_sheet_pdf(workshop, "http://192.0.2.10:8501")
    assert sheet.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b", sheet)) == 2
    handout = handout_pdf(session, ws, "vi")
    assert handout.startswith(b"%PDF")
    empty_seat = workshop.seats[1]
    _, empty_ws = join(session, empty_seat.code, "Anh Tuấn", "mat-khau-123", pack="empty")
    with pytest.raises(StudioError, match="exercise 1"):
        handout_pdf(session, empty_ws, "vi")


def test_cli_workshop(capsys, demo_engine, tmp_path):
    from studio.cli import main

    assert main(["workshop", "create", "--name", "Lớp thử", "--seats", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["seats"]) == 3 and all(s["code"] for s in data["seats"])
    assert main(["workshop", "progress", str(data["id"]), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["participants"]
    assert [r["done"] for r in rows] == [0, 0, 0]
    out = tmp_path / "codes.pdf"
    assert main(["workshop", "sheet", str(data["id"]), "--out", str(out),
                 "--base-url", "http://192.0.2.1:8501"]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["workshop", "progress", "999"]) == 2
    assert "workshop list" in capsys.readouterr().err
    assert main(["workshop", "create", "--name", "x"]) == 2
    assert "--seats" in capsys.readouterr().err


@pytest.mark.slow
def test_sample_livestream_is_made_once(sqlite_engine):
    import shutil

    from tests.conftest import require

    require(shutil.which("espeak-ng") is not None, "espeak-ng is not installed")
    from studio.workshop.sample import ensure_sample_livestream

    path = ensure_sample_livestream()
    first = path.stat().st_mtime_ns
    assert path.stat().st_size > 100_000
    assert ensure_sample_livestream().stat().st_mtime_ns == first


def test_story_and_script_exercises_need_real_work(session):
    from studio.writing.service import generate, save_draft
    from studio.writing.teleprompter import record_rehearsal

    seat = create_workshop(session, "Lớp", seats=1).seats[0]
    _, ws = join(session, seat.code, "Lan", "mat-khau-123")  # the demo pack
    product = list_products(session, ws)[0]
    state = seat_progress(session, seat)["steps"]
    assert not state[2]["done"] and not state[3]["done"]
    made = generate(session, ws, [product.slug], "story", ["vi", "en"])
    # a story with a health claim added by hand: saved, but a blocking finding stays open
    texts = {**made.texts, "vi": {**made.texts["vi"],
                                  "short": made.texts["vi"]["short"] + " Trà chữa tiểu đường."}}
    from studio.writing.checks import run_checks

    bad = [f.to_dict() for f in run_checks(texts["vi"]["short"], "vi")]
    assert any(f["severity"] == "error" for f in bad)
    save_draft(session, ws, product, "story", None, texts, bad)
    row = seat_progress(session, seat)
    assert not row["steps"][2]["done"] and row["open_findings"] >= 1
    save_draft(session, ws, product, "story", None, made.texts, [])
    assert seat_progress(session, seat)["steps"][2]["done"]
    # exercise 3: a 10-minute script is too short; a 15-minute one needs a real rehearsal
    generate(session, ws, [product.slug], "script", ["vi"], minutes=10)
    record_rehearsal(ws, 600, 10, "vi")
    assert not seat_progress(session, seat)["steps"][3]["done"]
    generate(session, ws, [product.slug], "script", ["vi"], minutes=15)
    record_rehearsal(ws, 60, 15, "vi")  # a one-minute try-out is not a rehearsal
    assert not seat_progress(session, seat)["steps"][3]["done"]
    record_rehearsal(ws, 240, 15, "vi")
    session.flush()
    assert seat_progress(session, seat)["steps"][3]["done"]


def test_handout_has_both_languages(session):
    from pypdf import PdfReader

    workshop = create_workshop(session, "Lớp", seats=1)
    _, ws = join(session, workshop.seats[0].code, "Bà Lan", "mat-khau-123")
    import io

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(handout_pdf(session, ws))).pages)
    assert "Câu chuyện sản phẩm (tiếng Việt)" in text and "(tiếng Anh)" in text
    assert "OCOP" in text


def test_rehearsal_input_is_checked():
    from studio.db.models import Workspace
    from studio.writing.teleprompter import record_rehearsal

    with pytest.raises(StudioError, match="positive length"):
        record_rehearsal(Workspace(slug="x", name="x", settings={}), -5, 15, "vi")
