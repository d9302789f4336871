"""Where a face is in an image: its box and, where the detector gives them, its eyes."""

from dataclasses import dataclass

__all__ = ["Box", "DetectedFace"]


@dataclass(frozen=True)
class Box:
    x: int
    y: int
    width: int
    height: int

    def scaled(self, factor):
        return Box(*(round(value * factor) for value in (self.x, self.y, self.width, self.height)))

    def shifted(self, dx, dy):
        return Box(self.x + dx, self.y + dy, self.width, self.height)


@dataclass(frozen=True)
class DetectedFace:
    """A face in an image's pixels: its box and, where the detector gives them, its eyes
    (two ``(x, y)`` points, the one further left in the image first) and its score."""

    box: Box
    eyes: tuple | None = None
    score: float | None = None

    def scaled(self, factor):
        eyes = (
            None if self.eyes is None else tuple(tuple(float(v) * factor for v in eye) for eye in self.eyes)
        )
        return DetectedFace(self.box.scaled(factor), eyes, self.score)

    def shifted(self, dx, dy):
        eyes = None if self.eyes is None else tuple((x + dx, y + dy) for x, y in self.eyes)
        return DetectedFace(self.box.shifted(dx, dy), eyes, self.score)
