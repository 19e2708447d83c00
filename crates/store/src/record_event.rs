//! Changes outside any case — a registry entry's state, agencies and their
//! units and positions, who holds which position, the calendar, the
//! letterhead logo and signing certificates, accounts and API tokens,
//! connector settings and every provisioning run,
//! people and published SOP versions — as
//! events of the same hash chain as the cases' events, appended in the
//! transaction that makes the change. Their rows have an empty case id (so
//! no case's history ever holds one) and kinds of their own.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::Any;

use crate::audit::{self, Entry};
use crate::{Store, StoreError, WriteTx};

/// What changed. Field names say what they hold; dates are `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Change {
    RegistryStateChanged {
        entry: String,
        from: String,
        to: String,
        reason: String,
    },
    HoldingAdded {
        person: String,
        position: String,
        from: String,
        until: Option<String>,
        /// `plt` or `plh` for an acting official.
        acting: Option<String>,
        acting_for: Option<String>,
    },
    DayOffSet {
        day: String,
        name: String,
        kind: String,
        source: String,
    },
    DayOffRemoved {
        day: String,
    },
    ScheduleAdded {
        name: String,
        from: String,
        until: String,
        week: String,
        source: String,
    },
    LogoSet {
        sha256: String,
    },
    SigningCertificateSet {
        person: String,
        subject: String,
        sha256: String,
    },
    /// Where the agency's signing service is (never its password).
    SigningServiceSet {
        url: String,
        username: String,
    },
    /// A signing official's NIK at the signing service was set (never the NIK).
    SignerNikSet {
        person: String,
    },
    /// A letter waiting in the signing queue was signed.
    LetterSigned {
        number: String,
        with: String,
        sha256: String,
    },
    ApiTokenCreated {
        account: String,
        token: String,
        name: String,
    },
    ApiTokenRevoked {
        account: String,
        token: String,
    },
    AccountAdded {
        account: String,
        person: String,
        admin: bool,
    },
    PasswordChanged {
        account: String,
    },
    /// An administrator lifted the waits that password guessing put on a login.
    LoginUnlocked {
        account: String,
    },
    PersonSaved {
        person: String,
        name: String,
        nip: Option<String>,
        unit: String,
    },
    UnitSaved {
        unit: String,
        name: String,
        kind: String,
    },
    SopPublished {
        sop: String,
        version: u32,
        sha256: String,
    },
    /// An agency made or its profile changed (by an installation
    /// administrator, the operator, or a file installed).
    AgencySaved {
        agency: String,
        government: String,
        name: String,
        address: String,
        timezone: String,
        letterhead: Vec<String>,
        letters: Box<sop::agency::LetterSettings>,
        domain: String,
        mail_domain: String,
        retention_days: u32,
    },
    PositionSaved {
        position: String,
        name: String,
        unit: Option<String>,
        reports_to: Option<String>,
        rights: std::collections::BTreeSet<sop::PositionRight>,
        pemda: bool,
    },
    /// A holding (`holding` is its row) given its last day.
    HoldingEnded {
        holding: String,
        person: String,
        position: String,
        until: String,
    },
    /// An account may now create and edit agencies across the installation.
    InstallationAdminGranted {
        account: String,
    },
    /// An account signs in no more; its person and history stay.
    AccountDeactivated {
        account: String,
        person: String,
    },
    AccountReactivated {
        account: String,
    },
    /// A one-time reset was issued (`kind`: `link` or `code`); by an
    /// administrator, whose reset also ends the old password.
    PasswordResetIssued {
        account: String,
        kind: String,
    },
    /// A one-time reset was used to choose a new password.
    PasswordResetUsed {
        account: String,
        kind: String,
    },
    /// A self-registered sign-up became a person and a login.
    RegistrationApproved {
        registration: String,
        person: String,
        account: String,
    },
    /// A self-registered sign-up was refused, with the reason mailed to it.
    RegistrationRefused {
        registration: String,
        nip: String,
        reason: String,
    },
    /// A person's e-mail address, as an administrator set it.
    PersonEmailSet {
        person: String,
        email: Option<String>,
    },
    /// How the agency's people sign in, as an administrator set it (the
    /// directory's and provider's addresses; secrets never).
    SignInSettingsSet {
        local_passwords: bool,
        ldap: Option<String>,
        oidc: Option<String>,
        /// Whether `ldap://` is upgraded with StartTLS.
        #[serde(default)]
        ldap_starttls: bool,
        /// The SHA-256 of each CA certificate trusted for the directory's
        /// TLS (a certificate is public; its fingerprint says which).
        #[serde(default)]
        ldap_ca_sha256: Vec<String>,
    },
    /// The agency's HTTP message gateway, as an administrator set it. The
    /// URL's path and the template may carry a token (a bot's, an API
    /// key), so only where it points and fingerprints are kept; header
    /// values are secrets: only their names, and whether they were replaced.
    MessageGatewaySet {
        /// `scheme://host[:port]`, without any user or password.
        origin: String,
        url_sha256: String,
        template_sha256: String,
        headers: Vec<String>,
        headers_replaced: bool,
    },
    /// An SOP draft begun in the editor (`origin`: `baru`, `unggahan`,
    /// `revisi`); the text is named by its SHA-256.
    SopDraftCreated {
        draft: String,
        origin: String,
        sop: String,
        sha256: String,
    },
    /// A draft's text saved as its revision `revision`.
    SopDraftSaved {
        draft: String,
        revision: i64,
        sha256: String,
    },
    SopDraftDeleted {
        draft: String,
        sop: String,
    },
    /// A draft published as version `version` of its SOP.
    SopDraftPublished {
        draft: String,
        sop: String,
        version: u32,
    },
    /// A draft at `revision` sent to `reviewer` (a person).
    SopDraftSentForReview {
        draft: String,
        revision: i64,
        reviewer: String,
    },
    /// A comment on `field` of a draft (empty: the whole), its text named
    /// by its SHA-256.
    SopDraftCommented {
        draft: String,
        field: String,
        sha256: String,
    },
    /// A draft in review or approved, returned to its drafters.
    SopDraftReturned {
        draft: String,
        revision: i64,
    },
    /// A draft approved by its reviewer for ratification.
    SopDraftApproved {
        draft: String,
        revision: i64,
    },
    /// A draft ratified as `version` of its SOP under `number`, in effect
    /// from `effective`; the signed document named by its SHA-256.
    SopRatified {
        draft: String,
        sop: String,
        version: u32,
        number: String,
        effective: String,
        sha256: String,
    },
    /// An SOP withdrawn from use: no new case starts on it.
    SopWithdrawn {
        sop: String,
    },
    /// A withdrawn SOP put back in use.
    SopRestored {
        sop: String,
    },
    /// An SOP evaluated (and the revision draft it opened).
    SopEvaluated {
        sop: String,
        evaluation: String,
        draft: Option<String>,
    },
    /// The agency's evaluation checklist replaced.
    EvaluationQuestionsSet {
        questions: Vec<String>,
    },
    /// An agency's connector of one kind was set (where, and whether a dry
    /// run; never its secret).
    ConnectorSet {
        connector: String,
        address: String,
        /// The other settings (never secret ones: those go in the secret).
        #[serde(default)]
        options: std::collections::BTreeMap<String, String>,
        /// Whether a new secret was given (never the secret itself).
        #[serde(default)]
        secret_changed: bool,
        dry_run: bool,
    },
    /// An agency subscribed a receiver to its event feed (never its secret).
    WebhookAdded {
        webhook: String,
        url: String,
        kinds: Vec<String>,
    },
    WebhookRemoved {
        webhook: String,
        url: String,
    },
    /// An agency's connector of one kind was removed: its steps are manual again.
    ConnectorRemoved {
        connector: String,
    },
    /// A provisioning run was queued, or ended one way or another: what the
    /// connector did to a registry entry (never a secret or a handover).
    Provisioning {
        run: String,
        entry: String,
        connector: String,
        operation: String,
        state: String,
        message: String,
    },
    /// A reserved letter number voided: its letter was not signed after
    /// all and later numbers were taken meanwhile (see
    /// [`crate::letter_reservation`]).
    LetterNumberVoided {
        number: String,
        case: String,
        reason: String,
    },
    /// The head of every agency's chain, recorded in the installation's
    /// chain (see [`crate::chain_anchor`]).
    ChainsAnchored {
        heads: Vec<ChainHead>,
    },
    /// How many months a monitoring period of the agency lasts.
    MonitoringPeriodSet {
        months: u8,
    },
    /// A monitoring form of an SOP for a period signed off (the paraf).
    SopMonitored {
        sop: String,
        from: String,
        until: String,
        form: String,
    },
}

