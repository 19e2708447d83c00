//! Agencies — their profile and their structure (units, and the positions
//! people hold, with whom each reports to and what it may do) — their
//! people, and who holds which position when. Every read is scoped to one
//! agency; every change is checked field by field first (a refusal writes
//! nothing) and recorded in the audit chain with whoever made it.

use std::collections::BTreeSet;

use engine::Organisation;
use engine::form::FieldError;
use engine::organisation::{ActingKind, Holding, Person, Position, PositionRight};
use sop::FieldProblem;
pub use sop::organisation::Unit;
use sop::organisation::{UnitKind, check_position, check_unit};
use sqlx::Row;

use crate::record_event::{Change, Owner, append, now};
use crate::{Store, StoreError, WriteTx, new_id};

/// Longest name of a person.
pub const MAX_PERSON_NAME_CHARS: usize = 200;

/// A new id for a person of `agency`: the agency's id and 48 random bits.
pub fn new_person_id(agency: &str) -> String {
    format!("{agency}-{}", &uuid::Uuid::now_v7().simple().to_string()[20..])
}

/// A holding as the organisation editor lists it: with its row's id, by
/// which it is ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedHolding {
    pub id: String,
    pub holding: Holding,
}

/// What a write of an agency does with what the database already holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Install {
    /// The given profile, units and positions replace what is there (a
    /// file kept in git, an administrator's edit): changed rows are
    /// updated, the others left (and not recorded).
    Replace,
    /// Only what is absent is added; whatever is there — perhaps edited by
    /// an administrator since — stays (the built-in demo agencies).
    Fill,
}

#[derive(sqlx::FromRow)]
struct PositionRow {
    id: String,
    name: String,
    unit_id: Option<String>,
    reports_to: Option<String>,
    rights: String,
    pemda: i64,
}

impl PositionRow {
    fn position(self) -> Result<Position, StoreError> {
        let codes: Vec<String> = serde_json::from_str(&self.rights)
            .map_err(|e| StoreError::Corrupt(format!("hak jabatan {}: {e}", self.id)))?;
        let rights = codes
            .iter()
            .map(|c| PositionRight::parse(c).ok_or_else(|| StoreError::Corrupt(format!("hak jabatan {c}"))))
            .collect::<Result<BTreeSet<_>, _>>()?;
        Ok(Position {
            id: self.id,
            name: self.name,
            unit: self.unit_id,
            reports_to: self.reports_to,
            rights,
            pemda: self.pemda != 0,
        })
    }
}

#[derive(sqlx::FromRow)]
struct UnitRow {
    id: String,
    name: String,
    kind: String,
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: String,
    name: String,
    nip: Option<String>,
    unit_id: String,
}

#[derive(sqlx::FromRow)]
struct HoldingRow {
    id: String,
    person_id: String,
    position: String,
    from_date: String,
    until_date: Option<String>,
    acting: Option<String>,
    acting_for: Option<String>,
}

impl HoldingRow {
    fn listed(self) -> Result<ListedHolding, StoreError> {
        let date = |s: String| s.parse().map_err(|_| StoreError::Corrupt(format!("tanggal jabatan {s}")));
        Ok(ListedHolding {
            id: self.id,
            holding: Holding {
                person: self.person_id,
                position: self.position,
                from: date(self.from_date)?,
                until: self.until_date.map(date).transpose()?,
                acting: self
                    .acting
                    .as_deref()
                    .and_then(ActingKind::parse)
                    .map(|kind| (kind, self.acting_for)),
            },
        })
    }
}

/// The store's refusal of the fields in `problems`.
pub(crate) fn refused(problems: Vec<FieldProblem>) -> StoreError {
    StoreError::Engine(engine::EngineError::Invalid(
        problems.into_iter().map(|p| FieldError::new(p.field, p.label, p.message)).collect(),
    ))
}

fn rights_json(rights: &BTreeSet<PositionRight>) -> String {
    serde_json::to_string(&rights.iter().map(|r| r.code()).collect::<Vec<_>>()).expect("codes serialise")
}

