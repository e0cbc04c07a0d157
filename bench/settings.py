"""Settings for `bench/thread.py`: the production settings, plus one bare JSON view.

Only the benchmark uses this module; the site itself never routes to the bare view.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
