//! The SOP editor's form: a definition as the fields a person fills in —
//! identity page, lanes, steps as rows with their fields and attachments,
//! the letter template — read from its TOML text and written back into it.
//!
//! Writing changes only what the form changed: every other key, comment
//! and layout of the text stays as it was, and an unchanged form gives the
//! very same bytes back. What the form has no field for (a `[registry]`, a
//! step's `max_rounds`, a value of a type the field cannot show) travels
//! with it as TOML text of its own (`rest`), so nothing is ever dropped. A
//! form read from a text that does not make a valid SOP is still a form:
//! the definition's own checks say what is wrong, at the field
//! [`field_at`] names.

use toml_edit::{Array, ArrayOfTables, DocumentMut, Item, Table, Value};

use crate::diagnostic::Location;

/// The whole definition as a form. Every value is kept as typed: numbers
/// and branch targets are text, written as numbers when they are numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SopForm {
    pub id: String,
    pub version: String,
    pub agency: String,
    pub service: String,
    pub identity: IdentityForm,
    pub lanes: Vec<LaneRow>,
    pub steps: Vec<StepRow>,
    pub letter: LetterForm,
    /// `[registry]`: the register the procedure's result is entered in.
    pub registry: RegistryForm,
    /// Top-level parts without a field (`[[corrections]]`, `[visit]`,
    /// `[review]`, `[deadline]`, `[schedule]`), as TOML.
    pub rest: String,
}

/// `[identity]`: the identity page. Lists hold one item per entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdentityForm {
    pub nomor: String,
    pub nama: String,
    pub unit: String,
    pub tanggal_pembuatan: String,
    pub tanggal_revisi: String,
    pub tanggal_pengesahan: String,
    pub tanggal_efektif: String,
    pub judul_prosedur: String,
    pub dasar_hukum: Vec<String>,
    pub kualifikasi_pelaksana: Vec<String>,
    pub keterkaitan: Vec<String>,
    pub peralatan: Vec<String>,
    pub peringatan: Vec<String>,
    pub pencatatan: Vec<String>,
    pub catatan: Vec<String>,
    /// `[identity.disahkan_oleh]`; all empty: the table is left out.
    pub approver: ApproverForm,
    pub rest: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApproverForm {
    pub jabatan: String,
    pub nama: String,
    pub pangkat: String,
    pub nip: String,
    pub rest: String,
}

/// One `[[lanes]]` table: a column of the matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LaneRow {
    /// Which table of the text the row was read from; `None` for a new row.
    pub origin: Option<usize>,
    pub id: String,
    pub name: String,
    pub positions: Vec<String>,
    pub requester: bool,
    pub anyone: bool,
    pub rest: String,
}

/// One `[[steps]]` table: a row of the matrix.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StepRow {
    pub origin: Option<usize>,
    pub no: String,
    /// The lane, then the partners of a joint step.
    pub lanes: Vec<String>,
    pub action: String,
    pub activity: String,
    pub requirements: Vec<String>,
    pub time: String,
    /// One (`output`) or several (`outputs`).
    pub outputs: Vec<String>,
    pub remarks: String,
    /// A step number, `selesai`, `ditolak`, or numbers joined by commas (a fork).
    pub next: String,
    pub ya: String,
    pub tidak: String,
    pub fields: Vec<FieldRow>,
    pub attachments: Vec<AttachmentRow>,
    pub rest: String,
}

/// One `[[steps.fields]]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldRow {
    pub origin: Option<usize>,
    pub name: String,
    pub label: String,
    pub kind: String,
    pub required: bool,
    pub options: Vec<String>,
    pub help: String,
    pub rest: String,
}

/// One `[[steps.attachments]]` table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttachmentRow {
    pub origin: Option<usize>,
    pub name: String,
    pub label: String,
    pub required: bool,
    pub accept: Vec<String>,
    pub max_kb: String,
    pub rest: String,
}

/// `[letter]`; all empty: the table is left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LetterForm {
    pub subject: String,
    pub recipient: String,
    pub body: String,
    pub classification: String,
    pub rest: String,
}

/// `[registry]`; all empty: the table is left out. Field names are the
/// names of step fields (`key`, `person`, …), chosen from the SOP's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryForm {
    pub kind: String,
    /// For a kind of the agency's own: what its register is called.
    pub label: String,
    pub name_rule: String,
    /// `buat` (empty: the default) or `cabut`.
    pub action: String,
    pub step: String,
    pub key: String,
    pub person: String,
    pub valid_until: String,
    pub details: Vec<String>,
    pub unit: String,
    pub requested: String,
    pub other_name_reason: String,
    pub record_type: String,
    pub record_value: String,
    /// The connector that makes a new entry real (`dns`, `ldap`, …); empty:
    /// by hand.
    pub provision: String,
    pub requested_value: String,
    pub rest: String,
}

/// Why a form could not be written into a text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct FormError {
    /// The form field at fault (`steps.2.rest`), or `""` for the text as a whole.
    pub field: String,
    pub message: String,
}

/// A change of the form's shape, made by a button (or a drag) rather than typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    AddLane,
    RemoveLane(usize),
    MoveLane { from: usize, to: usize },
    AddStep,
    RemoveStep(usize),
    MoveStep { from: usize, to: usize },
    AddField(usize),
    RemoveField(usize, usize),
    AddAttachment(usize),
    RemoveAttachment(usize, usize),
}

impl Edit {
    /// The edit a button's value names: `step-up:3`, `field-remove:2:0`, ….
    pub fn parse(word: &str) -> Option<Edit> {
        let mut parts = word.split(':');
        let what = parts.next()?;
        let numbers: Vec<usize> = parts.map(str::parse).collect::<Result<_, _>>().ok()?;
        Some(match (what, numbers.as_slice()) {
            ("lane-add", []) => Edit::AddLane,
            ("lane-remove", [i]) => Edit::RemoveLane(*i),
            ("lane-up", [i]) => Edit::MoveLane { from: *i, to: i.checked_sub(1)? },
            ("lane-down", [i]) => Edit::MoveLane { from: *i, to: i + 1 },
            ("step-add", []) => Edit::AddStep,
            ("step-remove", [i]) => Edit::RemoveStep(*i),
            ("step-up", [i]) => Edit::MoveStep { from: *i, to: i.checked_sub(1)? },
            ("step-down", [i]) => Edit::MoveStep { from: *i, to: i + 1 },
            ("step-move", [from, to]) => Edit::MoveStep { from: *from, to: *to },
            ("field-add", [i]) => Edit::AddField(*i),
            ("field-remove", [i, j]) => Edit::RemoveField(*i, *j),
            ("attachment-add", [i]) => Edit::AddAttachment(*i),
            ("attachment-remove", [i, j]) => Edit::RemoveAttachment(*i, *j),
            _ => return None,
        })
    }
}

/// Moves `from` to `to` when both are rows of `rows`; whether it did.
fn move_row<T>(rows: &mut Vec<T>, from: usize, to: usize) -> bool {
    if from >= rows.len() || to >= rows.len() || from == to {
        return false;
    }
    let row = rows.remove(from);
    rows.insert(to, row);
    true
}

