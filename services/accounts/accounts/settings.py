from dataclasses import dataclass

from ecf_shared.emails.settings import EmailSettings


@dataclass(frozen=True)
class AccountsSettings(EmailSettings):
    SECRETS = ("jwt_private_key",)

    service_name: str = "accounts"
    jwt_private_key: str = ""  # PEM (or JWT_PRIVATE_KEY_FILE names a file holding it)
    access_token_ttl_seconds: int = 300
    refresh_token_ttl_seconds: int = 8 * 3600
    persona_signin_enabled: bool = False
    public_base_url: str = "http://127.0.0.1:8080/accounts"
    invitation_ttl_seconds: int = 7 * 24 * 3600
    notify_template_invitation: str = ""  # GOV.UK Notify template of the invitation email
    scenarios_enabled: bool = False  # the admin endpoint that creates demo scenarios
    # DfE Sign-in (OpenID Connect); sign-in with it is off while DSI_ISSUER_URL is empty.
    dsi_issuer_url: str = ""
    dsi_client_id: str = ""
    dsi_client_secret: str = ""
    dsi_api_url: str = ""  # the roles API; the issuer URL when empty
    dsi_api_secret: str = ""  # signs the roles API's bearer JWT; the client secret when empty
    dsi_service_id: str = ""  # this service's id in DfE Sign-in; the client id when empty
    dsi_scopes: str = "openid profile email organisation"
    oidc_request_ttl_seconds: int = 600
    # The one registered sign-in client (the portal): after DfE Sign-in the user goes back to one of its redirect
    # URIs with a one-time code, which the client exchanges for tokens with its secret and PKCE verifier.
    signin_client_id: str = ""
    signin_client_secret: str = ""
    signin_redirect_uris: str = ""  # comma list
    signin_code_ttl_seconds: int = 60
    oidc_leeway_seconds: int = 30

    def required_secrets(self) -> tuple[str, ...]:
        return (*self.SECRETS, *(("signin_client_secret",) if self.signin_client_id else ()),
                *(("dsi_client_secret",) if self.dsi_issuer_url else ()))

    @property
    def signin_redirect_uri_list(self) -> tuple[str, ...]:
        return tuple(u.strip() for u in self.signin_redirect_uris.split(",") if u.strip())
