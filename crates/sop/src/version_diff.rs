//! What changed from one version of an SOP to another, said the way a civil
//! servant reads it: the identity page, the pelaksana, the steps (aligned by
//! what they do, so one step inserted is one step added, not every later
//! step changed), the forms, the letter and the rest. Pure: two parsed
//! definitions in, typed differences out, each able to say itself in
//! Bahasa Indonesia.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::Serialize;

use crate::date::Date;
use crate::definition::{
    AccessReview, ActionKind, Attachment, Decision, Ending, Field, FieldKind, Lane, LetterTemplate, Registry,
    RegistryAction, RequiredWhen, Sop, Step, Target, Together, Unreviewed, Visit,
};
use crate::standard_time::StandardTime;

/// The part of an SOP a difference belongs to, in the order a reader
/// looks for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Group {
    #[serde(rename = "identitas")]
    Identity,
    #[serde(rename = "pelaksana")]
    Lanes,
    #[serde(rename = "langkah")]
    Steps,
    #[serde(rename = "formulir")]
    Forms,
    #[serde(rename = "surat")]
    Letter,
    #[serde(rename = "lainnya")]
    Other,
}

impl Group {
    pub const ALL: [Group; 6] =
        [Group::Identity, Group::Lanes, Group::Steps, Group::Forms, Group::Letter, Group::Other];

    /// The word used in addresses and the API.
    pub fn key(self) -> &'static str {
        match self {
            Group::Identity => "identitas",
            Group::Lanes => "pelaksana",
            Group::Steps => "langkah",
            Group::Forms => "formulir",
            Group::Letter => "surat",
            Group::Other => "lainnya",
        }
    }
}

/// A text of the identity page, by its key in definition files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentityText {
    Nomor,
    Nama,
    Unit,
    JudulProsedur,
}

impl IdentityText {
    fn label(self) -> &'static str {
        match self {
            IdentityText::Nomor => "Nomor SOP",
            IdentityText::Nama => "Nama SOP",
            IdentityText::Unit => "Unit penerbit",
            IdentityText::JudulProsedur => "Judul prosedur",
        }
    }
}

/// A date of the identity page, by its key in definition files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentityDate {
    TanggalPembuatan,
    TanggalRevisi,
    TanggalPengesahan,
    TanggalEfektif,
}

impl IdentityDate {
    fn label(self) -> &'static str {
        match self {
            IdentityDate::TanggalPembuatan => "Tanggal pembuatan",
            IdentityDate::TanggalRevisi => "Tanggal revisi",
            IdentityDate::TanggalPengesahan => "Tanggal pengesahan",
            IdentityDate::TanggalEfektif => "Tanggal efektif",
        }
    }
}

/// A list of the identity page (or the corrections printed at its foot),
/// by its key in definition files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum IdentityList {
    DasarHukum,
    KualifikasiPelaksana,
    Keterkaitan,
    Peralatan,
    Peringatan,
    Pencatatan,
    Catatan,
    Corrections,
}

impl IdentityList {
    fn label(self) -> &'static str {
        match self {
            IdentityList::DasarHukum => "Dasar hukum",
            IdentityList::KualifikasiPelaksana => "Kualifikasi pelaksana",
            IdentityList::Keterkaitan => "Keterkaitan",
            IdentityList::Peralatan => "Peralatan/perlengkapan",
            IdentityList::Peringatan => "Peringatan",
            IdentityList::Pencatatan => "Pencatatan dan pendataan",
            IdentityList::Catatan => "Catatan",
            IdentityList::Corrections => "Koreksi atas dokumen sumber",
        }
    }
}

/// Who may act in a lane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Actors {
    /// The positions (ids) whose holders act in it.
    pub positions: Vec<String>,
    /// The requesting party, outside the Dinas.
    pub requester: bool,
    /// Any person of the agency.
    pub anyone: bool,
}

impl Actors {
    fn of(lane: &Lane) -> Actors {
        Actors { positions: lane.positions.clone(), requester: lane.requester, anyone: lane.anyone }
    }
}

impl fmt::Display for Actors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.anyone {
            f.write_str("setiap pegawai")?;
        } else if self.positions.is_empty() {
            f.write_str("(tidak ada jabatan)")?;
        } else {
            f.write_str(&self.positions.join(", "))?;
        }
        if self.requester { f.write_str(" (pihak pemohon)") } else { Ok(()) }
    }
}

/// Where a step leads, in the newer version's numbering: a step that is
/// gone is named by its number in the older version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// The step with this number in the newer version.
    Step(u32),
    /// A step of the older version that the newer one no longer has.
    Removed(u32),
    /// `"selesai"`.
    End,
    /// `"ditolak"`.
    Rejected,
}

/// A step number, `"selesai"`, `"ditolak"` (as in definition files), or
/// `{"removed_step": n}` for a step the newer version no longer has.
impl Serialize for Destination {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Destination::Step(n) => s.serialize_u32(*n),
            Destination::Removed(n) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("removed_step", n)?;
                map.end()
            }
            Destination::End => s.serialize_str(Ending::Completed.key()),
            Destination::Rejected => s.serialize_str(Ending::Rejected.key()),
        }
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Destination::Step(n) => write!(f, "langkah {n}"),
            Destination::Removed(n) => write!(f, "langkah {n} versi lama (dihapus)"),
            Destination::End => f.write_str("selesai"),
            Destination::Rejected => f.write_str("ditolak"),
        }
    }
}

/// A decision's branch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Branch {
    Ya,
    Tidak,
}

impl fmt::Display for Branch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Branch::Ya => "Ya",
            Branch::Tidak => "Tidak",
        })
    }
}

/// What changed in a step found in both versions. `from` is the older
/// version's, `to` the newer's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "what", rename_all = "kebab-case")]
pub enum StepChange {
    /// The *kegiatan* text.
    Activity {
        from: String,
        to: String,
    },
    /// The lanes carrying it out, by name.
    Lanes {
        from: Vec<String>,
        to: Vec<String>,
    },
    /// How the lanes of a joint step act: `all` or `any`.
    Together {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        from: Together,
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        to: Together,
    },
    /// The positions acting in it (empty: all of its lane's).
    Positions {
        from: Vec<String>,
        to: Vec<String>,
    },
    /// The kind of act (`dispose`, `perform`, …).
    Action {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        from: ActionKind,
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        to: ActionKind,
    },
    /// Where it leads (a step number, `selesai`, `ditolak`).
    Next {
        #[cfg_attr(feature = "openapi", schema(value_type = Vec<Value>))]
        from: Vec<Destination>,
        #[cfg_attr(feature = "openapi", schema(value_type = Vec<Value>))]
        to: Vec<Destination>,
    },
    /// Where a decision's branch leads.
    Branch {
        branch: Branch,
        #[cfg_attr(feature = "openapi", schema(value_type = Value))]
        from: Destination,
        #[cfg_attr(feature = "openapi", schema(value_type = Value))]
        to: Destination,
    },
    /// The label drawn on a decision's exit.
    BranchLabel {
        branch: Branch,
        from: String,
        to: String,
    },
    /// How the case ends when a branch is taken.
    BranchOutcome {
        branch: Branch,
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        from: Option<Ending>,
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        to: Option<Ending>,
    },
    RequirementAdded {
        item: String,
    },
    RequirementRemoved {
        item: String,
    },
    /// The mutu baku time (`"1 hari"`; absent: none).
    Time {
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        from: Option<StandardTime>,
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        to: Option<StandardTime>,
    },
    Output {
        from: Vec<String>,
        to: Vec<String>,
    },
    Remarks {
        from: Option<String>,
        to: Option<String>,
    },
    /// The steps a join waits for.
    After {
        #[cfg_attr(feature = "openapi", schema(value_type = Vec<Value>))]
        from: Vec<Destination>,
        #[cfg_attr(feature = "openapi", schema(value_type = Vec<Value>))]
        to: Vec<Destination>,
    },
    /// The case's outcome once the step is done.
    Outcome {
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        from: Option<Ending>,
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        to: Option<Ending>,
    },
    MaxRounds {
        from: Option<u32>,
        to: Option<u32>,
    },
    /// Where the procedure goes when the rounds are used up.
    Exhausted {
        #[cfg_attr(feature = "openapi", schema(value_type = Option<Value>))]
        from: Option<Destination>,
        #[cfg_attr(feature = "openapi", schema(value_type = Option<Value>))]
        to: Option<Destination>,
    },
}

