-- Single sign-on (issue 18): per agency, whether local passwords are
-- accepted and which LDAP directory vouches for its people. The service
-- account's password is sealed with the installation's data key.
CREATE TABLE sign_in_settings (
    agency_id TEXT PRIMARY KEY REFERENCES agencies(id),
    local_passwords INTEGER NOT NULL DEFAULT 1,
    ldap_url TEXT,
    ldap_starttls INTEGER NOT NULL DEFAULT 0,
    -- A DN with {username} (direct bind), or NULL: search then bind.
    ldap_bind_dn TEXT,
    ldap_service_dn TEXT,
    ldap_service_password TEXT,
    ldap_base TEXT,
    ldap_filter TEXT,
    ldap_attribute TEXT,
    -- 'nip' or 'email': what the attribute's value is matched against.
    ldap_maps_to TEXT,
    updated_at BIGINT NOT NULL
);
