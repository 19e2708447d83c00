//! Demo data: both seed agencies (profile, units and positions from their
//! `agency.toml`, ordinary data an administrator may edit afterwards) with
//! one (fictitious) person holding each position, an installation
//! administrator, the built-in SOPs published, and the national calendar.
//! Used by `cargo run`, `sopir sop simulate` and the tests. Installing
//! twice changes nothing, and keeps what administrators edited.

use engine::organisation::{Holding, Person};
use jiff::civil::date;
use sqlx::Row;

use crate::{Store, StoreError, Unit};

/// A fictitious person of a demo agency, with a login of the same name.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoPerson {
    pub id: String,
    pub agency: String,
    pub unit: String,
    pub name: String,
    pub nip: String,
    /// The position held; none for the installation administrator.
    #[serde(default)]
    pub position: Option<String>,
    /// Administers their agency in Sopir.
    #[serde(default)]
    pub admin: bool,
    /// Creates and edits agencies across the installation.
    #[serde(default)]
    pub installation_admin: bool,
}

/// The demo people: data (`crates/store/demo-people.toml`), like the
/// agencies' structure they staff, read once.
pub fn people() -> &'static [DemoPerson] {
    #[derive(serde::Deserialize)]
    struct File {
        people: Vec<DemoPerson>,
    }
    static PEOPLE: std::sync::LazyLock<Vec<DemoPerson>> = std::sync::LazyLock::new(|| {
        let file: File = toml::from_str(include_str!("../demo-people.toml"))
            .unwrap_or_else(|e| panic!("crates/store/demo-people.toml: {e}"));
        file.people
    });
    &PEOPLE
}

/// The demo people who hold a position (everyone but the installation
/// administrator), with it.
pub fn position_holders() -> impl Iterator<Item = (&'static DemoPerson, &'static str)> {
    people().iter().filter_map(|p| p.position.as_deref().map(|position| (p, position)))
}

/// Reference data every installation gets: the agency profiles of
/// `catalog` (what they declare and the database lacks; see
/// [`Store::seed_agency`]) with the national calendar, and its SOPs
/// published. Positions that older holdings name join their agency's list.
pub async fn install_reference(store: &Store, catalog: &sop::Catalog, at: i64) -> Result<(), StoreError> {
    for agency in &catalog.agencies {
        store.seed_agency(agency).await?;
    }
    store.adopt_held_positions().await?;
    for sop in &catalog.sops {
        store.publish_sop(&sop.file, &sop.source, at).await?;
    }
    Ok(())
}

/// Installs the reference data, then the demo people holding the
/// agencies' positions, and the installation administrator.
pub async fn install(store: &Store, catalog: &sop::Catalog, at: i64) -> Result<(), StoreError> {
    install_reference(store, catalog, at).await?;
    for p in people() {
        let person =
            Person { id: p.id.clone(), name: p.name.clone(), nip: Some(p.nip.clone()), unit: p.unit.clone() };
        store.put_person(&p.agency, &person, None).await?;
    }
    for (p, position) in position_holders() {
        let held: i64 = sqlx::query("SELECT COUNT(*) AS n FROM holdings WHERE person_id = $1")
            .bind(&p.id)
            .fetch_one(store.pool())
            .await?
            .try_get("n")?;
        if held == 0 {
            let holding = Holding {
                person: p.id.clone(),
                position: position.into(),
                from: date(2020, 1, 1),
                until: None,
                acting: None,
            };
            store.add_holding(&p.agency, &holding, None).await?;
        }
    }
    for (file, source) in
        sop::catalog::BUILTIN.iter().filter(|(f, _)| !f.ends_with(sop::catalog::AGENCY_FILE))
    {
        store.publish_sop(file, source, at).await?;
    }
    install_certificates(store, at).await
}

/// The passphrase of the demo signing certificates.
pub const CERTIFICATE_PASSPHRASE: &str = "sopir-demo";

