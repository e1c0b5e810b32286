"""trs-sync's events (drift detection) are added with the trs-sync issue."""
