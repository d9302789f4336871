"""Draw detected faces, their top emotion and all seven probabilities onto a copy of the photo."""

from PIL import Image, ImageDraw, ImageFont

from .labels import EMOTIONS

BOX_COLOUR = (255, 200, 0)


def annotate(rgb, faces, numbers=None):
    """``faces``: :class:`fercnn.pipeline.FaceResult` objects whose boxes are in ``rgb``'s pixels.
    Each is labelled with its number: 1, 2, ... in order, or ``numbers`` (track ids in a video)."""
    image = Image.fromarray(rgb).convert("RGB")
    draw = ImageDraw.Draw(image)
    side = max(image.size)
    font = ImageFont.load_default(size=max(10, side // 45))
    line = max(2, side // 300)
    numbers = range(1, len(faces) + 1) if numbers is None else numbers
    for number, face in zip(numbers, faces, strict=True):
        box = face.box
        draw.rectangle([box.x, box.y, box.x + box.width, box.y + box.height], outline=BOX_COLOUR, width=line)
        title = f"{number}: {face.emotion} {face.probabilities.max():.0%}"
        _label(draw, (box.x, max(box.y - font.size - 4, 0)), title, font)
        ranked = sorted(zip(EMOTIONS, face.probabilities, strict=True), key=lambda pair: -pair[1])
        details = "\n".join(f"{name} {probability:.0%}" for name, probability in ranked)
        _label(draw, (box.x, box.y + box.height + line + 2), details, font, size_ratio=0.8)
    return image


def _label(draw, position, text, font, size_ratio=1.0):
    small = font.font_variant(size=max(8, round(font.size * size_ratio)))
    left, top, right, bottom = draw.multiline_textbbox(position, text, font=small)
    draw.rectangle([left - 2, top - 2, right + 2, bottom + 2], fill=(0, 0, 0))
    draw.multiline_text(position, text, fill=BOX_COLOUR, font=small)