/// What changed in a form field found in both versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "what", rename_all = "kebab-case")]
pub enum FieldChange {
    Label {
        from: String,
        to: String,
    },
    /// The field's type (`text`, `email`, …).
    Kind {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        from: FieldKind,
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        to: FieldKind,
    },
    Required {
        from: bool,
        to: bool,
    },
    /// The regular expression the value must match, as written.
    Pattern {
        from: Option<String>,
        to: Option<String>,
    },
    MinLength {
        from: Option<u32>,
        to: Option<u32>,
    },
    MaxLength {
        from: Option<u32>,
        to: Option<u32>,
    },
    OptionAdded {
        option: String,
    },
    OptionRemoved {
        option: String,
    },
    Help {
        from: Option<String>,
        to: Option<String>,
    },
    /// Personal data (sealed at rest, masked on screen).
    Personal {
        from: bool,
        to: bool,
    },
    /// Required too when another field has a value (`{field, value}`).
    RequiredWhen {
        #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
        from: Option<RequiredWhen>,
        #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
        to: Option<RequiredWhen>,
    },
    /// The request is filed for the employee this field names.
    OnBehalf {
        from: bool,
        to: bool,
    },
}

/// What changed in an attachment found in both versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "what", rename_all = "kebab-case")]
pub enum AttachmentChange {
    Label {
        from: String,
        to: String,
    },
    Required {
        from: bool,
        to: bool,
    },
    /// The file kinds accepted.
    Accept {
        from: Vec<String>,
        to: Vec<String>,
    },
    MaxKb {
        from: u32,
        to: u32,
    },
}

/// A part of the letter template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LetterPart {
    Subject,
    Recipient,
    Body,
    Classification,
}

/// One difference between two versions. Step numbers are the newer
/// version's, except where a step exists only in the older one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Difference {
    /// A text of the identity page changed, was filled in or left blank.
    IdentityText {
        field: IdentityText,
        from: Option<String>,
        to: Option<String>,
    },
    /// A date of the identity page (ISO, `YYYY-MM-DD` or `YYYY-MM`).
    IdentityDate {
        field: IdentityDate,
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        from: Option<Date>,
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        to: Option<Date>,
    },
    IdentityItemAdded {
        list: IdentityList,
        item: String,
    },
    IdentityItemRemoved {
        list: IdentityList,
        item: String,
    },
    /// The same items in another order.
    IdentityListReordered {
        list: IdentityList,
    },
    /// Who ratifies the SOP (disahkan oleh).
    Approver {
        from: Option<String>,
        to: Option<String>,
    },
    LaneAdded {
        lane: String,
        name: String,
    },
    LaneRemoved {
        lane: String,
        name: String,
    },
    LaneRenamed {
        lane: String,
        from: String,
        to: String,
    },
    /// Who may act in a lane.
    LaneActors {
        lane: String,
        name: String,
        from: Actors,
        to: Actors,
    },
    /// A step only the newer version has (`step`: its number there).
    StepAdded {
        step: u32,
        activity: String,
        lanes: Vec<String>,
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        time: Option<StandardTime>,
    },
    /// A step only the older version has (`step`: its number there).
    StepRemoved {
        step: u32,
        activity: String,
        lanes: Vec<String>,
    },
    /// A step of both versions changed (`step`: its number in the newer,
    /// `was`: in the older; `activity`: the newer's).
    StepChanged {
        step: u32,
        was: u32,
        activity: String,
        change: StepChange,
    },
    FieldAdded {
        step: u32,
        field: String,
        label: String,
    },
    FieldRemoved {
        step: u32,
        field: String,
        label: String,
    },
    FieldChanged {
        step: u32,
        field: String,
        label: String,
        change: FieldChange,
    },
    AttachmentAdded {
        step: u32,
        attachment: String,
        label: String,
    },
    AttachmentRemoved {
        step: u32,
        attachment: String,
        label: String,
    },
    AttachmentChanged {
        step: u32,
        attachment: String,
        label: String,
        change: AttachmentChange,
    },
    LetterAdded {
        subject: String,
    },
    LetterRemoved {
        subject: String,
    },
    LetterChanged {
        part: LetterPart,
        from: Option<String>,
        to: Option<String>,
    },
    /// What the SOP provides (`vpn`, `email`, …).
    Service {
        from: Option<String>,
        to: Option<String>,
    },
    /// The registry the result is entered in, summarised.
    Registry {
        from: Option<String>,
        to: Option<String>,
    },
    /// The escorted visit, summarised.
    Visit {
        from: Option<String>,
        to: Option<String>,
    },
    /// The access review, summarised.
    Review {
        from: Option<String>,
        to: Option<String>,
    },
    /// The time the whole procedure may take.
    Deadline {
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        from: Option<StandardTime>,
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
        to: Option<StandardTime>,
    },
    /// When a routine SOP starts by itself, described.
    Schedule {
        from: Option<String>,
        to: Option<String>,
    },
}

impl Difference {
    pub fn group(&self) -> Group {
        use Difference as D;
        match self {
            D::IdentityText { .. }
            | D::IdentityDate { .. }
            | D::IdentityItemAdded { .. }
            | D::IdentityItemRemoved { .. }
            | D::IdentityListReordered { .. }
            | D::Approver { .. } => Group::Identity,
            D::LaneAdded { .. } | D::LaneRemoved { .. } | D::LaneRenamed { .. } | D::LaneActors { .. } => {
                Group::Lanes
            }
            D::StepAdded { .. } | D::StepRemoved { .. } | D::StepChanged { .. } => Group::Steps,
            D::FieldAdded { .. }
            | D::FieldRemoved { .. }
            | D::FieldChanged { .. }
            | D::AttachmentAdded { .. }
            | D::AttachmentRemoved { .. }
            | D::AttachmentChanged { .. } => Group::Forms,
            D::LetterAdded { .. } | D::LetterRemoved { .. } | D::LetterChanged { .. } => Group::Letter,
            D::Service { .. }
            | D::Registry { .. }
            | D::Visit { .. }
            | D::Review { .. }
            | D::Deadline { .. }
            | D::Schedule { .. } => Group::Other,
        }
    }

