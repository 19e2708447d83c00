-- Single sign-on (issue 18): per agency, whether local passwords are
-- accepted and which LDAP directory vouches for its people. The service
-- account's password is sealed with the installation's data key.
CREATE TABLE sign_in_settings (
    agency_id TEXT PRIMARY KEY REFERENCES agencies(id),
    local_passwords BIGINT NOT NULL DEFAULT 1,
    ldap_url TEXT,
    ldap_starttls BIGINT NOT NULL DEFAULT 0,
    -- A DN with {username} (direct bind), or NULL: search then bind.
    ldap_bind_dn TEXT,
    ldap_service_dn TEXT,
    ldap_service_password TEXT,
    ldap_base TEXT,
    ldap_filter TEXT,
    ldap_attribute TEXT,
    -- 'nip' or 'email': what the attribute's value is matched against.
    ldap_maps_to TEXT,
    -- OpenID Connect: the provider's name on the login button, its issuer,
    -- the client (secret sealed), the scopes asked and the ID token's claim
    -- that carries the NIP or e-mail.
    oidc_name TEXT,
    oidc_issuer TEXT,
    oidc_client_id TEXT,
    oidc_client_secret TEXT,
    oidc_scopes TEXT,
    oidc_claim TEXT,
    oidc_maps_to TEXT,
    updated_at BIGINT NOT NULL
);

-- OpenID Connect sign-ins under way: the SHA-256 of the state sent to the
-- provider, with the nonce and PKCE verifier it must come back with. Taken
-- (deleted) when the provider sends the person back: used once, and
-- refused after expires_at.
CREATE TABLE oidc_sign_ins (
    state_hash TEXT PRIMARY KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(id),
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    back TEXT,
    expires_at BIGINT NOT NULL
);
