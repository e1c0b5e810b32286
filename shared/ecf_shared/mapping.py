"""Imperative mapping (domain classes stay free of the ORM): each service says how its classes map onto its
tables, and the mapping is done once per process, on first use, never at import time."""
from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy.orm import registry


class Mappers:
    def __init__(self, configure: Callable[[registry], None]):
        self.registry = registry()
        self._configure = configure
        self._done = False
        self._lock = threading.Lock()  # a fresh worker's threads may all ask at once

    def start(self) -> None:
        with self._lock:
            if not self._done:
                self._configure(self.registry)
                self._done = True