impl Change {
    /// The `kind` column of its row; never one of a case event's kinds.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::RegistryStateChanged { .. } => "registry-state-changed",
            Change::HoldingAdded { .. } => "holding-added",
            Change::DayOffSet { .. } => "day-off-set",
            Change::DayOffRemoved { .. } => "day-off-removed",
            Change::ScheduleAdded { .. } => "schedule-added",
            Change::LogoSet { .. } => "logo-set",
            Change::SigningCertificateSet { .. } => "signing-certificate-set",
            Change::SigningServiceSet { .. } => "signing-service-set",
            Change::SignerNikSet { .. } => "signer-nik-set",
            Change::LetterSigned { .. } => "letter-signed",
            Change::LetterNumberVoided { .. } => "letter-number-voided",
            Change::ApiTokenCreated { .. } => "api-token-created",
            Change::ApiTokenRevoked { .. } => "api-token-revoked",
            Change::AccountAdded { .. } => "account-added",
            Change::PasswordChanged { .. } => "password-changed",
            Change::LoginUnlocked { .. } => "login-unlocked",
            Change::PersonSaved { .. } => "person-saved",
            Change::UnitSaved { .. } => "unit-saved",
            Change::SopPublished { .. } => "sop-published",
            Change::AgencySaved { .. } => "agency-saved",
            Change::PositionSaved { .. } => "position-saved",
            Change::HoldingEnded { .. } => "holding-ended",
            Change::InstallationAdminGranted { .. } => "installation-admin-granted",
            Change::AccountDeactivated { .. } => "account-deactivated",
            Change::AccountReactivated { .. } => "account-reactivated",
            Change::PasswordResetIssued { .. } => "password-reset-issued",
            Change::PasswordResetUsed { .. } => "password-reset-used",
            Change::PersonEmailSet { .. } => "person-email-set",
            Change::RegistrationApproved { .. } => "registration-approved",
            Change::RegistrationRefused { .. } => "registration-refused",
            Change::SignInSettingsSet { .. } => "sign-in-settings-set",
            Change::MessageGatewaySet { .. } => "message-gateway-set",
            Change::SopDraftCreated { .. } => "sop-draft-created",
            Change::SopDraftSaved { .. } => "sop-draft-saved",
            Change::SopDraftDeleted { .. } => "sop-draft-deleted",
            Change::SopDraftPublished { .. } => "sop-draft-published",
            Change::SopDraftSentForReview { .. } => "sop-draft-sent-for-review",
            Change::SopDraftCommented { .. } => "sop-draft-commented",
            Change::SopDraftReturned { .. } => "sop-draft-returned",
            Change::SopDraftApproved { .. } => "sop-draft-approved",
            Change::SopRatified { .. } => "sop-ratified",
            Change::SopWithdrawn { .. } => "sop-withdrawn",
            Change::SopRestored { .. } => "sop-restored",
            Change::SopMonitored { .. } => "sop-monitored",
            Change::MonitoringPeriodSet { .. } => "monitoring-period-set",
            Change::ChainsAnchored { .. } => "chains-anchored",
            Change::ConnectorSet { .. } => "connector-set",
            Change::ConnectorRemoved { .. } => "connector-removed",
            Change::Provisioning { .. } => "provisioning",
            Change::SopEvaluated { .. } => "sop-evaluated",
            Change::EvaluationQuestionsSet { .. } => "evaluation-questions-set",
            Change::WebhookAdded { .. } => "webhook-added",
            Change::WebhookRemoved { .. } => "webhook-removed",
        }
    }
}

