"""Training the packaged classifiers, outside the runtime import graph (nothing the ``verify``
command runs imports this package; tests/test_layout.py checks it):

    python -m verify.training.pair ...      the verdict model (pair.py; data.py, loop.py)
    python -m verify.training.strength ...  the strength classifier (strength.py)
"""