impl SopForm {
    /// The form of `text`; `Err` only when it is not TOML at all.
    pub fn read(text: &str) -> Result<SopForm, FormError> {
        let doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| FormError {
            field: String::new(),
            message: format!("penulisan TOML tidak sah: {}", e.message()),
        })?;
        Ok(SopForm::of_table(doc.as_table()))
    }

    fn of_table(root: &Table) -> SopForm {
        let mut r = Read::new(root);
        let form = SopForm::read_with(&mut r);
        SopForm { rest: r.rest(), ..form }
    }

    fn read_with(r: &mut Read<'_>) -> SopForm {
        SopForm {
            id: r.line("id"),
            version: r.number("version"),
            agency: r.line("agency"),
            service: r.line("service"),
            identity: r.table("identity").map(IdentityForm::read).unwrap_or_default(),
            lanes: r.rows("lanes", LaneRow::read),
            steps: r.rows("steps", StepRow::read),
            letter: r.table("letter").map(LetterForm::read).unwrap_or_default(),
            registry: r.table("registry").map(RegistryForm::read).unwrap_or_default(),
            rest: String::new(),
        }
    }

    /// The TOML text of this form: `base` (the text it was read from) with
    /// what the form changed written into it, every other part as it was.
    /// With an empty `base`, a text made from the form alone.
    pub fn write(&self, base: &str) -> Result<String, FormError> {
        let mut doc: DocumentMut = base.parse().map_err(|e: toml_edit::TomlError| FormError {
            field: String::new(),
            message: format!("teks TOML konsep tidak sah: {}", e.message()),
        })?;
        let old = SopForm::of_table(doc.as_table());
        if *self == old {
            return Ok(base.to_string());
        }
        let root = doc.as_table_mut();
        put(root, "id", text(&self.id), &self.id, &old.id);
        put(root, "version", number(&self.version), &self.version, &old.version);
        put(root, "agency", text(&self.agency), &self.agency, &old.agency);
        put(root, "service", text(&self.service), &self.service, &old.service);
        if self.identity != old.identity {
            let empty = self.identity == IdentityForm::default();
            let table = sub_table(root, "identity", empty);
            if let Some(table) = table {
                self.identity.write(table, &old.identity)?;
            }
        }
        write_rows(root, "lanes", &self.lanes, &old.lanes, "lanes")?;
        write_rows(root, "steps", &self.steps, &old.steps, "steps")?;
        if self.letter != old.letter {
            let empty = self.letter == LetterForm::default();
            if let Some(table) = sub_table(root, "letter", empty) {
                self.letter.write(table, &old.letter)?;
            }
        }
        if self.registry != old.registry {
            let empty = self.registry == RegistryForm::default();
            if let Some(table) = sub_table(root, "registry", empty) {
                self.registry.write(table, &old.registry)?;
            }
        }
        // Last, so that what the rest adds follows what the form has fields for.
        write_rest(root, &self.rest, &old.rest, SopForm::taken, "rest")?;
        Ok(doc.to_string())
    }

    /// The keys of the top level that have a field (when of its type).
    fn taken(table: &Table) -> Vec<String> {
        let mut r = Read::new(table);
        SopForm::read_with(&mut r);
        r.taken
    }

    /// Changes the form's shape; whether anything changed.
    /// The fields a reviewer comments on, in the form's order, each with
    /// what it says now: the identity page, every lane's name and each
    /// step's activity, executors, requirements, time and output, and the
    /// letter. Names are the editor's (`identity.nomor`, `steps.2.time`).
    pub fn commentable(&self) -> Vec<(String, String)> {
        let i = &self.identity;
        let mut out: Vec<(String, String)> = [
            ("nomor", i.nomor.clone()),
            ("nama", i.nama.clone()),
            ("unit", i.unit.clone()),
            ("tanggal_pembuatan", i.tanggal_pembuatan.clone()),
            ("tanggal_efektif", i.tanggal_efektif.clone()),
            ("dasar_hukum", i.dasar_hukum.join("; ")),
            ("kualifikasi_pelaksana", i.kualifikasi_pelaksana.join("; ")),
            ("keterkaitan", i.keterkaitan.join("; ")),
            ("peralatan", i.peralatan.join("; ")),
            ("peringatan", i.peringatan.join("; ")),
            ("pencatatan", i.pencatatan.join("; ")),
        ]
        .into_iter()
        .map(|(name, value)| (format!("identity.{name}"), value))
        .collect();
        for (n, lane) in self.lanes.iter().enumerate() {
            out.push((format!("lanes.{n}.name"), lane.name.clone()));
        }
        for (n, step) in self.steps.iter().enumerate() {
            for (part, value) in [
                ("activity", step.activity.clone()),
                ("lane", step.lanes.join(", ")),
                ("requirements", step.requirements.join("; ")),
                ("time", step.time.clone()),
                ("outputs", step.outputs.join("; ")),
            ] {
                out.push((format!("steps.{n}.{part}"), value));
            }
        }
        out.push(("letter.subject".into(), self.letter.subject.clone()));
        out.push(("letter.body".into(), self.letter.body.clone()));
        out
    }

    pub fn edit(&mut self, edit: Edit) -> bool {
        match edit {
            Edit::AddLane => {
                let n = self.lanes.len() + 1;
                let id = (n..)
                    .map(|k| format!("pelaksana-{k}"))
                    .find(|id| !self.lanes.iter().any(|l| &l.id == id));
                self.lanes.push(LaneRow {
                    id: id.unwrap_or_default(),
                    name: format!("Pelaksana {n}"),
                    ..LaneRow::default()
                });
                true
            }
            Edit::RemoveLane(i) => {
                i < self.lanes.len() && {
                    self.lanes.remove(i);
                    true
                }
            }
            Edit::MoveLane { from, to } => move_row(&mut self.lanes, from, to),
            Edit::AddStep => {
                let highest = self.steps.iter().filter_map(|s| s.no.trim().parse::<u32>().ok()).max();
                let lane = self.steps.last().and_then(|s| s.lanes.first().cloned());
                let lane = lane.or_else(|| self.lanes.first().map(|l| l.id.clone()));
                self.steps.push(StepRow {
                    no: (highest.unwrap_or(0) + 1).to_string(),
                    lanes: lane.into_iter().collect(),
                    action: if self.steps.is_empty() { "submit" } else { "perform" }.to_string(),
                    ..StepRow::default()
                });
                true
            }
            Edit::RemoveStep(i) => {
                i < self.steps.len() && {
                    self.steps.remove(i);
                    true
                }
            }
            Edit::MoveStep { from, to } => move_row(&mut self.steps, from, to),
            Edit::AddField(i) => self.steps.get_mut(i).is_some_and(|s| {
                let n = s.fields.len() + 1;
                s.fields.push(FieldRow {
                    name: format!("isian_{n}"),
                    label: format!("Isian {n}"),
                    kind: "text".into(),
                    ..FieldRow::default()
                });
                true
            }),
            Edit::RemoveField(i, j) => self.steps.get_mut(i).is_some_and(|s| {
                j < s.fields.len() && {
                    s.fields.remove(j);
                    true
                }
            }),
            Edit::AddAttachment(i) => self.steps.get_mut(i).is_some_and(|s| {
                let n = s.attachments.len() + 1;
                s.attachments.push(AttachmentRow {
                    name: format!("lampiran_{n}"),
                    label: format!("Lampiran {n}"),
                    accept: vec!["pdf".into()],
                    ..AttachmentRow::default()
                });
                true
            }),
            Edit::RemoveAttachment(i, j) => self.steps.get_mut(i).is_some_and(|s| {
                j < s.attachments.len() && {
                    s.attachments.remove(j);
                    true
                }
            }),
        }
    }
}

