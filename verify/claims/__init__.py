"""Claim judging: one module per engine (``cosine``, ``pairs``, ``hybrid``) behind one
signature (verify/claims/base.py), named in one registry (verify/claims/registry.py); the
claim stage and its ordered post-passes in verify/claims/stage.py and passes.py."""