/// Gives each demo person whose position signs letters a self-signed signing certificate
/// (passphrase [`CERTIFICATE_PASSPHRASE`]) unless they have one. Keys are
/// made once per process: RSA key generation is the slow part.
pub async fn install_certificates(store: &Store, at: i64) -> Result<(), StoreError> {
    static MADE: std::sync::Mutex<Vec<(&str, Vec<u8>)>> = std::sync::Mutex::new(Vec::new());
    let mut signers = Vec::new();
    for (p, position) in position_holders() {
        let org = store.organisation(&p.agency).await?;
        if org.position(position).is_some_and(|p| p.has(engine::organisation::PositionRight::SignsLetters)) {
            signers.push((p.id.as_str(), p.agency.as_str(), p.name.as_str()));
        }
    }
    for (id, agency, name) in signers {
        if store.signing_certificate(agency, id).await?.is_some() {
            continue;
        }
        let made =
            MADE.lock().expect("not poisoned").iter().find(|(p, _)| *p == id).map(|(_, p12)| p12.clone());
        let p12 = match made {
            Some(p12) => p12,
            None => {
                let organisation = format!("Diskominfo {agency} (sertifikat contoh)");
                let p12 =
                    documents::signature::self_signed_pkcs12(name, &organisation, CERTIFICATE_PASSPHRASE)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                MADE.lock().expect("not poisoned").push((id, p12.clone()));
                p12
            }
        };
        store.put_signing_certificate(agency, id, p12, CERTIFICATE_PASSPHRASE, at, None).await?;
    }
    Ok(())
}

/// What a diligent officer does before completing `step` of `case`: at the
/// escort step of a visit, checks the visitor in (badge `TP-01`); at a
/// signing step, has a (self-signed demo) certificate if they had none —
/// a simulated agency's officials are made up and have none.
pub async fn prepare_step(
    store: &Store,
    agency: &str,
    sop: &sop::Sop,
    case: &str,
    step: &sop::Step,
    by: &str,
    at: i64,
) -> Result<(), StoreError> {
    if step.action == sop::ActionKind::Sign && store.signing_certificate(agency, by).await?.is_none() {
        let name = store.organisation(agency).await?.name(by);
        let p12 = documents::signature::self_signed_pkcs12(&name, agency, CERTIFICATE_PASSPHRASE)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        store.put_signing_certificate(agency, by, p12, CERTIFICATE_PASSPHRASE, at, None).await?;
    }
    match &sop.visit {
        Some(visit) if visit.escort_step == step.no => store.check_in(agency, case, by, "TP-01", at).await,
        _ => Ok(()),
    }
}

/// The paperwork a diligent person brings to `step`: the demo passphrase
/// when the step signs a letter.
pub fn sample_paperwork(step: &sop::Step) -> crate::Paperwork {
    crate::Paperwork {
        draft: None,
        signing: (step.action == sop::ActionKind::Sign).then(|| crate::Signing {
            passphrase: CERTIFICATE_PASSPHRASE.into(),
            srikandi_number: None,
            verify_base: Some("http://127.0.0.1:8080/verifikasi/".into()),
        }),
        sending: (step.action == sop::ActionKind::Send).then(|| crate::letters::Sending {
            via: Some(crate::letters::SendVia::Srikandi.key().into()),
            at: None,
        }),
        from_srikandi: None,
        enclosures: None,
    }
}

/// A valid sample value for a field, for simulations and tests. Names that
/// registries keep unique (accounts, domains, addresses, card numbers) get
/// a fresh suffix each time, under the demo Lumajang domain: 48 random
/// bits, so the large-data benchmark's hundreds of thousands of names do
/// not meet a taken one (with 32 bits they did, after ~20,000 cases).
pub fn sample_value(field: &sop::definition::Field) -> String {
    sample_value_under(field, DEMO_DOMAIN, DEMO_DOMAIN)
}

