//! Registries of what the work produced — VPN accounts, subdomains, e-mail
//! accounts, the server-room access list, and any kind an agency's SOPs
//! declare. The SOP's `[registry]` step
//! creates the entry in the transaction of that step, after checking the
//! name (its kind's rule — domain, mailbox, IP address —, reserved names, no clash with a live
//! entry) — the name asked for on the request by the same check when the
//! request is submitted — for the OPD the request names; its keepers (the
//! people of that step) and administrators then suspend, reactivate or
//! revoke it, each change kept in the entry's history with who, when and
//! why.

use engine::{CaseState, Context};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sop::definition::{Registry, RegistryAction, RegistryKind};
use sop::{Agency, Sop};
use sqlx::Row;

use crate::{Backend, Store, StoreError, WriteTx, new_id};

/// Where an entry stands. A revoked entry is final; its name may be given
/// out again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryState {
    Active,
    Suspended,
    Revoked,
}

impl EntryState {
    pub const ALL: [EntryState; 3] = [EntryState::Active, EntryState::Suspended, EntryState::Revoked];

    /// As stored, in URLs and forms, and shown.
    pub const fn key(self) -> &'static str {
        match self {
            EntryState::Active => "aktif",
            EntryState::Suspended => "ditangguhkan",
            EntryState::Revoked => "dicabut",
        }
    }

    pub fn parse(key: &str) -> Option<EntryState> {
        EntryState::ALL.into_iter().find(|s| s.key() == key)
    }
}

impl std::fmt::Display for EntryState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

// For the SQL text of the queries below.
const ACTIVE: &str = EntryState::Active.key();
pub(crate) const REVOKED: &str = EntryState::Revoked.key();

/// "pilih aktif, ditangguhkan atau dicabut".
fn choose_a_state() -> String {
    let [a, s, r] = EntryState::ALL;
    format!("pilih {a}, {s} atau {r}")
}

/// Refuses a state filter that is none of the states (it would quietly
/// select nothing).
pub fn check_state_filter(state: Option<&str>) -> Result<(), StoreError> {
    match state {
        None | Some("") => Ok(()),
        Some(known) if EntryState::parse(known).is_some() => Ok(()),
        Some(other) => Err(StoreError::invalid(
            "state",
            "Status",
            format!("\"{other}\" tidak dikenal; {}", choose_a_state()),
        )),
    }
}

/// Refuses a search holding a control character: a NUL byte is refused by
/// PostgreSQL and breaks SQLite's full-text query, and none is ever part of
/// a name, a person or a unit.
pub fn check_search(query: Option<&str>) -> Result<(), StoreError> {
    match query.and_then(|q| q.chars().find(|c| c.is_control())) {
        None => Ok(()),
        Some(c) => Err(StoreError::invalid(
            "q",
            "Cari",
            format!(
                "memuat karakter kendali (U+{:04X}) yang tidak dapat dicari; hapus karakter itu",
                u32::from(c)
            ),
        )),
    }
}

/// Longest reason accepted for a change of state.
pub const REASON_MAX_CHARS: usize = 1000;

/// One field shown with an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Detail {
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub id: String,
    /// The key of its kind.
    pub kind: String,
    /// The username, FQDN, address or card number.
    pub name: String,
    pub case_id: String,
    pub case_number: String,
    pub unit: String,
    /// The penanggung jawab named in the request.
    pub responsible: String,
    pub valid_until: Option<String>,
    pub details: Vec<Detail>,
    pub state: EntryState,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    /// Past its valid-until date while still active or suspended.
    pub expired: bool,
    /// Its latest access review closed without anyone reviewing it.
    pub unreviewed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryRow {
    pub at: i64,
    pub by: String,
    pub state: String,
    pub reason: String,
}

/// What a registry list is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Matched, case-insensitively, against name, responsible person and unit.
    pub query: Option<String>,
    pub state: Option<String>,
    /// Only entries past their valid-until date.
    pub expired_only: bool,
    /// Only entries after this one in the list's order (newest first):
    /// its (created, id).
    pub after: Option<(i64, String)>,
    /// At most this many (all when `None`).
    pub limit: Option<i64>,
}

