//! Reading a definition file: TOML text → validated [`Sop`], or every
//! problem found, each with file, line, column and a message an SOP author
//! can act on.

use std::collections::{BTreeMap, HashSet};

use serde::Deserialize;
use toml::Spanned;

use crate::date::Date;
use crate::definition::{
    AccessReview, ActionKind, Approver, Attachment, Correction, DEFAULT_RECIPIENT, Deadline, Decision,
    Ending, Field, FieldKind, Identity, LETTER_PLACEHOLDERS, Lane, LetterTemplate, NameRule, Registry,
    RegistryAction, RegistryKind, RequiredWhen, Sop, Step, Target, Together, Unreviewed, Visit, placeholders,
};
use crate::diagnostic::{Diagnostic, Located, Location};
use crate::standard_time::StandardTime;

/// Upper bound on an attachment when the definition does not say.
pub const DEFAULT_ATTACHMENT_KB: u32 = 5 * 1024;
/// File kinds an attachment may accept, each checked by content on upload.
pub const ACCEPTED_FILE_KINDS: [&str; 9] = ["pdf", "jpg", "jpeg", "png", "zip", "docx", "xlsx", "odt", "ods"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSop {
    id: Spanned<String>,
    version: Spanned<i64>,
    agency: Spanned<String>,
    service: Option<String>,
    identity: RawIdentity,
    #[serde(default)]
    corrections: Vec<RawCorrection>,
    #[serde(default)]
    lanes: Vec<RawLane>,
    #[serde(default)]
    steps: Vec<Spanned<RawStep>>,
    letter: Option<RawLetter>,
    registry: Option<RawRegistry>,
    visit: Option<Spanned<RawVisit>>,
    review: Option<RawReview>,
    deadline: Option<RawDeadline>,
    schedule: Option<Spanned<crate::schedule::RawSchedule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeadline {
    time: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReview {
    kind: Spanned<String>,
    label: Option<Spanned<String>>,
    name_rule: Option<Spanned<String>>,
    step: Spanned<i64>,
    unreviewed: Option<Spanned<String>>,
    every_months: Option<Spanned<i64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawVisit {
    visitor: Spanned<String>,
    institution: Spanned<String>,
    purpose: Spanned<String>,
    planned_start: Spanned<String>,
    planned_end: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegistry {
    kind: Spanned<String>,
    label: Option<Spanned<String>>,
    name_rule: Option<Spanned<String>>,
    action: Option<Spanned<String>>,
    step: Spanned<i64>,
    key: Spanned<String>,
    person: Spanned<String>,
    valid_until: Option<Spanned<String>>,
    #[serde(default)]
    details: Vec<Spanned<String>>,
    record_type: Option<Spanned<String>>,
    record_value: Option<Spanned<String>>,
    requested: Option<Spanned<String>>,
    other_name_reason: Option<Spanned<String>>,
    unit: Option<Spanned<String>>,
    requested_value: Option<Spanned<String>>,
    provision: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLetter {
    subject: Spanned<String>,
    recipient: Option<Spanned<String>>,
    body: Spanned<String>,
    classification: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIdentity {
    nomor: Spanned<String>,
    nama: Spanned<String>,
    unit: Option<String>,
    tanggal_pembuatan: Option<Spanned<String>>,
    tanggal_revisi: Option<Spanned<String>>,
    tanggal_pengesahan: Option<Spanned<String>>,
    tanggal_efektif: Option<Spanned<String>>,
    disahkan_oleh: Option<Spanned<RawApprover>>,
    #[serde(default)]
    dasar_hukum: Vec<String>,
    #[serde(default)]
    kualifikasi_pelaksana: Vec<String>,
    #[serde(default)]
    keterkaitan: Vec<String>,
    #[serde(default)]
    peralatan: Vec<String>,
    #[serde(default)]
    peringatan: Vec<String>,
    #[serde(default)]
    pencatatan: Vec<Spanned<String>>,
    #[serde(default)]
    catatan: Vec<String>,
    judul_prosedur: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApprover {
    jabatan: String,
    nama: String,
    pangkat: Option<String>,
    nip: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCorrection {
    field: String,
    printed: String,
    note: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLane {
    id: Spanned<String>,
    name: String,
    positions: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    requester: bool,
    #[serde(default)]
    anyone: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    no: Spanned<i64>,
    lane: Spanned<toml::Value>,
    together: Option<Spanned<String>>,
    action: ActionKind,
    activity: String,
    positions: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    requirements: Vec<String>,
    time: Option<Spanned<String>>,
    output: Option<Spanned<String>>,
    outputs: Option<Spanned<Vec<Spanned<String>>>>,
    remarks: Option<String>,
    next: Option<Spanned<toml::Value>>,
    after: Option<Spanned<Vec<Spanned<i64>>>>,
    outcome: Option<Spanned<String>>,
    max_rounds: Option<Spanned<i64>>,
    exhausted: Option<Spanned<toml::Value>>,
    ya: Option<Spanned<toml::Value>>,
    tidak: Option<Spanned<toml::Value>>,
    ya_label: Option<String>,
    tidak_label: Option<String>,
    ya_outcome: Option<Spanned<String>>,
    tidak_outcome: Option<Spanned<String>>,
    #[serde(default)]
    fields: Vec<Spanned<RawField>>,
    #[serde(default)]
    attachments: Vec<Spanned<RawAttachment>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    name: Spanned<String>,
    label: String,
    #[serde(rename = "type")]
    kind: FieldKind,
    #[serde(default)]
    required: bool,
    pattern: Option<Spanned<String>>,
    min_length: Option<u32>,
    max_length: Option<u32>,
    #[serde(default)]
    options: Vec<String>,
    help: Option<String>,
    /// Personal data besides a NIK (e.g. a visitor's name): sealed at rest.
    #[serde(default)]
    personal: bool,
    required_when: Option<Spanned<RawRequiredWhen>>,
    on_behalf: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequiredWhen {
    field: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAttachment {
    name: Spanned<String>,
    label: String,
    #[serde(default)]
    required: bool,
    accept: Spanned<Vec<String>>,
    max_kb: Option<u32>,
}

/// Collects errors while validating one file.
struct Checker<'a> {
    file: &'a str,
    text: &'a str,
    errors: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn at<T>(&self, spanned: &Spanned<T>) -> Location {
        Location::of_offset(self.text, spanned.span().start)
    }

    fn error(&mut self, at: Location, code: &'static str, message: impl Into<String>) {
        self.errors.push(Diagnostic::error(self.file, at, code, message));
    }

    fn date(&mut self, raw: &Option<Spanned<String>>, label: &str) -> Option<Date> {
        let raw = raw.as_ref()?;
        let text = raw.get_ref().trim();
        if text.is_empty() || text == "-" {
            return None;
        }
        let date = Date::parse_identity(text);
        if date.is_none() {
            let at = self.at(raw);
            self.error(
                at,
                "bad-date",
                format!(
                    "{label} \"{text}\" bukan tanggal yang sah — tulis TTTT-BB-HH, misalnya \"2021-05-30\", atau TTTT-BB bila dokumen hanya menyebut bulan dan tahun (\"2016-03\")"
                ),
            );
        }
        date
    }

    fn non_empty(&mut self, value: &Spanned<String>, what: &str) {
        if value.get_ref().trim().is_empty() {
            let at = self.at(value);
            self.error(at, "empty", format!("{what} tidak boleh kosong"));
        }
    }
}

/// Parses and validates one SOP definition. `file` names the source in
/// diagnostics. Returns every error found, not just the first.
pub fn parse_sop(file: &str, text: &str) -> Result<Sop, Vec<Diagnostic>> {
    let raw: RawSop = toml::from_str(text).map_err(|e| vec![toml_error(file, text, &e)])?;
    let mut c = Checker { file, text, errors: Vec::new() };

    let id = check_id(&mut c, &raw.id);
    let version = match u32::try_from(*raw.version.get_ref()) {
        Ok(v) if v >= 1 => v,
        _ => {
            let at = c.at(&raw.version);
            c.error(at, "bad-version", "version harus bilangan bulat mulai dari 1");
            1
        }
    };
    c.non_empty(&raw.agency, "agency");
    check_id_agency(&mut c, &raw.id, &raw.agency);
    let identity = check_identity(&mut c, raw.identity);
    let lanes = check_lanes(&mut c, raw.lanes);
    let steps = check_steps(&mut c, raw.steps, &lanes);
    let letter = raw.letter.map(|l| check_letter(&mut c, l, &steps));
    let registry = raw.registry.and_then(|r| check_registry(&mut c, r, &steps));
    let visit = raw.visit.and_then(|v| check_visit(&mut c, v, &steps));
    let declared = registry.as_ref().map(|r| &r.kind);
    let review = raw.review.and_then(|r| check_review(&mut c, r, &steps, declared));
    let deadline = raw.deadline.and_then(|d| check_deadline(&mut c, d));
    let schedule = raw.schedule.and_then(|s| {
        let at = c.at(&s);
        crate::schedule::check(s.into_inner(), &mut |at_of, code, message| {
            let at = at_of.map_or(at, |span: std::ops::Range<usize>| Location::of_offset(text, span.start));
            c.error(at, code, message)
        })
        .map(|schedule| (schedule, at))
    });
    if let Some((_, at)) = &schedule {
        check_routine(&mut c, *at, &lanes, &steps);
    }
    check_on_behalf(&mut c, &steps);

    if !c.errors.is_empty() {
        return Err(c.errors);
    }
    Ok(Sop {
        id,
        version,
        agency: raw.agency.into_inner(),
        service: raw.service,
        identity,
        corrections: raw
            .corrections
            .into_iter()
            .map(|r| Correction { field: r.field, printed: r.printed, note: r.note })
            .collect(),
        lanes,
        steps,
        letter,
        registry,
        visit,
        review,
        deadline,
        schedule: schedule.map(|(s, _)| s),
        file: file.to_string(),
        source: text.to_string(),
    })
}

/// The letter template may use any step's field and the case's own particulars.
fn check_letter(c: &mut Checker, raw: RawLetter, steps: &[Step]) -> LetterTemplate {
    let recipient = raw.recipient.unwrap_or_else(|| Spanned::new(0..0, DEFAULT_RECIPIENT.to_string()));
    for text in [&raw.subject, &recipient, &raw.body] {
        for name in placeholders(text.get_ref()) {
            let known = LETTER_PLACEHOLDERS.contains(&name)
                || steps.iter().any(|s| s.fields.iter().any(|f| f.name == name));
            if !known {
                let at = c.at(text);
                c.error(
                    at,
                    "unknown-placeholder",
                    format!(
                        "isian {{{name}}} tidak dikenal di templat surat; pakai nama isian salah satu langkah atau {}",
                        LETTER_PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
                    ),
                );
            }
        }
    }
    LetterTemplate {
        subject: raw.subject.into_inner(),
        recipient: recipient.into_inner(),
        body: raw.body.into_inner(),
        classification: raw.classification,
    }
}

/// The registry entry a step creates: its step exists, and every field it
/// names is a field of the SOP (the key a field of that very step).
fn check_registry(c: &mut Checker, raw: RawRegistry, steps: &[Step]) -> Option<Registry> {
    let kind = check_kind(c, &raw.kind, raw.label.as_ref(), raw.name_rule.as_ref(), None);
    let action = match raw.action.as_ref().map(|a| a.get_ref().as_str()) {
        None | Some("buat") => RegistryAction::Create,
        Some("cabut") => RegistryAction::Revoke,
        Some(other) => {
            let at = c.at(raw.action.as_ref().expect("present"));
            c.error(
                at,
                "unknown-registry-action",
                format!("action registri \"{other}\" tidak dikenal; pilih \"buat\" atau \"cabut\""),
            );
            RegistryAction::Create
        }
    };
    let step = steps.iter().find(|s| i64::from(s.no) == *raw.step.get_ref());
    if step.is_none() {
        let at = c.at(&raw.step);
        c.error(at, "unknown-step", format!("langkah {} tidak ada di SOP ini", raw.step.get_ref()));
    }
    let any_field = |name: &str| steps.iter().any(|s| s.fields.iter().any(|f| f.name == name));
    // A new entry is named by its own step; a revocation may name one given earlier.
    if let Some(step) = step.filter(|_| action == RegistryAction::Create) {
        if !step.fields.iter().any(|f| &f.name == raw.key.get_ref()) {
            let at = c.at(&raw.key);
            c.error(
                at,
                "unknown-field",
                format!("langkah {} tidak punya isian \"{}\"", step.no, raw.key.get_ref()),
            );
        }
    }
    let named = std::iter::once(&raw.person).chain(raw.valid_until.iter()).chain(raw.details.iter());
    let named = named.chain((action == RegistryAction::Revoke).then_some(&raw.key));
    let named = named.chain(raw.record_type.iter()).chain(raw.record_value.iter());
    let named = named.chain(raw.requested.iter()).chain(raw.unit.iter());
    for name in named {
        if !any_field(name.get_ref()) {
            let at = c.at(name);
            c.error(at, "unknown-field", format!("tidak ada langkah dengan isian \"{}\"", name.get_ref()));
        }
    }
    // The reason for registering another name is given where the name is.
    if let (Some(reason), Some(step)) = (&raw.other_name_reason, step) {
        if !step.fields.iter().any(|f| &f.name == reason.get_ref()) {
            let at = c.at(reason);
            c.error(
                at,
                "unknown-field",
                format!("langkah {} tidak punya isian \"{}\"", step.no, reason.get_ref()),
            );
        }
    }
    if let Some(value) = &raw.requested_value {
        let at = c.at(value);
        if !any_field(value.get_ref()) {
            c.error(at, "unknown-field", format!("tidak ada langkah dengan isian \"{}\"", value.get_ref()));
        // (A missing other_name_reason with `requested` is said there, once.)
        } else if raw.record_value.is_none() || (raw.other_name_reason.is_none() && raw.requested.is_none()) {
            c.error(
                at,
                "missing-key",
                "requested_value memerlukan record_value (nilai yang dibuat) dan other_name_reason (alasan bila berbeda dari yang diminta)",
            );
        }
    }
    if let (Some(requested), None) = (&raw.requested, &raw.other_name_reason) {
        let at = c.at(requested);
        c.error(
            at,
            "missing-key",
            "registri dengan requested juga memerlukan other_name_reason: isian alasan bila nama yang dibuat berbeda dari yang diminta",
        );
    }
    let provision = raw.provision.as_ref().and_then(|p| {
        let known = crate::ConnectorKind::parse(p.get_ref());
        let at = c.at(p);
        if known.is_none() {
            let choices = crate::ConnectorKind::ALL.map(|k| format!("\"{}\"", k.key())).join(", ");
            c.error(
                at,
                "unknown-connector",
                format!("konektor \"{}\" tidak dikenal; pilih salah satu: {choices}", p.get_ref()),
            );
        } else if action == RegistryAction::Revoke {
            c.error(
                at,
                "provision-on-revoke",
                "provision hanya untuk registri yang membuat entri; pencabutan menjalankan konektor entri itu sendiri",
            );
        }
        known
    });
    Some(Registry {
        kind: kind?,
        kind_at: c.at(&raw.kind),
        action,
        step: step?.no,
        key: raw.key.into_inner(),
        person: raw.person.into_inner(),
        valid_until: raw.valid_until.map(Spanned::into_inner),
        details: raw.details.into_iter().map(Spanned::into_inner).collect(),
        record: raw.record_type.zip(raw.record_value).map(|(t, v)| (t.into_inner(), v.into_inner())),
        requested: raw.requested.map(Spanned::into_inner),
        other_name_reason: raw.other_name_reason.map(Spanned::into_inner),
        unit: raw.unit.map(Spanned::into_inner),
        requested_value: raw.requested_value.map(Spanned::into_inner),
        provision,
    })
}

/// The kind a `[registry]` or `[review]` names: a built-in one, restated
/// (if at all) exactly as it is built in, or a new one declared with its
/// `label` and `name_rule`.
fn check_kind(
    c: &mut Checker,
    key: &Spanned<String>,
    label: Option<&Spanned<String>>,
    name_rule: Option<&Spanned<String>>,
    declared: Option<&RegistryKind>,
) -> Option<RegistryKind> {
    let rules = || NameRule::ALL.map(NameRule::key).join(", ");
    let rule = name_rule.and_then(|r| {
        let parsed = NameRule::parse(r.get_ref());
        if parsed.is_none() {
            let at = c.at(r);
            c.error(
                at,
                "unknown-name-rule",
                format!("name_rule \"{}\" tidak dikenal; pilih {}", r.get_ref(), rules()),
            );
        }
        parsed
    });
    if let Some(label) = label {
        c.non_empty(label, "label registri");
    }
    let declared = declared.filter(|d| d.key() == key.get_ref());
    let known = RegistryKind::builtin_kind(key.get_ref())
        .map(|k| (k, "bawaan"))
        .or(declared.map(|k| (k, "yang dinyatakan di [registry]")));
    if let Some((builtin, whose)) = known {
        // A built-in kind is the same in every agency: its entries are
        // already kept under it. A kind is declared once per SOP.
        if let Some(label) = label.filter(|l| l.get_ref() != builtin.label()) {
            let at = c.at(label);
            c.error(
                at,
                "registry-kind-conflict",
                format!(
                    "jenis registri {whose} \"{}\" berlabel \"{}\"; hapus label ini, atau pakai kind lain untuk jenis baru",
                    builtin.key(),
                    builtin.label()
                ),
            );
        }
        if let (Some(at), Some(rule)) = (name_rule, rule.filter(|r| *r != builtin.name_rule())) {
            let at = c.at(at);
            c.error(
                at,
                "registry-kind-conflict",
                format!(
                    "jenis registri {whose} \"{}\" memakai name_rule \"{}\", bukan \"{}\"; hapus name_rule ini, atau pakai kind lain untuk jenis baru",
                    builtin.key(),
                    builtin.name_rule().key(),
                    rule.key()
                ),
            );
        }
        return Some(builtin.clone());
    }
    let at = c.at(key);
    if !RegistryKind::is_key(key.get_ref()) {
        c.error(
            at,
            "bad-registry-kind",
            format!(
                "kind \"{}\" tidak dapat menjadi jenis registri: pakai huruf kecil a-z dan angka, kata dipisah satu tanda hubung, paling banyak {} karakter (misalnya \"alamat-ip\")",
                key.get_ref(),
                crate::registry_kind::KEY_MAX_CHARS
            ),
        );
        return None;
    }
    match (label, name_rule) {
        (None, None) => {
            let kinds: Vec<&str> = RegistryKind::builtin().iter().map(RegistryKind::key).collect();
            c.error(
                at,
                "unknown-registry",
                format!(
                    "jenis registri \"{}\" tidak dikenal; pilih {}, atau nyatakan jenis baru dengan label dan name_rule ({})",
                    key.get_ref(),
                    kinds.join(", "),
                    rules()
                ),
            );
            None
        }
        (None, Some(_)) => {
            c.error(
                at,
                "missing-key",
                format!(
                    "jenis registri baru \"{}\" memerlukan label: nama registri yang dibaca orang",
                    key.get_ref()
                ),
            );
            None
        }
        (Some(_), None) => {
            c.error(
                at,
                "missing-key",
                format!(
                    "jenis registri baru \"{}\" memerlukan name_rule, aturan nama entrinya: {}",
                    key.get_ref(),
                    rules()
                ),
            );
            None
        }
        (Some(label), Some(_)) => Some(RegistryKind::new(key.get_ref(), label.get_ref().trim(), rule?)),
    }
}

/// A review names a known registry (built in, declared by this SOP's
/// `[registry]` or by itself) and an existing step.
fn check_review(
    c: &mut Checker,
    raw: RawReview,
    steps: &[Step],
    declared: Option<&RegistryKind>,
) -> Option<AccessReview> {
    let kind = check_kind(c, &raw.kind, raw.label.as_ref(), raw.name_rule.as_ref(), declared);
    let step = steps.iter().find(|s| i64::from(s.no) == *raw.step.get_ref());
    if step.is_none() {
        let at = c.at(&raw.step);
        c.error(at, "unknown-step", format!("langkah {} tidak ada di SOP ini", raw.step.get_ref()));
    }
    let unreviewed = match raw.unreviewed.as_ref().map(|u| u.get_ref().as_str()) {
        None | Some("tandai") => Unreviewed::Flag,
        Some("cabut") => Unreviewed::Revoke,
        Some(other) => {
            let at = c.at(raw.unreviewed.as_ref().expect("present"));
            c.error(
                at,
                "unknown-policy",
                format!("unreviewed \"{other}\" tidak dikenal; pilih \"tandai\" atau \"cabut\""),
            );
            Unreviewed::Flag
        }
    };
    let every_months = raw.every_months.as_ref().and_then(|m| match u32::try_from(*m.get_ref()) {
        Ok(n @ 1..=60) => Some(n),
        _ => {
            let at = c.at(m);
            c.error(at, "bad-period", "every_months harus 1 sampai 60 bulan");
            None
        }
    });
    Some(AccessReview { kind: kind?, kind_at: c.at(&raw.kind), step: step?.no, unreviewed, every_months })
}

/// A visit SOP names existing fields and has exactly one escort step.
fn check_visit(c: &mut Checker, raw: Spanned<RawVisit>, steps: &[Step]) -> Option<Visit> {
    let at = c.at(&raw);
    let raw = raw.into_inner();
    let escorts: Vec<u32> = steps.iter().filter(|s| s.action == ActionKind::Escort).map(|s| s.no).collect();
    if escorts.len() != 1 {
        c.error(
            at,
            "visit-without-escort",
            "SOP kunjungan harus punya tepat satu langkah action = \"escort\"",
        );
    }
    let names = [&raw.visitor, &raw.institution, &raw.purpose, &raw.planned_start, &raw.planned_end];
    for name in names {
        if !steps.iter().any(|s| s.fields.iter().any(|f| &f.name == name.get_ref())) {
            let at = c.at(name);
            c.error(at, "unknown-field", format!("tidak ada langkah dengan isian \"{}\"", name.get_ref()));
        }
    }
    Some(Visit {
        visitor: raw.visitor.into_inner(),
        institution: raw.institution.into_inner(),
        purpose: raw.purpose.into_inner(),
        planned_start: raw.planned_start.into_inner(),
        planned_end: raw.planned_end.into_inner(),
        escort_step: *escorts.first()?,
    })
}

fn check_id(c: &mut Checker, raw: &Spanned<String>) -> String {
    let id = raw.get_ref();
    let valid = id.split('/').count() == 2 && id.split('/').all(|part| is_slug(part, '-'));
    if !valid {
        let at = c.at(raw);
        c.error(
            at,
            "bad-id",
            format!("id \"{id}\" tidak sah — tulis \"instansi/nama-sop\" dengan huruf kecil, angka dan tanda hubung, misalnya \"lumajang/vpn\""),
        );
    }
    id.clone()
}

/// An SOP's id begins with its agency's: versions are kept per id, so an
/// SOP of one agency under another's id would take that agency's numbers.
fn check_id_agency(c: &mut Checker, id: &Spanned<String>, agency: &Spanned<String>) {
    let (id, agency_id) = (id.get_ref(), agency.get_ref());
    match id.split_once('/') {
        Some((prefix, _)) if prefix != agency_id && !agency_id.trim().is_empty() => {
            let at = c.at(agency);
            c.error(
                at,
                "id-agency",
                format!(
                    "id \"{id}\" diawali \"{prefix}\", tetapi agency = \"{agency_id}\" — id SOP harus diawali id instansinya: \"{agency_id}/…\""
                ),
            );
        }
        _ => {}
    }
}

/// Lowercase ASCII letters and digits joined by `sep`, starting with a letter.
fn is_slug(text: &str, sep: char) -> bool {
    text.starts_with(|ch: char| ch.is_ascii_lowercase())
        && text.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == sep)
        && !text.ends_with(sep)
}

fn check_identity(c: &mut Checker, raw: RawIdentity) -> Identity {
    c.non_empty(&raw.nomor, "identity.nomor (Nomor SOP)");
    c.non_empty(&raw.nama, "identity.nama (Nama SOP)");
    let tanggal_pembuatan = c.date(&raw.tanggal_pembuatan, "tanggal_pembuatan");
    let tanggal_revisi = c.date(&raw.tanggal_revisi, "tanggal_revisi");
    let tanggal_pengesahan = c.date(&raw.tanggal_pengesahan, "tanggal_pengesahan");
    let tanggal_efektif = c.date(&raw.tanggal_efektif, "tanggal_efektif");
    let disahkan_oleh_at = raw.disahkan_oleh.as_ref().map_or_else(|| c.at(&raw.nama), |a| c.at(a));
    let disahkan_oleh = raw.disahkan_oleh.map(|a| {
        let a = a.into_inner();
        if let Some(nip) = &a.nip {
            let digits: String = nip.get_ref().chars().filter(|ch| !ch.is_whitespace()).collect();
            if digits.len() != 18 || !digits.chars().all(|ch| ch.is_ascii_digit()) {
                let at = c.at(nip);
                c.error(at, "bad-nip", format!("NIP \"{}\" harus 18 angka (spasi boleh)", nip.get_ref()));
            }
        }
        Approver { jabatan: a.jabatan, nama: a.nama, pangkat: a.pangkat, nip: a.nip.map(Spanned::into_inner) }
    });
    let pencatatan =
        raw.pencatatan.into_iter().map(|p| Located::new(p.get_ref().clone(), c.at(&p))).collect();
    Identity {
        nomor: Located::new(raw.nomor.get_ref().clone(), c.at(&raw.nomor)),
        nama: Located::new(raw.nama.get_ref().clone(), c.at(&raw.nama)),
        unit: raw.unit,
        tanggal_pembuatan,
        tanggal_revisi,
        tanggal_pengesahan,
        tanggal_efektif,
        disahkan_oleh,
        disahkan_oleh_at,
        dasar_hukum: raw.dasar_hukum,
        kualifikasi_pelaksana: raw.kualifikasi_pelaksana,
        keterkaitan: raw.keterkaitan,
        peralatan: raw.peralatan,
        peringatan: raw.peringatan,
        pencatatan,
        catatan: raw.catatan,
        judul_prosedur: raw.judul_prosedur,
    }
}

fn check_lanes(c: &mut Checker, raw: Vec<RawLane>) -> Vec<Lane> {
    if raw.is_empty() {
        c.error(
            Location { line: 1, column: 1 },
            "no-lanes",
            "SOP belum punya pelaksana — tambahkan tabel [[lanes]]",
        );
    }
    let mut seen = HashSet::new();
    let mut lanes = Vec::new();
    for lane in raw {
        let id = lane.id.get_ref().clone();
        let at = c.at(&lane.id);
        if !is_slug(&id, '-') {
            c.error(at, "bad-lane-id", format!("id pelaksana \"{id}\" tidak sah — pakai huruf kecil, angka dan tanda hubung, misalnya \"kabid-tik\""));
        }
        if !seen.insert(id.clone()) {
            c.error(at, "duplicate-lane", format!("pelaksana \"{id}\" ditulis dua kali"));
        }
        let anyone = lane.anyone.as_ref().is_some_and(|a| *a.get_ref());
        let named = lane.positions.as_ref().is_some_and(|p| p.get_ref().iter().any(|p| !p.trim().is_empty()));
        match (&lane.positions, anyone) {
            (Some(p), true) => {
                let at = c.at(p);
                c.error(
                    at,
                    "anyone-with-positions",
                    format!(
                        "pelaksana \"{id}\" terbuka untuk setiap pegawai (anyone = true): hapus positions"
                    ),
                );
            }
            (_, false) if !named => {
                let at = lane.positions.as_ref().map_or(at, |p| c.at(p));
                c.error(
                    at,
                    "lane-without-position",
                    format!("pelaksana \"{id}\" belum menyebut jabatan yang boleh bertindak (positions), atau anyone = true untuk setiap pegawai"),
                );
            }
            _ => {}
        }
        lanes.push(Lane {
            id,
            name: lane.name,
            positions: lane.positions.map(Spanned::into_inner).unwrap_or_default(),
            requester: lane.requester,
            anyone,
            at,
        });
    }
    lanes
}

fn check_steps(c: &mut Checker, raw: Vec<Spanned<RawStep>>, lanes: &[Lane]) -> Vec<Step> {
    if raw.is_empty() {
        c.error(
            Location { line: 1, column: 1 },
            "no-steps",
            "SOP belum punya langkah — tambahkan tabel [[steps]]",
        );
        return Vec::new();
    }
    // Numbers first, so a branch may point forward.
    let mut numbers: BTreeMap<u32, Location> = BTreeMap::new();
    let mut valid_numbers = Vec::new();
    for step in &raw {
        let no = &step.get_ref().no;
        let at = c.at(no);
        match u32::try_from(*no.get_ref()) {
            Ok(n) if n >= 1 => {
                if let Some(first) = numbers.get(&n) {
                    c.error(
                        at,
                        "duplicate-step",
                        format!("langkah {n} ditulis dua kali (yang pertama di baris {})", first.line),
                    );
                } else {
                    numbers.insert(n, at);
                }
                valid_numbers.push(Some(n));
            }
            _ => {
                c.error(
                    at,
                    "bad-step-number",
                    format!("nomor langkah {} tidak sah — pakai bilangan bulat mulai dari 1", no.get_ref()),
                );
                valid_numbers.push(None);
            }
        }
    }

    let mut steps = Vec::new();
    let mut joins = Vec::new();
    let mut loops = Vec::new();
    for (index, spanned) in raw.into_iter().enumerate() {
        let s = spanned.into_inner();
        let at = c.at(&s.no);
        let no = valid_numbers[index].unwrap_or(0);
        let following = valid_numbers.get(index + 1).copied().flatten();

        let step_lanes = step_lanes(c, &s.lane, lanes, no);
        let lane = step_lanes.first().cloned().unwrap_or_default();
        let together = match s.together.as_ref().map(|t| t.get_ref().as_str()) {
            None | Some("all") => Together::All,
            Some("any") => Together::Any,
            Some(other) => {
                let t_at = c.at(s.together.as_ref().expect("present"));
                c.error(t_at, "unknown-word", format!("together \"{other}\" tidak dikenal; pilih \"all\" (setiap pelaksana bertindak) atau \"any\" (salah satu cukup)"));
                Together::All
            }
        };
        if let Some(t) = &s.together {
            if step_lanes.len() < 2 {
                let t_at = c.at(t);
                c.error(t_at, "together-without-partners", format!("langkah {no}: together hanya untuk langkah yang dikerjakan bersama, lane = [\"…\", \"…\"]"));
            }
        }
        if step_lanes.len() > 1 && together == Together::All && s.action.takes_verdict() {
            let l_at = c.at(&s.lane);
            c.error(l_at, "joint-decision", format!("langkah {no} ({}) dikerjakan bersama oleh beberapa pelaksana: satu keputusan Ya/Tidak tidak dapat dibagi — tulis together = \"any\" atau satu pelaksana", s.action.key()));
        }

        let positions = s.positions.map_or_else(Vec::new, |p| {
            let allowed: Vec<&String> =
                lanes.iter().filter(|l| step_lanes.contains(&l.id)).flat_map(|l| &l.positions).collect();
            if !step_lanes.is_empty() && step_lanes.iter().all(|id| lanes.iter().any(|l| &l.id == id)) {
                for position in p.get_ref().iter().filter(|pos| !allowed.contains(pos)) {
                    let p_at = c.at(&p);
                    c.error(
                        p_at,
                        "position-outside-lane",
                        format!(
                            "jabatan \"{position}\" pada langkah {no} bukan jabatan pelaksana \"{}\" ({})",
                            step_lanes.join("\", \""),
                            allowed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    );
                }
            }
            p.into_inner()
        });

        let time_at = s.time.as_ref().map_or(at, |t| c.at(t));
        let time = match &s.time {
            None => None,
            Some(t) => StandardTime::parse(t.get_ref()).unwrap_or_else(|e| {
                c.error(time_at, "bad-time", format!("langkah {no}: {e}"));
                None
            }),
        };

        let target = |c: &mut Checker, raw: &Spanned<toml::Value>, what: &str| -> Target {
            let t_at = c.at(raw);
            target_of(c, t_at, raw.get_ref(), &numbers, no, what)
        };

        let is_decision = s.action == ActionKind::Decide;
        let default_next = following.map_or(Target::End, Target::Step);
        let outcome_of = |c: &mut Checker, raw: &Option<Spanned<String>>, what: &str| {
            raw.as_ref().and_then(|o| {
                let ending = Ending::parse(o.get_ref());
                if ending.is_none() {
                    let o_at = c.at(o);
                    c.error(o_at, "unknown-word", format!("{what} \"{}\" pada langkah {no} tidak dikenal; pilih \"selesai\" atau \"ditolak\"", o.get_ref()));
                }
                ending
            })
        };
        let (next, decision) = if is_decision {
            if let Some(n) = &s.next {
                let n_at = c.at(n);
                c.error(
                    n_at,
                    "next-on-decision",
                    format!("langkah {no} adalah keputusan: tulis cabang ya = … dan tidak = …, bukan next"),
                );
            }
            let branch = |c: &mut Checker, raw: &Option<Spanned<toml::Value>>, name: &str| match raw {
                Some(v) => target(c, v, name),
                None => {
                    c.error(at, "missing-branch", format!("langkah keputusan {no} tidak punya cabang \"{name}\" — tambahkan {} = <nomor langkah>, \"selesai\" atau \"ditolak\"", name.to_lowercase()));
                    Target::End
                }
            };
            let ya = branch(c, &s.ya, "Ya");
            let tidak = branch(c, &s.tidak, "Tidak");
            let decision = Decision {
                ya,
                tidak,
                ya_label: s.ya_label.unwrap_or_else(|| "Ya".into()),
                tidak_label: s.tidak_label.unwrap_or_else(|| "Tidak".into()),
                ya_outcome: outcome_of(c, &s.ya_outcome, "ya_outcome"),
                tidak_outcome: outcome_of(c, &s.tidak_outcome, "tidak_outcome"),
            };
            (vec![ya], Some(decision))
        } else {
            let spans = [
                (s.ya.as_ref().map(Spanned::span), "ya"),
                (s.tidak.as_ref().map(Spanned::span), "tidak"),
                (s.ya_outcome.as_ref().map(Spanned::span), "ya_outcome"),
                (s.tidak_outcome.as_ref().map(Spanned::span), "tidak_outcome"),
            ];
            for (span, name) in spans {
                if let Some(span) = span {
                    let b_at = Location::of_offset(c.text, span.start);
                    c.error(
                        b_at,
                        "branch-on-non-decision",
                        format!("langkah {no} bukan keputusan (aksi \"{}\") tetapi punya cabang \"{name}\" — pakai action = \"decide\" atau next = …", s.action.key()),
                    );
                }
            }
            let next = match &s.next {
                None => vec![default_next],
                Some(n) => match n.get_ref() {
                    toml::Value::Array(items) => {
                        let n_at = c.at(n);
                        let targets: Vec<Target> =
                            items.iter().map(|v| target_of(c, n_at, v, &numbers, no, "next")).collect();
                        let mut distinct = targets.clone();
                        distinct.dedup();
                        if targets.len() < 2 || distinct.len() != targets.len() {
                            c.error(n_at, "bad-fork", format!("next = [...] pada langkah {no} membuka beberapa langkah sekaligus: sebut paling sedikit dua nomor langkah yang berbeda"));
                        } else if targets.iter().any(|t| !matches!(t, Target::Step(_))) {
                            c.error(n_at, "bad-fork", format!("cabang paralel langkah {no} harus nomor langkah, bukan \"selesai\" atau \"ditolak\": cabang berakhir di langkah gabungan (after = [...])"));
                        }
                        targets
                    }
                    _ => vec![target(c, n, "next")],
                },
            };
            (next, None)
        };

        for t in &next {
            if *t == Target::Step(no) && !is_decision {
                c.error(at, "self-loop", format!("langkah {no} menunjuk ke dirinya sendiri"));
            }
        }

        let outcome = outcome_of(c, &s.outcome, "outcome");
        let max_rounds = s.max_rounds.as_ref().and_then(|m| match u32::try_from(*m.get_ref()) {
            Ok(n @ 1..=100) => Some(n),
            _ => {
                let m_at = c.at(m);
                c.error(m_at, "bad-rounds", format!("max_rounds pada langkah {no} harus 1 sampai 100"));
                None
            }
        });
        let exhausted = s.exhausted.as_ref().map(|e| target(c, e, "exhausted"));
        match (&s.max_rounds, &s.exhausted) {
            (Some(m), None) => {
                let m_at = c.at(m);
                c.error(m_at, "missing-key", format!("langkah {no} punya max_rounds: tambahkan exhausted = <nomor langkah>, \"selesai\" atau \"ditolak\" — ke mana prosedur berlanjut bila putaran habis"));
            }
            (None, Some(e)) => {
                let e_at = c.at(e);
                c.error(
                    e_at,
                    "exhausted-without-rounds",
                    format!("exhausted pada langkah {no} berlaku bersama max_rounds = N"),
                );
            }
            _ => {}
        }
        if let Some(m) = &s.max_rounds {
            loops.push((no, c.at(m)));
        }

        if let Some(after) = &s.after {
            let a_at = c.at(after);
            let listed: Vec<u32> = after
                .get_ref()
                .iter()
                .filter_map(|n| match u32::try_from(*n.get_ref()) {
                    Ok(n) if numbers.contains_key(&n) => Some(n),
                    _ => {
                        let n_at = c.at(n);
                        c.error(
                            n_at,
                            "unknown-step",
                            format!(
                                "after pada langkah {no} menyebut langkah {} yang tidak ada",
                                n.get_ref()
                            ),
                        );
                        None
                    }
                })
                .collect();
            if after.get_ref().len() < 2 {
                c.error(
                    a_at,
                    "bad-join",
                    format!(
                        "after pada langkah {no} menunggu beberapa cabang: sebut paling sedikit dua langkah"
                    ),
                );
            }
            joins.push((no, listed, a_at));
        }

        let fields = check_fields(c, s.fields, no);
        let attachments = check_attachments(c, s.attachments, no);
        let mut outputs: Vec<Located<String>> =
            s.output.as_ref().map(|o| Located::new(o.get_ref().clone(), c.at(o))).into_iter().collect();
        if let Some(list) = &s.outputs {
            if s.output.is_some() {
                let o_at = c.at(list);
                c.error(o_at, "output-twice", format!("langkah {no} punya output dan outputs: tulis satu output, atau beberapa dalam outputs = [\"…\", \"…\"]"));
            }
            outputs.extend(list.get_ref().iter().map(|o| Located::new(o.get_ref().clone(), c.at(o))));
        }
        steps.push(Step {
            no,
            activity: s.activity,
            lane,
            partners: step_lanes.into_iter().skip(1).collect(),
            together,
            action: s.action,
            positions,
            requirements: s.requirements,
            time,
            time_at,
            outputs,
            remarks: s.remarks,
            next,
            after: Vec::new(),
            outcome,
            max_rounds,
            exhausted,
            decision,
            fields,
            attachments,
            at,
        });
    }
    // A join waits for steps that lead to it. Others may lead to it too (a
    // loop coming back): the join opens for them when nothing else runs.
    for (no, listed, at) in joins {
        let incoming: Vec<u32> =
            steps.iter().filter(|s| s.targets().contains(&Target::Step(no))).map(|s| s.no).collect();
        for n in listed.iter().filter(|n| !incoming.contains(n)) {
            c.error(at, "bad-join", format!("after pada langkah {no} menyebut langkah {n}, padahal langkah {n} tidak menuju langkah {no} (tulis next = {no} di langkah {n})"));
        }
        if let Some(step) = steps.iter_mut().find(|s| s.no == no) {
            step.after = listed;
        }
    }
    // A bound on rounds belongs to a step one of whose branches comes back to it.
    let flow = crate::definition::Flow(&steps);
    for (no, at) in loops {
        let Some(step) = steps.iter().find(|s| s.no == no) else { continue };
        let targets = step.decision.as_ref().map_or_else(|| step.next.clone(), |d| vec![d.ya, d.tidak]);
        let looping = targets.into_iter().chain(flow.return_target(step)).any(|t| flow.loops_back(no, t));
        if !looping {
            c.error(at, "rounds-without-loop", format!("max_rounds pada langkah {no}: tidak ada cabang langkah ini yang kembali ke langkah ini, jadi tidak berulang — tulis max_rounds pada keputusan yang cabangnya kembali (mis. tidak = 3)"));
        }
    }
    steps
}

/// The lanes a step names: one id, or a list of ids for a joint step.
fn step_lanes(c: &mut Checker, raw: &Spanned<toml::Value>, lanes: &[Lane], no: u32) -> Vec<String> {
    let at = c.at(raw);
    let names: Vec<String> = match raw.get_ref() {
        toml::Value::String(id) => vec![id.clone()],
        toml::Value::Array(items) if items.iter().all(toml::Value::is_str) => {
            items.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
        }
        other => {
            c.error(at, "wrong-type", format!("lane pada langkah {no} harus id pelaksana (\"admin\") atau daftar id untuk langkah bersama ([\"pemohon\", \"staf-uk\"]), bukan {other}"));
            return Vec::new();
        }
    };
    if names.is_empty() {
        c.error(at, "unknown-lane", format!("langkah {no} tidak menyebut pelaksana"));
    }
    let mut seen = HashSet::new();
    for name in &names {
        if !lanes.iter().any(|l| &l.id == name) {
            let known: Vec<&str> = lanes.iter().map(|l| l.id.as_str()).collect();
            c.error(
                at,
                "unknown-lane",
                format!(
                    "pelaksana \"{name}\" pada langkah {no} tidak dikenal; pelaksana yang ada: {}",
                    known.join(", ")
                ),
            );
        }
        if !seen.insert(name) {
            c.error(at, "duplicate-lane", format!("pelaksana \"{name}\" disebut dua kali pada langkah {no}"));
        }
    }
    names
}

/// A step number, `"selesai"` or `"ditolak"`.
fn target_of(
    c: &mut Checker,
    at: Location,
    value: &toml::Value,
    numbers: &BTreeMap<u32, Location>,
    no: u32,
    what: &str,
) -> Target {
    match value {
        toml::Value::Integer(n) => match u32::try_from(*n) {
            Ok(n) if numbers.contains_key(&n) => Target::Step(n),
            _ => {
                c.error(
                    at,
                    "unknown-step",
                    format!("langkah {no} menunjuk ke langkah {n} ({what}) yang tidak ada"),
                );
                Target::End
            }
        },
        toml::Value::String(w) if w == "selesai" => Target::End,
        toml::Value::String(w) if w == "ditolak" => Target::Rejected,
        other => {
            c.error(
                at,
                "bad-target",
                format!("{what} pada langkah {no} harus nomor langkah, \"selesai\" atau \"ditolak\", bukan {other}"),
            );
            Target::End
        }
    }
}

/// `[deadline] time = "28 hari"`.
fn check_deadline(c: &mut Checker, raw: RawDeadline) -> Option<Deadline> {
    let at = c.at(&raw.time);
    match StandardTime::parse(raw.time.get_ref()) {
        Ok(Some(time)) => Some(Deadline { time, at }),
        Ok(None) => {
            c.error(
                at,
                "bad-time",
                "[deadline] time: tulis batas waktu seluruh prosedur, misalnya \"28 hari\"",
            );
            None
        }
        Err(e) => {
            c.error(at, "bad-time", format!("[deadline]: {e}"));
            None
        }
    }
}

/// A routine SOP starts by itself: its first step is an internal lane's
/// task, with nothing to fill in that only a requester would know.
fn check_routine(c: &mut Checker, at: Location, lanes: &[Lane], steps: &[Step]) {
    let Some(first) = steps.first() else { return };
    if first.lanes().any(|id| lanes.iter().any(|l| l.id == id && (l.requester || l.anyone))) {
        c.error(
            at,
            "schedule-with-requester",
            format!("SOP rutin ([schedule]) dimulai sendiri oleh server: langkah pertama ({}) harus dikerjakan pelaksana internal, bukan pemohon", first.no),
        );
    }
}

/// At most one field names the person a request is filed for, on the first
/// step (`on_behalf` is kept only on `pegawai` fields, see `check_fields`).
fn check_on_behalf(c: &mut Checker, steps: &[Step]) {
    let first = steps.first().map(|s| s.no);
    let marked = steps.iter().flat_map(|s| s.fields.iter().filter(|f| f.on_behalf).map(move |f| (s, f)));
    for (i, (step, field)) in marked.enumerate() {
        if Some(step.no) != first {
            c.error(step.at, "bad-on-behalf", format!("isian \"{}\": atas nama siapa permohonan diajukan ditulis pada langkah pertama, bukan langkah {}", field.name, step.no));
        } else if i > 0 {
            c.error(step.at, "bad-on-behalf", "hanya satu isian on_behalf per SOP".to_string());
        }
    }
}

fn check_fields(c: &mut Checker, raw: Vec<Spanned<RawField>>, no: u32) -> Vec<Field> {
    let mut seen = HashSet::new();
    let mut fields = Vec::new();
    let mut conditions = Vec::new();
    for spanned in raw {
        let f = spanned.into_inner();
        let name = f.name.get_ref().clone();
        let at = c.at(&f.name);
        if !is_slug(&name, '_') {
            c.error(at, "bad-field-name", format!("nama isian \"{name}\" pada langkah {no} tidak sah — pakai huruf kecil, angka dan garis bawah, misalnya \"nama_pemohon\""));
        }
        if !seen.insert(name.clone()) {
            c.error(at, "duplicate-field", format!("isian \"{name}\" pada langkah {no} ditulis dua kali"));
        }
        if f.kind == FieldKind::Select && f.options.is_empty() {
            c.error(
                at,
                "select-without-options",
                format!("isian \"{name}\" pada langkah {no} bertipe select tetapi tidak punya options"),
            );
        }
        if let (Some(min), Some(max)) = (f.min_length, f.max_length) {
            if min > max {
                c.error(at, "bad-length", format!("isian \"{name}\" pada langkah {no}: min_length {min} lebih besar dari max_length {max}"));
            }
        }
        let pattern = f.pattern.as_ref().and_then(|p| {
            // Anchor the whole value: a pattern describes the entire entry.
            match regex::Regex::new(&format!("^(?:{})$", p.get_ref())) {
                Ok(re) => Some(re),
                Err(e) => {
                    let p_at = c.at(p);
                    let reason = e.to_string().lines().last().unwrap_or_default().trim().to_string();
                    c.error(
                        p_at,
                        "bad-pattern",
                        format!("pola isian \"{name}\" pada langkah {no} tidak sah: {reason}"),
                    );
                    None
                }
            }
        });
        if let Some(when) = f.required_when {
            conditions.push((name.clone(), c.at(&when), when.into_inner()));
        }
        if let Some(flag) = f.on_behalf.as_ref().filter(|_| f.kind != FieldKind::Pegawai) {
            let f_at = c.at(flag);
            c.error(
                f_at,
                "bad-on-behalf",
                format!("isian \"{name}\" pada langkah {no}: on_behalf hanya untuk isian type = \"pegawai\""),
            );
        }
        fields.push(Field {
            on_behalf: f.on_behalf.as_ref().is_some_and(|b| *b.get_ref()) && f.kind == FieldKind::Pegawai,
            required_when: None,
            personal: f.kind == FieldKind::Nik || f.personal,
            name,
            label: f.label,
            kind: f.kind,
            required: f.required,
            pattern,
            min_length: f.min_length,
            max_length: f.max_length,
            options: f.options,
            help: f.help,
        });
    }
    // A condition names another field of the same step, and a value it can take.
    for (name, at, when) in conditions {
        match fields.iter().find(|f| f.name == when.field && f.name != name) {
            None => c.error(
                at,
                "unknown-field",
                format!(
                    "required_when isian \"{name}\": langkah {no} tidak punya isian lain \"{}\"",
                    when.field
                ),
            ),
            Some(other) if other.kind == FieldKind::Select && !other.options.contains(&when.value) => c
                .error(
                    at,
                    "unknown-option",
                    format!(
                        "required_when isian \"{name}\": \"{}\" bukan pilihan isian \"{}\" ({})",
                        when.value,
                        when.field,
                        other.options.join(", ")
                    ),
                ),
            Some(_) => {
                let field = fields.iter_mut().find(|f| f.name == name).expect("pushed above");
                field.required_when = Some(RequiredWhen { field: when.field, value: when.value });
            }
        }
    }
    fields
}

fn check_attachments(c: &mut Checker, raw: Vec<Spanned<RawAttachment>>, no: u32) -> Vec<Attachment> {
    let mut attachments = Vec::new();
    for spanned in raw {
        let a = spanned.into_inner();
        let name = a.name.get_ref().clone();
        if !is_slug(&name, '_') {
            let at = c.at(&a.name);
            c.error(at, "bad-field-name", format!("nama lampiran \"{name}\" pada langkah {no} tidak sah — pakai huruf kecil, angka dan garis bawah"));
        }
        let accept: Vec<String> = a.accept.get_ref().iter().map(|k| k.to_lowercase()).collect();
        let unknown: Vec<&String> =
            accept.iter().filter(|k| !ACCEPTED_FILE_KINDS.contains(&k.as_str())).collect();
        if accept.is_empty() || !unknown.is_empty() {
            let at = c.at(&a.accept);
            c.error(
                at,
                "bad-accept",
                format!(
                    "lampiran \"{name}\" pada langkah {no}: jenis berkas yang diterima harus dari {}",
                    ACCEPTED_FILE_KINDS.join(", ")
                ),
            );
        }
        attachments.push(Attachment {
            name,
            label: a.label,
            required: a.required,
            accept,
            max_kb: a.max_kb.unwrap_or(DEFAULT_ATTACHMENT_KB),
        });
    }
    attachments
}

/// Turns a TOML or shape error into a diagnostic in Bahasa Indonesia.
pub(crate) fn toml_error(file: &str, text: &str, e: &toml::de::Error) -> Diagnostic {
    let at = e.span().map_or(Location { line: 1, column: 1 }, |s| Location::of_offset(text, s.start));
    let (code, message) = translate(e.message());
    Diagnostic::error(file, at, code, message)
}

fn translate(message: &str) -> (&'static str, String) {
    let quoted = |s: &str| -> Vec<String> { s.split('`').skip(1).step_by(2).map(str::to_string).collect() };
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("missing field ") {
        let q = quoted(rest);
        let field = q.first().cloned().unwrap_or_default();
        return ("missing-key", format!("kunci \"{field}\" wajib ada di sini"));
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let q = quoted(rest);
        let (field, known) = q.split_first().map_or((String::new(), &[][..]), |(f, k)| (f.clone(), k));
        return (
            "unknown-key",
            format!("kunci \"{field}\" tidak dikenal; yang dikenal di sini: {}", known.join(", ")),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let q = quoted(rest);
        let (word, known) = q.split_first().map_or((String::new(), &[][..]), |(f, k)| (f.clone(), k));
        return ("unknown-word", format!("\"{word}\" tidak dikenal; pilih salah satu: {}", known.join(", ")));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, "?"));
        return (
            "wrong-type",
            format!("nilai {} tidak cocok; di sini harus {}", found_word(found), expected_word(expected)),
        );
    }
    if message.starts_with("duplicate key") {
        return ("duplicate-key", "kunci ini sudah ditulis sebelumnya di tabel yang sama".to_string());
    }
    if message.contains("invalid basic string") || message.contains("invalid literal string") {
        return (
            "toml-syntax",
            "penulisan TOML tidak sah: teks belum ditutup dengan tanda kutip".to_string(),
        );
    }
    ("toml-syntax", format!("penulisan TOML tidak sah: {message}"))
}

fn found_word(found: &str) -> String {
    if let Some(s) = found.strip_prefix("string ") {
        format!("teks {s}")
    } else if let Some(n) = found.strip_prefix("integer ") {
        format!("bilangan {n}")
    } else if found == "sequence" {
        "berupa daftar".to_string()
    } else if found == "map" {
        "berupa tabel".to_string()
    } else {
        found.to_string()
    }
}

fn expected_word(expected: &str) -> &'static str {
    match expected {
        "i64" | "u32" | "an integer" => "bilangan bulat",
        "a string" => "teks dalam tanda kutip",
        "a sequence" => "daftar [\"…\", \"…\"]",
        "a boolean" => "true atau false",
        _ => "jenis nilai lain (lihat docs/sop-format.md)",
    }
}
