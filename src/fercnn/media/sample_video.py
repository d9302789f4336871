"""A made-up video of the sample portrait's face moving, growing and turning over a background.

Used to try ``predict`` on a video without one at hand, by the tests, and by the frame-rate
benchmark; every frame is drawn from the public-domain portrait that ships with scikit-image.

    python -m fercnn.media.sample_video clip.mp4 --faces 3 --seconds 4
"""

import argparse

import cv2
import numpy as np

HEAD = (slice(30, 250), slice(120, 330))  # rows, columns of the portrait's head and shoulders
FRAME_SIZE = (640, 480)


def sample_frames(faces=1, seconds=3.0, fps=15.0, size=FRAME_SIZE):
    """RGB frames: ``faces`` copies of the portrait's head, each on its own path across the frame."""
    from skimage import data

    head = np.ascontiguousarray(data.astronaut()[HEAD])
    mask = np.zeros(head.shape[:2], np.float32)
    cv2.ellipse(mask, (head.shape[1] // 2, head.shape[0] // 2 - 5), (85, 105), 0, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), 6)
    background = _background(size)
    for number in range(max(int(round(seconds * fps)), 1)):
        progress = number / max(seconds * fps - 1, 1)
        frame = background.copy()
        for index in range(faces):
            _paste(frame, head, mask, _pose(index, faces, progress, size))
        yield frame


def write_sample_video(path, faces=1, seconds=3.0, fps=15.0, size=FRAME_SIZE):
    """Write :func:`sample_frames` as an .mp4 or .webm."""
    from .video_frames import video_writer

    writer = video_writer(path, fps, (size[1], size[0]))
    for frame in sample_frames(faces, seconds, fps, size):
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def write_y4m(path, faces=1, seconds=3.0, fps=15.0, size=FRAME_SIZE):
    """Write :func:`sample_frames` as raw YUV4MPEG2, the format Chromium plays as a fake camera
    (``--use-file-for-fake-video-capture``), so a browser test sees a face in its webcam."""
    width, height = size
    with open(path, "wb") as file:
        file.write(f"YUV4MPEG2 W{width} H{height} F{round(fps)}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in sample_frames(faces, seconds, fps, size):
            file.write(b"FRAME\n" + cv2.cvtColor(frame, cv2.COLOR_RGB2YUV_I420).tobytes())
    return path


def _background(size):
    width, height = size
    ys, xs = np.mgrid[0:height, 0:width]
    shade = 90 + 60 * np.sin(xs / 70.0) * np.cos(ys / 90.0)
    return np.repeat(shade[..., None], 3, axis=2).clip(0, 255).astype(np.uint8)


def _pose(index, faces, progress, size):
    """Centre, scale and turn of face ``index`` at ``progress`` (0 to 1) through the clip."""
    width, height = size
    lane = (index + 0.5) / faces
    x = width * (0.2 + 0.6 * (progress if index % 2 == 0 else 1 - progress)) if faces == 1 else width * lane
    y = height * (0.5 + 0.15 * np.sin(2 * np.pi * (progress + lane)))
    scale = (0.75 + 0.35 * np.sin(np.pi * progress)) / max(faces, 1) ** 0.35 * height / FRAME_SIZE[1]
    turn = 10 * np.sin(2 * np.pi * (progress + lane))
    return (x, y), scale, turn


def _paste(frame, head, mask, pose):
    (x, y), scale, turn = pose
    matrix = cv2.getRotationMatrix2D((head.shape[1] / 2, head.shape[0] / 2), turn, scale)
    matrix[:, 2] += np.array([x - head.shape[1] / 2, y - head.shape[0] / 2])
    size = (frame.shape[1], frame.shape[0])
    warped = cv2.warpAffine(head, matrix, size, flags=cv2.INTER_LINEAR)
    alpha = cv2.warpAffine(mask, matrix, size, flags=cv2.INTER_LINEAR)[..., None]
    frame[:] = (frame * (1 - alpha) + warped * alpha).round().astype(np.uint8)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("path", help="the video to write, e.g. clip.mp4")
    parser.add_argument("--faces", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--fps", type=float, default=15.0)
    args = parser.parse_args()
    print(f"wrote {write_sample_video(args.path, args.faces, args.seconds, args.fps)}")


if __name__ == "__main__":
    main()
