"""The /label page in headless Chromium: a QA person ticks tones with the keyboard and saves.

Needs Debian's chromium and chromium-driver (`.ci/run` installs them; by hand:
`apt-get install chromium chromium-driver`); without them the test is skipped and says so.
"""

import json
import os
import shutil
import time

import pytest

from feedback.store import FeedbackStore, default_url
from test_serve_http import Serve, free_port, stop, wait_for_health

CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMEDRIVER and shutil.which("chromium")),
                                reason="needs chromium and chromium-driver (apt-get install chromium chromium-driver)")


@pytest.fixture()
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path / 'chromium'}"):
        options.add_argument(flag)
    options.binary_location = shutil.which("chromium")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def test_label_page_saves_ticked_tones_with_the_keyboard(model_dir, tmp_path, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    queue = tmp_path / "to-label.jsonl"
    rows = [{"context": "收到的杯子是碎的", "reply": "亲,这个没办法呢", "labels": [], "suggested": ["dismissive"]},
            {"context": "什么时候发货", "reply": "今天下午发出", "labels": []}]
    queue.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    port, state = free_port(), tmp_path / "state"
    env = {**os.environ, "TONE_STATE_DIR": str(state), "TONE_LABEL_QUEUE": str(queue)}
    server = Serve(model_dir, port, env)
    try:
        wait_for_health(f"http://127.0.0.1:{port}", server)
        browser.get(f"http://127.0.0.1:{port}/label")
        deadline = time.monotonic() + 20
        while "亲,这个没办法呢" not in browser.find_element(By.ID, "reply").text and time.monotonic() < deadline:
            time.sleep(0.1)
        assert browser.find_element(By.ID, "context").text == "收到的杯子是碎的"
        body = browser.find_element(By.TAG_NAME, "body")
        body.send_keys("1", "3", Keys.ENTER)  # tick dismissive and apologetic, save
        deadline = time.monotonic() + 20
        while "今天下午发出" not in browser.find_element(By.ID, "reply").text and time.monotonic() < deadline:
            time.sleep(0.1)
        body.send_keys("0", Keys.ENTER)  # neutral
        deadline = time.monotonic() + 20
        while "All done" not in browser.find_element(By.ID, "status").text and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        stop(server)
    saved = list(FeedbackStore(default_url(state)).records())
    assert [(r["text"], r["labels"], r["action"]) for r in saved] == [
        ("亲,这个没办法呢", ["dismissive", "apologetic"], "correct_labels"), ("今天下午发出", [], "correct_labels")]
    assert saved[0]["item_id"] == "to-label.jsonl:1" and saved[0]["predicted_labels"] == ["dismissive"]