/// An entry with its case number, unit and recorder names, and the
/// decision of its latest access review.
pub(crate) const ENTRY_SELECT: &str =
    "SELECT r.id, r.kind, r.name, r.case_id, c.number, COALESCE(u.name, NULLIF(r.unit_name, ''), r.unit_id) AS unit,
        r.responsible, r.valid_until, r.details, r.state, p.name AS created_by, r.created_at, r.updated_at,
        (SELECT i.decision FROM review_items i WHERE i.entry_id = r.id AND i.decision IS NOT NULL
         ORDER BY i.decided_at DESC LIMIT 1) AS last_review
    FROM registry_entries r
    JOIN cases c ON c.id = r.case_id
    JOIN people p ON p.id = r.created_by
    LEFT JOIN units u ON u.id = r.unit_id";

/// A valid-until date, which may not be before `today` (an entry would be
/// born expired).
pub fn check_valid_until(value: &str, today: jiff::civil::Date) -> Result<(), String> {
    match value.trim().parse::<jiff::civil::Date>() {
        Ok(date) if date < today => {
            Err(format!("{} sudah lewat; paling cepat hari ini ({today})", value.trim()))
        }
        _ => Ok(()),
    }
}

/// The one check of a new entry's name, whether asked for on a request or
/// registered at the registry's step: its kind's rule ([`RegistryKind::check_name`]) and
/// no live entry holding it. Refusals name `field`.
async fn check_new_name(
    tx: &mut WriteTx,
    agency: &Agency,
    kind: &RegistryKind,
    value: &str,
    field: &str,
    label: &str,
) -> Result<String, StoreError> {
    let name = kind.check_name(value, agency).map_err(|m| StoreError::invalid(field, label, m))?;
    let taken = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT c.number FROM registry_entries r JOIN cases c ON c.id = r.case_id
         WHERE r.agency_id = $1 AND r.kind = $2 AND r.name = $3 AND r.state <> '{REVOKED}'"
    )))
    .bind(&agency.id)
    .bind(kind.key())
    .bind(&name)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(row) = taken {
        let number: String = row.try_get("number")?;
        return Err(StoreError::invalid(
            field,
            label,
            format!("{name} sudah terdaftar (permohonan {number})"),
        ));
    }
    Ok(name)
}

/// The label of `field` in the step that has it (its name when none does).
fn label_of(sop: &Sop, field: &str) -> String {
    sop.steps
        .iter()
        .flat_map(|s| &s.fields)
        .find(|f| f.name == field)
        .map_or_else(|| field.to_string(), |f| f.label.clone())
}

impl Store {
    /// Checks what step `step`, just completed at `at`, gives the SOP's
    /// registry, by the rules the registry's step applies: a name asked for
    /// on the request, and a valid-until date, which may not be past — so a
    /// request is refused when submitted, not at the administrator's step.
    pub(crate) async fn check_registry_input(
        &self,
        tx: &mut WriteTx,
        ctx: &Context<'_>,
        registry: &Registry,
        state: &CaseState,
        step: u32,
        at: i64,
    ) -> Result<(), StoreError> {
        let sop = ctx.sop;
        let Some(step) = sop.step(step).filter(|_| registry.action == RegistryAction::Create) else {
            return Ok(());
        };
        let given = |field: &str| {
            step.fields
                .iter()
                .any(|f| f.name == field)
                .then(|| state.field(field).map(str::trim).filter(|v| !v.is_empty()))
                .flatten()
        };
        if let Some((field, asked)) = registry.requested.as_deref().and_then(|f| given(f).map(|v| (f, v))) {
            let agency = self.agency(&state.agency).await?;
            let name = registry.kind.as_registered(asked, &agency);
            check_new_name(tx, &agency, &registry.kind, &name, field, &label_of(sop, field)).await?;
        }
        if let Some((field, until)) = registry.valid_until.as_deref().and_then(|f| given(f).map(|v| (f, v))) {
            check_valid_until(until, ctx.local_date(at))
                .map_err(|m| StoreError::invalid(field, &label_of(sop, field), m))?;
        }
        Ok(())
    }

