"""lp-api's domain: what lead providers see, computed from other services' events. No ORM here."""
