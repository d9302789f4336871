"""The browser demo: its handlers directly, then the real page over HTTP and in headless Chromium.

The server tests start the page on a free port of this machine. The browser test plays a made-up
video of the sample portrait as Chromium's fake camera, presses the webcam tab's buttons as a
person would and waits for an emotion to come back; it skips, saying why, where Chromium, its
driver or Selenium is missing. ``FERCNN_DEMO_SCREENSHOT=docs/figures/demo.png`` keeps its
screenshot there (the README's picture).
"""

import os
import re
import shutil
import socket
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fercnn.app.predict import sample_photo
from fercnn.labels import EMOTIONS
from fercnn.media.sample_video import sample_frames, write_sample_video, write_y4m

gradio = pytest.importorskip("gradio", reason="the demo extra (Gradio) is not installed")

from fercnn.app.demo import DemoApp, build_demo  # noqa: E402


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return DemoApp(work_dir=tmp_path_factory.mktemp("demo"))


def test_the_webcam_handler_follows_a_face_and_smooths_its_emotions(app):
    stream = None
    for frame in list(sample_frames(faces=1, seconds=2.0, fps=10.0)):
        annotated, bars, status, stream = app.webcam_frame(frame, stream)
    assert annotated.shape == frame.shape and stream.frames == 20
    assert set(bars) == set(EMOTIONS) and max(bars, key=bars.get) == "happy"
    assert "1 face(s); face 1: happy" in status
    assert [track.number for track in stream.tracker.tracks] == [1]  # one face over the 20 frames


def test_the_webcam_handler_shrinks_large_frames_and_says_when_no_face_is_in_view(app):
    annotated, bars, status, _ = app.webcam_frame(np.full((1080, 1920, 3), 90, np.uint8), None)
    assert annotated.shape == (360, 640, 3) and bars == {}
    assert status.startswith("no face in view")


def test_bad_photo_uploads_get_a_message_and_the_good_ones_their_faces(app, tmp_path):
    fake = tmp_path / "holiday.png"
    fake.write_text("not an image")
    blank = tmp_path / "wall.png"
    Image.new("RGB", (300, 200), (120, 130, 140)).save(blank)
    gallery, rows, json_path, message = app.photos([str(sample_photo()), str(fake), str(blank)])
    assert len(gallery) == 1 and [row[:3] for row in rows] == [["astronaut.png", 1, "happy"]]
    assert "holiday.png: cannot read this image" in message and str(tmp_path) not in message
    assert "wall.png**: no face found" in message
    assert Path(json_path).read_text().count('"faces"') == 3


def test_a_huge_photo_is_refused_with_a_message(app, tmp_path):
    huge = tmp_path / "huge.png"
    Image.new("L", (20000, 12000)).save(huge)  # 240 megapixels: past Pillow's decompression-bomb limit
    gallery, rows, _, message = app.photos([str(huge)])
    assert gallery == [] and rows == []
    assert "huge.png: cannot read this image" in message


def test_a_broken_video_gets_a_message_and_a_good_one_its_outputs(app, tmp_path):
    broken = tmp_path / "clip.mp4"
    broken.write_bytes(b"\x00" * 4096)
    assert app.video(str(broken))[:3] == (None, None, None)
    assert "cannot open this video" in app.video(str(broken))[3]
    clip = write_sample_video(tmp_path / "good.mp4", faces=1, seconds=2.0, fps=10.0, size=(480, 360))
    video, timeline, frames_csv, message = app.video(str(clip))
    assert video.endswith(".webm") and Path(timeline).is_file() and Path(frames_csv).is_file()
    assert "face 1: mostly happy" in message


def _at_once(*calls):
    """Run each call in a thread of its own, all at once; their results (or errors), in order."""
    import threading

    results = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - the test shows it
            results[index] = error

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_the_webcam_and_the_video_tab_can_run_at_once(app, tmp_path):
    """Both share the page's one detector: a webcam frame (a 640-pixel-wide input) classified
    while a 480x360 video is resizes the interpreter under the video's feet, unless they take turns."""
    import threading

    clip = write_sample_video(tmp_path / "clip.mp4", faces=1, seconds=3.0, fps=10.0, size=(480, 360))
    frames = list(sample_frames(faces=1, seconds=1.0, fps=10.0, size=(640, 480)))
    finished = threading.Event()

    def video():
        try:
            return app.video(str(clip))
        finally:
            finished.set()

    def webcam():
        stream, statuses = None, []
        while not finished.is_set() or not statuses:
            _, _, status, stream = app.webcam_frame(
                frames[stream.frames % len(frames) if stream else 0], stream
            )
            statuses.append(status)
        return statuses

    video_result, statuses = _at_once(video, webcam)
    assert not isinstance(video_result, Exception), repr(video_result)
    assert not isinstance(statuses, Exception), repr(statuses)
    assert "face 1: mostly happy" in video_result[3]
    assert all("face(s); face" in status for status in statuses)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    page = build_demo()
    port = free_port()
    page.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    page.close()


