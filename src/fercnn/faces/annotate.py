"""Draw detected faces, their top emotion and all seven probabilities onto a copy of the photo.

Labels are drawn line by line from a cache of rendered lines: a video or a webcam stream draws
the same few hundred lines ("happy 92%") again and again, and rendering text is the slow part.
"""

from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from ..labels import EMOTIONS

BOX_COLOUR = (255, 200, 0)
BACKGROUND = (0, 0, 0)


def annotate(rgb, faces, numbers=None):
    """``faces``: :class:`fercnn.faces.pipeline.FaceResult` objects whose boxes are in ``rgb``'s pixels.
    Each is labelled with its number: 1, 2, ... in order, or ``numbers`` (track ids in a video)."""
    image = Image.fromarray(rgb).convert("RGB")
    draw = ImageDraw.Draw(image)
    side = max(image.size)
    size = max(10, side // 45)
    line = max(2, side // 300)
    numbers = range(1, len(faces) + 1) if numbers is None else numbers
    for number, face in zip(numbers, faces, strict=True):
        box = face.box
        draw.rectangle([box.x, box.y, box.x + box.width, box.y + box.height], outline=BOX_COLOUR, width=line)
        title = f"{number}: {face.emotion} {face.probabilities.max():.0%}"
        _label(image, (box.x, max(box.y - _line(title, size).height, 0)), [title], size)
        ranked = sorted(zip(EMOTIONS, face.probabilities, strict=True), key=lambda pair: -pair[1])
        details = [f"{name} {probability:.0%}" for name, probability in ranked]
        _label(image, (box.x, box.y + box.height + line), details, max(8, round(size * 0.8)))
    return image


def _label(image, position, lines, size):
    """The lines on a black panel, top left at ``position``."""
    tiles = [_line(text, size) for text in lines]
    x, y = position
    width, height = max(tile.width for tile in tiles), sum(tile.height for tile in tiles)
    ImageDraw.Draw(image).rectangle([x, y, x + width, y + height], fill=BACKGROUND)
    for tile in tiles:
        image.paste(tile, (x, y))
        y += tile.height


@lru_cache(maxsize=4096)
def _line(text, size):
    """One line of text rendered on black, with a 2-pixel margin."""
    font = _font(size)
    left, top, right, bottom = font.getbbox(text)
    tile = Image.new("RGB", (right - min(left, 0) + 4, round(size * 1.25) + 4), BACKGROUND)
    ImageDraw.Draw(tile).text((2 - min(left, 0), 2), text, fill=BOX_COLOUR, font=font)
    return tile


@lru_cache(maxsize=16)
def _font(size):
    """Pillow's bundled font at ``size``, loaded once."""
    return ImageFont.load_default(size=size)
