"""The ECF services' shared library: one way of doing each cross-cutting thing."""