impl IdentityForm {
    fn read(table: &Table) -> IdentityForm {
        let mut r = Read::new(table);
        let form = IdentityForm::read_with(&mut r);
        IdentityForm { rest: r.rest(), ..form }
    }

    fn read_with(r: &mut Read<'_>) -> IdentityForm {
        IdentityForm {
            nomor: r.line("nomor"),
            nama: r.line("nama"),
            unit: r.line("unit"),
            tanggal_pembuatan: r.line("tanggal_pembuatan"),
            tanggal_revisi: r.line("tanggal_revisi"),
            tanggal_pengesahan: r.line("tanggal_pengesahan"),
            tanggal_efektif: r.line("tanggal_efektif"),
            judul_prosedur: r.line("judul_prosedur"),
            dasar_hukum: r.list("dasar_hukum"),
            kualifikasi_pelaksana: r.list("kualifikasi_pelaksana"),
            keterkaitan: r.list("keterkaitan"),
            peralatan: r.list("peralatan"),
            peringatan: r.list("peringatan"),
            pencatatan: r.list("pencatatan"),
            catatan: r.list("catatan"),
            approver: r.table("disahkan_oleh").map(ApproverForm::read).unwrap_or_default(),
            rest: String::new(),
        }
    }

    fn taken(table: &Table) -> Vec<String> {
        let mut r = Read::new(table);
        IdentityForm::read_with(&mut r);
        r.taken
    }

    fn write(&self, t: &mut Table, old: &IdentityForm) -> Result<(), FormError> {
        let lines = [
            ("nomor", &self.nomor, &old.nomor),
            ("nama", &self.nama, &old.nama),
            ("unit", &self.unit, &old.unit),
            ("tanggal_pembuatan", &self.tanggal_pembuatan, &old.tanggal_pembuatan),
            ("tanggal_revisi", &self.tanggal_revisi, &old.tanggal_revisi),
            ("tanggal_pengesahan", &self.tanggal_pengesahan, &old.tanggal_pengesahan),
            ("tanggal_efektif", &self.tanggal_efektif, &old.tanggal_efektif),
            ("judul_prosedur", &self.judul_prosedur, &old.judul_prosedur),
        ];
        for (key, new, was) in lines {
            put(t, key, text(new), new, was);
        }
        let lists = [
            ("dasar_hukum", &self.dasar_hukum, &old.dasar_hukum),
            ("kualifikasi_pelaksana", &self.kualifikasi_pelaksana, &old.kualifikasi_pelaksana),
            ("keterkaitan", &self.keterkaitan, &old.keterkaitan),
            ("peralatan", &self.peralatan, &old.peralatan),
            ("peringatan", &self.peringatan, &old.peringatan),
            ("pencatatan", &self.pencatatan, &old.pencatatan),
            ("catatan", &self.catatan, &old.catatan),
        ];
        for (key, new, was) in lists {
            put(t, key, list(new), new, was);
        }
        if self.approver != old.approver {
            let empty = self.approver == ApproverForm::default();
            if let Some(table) = sub_table(t, "disahkan_oleh", empty) {
                self.approver.write(table, &old.approver)?;
            }
        }
        write_rest(t, &self.rest, &old.rest, IdentityForm::taken, "identity.rest")?;
        Ok(())
    }
}

impl ApproverForm {
    fn read(table: &Table) -> ApproverForm {
        let mut r = Read::new(table);
        let form = ApproverForm::read_with(&mut r);
        ApproverForm { rest: r.rest(), ..form }
    }

    fn read_with(r: &mut Read<'_>) -> ApproverForm {
        ApproverForm {
            jabatan: r.line("jabatan"),
            nama: r.line("nama"),
            pangkat: r.line("pangkat"),
            nip: r.line("nip"),
            rest: String::new(),
        }
    }

    fn taken(table: &Table) -> Vec<String> {
        let mut r = Read::new(table);
        ApproverForm::read_with(&mut r);
        r.taken
    }

    fn write(&self, t: &mut Table, old: &ApproverForm) -> Result<(), FormError> {
        for (key, new, was) in [
            ("jabatan", &self.jabatan, &old.jabatan),
            ("nama", &self.nama, &old.nama),
            ("pangkat", &self.pangkat, &old.pangkat),
            ("nip", &self.nip, &old.nip),
        ] {
            put(t, key, text(new), new, was);
        }
        write_rest(t, &self.rest, &old.rest, ApproverForm::taken, "identity.disahkan_oleh.rest")?;
        Ok(())
    }
}

impl LetterForm {
    fn read(table: &Table) -> LetterForm {
        let mut r = Read::new(table);
        let form = LetterForm::read_with(&mut r);
        LetterForm { rest: r.rest(), ..form }
    }

    fn read_with(r: &mut Read<'_>) -> LetterForm {
        LetterForm {
            subject: r.line("subject"),
            recipient: r.para("recipient"),
            body: r.para("body"),
            classification: r.line("classification"),
            rest: String::new(),
        }
    }

    fn taken(table: &Table) -> Vec<String> {
        let mut r = Read::new(table);
        LetterForm::read_with(&mut r);
        r.taken
    }

    fn write(&self, t: &mut Table, old: &LetterForm) -> Result<(), FormError> {
        put(t, "subject", text(&self.subject), &self.subject, &old.subject);
        put(t, "recipient", text(&self.recipient), &self.recipient, &old.recipient);
        put(t, "body", text(&self.body), &self.body, &old.body);
        put(t, "classification", text(&self.classification), &self.classification, &old.classification);
        write_rest(t, &self.rest, &old.rest, LetterForm::taken, "letter.rest")?;
        Ok(())
    }
}

impl RegistryForm {
    const LINES: [&'static str; 15] = [
        "kind",
        "label",
        "name_rule",
        "action",
        "key",
        "person",
        "valid_until",
        "unit",
        "requested",
        "other_name_reason",
        "record_type",
        "record_value",
        "provision",
        "requested_value",
        "step",
    ];

    fn read(table: &Table) -> RegistryForm {
        let mut r = Read::new(table);
        let form = RegistryForm::read_with(&mut r);
        RegistryForm { rest: r.rest(), ..form }
    }

    fn read_with(r: &mut Read<'_>) -> RegistryForm {
        RegistryForm {
            kind: r.line("kind"),
            label: r.line("label"),
            name_rule: r.line("name_rule"),
            action: r.line("action"),
            step: r.number("step"),
            key: r.line("key"),
            person: r.line("person"),
            valid_until: r.line("valid_until"),
            details: r.list("details"),
            unit: r.line("unit"),
            requested: r.line("requested"),
            other_name_reason: r.line("other_name_reason"),
            record_type: r.line("record_type"),
            record_value: r.line("record_value"),
            provision: r.line("provision"),
            requested_value: r.line("requested_value"),
            rest: String::new(),
        }
    }

    fn taken(table: &Table) -> Vec<String> {
        let mut r = Read::new(table);
        RegistryForm::read_with(&mut r);
        r.taken
    }

    fn values(&self) -> [&String; 15] {
        [
            &self.kind,
            &self.label,
            &self.name_rule,
            &self.action,
            &self.key,
            &self.person,
            &self.valid_until,
            &self.unit,
            &self.requested,
            &self.other_name_reason,
            &self.record_type,
            &self.record_value,
            &self.provision,
            &self.requested_value,
            &self.step,
        ]
    }

