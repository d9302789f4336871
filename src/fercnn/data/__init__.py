"""FER2013 as arrays, and what training does to them.

Readers for every layout (``loading``: the original CSV in ``fer_csv``, image folders in
``image_folder``, the FER+ votes in ``ferplus``), the in-memory ``dataset``, exact
``duplicates`` across splits, and training-time changes to the faces: ``augment`` (Keras layers,
set by ``augment_config``), ``affine`` warps, ``photo_look`` and ``mixing`` (mixup, CutMix).
"""
