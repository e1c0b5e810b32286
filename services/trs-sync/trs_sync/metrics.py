"""What trs-sync tells Prometheus (the worker serves these on METRICS_PORT; queue depth also from the web app)."""
from prometheus_client import Counter, Gauge, Histogram

CIRCUIT_STATE = Gauge("trs_sync_circuit_state", "The TRS circuit breaker: 0 closed, 1 open, 2 half-open",
                      multiprocess_mode="livemax")
TRS_ERRORS = Counter("trs_sync_trs_errors_total", "TRS error answers, by TRS error code (or HTTP status)", ["code"])
DELIVERY_SECONDS = Histogram("trs_sync_delivery_seconds", "From a CPD change to TRS accepting it",
                             buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 6 * 3600, 24 * 3600))
MANUAL_QUEUE_DEPTH = Gauge("trs_sync_manual_handling_open", "Open manual-handling items",
                           multiprocess_mode="mostrecent")
DRIFT_FOUND = Counter("trs_sync_drift_found_total", "Inductions found changed in TRS since CPD sent them, by "
                      "classification (permitted | manual_review)", ["classification"])
