//! Personal data at rest: the values of fields an SOP marks personal (NIK,
//! a visitor's name) are sealed with AES-256-GCM before their events are
//! stored, and opened again only for display. Each case has a key of its
//! own, sealed with the installation's data key; erasing a closed case's
//! personal data after the retention period deletes that key, so the
//! values become unreadable while the hash chain — which covers the sealed
//! form, and needs no key to verify — stays intact.

use std::path::Path;

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use engine::{ActionInput, CaseState, Event, EventBody};

use crate::StoreError;
use crate::WriteTx;

/// Prefix of a value sealed with the installation's key (cases stored
/// before per-case keys).
const SEALED: &str = "enc1:";
/// Prefix of a value sealed with its case's own key.
const CASE_SEALED: &str = "enc2:";
/// What an erased personal value reads as.
pub const ERASED: &str = "(dihapus)";

/// The key that seals personal data. Lose it and the sealed values are gone;
/// every process sharing a database must use the same one.
#[derive(Clone)]
pub struct DataKey([u8; 32]);

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

impl DataKey {
    pub fn random() -> DataKey {
        DataKey(Aes256Gcm::generate_key(OsRng).into())
    }

    /// From 64 hexadecimal characters.
    pub fn from_hex(text: &str) -> Result<DataKey, StoreError> {
        match unhex(text.trim()) {
            Some(bytes) => bytes
                .try_into()
                .map(DataKey)
                .map_err(|_| StoreError::BadKey("kunci data harus 64 karakter heksadesimal".into())),
            None => Err(StoreError::BadKey("kunci data harus 64 karakter heksadesimal".into())),
        }
    }

    pub fn to_hex(&self) -> String {
        hex(&self.0)
    }

    /// Reads the key file, creating it (readable by its owner only) when
    /// there is none yet.
    pub fn load_or_create(path: &Path) -> Result<DataKey, StoreError> {
        let io = |e: std::io::Error| StoreError::BadKey(format!("{}: {e}", path.display()));
        match std::fs::read_to_string(path) {
            Ok(text) => DataKey::from_hex(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = DataKey::random();
                if let Some(dir) = path.parent() {
                    crate::private_file::create_dir_all(dir).map_err(io)?;
                }
                crate::private_file::write_new(path, key.to_hex().as_bytes()).map_err(io)?;
                Ok(key)
            }
            Err(e) => Err(io(e)),
        }
    }

    /// Reads the key file without creating it: `None` when there is none
    /// (for tools that must not change the installation they inspect).
    pub fn load(path: &Path) -> Result<Option<DataKey>, StoreError> {
        match std::fs::read_to_string(path) {
            Ok(text) => DataKey::from_hex(&text).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::BadKey(format!("{}: {e}", path.display()))),
        }
    }

    /// A key for another purpose, derived from this one (HMAC-SHA256 of the
    /// purpose's name), so the sealing key itself is never used for it.
    pub(crate) fn derive(&self, purpose: &str) -> [u8; 32] {
        use hmac::Mac;
        let mut mac =
            <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(&Key::<Aes256Gcm>::from(self.0))
    }

    pub(crate) fn seal(&self, plain: &str) -> String {
        self.seal_as(SEALED, plain)
    }

    /// Seals a value with this case key.
    pub(crate) fn seal_for_case(&self, plain: &str) -> String {
        self.seal_as(CASE_SEALED, plain)
    }

    fn seal_as(&self, prefix: &str, plain: &str) -> String {
        let nonce = Aes256Gcm::generate_nonce(OsRng);
        let sealed = self.cipher().encrypt(&nonce, plain.as_bytes()).expect("AES-GCM seals any input");
        format!("{prefix}{}{}", hex(&nonce), hex(&sealed))
    }

    pub(crate) fn open(&self, sealed: &str) -> Result<String, StoreError> {
        let bad = || StoreError::BadKey("data pribadi tidak dapat dibuka dengan kunci ini".into());
        let body = sealed.strip_prefix(SEALED).or_else(|| sealed.strip_prefix(CASE_SEALED));
        let bytes = body.and_then(unhex).ok_or_else(bad)?;
        if bytes.len() < 12 {
            return Err(bad());
        }
        let (nonce, body) = bytes.split_at(12);
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| bad())?;
        let plain = self.cipher().decrypt(&Nonce::from(nonce), body).map_err(|_| bad())?;
        String::from_utf8(plain).map_err(|_| bad())
    }
}

