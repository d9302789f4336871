"""The programs built on the package: the ``cli``, ``predict`` for photos and videos (through
``photo_stream`` and ``prediction_table``), ``video``, ``camera``, the browser ``demo``, a
``colab`` camera and a terminal ``progress`` bar. Nothing else in the package imports these.
"""