    fn write(&self, t: &mut Table, old: &RegistryForm) -> Result<(), FormError> {
        for ((key, new), was) in RegistryForm::LINES.iter().zip(self.values()).zip(old.values()) {
            let item = if *key == "step" { number(new) } else { text(new) };
            put(t, key, item, new, was);
        }
        put(t, "details", list(&self.details), &self.details, &old.details);
        write_rest(t, &self.rest, &old.rest, RegistryForm::taken, "registry.rest")?;
        Ok(())
    }
}

/// A row of an array of tables: read from one table, written into one.
trait Row: Clone + Default + PartialEq {
    fn origin(&self) -> Option<usize>;
    fn read(table: &Table, origin: usize) -> Self;
    fn write(&self, table: &mut Table, old: &Self, place: &str) -> Result<(), FormError>;
}

impl LaneRow {
    fn read_with(r: &mut Read<'_>, origin: usize) -> LaneRow {
        LaneRow {
            origin: Some(origin),
            id: r.line("id"),
            name: r.line("name"),
            positions: r.list("positions"),
            requester: r.flag("requester"),
            anyone: r.flag("anyone"),
            rest: String::new(),
        }
    }

    fn taken(table: &Table) -> Vec<String> {
        let mut r = Read::new(table);
        LaneRow::read_with(&mut r, 0);
        r.taken
    }
}

impl Row for LaneRow {
    fn origin(&self) -> Option<usize> {
        self.origin
    }

    fn read(table: &Table, origin: usize) -> LaneRow {
        let mut r = Read::new(table);
        let row = LaneRow::read_with(&mut r, origin);
        LaneRow { rest: r.rest(), ..row }
    }

    fn write(&self, t: &mut Table, old: &LaneRow, place: &str) -> Result<(), FormError> {
        put(t, "id", text(&self.id), &self.id, &old.id);
        put_required(t, "name", &self.name, &old.name);
        // Positions are a set: their order on the form is the agency's.
        if !same_set(&self.positions, &old.positions) {
            let kept = old.positions.iter().filter(|p| self.positions.contains(p));
            let added = self.positions.iter().filter(|p| !old.positions.contains(p));
            let positions: Vec<String> = kept.chain(added).cloned().collect();
            put(t, "positions", list(&positions), &positions, &old.positions);
        }
        put(t, "requester", flag(self.requester), &self.requester, &old.requester);
        put(t, "anyone", flag(self.anyone), &self.anyone, &old.anyone);
        write_rest(t, &self.rest, &old.rest, LaneRow::taken, &format!("{place}.rest"))?;
        Ok(())
    }
}

impl StepRow {
    fn read_with(r: &mut Read<'_>, origin: usize) -> StepRow {
        let outputs = match (r.has("output"), r.has("outputs")) {
            (true, false) => {
                let one = r.line("output");
                if one.is_empty() { Vec::new() } else { vec![one] }
            }
            (false, true) => r.list("outputs"),
            _ => Vec::new(),
        };
        StepRow {
            origin: Some(origin),
            no: r.number("no"),
            lanes: r.lanes("lane"),
            action: r.line("action"),
            activity: r.para("activity"),
            requirements: r.list("requirements"),
            time: r.line("time"),
            outputs,
            remarks: r.para("remarks"),
            next: r.targets("next"),
            ya: r.target("ya"),
            tidak: r.target("tidak"),
            fields: r.rows("fields", FieldRow::read),
            attachments: r.rows("attachments", AttachmentRow::read),
            rest: String::new(),
        }
    }

    fn taken(table: &Table) -> Vec<String> {
        let mut r = Read::new(table);
        StepRow::read_with(&mut r, 0);
        r.taken
    }
}

impl Row for StepRow {
    fn origin(&self) -> Option<usize> {
        self.origin
    }

    fn read(table: &Table, origin: usize) -> StepRow {
        let mut r = Read::new(table);
        let row = StepRow::read_with(&mut r, origin);
        StepRow { rest: r.rest(), ..row }
    }

    fn write(&self, t: &mut Table, old: &StepRow, place: &str) -> Result<(), FormError> {
        put(t, "no", number(&self.no), &self.no, &old.no);
        let lanes = match self.lanes.as_slice() {
            [] => None,
            [one] => text(one),
            many => list(many),
        };
        put(t, "lane", lanes, &self.lanes, &old.lanes);
        put(t, "action", text(&self.action), &self.action, &old.action);
        put_required(t, "activity", &self.activity, &old.activity);
        put(t, "requirements", list(&self.requirements), &self.requirements, &old.requirements);
        put(t, "time", text(&self.time), &self.time, &old.time);
        if self.outputs != old.outputs {
            t.remove("output");
            t.remove("outputs");
            match self.outputs.as_slice() {
                [] => {}
                [one] => {
                    t.insert("output", Item::Value(one.as_str().into()));
                }
                many => {
                    t.insert("outputs", list(many).expect("several outputs"));
                }
            }
        }
        put(t, "remarks", text(&self.remarks), &self.remarks, &old.remarks);
        put(t, "next", targets(&self.next), &self.next, &old.next);
        put(t, "ya", target(&self.ya), &self.ya, &old.ya);
        put(t, "tidak", target(&self.tidak), &self.tidak, &old.tidak);
        write_rows(t, "fields", &self.fields, &old.fields, &format!("{place}.fields"))?;
        write_rows(t, "attachments", &self.attachments, &old.attachments, &format!("{place}.attachments"))?;
        write_rest(t, &self.rest, &old.rest, StepRow::taken, &format!("{place}.rest"))?;
        Ok(())
    }
}

impl FieldRow {
    fn read_with(r: &mut Read<'_>, origin: usize) -> FieldRow {
        FieldRow {
            origin: Some(origin),
            name: r.line("name"),
            label: r.line("label"),
            kind: r.line("type"),
            required: r.flag("required"),
            options: r.list("options"),
            help: r.line("help"),
            rest: String::new(),
        }
    }

    fn taken(table: &Table) -> Vec<String> {
        let mut r = Read::new(table);
        FieldRow::read_with(&mut r, 0);
        r.taken
    }
}

impl Row for FieldRow {
    fn origin(&self) -> Option<usize> {
        self.origin
    }

    fn read(table: &Table, origin: usize) -> FieldRow {
        let mut r = Read::new(table);
        let row = FieldRow::read_with(&mut r, origin);
        FieldRow { rest: r.rest(), ..row }
    }

    fn write(&self, t: &mut Table, old: &FieldRow, place: &str) -> Result<(), FormError> {
        put(t, "name", text(&self.name), &self.name, &old.name);
        put_required(t, "label", &self.label, &old.label);
        put(t, "type", text(&self.kind), &self.kind, &old.kind);
        put(t, "required", flag(self.required), &self.required, &old.required);
        put(t, "options", list(&self.options), &self.options, &old.options);
        put(t, "help", text(&self.help), &self.help, &old.help);
        write_rest(t, &self.rest, &old.rest, FieldRow::taken, &format!("{place}.rest"))?;
        Ok(())
    }
}

impl AttachmentRow {
    fn read_with(r: &mut Read<'_>, origin: usize) -> AttachmentRow {
        AttachmentRow {
            origin: Some(origin),
            name: r.line("name"),
            label: r.line("label"),
            required: r.flag("required"),
            accept: r.list("accept"),
            max_kb: r.number("max_kb"),
            rest: String::new(),
        }
    }

    fn taken(table: &Table) -> Vec<String> {
        let mut r = Read::new(table);
        AttachmentRow::read_with(&mut r, 0);
        r.taken
    }
}

