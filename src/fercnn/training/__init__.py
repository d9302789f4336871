"""Training a model: the ``config`` of a run, the ``loop`` that fits and validates, crash-safe
``checkpoints``, the weights' moving average (``ema``) and knowledge distillation (``distill``).
"""
