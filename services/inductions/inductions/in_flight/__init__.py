"""The go-live import of in-flight inductions from the legacy service's file (`python -m inductions import-in-flight`)."""