impl Row for AttachmentRow {
    fn origin(&self) -> Option<usize> {
        self.origin
    }

    fn read(table: &Table, origin: usize) -> AttachmentRow {
        let mut r = Read::new(table);
        let row = AttachmentRow::read_with(&mut r, origin);
        AttachmentRow { rest: r.rest(), ..row }
    }

    fn write(&self, t: &mut Table, old: &AttachmentRow, place: &str) -> Result<(), FormError> {
        put(t, "name", text(&self.name), &self.name, &old.name);
        put_required(t, "label", &self.label, &old.label);
        put(t, "required", flag(self.required), &self.required, &old.required);
        if !same_set(&self.accept, &old.accept) {
            put(t, "accept", list(&self.accept), &self.accept, &old.accept);
        }
        put(t, "max_kb", number(&self.max_kb), &self.max_kb, &old.max_kb);
        write_rest(t, &self.rest, &old.rest, AttachmentRow::taken, &format!("{place}.rest"))?;
        Ok(())
    }
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().all(|x| b.contains(x))
}

/// Takes values out of a table by the shape their field shows; a value of
/// another shape is left for the rest.
struct Read<'a> {
    table: &'a Table,
    taken: Vec<String>,
}

/// Text a one-line input shows and sends back unchanged.
fn is_line(text: &str) -> bool {
    !text.contains(['\n', '\r'])
}

/// Text a text area shows and sends back unchanged (a first line break
/// is dropped by HTML; line ends come back as `\n` once normalised).
fn is_para(text: &str) -> bool {
    !text.starts_with('\n') && !unix_lines(text).contains('\r')
}

/// `\r\n` line ends as `\n`: how a form sends text back, and how texts of
/// a file written on Windows are compared.
fn unix_lines(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains("\r\n") { text.replace("\r\n", "\n").into() } else { text.into() }
}

impl<'a> Read<'a> {
    fn new(table: &'a Table) -> Read<'a> {
        Read { table, taken: Vec::new() }
    }

    fn has(&self, key: &str) -> bool {
        self.table.contains_key(key)
    }

    fn take<T>(&mut self, key: &str, value: Option<T>) -> Option<T> {
        if value.is_some() {
            self.taken.push(key.to_string());
        }
        value
    }

    fn line(&mut self, key: &str) -> String {
        let value = self.table.get(key).and_then(Item::as_str).filter(|s| is_line(s));
        self.take(key, value).unwrap_or_default().to_string()
    }

    fn para(&mut self, key: &str) -> String {
        let value = self.table.get(key).and_then(Item::as_str).filter(|s| is_para(s));
        self.take(key, value).map(|s| unix_lines(s).into_owned()).unwrap_or_default()
    }

    fn number(&mut self, key: &str) -> String {
        let item = self.table.get(key);
        let value = item.and_then(Item::as_integer).map(|n| n.to_string());
        let value = value.or_else(|| item.and_then(Item::as_str).filter(|s| is_line(s)).map(str::to_string));
        self.take(key, value).unwrap_or_default()
    }

    fn target(&mut self, key: &str) -> String {
        self.number(key)
    }

    fn targets(&mut self, key: &str) -> String {
        let numbers = self.table.get(key).and_then(Item::as_array).and_then(|a| {
            let all: Option<Vec<String>> = a.iter().map(|v| v.as_integer().map(|n| n.to_string())).collect();
            all.filter(|all| all.len() >= 2)
        });
        match numbers {
            Some(all) => self.take(key, Some(all.join(", "))).unwrap_or_default(),
            None => self.number(key),
        }
    }

    /// A list with items; an empty one (`keterkaitan = []`) stays in the rest.
    fn list(&mut self, key: &str) -> Vec<String> {
        let value = self.table.get(key).and_then(Item::as_array).filter(|a| !a.is_empty()).and_then(|a| {
            a.iter()
                .map(|v| v.as_str().filter(|s| !s.trim().is_empty() && is_line(s)).map(str::to_string))
                .collect::<Option<Vec<String>>>()
        });
        self.take(key, value).unwrap_or_default()
    }

    fn lanes(&mut self, key: &str) -> Vec<String> {
        let item = self.table.get(key);
        let one =
            item.and_then(Item::as_str).filter(|s| !s.is_empty() && is_line(s)).map(|s| vec![s.to_string()]);
        match one {
            Some(one) => self.take(key, Some(one)).unwrap_or_default(),
            None => self.list(key),
        }
    }

    /// A ticked box; an explicit `false` stays in the rest, so the text
    /// written from the form holds the same data as the one read.
    fn flag(&mut self, key: &str) -> bool {
        let value = self.table.get(key).and_then(Item::as_bool).filter(|on| *on);
        self.take(key, value).unwrap_or_default()
    }

    fn table(&mut self, key: &str) -> Option<&'a Table> {
        let table = self.table.get(key).and_then(Item::as_table);
        self.take(key, table)
    }

    fn rows<R>(&mut self, key: &str, read: impl Fn(&Table, usize) -> R) -> Vec<R> {
        let rows = self.table.get(key).and_then(Item::as_array_of_tables);
        let rows = self.take(key, rows);
        rows.map(|a| a.iter().enumerate().map(|(i, t)| read(t, i)).collect()).unwrap_or_default()
    }

    /// The items nobody took, as TOML text.
    fn rest(&self) -> String {
        let mut doc = DocumentMut::new();
        for (key, item) in self.table.iter() {
            if !self.taken.iter().any(|k| k == key) {
                let key = self.table.key(key).cloned().unwrap_or_else(|| toml_edit::Key::new(key));
                doc.as_table_mut().insert_formatted(&key, item.clone());
            }
        }
        unix_lines(doc.to_string().trim()).into_owned()
    }
}

/// Writes `item` (or removes the key, for `None`) when the form's value
/// `new` differs from the one read, `was`; an existing key keeps its place,
/// the comment before it and the one after its value.
fn put<T: PartialEq + ?Sized>(table: &mut Table, key: &str, item: Option<Item>, new: &T, was: &T) {
    if new == was {
        return;
    }
    match (item, table.get_mut(key)) {
        (None, _) => {
            table.remove(key);
        }
        (Some(mut item), Some(slot)) => {
            if let (Some(old), Item::Value(value)) = (slot.as_value(), &mut item) {
                let suffix = old.decor().suffix().cloned();
                if let Some(suffix) = suffix {
                    value.decor_mut().set_suffix(suffix);
                }
            }
            *slot = item;
        }
        (Some(item), None) => {
            table.insert(key, item);
        }
    }
}

/// A text the definition must have (a step's activity, a lane's heading):
/// written even when empty and into a new row, so a row just added draws.
fn put_required(table: &mut Table, key: &str, new: &str, was: &str) {
    if new != was || !table.contains_key(key) {
        put(table, key, Some(Item::Value(new.into())), new, "\0");
    }
}

fn text(text: &str) -> Option<Item> {
    (!text.is_empty()).then(|| Item::Value(text.into()))
}

/// A number when it is one, else the text as typed (the checks then say
/// what is wrong with it).
fn number(typed: &str) -> Option<Item> {
    let typed = typed.trim();
    match typed.parse::<i64>() {
        Ok(n) => Some(Item::Value(n.into())),
        Err(_) => text(typed),
    }
}

fn target(typed: &str) -> Option<Item> {
    number(typed)
}