/// As [`sample_value`], with addresses and domains under the agency's own
/// domains (a simulation of another agency's SOP must not be refused for
/// naming Lumajang's).
fn sample_value_under(field: &sop::definition::Field, domain: &str, mail_domain: &str) -> String {
    use sop::definition::FieldKind;
    let fresh = || uuid::Uuid::new_v4().simple().to_string()[..12].to_string();
    // The end of next year: a valid-until date may not be past, and a
    // planned visit is still to come.
    let next_year = jiff::Zoned::now().year() + 1;
    match field.kind {
        FieldKind::Text if field.pattern.is_some() => format!("akun-{}", fresh()),
        FieldKind::Text => format!("Contoh isian {}", fresh()),
        FieldKind::Textarea => "Dipakai untuk uji coba layanan aplikasi".into(),
        FieldKind::Number => "100".into(),
        FieldKind::Date => format!("{next_year}-12-31"),
        // A planned end comes after its start.
        FieldKind::DateTime if field.name.contains("selesai") => format!("{next_year}-12-31T12:00"),
        FieldKind::DateTime => format!("{next_year}-12-31T10:00"),
        FieldKind::Email => format!("pengguna.{}@{mail_domain}", fresh()),
        FieldKind::Phone => "081234567890".into(),
        FieldKind::Nik => "3508014508900001".into(),
        FieldKind::Nip => "198709092011012009".into(),
        FieldKind::Domain if field.pattern.is_some() => format!("sipd-{}", fresh()),
        FieldKind::Domain => format!("sipd-{}.{domain}", fresh()),
        FieldKind::Ip => "10.10.1.7".into(),
        FieldKind::Select => field.options.first().cloned().unwrap_or_default(),
        // A person of the agency: [`sample_input_by`] names the acting one.
        FieldKind::Pegawai => String::new(),
    }
}

/// As [`sample_input_for`], acted by `by`: a `pegawai` field names `by`,
/// and the partner lane of a joint step (`task_lane`, not the step's first
/// lane) only confirms its part.
pub fn sample_input_by(
    step: &sop::Step,
    task_lane: &str,
    verdict: engine::Verdict,
    by: &str,
    agency: &sop::Agency,
) -> engine::ActionInput {
    if step.each_lane_acts() && task_lane != step.lane {
        return engine::ActionInput { note: Some("Sudah diterima.".into()), ..Default::default() };
    }
    let mut input = sample_input_for(step, verdict, agency);
    for field in step.fields.iter().filter(|f| f.kind == sop::definition::FieldKind::Pegawai) {
        input.fields.insert(field.name.clone(), by.to_string());
    }
    input
}

/// The domain of the demo Lumajang agency (`sops/lumajang/agency.toml`).
pub const DEMO_DOMAIN: &str = "lumajangkab.go.id";

/// Where an agency without a domain of its own gets its sample addresses.
const NO_DOMAIN: &str = "contoh.go.id";

/// What a diligent person enters at `step`: every field filled, every
/// attachment given, a note, and `verdict` where the step asks for one.
pub fn sample_input(step: &sop::Step, verdict: engine::Verdict) -> engine::ActionInput {
    sample_input_under(step, verdict, DEMO_DOMAIN, DEMO_DOMAIN)
}

/// As [`sample_input`], with addresses and domains under `agency`'s own.
pub fn sample_input_for(
    step: &sop::Step,
    verdict: engine::Verdict,
    agency: &sop::Agency,
) -> engine::ActionInput {
    let domain = if agency.domain.is_empty() { NO_DOMAIN } else { agency.domain.as_str() };
    let mail_domain = if agency.mail_domain.is_empty() { domain } else { agency.mail_domain.as_str() };
    let mut input = sample_input_under(step, verdict, domain, mail_domain);
    if let (Some(d), Some(first)) = (&mut input.disposition, agency.letters.disposition_instructions.first())
    {
        d.instructions = vec![first.clone()];
    }
    input
}

fn sample_input_under(
    step: &sop::Step,
    verdict: engine::Verdict,
    domain: &str,
    mail_domain: &str,
) -> engine::ActionInput {
    use sop::ActionKind;
    let takes_verdict = step.action.takes_verdict();
    let mut fields: std::collections::BTreeMap<String, String> =
        step.fields.iter().map(|f| (f.name.clone(), sample_value_under(f, domain, mail_domain))).collect();
    // The subdomain SOP's record value must match its type (A: an IPv4 address).
    if fields.get("jenis_record").is_some_and(|t| t == "A") && fields.contains_key("nilai_record") {
        fields.insert("nilai_record".into(), "10.10.1.7".into());
    }
    engine::ActionInput {
        note: Some(match step.action {
            ActionKind::Dispose => "Mohon segera ditindaklanjuti sesuai SOP.".into(),
            ActionKind::Decide => "Sudah diverifikasi sesuai formulir.".into(),
            ActionKind::Review if verdict == engine::Verdict::Ya => "Konsep sudah sesuai.".into(),
            ActionKind::Review => "Konsep perlu disesuaikan.".into(),
            _ => "Sudah dilaksanakan.".into(),
        }),
        verdict: takes_verdict.then_some(verdict),
        fields,
        attachments: step
            .attachments
            .iter()
            .map(|a| (a.name.clone(), format!("contoh-{}.pdf", a.name)))
            .collect(),
        disposition: (step.action == ActionKind::Dispose).then(|| engine::disposition::Disposition {
            instructions: vec![sop::agency::DEFAULT_DISPOSITION_INSTRUCTIONS[1].to_string()],
            nature: engine::disposition::Nature::Segera,
            ..Default::default()
        }),
    }
}