    /// The unit of `agency` that `named` names (by name or id, in any letter
    /// case and spacing).
    async fn unit_named(&self, agency: &str, named: &str) -> Result<Option<String>, StoreError> {
        let normal = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        let wanted = normal(named);
        Ok(self
            .units(agency)
            .await?
            .into_iter()
            .find(|u| normal(&u.name) == wanted || u.id.to_lowercase() == wanted)
            .map(|u| u.id))
    }

    /// Enters the result of the registry step of `state` (just completed by `by`).
    pub(crate) async fn register_result(
        &self,
        tx: &mut WriteTx,
        sop: &Sop,
        registry: &Registry,
        state: &CaseState,
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let label = label_of(sop, &registry.key);
        let given = state.field(&registry.key).map(str::to_string).unwrap_or_default();
        if registry.action == RegistryAction::Revoke {
            return revoke_by_name(tx, registry, &label, given.trim(), state, by, at).await;
        }
        let agency = self.agency(&state.agency).await?;
        let name = check_new_name(tx, &agency, &registry.kind, &given, &registry.key, &label).await?;
        if let Some((type_field, value_field)) = &registry.record {
            let kind = state.field(type_field).map(str::to_string).unwrap_or_default();
            let value = state.field(value_field).map(str::to_string).unwrap_or_default();
            sop::domain::check_record(&kind, value.trim())
                .map_err(|m| StoreError::invalid(value_field, &label_of(sop, value_field), m))?;
        }
        let mut created = format!("dibuat melalui permohonan {}", state.number);
        let asked = registry.requested.as_deref().and_then(|f| state.field(f)).map(str::trim);
        if let Some(asked) = asked.filter(|a| !a.is_empty()).map(|a| registry.kind.as_registered(a, &agency))
        {
            if asked != name {
                let field =
                    registry.other_name_reason.as_deref().expect("validated: requested comes with it");
                let reason = state.field(field).map(str::trim).unwrap_or_default();
                if reason.is_empty() {
                    let message = format!("wajib diisi: {name} berbeda dari yang diminta ({asked})");
                    return Err(StoreError::invalid(field, &label_of(sop, field), message));
                }
                created = format!("{created}; berbeda dari yang diminta ({asked}): {reason}");
            }
        }
        // The record value asked for, when the request gave one: another
        // value registered needs the same reason.
        let asked_value = registry.requested_value.as_deref().and_then(|f| state.field(f)).map(str::trim);
        let made_value = registry.record.as_ref().and_then(|(_, v)| state.field(v)).map(str::trim);
        if let (Some(asked), Some(made)) = (asked_value.filter(|a| !a.is_empty()), made_value) {
            let same = match (asked.parse::<std::net::IpAddr>(), made.parse::<std::net::IpAddr>()) {
                (Ok(a), Ok(m)) => a == m,
                _ => asked.eq_ignore_ascii_case(made),
            };
            if !same {
                let field =
                    registry.other_name_reason.as_deref().expect("validated: requested_value comes with it");
                let reason = state.field(field).map(str::trim).unwrap_or_default();
                if reason.is_empty() {
                    let message = format!("wajib diisi: nilai {made} berbeda dari yang diminta ({asked})");
                    return Err(StoreError::invalid(field, &label_of(sop, field), message));
                }
                created = format!("{created}; nilai {made} berbeda dari yang diminta ({asked}): {reason}");
            }
        }
        // The OPD named on the request; a unit Sopir does not know is kept as named.
        let named =
            registry.unit.as_deref().and_then(|f| state.field(f)).map(str::trim).filter(|u| !u.is_empty());
        let (unit_id, unit_name) = match named {
            Some(named) => {
                (self.unit_named(&state.agency, named).await?.unwrap_or_default(), named.to_string())
            }
            None => (state.unit.clone(), String::new()),
        };
        let details: Vec<Detail> = registry
            .details
            .iter()
            .filter_map(|f| {
                state.field(f).map(str::to_string).map(|value| Detail { label: label_of(sop, f), value })
            })
            .collect();
        let id = new_id();
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO registry_entries (id, agency_id, kind, name, case_id, unit_id, unit_name, responsible,
                 valid_until, details, state, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $12, $7, $8, $9, '{ACTIVE}', $10, $11, $11)"
        )))
        .bind(&id)
        .bind(&state.agency)
        .bind(registry.kind.key())
        .bind(&name)
        .bind(&state.id)
        .bind(&unit_id)
        .bind(state.field(&registry.person).map(str::to_string).unwrap_or_default())
        .bind(registry.valid_until.as_deref().and_then(|f| state.field(f).map(str::to_string)))
        .bind(serde_json::to_string(&details).expect("details serialise"))
        .bind(by)
        .bind(at)
        .bind(&unit_name)
        .execute(&mut **tx)
        .await?;
        add_history(tx, &id, at, by, EntryState::Active, &created).await?;
        let unit =
            if unit_name.is_empty() { self.unit_name(&state.agency, &state.unit).await? } else { unit_name };
        self.queue_creation(tx, sop, registry, state, &id, &name, &unit, by, at).await
    }

    /// The registries `agency` has: the built-in kinds its SOPs fill or
    /// review, the kinds its published SOPs declare, and every kind that
    /// already holds entries — built-in kinds first, in their order, then
    /// the others by label. A kind is as the newest definition declaring it
    /// says; entries whose kind no definition declares any more are listed
    /// under their key.
    pub async fn registry_kinds(&self, agency: &str) -> Result<Vec<RegistryKind>, StoreError> {
        let versions: Vec<(String, i64)> = sqlx::query_as(
            "SELECT sop_id, version FROM sop_versions WHERE agency_id = $1 ORDER BY sop_id, version DESC",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await?;
        // The newest version of each SOP says which kinds are in use; older
        // ones only name kinds that still hold entries.
        let mut in_use: Vec<RegistryKind> = Vec::new();
        let mut declared_before: Vec<RegistryKind> = Vec::new();
        for (i, (id, version)) in versions.iter().enumerate() {
            let newest = i == 0 || versions[i - 1].0 != *id;
            let version =
                u32::try_from(*version).map_err(|_| StoreError::Corrupt(format!("versi SOP {id}")))?;
            let sop = self.sop(agency, id, Some(version)).await?;
            let kinds = sop.registry.iter().map(|r| &r.kind).chain(sop.review.iter().map(|r| &r.kind));
            let into = if newest { &mut in_use } else { &mut declared_before };
            for kind in kinds {
                if !into.iter().any(|k| k.key() == kind.key()) {
                    into.push(kind.clone());
                }
            }
        }
        let with_entries: Vec<String> =
            sqlx::query_scalar("SELECT DISTINCT kind FROM registry_entries WHERE agency_id = $1")
                .bind(agency)
                .fetch_all(&self.pool)
                .await?;
        for key in with_entries {
            if !in_use.iter().any(|k| k.key() == key) {
                let kind = RegistryKind::builtin_kind(&key)
                    .or_else(|| declared_before.iter().find(|k| k.key() == key))
                    .cloned()
                    .unwrap_or_else(|| RegistryKind::undeclared(&key));
                in_use.push(kind);
            }
        }
        let builtin = RegistryKind::builtin();
        let rank =
            |kind: &RegistryKind| builtin.iter().position(|b| b.key() == kind.key()).unwrap_or(builtin.len());
        in_use.sort_by(|a, b| (rank(a), a.label()).cmp(&(rank(b), b.label())));
        Ok(in_use)
    }

    /// The newest published version of each SOP of `agency`.
    async fn newest_sops(&self, agency: &str) -> Result<Vec<std::sync::Arc<Sop>>, StoreError> {
        let newest: Vec<(String, i64)> = sqlx::query_as(
            "SELECT sop_id, MAX(version) AS version FROM sop_versions WHERE agency_id = $1 GROUP BY sop_id ORDER BY sop_id",
        )
        .bind(agency)
        .fetch_all(&self.hot)
        .await?;
        let mut sops = Vec::new();
        for (id, version) in newest {
            let version =
                u32::try_from(version).map_err(|_| StoreError::Corrupt(format!("versi SOP {id}")))?;
            sops.push(self.sop(agency, &id, Some(version)).await?);
        }
        Ok(sops)
    }

    /// The registry kinds `sop` declares otherwise than the published SOPs
    /// of its agency do (see [`sop::registry_kind::conflicts`]), each
    /// located in `sop`: publishing it would give one registry two rules.
    pub async fn registry_kind_conflicts(&self, sop: &Sop) -> Result<Vec<sop::Diagnostic>, StoreError> {
        let published = self.newest_sops(&sop.agency).await?;
        Ok(sop::registry_kind::conflicts(sop, published.iter().map(|s| s.as_ref())))
    }

    /// The registry of `agency` with this key, if it has one. A built-in
    /// kind is the same in every agency, so its registry is there (empty)
    /// even where no SOP fills it: its address keeps working.
    pub async fn registry_kind(&self, agency: &str, key: &str) -> Result<Option<RegistryKind>, StoreError> {
        let kind = self.registry_kinds(agency).await?.into_iter().find(|k| k.key() == key);
        Ok(kind.or_else(|| RegistryKind::builtin_kind(key).cloned()))
    }

    /// The entries of one registry of `agency`, newest first.
    pub async fn registry(
        &self,
        agency: &str,
        kind: &str,
        filter: &Filter,
    ) -> Result<Vec<Entry>, StoreError> {
        check_state_filter(filter.state.as_deref())?;
        check_search(filter.query.as_deref())?;
        // The search is done by the database, so only matching rows travel.
        let typed = filter.query.as_deref().map(str::trim).unwrap_or_default();
        let like = if typed.is_empty() {
            String::new()
        } else {
            let escaped: String = typed
                .to_lowercase()
                .chars()
                .flat_map(|c| if matches!(c, '%' | '_' | '\\') { vec!['\\', c] } else { vec![c] })
                .collect();
            format!("%{escaped}%")
        };
        // The matching entries are collected first and then read, so a
        // search costs what it finds, not the registry's size: entries whose
        // own text (name, responsible person, the unit as the request named
        // it) matches — on SQLite from the trigram index (a quoted
        // phrase matches any substring of three characters or more, in any
        // case), on PostgreSQL by LIKE, which pg_trgm's indexes serve — and
        // entries of a unit whose name matches. Without a search `$3` is
        // still mentioned, as every bound parameter must be.
        let trigram = self.backend == Backend::Sqlite && typed.chars().count() >= 3;
        let own_text = if trigram {
            "SELECT entry_id FROM registry_search WHERE registry_search MATCH $10"
        } else {
            "SELECT id FROM registry_entries WHERE LOWER(name) LIKE $3 ESCAPE '\\' OR LOWER(responsible) LIKE $3 ESCAPE '\\'
                 OR LOWER(unit_name) LIKE $3 ESCAPE '\\'"
        };
        let matching = if typed.is_empty() {
            "AND $3 = ''".to_string()
        } else {
            format!(
                "AND r.id IN ({own_text}
                     UNION SELECT m.id FROM units mu JOIN registry_entries m ON m.unit_id = mu.id
                           WHERE LOWER(mu.name) LIKE $3 ESCAPE '\\')"
            )
        };
        // The page after a cursor starts at it in `registry_entries_newest`
        // (the first term bounds the index range; an OR alone would not).
        // Without a cursor its parameters are still mentioned.
        let after = if filter.after.is_some() {
            "AND r.created_at <= $7 AND (r.created_at < $7 OR r.id > $8)"
        } else {
            "AND $7 = $7 AND $8 = $8"
        };
        let today = self.today(agency).await?;
        let query = sqlx::query(
            // Constant clauses only.
            sqlx::AssertSqlSafe(format!(
                "{ENTRY_SELECT} WHERE r.agency_id = $1 AND r.kind = $2 {matching}
                   AND ($4 = '' OR r.state = $4)
                   AND ($5 = 0 OR (r.state <> '{REVOKED}' AND r.valid_until IS NOT NULL AND r.valid_until < $6))
                   {after}
                 ORDER BY r.created_at DESC, r.id LIMIT $9"
            )),
        )
        .bind(agency)
        .bind(kind)
        .bind(&like)
        .bind(filter.state.clone().unwrap_or_default())
        .bind(i64::from(filter.expired_only))
        .bind(&today)
        .bind(filter.after.as_ref().map_or(0, |(at, _)| *at))
        .bind(filter.after.as_ref().map_or("", |(_, id)| id.as_str()))
        .bind(filter.limit.unwrap_or(i64::MAX));
        let query = if trigram { query.bind(format!("\"{}\"", typed.replace('"', "\"\""))) } else { query };
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(|row| entry_of(row, &today)).collect()
    }

    /// How many entries of `kind` are in each state, and how many of the
    /// live ones are past their valid-until date: (state, count) and the
    /// expired count.
    pub async fn registry_counts(
        &self,
        agency: &str,
        kind: &str,
    ) -> Result<(Vec<(String, i64)>, i64), StoreError> {
        let today = self.today(agency).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT state, COUNT(*) AS n,
                    CAST(SUM(CASE WHEN state <> '{REVOKED}' AND valid_until IS NOT NULL AND valid_until < $3
                             THEN 1 ELSE 0 END) AS BIGINT) AS expired
             FROM registry_entries WHERE agency_id = $1 AND kind = $2 GROUP BY state"
        )))
        .bind(agency)
        .bind(kind)
        .bind(&today)
        .fetch_all(&self.pool)
        .await?;
        let mut states = Vec::new();
        let mut expired = 0;
        for r in &rows {
            states.push((r.try_get("state")?, r.try_get("n")?));
            expired += r.try_get::<i64, _>("expired")?;
        }
        Ok((states, expired))
    }

    /// One entry of `agency` with its history, oldest first.
    pub async fn registry_entry(
        &self,
        agency: &str,
        id: &str,
    ) -> Result<Option<(Entry, Vec<HistoryRow>)>, StoreError> {
        let row =
            sqlx::query(sqlx::AssertSqlSafe(format!("{ENTRY_SELECT} WHERE r.agency_id = $1 AND r.id = $2")))
                .bind(agency)
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        let Some(row) = row else { return Ok(None) };
        let entry = entry_of(&row, &self.today(agency).await?)?;
        let history = sqlx::query(
            "SELECT h.at, p.name, h.state, h.reason FROM registry_history h JOIN people p ON p.id = h.by_person
             WHERE h.entry_id = $1 ORDER BY h.seq",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| {
            Ok(HistoryRow {
                at: r.try_get("at")?,
                by: r.try_get("name")?,
                state: r.try_get("state")?,
                reason: r.try_get("reason")?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some((entry, history)))
    }

    /// Whether `person` may suspend, reactivate or revoke entries of `kind`:
    /// an administrator of `agency`, the holder of a position that keeps
    /// every registry, or someone who may act today in the step that fills
    /// that registry in the newest version of one of its SOPs (that step's
    /// positions, Plt/Plh included). Who keeps which registry follows the
    /// SOPs, so a server-room officer keeps the access list and not the VPN
    /// accounts.
    pub async fn keeps_registry(&self, agency: &str, kind: &str, person: &str) -> Result<bool, StoreError> {
        self.keeps(agency, Some(kind), person).await
    }

    /// Whether `person` keeps any of `agency`'s records — its registries and
    /// visitor log — which opens them to read: an administrator, the holder
    /// of a position that keeps every registry, or someone who may act today
    /// in a step that fills, revokes or reviews registry entries or escorts
    /// visitors.
    pub async fn keeps_records(&self, agency: &str, person: &str) -> Result<bool, StoreError> {
        self.keeps(agency, None, person).await
    }

    /// See [`Store::keeps_registry`] (`Some(kind)`: who creates its entries)
    /// and [`Store::keeps_records`] (`None`: who records anything).
    async fn keeps(&self, agency: &str, kind: Option<&str>, person: &str) -> Result<bool, StoreError> {
        let admin = sqlx::query("SELECT is_admin FROM accounts WHERE agency_id = $1 AND person_id = $2")
            .bind(agency)
            .bind(person)
            .fetch_optional(&self.hot)
            .await?;
        if let Some(row) = admin {
            if row.try_get::<i64, _>("is_admin")? != 0 {
                return Ok(true);
            }
        }
        let org = self.cached_organisation(agency).await?;
        let today = Timestamp::now().to_zoned(self.cached_calendar(agency).await?.zone.clone()).date();
        if org.may(person, engine::organisation::PositionRight::KeepsRegistry, today) {
            return Ok(true);
        }
        for sop in self.newest_sops(agency).await? {
            let steps: Vec<u32> = match kind {
                Some(kind) => sop
                    .registry
                    .iter()
                    .filter(|r| r.kind.key() == kind && r.action == RegistryAction::Create)
                    .map(|r| r.step)
                    .collect(),
                None => sop
                    .registry
                    .iter()
                    .map(|r| r.step)
                    .chain(sop.visit.iter().map(|v| v.escort_step))
                    .chain(sop.review.iter().map(|r| r.step))
                    .collect(),
            };
            for step in steps {
                // A requester's lane is whoever asked, not a keeper.
                let Some(step) = sop.step(step).filter(|s| sop.lane(&s.lane).is_some_and(|l| !l.requester))
                else {
                    continue;
                };
                if org.candidates(sop.step_positions(step), today).iter().any(|c| c.person == person) {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    /// Refuses `person` a change of entry `id` of a registry they do not keep.
    async fn require_keeper(&self, agency: &str, id: &str, person: &str) -> Result<(), StoreError> {
        let row = sqlx::query("SELECT kind FROM registry_entries WHERE agency_id = $1 AND id = $2")
            .bind(agency)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound("entri registri".into()))?;
        let kind: String = row.try_get("kind")?;
        if self.keeps_registry(agency, &kind, person).await? {
            return Ok(());
        }
        let kind =
            self.registry_kind(agency, &kind).await?.unwrap_or_else(|| RegistryKind::undeclared(&kind));
        Err(StoreError::NotPermitted(format!(
            "{} hanya diubah oleh petugas yang mengisinya dan administrator",
            kind.label().to_lowercase()
        )))
    }

    /// `by` suspends, reactivates or revokes an entry, giving the reason.
    pub async fn change_entry_state(
        &self,
        agency: &str,
        id: &str,
        by: &str,
        new_state: &str,
        reason: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        self.require_keeper(agency, id, by).await?;
        let reason = reason.trim();
        let Some(new_state) = EntryState::parse(new_state) else {
            return Err(StoreError::invalid("status", "Status", choose_a_state()));
        };
        if reason.is_empty() {
            return Err(StoreError::invalid("alasan", "Alasan", "wajib diisi"));
        }
        if reason.chars().count() > REASON_MAX_CHARS {
            return Err(StoreError::invalid(
                "alasan",
                "Alasan",
                format!("paling banyak {REASON_MAX_CHARS} karakter"),
            ));
        }
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let row = sqlx::query(
                "SELECT state, kind, name FROM registry_entries WHERE agency_id = $1 AND id = $2",
            )
            .bind(agency)
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or_else(|| StoreError::NotFound("entri registri".into()))?;
            let current = stored_state(&row)?;
            if current == EntryState::Revoked {
                return Err(StoreError::not_now("entri sudah dicabut dan tidak dapat diubah lagi"));
            }
            if current == new_state {
                return Err(StoreError::not_now(format!("entri sudah berstatus {current}")));
            }
            if new_state == EntryState::Active {
                // Reactivating must not clash with a name given out again since.
                let (kind, name): (String, String) = (row.try_get("kind")?, row.try_get("name")?);
                let clash = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "SELECT 1 FROM registry_entries WHERE agency_id = $1 AND kind = $2 AND name = $3
                     AND state <> '{REVOKED}' AND id <> $4"
                )))
                .bind(agency)
                .bind(&kind)
                .bind(&name)
                .bind(id)
                .fetch_optional(&mut **tx)
                .await?;
                if clash.is_some() {
                    return Err(StoreError::invalid(
                        "status",
                        "Status",
                        format!("{name} sudah dipakai entri lain"),
                    ));
                }
            }
            sqlx::query("UPDATE registry_entries SET state = $1, updated_at = $2 WHERE id = $3")
                .bind(new_state.key())
                .bind(at)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            add_history(tx, id, at, by, new_state, reason).await?;
            crate::provisioning::queue_undo(tx, id, crate::provisioning::undo_for(new_state), Some(by), at)
                .await?;
            crate::record_event::append(
                tx,
                crate::record_event::Owner::Agency(agency),
                Some(by),
                crate::record_event::Change::RegistryStateChanged {
                    entry: id.into(),
                    from: current.key().into(),
                    to: new_state.key().into(),
                    reason: reason.into(),
                },
                at,
            )
            .await?;
            Ok(())
        }
        .await;
        write.finish(result).await
    }

    /// Today's date in `agency`'s zone, as `YYYY-MM-DD`.
    async fn today(&self, agency: &str) -> Result<String, StoreError> {
        let zone = self.calendar(agency).await?.zone;
        Ok(Timestamp::now().to_zoned(zone).date().to_string())
    }
}