/// `3`, `"selesai"`, or `[3, 4]` for numbers joined by commas.
fn targets(typed: &str) -> Option<Item> {
    let parts: Vec<&str> = typed.split(',').map(str::trim).collect();
    let numbers: Option<Vec<i64>> = parts.iter().map(|p| p.parse().ok()).collect();
    match numbers {
        Some(numbers) if numbers.len() >= 2 => Some(Item::Value(Value::Array(numbers.into_iter().collect()))),
        _ => number(typed),
    }
}

/// A list, one item a line when long, as the built-in SOPs write them.
fn list(items: &[String]) -> Option<Item> {
    if items.is_empty() {
        return None;
    }
    let mut array: Array = items.iter().map(String::as_str).collect();
    let long = items.len() > 1 && items.iter().map(|s| s.chars().count() + 4).sum::<usize>() > 60;
    if long {
        for value in array.iter_mut() {
            value.decor_mut().set_prefix("\n  ");
            value.decor_mut().set_suffix("");
        }
        array.set_trailing_comma(true);
        array.set_trailing("\n");
    }
    Some(Item::Value(Value::Array(array)))
}

fn flag(on: bool) -> Option<Item> {
    on.then(|| Item::Value(true.into()))
}

/// The sub-table `key` of `parent`, made when missing; `None` (and the
/// table removed) when the form left it `empty`.
fn sub_table<'t>(parent: &'t mut Table, key: &str, empty: bool) -> Option<&'t mut Table> {
    if empty {
        parent.remove(key);
        return None;
    }
    if !parent.get(key).is_some_and(Item::is_table) {
        parent.insert(key, Item::Table(Table::new()));
    }
    parent.get_mut(key).and_then(Item::as_table_mut)
}

/// Writes the rows of `key`: each into the table it was read from, new
/// ones into new tables; reordered or removed rows rebuild the array.
fn write_rows<R: Row>(
    parent: &mut Table,
    key: &str,
    new: &[R],
    old: &[R],
    place: &str,
) -> Result<(), FormError> {
    if new == old {
        return Ok(());
    }
    let tables: Vec<Table> = parent
        .get(key)
        .and_then(Item::as_array_of_tables)
        .map(|a| a.iter().cloned().collect())
        .unwrap_or_default();
    let in_place = new.len() >= old.len()
        && old.len() == tables.len()
        && new.iter().enumerate().all(|(i, r)| i >= old.len() || r.origin() == Some(i))
        && new[old.len()..].iter().all(|r| r.origin().is_none_or(|o| o >= tables.len()));
    let fresh = R::default();
    if in_place && parent.get(key).is_some_and(Item::is_array_of_tables) {
        let array = parent.get_mut(key).and_then(Item::as_array_of_tables_mut).expect("checked above");
        for (i, row) in new.iter().enumerate() {
            if i < old.len() {
                let table = array.get_mut(i).expect("as many tables as rows read");
                row.write(table, &old[i], &format!("{place}.{i}"))?;
            } else {
                let mut table = Table::new();
                row.write(&mut table, &fresh, &format!("{place}.{i}"))?;
                array.push(table);
            }
        }
        return Ok(());
    }
    let mut array = ArrayOfTables::new();
    for (i, row) in new.iter().enumerate() {
        let (mut table, was) = match row.origin().filter(|o| *o < tables.len() && *o < old.len()) {
            Some(o) => (tables[o].clone(), &old[o]),
            None => (Table::new(), &fresh),
        };
        row.write(&mut table, was, &format!("{place}.{i}"))?;
        // Tables are printed in the order of their place in the text read;
        // without one, each follows the table before it.
        forget_positions(&mut table);
        array.push(table);
    }
    if array.is_empty() {
        parent.remove(key);
    } else if let Some(slot) = parent.get_mut(key) {
        *slot = Item::ArrayOfTables(array);
    } else {
        parent.insert(key, Item::ArrayOfTables(array));
    }
    Ok(())
}

fn forget_positions(table: &mut Table) {
    table.set_position(None);
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(t) => forget_positions(t),
            Item::ArrayOfTables(a) => a.iter_mut().for_each(forget_positions),
            _ => {}
        }
    }
}

/// Writes a changed rest: keys gone from it are removed, new or changed
/// ones written, the same ones left as they were.
fn write_rest(
    table: &mut Table,
    new: &str,
    was: &str,
    taken: fn(&Table) -> Vec<String>,
    place: &str,
) -> Result<(), FormError> {
    if unix_lines(new.trim()) == unix_lines(was.trim()) {
        return Ok(());
    }
    let doc: DocumentMut = new.parse().map_err(|e: toml_edit::TomlError| FormError {
        field: place.to_string(),
        message: format!("TOML lainnya tidak sah: {}", e.message().trim()),
    })?;
    let known = taken(table);
    let gone: Vec<String> = table
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| !known.contains(k) && !doc.contains_key(k))
        .collect();
    for key in gone {
        table.remove(&key);
    }
    for (key, item) in doc.iter() {
        if table.get(key).is_some_and(|current| same_item(current, item)) {
            continue;
        }
        let mut item = item.clone();
        match &mut item {
            Item::Table(t) => forget_positions(t),
            Item::ArrayOfTables(a) => a.iter_mut().for_each(forget_positions),
            _ => {}
        }
        let key = doc.key(key).cloned().unwrap_or_else(|| toml_edit::Key::new(key));
        table.insert_formatted(&key, item);
    }
    Ok(())
}

/// Whether two items hold the same data, however written.
fn same_item(a: &Item, b: &Item) -> bool {
    match (a, b) {
        (Item::None, Item::None) => true,
        (Item::Value(x), Item::Value(y)) => same_value(x, y),
        (Item::Table(x), Item::Table(y)) => same_table(x, y),
        (Item::ArrayOfTables(x), Item::ArrayOfTables(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(s, t)| same_table(s, t))
        }
        _ => false,
    }
}

fn same_table(a: &Table, b: &Table) -> bool {
    a.len() == b.len() && a.iter().all(|(k, v)| b.get(k).is_some_and(|w| same_item(v, w)))
}

fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => unix_lines(x.value()) == unix_lines(y.value()),
        (Value::Integer(x), Value::Integer(y)) => x.value() == y.value(),
        (Value::Float(x), Value::Float(y)) => x.value().to_bits() == y.value().to_bits(),
        (Value::Boolean(x), Value::Boolean(y)) => x.value() == y.value(),
        (Value::Datetime(x), Value::Datetime(y)) => x.value() == y.value(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(v, w)| same_value(v, w))
        }
        (Value::InlineTable(x), Value::InlineTable(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same_value(v, w)))
        }
        _ => false,
    }
}

/// The form field a finding at `at` of `text` is about (`steps.2.time`,
/// `identity.nomor`, `lanes.0.positions`, `rest`, …): the one whose value
/// starts there, else the innermost that holds it. `None` when the text is
/// not TOML or the place is outside every field.
pub fn field_at(text: &str, at: Location) -> Option<String> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let offset = offset_of(text, at);
    let mut places = Vec::new();
    root_places(doc.as_table(), &mut places);
    let starting = places.iter().find(|(span, _)| span.start == offset);
    let holding = || {
        places
            .iter()
            .filter(|(span, _)| span.start <= offset && offset < span.end.max(span.start + 1))
            .min_by_key(|(span, _)| span.end - span.start)
    };
    starting.or_else(holding).map(|(_, name)| name.clone())
}