fn agency_saved(agency: &sop::Agency) -> Change {
    Change::AgencySaved {
        agency: agency.id.clone(),
        government: agency.government.clone(),
        name: agency.name.clone(),
        address: agency.address.clone(),
        timezone: agency.timezone.clone(),
        letterhead: agency.letterhead.clone(),
        letters: Box::new(agency.letters.clone()),
        domain: agency.domain.clone(),
        mail_domain: agency.mail_domain.clone(),
        retention_days: agency.retention_days,
    }
}

fn position_saved(position: &Position) -> Change {
    Change::PositionSaved {
        position: position.id.clone(),
        name: position.name.clone(),
        unit: position.unit.clone(),
        reports_to: position.reports_to.clone(),
        rights: position.rights.clone(),
        pemda: position.pemda,
    }
}

/// Writes one unit inside `tx`, refusing an id another agency uses.
async fn write_unit(
    tx: &mut WriteTx,
    agency: &str,
    unit: &Unit,
    install: Install,
    by: Option<&str>,
    at: i64,
) -> Result<(), StoreError> {
    let owner: Option<String> = sqlx::query_scalar("SELECT agency_id FROM units WHERE id = $1")
        .bind(&unit.id)
        .fetch_optional(&mut **tx)
        .await?;
    if owner.as_deref().is_some_and(|o| o != agency) {
        return Err(StoreError::invalid(
            "id",
            "Kode unit",
            format!("\"{}\" sudah dipakai instansi lain; pilih kode lain", unit.id),
        ));
    }
    let sql = match install {
        Install::Replace => {
            "INSERT INTO units (id, agency_id, name, kind) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET name = $3, kind = $4
             WHERE units.agency_id = $2 AND (units.name <> $3 OR units.kind <> $4)"
        }
        Install::Fill => {
            "INSERT INTO units (id, agency_id, name, kind) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING"
        }
    };
    let changed = sqlx::query(sql)
        .bind(&unit.id)
        .bind(agency)
        .bind(&unit.name)
        .bind(unit.kind.code())
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if changed > 0 {
        let change = Change::UnitSaved {
            unit: unit.id.clone(),
            name: unit.name.clone(),
            kind: unit.kind.code().into(),
        };
        append(tx, Owner::Agency(agency), by, change, at).await?;
    }
    Ok(())
}

/// Writes one position inside `tx`.
async fn write_position(
    tx: &mut WriteTx,
    agency: &str,
    position: &Position,
    install: Install,
    by: Option<&str>,
    at: i64,
) -> Result<(), StoreError> {
    let sql = match install {
        Install::Replace => {
            "INSERT INTO positions (agency_id, id, name, unit_id, reports_to, rights, pemda)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (agency_id, id) DO UPDATE SET name = $3, unit_id = $4, reports_to = $5, rights = $6, pemda = $7
             WHERE positions.name <> $3 OR COALESCE(positions.unit_id, '') <> COALESCE($4, '')
                OR COALESCE(positions.reports_to, '') <> COALESCE($5, '') OR positions.rights <> $6
                OR positions.pemda <> $7"
        }
        Install::Fill => {
            "INSERT INTO positions (agency_id, id, name, unit_id, reports_to, rights, pemda)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (agency_id, id) DO NOTHING"
        }
    };
    let changed = sqlx::query(sql)
        .bind(agency)
        .bind(&position.id)
        .bind(&position.name)
        .bind(position.unit.as_deref())
        .bind(position.reports_to.as_deref())
        .bind(rights_json(&position.rights))
        .bind(i64::from(position.pemda))
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if changed > 0 {
        append(tx, Owner::Agency(agency), by, position_saved(position), at).await?;
    }
    Ok(())
}

impl Store {
    /// Creates an agency from its profile (and the units and positions it
    /// declares, if any), with the national calendar. Refused, field by
    /// field, if anything is wrong or its id is taken.
    pub async fn create_agency(&self, agency: &sop::Agency, by: Option<&str>) -> Result<(), StoreError> {
        check_agency(agency)?;
        if self.agency_exists(&agency.id).await? {
            return Err(StoreError::invalid(
                "id",
                "Kode instansi",
                format!("instansi \"{}\" sudah ada; pilih kode lain", agency.id),
            ));
        }
        self.write_agency(agency, Install::Replace, by).await?;
        self.seed_national_calendar(&agency.id).await
    }