    /// Whether the difference is a step's standard time: what a reader of
    /// the mutu baku looks for first.
    pub fn is_time(&self) -> bool {
        matches!(
            self,
            Difference::StepChanged { change: StepChange::Time { .. }, .. } | Difference::Deadline { .. }
        )
    }
}

/// Everything that differs from `older` to `newer`, grouped (identity,
/// lanes, steps, forms, letter, other) and in document order within each
/// group. Two versions with the same content give none.
pub fn compare(older: &Sop, newer: &Sop) -> Vec<Difference> {
    let mut out = Vec::new();
    identity(older, newer, &mut out);
    let lanes = LaneMatch::new(older, newer);
    lanes.differences(older, newer, &mut out);
    let steps = StepMatch::new(older, newer, &lanes);
    steps.differences(older, newer, &lanes, &mut out);
    letter(older.letter.as_ref(), newer.letter.as_ref(), &mut out);
    others(older, newer, &steps, &mut out);
    // Stable: document order stays within each group.
    out.sort_by_key(Difference::group);
    out
}

fn identity(older: &Sop, newer: &Sop, out: &mut Vec<Difference>) {
    let (a, b) = (&older.identity, &newer.identity);
    for (field, from, to) in [
        (IdentityText::Nomor, Some(&a.nomor.value), Some(&b.nomor.value)),
        (IdentityText::Nama, Some(&a.nama.value), Some(&b.nama.value)),
        (IdentityText::Unit, a.unit.as_ref(), b.unit.as_ref()),
        (IdentityText::JudulProsedur, a.judul_prosedur.as_ref(), b.judul_prosedur.as_ref()),
    ] {
        if from != to {
            out.push(Difference::IdentityText { field, from: from.cloned(), to: to.cloned() });
        }
    }
    for (field, from, to) in [
        (IdentityDate::TanggalPembuatan, a.tanggal_pembuatan, b.tanggal_pembuatan),
        (IdentityDate::TanggalRevisi, a.tanggal_revisi, b.tanggal_revisi),
        (IdentityDate::TanggalPengesahan, a.tanggal_pengesahan, b.tanggal_pengesahan),
        (IdentityDate::TanggalEfektif, a.tanggal_efektif, b.tanggal_efektif),
    ] {
        if from != to {
            out.push(Difference::IdentityDate { field, from, to });
        }
    }
    let approver = |s: &Sop| {
        s.identity.disahkan_oleh.as_ref().map(|p| {
            let mut text = format!("{}, {}", p.jabatan, p.nama);
            if let Some(rank) = &p.pangkat {
                text.push_str(&format!(", {rank}"));
            }
            if let Some(nip) = &p.nip {
                text.push_str(&format!(", NIP {nip}"));
            }
            text
        })
    };
    let (from, to) = (approver(older), approver(newer));
    if from != to {
        out.push(Difference::Approver { from, to });
    }
    let values = |items: &[crate::diagnostic::Located<String>]| -> Vec<String> {
        items.iter().map(|i| i.value.clone()).collect()
    };
    let corrections = |s: &Sop| -> Vec<String> {
        s.corrections.iter().map(|c| format!("{} — tercetak “{}”: {}", c.field, c.printed, c.note)).collect()
    };
    for (list, from, to) in [
        (IdentityList::DasarHukum, a.dasar_hukum.clone(), b.dasar_hukum.clone()),
        (
            IdentityList::KualifikasiPelaksana,
            a.kualifikasi_pelaksana.clone(),
            b.kualifikasi_pelaksana.clone(),
        ),
        (IdentityList::Keterkaitan, a.keterkaitan.clone(), b.keterkaitan.clone()),
        (IdentityList::Peralatan, a.peralatan.clone(), b.peralatan.clone()),
        (IdentityList::Peringatan, a.peringatan.clone(), b.peringatan.clone()),
        (IdentityList::Pencatatan, values(&a.pencatatan), values(&b.pencatatan)),
        (IdentityList::Catatan, a.catatan.clone(), b.catatan.clone()),
        (IdentityList::Corrections, corrections(older), corrections(newer)),
    ] {
        let (added, removed) = added_removed(&from, &to);
        if added.is_empty() && removed.is_empty() && from != to {
            out.push(Difference::IdentityListReordered { list });
        }
        out.extend(removed.into_iter().map(|item| Difference::IdentityItemRemoved { list, item }));
        out.extend(added.into_iter().map(|item| Difference::IdentityItemAdded { list, item }));
    }
}

/// The items of `to` missing from `from`, and those of `from` missing from
/// `to`, each counted as often as it is written.
fn added_removed(from: &[String], to: &[String]) -> (Vec<String>, Vec<String>) {
    let missing = |a: &[String], b: &[String]| {
        let mut left: Vec<&String> = b.iter().collect();
        a.iter()
            .filter(|item| match left.iter().position(|l| l == item) {
                Some(at) => {
                    left.swap_remove(at);
                    false
                }
                None => true,
            })
            .cloned()
            .collect::<Vec<_>>()
    };
    (missing(to, from), missing(from, to))
}

/// Which lane of the older version is which of the newer: the same id, or
/// else the same printed name (an id is internal; the name is what people
/// read).
struct LaneMatch {
    old_to_new: HashMap<String, String>,
}

impl LaneMatch {
    fn new(older: &Sop, newer: &Sop) -> LaneMatch {
        let mut old_to_new = HashMap::new();
        for lane in &older.lanes {
            if newer.lane(&lane.id).is_some() {
                old_to_new.insert(lane.id.clone(), lane.id.clone());
            }
        }
        for lane in &older.lanes {
            if old_to_new.contains_key(&lane.id) {
                continue;
            }
            let taken: HashSet<&String> = old_to_new.values().collect();
            if let Some(same) = newer.lanes.iter().find(|n| n.name == lane.name && !taken.contains(&n.id)) {
                old_to_new.insert(lane.id.clone(), same.id.clone());
            }
        }
        LaneMatch { old_to_new }
    }

    fn differences(&self, older: &Sop, newer: &Sop, out: &mut Vec<Difference>) {
        let matched: HashSet<&String> = self.old_to_new.values().collect();
        for lane in &older.lanes {
            match self.old_to_new.get(&lane.id).and_then(|id| newer.lane(id)) {
                None => out.push(Difference::LaneRemoved { lane: lane.id.clone(), name: lane.name.clone() }),
                Some(now) => {
                    if now.name != lane.name {
                        out.push(Difference::LaneRenamed {
                            lane: now.id.clone(),
                            from: lane.name.clone(),
                            to: now.name.clone(),
                        });
                    }
                    let (from, to) = (Actors::of(lane), Actors::of(now));
                    if from != to {
                        out.push(Difference::LaneActors {
                            lane: now.id.clone(),
                            name: now.name.clone(),
                            from,
                            to,
                        });
                    }
                }
            }
        }
        for lane in newer.lanes.iter().filter(|l| !matched.contains(&l.id)) {
            out.push(Difference::LaneAdded { lane: lane.id.clone(), name: lane.name.clone() });
        }
    }

