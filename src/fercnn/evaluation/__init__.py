"""How good a model is, and how sure we can be of it.

``metrics`` scores every split present, ``intervals`` gives confidence intervals and paired
tests, ``calibration`` fits a temperature, ``gradcam`` shows what drove a decision, ``plots``
draws the figures, ``report`` writes them all into a run folder, and ``photos`` scores labelled
photographs through the face pipeline.
"""
