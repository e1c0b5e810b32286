from dataclasses import dataclass

from ecf_shared.settings import Settings


@dataclass(frozen=True)
class AccountsSettings(Settings):
    service_name: str = "accounts"
    jwt_private_key: str = ""  # PEM (or JWT_PRIVATE_KEY_FILE names a file holding it)
    access_token_ttl_seconds: int = 300
    refresh_token_ttl_seconds: int = 8 * 3600
    persona_signin_enabled: bool = False
    public_base_url: str = "http://127.0.0.1:8080/accounts"
