//! Importing an agency's roster from a SIMPEG/SIASN export (read and
//! planned by [`engine::roster`]): a preview that writes nothing, and the
//! import itself in one transaction, bound to the exact file previewed by
//! its SHA-256. New people get their position from today and a login named
//! by their NIP without a password; a changed position ends the old holding
//! so that history is kept; nobody is ever deleted.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use engine::roster::{self, Column, LineError, Member, Plan};
use jiff::civil::Date;

use crate::audit::{self, Entry};
use crate::record_event::{Change, RecordEvent, now, sha256};
use crate::{Store, StoreError, WriteTx, new_id};

/// The password hash of a login that has no password yet: no argon2 hash
/// has this form, so every password is refused until one is set.
pub const NO_PASSWORD: &str = "!";

/// Rows written by one INSERT (a few kilobytes). Larger statements were
/// slower on both backends: 500 rows made 20,000 people take 7–8 s on
/// SQLite and 10–13 s on PostgreSQL, 50 rows 1.6–2.6 s and 4.3–4.7 s
/// (BENCHMARKS.md); on PostgreSQL over TCP a message of tens of kilobytes
/// waits on the network (sqlx does not set `TCP_NODELAY`).
const ROWS_PER_INSERT: usize = 50;

/// What importing a file would do (or did).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterPreview {
    /// Of the file's bytes, to bind the import to the file previewed.
    pub sha256: String,
    /// The plan, or every problem of the file (then nothing is written).
    pub outcome: Result<Plan, Vec<LineError>>,
    /// New people who get a login named by their NIP (the others' NIP is
    /// another login's name already).
    pub new_accounts: usize,
}

impl RosterPreview {
    pub fn plan(&self) -> Option<&Plan> {
        self.outcome.as_ref().ok()
    }
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: String,
    nip: Option<String>,
    name: String,
    title: Option<String>,
    unit_id: String,
    email: Option<String>,
    phone: Option<String>,
}

#[derive(sqlx::FromRow)]
struct OpenHolding {
    id: String,
    person_id: String,
    position: String,
    from_date: String,
}

/// The agency's people and the holdings they have today (not acting).
async fn current(
    tx: &mut WriteTx,
    agency: &str,
    today: Date,
) -> Result<(Vec<Member>, Vec<OpenHolding>), StoreError> {
    let today = today.to_string();
    let holdings = sqlx::query_as::<_, OpenHolding>(
        "SELECT id, person_id, position, from_date FROM holdings
         WHERE agency_id = $1 AND acting IS NULL AND from_date <= $2 AND (until_date IS NULL OR until_date >= $2)
         ORDER BY from_date, id",
    )
    .bind(agency)
    .bind(&today)
    .fetch_all(&mut **tx)
    .await?;
    let mut positions: HashMap<&str, Vec<String>> = HashMap::new();
    for h in &holdings {
        positions.entry(h.person_id.as_str()).or_default().push(h.position.clone());
    }
    let members = sqlx::query_as::<_, MemberRow>(
        "SELECT id, nip, name, title, unit_id, email, phone FROM people WHERE agency_id = $1 ORDER BY id",
    )
    .bind(agency)
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| Member {
        positions: positions.remove(r.id.as_str()).unwrap_or_default(),
        id: r.id,
        nip: r.nip,
        name: r.name,
        title: r.title,
        unit: r.unit_id,
        email: r.email,
        phone: r.phone,
    })
    .collect();
    Ok((members, holdings))
}

/// Which of `names` are logins already.
async fn taken_usernames(tx: &mut WriteTx, names: &[&str]) -> Result<HashSet<String>, StoreError> {
    let mut taken = HashSet::new();
    for chunk in names.chunks(ROWS_PER_INSERT) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT username FROM accounts WHERE username IN ({})", marks.join(", "));
        let mut query = sqlx::query_scalar::<_, String>(sqlx::AssertSqlSafe(sql));
        for name in chunk {
            query = query.bind(*name);
        }
        taken.extend(query.fetch_all(&mut **tx).await?);
    }
    Ok(taken)
}