impl crate::Store {
    /// Shows `case`'s personal data (NIK) in full to `by`, who must be one of
    /// the people its tasks were given to. The reveal is appended to the
    /// case's audit chain before anything is shown.
    pub async fn reveal_personal_data(
        &self,
        agency: &str,
        case: &str,
        by: &str,
        at: i64,
    ) -> Result<engine::CaseState, StoreError> {
        let state = self.case(agency, case).await?;
        let sop = self.sop(agency, &state.sop_id, Some(state.sop_version)).await?;
        let handles = state.tasks.iter().any(|t| t.candidates.iter().any(|c| c.person == by));
        if !handles {
            return Err(StoreError::NotPermitted("hanya petugas yang menangani permohonan ini".into()));
        }
        let mut fields: Vec<String> = Vec::new();
        for task in &state.tasks {
            let Some(input) = &task.input else { continue };
            for name in personal(&sop, task.step) {
                if input.fields.contains_key(name) && !fields.iter().any(|f| f == name) {
                    fields.push(name.to_string());
                }
            }
        }
        if fields.is_empty() {
            return Err(StoreError::NotFound("data pribadi".into()));
        }
        let calendar = self.calendar(agency).await?;
        let event = Event {
            case: case.to_string(),
            at,
            body: EventBody::PersonalDataRevealed { by: by.into(), fields },
        };
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            self.record(tx, agency, &calendar, &[event]).await?;
            Ok(state)
        }
        .await;
        write.finish(result).await
    }
}

/// The personal field names of a step.
fn personal(sop: &sop::Sop, step: u32) -> Vec<&str> {
    sop.step(step)
        .map_or_else(Vec::new, |s| s.fields.iter().filter(|f| f.personal).map(|f| f.name.as_str()).collect())
}

/// The inputs of the completed steps among `events`, with their step.
fn event_inputs(events: &mut [Event]) -> impl Iterator<Item = (u32, &mut ActionInput)> {
    events.iter_mut().filter_map(|event| match &mut event.body {
        EventBody::TaskCompleted { step, input, .. } => Some((*step, input)),
        _ => None,
    })
}

/// The inputs of a case's completed tasks, with their step: what the
/// case took from its `TaskCompleted` events.
fn state_inputs(state: &mut CaseState) -> impl Iterator<Item = (u32, &mut ActionInput)> {
    state.tasks.iter_mut().filter_map(|task| task.input.as_mut().map(|input| (task.step, input)))
}

/// Applies `f` to every personal value of `inputs`.
fn each_personal_value<'a>(
    inputs: impl Iterator<Item = (u32, &'a mut ActionInput)>,
    sop: &sop::Sop,
    mut f: impl FnMut(&mut String) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    for (step, input) in inputs {
        for name in personal(sop, step) {
            if let Some(value) = input.fields.get_mut(name) {
                f(value)?;
            }
        }
    }
    Ok(())
}

/// Whether any of `inputs` has a personal value.
fn any_personal<'a>(mut inputs: impl Iterator<Item = (u32, &'a ActionInput)>, sop: &sop::Sop) -> bool {
    inputs.any(|(step, input)| personal(sop, step).iter().any(|n| input.fields.contains_key(*n)))
}

pub(crate) fn required(key: Option<&DataKey>) -> Result<&DataKey, StoreError> {
    key.ok_or_else(|| StoreError::BadKey("kunci data pribadi belum diatur".into()))
}

/// Whether any of the events carries a personal value.
pub(crate) fn carries_personal(events: &[Event], sop: &sop::Sop) -> bool {
    let inputs = events.iter().filter_map(|event| match &event.body {
        EventBody::TaskCompleted { step, input, .. } => Some((*step, input)),
        _ => None,
    });
    any_personal(inputs, sop)
}

/// Whether the case holds a personal value.
pub(crate) fn state_carries_personal(state: &CaseState, sop: &sop::Sop) -> bool {
    any_personal(state.tasks.iter().filter_map(|t| t.input.as_ref().map(|i| (t.step, i))), sop)
}

/// Seals personal values in the events about to be stored, with the case's key.
pub(crate) fn seal_events(
    events: &mut [Event],
    sop: &sop::Sop,
    case_key: Option<&DataKey>,
) -> Result<(), StoreError> {
    each_personal_value(event_inputs(events), sop, |value| {
        *value = required(case_key)?.seal_as(CASE_SEALED, value);
        Ok(())
    })
}

