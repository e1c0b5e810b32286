"""In-memory stand-in for DfE Sign-in (OpenID Connect provider, organisation picker, roles API)."""