/// Revokes the live entry named `name`, for the removal request `state`.
async fn revoke_by_name(
    tx: &mut WriteTx,
    registry: &Registry,
    label: &str,
    name: &str,
    state: &CaseState,
    by: &str,
    at: i64,
) -> Result<(), StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM registry_entries WHERE agency_id = $1 AND kind = $2 AND name = $3 AND state <> '{REVOKED}'"
    )))
    .bind(&state.agency)
    .bind(registry.kind.key())
    .bind(name)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or_else(|| {
        StoreError::invalid(&registry.key, label, format!("{name} tidak ada di {} yang berlaku", registry.kind.label().to_lowercase()))
    })?;
    let id: String = row.try_get("id")?;
    note_on_entry(
        tx,
        &id,
        by,
        Some(EntryState::Revoked),
        &format!("dicabut melalui permohonan {}", state.number),
        at,
    )
    .await
}

/// Notes `reason` in an entry's history, moving it to `new_state` when given.
pub(crate) async fn note_on_entry(
    tx: &mut WriteTx,
    entry: &str,
    by: &str,
    new_state: Option<EntryState>,
    reason: &str,
    at: i64,
) -> Result<(), StoreError> {
    if let Some(state) = new_state {
        sqlx::query("UPDATE registry_entries SET state = $1, updated_at = $2 WHERE id = $3")
            .bind(state.key())
            .bind(at)
            .bind(entry)
            .execute(&mut **tx)
            .await?;
        crate::provisioning::queue_undo(tx, entry, crate::provisioning::undo_for(state), Some(by), at)
            .await?;
    }
    let row = sqlx::query("SELECT state FROM registry_entries WHERE id = $1")
        .bind(entry)
        .fetch_one(&mut **tx)
        .await?;
    add_history(tx, entry, at, by, stored_state(&row)?, reason).await
}