    /// Changes an existing agency's profile (and the units and positions it
    /// carries: those of [`Store::agency`] stay as they are).
    pub async fn update_agency(&self, agency: &sop::Agency, by: Option<&str>) -> Result<(), StoreError> {
        check_agency(agency)?;
        if !self.agency_exists(&agency.id).await? {
            return Err(StoreError::NotFound(format!("instansi {}", agency.id)));
        }
        self.write_agency(agency, Install::Replace, by).await
    }

    /// Installs an agency from a file that is kept elsewhere (in git, under
    /// `--sop-dir`): creates it if new, otherwise its profile, units and
    /// positions become what the file says (positions the file does not
    /// name stay). Only what changed is recorded, so installing the same
    /// file again records nothing.
    pub async fn install_agency(&self, agency: &sop::Agency) -> Result<(), StoreError> {
        check_agency(agency)?;
        self.write_agency(agency, Install::Replace, None).await?;
        self.seed_national_calendar(&agency.id).await
    }

    /// Adds what an agency's file declares and the database lacks — the
    /// agency itself, units, positions — leaving whatever is there as it
    /// is, however an administrator has edited it (the built-in agencies,
    /// installed at every start).
    pub async fn seed_agency(&self, agency: &sop::Agency) -> Result<(), StoreError> {
        check_agency(agency)?;
        self.write_agency(agency, Install::Fill, None).await?;
        self.seed_national_calendar(&agency.id).await
    }