/// An agency chain's head: its length and last hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ChainHead {
    #[sqlx(rename = "agency_id")]
    pub agency: String,
    pub seq: i64,
    pub hash: String,
}

/// A change and who made it, as its row's payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordEvent {
    #[serde(flatten)]
    pub change: Change,
    /// The person who made it; `None`: the operator at the command line, or
    /// the installation itself (reference data, demo data).
    pub by: Option<String>,
}

/// The agency a change is recorded under.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Owner<'a> {
    Agency(&'a str),
    /// The agency of this account (for account and token changes).
    AccountOf(&'a str),
}

/// The SHA-256 of `bytes` in hexadecimal, to name a file in a change
/// without copying it into the chain.
pub(crate) fn sha256(bytes: &[u8]) -> String {
    crate::personal_data::hex(&Sha256::digest(bytes))
}

/// Appends `change` to the chain inside `tx`.
pub(crate) async fn append(
    tx: &mut WriteTx,
    owner: Owner<'_>,
    by: Option<&str>,
    change: Change,
    at: i64,
) -> Result<(), StoreError> {
    let agency = match owner {
        Owner::Agency(agency) => agency.to_string(),
        Owner::AccountOf(username) => {
            sqlx::query_scalar::<_, String>("SELECT agency_id FROM accounts WHERE username = $1")
                .bind(username)
                .fetch_optional(&mut **tx)
                .await?
                .ok_or_else(|| StoreError::NotFound(format!("akun {username}")))?
        }
    };
    let kind = change.kind();
    let payload = serde_json::to_string(&RecordEvent { change, by: by.map(str::to_string) })
        .expect("changes serialise");
    audit::append_entries(tx, &agency, vec![Entry { case: String::new(), kind, at, payload }]).await?;
    Ok(())
}

impl Store {
    /// Runs `statement` on the write queue and, when it changed a row,
    /// appends `change` to the chain in the same transaction: the change
    /// and its record are kept together or not at all, and a statement that
    /// changed nothing (an unchanged upsert) records nothing.
    pub(crate) async fn write_recorded(
        &self,
        statement: sqlx::query::Query<'_, Any, sqlx::any::AnyArguments>,
        owner: Owner<'_>,
        by: Option<&str>,
        change: Change,
        at: i64,
    ) -> Result<u64, StoreError> {
        let mut write = match owner {
            Owner::Agency(agency) => self.write_in(agency).await?,
            Owner::AccountOf(_) => self.write().await?,
        };
        let tx = write.tx();
        let result = async {
            let changed = statement.execute(&mut **tx).await?.rows_affected();
            if changed > 0 {
                append(tx, owner, by, change, at).await?;
            }
            Ok(changed)
        }
        .await;
        write.finish(result).await
    }

    /// The newest `limit` changes outside cases recorded for `agency`,
    /// newest first.
    pub async fn record_events(
        &self,
        agency: &str,
        limit: i64,
    ) -> Result<Vec<(audit::StoredEvent, RecordEvent)>, StoreError> {
        audit::record_rows(&self.pool, agency, limit)
            .await?
            .into_iter()
            .map(|row| {
                let event = row.record()?;
                Ok((row, event))
            })
            .collect()
    }
}

/// Now, for changes made through calls that do not say when.
pub(crate) fn now() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_payload_is_never_read_as_a_case_event() {
        let event = RecordEvent {
            change: Change::HoldingAdded {
                person: "p".into(),
                position: "kasi".into(),
                from: "2026-01-01".into(),
                until: None,
                acting: None,
                acting_for: None,
            },
            by: Some("admin".into()),
        };
        let payload = serde_json::to_string(&event).unwrap();
        assert!(payload.starts_with(r#"{"type":"holding-added","#), "{payload}");
        assert!(serde_json::from_str::<engine::EventBody>(&payload).is_err());
        assert_eq!(serde_json::from_str::<RecordEvent>(&payload).unwrap(), event);
    }
}
