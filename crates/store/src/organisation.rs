//! Agencies, their units, people and who holds which position when. Every
//! read is scoped to one agency.

use engine::Organisation;
use engine::organisation::{ActingKind, Holding, Person};
use sqlx::Row;

use crate::record_event::{Change, Owner};
use crate::{Store, StoreError, new_id};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub id: String,
    pub name: String,
    /// `dinas` for the department's own divisions, `opd` for requesting units.
    pub kind: String,
}

impl Store {
    /// Inserts or updates an agency profile.
    pub async fn put_agency(&self, agency: &sop::Agency) -> Result<(), StoreError> {
        let letterhead = serde_json::to_string(&agency.letterhead).expect("strings serialise");
        let letters = serde_json::to_string(&agency.letters).expect("settings serialise");
        sqlx::query(
            "INSERT INTO agencies (id, government, name, address, timezone, letterhead, letters, domain, mail_domain,
                 retention_days)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (id) DO UPDATE SET government = $2, name = $3, address = $4, timezone = $5,
                 letterhead = $6, letters = $7, domain = $8, mail_domain = $9, retention_days = $10",
        )
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
        .execute(&self.pool)
        .await?;
        self.agency_changed(&agency.id).await
    }

    /// An agency's profile (kept in memory; see `agency_cache`).
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
            file: String::new(),
        })
    }

    /// Inserts or updates a unit; an unchanged unit is left (and recorded) alone.
    pub async fn put_unit(&self, agency: &str, unit: &Unit) -> Result<(), StoreError> {
        let upsert = sqlx::query(
            "INSERT INTO units (id, agency_id, name, kind) VALUES ($1, $2, $3, $4)
             ON CONFLICT (id) DO UPDATE SET name = $3, kind = $4 WHERE units.name <> $3 OR units.kind <> $4",
        )
        .bind(&unit.id)
        .bind(agency)
        .bind(&unit.name)
        .bind(&unit.kind);
        let change =
            Change::UnitSaved { unit: unit.id.clone(), name: unit.name.clone(), kind: unit.kind.clone() };
        self.write_recorded(upsert, Owner::Agency(agency), None, change, crate::record_event::now()).await?;
        self.agency_changed(agency).await
    }

    /// Inserts or updates a person; an unchanged person is left (and recorded) alone.
    pub async fn put_person(&self, agency: &str, person: &Person) -> Result<(), StoreError> {
        let upsert = sqlx::query(
            "INSERT INTO people (id, agency_id, name, nip, unit_id) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (id) DO UPDATE SET name = $3, nip = $4, unit_id = $5
             WHERE people.name <> $3 OR COALESCE(people.nip, '') <> COALESCE($4, '') OR people.unit_id <> $5",
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
        self.write_recorded(upsert, Owner::Agency(agency), None, change, crate::record_event::now()).await?;
        self.agency_changed(agency).await
    }

    /// Records that a person holds a position (or acts in it) from a date;
    /// `by`: the administrator who says so (`None`: the operator or the
    /// installation).
    pub async fn add_holding(
        &self,
        agency: &str,
        holding: &Holding,
        by: Option<&str>,
    ) -> Result<(), StoreError> {
        let (acting, acting_for) = match &holding.acting {
            Some((ActingKind::Plt, holder)) => (Some("plt"), holder.clone()),
            Some((ActingKind::Plh, holder)) => (Some("plh"), holder.clone()),
            None => (None, None),
        };
        let insert = sqlx::query(
            "INSERT INTO holdings (id, agency_id, person_id, position, from_date, until_date, acting, acting_for)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id())
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
        self.write_recorded(insert, Owner::Agency(agency), by, change, crate::record_event::now()).await?;
        self.agency_changed(agency).await
    }

    /// The whole organisation of one agency, as the engine needs it.
    pub async fn organisation(&self, agency: &str) -> Result<Organisation, StoreError> {
        Ok((*self.cached_organisation(agency).await?).clone())
    }

    pub(crate) async fn load_organisation(&self, agency: &str) -> Result<Organisation, StoreError> {
        let people =
            sqlx::query("SELECT id, name, nip, unit_id FROM people WHERE agency_id = $1 ORDER BY id")
                .bind(agency)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|r| {
                    Ok(Person {
                        id: r.try_get("id")?,
                        name: r.try_get("name")?,
                        nip: r.try_get("nip")?,
                        unit: r.try_get("unit_id")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let mut holdings = Vec::new();
        for r in sqlx::query(
            "SELECT person_id, position, from_date, until_date, acting, acting_for FROM holdings WHERE agency_id = $1 ORDER BY from_date, id",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await?
        {
            let date = |s: String| s.parse().map_err(|_| StoreError::Corrupt(format!("tanggal jabatan {s}")));
            let acting: Option<String> = r.try_get("acting")?;
            let acting_for: Option<String> = r.try_get("acting_for")?;
            holdings.push(Holding {
                person: r.try_get("person_id")?,
                position: r.try_get("position")?,
                from: date(r.try_get("from_date")?)?,
                until: r.try_get::<Option<String>, _>("until_date")?.map(date).transpose()?,
                acting: match acting.as_deref() {
                    Some("plt") => Some((ActingKind::Plt, acting_for)),
                    Some("plh") => Some((ActingKind::Plh, acting_for)),
                    _ => None,
                },
            });
        }
        Ok(Organisation { agency: agency.to_string(), people, holdings })
    }

    pub async fn units(&self, agency: &str) -> Result<Vec<Unit>, StoreError> {
        Ok(sqlx::query("SELECT id, name, kind FROM units WHERE agency_id = $1 ORDER BY kind, name")
            .bind(agency)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| Ok(Unit { id: r.try_get("id")?, name: r.try_get("name")?, kind: r.try_get("kind")? }))
            .collect::<Result<Vec<_>, sqlx::Error>>()?)
    }
}
