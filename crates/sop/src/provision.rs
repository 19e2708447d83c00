//! Provisioning: an SOP's `[registry]` may say that the entry its step
//! creates is made real in the agency's network by a connector
//! (`provision = "dns"`), and undone when the entry is suspended, revoked
//! or expires. The SOP only names the kind; each agency configures its own
//! server for it, and without that configuration the step stays manual.

/// The kinds of connector an SOP can name and an agency can configure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectorKind {
    /// RFC 2136 dynamic update signed with TSIG.
    Dns,
    /// Accounts in an LDAP directory (mail, VPN, Wi-Fi back ends).
    Ldap,
    /// WireGuard peers kept for the gateway to pull.
    Wireguard,
    /// A signed JSON POST to an agency's own script or panel.
    Webhook,
}

impl ConnectorKind {
    pub const ALL: [ConnectorKind; 4] =
        [ConnectorKind::Dns, ConnectorKind::Ldap, ConnectorKind::Wireguard, ConnectorKind::Webhook];

    /// As written in SOPs, stored, and in URLs.
    pub const fn key(self) -> &'static str {
        match self {
            ConnectorKind::Dns => "dns",
            ConnectorKind::Ldap => "ldap",
            ConnectorKind::Wireguard => "wireguard",
            ConnectorKind::Webhook => "webhook",
        }
    }

    pub fn parse(key: &str) -> Option<ConnectorKind> {
        ConnectorKind::ALL.into_iter().find(|k| k.key() == key)
    }

    /// Shown to administrators.
    pub const fn label(self) -> &'static str {
        match self {
            ConnectorKind::Dns => "DNS (RFC 2136 + TSIG)",
            ConnectorKind::Ldap => "Direktori LDAP",
            ConnectorKind::Wireguard => "WireGuard VPN",
            ConnectorKind::Webhook => "Webhook",
        }
    }
}

impl std::fmt::Display for ConnectorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}