/// Makes sure `sop` can run in `store`: its agency exists (from `agency`, or
/// a minimal WIB profile), every position of its lanes has a holder (a demo
/// person is created where none does) and the definition is published.
pub async fn staff_for(
    store: &Store,
    sop: &sop::Sop,
    agency: Option<&sop::Agency>,
    at: i64,
) -> Result<(), StoreError> {
    if store.agency(&sop.agency).await.is_err() {
        let profile = agency.cloned().unwrap_or_else(|| sop::Agency {
            id: sop.agency.clone(),
            government: format!("Instansi {}", sop.agency),
            name: "Dinas Komunikasi dan Informatika".into(),
            timezone: "Asia/Jakarta".into(),
            letterhead: vec![sop.agency.to_uppercase()],
            retention_days: 365,
            ..sop::Agency::default()
        });
        store.create_agency(&profile, None).await?;
    }
    let units = store.units(&sop.agency).await?;
    let unit = match units.first() {
        Some(u) => u.id.clone(),
        None => {
            let id = format!("{}-demo", sop.agency);
            let unit = Unit { id: id.clone(), name: "Unit demo".into(), kind: sop::UnitKind::Dinas };
            store.put_unit(&sop.agency, &unit, None).await?;
            id
        }
    };
    // A lane may name a position the agency's list lacks: it joins the
    // list, as the demo's own.
    let mut listed: std::collections::HashSet<String> =
        store.positions(&sop.agency).await?.into_iter().map(|p| p.id).collect();
    let named =
        sop.lanes.iter().flat_map(|l| &l.positions).chain(sop.steps.iter().flat_map(|s| &s.positions));
    for position in named {
        if listed.insert(position.clone()) {
            let demo = engine::organisation::Position {
                id: position.clone(),
                name: format!("Jabatan demo {position}"),
                unit: None,
                reports_to: None,
                rights: Default::default(),
                pemda: false,
            };
            store.put_position(&sop.agency, &demo, None).await?;
        }
    }
    let org = store.organisation(&sop.agency).await?;
    let today = jiff::civil::date(2000, 1, 1);
    // A position may stand in several lanes: it is staffed once.
    let mut held: std::collections::HashSet<&str> =
        org.holdings.iter().filter(|h| h.acting.is_none()).map(|h| h.position.as_str()).collect();
    for lane in &sop.lanes {
        for position in &lane.positions {
            if held.insert(position.as_str()) {
                let id = format!("{}-demo-{position}", sop.agency);
                let person = Person {
                    id: id.clone(),
                    name: format!("Demo {position}"),
                    nip: None,
                    unit: unit.clone(),
                };
                store.put_person(&sop.agency, &person, None).await?;
                let holding = Holding {
                    person: id,
                    position: position.clone(),
                    from: today,
                    until: None,
                    acting: None,
                };
                store.add_holding(&sop.agency, &holding, None).await?;
            }
        }
    }
    store.publish_sop(&sop.file, &sop.source, at).await?;
    Ok(())
}

/// The password of every demo login (printed at first start; a real
/// installation runs without demo data).
pub const DEMO_PASSWORD: &str = "sopir-demo";

/// One login per demo person (username = person id), password
/// [`DEMO_PASSWORD`]. Existing logins are left alone.
pub async fn install_accounts(store: &Store, at: i64) -> Result<(), StoreError> {
    let hash = crate::hash_password(DEMO_PASSWORD);
    for p in people() {
        if store.account(&p.id).await?.is_none() {
            store.add_account(&p.agency, &p.id, &p.id, &hash, p.admin, at).await?;
            if p.installation_admin {
                store.grant_installation_admin(&p.id, None, at).await?;
            }
        }
    }
    Ok(())
}