    /// The newer id of each lane of an older step (`None`: the lane is gone).
    fn lanes_of(&self, step: &Step) -> Vec<Option<&String>> {
        step.lanes().map(|id| self.old_to_new.get(id)).collect()
    }
}

fn lane_names(sop: &Sop, step: &Step) -> Vec<String> {
    step.lanes().map(|id| sop.lane(id).map_or_else(|| id.to_string(), |l| l.name.clone())).collect()
}

/// How the steps of two versions line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Aligned {
    /// Indices into the older and the newer steps.
    Both(usize, usize),
    Added(usize),
    Removed(usize),
}

struct StepMatch {
    aligned: Vec<Aligned>,
    /// Older step number → newer step number, for steps in both.
    old_to_new: HashMap<u32, u32>,
    removed: HashSet<u32>,
    added: HashSet<u32>,
}

/// An activity as compared: case and spacing do not make another step.
fn normalised(text: &str) -> String {
    text.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() > 1).map(str::to_lowercase).collect()
}

/// How alike two steps are, 0 to 1: mostly the words of what they do,
/// then who does it and how.
fn likeness(older: &Sop, a: &Step, newer: &Sop, b: &Step, lanes: &LaneMatch) -> f64 {
    let (wa, wb) = (words(&a.activity), words(&b.activity));
    let dice = if wa.is_empty() && wb.is_empty() {
        1.0
    } else {
        2.0 * wa.intersection(&wb).count() as f64 / (wa.len() + wb.len()) as f64
    };
    let same_lane = lanes.old_to_new.get(&a.lane) == Some(&b.lane)
        || older.lane(&a.lane).map(|l| &l.name) == newer.lane(&b.lane).map(|l| &l.name);
    0.6 * dice + if same_lane { 0.2 } else { 0.0 } + if a.action == b.action { 0.2 } else { 0.0 }
}

/// Below this, two steps in the same place are one removed and one added
/// rather than one changed.
const ALIKE: f64 = 0.5;

/// The steps of a stretch only one version has word for word: pairs kept
/// in order whose likeness is at least [`ALIKE`] and sums highest (so a
/// step is paired with the one most like it, not the first that will do);
/// the rest removed or added, in document order.
fn pair_gap(
    old: std::ops::Range<usize>,
    new: std::ops::Range<usize>,
    likeness: impl Fn(usize, usize) -> f64,
) -> Vec<Aligned> {
    let (n, m) = (old.len(), new.len());
    let score: Vec<Vec<f64>> =
        (0..n).map(|x| (0..m).map(|y| likeness(old.start + x, new.start + y)).collect()).collect();
    let mut best = vec![vec![0.0f64; m + 1]; n + 1];
    for x in (0..n).rev() {
        for y in (0..m).rev() {
            let paired = if score[x][y] >= ALIKE { score[x][y] + best[x + 1][y + 1] } else { f64::MIN };
            best[x][y] = paired.max(best[x + 1][y]).max(best[x][y + 1]);
        }
    }
    let mut out = Vec::new();
    let (mut x, mut y) = (0, 0);
    while x < n && y < m {
        if score[x][y] >= ALIKE && best[x][y] == score[x][y] + best[x + 1][y + 1] {
            out.push(Aligned::Both(old.start + x, new.start + y));
            (x, y) = (x + 1, y + 1);
        } else if best[x][y] == best[x + 1][y] {
            out.push(Aligned::Removed(old.start + x));
            x += 1;
        } else {
            out.push(Aligned::Added(new.start + y));
            y += 1;
        }
    }
    out.extend((x..n).map(|x| Aligned::Removed(old.start + x)));
    out.extend((y..m).map(|y| Aligned::Added(new.start + y)));
    out
}

