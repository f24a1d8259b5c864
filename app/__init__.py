"""Afterglow: recovery tracking after microneedling.

The package holds no code of its own, so that importing the pure core
(``app.core``) never builds or imports the Flask app: the factory is
``app.factory.create_app``. The map of the code is docs/architecture.md.
"""
