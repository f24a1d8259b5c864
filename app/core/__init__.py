"""The pure core: the recovery model, aftercare, triage, cohort maths, charts and image checks.

Plain data in, plain data out: no Flask, no database, no models. A clinician
can read it, and tests/unit/test_core_purity.py fails if anything here
imports Flask or SQLAlchemy.
"""
