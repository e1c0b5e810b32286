"""Stand-in for GOV.UK Notify's API v2 (emails), as the services' email senders call it.

Run with ``gunicorn 'notify_standin.app:create_app()'`` or ``python -m notify_standin --port N``.
"""