/// The form field finding `d` of `text` is about: [`field_at`] its place,
/// or, for a finding about something missing, the field to fill in.
pub fn field_of(text: &str, d: &crate::Diagnostic) -> Option<String> {
    let at = field_at(text, d.at)?;
    let instead = |from: &str, to: &str| at.strip_suffix(from).map(|row| format!("{row}{to}"));
    let better = match d.code {
        "no-standard-time" => instead(".no", ".time"),
        "lane-without-position" => instead(".id", ".positions"),
        "missing-branch" if d.message.contains("\"Tidak\"") => instead(".no", ".tidak"),
        "missing-branch" => instead(".no", ".ya"),
        "no-approver" => Some("identity.disahkan_oleh.nama".to_string()),
        _ => None,
    };
    Some(better.unwrap_or(at))
}

fn offset_of(text: &str, at: Location) -> usize {
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if i + 1 == at.line {
            let column = line.char_indices().nth(at.column.saturating_sub(1)).map_or(line.len(), |(b, _)| b);
            return offset + column;
        }
        offset += line.len();
    }
    text.len()
}

type Places = Vec<(std::ops::Range<usize>, String)>;

fn span_of(item: &Item) -> Option<std::ops::Range<usize>> {
    match item {
        Item::Value(v) => v.span(),
        Item::Table(t) => t.span(),
        Item::ArrayOfTables(a) => a.span(),
        Item::None => None,
    }
}

/// Records where each key of `table` is written: a key in `fields` under
/// its field's name, any other under `rest`; the whole table under `whole`.
fn table_places(table: &Table, prefix: &str, fields: &[(&str, &str)], whole: &str, places: &mut Places) {
    if let Some(span) = table.span() {
        places.push((span, format!("{prefix}{whole}")));
    }
    for (key, item) in table.iter() {
        let name = fields.iter().find(|(k, _)| *k == key).map_or("rest", |(_, f)| f);
        let key_span = table.key(key).and_then(|k| k.span());
        let span = match (key_span, span_of(item)) {
            (Some(k), Some(v)) => Some(k.start..v.end.max(k.end)),
            (k, v) => v.or(k),
        };
        if let Some(v) = span_of(item) {
            places.push((v.start..v.end, format!("{prefix}{name}")));
        }
        if let Some(span) = span {
            places.push((span, format!("{prefix}{name}")));
        }
    }
}

const STEP_FIELDS: [(&str, &str); 13] = [
    ("no", "no"),
    ("lane", "lane"),
    ("action", "action"),
    ("activity", "activity"),
    ("requirements", "requirements"),
    ("time", "time"),
    ("output", "outputs"),
    ("outputs", "outputs"),
    ("remarks", "remarks"),
    ("next", "next"),
    ("ya", "ya"),
    ("tidak", "tidak"),
    ("fields", "no"),
];

fn root_places(root: &Table, places: &mut Places) {
    let top = [("id", "id"), ("version", "version"), ("agency", "agency"), ("service", "service")];
    table_places(root, "", &top, "id", places);
    if let Some(identity) = root.get("identity").and_then(Item::as_table) {
        let keys = [
            "nomor",
            "nama",
            "unit",
            "tanggal_pembuatan",
            "tanggal_revisi",
            "tanggal_pengesahan",
            "tanggal_efektif",
            "judul_prosedur",
            "dasar_hukum",
            "kualifikasi_pelaksana",
            "keterkaitan",
            "peralatan",
            "peringatan",
            "pencatatan",
            "catatan",
            "disahkan_oleh",
        ];
        let fields: Vec<(&str, &str)> = keys.iter().map(|k| (*k, *k)).collect();
        table_places(identity, "identity.", &fields, "nomor", places);
        if let Some(approver) = identity.get("disahkan_oleh").and_then(Item::as_table) {
            let fields = [("jabatan", "jabatan"), ("nama", "nama"), ("pangkat", "pangkat"), ("nip", "nip")];
            table_places(approver, "identity.disahkan_oleh.", &fields, "jabatan", places);
        }
    }
    if let Some(lanes) = root.get("lanes").and_then(Item::as_array_of_tables) {
        let fields = [
            ("id", "id"),
            ("name", "name"),
            ("positions", "positions"),
            ("requester", "requester"),
            ("anyone", "anyone"),
        ];
        for (i, lane) in lanes.iter().enumerate() {
            table_places(lane, &format!("lanes.{i}."), &fields, "id", places);
        }
    }
    if let Some(steps) = root.get("steps").and_then(Item::as_array_of_tables) {
        for (i, step) in steps.iter().enumerate() {
            let prefix = format!("steps.{i}.");
            table_places(step, &prefix, &STEP_FIELDS, "no", places);
            let field_keys = [
                ("name", "name"),
                ("label", "label"),
                ("type", "type"),
                ("required", "required"),
                ("options", "options"),
                ("help", "help"),
            ];
            for (j, field) in
                step.get("fields").and_then(Item::as_array_of_tables).into_iter().flatten().enumerate()
            {
                table_places(field, &format!("{prefix}fields.{j}."), &field_keys, "name", places);
            }
            let attachment_keys = [
                ("name", "name"),
                ("label", "label"),
                ("required", "required"),
                ("accept", "accept"),
                ("max_kb", "max_kb"),
            ];
            let attachments =
                step.get("attachments").and_then(Item::as_array_of_tables).into_iter().flatten();
            for (j, attachment) in attachments.enumerate() {
                table_places(
                    attachment,
                    &format!("{prefix}attachments.{j}."),
                    &attachment_keys,
                    "name",
                    places,
                );
            }
        }
    }
    if let Some(registry) = root.get("registry").and_then(Item::as_table) {
        let fields: Vec<(&str, &str)> =
            RegistryForm::LINES.iter().chain(&["details"]).map(|k| (*k, *k)).collect();
        table_places(registry, "registry.", &fields, "kind", places);
    }
    if let Some(letter) = root.get("letter").and_then(Item::as_table) {
        let fields = [
            ("subject", "subject"),
            ("recipient", "recipient"),
            ("body", "body"),
            ("classification", "classification"),
        ];
        table_places(letter, "letter.", &fields, "subject", places);
    }
}

/// `text` with its `version` set to `version`, the rest as it was (the
/// comment after the number too): a revision of a published definition.
pub fn with_version(text: &str, version: u32) -> Result<String, FormError> {
    let mut form = SopForm::read(text)?;
    form.version = version.to_string();
    form.write(text)
}

