"""Development settings: `make run` uses these."""

from .base import *  # noqa: F403

DEBUG = True
