-- The CA certificates (PEM) an agency trusts for its LDAP directory's TLS,
-- for ldaps:// or StartTLS with an internal CA; NULL: the system's roots.
ALTER TABLE sign_in_settings ADD COLUMN ldap_ca_certificate TEXT;
