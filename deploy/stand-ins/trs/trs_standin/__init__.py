"""Stand-in for the Teaching Record System (TRS) API used by trs-sync.

Run with ``gunicorn 'trs_standin.app:create_app()'`` or ``python -m trs_standin --port N``.
"""
