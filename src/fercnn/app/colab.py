"""Take a photo with the browser's camera from a Colab notebook.

Colab runs Python on a remote machine, so the camera is reached through JavaScript in the
page: a preview with a button, and the captured frame sent back as a JPEG data URL.
"""

import base64
import sys
from pathlib import Path

_CAPTURE_JS = """
async function captureFrame(quality) {
  const box = document.createElement('div');
  const button = document.createElement('button');
  button.textContent = 'Take photo';
  const video = document.createElement('video');
  video.style.display = 'block';
  const stream = await navigator.mediaDevices.getUserMedia({video: true});
  box.append(video, button);
  document.body.appendChild(box);
  video.srcObject = stream;
  await video.play();
  google.colab.output.setIframeHeight(document.documentElement.scrollHeight, true);
  await new Promise((resolve) => button.onclick = resolve);
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  canvas.getContext('2d').drawImage(video, 0, 0);
  stream.getTracks().forEach((track) => track.stop());
  box.remove();
  return canvas.toDataURL('image/jpeg', quality);
}
"""


def in_colab():
    return "google.colab" in sys.modules


def take_camera_snapshot(path="snapshot.jpg", quality=0.9):
    """Show a camera preview in the notebook, wait for the click, save the frame as JPEG."""
    if not in_colab():
        raise RuntimeError("camera snapshots work in Google Colab only; pass the path of a photo instead")
    from google.colab.output import eval_js
    from IPython.display import Javascript, display

    display(Javascript(_CAPTURE_JS))
    data_url = eval_js(f"captureFrame({quality})")
    path = Path(path)
    path.write_bytes(base64.b64decode(data_url.split(",", 1)[1]))
    return path
