"""The server freezes what is alive after its first run out of the cyclic collector's reach, once."""

import json
import subprocess
import sys

from testkit import ROOT

# In a fresh interpreter: an AppTest in this process may have frozen already (app.py calls it).
PROBE = """
import gc, json, weakref
from densenet_viz.serving import freeze_long_lived_objects

class Node:
    pass

before = gc.get_freeze_count()
first = freeze_long_lived_objects()
frozen = gc.get_freeze_count()
second = freeze_long_lived_objects()
cycle = Node(); cycle.me = cycle  # garbage made after the freeze is still collected
alive = weakref.ref(cycle)
del cycle
gc.collect()
print(json.dumps({"before": before, "first": first, "frozen": frozen, "second": second,
                  "after": gc.get_freeze_count(), "cycle_collected": alive() is None}))
"""


def test_freeze_happens_once_and_later_garbage_stays_collectable():
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120,
                         check=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["before"] == 0 and got["first"] is True
    assert got["frozen"] > 1000  # the imported libraries at least
    assert got["second"] is False and got["after"] == got["frozen"]  # never again
    assert got["cycle_collected"] is True