impl StepMatch {
    fn new(older: &Sop, newer: &Sop, lanes: &LaneMatch) -> StepMatch {
        let (a, b) = (&older.steps, &newer.steps);
        let ka: Vec<String> = a.iter().map(|s| normalised(&s.activity)).collect();
        let kb: Vec<String> = b.iter().map(|s| normalised(&s.activity)).collect();
        // Longest common subsequence of the activities: the steps that stayed.
        let mut lcs = vec![vec![0usize; kb.len() + 1]; ka.len() + 1];
        for i in (0..ka.len()).rev() {
            for j in (0..kb.len()).rev() {
                lcs[i][j] =
                    if ka[i] == kb[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
            }
        }
        let mut anchors = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < ka.len() && j < kb.len() {
            if ka[i] == kb[j] {
                anchors.push((i, j));
                i += 1;
                j += 1;
            } else if lcs[i + 1][j] >= lcs[i][j + 1] {
                i += 1;
            } else {
                j += 1;
            }
        }
        anchors.push((ka.len(), kb.len()));
        // Between two steps that stayed, reworded steps are paired with the
        // alike ones in the same place.
        let mut aligned = Vec::new();
        let (mut i, mut j) = (0, 0);
        for (ai, bj) in anchors {
            aligned.extend(pair_gap(i..ai, j..bj, |x, y| likeness(older, &a[x], newer, &b[y], lanes)));
            if ai < ka.len() {
                aligned.push(Aligned::Both(ai, bj));
            }
            (i, j) = (ai + 1, bj + 1);
        }
        let mut old_to_new = HashMap::new();
        let (mut removed, mut added) = (HashSet::new(), HashSet::new());
        for pair in &aligned {
            match *pair {
                Aligned::Both(x, y) => {
                    old_to_new.insert(a[x].no, b[y].no);
                }
                Aligned::Added(y) => {
                    added.insert(b[y].no);
                }
                Aligned::Removed(x) => {
                    removed.insert(a[x].no);
                }
            }
        }
        StepMatch { aligned, old_to_new, removed, added }
    }

    /// An older step number in the newer numbering.
    fn renumbered(&self, no: u32) -> Destination {
        self.old_to_new.get(&no).map_or(Destination::Removed(no), |&n| Destination::Step(n))
    }

    /// An older target in the newer numbering.
    fn old_target(&self, target: Target) -> Destination {
        match target {
            Target::Step(n) => self.renumbered(n),
            Target::End => Destination::End,
            Target::Rejected => Destination::Rejected,
        }
    }

    fn new_target(target: Target) -> Destination {
        match target {
            Target::Step(n) => Destination::Step(n),
            Target::End => Destination::End,
            Target::Rejected => Destination::Rejected,
        }
    }

    /// Where `target` really leads once the steps only one version has are
    /// passed through: a step inserted between 3 and 4 does not change
    /// where step 3 leads, nor does removing one.
    fn settle(sop: &Sop, mut target: Target, passed: &HashSet<u32>) -> Target {
        for _ in 0..sop.steps.len() {
            let Target::Step(n) = target else { break };
            let Some(step) = sop.step(n).filter(|s| passed.contains(&s.no) && s.decision.is_none()) else {
                break;
            };
            match step.only_next() {
                Some(next) => target = next,
                None => break,
            }
        }
        target
    }

    /// Whether older targets lead where newer ones do, steps only one
    /// version has passed through.
    fn same_flow(&self, older: &Sop, from: &[Target], newer: &Sop, to: &[Target]) -> bool {
        let a: Vec<Destination> =
            from.iter().map(|t| self.old_target(Self::settle(older, *t, &self.removed))).collect();
        let b: Vec<Destination> =
            to.iter().map(|t| Self::new_target(Self::settle(newer, *t, &self.added))).collect();
        a == b
    }

    fn differences(&self, older: &Sop, newer: &Sop, lanes: &LaneMatch, out: &mut Vec<Difference>) {
        let mut forms = Vec::new();
        for pair in &self.aligned {
            match *pair {
                Aligned::Added(y) => {
                    let s = &newer.steps[y];
                    out.push(Difference::StepAdded {
                        step: s.no,
                        activity: s.activity.clone(),
                        lanes: lane_names(newer, s),
                        time: s.time,
                    });
                }
                Aligned::Removed(x) => {
                    let s = &older.steps[x];
                    out.push(Difference::StepRemoved {
                        step: s.no,
                        activity: s.activity.clone(),
                        lanes: lane_names(older, s),
                    });
                }
                Aligned::Both(x, y) => {
                    let (a, b) = (&older.steps[x], &newer.steps[y]);
                    for change in self.step_changes(older, a, newer, b, lanes) {
                        out.push(Difference::StepChanged {
                            step: b.no,
                            was: a.no,
                            activity: b.activity.clone(),
                            change,
                        });
                    }
                    form_differences(a, b, &mut forms);
                }
            }
        }
        out.extend(forms);
    }

    fn step_changes(
        &self,
        older: &Sop,
        a: &Step,
        newer: &Sop,
        b: &Step,
        lanes: &LaneMatch,
    ) -> Vec<StepChange> {
        let mut changes = Vec::new();
        if normalised(&a.activity) != normalised(&b.activity) {
            changes.push(StepChange::Activity { from: a.activity.clone(), to: b.activity.clone() });
        }
        let now: Vec<Option<&String>> = b.lanes().map(|id| newer.lane(id).map(|l| &l.id)).collect();
        if lanes.lanes_of(a) != now {
            changes.push(StepChange::Lanes { from: lane_names(older, a), to: lane_names(newer, b) });
        }
        if !a.partners.is_empty() && !b.partners.is_empty() && a.together != b.together {
            changes.push(StepChange::Together { from: a.together, to: b.together });
        }
        if a.positions != b.positions {
            changes.push(StepChange::Positions { from: a.positions.clone(), to: b.positions.clone() });
        }
        if a.action != b.action {
            changes.push(StepChange::Action { from: a.action, to: b.action });
        }
        self.flow_changes(older, a, newer, b, &mut changes);
        let (added, removed) = added_removed(&a.requirements, &b.requirements);
        changes.extend(removed.into_iter().map(|item| StepChange::RequirementRemoved { item }));
        changes.extend(added.into_iter().map(|item| StepChange::RequirementAdded { item }));
        if a.time != b.time {
            changes.push(StepChange::Time { from: a.time, to: b.time });
        }
        let outputs = |s: &Step| s.outputs.iter().map(|o| o.value.clone()).collect::<Vec<_>>();
        if outputs(a) != outputs(b) {
            changes.push(StepChange::Output { from: outputs(a), to: outputs(b) });
        }
        if a.remarks != b.remarks {
            changes.push(StepChange::Remarks { from: a.remarks.clone(), to: b.remarks.clone() });
        }
        let after_a: Vec<Destination> = a.after.iter().map(|n| self.renumbered(*n)).collect();
        let after_b: Vec<Destination> = b.after.iter().map(|n| Destination::Step(*n)).collect();
        if after_a != after_b {
            changes.push(StepChange::After { from: after_a, to: after_b });
        }
        if a.outcome != b.outcome {
            changes.push(StepChange::Outcome { from: a.outcome, to: b.outcome });
        }
        if a.max_rounds != b.max_rounds {
            changes.push(StepChange::MaxRounds { from: a.max_rounds, to: b.max_rounds });
        }
        let exhausted_a: Vec<Target> = a.exhausted.into_iter().collect();
        let exhausted_b: Vec<Target> = b.exhausted.into_iter().collect();
        if !self.same_flow(older, &exhausted_a, newer, &exhausted_b) {
            changes.push(StepChange::Exhausted {
                from: a.exhausted.map(|t| self.old_target(t)),
                to: b.exhausted.map(Self::new_target),
            });
        }
        changes
    }

    fn flow_changes(&self, older: &Sop, a: &Step, newer: &Sop, b: &Step, changes: &mut Vec<StepChange>) {
        match (&a.decision, &b.decision) {
            (Some(da), Some(db)) => {
                for (branch, from, to) in [(Branch::Ya, da.ya, db.ya), (Branch::Tidak, da.tidak, db.tidak)] {
                    if !self.same_flow(older, &[from], newer, &[to]) {
                        changes.push(StepChange::Branch {
                            branch,
                            from: self.old_target(from),
                            to: Self::new_target(to),
                        });
                    }
                }
                decision_labels(da, db, changes);
            }
            _ => {
                let (from, to) = (plain_targets(a), plain_targets(b));
                if !self.same_flow(older, &from, newer, &to) {
                    changes.push(StepChange::Next {
                        from: from.iter().map(|t| self.old_target(*t)).collect(),
                        to: to.into_iter().map(Self::new_target).collect(),
                    });
                }
            }
        }
    }
}

/// Where a step leads, its branches (Ya first) or its next steps.
fn plain_targets(step: &Step) -> Vec<Target> {
    match &step.decision {
        Some(d) => vec![d.ya, d.tidak],
        None => step.next.clone(),
    }
}

fn decision_labels(a: &Decision, b: &Decision, changes: &mut Vec<StepChange>) {
    for (branch, from, to) in
        [(Branch::Ya, &a.ya_label, &b.ya_label), (Branch::Tidak, &a.tidak_label, &b.tidak_label)]
    {
        if from != to {
            changes.push(StepChange::BranchLabel { branch, from: from.clone(), to: to.clone() });
        }
    }
    for (branch, from, to) in
        [(Branch::Ya, a.ya_outcome, b.ya_outcome), (Branch::Tidak, a.tidak_outcome, b.tidak_outcome)]
    {
        if from != to {
            changes.push(StepChange::BranchOutcome { branch, from, to });
        }
    }
}

/// The fields and attachments of a step found in both versions, matched by name.
fn form_differences(a: &Step, b: &Step, out: &mut Vec<Difference>) {
    let step = b.no;
    for old in a.fields.iter().filter(|f| !b.fields.iter().any(|n| n.name == f.name)) {
        out.push(Difference::FieldRemoved { step, field: old.name.clone(), label: old.label.clone() });
    }
    for new in &b.fields {
        match a.fields.iter().find(|f| f.name == new.name) {
            None => {
                out.push(Difference::FieldAdded { step, field: new.name.clone(), label: new.label.clone() })
            }
            Some(old) => out.extend(field_changes(old, new).into_iter().map(|change| {
                Difference::FieldChanged { step, field: new.name.clone(), label: new.label.clone(), change }
            })),
        }
    }
    for old in a.attachments.iter().filter(|x| !b.attachments.iter().any(|n| n.name == x.name)) {
        out.push(Difference::AttachmentRemoved {
            step,
            attachment: old.name.clone(),
            label: old.label.clone(),
        });
    }
    for new in &b.attachments {
        match a.attachments.iter().find(|x| x.name == new.name) {
            None => out.push(Difference::AttachmentAdded {
                step,
                attachment: new.name.clone(),
                label: new.label.clone(),
            }),
            Some(old) => out.extend(attachment_changes(old, new).into_iter().map(|change| {
                Difference::AttachmentChanged {
                    step,
                    attachment: new.name.clone(),
                    label: new.label.clone(),
                    change,
                }
            })),
        }
    }
}

/// A field's pattern as written in the file (the parser anchors it).
fn written_pattern(field: &Field) -> Option<String> {
    field.pattern.as_ref().map(|p| {
        let s = p.as_str();
        s.strip_prefix("^(?:").and_then(|s| s.strip_suffix(")$")).unwrap_or(s).to_string()
    })
}

fn field_changes(a: &Field, b: &Field) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    if a.label != b.label {
        changes.push(FieldChange::Label { from: a.label.clone(), to: b.label.clone() });
    }
    if a.kind != b.kind {
        changes.push(FieldChange::Kind { from: a.kind, to: b.kind });
    }
    if a.required != b.required {
        changes.push(FieldChange::Required { from: a.required, to: b.required });
    }
    let (pa, pb) = (written_pattern(a), written_pattern(b));
    if pa != pb {
        changes.push(FieldChange::Pattern { from: pa, to: pb });
    }
    if a.min_length != b.min_length {
        changes.push(FieldChange::MinLength { from: a.min_length, to: b.min_length });
    }
    if a.max_length != b.max_length {
        changes.push(FieldChange::MaxLength { from: a.max_length, to: b.max_length });
    }
    let (added, removed) = added_removed(&a.options, &b.options);
    changes.extend(removed.into_iter().map(|option| FieldChange::OptionRemoved { option }));
    changes.extend(added.into_iter().map(|option| FieldChange::OptionAdded { option }));
    if a.help != b.help {
        changes.push(FieldChange::Help { from: a.help.clone(), to: b.help.clone() });
    }
    if a.personal != b.personal {
        changes.push(FieldChange::Personal { from: a.personal, to: b.personal });
    }
    if a.required_when != b.required_when {
        changes
            .push(FieldChange::RequiredWhen { from: a.required_when.clone(), to: b.required_when.clone() });
    }
    if a.on_behalf != b.on_behalf {
        changes.push(FieldChange::OnBehalf { from: a.on_behalf, to: b.on_behalf });
    }
    changes
}

