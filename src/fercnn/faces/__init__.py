"""Faces in images: ``detection`` (BlazeFace from ``blazeface``, or OpenCV's Haar cascade),
``framing`` as FER2013 framed its faces, ``tracking`` from frame to frame, ``annotate`` to draw
them, and the ``pipeline`` from an image to its faces' emotions.
"""