/// Inserts `rows` of text values with many rows to a statement; `tail`
/// (literal SQL) closes each row's values.
async fn insert_rows(
    tx: &mut WriteTx,
    head: &str,
    tail: &str,
    rows: &[Vec<Option<String>>],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let mut sql = format!("{head} VALUES ");
        let mut n = 0;
        for (i, row) in chunk.iter().enumerate() {
            sql.push_str(if i == 0 { "(" } else { ", (" });
            for j in 0..row.len() {
                n += 1;
                let _ = write!(sql, "{}${n}", if j == 0 { "" } else { ", " });
            }
            sql.push_str(tail);
            sql.push(')');
        }
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for value in chunk.iter().flatten() {
            query = query.bind(value.as_deref());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The last day of a holding that an import ends today: yesterday, so that
/// no day has both the old position and the new (unless it began today).
fn last_day(from: &str, today: Date) -> String {
    let yesterday = today.yesterday().unwrap_or(today).to_string();
    if yesterday.as_str() < from { from.to_string() } else { yesterday }
}

/// The fingerprint of a roster file, as [`Store::apply_roster`] expects it:
/// a client that had no preview of its own states the file it sends.
pub fn fingerprint(bytes: &[u8]) -> String {
    sha256(bytes)
}

impl Store {
    /// What importing the roster `bytes` into `agency` would change on
    /// `today`; writes nothing.
    pub async fn roster_preview(
        &self,
        agency: &str,
        bytes: &[u8],
        today: Date,
    ) -> Result<RosterPreview, StoreError> {
        let organisation = self.agency(agency).await?;
        let mut tx = WriteTx::from(self.pool.begin().await?);
        let preview = preview_in(&mut tx, &organisation, bytes, today).await?;
        tx.rollback().await?;
        Ok(preview.0)
    }

    /// Imports the roster `bytes` into `agency`, in one transaction, if
    /// they are the file previewed (`sha256`) and have no problem: new
    /// people with their position from `today` and a login without a
    /// password, changed people updated (a changed position ends the old
    /// holding), and — if `end_gone` — the holdings of the agency's people
    /// the file no longer names ended. A file with problems writes nothing
    /// and comes back with them; importing the same file again changes
    /// nothing.
    pub async fn apply_roster(
        &self,
        agency: &str,
        bytes: &[u8],
        expected_sha256: &str,
        today: Date,
        end_gone: bool,
        by: Option<&str>,
    ) -> Result<RosterPreview, StoreError> {
        if sha256(bytes) != expected_sha256 {
            return Err(StoreError::invalid(
                "sha256",
                "Berkas",
                "isinya berbeda dengan berkas yang dipratinjau; unggah berkas itu lagi dan periksa pratinjaunya",
            ));
        }
        let organisation = self.agency(agency).await?;
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let (preview, holdings, taken) = preview_in(tx, &organisation, bytes, today).await?;
            if let Some(plan) = preview.plan() {
                let import = Import { agency, today, end_gone, by };
                write_plan(tx, &import, plan, &holdings, &taken).await?;
            }
            Ok(preview)
        }
        .await;
        let preview = write.finish(result).await?;
        if preview.plan().is_some() {
            self.agency_changed(agency).await?;
        }
        Ok(preview)
    }
}

/// The preview, with the holdings and taken usernames it was made from.
async fn preview_in(
    tx: &mut WriteTx,
    agency: &sop::Agency,
    bytes: &[u8],
    today: Date,
) -> Result<(RosterPreview, Vec<OpenHolding>, HashSet<String>), StoreError> {
    let sha256 = sha256(bytes);
    let roster = match roster::read(bytes, &agency.units, &agency.positions) {
        Ok(roster) => roster,
        Err(errors) => {
            let preview = RosterPreview { sha256, outcome: Err(errors), new_accounts: 0 };
            return Ok((preview, Vec::new(), HashSet::new()));
        }
    };
    let (members, holdings) = current(tx, &agency.id, today).await?;
    let plan = roster::plan(&roster, &members);
    let nips: Vec<&str> = plan.new.iter().map(|e| e.nip.as_str()).collect();
    let taken = taken_usernames(tx, &nips).await?;
    let new_accounts = nips.iter().filter(|n| !taken.contains(**n)).count();
    Ok((RosterPreview { sha256, outcome: Ok(plan), new_accounts }, holdings, taken))
}

/// What an import was asked for, beside its plan.
struct Import<'a> {
    agency: &'a str,
    today: Date,
    /// End the holdings of the people the file no longer names.
    end_gone: bool,
    by: Option<&'a str>,
}