fn attachment_changes(a: &Attachment, b: &Attachment) -> Vec<AttachmentChange> {
    let mut changes = Vec::new();
    if a.label != b.label {
        changes.push(AttachmentChange::Label { from: a.label.clone(), to: b.label.clone() });
    }
    if a.required != b.required {
        changes.push(AttachmentChange::Required { from: a.required, to: b.required });
    }
    if a.accept != b.accept {
        changes.push(AttachmentChange::Accept { from: a.accept.clone(), to: b.accept.clone() });
    }
    if a.max_kb != b.max_kb {
        changes.push(AttachmentChange::MaxKb { from: a.max_kb, to: b.max_kb });
    }
    changes
}

fn letter(a: Option<&LetterTemplate>, b: Option<&LetterTemplate>, out: &mut Vec<Difference>) {
    match (a, b) {
        (None, None) => {}
        (None, Some(b)) => out.push(Difference::LetterAdded { subject: b.subject.clone() }),
        (Some(a), None) => out.push(Difference::LetterRemoved { subject: a.subject.clone() }),
        (Some(a), Some(b)) => {
            for (part, from, to) in [
                (LetterPart::Subject, Some(&a.subject), Some(&b.subject)),
                (LetterPart::Recipient, Some(&a.recipient), Some(&b.recipient)),
                (LetterPart::Body, Some(&a.body), Some(&b.body)),
                (LetterPart::Classification, a.classification.as_ref(), b.classification.as_ref()),
            ] {
                if from != to {
                    out.push(Difference::LetterChanged { part, from: from.cloned(), to: to.cloned() });
                }
            }
        }
    }
}

/// A step number as the newer version reads it.
type Renumber<'a> = &'a dyn Fn(u32) -> String;

fn registry_text(r: &Registry, step: Renumber) -> String {
    let action = match r.action {
        RegistryAction::Create => "dibuat",
        RegistryAction::Revoke => "dicabut",
    };
    let mut text = format!(
        "{} {action} pada {}; nama dari isian {}, penanggung jawab {}",
        r.kind.label(),
        step(r.step),
        r.key,
        r.person
    );
    let mut part = |label: &str, value: Option<String>| {
        if let Some(value) = value {
            text.push_str(&format!(", {label} {value}"));
        }
    };
    part("berlaku sampai", r.valid_until.clone());
    part("unit", r.unit.clone());
    part("rincian", (!r.details.is_empty()).then(|| r.details.join(", ")));
    part("rekaman DNS", r.record.as_ref().map(|(kind, value)| format!("{kind}/{value}")));
    part("nama diminta", r.requested.clone());
    part("alasan nama lain", r.other_name_reason.clone());
    part("nilai diminta", r.requested_value.clone());
    part("penyediaan otomatis", r.provision.map(|k| k.label().to_string()));
    text
}

fn visit_text(v: &Visit, step: Renumber) -> String {
    format!(
        "pengunjung {}, instansi {}, keperluan {}, mulai {}, selesai {}, pendampingan pada {}",
        v.visitor,
        v.institution,
        v.purpose,
        v.planned_start,
        v.planned_end,
        step(v.escort_step)
    )
}

fn review_text(r: &AccessReview, step: Renumber) -> String {
    let unreviewed = match r.unreviewed {
        Unreviewed::Flag => "ditandai",
        Unreviewed::Revoke => "dicabut",
    };
    let mut text = format!(
        "registri {} ditinjau pada {}; entri yang tidak ditinjau {unreviewed}",
        r.kind.label(),
        step(r.step)
    );
    if let Some(months) = r.every_months {
        text.push_str(&format!(", dibuka sendiri setiap {months} bulan"));
    }
    text
}

