"""The limits' counts (xaso/core/throttle.py, Django REST framework's throttles) are one count for every worker
process under the production settings: a per-process cache would give each of N gunicorn workers its own count,
N times the limit (config/settings/base.py, XASO_LIMITS_CACHE). Real processes, one after the other, each
counting through the production settings' default cache."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
COUNT = """
import sys
import django
django.setup()
from xaso.core.throttle import throttle_count, throttle_hit
scope, hits = sys.argv[1], int(sys.argv[2])
for _ in range(hits):
    throttle_hit(scope, "203.0.113.7", window=600)
print(throttle_count(scope, "203.0.113.7", window=600))
"""


def _worker(scope: str, hits: int, **env) -> int:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "XASO_"))}
    environment |= {"DJANGO_SETTINGS_MODULE": "config.settings.production", "DJANGO_ALLOWED_HOSTS": "xaso.example",
                    "DJANGO_SECRET_KEY": "limits-test-" + "k" * 50, **env}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", COUNT, scope, str(hits)], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    return int(done.stdout.strip().splitlines()[-1])


def test_two_worker_processes_count_into_one_limit():
    scope = f"test-{uuid.uuid4().hex}"  # a count of its own in the shared folder
    assert _worker(scope, 3) == 3
    assert _worker(scope, 4) == 7  # the second process sees the first one's three
    assert _worker(scope, 0) == 7


def test_a_per_process_cache_would_not_and_none_is_refused():
    scope = f"test-{uuid.uuid4().hex}"
    assert _worker(scope, 3, XASO_LIMITS_CACHE="locmem") == 3
    assert _worker(scope, 4, XASO_LIMITS_CACHE="locmem") == 4  # each process alone: why the default is shared
    with pytest.raises(subprocess.CalledProcessError) as refused:
        _worker(scope, 1, XASO_LIMITS_CACHE="none")  # no counting at all would switch every limit off
    assert "XASO_LIMITS_CACHE='none'" in refused.value.stderr


def test_the_tests_own_processes_count_apart():
    # the test settings keep counts in each test process (pytest-xdist runs two side by side)
    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