def test_a_photo_sent_over_http_comes_back_with_its_face_and_probabilities(server):
    from gradio_client import Client, handle_file

    client = Client(server, verbose=False)
    gallery, table, json_file, message = client.predict(
        [handle_file(str(sample_photo()))], api_name="/photos"
    )
    assert message == "1 face(s) in 1 photo(s)."
    (row,) = table["data"]
    assert row[:3] == ["astronaut.png", 1, "happy"]
    probabilities = np.array(row[3:], dtype=float)
    assert probabilities.sum() == pytest.approx(1.0, abs=0.01) and probabilities[3] > 0.5
    assert Path(gallery[0]["image"]).is_file() and Path(json_file).is_file()


def test_a_photo_and_a_video_sent_at_once_both_come_back(server, tmp_path):
    from gradio_client import Client, handle_file

    clip = write_sample_video(tmp_path / "clip.mp4", faces=1, seconds=2.0, fps=10.0, size=(480, 360))
    photo, video = _at_once(
        lambda: Client(server, verbose=False).predict([handle_file(str(sample_photo()))], api_name="/photos"),
        lambda: Client(server, verbose=False).predict(handle_file(str(clip)), api_name="/video"),
    )
    assert not isinstance(photo, Exception) and not isinstance(video, Exception), (photo, video)
    assert photo[3] == "1 face(s) in 1 photo(s)." and "face 1: mostly happy" in video[3]


def _browser_or_skip():
    missing = [name for name in ("chromium", "chromedriver") if shutil.which(name) is None]
    if missing:
        install = "apt-get install chromium chromium-driver"
        pytest.skip(f"no headless browser: {' and '.join(missing)} not installed ({install})")
    webdriver = pytest.importorskip("selenium.webdriver", reason="Selenium is not installed")
    return webdriver


def test_the_webcam_tab_shows_an_emotion_in_a_real_browser(server, tmp_path):
    webdriver = _browser_or_skip()
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    camera = write_y4m(tmp_path / "camera.y4m", faces=1, seconds=2.0, fps=10.0)
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={camera}",
    ):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        browser.get(server)
        _click_when_shown(browser, By, "Click to Access Webcam")
        _click_when_shown(browser, By, "Record")
        status = _wait_for_emotion(browser, By)
        assert re.search(r"1 face\(s\); face \d+: happy", status), status
        time.sleep(1.0)  # let the bars settle for the picture
        screenshot = Path(os.environ.get("FERCNN_DEMO_SCREENSHOT") or tmp_path / "demo.png")
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(screenshot))
    finally:
        browser.quit()


def _click_when_shown(browser, by, text, seconds=30):
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            for button in browser.find_elements(by.CSS_SELECTOR, "button"):
                if button.is_displayed() and text in button.text:
                    button.click()
                    return
        except StaleElementReferenceException:  # the page redrew itself while it was read
            pass
        time.sleep(0.25)
    raise AssertionError(f"no '{text}' button appeared in {seconds} s")


def _wait_for_emotion(browser, by, seconds=60):
    deadline = time.monotonic() + seconds
    status = ""
    while time.monotonic() < deadline:
        status = browser.find_element(by.CSS_SELECTOR, "#webcam-status textarea").get_attribute("value") or ""
        if any(name in status for name in EMOTIONS):
            return status
        time.sleep(0.25)
    raise AssertionError(f"no emotion appeared in {seconds} s; the status read {status!r}")


def test_the_demo_keeps_its_files_to_itself_and_sends_no_analytics(tmp_path):
    """No usage analytics or hub telemetry; uploads and annotated copies in the demo's own
    temporary folder, which is gone once the demo is closed."""
    from gradio_client import Client, handle_file

    page = build_demo()
    app = page.fercnn_app
    assert page.analytics_enabled is False
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    assert os.environ["HF_HUB_DISABLE_TELEMETRY"] in ("1", "True")  # Gradio sets it "True" itself
    port = free_port()
    page.queue().launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        Client(f"http://127.0.0.1:{port}/", verbose=False).predict(
            [handle_file(str(sample_photo()))], api_name="/photos"
        )
    finally:
        page.close()
    kept = {path.name for path in app.work_dir.rglob("*") if path.is_file()}
    assert "astronaut.png" in kept and any(name.endswith("_emotions.png") for name in kept)
    assert any(app.uploads_dir in path.parents for path in app.work_dir.rglob("astronaut.png"))
    app.close()
    assert not app.work_dir.exists()