    async fn agency_exists(&self, id: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query("SELECT 1 FROM agencies WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .is_some())
    }

    async fn write_agency(
        &self,
        agency: &sop::Agency,
        install: Install,
        by: Option<&str>,
    ) -> Result<(), StoreError> {
        let letterhead = serde_json::to_string(&agency.letterhead).expect("strings serialise");
        let letters = serde_json::to_string(&agency.letters).expect("settings serialise");
        let sql = match install {
            Install::Replace => {
                "INSERT INTO agencies (id, government, name, address, timezone, letterhead, letters, domain, mail_domain,
                     retention_days)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (id) DO UPDATE SET government = $2, name = $3, address = $4, timezone = $5,
                     letterhead = $6, letters = $7, domain = $8, mail_domain = $9, retention_days = $10
                 WHERE agencies.government <> $2 OR agencies.name <> $3 OR agencies.address <> $4
                    OR agencies.timezone <> $5 OR agencies.letterhead <> $6 OR agencies.letters <> $7
                    OR agencies.domain <> $8 OR agencies.mail_domain <> $9 OR agencies.retention_days <> $10"
            }
            Install::Fill => {
                "INSERT INTO agencies (id, government, name, address, timezone, letterhead, letters, domain, mail_domain,
                     retention_days)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING"
            }
        };
        let at = now();
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let changed = sqlx::query(sql)
                .bind(&agency.id)
                .bind(&agency.government)
                .bind(&agency.name)
                .bind(&agency.address)
                .bind(&agency.timezone)
                .bind(&letterhead)
                .bind(&letters)
                .bind(&agency.domain)
                .bind(&agency.mail_domain)
                .bind(i64::from(agency.retention_days))
                .execute(&mut **tx)
                .await?
                .rows_affected();
            if changed > 0 {
                append(tx, Owner::Agency(&agency.id), by, agency_saved(agency), at).await?;
            }
            for unit in &agency.units {
                write_unit(tx, &agency.id, unit, install, by, at).await?;
            }
            for position in &agency.positions {
                write_position(tx, &agency.id, position, install, by, at).await?;
            }
            Ok(())
        }
        .await;
        write.finish(result).await?;
        self.agency_changed(&agency.id).await
    }

    /// Every agency's profile and structure, by id.
    pub async fn agencies(&self) -> Result<Vec<sop::Agency>, StoreError> {
        let ids: Vec<String> =
            sqlx::query_scalar("SELECT id FROM agencies ORDER BY id").fetch_all(&self.pool).await?;
        let mut agencies = Vec::with_capacity(ids.len());
        for id in ids {
            agencies.push(self.agency(&id).await?);
        }
        Ok(agencies)
    }

    /// An agency's profile with its units and positions (kept in memory;
    /// see `agency_cache`).
    pub async fn agency(&self, id: &str) -> Result<sop::Agency, StoreError> {
        Ok((*self.cached_agency(id).await?).clone())
    }

    pub(crate) async fn load_agency(&self, id: &str) -> Result<sop::Agency, StoreError> {
        let row = sqlx::query(
            "SELECT id, government, name, address, timezone, letterhead, letters, domain, mail_domain, retention_days
             FROM agencies WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("instansi {id}")))?;
        let letterhead: String = row.try_get("letterhead")?;
        let letters: String = row.try_get("letters")?;
        let corrupt = |e: serde_json::Error| StoreError::Corrupt(e.to_string());
        Ok(sop::Agency {
            id: row.try_get("id")?,
            government: row.try_get("government")?,
            name: row.try_get("name")?,
            address: row.try_get("address")?,
            timezone: row.try_get("timezone")?,
            letterhead: serde_json::from_str(&letterhead).map_err(corrupt)?,
            letters: serde_json::from_str(&letters).map_err(corrupt)?,
            domain: row.try_get("domain")?,
            mail_domain: row.try_get("mail_domain")?,
            retention_days: u32::try_from(row.try_get::<i64, _>("retention_days")?).unwrap_or(365),
            units: self.units(id).await?,
            positions: self.positions(id).await?,
            file: String::new(),
        })
    }

    /// Adds or changes a unit of `agency`. Refused if a field is wrong or
    /// another agency uses its id; an unchanged unit is left (and recorded)
    /// alone.
    pub async fn put_unit(&self, agency: &str, unit: &Unit, by: Option<&str>) -> Result<(), StoreError> {
        let problems = check_unit(unit);
        if !problems.is_empty() {
            return Err(refused(problems));
        }
        let mut write = self.write().await?;
        let result = write_unit(write.tx(), agency, unit, Install::Replace, by, now()).await;
        write.finish(result).await?;
        self.agency_changed(agency).await
    }

    /// Adds or changes a position of `agency`: its unit and superior must
    /// be the agency's, its chain of superiors must end.
    pub async fn put_position(
        &self,
        agency: &str,
        position: &Position,
        by: Option<&str>,
    ) -> Result<(), StoreError> {
        let problems = check_position(position, &self.units(agency).await?, &self.positions(agency).await?);
        if !problems.is_empty() {
            return Err(refused(problems));
        }
        let mut write = self.write().await?;
        let result = write_position(write.tx(), agency, position, Install::Replace, by, now()).await;
        write.finish(result).await?;
        self.agency_changed(agency).await
    }
    /// What is wrong with `person` as a person of `agency`: a name, a NIP of
    /// 18 digits when given, one of the agency's units. Nothing is written.
    pub async fn person_problems(
        &self,
        agency: &str,
        person: &Person,
    ) -> Result<Vec<FieldProblem>, StoreError> {
        let mut problems = Vec::new();
        if person.name.trim().is_empty() {
            problems.push(FieldProblem::new("name", "Nama", "wajib diisi"));
        } else if person.name.chars().count() > MAX_PERSON_NAME_CHARS {
            problems.push(FieldProblem::new(
                "name",
                "Nama",
                format!("paling banyak {MAX_PERSON_NAME_CHARS} karakter"),
            ));
        }
        if let Some(nip) = &person.nip {
            if nip.len() != 18 || !nip.chars().all(|c| c.is_ascii_digit()) {
                problems.push(FieldProblem::new("nip", "NIP", format!("\"{nip}\" harus 18 angka")));
            }
        }
        if !self.units(agency).await?.iter().any(|u| u.id == person.unit) {
            problems.push(FieldProblem::new("unit", "Unit", "pilih unit instansi ini"));
        }
        Ok(problems)
    }

    /// Adds or changes a person of `agency`: a name, an 18-digit NIP if
    /// any, and a unit of the agency. An unchanged person is left (and
    /// recorded) alone; a person of another agency is not touched.
    pub async fn put_person(
        &self,
        agency: &str,
        person: &Person,
        by: Option<&str>,
    ) -> Result<(), StoreError> {
        let problems = self.person_problems(agency, person).await?;
        let owner: Option<String> = sqlx::query_scalar("SELECT agency_id FROM people WHERE id = $1")
            .bind(&person.id)
            .fetch_optional(&self.pool)
            .await?;
        if owner.as_deref().is_some_and(|o| o != agency) {
            return Err(StoreError::NotPermitted(format!("pegawai {} milik instansi lain", person.id)));
        }
        if !problems.is_empty() {
            return Err(refused(problems));
        }
        let upsert = sqlx::query(
            "INSERT INTO people (id, agency_id, name, nip, unit_id) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET name = $3, nip = $4, unit_id = $5
             WHERE people.agency_id = $2 AND (people.name <> $3 OR COALESCE(people.nip, '') <> COALESCE($4, '')
                OR people.unit_id <> $5)",
        )
        .bind(&person.id)
        .bind(agency)
        .bind(&person.name)
        .bind(person.nip.as_deref())
        .bind(&person.unit);
        let change = Change::PersonSaved {
            person: person.id.clone(),
            name: person.name.clone(),
            nip: person.nip.clone(),
            unit: person.unit.clone(),
        };
        self.write_recorded(upsert, Owner::Agency(agency), by, change, now()).await?;
        self.agency_changed(agency).await
    }

    /// Records that a person holds a position of the agency's list (or
    /// acts in it) from a date; `by`: the administrator who says so
    /// (`None`: the operator or the installation). Refused unless the
    /// person, the position and whom an acting official stands in for are
    /// the agency's, and the dates are in order. Answers the holding's id,
    /// by which it is ended.
    pub async fn add_holding(
        &self,
        agency: &str,
        holding: &Holding,
        by: Option<&str>,
    ) -> Result<String, StoreError> {
        let org = self.organisation(agency).await?;
        let mut problems = Vec::new();
        if org.person(&holding.person).is_none() {
            problems.push(FieldProblem::new("person", "Pegawai", "pilih pegawai instansi ini"));
        }
        if org.position(&holding.position).is_none() {
            problems.push(FieldProblem::new(
                "position",
                "Jabatan",
                format!(
                    "\"{}\" tidak ada dalam daftar jabatan instansi ini; pilih dari daftar",
                    holding.position
                ),
            ));
        }
        if holding.until.is_some_and(|until| until < holding.from) {
            problems.push(FieldProblem::new("until", "Sampai", "tanggal akhir sebelum tanggal mulai"));
        }
        let acting_for = holding.acting.as_ref().and_then(|(_, holder)| holder.clone());
        if let Some(holder) = &acting_for {
            if org.person(holder).is_none() {
                problems.push(FieldProblem::new("acting_for", "Mewakili", "pilih pegawai instansi ini"));
            } else if holder == &holding.person {
                problems.push(FieldProblem::new(
                    "acting_for",
                    "Mewakili",
                    "pejabat tidak mewakili dirinya sendiri",
                ));
            }
        }
        if !problems.is_empty() {
            return Err(refused(problems));
        }
        let acting = holding.acting.as_ref().map(|(kind, _)| kind.key());
        let id = new_id();
        let insert = sqlx::query(
            "INSERT INTO holdings (id, agency_id, person_id, position, from_date, until_date, acting, acting_for)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(agency)
        .bind(&holding.person)
        .bind(&holding.position)
        .bind(holding.from.to_string())
        .bind(holding.until.map(|d| d.to_string()))
        .bind(acting)
        .bind(acting_for.clone());
        let change = Change::HoldingAdded {
            person: holding.person.clone(),
            position: holding.position.clone(),
            from: holding.from.to_string(),
            until: holding.until.map(|d| d.to_string()),
            acting: acting.map(str::to_string),
            acting_for,
        };
        self.write_recorded(insert, Owner::Agency(agency), by, change, now()).await?;
        self.agency_changed(agency).await?;
        Ok(id)
    }

    /// Ends the holding `id` of `agency` on `until` (its last day): someone
    /// leaves the position, or an acting period is cut short.
    pub async fn end_holding(
        &self,
        agency: &str,
        id: &str,
        until: jiff::civil::Date,
        by: Option<&str>,
    ) -> Result<(), StoreError> {
        let listed = self
            .listed_holdings(agency)
            .await?
            .into_iter()
            .find(|h| h.id == id)
            .ok_or_else(|| StoreError::NotFound("penugasan jabatan".into()))?;
        if until < listed.holding.from {
            return Err(StoreError::invalid("until", "Sampai", "tanggal akhir sebelum tanggal mulai"));
        }
        let update = sqlx::query(
            "UPDATE holdings SET until_date = $3 WHERE agency_id = $1 AND id = $2
             AND COALESCE(until_date, '') <> $3",
        )
        .bind(agency)
        .bind(id)
        .bind(until.to_string());
        let change = Change::HoldingEnded {
            holding: id.to_string(),
            person: listed.holding.person,
            position: listed.holding.position,
            until: until.to_string(),
        };
        self.write_recorded(update, Owner::Agency(agency), by, change, now()).await?;
        self.agency_changed(agency).await
    }

    /// Every holding of `agency`, oldest first, with the ids that end them.
    pub async fn listed_holdings(&self, agency: &str) -> Result<Vec<ListedHolding>, StoreError> {
        sqlx::query_as::<_, HoldingRow>(
            "SELECT id, person_id, position, from_date, until_date, acting, acting_for
             FROM holdings WHERE agency_id = $1 ORDER BY from_date, id",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(HoldingRow::listed)
        .collect()
    }

    /// Gives every position that holdings name but the agency's list lacks
    /// (holdings made before positions were data) a place in the list,
    /// named by its id and without rights, for an administrator to name.
    /// Returns how many were added.
    pub async fn adopt_held_positions(&self) -> Result<usize, StoreError> {
        let missing: Vec<(String, String)> = sqlx::query_as(
            "SELECT DISTINCT h.agency_id, h.position FROM holdings h
             WHERE NOT EXISTS (SELECT 1 FROM positions p WHERE p.agency_id = h.agency_id AND p.id = h.position)
             ORDER BY h.agency_id, h.position",
        )
        .fetch_all(&self.pool)
        .await?;
        for (agency, id) in &missing {
            let position = Position {
                id: id.clone(),
                name: id.clone(),
                unit: None,
                reports_to: None,
                rights: BTreeSet::new(),
                pemda: false,
            };
            let mut write = self.write().await?;
            let result = write_position(write.tx(), agency, &position, Install::Fill, None, now()).await;
            write.finish(result).await?;
            self.agency_changed(agency).await?;
        }
        Ok(missing.len())
    }

    /// The whole organisation of one agency, as the engine needs it.
    pub async fn organisation(&self, agency: &str) -> Result<Organisation, StoreError> {
        Ok((*self.cached_organisation(agency).await?).clone())
    }

    pub(crate) async fn load_organisation(&self, agency: &str) -> Result<Organisation, StoreError> {
        let people = sqlx::query_as::<_, PersonRow>(
            "SELECT id, name, nip, unit_id FROM people WHERE agency_id = $1 ORDER BY id",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|r| Person { id: r.id, name: r.name, nip: r.nip, unit: r.unit_id })
        .collect();
        let holdings = self.listed_holdings(agency).await?.into_iter().map(|h| h.holding).collect();
        Ok(Organisation {
            agency: agency.to_string(),
            positions: self.positions(agency).await?,
            people,
            holdings,
        })
    }

    /// The agency's units, its own divisions first, by name.
    pub async fn units(&self, agency: &str) -> Result<Vec<Unit>, StoreError> {
        sqlx::query_as::<_, UnitRow>(
            "SELECT id, name, kind FROM units WHERE agency_id = $1 ORDER BY kind, name",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(|r| {
            let kind = UnitKind::parse(&r.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("jenis unit {}", r.kind)))?;
            Ok(Unit { id: r.id, name: r.name, kind })
        })
        .collect()
    }

    /// The agency's list of positions, by id.
    pub async fn positions(&self, agency: &str) -> Result<Vec<Position>, StoreError> {
        sqlx::query_as::<_, PositionRow>(
            "SELECT id, name, unit_id, reports_to, rights, pemda FROM positions WHERE agency_id = $1 ORDER BY id",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(PositionRow::position)
        .collect()
    }
}

/// Refuses an agency whose profile or structure has a wrong field.
fn check_agency(agency: &sop::Agency) -> Result<(), StoreError> {
    let mut problems = agency.problems();
    problems.extend(agency.structure_problems().into_iter().map(|(_, _, p)| p));
    if problems.is_empty() { Ok(()) } else { Err(refused(problems)) }
}