/// Opens the sealed values of a case as stored, for display; values whose
/// case key was erased read as [`ERASED`].
pub(crate) fn open_state(
    state: &mut CaseState,
    sop: &sop::Sop,
    installation: Option<&DataKey>,
    case_key: Option<&DataKey>,
) -> Result<(), StoreError> {
    each_personal_value(state_inputs(state), sop, |value| {
        if value.starts_with(SEALED) {
            *value = required(installation)?.open(value)?;
        } else if value.starts_with(CASE_SEALED) {
            *value = match case_key {
                Some(key) => key.open(value)?,
                None => ERASED.to_string(),
            };
        }
        Ok(())
    })
}

impl crate::Store {
    /// A fresh key for a case's personal data, and its sealed form to store.
    pub(crate) fn new_case_key(&self) -> Result<(DataKey, String), StoreError> {
        let key = DataKey::random();
        let sealed = required(self.key.as_ref())?.seal(&key.to_hex());
        Ok((key, sealed))
    }

    /// Stores a case's sealed key (once the case row exists).
    pub(crate) async fn keep_case_key(
        &self,
        tx: &mut WriteTx,
        agency: &str,
        case: &str,
        sealed: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO case_keys (case_id, agency_id, sealed_key) VALUES ($1, $2, $3)")
            .bind(case)
            .bind(agency)
            .bind(sealed)
            .execute(&mut **tx)
            .await?;
        Ok(())
    }

    /// The case's own key, if it has one (and it was not erased).
    pub(crate) async fn case_key<'e, E>(
        &self,
        executor: E,
        agency: &str,
        case: &str,
    ) -> Result<Option<DataKey>, StoreError>
    where
        E: sqlx::Executor<'e, Database = sqlx::Any>,
    {
        use sqlx::Row;
        let row = sqlx::query("SELECT sealed_key FROM case_keys WHERE agency_id = $1 AND case_id = $2")
            .bind(agency)
            .bind(case)
            .fetch_optional(executor)
            .await?;
        match row {
            Some(row) => {
                let sealed: String = row.try_get("sealed_key")?;
                Ok(Some(DataKey::from_hex(&required(self.key.as_ref())?.open(&sealed)?)?))
            }
            None => Ok(None),
        }
    }

    /// A stored value as shown: opened with its case's key (given sealed),
    /// [`ERASED`] when that key is gone, as it is when never sealed.
    pub(crate) fn open_for_case(
        &self,
        value: &str,
        sealed_key: Option<String>,
    ) -> Result<String, StoreError> {
        if !value.starts_with(CASE_SEALED) {
            return Ok(value.to_string());
        }
        match sealed_key {
            Some(sealed) => DataKey::from_hex(&required(self.key.as_ref())?.open(&sealed)?)?.open(value),
            None => Ok(ERASED.to_string()),
        }
    }

    /// Erases the personal data of every case closed longer ago than its
    /// agency's retention period: the case keys go, so the sealed values in
    /// the log and the visitor's name in the visitor log become unreadable,
    /// and the anonymous record stays.
    /// Returns how many cases were erased.
    pub async fn purge_personal_data(&self, now: i64) -> Result<u64, StoreError> {
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let erased = sqlx::query(
                "DELETE FROM case_keys WHERE case_id IN (
                     SELECT c.id FROM cases c JOIN agencies a ON a.id = c.agency_id
                     WHERE c.closed_at IS NOT NULL AND c.closed_at < $1 - a.retention_days * 86400000)",
            )
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            Ok(erased)
        }
        .await;
        write.finish(result).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_seal_and_open_only_with_their_key() {
        let key = DataKey::random();
        let sealed = key.seal("3508014508900001");
        assert!(sealed.starts_with("enc1:") && !sealed.contains("3508014508900001"));
        assert_ne!(sealed, key.seal("3508014508900001"), "a fresh nonce each time");
        assert_eq!(key.open(&sealed).unwrap(), "3508014508900001");
        assert!(DataKey::random().open(&sealed).is_err());
        // Change the last character for certain (overwriting it with a fixed
        // one left it unchanged whenever it already was that one).
        let mut tampered = sealed.clone();
        let last = tampered.pop().expect("not empty");
        tampered.push(if last == '0' { '1' } else { '0' });
        assert_ne!(tampered, sealed);
        assert!(key.open(&tampered).is_err());
    }

    #[test]
    fn a_key_file_is_created_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kunci").join("sopir.key");
        let first = DataKey::load_or_create(&path).unwrap();
        let again = DataKey::load_or_create(&path).unwrap();
        assert_eq!(first.to_hex(), again.to_hex());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert!(DataKey::from_hex("abc").is_err());
    }
}
