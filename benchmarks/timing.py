"""Stage timers for the benchmarks that split a frame's time: wrap a callable, add up its seconds."""

import time


class Timed:
    """Calls ``function`` and adds the seconds spent to ``totals[stage]``."""

    def __init__(self, function, totals, stage):
        self.function, self.totals, self.stage = function, totals, stage

    def __call__(self, *args):
        start = time.perf_counter()
        try:
            return self.function(*args)
        finally:
            self.totals[self.stage] += time.perf_counter() - start


def time_pipeline(pipeline, totals):
    """Wrap a :class:`fercnn.faces.pipeline.FacePipeline`'s detector and classifier in timers."""
    pipeline.detector = Timed(pipeline.detector, totals, "detect")
    pipeline.classifier = Timed(pipeline.classifier, totals, "classify")
    return pipeline