fn others(older: &Sop, newer: &Sop, steps: &StepMatch, out: &mut Vec<Difference>) {
    if older.service != newer.service {
        out.push(Difference::Service { from: older.service.clone(), to: newer.service.clone() });
    }
    let old_step = |n: u32| steps.renumbered(n).to_string();
    let new_step = |n: u32| Destination::Step(n).to_string();
    let pair = |from: Option<String>, to: Option<String>| (from != to).then_some((from, to));
    if let Some((from, to)) = pair(
        older.registry.as_ref().map(|r| registry_text(r, &old_step)),
        newer.registry.as_ref().map(|r| registry_text(r, &new_step)),
    ) {
        out.push(Difference::Registry { from, to });
    }
    if let Some((from, to)) = pair(
        older.visit.as_ref().map(|v| visit_text(v, &old_step)),
        newer.visit.as_ref().map(|v| visit_text(v, &new_step)),
    ) {
        out.push(Difference::Visit { from, to });
    }
    if let Some((from, to)) = pair(
        older.review.as_ref().map(|r| review_text(r, &old_step)),
        newer.review.as_ref().map(|r| review_text(r, &new_step)),
    ) {
        out.push(Difference::Review { from, to });
    }
    let (from, to) = (older.deadline.map(|d| d.time), newer.deadline.map(|d| d.time));
    if from != to {
        out.push(Difference::Deadline { from, to });
    }
    if let Some((from, to)) =
        pair(older.schedule.as_ref().map(|s| s.describe()), newer.schedule.as_ref().map(|s| s.describe()))
    {
        out.push(Difference::Schedule { from, to });
    }
}

fn quoted(text: &str) -> String {
    format!("“{text}”")
}

fn or_empty(text: Option<&String>) -> String {
    text.map_or_else(|| "(kosong)".to_string(), |t| quoted(t))
}

fn time(t: Option<StandardTime>) -> String {
    t.map_or_else(|| "tanpa waktu baku".to_string(), |t| t.to_string())
}

fn ending(e: Option<Ending>) -> &'static str {
    e.map_or("(tidak ditentukan)", Ending::key)
}

fn list(items: &[String], empty: &str) -> String {
    if items.is_empty() { empty.to_string() } else { items.join(", ") }
}

fn destinations(items: &[Destination]) -> String {
    if items.is_empty() {
        "(tidak ada)".to_string()
    } else {
        items.iter().map(ToString::to_string).collect::<Vec<_>>().join(" dan ")
    }
}

fn together(t: Together) -> &'static str {
    match t {
        Together::All => "setiap pelaksana bertindak",
        Together::Any => "salah satu pelaksana bertindak untuk semua",
    }
}

fn required_when(r: Option<&RequiredWhen>) -> String {
    r.map_or_else(|| "(tidak ada)".to_string(), |r| format!("bila {} = {}", r.field, quoted(&r.value)))
}

fn opt_number(n: Option<u32>, unit: &str, none: &str) -> String {
    n.map_or_else(|| none.to_string(), |n| format!("{n} {unit}"))
}

fn summary(text: Option<&String>) -> String {
    text.map_or_else(|| "(tidak ada)".to_string(), Clone::clone)
}

impl StepChange {
    /// The sentence for this change of `step` ("langkah 3", or "langkah 4
    /// (dahulu 3)").
    fn sentence(&self, step: &str) -> String {
        use StepChange as C;
        match self {
            C::Activity { from, to } => format!("Kegiatan {step}: {} → {}.", quoted(from), quoted(to)),
            C::Lanes { from, to } => {
                format!("Pelaksana {step}: {} → {}.", from.join(" & "), to.join(" & "))
            }
            C::Together { from, to } => {
                format!("Cara pelaksana {step} bertindak: {} → {}.", together(*from), together(*to))
            }
            C::Positions { from, to } => format!(
                "Jabatan yang bertindak pada {step}: {} → {}.",
                list(from, "semua jabatan pelaksana"),
                list(to, "semua jabatan pelaksana")
            ),
            C::Action { from, to } => format!("Jenis tindakan {step}: {} → {}.", from.label(), to.label()),
            C::Next { from, to } => {
                format!("Langkah berikutnya setelah {step}: {} → {}.", destinations(from), destinations(to))
            }
            C::Branch { branch, from, to } => format!("Cabang {branch} {step}: {from} → {to}."),
            C::BranchLabel { branch, from, to } => {
                format!("Label cabang {branch} {step}: {} → {}.", quoted(from), quoted(to))
            }
            C::BranchOutcome { branch, from, to } => format!(
                "Akhir permohonan bila cabang {branch} {step} diambil: {} → {}.",
                ending(*from),
                ending(*to)
            ),
            C::RequirementAdded { item } => format!("Persyaratan {step} ditambah: {}.", quoted(item)),
            C::RequirementRemoved { item } => format!("Persyaratan {step} dihapus: {}.", quoted(item)),
            C::Time { from, to } => format!("Waktu {step}: {} → {}.", time(*from), time(*to)),
            C::Output { from, to } => format!(
                "Output {step}: {} → {}.",
                or_empty((!from.is_empty()).then(|| from.join("; ")).as_ref()),
                or_empty((!to.is_empty()).then(|| to.join("; ")).as_ref())
            ),
            C::Remarks { from, to } => {
                format!("Keterangan {step}: {} → {}.", or_empty(from.as_ref()), or_empty(to.as_ref()))
            }
            C::After { from, to } => {
                format!("Langkah yang ditunggu {step}: {} → {}.", destinations(from), destinations(to))
            }
            C::Outcome { from, to } => {
                format!("Akhir permohonan setelah {step}: {} → {}.", ending(*from), ending(*to))
            }
            C::MaxRounds { from, to } => format!(
                "Batas pengulangan {step}: {} → {}.",
                opt_number(*from, "kali", "tanpa batas"),
                opt_number(*to, "kali", "tanpa batas")
            ),
            C::Exhausted { from, to } => format!(
                "Tujuan bila batas pengulangan {step} habis: {} → {}.",
                from.map_or_else(|| "(tidak ada)".to_string(), |d| d.to_string()),
                to.map_or_else(|| "(tidak ada)".to_string(), |d| d.to_string())
            ),
        }
    }
}

impl FieldChange {
    fn sentence(&self, field: &str, name: &str) -> String {
        use FieldChange as C;
        let now = |yes: bool, on: &str, off: &str| format!("{field} kini {}.", if yes { on } else { off });
        match self {
            C::Label { from, to } => format!("Label isian {name}: {} → {}.", quoted(from), quoted(to)),
            C::Kind { from, to } => format!("Jenis {field}: {} → {}.", from.key(), to.key()),
            C::Required { to, .. } => now(*to, "wajib diisi", "tidak wajib diisi"),
            C::Pattern { from, to } => {
                format!("Pola {field}: {} → {}.", or_empty(from.as_ref()), or_empty(to.as_ref()))
            }
            C::MinLength { from, to } => format!(
                "Panjang paling sedikit {field}: {} → {}.",
                opt_number(*from, "karakter", "tanpa batas"),
                opt_number(*to, "karakter", "tanpa batas")
            ),
            C::MaxLength { from, to } => format!(
                "Panjang paling banyak {field}: {} → {}.",
                opt_number(*from, "karakter", "tanpa batas"),
                opt_number(*to, "karakter", "tanpa batas")
            ),
            C::OptionAdded { option } => format!("Pilihan {field} ditambah: {}.", quoted(option)),
            C::OptionRemoved { option } => format!("Pilihan {field} dihapus: {}.", quoted(option)),
            C::Help { from, to } => {
                format!("Petunjuk {field}: {} → {}.", or_empty(from.as_ref()), or_empty(to.as_ref()))
            }
            C::Personal { to, .. } => now(*to, "data pribadi", "bukan data pribadi"),
            C::RequiredWhen { from, to } => format!(
                "Syarat wajib {field}: {} → {}.",
                required_when(from.as_ref()),
                required_when(to.as_ref())
            ),
            C::OnBehalf { to, .. } => {
                now(*to, "menunjuk pegawai yang diwakili", "tidak lagi menunjuk pegawai yang diwakili")
            }
        }
    }
}