/// The text of a new, nearly empty definition of `agency` under `id`: a
/// requester's lane open to every employee and their request, to start from.
pub fn blank(agency: &str, id: &str) -> String {
    let form = SopForm {
        id: id.to_string(),
        version: "1".into(),
        agency: agency.to_string(),
        identity: IdentityForm { nomor: "-".into(), nama: "SOP baru".into(), ..IdentityForm::default() },
        lanes: vec![LaneRow {
            id: "pemohon".into(),
            name: "Pemohon".into(),
            requester: true,
            anyone: true,
            ..LaneRow::default()
        }],
        steps: vec![StepRow {
            no: "1".into(),
            lanes: vec!["pemohon".into()],
            action: "submit".into(),
            activity: "Mengajukan permohonan".into(),
            time: "-".into(),
            ..StepRow::default()
        }],
        ..SopForm::default()
    };
    form.write("").expect("a form without rest text writes")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLEAN: &str = include_str!("../tests/fixtures/clean.toml");

    #[test]
    fn an_unchanged_form_gives_the_same_bytes_back() {
        let text = include_str!("../../../sops/lumajang/vpn.toml");
        let form = SopForm::read(text).unwrap();
        assert_eq!(form.write(text).unwrap(), text);
        assert_eq!(form.identity.nomor, "427.53/4/2.09/2021");
        assert_eq!(form.steps[0].lanes, ["pengguna"]);
        assert!(form.rest.contains("[[corrections]]"), "{}", form.rest);
        assert_eq!((form.registry.kind.as_str(), form.registry.step.as_str()), ("vpn", "6"));
        assert!(!form.rest.contains("[registry]"), "{}", form.rest);
    }

    #[test]
    fn a_changed_value_changes_its_line_only() {
        let mut form = SopForm::read(CLEAN).unwrap();
        form.steps[2].time = "3 jam".into();
        let written = form.write(CLEAN).unwrap();
        let changed: Vec<(&str, &str)> = CLEAN.lines().zip(written.lines()).filter(|(a, b)| a != b).collect();
        assert_eq!(changed, [("time = \"2 jam\"", "time = \"3 jam\"")]);
        assert_eq!(CLEAN.lines().count(), written.lines().count());
    }

    #[test]
    fn a_moved_step_takes_its_comment_and_keys_along() {
        let text = CLEAN.replacen("[[steps]]\nno = 3", "# disiapkan admin\n[[steps]]\nno = 3", 1);
        let mut form = SopForm::read(&text).unwrap();
        assert!(form.edit(Edit::MoveStep { from: 2, to: 1 }));
        let written = form.write(&text).unwrap();
        let comment = written.find("# disiapkan admin").unwrap();
        assert!(comment < written.find("no = 2").unwrap(), "{written}");
        assert!(written.find("no = 3").unwrap() > comment);
        let reread = SopForm::read(&written).unwrap();
        let numbers: Vec<&str> = reread.steps.iter().map(|s| s.no.as_str()).collect();
        assert_eq!(numbers, ["1", "3", "2", "4"]);
        assert_eq!(reread.steps[1].time, "2 jam");
    }

    #[test]
    fn a_new_step_with_a_field_is_written_after_the_last() {
        let mut form = SopForm::read(CLEAN).unwrap();
        form.edit(Edit::AddStep);
        form.edit(Edit::AddField(4));
        form.steps[4].activity = "Mengarsipkan".into();
        form.steps[4].time = "5 menit".into();
        let written = form.write(CLEAN).unwrap();
        assert!(written.starts_with(CLEAN.trim_end()), "{written}");
        let sop = crate::parse_sop("x.toml", &written).unwrap();
        let step = sop.step(5).unwrap();
        assert_eq!((step.activity.as_str(), step.fields[0].name.as_str()), ("Mengarsipkan", "isian_1"));
    }

    #[test]
    fn the_rest_is_kept_edited_and_refused_when_not_toml() {
        let text = CLEAN.replacen(
            "time = \"1 hari\"",
            "time = \"1 hari\"\nmax_rounds = 2\nexhausted = \"ditolak\"",
            1,
        );
        let mut form = SopForm::read(&text).unwrap();
        assert_eq!(form.steps[1].rest, "max_rounds = 2\nexhausted = \"ditolak\"");
        form.steps[1].rest = "max_rounds = 3\nexhausted = \"ditolak\"".into();
        let written = form.write(&text).unwrap();
        assert!(written.contains("max_rounds = 3\nexhausted = \"ditolak\""), "{written}");
        form.steps[1].rest = "max_rounds = ".into();
        let refused = form.write(&text).unwrap_err();
        assert_eq!(refused.field, "steps.1.rest");
    }

    #[test]
    fn a_registry_is_written_from_its_fields() {
        let mut form = SopForm::read(CLEAN).unwrap();
        form.steps[2].fields.push(FieldRow {
            name: "nama_aplikasi_aktif".into(),
            label: "Nama aplikasi".into(),
            kind: "text".into(),
            ..FieldRow::default()
        });
        form.registry = RegistryForm {
            kind: "hosting".into(),
            label: "Hosting aplikasi".into(),
            name_rule: "free".into(),
            step: "3".into(),
            key: "nama_aplikasi_aktif".into(),
            person: "nama_aplikasi".into(),
            ..RegistryForm::default()
        };
        let written = form.write(CLEAN).unwrap();
        let sop = crate::parse_sop("x.toml", &written).unwrap_or_else(|e| panic!("{e:?}\n{written}"));
        let registry = sop.registry.unwrap();
        assert_eq!(
            (registry.kind.key(), registry.step, registry.key.as_str()),
            ("hosting", 3, "nama_aplikasi_aktif")
        );
        form.registry = RegistryForm::default();
        let removed = form.write(&written).unwrap();
        assert!(!removed.contains("[registry]"), "{removed}");
    }

    #[test]
    fn a_value_the_field_cannot_show_stays_in_the_rest() {
        let text = CLEAN.replacen("time = \"2 jam\"", "time = 2", 1);
        let form = SopForm::read(&text).unwrap();
        assert_eq!((form.steps[2].time.as_str(), form.steps[2].rest.as_str()), ("", "time = 2"));
        assert_eq!(form.write(&text).unwrap(), text);
    }

    #[test]
    fn findings_point_at_their_field() {
        let broken = CLEAN.replacen("lane = \"kabid\"", "lane = \"kabidd\"", 1);
        let errors = crate::parse_sop("x.toml", &broken).unwrap_err();
        assert_eq!(field_at(&broken, errors[0].at).as_deref(), Some("steps.1.lane"));
        let gap = CLEAN.replacen("no = 4", "no = 6", 1);
        let sop = crate::parse_sop("x.toml", &gap).unwrap();
        let found = crate::lint::lint(&sop);
        assert_eq!(field_at(&gap, found[0].at).as_deref(), Some("steps.3.no"));
        let version =
            crate::parse_sop("x.toml", &CLEAN.replacen("version = 1", "version = 0", 1)).unwrap_err();
        assert_eq!(
            field_at(&CLEAN.replacen("version = 1", "version = 0", 1), version[0].at).as_deref(),
            Some("version")
        );
    }

    #[test]
    fn a_blank_definition_parses_and_a_revision_keeps_the_comment() {
        let text = blank("contoh", "contoh/baru");
        let sop = crate::parse_sop("baru.toml", &text).unwrap();
        assert_eq!((sop.id.as_str(), sop.version, sop.steps.len()), ("contoh/baru", 1, 1));
        let vpn = include_str!("../../../sops/lumajang/vpn.toml");
        let revised = with_version(vpn, 4).unwrap();
        assert!(revised.contains("version = 4  # versi 2"), "{}", &revised[..400]);
        assert_eq!(revised.lines().count(), vpn.lines().count());
    }

    #[test]
    fn edits_are_named_by_their_buttons() {
        assert_eq!(Edit::parse("step-up:3"), Some(Edit::MoveStep { from: 3, to: 2 }));
        assert_eq!(Edit::parse("step-up:0"), None);
        assert_eq!(Edit::parse("field-remove:2:0"), Some(Edit::RemoveField(2, 0)));
        assert_eq!(Edit::parse("step-move:4:1"), Some(Edit::MoveStep { from: 4, to: 1 }));
        assert_eq!(Edit::parse("lane-add"), Some(Edit::AddLane));
        assert_eq!(Edit::parse("hapus"), None);
    }
}