/// One copy of a demo agency made by [`install_copies`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyCopy {
    /// The copy's agency id (`lumajang2`).
    pub agency: String,
    /// What its people's ids start with instead of the original's (`lmj2-`).
    pub prefix: String,
}

impl AgencyCopy {
    /// The copy's id of the original's `id` (an SOP, a person, a unit).
    pub fn id_of(&self, original: &str, of: &str, prefix: &str) -> String {
        original.replace(prefix, &self.prefix).replace(of, &self.agency)
    }
}

/// Copies `of` (a demo agency whose people's ids start with `prefix`),
/// numbered 2 to `n`: its structure, its built-in SOPs, and one person per
/// position with a login ([`DEMO_PASSWORD`]) and, where the position signs
/// letters, a signing certificate. For measuring many agencies at once
/// (`sopir bench --agencies`); installing twice changes nothing.
pub async fn install_copies(
    store: &Store,
    of: &str,
    prefix: &str,
    n: usize,
    at: i64,
) -> Result<Vec<AgencyCopy>, StoreError> {
    let hash = crate::hash_password(DEMO_PASSWORD);
    let mut copies = Vec::new();
    for k in 2..=n {
        let copy = AgencyCopy {
            agency: format!("{of}{k}"),
            prefix: format!("{}{k}-", prefix.trim_end_matches('-')),
        };
        let copied = |text: &str| copy.id_of(text, of, prefix);
        for (file, source) in
            sop::catalog::BUILTIN.iter().filter(|(f, _)| f.starts_with(&format!("sops/{of}/")))
        {
            let (file, source) = (copied(file), copied(source));
            if file.ends_with(sop::catalog::AGENCY_FILE) {
                let agency =
                    sop::agency::parse_agency(&file, &source).map_err(|errors| StoreError::BadSop {
                        id: file.clone(),
                        message: errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "),
                    })?;
                store.seed_agency(&agency).await?;
            }
        }
        for (file, source) in
            sop::catalog::BUILTIN.iter().filter(|(f, _)| f.starts_with(&format!("sops/{of}/")))
        {
            if !file.ends_with(sop::catalog::AGENCY_FILE) {
                store.publish_sop(&copied(file), &copied(source), at).await?;
            }
        }
        // The agency's own people (not the installation's administrator).
        for p in people().iter().filter(|p| p.agency == of && p.id.starts_with(prefix)) {
            let id = copied(&p.id);
            let person = Person {
                id: id.clone(),
                name: p.name.clone(),
                nip: Some(p.nip.clone()),
                unit: copied(&p.unit),
            };
            store.put_person(&copy.agency, &person, None).await?;
            if store.account(&id).await?.is_none() {
                store.add_account(&copy.agency, &id, &id, &hash, p.admin, at).await?;
            }
            let Some(position) = &p.position else { continue };
            let held: i64 = sqlx::query("SELECT COUNT(*) AS n FROM holdings WHERE person_id = $1")
                .bind(&id)
                .fetch_one(store.pool())
                .await?
                .try_get("n")?;
            if held == 0 {
                let holding = Holding {
                    person: id.clone(),
                    position: position.clone(),
                    from: date(2020, 1, 1),
                    until: None,
                    acting: None,
                };
                store.add_holding(&copy.agency, &holding, None).await?;
            }
            let org = store.organisation(&copy.agency).await?;
            let signs = org
                .position(position)
                .is_some_and(|p| p.has(engine::organisation::PositionRight::SignsLetters));
            if signs && store.signing_certificate(&copy.agency, &id).await?.is_none() {
                let organisation = format!("Diskominfo {} (sertifikat contoh)", copy.agency);
                let p12 =
                    documents::signature::self_signed_pkcs12(&p.name, &organisation, CERTIFICATE_PASSPHRASE)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                store
                    .put_signing_certificate(&copy.agency, &id, p12, CERTIFICATE_PASSPHRASE, at, None)
                    .await?;
            }
        }
        copies.push(copy);
    }
    Ok(copies)
}