/// Writes `plan`, made from the open `holdings` and the `taken` usernames.
async fn write_plan(
    tx: &mut WriteTx,
    import: &Import<'_>,
    plan: &Plan,
    holdings: &[OpenHolding],
    taken: &HashSet<String>,
) -> Result<(), StoreError> {
    let Import { agency, today, end_gone, by } = *import;
    let from = today.to_string();
    let mut changes: Vec<Change> = Vec::new();
    let mut people = Vec::with_capacity(plan.new.len());
    let mut new_holdings = Vec::with_capacity(plan.new.len() + plan.changed.len());
    let mut accounts = Vec::with_capacity(plan.new.len());
    for entry in &plan.new {
        let person = crate::organisation::new_person_id(agency);
        people.push(vec![
            Some(person.clone()),
            Some(agency.to_string()),
            Some(entry.name.clone()),
            Some(entry.nip.clone()),
            Some(entry.unit.clone()),
            entry.title.clone(),
            entry.email.clone(),
            entry.phone.clone(),
        ]);
        changes.push(Change::PersonSaved {
            person: person.clone(),
            name: entry.name.clone(),
            nip: Some(entry.nip.clone()),
            unit: entry.unit.clone(),
        });
        new_holdings.push((person.clone(), entry.position.clone()));
        if !taken.contains(&entry.nip) {
            accounts.push(vec![
                Some(entry.nip.clone()),
                Some(person.clone()),
                Some(agency.to_string()),
                Some(NO_PASSWORD.to_string()),
            ]);
            changes.push(Change::AccountAdded { account: entry.nip.clone(), person, admin: false });
        }
    }
    insert_rows(
        tx,
        "INSERT INTO people (id, agency_id, name, nip, unit_id, title, email, phone)",
        "",
        &people,
    )
    .await?;
    let at = now();
    insert_rows(
        tx,
        "INSERT INTO accounts (username, person_id, agency_id, password_hash, is_admin, created_at)",
        &format!(", 0, {at}"),
        &accounts,
    )
    .await?;
    let mut open: HashMap<(&str, &str), Vec<&OpenHolding>> = HashMap::new();
    for h in holdings {
        open.entry((h.person_id.as_str(), h.position.as_str())).or_default().push(h);
    }
    let mut ended: Vec<(&OpenHolding, String)> = Vec::new();
    for update in &plan.changed {
        let e = &update.entry;
        let has = |column: Column| update.fields.contains(&column);
        // Only what changed is written: a column the file lacks stays.
        sqlx::query(
            "UPDATE people SET name = $3, unit_id = $4,
                 title = CASE WHEN $5 = 1 THEN $6 ELSE title END,
                 email = CASE WHEN $7 = 1 THEN $8 ELSE email END,
                 phone = CASE WHEN $9 = 1 THEN $10 ELSE phone END
             WHERE agency_id = $1 AND id = $2",
        )
        .bind(agency)
        .bind(&update.person)
        .bind(&e.name)
        .bind(&e.unit)
        .bind(i64::from(has(Column::Title)))
        .bind(e.title.as_deref())
        .bind(i64::from(has(Column::Email)))
        .bind(e.email.as_deref())
        .bind(i64::from(has(Column::Phone)))
        .bind(e.phone.as_deref())
        .execute(&mut **tx)
        .await?;
        if has(Column::Name) || has(Column::Unit) {
            changes.push(Change::PersonSaved {
                person: update.person.clone(),
                name: e.name.clone(),
                nip: Some(e.nip.clone()),
                unit: e.unit.clone(),
            });
        }
        if has(Column::Position) {
            for position in &update.ending {
                for h in open.get(&(update.person.as_str(), position.as_str())).into_iter().flatten() {
                    ended.push((h, last_day(&h.from_date, today)));
                }
            }
            new_holdings.push((update.person.clone(), e.position.clone()));
        }
    }
    if end_gone {
        let gone: HashSet<&str> = plan.gone.iter().map(|m| m.id.as_str()).collect();
        for h in holdings.iter().filter(|h| gone.contains(h.person_id.as_str())) {
            ended.push((h, last_day(&h.from_date, today)));
        }
    }
    for (h, until) in &ended {
        sqlx::query("UPDATE holdings SET until_date = $3 WHERE agency_id = $1 AND id = $2")
            .bind(agency)
            .bind(&h.id)
            .bind(until)
            .execute(&mut **tx)
            .await?;
        changes.push(Change::HoldingEnded {
            holding: h.id.clone(),
            person: h.person_id.clone(),
            position: h.position.clone(),
            until: until.clone(),
        });
    }
    let rows: Vec<Vec<Option<String>>> = new_holdings
        .iter()
        .map(|(person, position)| {
            vec![
                Some(new_id()),
                Some(agency.to_string()),
                Some(person.clone()),
                Some(position.clone()),
                Some(from.clone()),
            ]
        })
        .collect();
    insert_rows(tx, "INSERT INTO holdings (id, agency_id, person_id, position, from_date)", "", &rows)
        .await?;
    changes.extend(new_holdings.into_iter().map(|(person, position)| Change::HoldingAdded {
        person,
        position,
        from: from.clone(),
        until: None,
        acting: None,
        acting_for: None,
    }));
    if changes.is_empty() {
        return Ok(());
    }
    sqlx::query(crate::cases::LOCK_CHAIN).execute(&mut **tx).await?;
    let entries = changes
        .into_iter()
        .map(|change| Entry {
            case: String::new(),
            kind: change.kind(),
            at,
            payload: serde_json::to_string(&RecordEvent { change, by: by.map(str::to_string) })
                .expect("changes serialise"),
        })
        .collect();
    audit::append_entries(tx, agency, entries).await?;
    Ok(())
}
