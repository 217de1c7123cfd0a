"""The server freezes what is alive after its first run out of the cyclic collector's reach, once."""

import gc

from densenet_viz.serving import freeze_long_lived_objects


def test_freeze_happens_once_and_moves_objects_to_the_permanent_generation():
    freeze_long_lived_objects()  # True here, or False if an AppTest in this process ran app.py first
    assert gc.get_freeze_count() > 1000  # the imported libraries at least
    assert freeze_long_lived_objects() is False  # never again: later garbage stays collectable
    gc.unfreeze()  # leave the test process as it was
