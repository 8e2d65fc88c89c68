"""The real thing: `streamlit run app.py` on a free port, loaded in headless Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from PIL import Image

from studio.i18n import t
from tests.conftest import require

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
HOME_TITLE_VI = "OCOP Live Studio — Xưởng nội dung cho sản phẩm OCOP"
HOME_TITLE_EN = "OCOP Live Studio — the content workshop for OCOP products"
START_LIMIT_S = 90  # how long to wait for the server before failing (not a speed check)

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_LIMIT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"streamlit exited with {server.returncode}: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    pytest.fail(f"streamlit did not answer /_stcore/health: {log.read_text()[-2000:]}")


@pytest.fixture
def studio_server(tmp_path):
    """A studio with the demo catalog, served by `streamlit run app.py`; always stopped."""
    data = tmp_path / "studio"
    env = {**os.environ, "STUDIO_DATA_DIR": str(data),
           "DATABASE_URL": f"sqlite:///{data / 'studio.db'}", "STUDIO_HOST": "127.0.0.1"}
    subprocess.run([sys.executable, "-m", "studio", "init", "--with-demo"], cwd=ROOT, env=env,
                   check=True, capture_output=True, timeout=300)
    port = _free_port()
    log = tmp_path / "streamlit.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_healthy(port, server, log)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def test_home_page_in_headless_chromium(studio_server, tmp_path):
    require(Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    shot = tmp_path / "home.png"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="vi-VN")
            page.goto(studio_server, wait_until="domcontentloaded")
            title = page.get_by_role("heading", name=HOME_TITLE_VI)
            # A studio served on this machine alone opens with a one-click entry (accounts).
            enter = page.get_by_role("button", name=t("accounts.single_user", "vi"))
            title.or_(enter).first.wait_for(timeout=60_000)
            if enter.is_visible():
                enter.click()
            title.wait_for(timeout=60_000)
            # Streamlit keeps the previous page's elements until the run ends: wait for it.
            enter.wait_for(state="detached", timeout=60_000)
            page.get_by_test_id("stMetric").first.wait_for(timeout=60_000)
            page.get_by_text("OCOP demo").first.wait_for(timeout=60_000)
            assert title.is_visible()
            assert page.get_by_text("Ngôn ngữ").first.is_visible()  # the sidebar, in Vietnamese
            page.get_by_role("heading", name="Bắt đầu từ đâu?").wait_for(timeout=60_000)
            page.screenshot(path=str(shot), full_page=True)
            page.get_by_text("English", exact=True).click()  # the sidebar language switch
            page.get_by_role("heading", name=HOME_TITLE_EN).wait_for(timeout=60_000)
            page.get_by_role("heading", name="Where to start?").wait_for(timeout=60_000)
            assert page.get_by_role("heading", name=HOME_TITLE_VI).count() == 0
        finally:
            browser.close()
    with Image.open(shot) as img:
        assert img.width >= 1366 and img.height >= 600