impl AttachmentChange {
    fn sentence(&self, attachment: &str) -> String {
        use AttachmentChange as C;
        match self {
            C::Label { from, to } => format!("Nama {attachment}: {} → {}.", quoted(from), quoted(to)),
            C::Required { to, .. } => {
                format!("{attachment} kini {}.", if *to { "wajib diunggah" } else { "tidak wajib diunggah" })
            }
            C::Accept { from, to } => {
                format!("Jenis berkas {attachment}: {} → {}.", list(from, "-"), list(to, "-"))
            }
            C::MaxKb { from, to } => format!("Ukuran paling besar {attachment}: {from} KB → {to} KB."),
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The sentence a civil servant reads: "Langkah 4 ditambahkan: …",
/// "Waktu langkah 3: 1 hari → 2 jam."
impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Difference as D;
        let text = match self {
            D::IdentityText { field, from, to } => match (from, to) {
                (None, Some(to)) => format!("{} diisi: {}.", field.label(), quoted(to)),
                (Some(from), None) => format!("{} dikosongkan (sebelumnya {}).", field.label(), quoted(from)),
                _ => format!("{}: {} → {}.", field.label(), or_empty(from.as_ref()), or_empty(to.as_ref())),
            },
            D::IdentityDate { field, from, to } => match (from, to) {
                (None, Some(to)) => format!("{} diisi: {}.", field.label(), to.indonesian()),
                (Some(from), None) => {
                    format!("{} dikosongkan (sebelumnya {}).", field.label(), from.indonesian())
                }
                (Some(from), Some(to)) => {
                    format!("{}: {} → {}.", field.label(), from.indonesian(), to.indonesian())
                }
                (None, None) => format!("{}: tidak berubah.", field.label()),
            },
            D::IdentityItemAdded { list, item } => format!("{} ditambah: {}.", list.label(), quoted(item)),
            D::IdentityItemRemoved { list, item } => format!("{} dihapus: {}.", list.label(), quoted(item)),
            D::IdentityListReordered { list } => format!("Urutan {} diubah.", list.label().to_lowercase()),
            D::Approver { from, to } => {
                format!("Disahkan oleh: {} → {}.", or_empty(from.as_ref()), or_empty(to.as_ref()))
            }
            D::LaneAdded { name, .. } => format!("Pelaksana ditambahkan: {}.", quoted(name)),
            D::LaneRemoved { name, .. } => format!("Pelaksana dihapus: {}.", quoted(name)),
            D::LaneRenamed { from, to, .. } => {
                format!("Pelaksana {} berganti nama menjadi {}.", quoted(from), quoted(to))
            }
            D::LaneActors { name, from, to, .. } => {
                format!("Jabatan pelaksana {}: {from} → {to}.", quoted(name))
            }
            D::StepAdded { step, activity, lanes, time: t } => format!(
                "Langkah {step} ditambahkan: {} ({}, {}).",
                quoted(activity),
                lanes.join(" & "),
                time(*t)
            ),
            D::StepRemoved { step, activity, .. } => format!("Langkah {step} dihapus: {}.", quoted(activity)),
            D::StepChanged { step, was, change, .. } => {
                let named = if step == was {
                    format!("langkah {step}")
                } else {
                    format!("langkah {step} (dahulu {was})")
                };
                capitalised(&change.sentence(&named))
            }
            D::FieldAdded { step, label, .. } => {
                format!("Isian {} pada langkah {step} ditambahkan.", quoted(label))
            }
            D::FieldRemoved { step, label, .. } => {
                format!("Isian {} pada langkah {step} dihapus.", quoted(label))
            }
            D::FieldChanged { step, field, label, change } => capitalised(&change.sentence(
                &format!("isian {} pada langkah {step}", quoted(label)),
                &format!("{field} pada langkah {step}"),
            )),
            D::AttachmentAdded { step, label, .. } => {
                format!("Lampiran {} pada langkah {step} ditambahkan.", quoted(label))
            }
            D::AttachmentRemoved { step, label, .. } => {
                format!("Lampiran {} pada langkah {step} dihapus.", quoted(label))
            }
            D::AttachmentChanged { step, label, change, .. } => {
                capitalised(&change.sentence(&format!("lampiran {} pada langkah {step}", quoted(label))))
            }
            D::LetterAdded { subject } => {
                format!("Templat surat pemberitahuan ditambahkan: perihal {}.", quoted(subject))
            }
            D::LetterRemoved { subject } => {
                format!("Templat surat pemberitahuan dihapus (perihal {}).", quoted(subject))
            }
            D::LetterChanged { part: LetterPart::Body, .. } => "Isi surat pemberitahuan diubah.".to_string(),
            D::LetterChanged { part, from, to } => {
                let what = match part {
                    LetterPart::Subject => "Perihal surat",
                    LetterPart::Recipient => "Tujuan surat",
                    LetterPart::Classification => "Kode klasifikasi surat",
                    LetterPart::Body => "Isi surat",
                };
                format!("{what}: {} → {}.", or_empty(from.as_ref()), or_empty(to.as_ref()))
            }
            D::Service { from, to } => {
                format!("Jenis layanan: {} → {}.", summary(from.as_ref()), summary(to.as_ref()))
            }
            D::Registry { from, to } => {
                format!("Registri: {} → {}.", summary(from.as_ref()), summary(to.as_ref()))
            }
            D::Visit { from, to } => {
                format!("Kunjungan: {} → {}.", summary(from.as_ref()), summary(to.as_ref()))
            }
            D::Review { from, to } => {
                format!("Peninjauan akses: {} → {}.", summary(from.as_ref()), summary(to.as_ref()))
            }
            D::Deadline { from, to } => format!(
                "Batas waktu seluruh prosedur: {} → {}.",
                from.map_or_else(|| "(tidak ada)".to_string(), |t| t.to_string()),
                to.map_or_else(|| "(tidak ada)".to_string(), |t| t.to_string())
            ),
            D::Schedule { from, to } => {
                format!("Jadwal rutin: {} → {}.", summary(from.as_ref()), summary(to.as_ref()))
            }
        };
        f.write_str(&text)
    }
}