async fn add_history(
    tx: &mut WriteTx,
    entry: &str,
    at: i64,
    by: &str,
    state: EntryState,
    reason: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO registry_history (entry_id, seq, at, by_person, state, reason)
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM registry_history WHERE entry_id = $1), $2, $3, $4, $5)",
    )
    .bind(entry)
    .bind(at)
    .bind(by)
    .bind(state.key())
    .bind(reason)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The `state` column of a row, which only ever holds a state's key.
pub(crate) fn stored_state(row: &sqlx::any::AnyRow) -> Result<EntryState, StoreError> {
    let key: String = row.try_get("state")?;
    EntryState::parse(&key).ok_or_else(|| StoreError::Corrupt(format!("status entri registri \"{key}\"")))
}

fn entry_of(row: &sqlx::any::AnyRow, today: &str) -> Result<Entry, StoreError> {
    let kind: String = row.try_get("kind")?;
    let details: String = row.try_get("details")?;
    let valid_until: Option<String> = row.try_get("valid_until")?;
    let state = stored_state(row)?;
    Ok(Entry {
        id: row.try_get("id")?,
        kind,
        name: row.try_get("name")?,
        case_id: row.try_get("case_id")?,
        case_number: row.try_get("number")?,
        unit: row.try_get("unit")?,
        responsible: row.try_get("responsible")?,
        expired: state != EntryState::Revoked && valid_until.as_deref().is_some_and(|d| d < today),
        unreviewed: state != EntryState::Revoked
            && row.try_get::<Option<String>, _>("last_review")?.as_deref()
                == Some(crate::review::ReviewDecision::Unreviewed.key()),
        valid_until,
        details: serde_json::from_str(&details).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        state,
        created_by: row.try_get("created_by")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}
