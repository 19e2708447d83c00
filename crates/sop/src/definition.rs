//! The validated SOP model: identity page, lanes (pelaksana) and steps with
//! their mutu baku. Everything here has passed `parse_sop`, so lane and step
//! references resolve and decisions have both branches.

use crate::date::Date;
use crate::diagnostic::{Located, Location};
pub use crate::registry_kind::{NameRule, RegistryKind};
use crate::standard_time::StandardTime;

/// One SOP definition, one version.
#[derive(Debug, Clone)]
pub struct Sop {
    /// `agency/slug`, e.g. `lumajang/vpn`.
    pub id: String,
    /// Revision of this definition; a running case keeps the version it started on.
    pub version: u32,
    /// The agency profile this SOP belongs to (its `id`).
    pub agency: String,
    /// What the SOP provides (`vpn`, `email`, `subdomain`, `ruang-server`), used
    /// by the linter to spot text copied from another SOP.
    pub service: Option<String>,
    pub identity: Identity,
    /// OCR or transcription corrections, kept so an agency sees what changed.
    pub corrections: Vec<Correction>,
    pub lanes: Vec<Lane>,
    /// In document order; the first step is the start.
    pub steps: Vec<Step>,
    /// The notification letter the procedure ends with, if any.
    pub letter: Option<LetterTemplate>,
    /// The registry the procedure's result is entered in, if any.
    pub registry: Option<Registry>,
    /// For escorted visits: which fields describe the visitor and the visit.
    pub visit: Option<Visit>,
    /// For access reviews: which registry is reviewed, at which step.
    pub review: Option<AccessReview>,
    /// The time the whole procedure may take, from the request to its end
    /// ("terselesaikan dalam waktu 28 hari").
    pub deadline: Option<Deadline>,
    /// For a routine SOP: when the server starts a case by itself.
    pub schedule: Option<Schedule>,
    /// The file this definition was read from (for diagnostics).
    pub file: String,
    /// The definition text itself, as published.
    pub source: String,
}

/// The identity page of PermenPANRB 35/2012.
#[derive(Debug, Clone)]
pub struct Identity {
    pub nomor: Located<String>,
    pub nama: Located<String>,
    /// The issuing unit printed under the agency name (e.g. "Bidang Aplikasi Informatika").
    pub unit: Option<String>,
    pub tanggal_pembuatan: Option<Date>,
    pub tanggal_revisi: Option<Date>,
    pub tanggal_pengesahan: Option<Date>,
    /// Some agencies print "Tanggal Efektif" instead of (or besides) pengesahan.
    pub tanggal_efektif: Option<Date>,
    /// `None` when the document leaves it blank (a lint finding).
    pub disahkan_oleh: Option<Approver>,
    pub disahkan_oleh_at: Location,
    pub dasar_hukum: Vec<String>,
    pub kualifikasi_pelaksana: Vec<String>,
    pub keterkaitan: Vec<String>,
    pub peralatan: Vec<String>,
    pub peringatan: Vec<String>,
    pub pencatatan: Vec<Located<String>>,
    /// Further notes printed on the document (e.g. an electronic-signature note).
    pub catatan: Vec<String>,
    /// The title printed above the matrix, when the document has one.
    pub judul_prosedur: Option<String>,
}

/// Who approved the SOP (Disahkan oleh).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approver {
    pub jabatan: String,
    pub nama: String,
    /// Rank (pangkat/golongan), e.g. "Pembina Utama Muda".
    pub pangkat: Option<String>,
    /// The 18-digit NIP, as printed (with or without spaces).
    pub nip: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correction {
    /// Which field was corrected, e.g. `identity.tanggal_pengesahan` or `steps.2`.
    pub field: String,
    /// What the source printed.
    pub printed: String,
    /// Why and how it was read.
    pub note: String,
}

/// A *pelaksana*: one column of the flowchart matrix.
#[derive(Debug, Clone)]
pub struct Lane {
    pub id: String,
    /// The column heading, as printed.
    pub name: String,
    /// Positions whose holders may act in this lane ("Kepala Dinas / Sekretaris
    /// Dinas" is one lane held by two positions).
    pub positions: Vec<String>,
    /// The requesting party (Pengguna, Unit Kerja Pemohon): outside the Dinas.
    pub requester: bool,
    /// Any person of the agency may act in this lane ("setiap pegawai"),
    /// whatever position they hold.
    pub anyone: bool,
    pub at: Location,
}

/// How the lanes of a joint step ("Pemohon & Staf UK") carry it out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Together {
    /// Each lane acts (one task per lane); the step is done when all have.
    All,
    /// Whoever of the lanes acts first does it for all (one task).
    Any,
}

/// Written as in definition files (`"all"`, `"any"`).
impl serde::Serialize for Together {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl Together {
    pub fn key(self) -> &'static str {
        match self {
            Together::All => "all",
            Together::Any => "any",
        }
    }
}

/// How a case ends, as an SOP names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// `"selesai"`: the purpose achieved.
    Completed,
    /// `"ditolak"`: the request refused.
    Rejected,
}

/// Written as in definition files (`"selesai"`, `"ditolak"`).
impl serde::Serialize for Ending {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl Ending {
    pub const ALL: [Ending; 2] = [Ending::Completed, Ending::Rejected];

    /// The word used in definition files.
    pub fn key(self) -> &'static str {
        match self {
            Ending::Completed => "selesai",
            Ending::Rejected => "ditolak",
        }
    }

    pub fn parse(word: &str) -> Option<Ending> {
        Ending::ALL.into_iter().find(|e| e.key() == word)
    }
}

/// `[deadline]`: the standard time of the whole procedure, in working time
/// from the request to the end of the case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub time: StandardTime,
    pub at: Location,
}

/// `[schedule]`: a routine SOP, started by the server at each period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub every: Period,
    /// Local time of day the case starts, (hour, minute).
    pub at: (u8, u8),
    /// The day within the period: a weekday 1–7 (Monday first) for weeks, a
    /// day of the month 1–28 for months, (month, day) for years.
    pub on: ScheduleDay,
    /// Only on working days (the default): a day period skips holidays and
    /// weekends, and a later period's day moves to the next working day.
    pub working_days: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Day,
    Week,
    Month,
    Year,
}

impl Period {
    pub const ALL: [Period; 4] = [Period::Day, Period::Week, Period::Month, Period::Year];

    /// The word used in definition files.
    pub fn key(self) -> &'static str {
        match self {
            Period::Day => "hari",
            Period::Week => "minggu",
            Period::Month => "bulan",
            Period::Year => "tahun",
        }
    }

    /// "setiap hari", "setiap bulan", …
    pub fn label(self) -> String {
        format!("setiap {}", self.key())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleDay {
    /// Every (working) day.
    Daily,
    /// 1 = Senin … 7 = Minggu.
    Weekday(u8),
    /// Day of the month, 1–28 (every month has it).
    MonthDay(u8),
    /// (month, day) of the year.
    YearDay(u8, u8),
}

/// What kind of act a step is; the engine gives each its semantics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ActionKind {
    /// Starts a case with the request (form, letter).
    Submit,
    /// Routes the matter down the hierarchy with an instruction note.
    Dispose,
    /// Passes a document to another lane for its decision.
    Forward,
    /// Ya/Tidak with a reason; follows the branch.
    Decide,
    /// Grants an approval (e.g. an access right) already decided on.
    Approve,
    /// Does the work and records the result fields.
    Perform,
    /// Reports completion to the instructing lane.
    Report,
    /// Acknowledges receipt (of a report or a letter); closes the case when last.
    Receive,
    /// Drafts a letter.
    Draft,
    /// Approves a draft or returns it to the drafting step with a note.
    Review,
    Sign,
    Send,
    /// Issues an access card or visitor badge.
    IssueCard,
    /// Escorts a visitor for the length of the visit.
    Escort,
}

impl ActionKind {
    pub const ALL: [ActionKind; 14] = [
        ActionKind::Submit,
        ActionKind::Dispose,
        ActionKind::Forward,
        ActionKind::Decide,
        ActionKind::Approve,
        ActionKind::Perform,
        ActionKind::Report,
        ActionKind::Receive,
        ActionKind::Draft,
        ActionKind::Review,
        ActionKind::Sign,
        ActionKind::Send,
        ActionKind::IssueCard,
        ActionKind::Escort,
    ];

    /// Whether the act answers Ya or Tidak (and follows that branch).
    pub fn takes_verdict(self) -> bool {
        matches!(self, ActionKind::Decide | ActionKind::Review)
    }

    /// The word used in definition files.
    pub fn key(self) -> &'static str {
        match self {
            ActionKind::Submit => "submit",
            ActionKind::Dispose => "dispose",
            ActionKind::Forward => "forward",
            ActionKind::Decide => "decide",
            ActionKind::Approve => "approve",
            ActionKind::Perform => "perform",
            ActionKind::Report => "report",
            ActionKind::Receive => "receive",
            ActionKind::Draft => "draft",
            ActionKind::Review => "review",
            ActionKind::Sign => "sign",
            ActionKind::Send => "send",
            ActionKind::IssueCard => "issue-card",
            ActionKind::Escort => "escort",
        }
    }

    /// The verb shown to users.
    pub fn label(self) -> &'static str {
        match self {
            ActionKind::Submit => "Ajukan",
            ActionKind::Dispose => "Disposisikan",
            ActionKind::Forward => "Teruskan",
            ActionKind::Decide => "Putuskan",
            ActionKind::Approve => "Setujui",
            ActionKind::Perform => "Kerjakan",
            ActionKind::Report => "Laporkan",
            ActionKind::Receive => "Terima",
            ActionKind::Draft => "Buat konsep surat",
            ActionKind::Review => "Periksa konsep",
            ActionKind::Sign => "Tandatangani",
            ActionKind::Send => "Kirim",
            ActionKind::IssueCard => "Terbitkan kartu",
            ActionKind::Escort => "Dampingi",
        }
    }
}

/// Where the procedure goes after a step (or a decision branch).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The step with this printed number.
    Step(u32),
    /// The procedure ends, its purpose achieved (`"selesai"`).
    End,
    /// The procedure ends, the request refused (`"ditolak"`).
    Rejected,
}

/// One row of the flowchart matrix.
#[derive(Debug, Clone)]
pub struct Step {
    /// The number as printed (gaps are kept: Lumajang's step 4 is missing).
    pub no: u32,
    pub activity: String,
    /// The lane that carries out the step (the first one named).
    pub lane: String,
    /// Further lanes carrying out the step together with `lane`
    /// (`lane = ["pemohon", "staf-uk"]`): "Pemohon & Staf UK".
    pub partners: Vec<String>,
    /// How the lanes of a joint step act (meaningless without partners).
    pub together: Together,
    pub action: ActionKind,
    /// When only some of the lane's positions act in this step (the Secretary,
    /// not the Head, sends the letter); empty means all of them.
    pub positions: Vec<String>,
    /// Persyaratan / kelengkapan.
    pub requirements: Vec<String>,
    pub time: Option<StandardTime>,
    pub time_at: Location,
    /// What the step produces (`output`, or several with `outputs`).
    pub outputs: Vec<Located<String>>,
    pub remarks: Option<String>,
    /// For non-decisions: where to go next (defaults to the following step,
    /// or the end after the last one). Several steps (`next = [5, 6]`) start
    /// side by side: parallel work. For decisions, the Ya branch.
    pub next: Vec<Target>,
    /// A join: the step waits for these steps (each leading to it) to be
    /// done before it opens (`after = [5, 6]`). Empty for other steps.
    pub after: Vec<u32>,
    /// The case's outcome once this step is done (`outcome = "ditolak"` on
    /// the reply to a refused request): the case keeps it to its end.
    pub outcome: Option<Ending>,
    /// For a step that can go back (a decision's back branch, a review's
    /// return): how many times it may be carried out in one case.
    pub max_rounds: Option<u32>,
    /// Where the procedure goes instead of going back when `max_rounds` is
    /// reached (required with it).
    pub exhausted: Option<Target>,
    /// For decisions only.
    pub decision: Option<Decision>,
    /// Data the acting person must enter.
    pub fields: Vec<Field>,
    pub attachments: Vec<Attachment>,
    pub at: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub ya: Target,
    pub tidak: Target,
    /// The printed exit labels ("Ya"/"Tidak" unless the SOP says e.g. "disetujui").
    pub ya_label: String,
    pub tidak_label: String,
    /// The case's outcome when this branch is taken (`tidak_outcome =
    /// "ditolak"`: refused, though a reply letter still follows).
    pub ya_outcome: Option<Ending>,
    pub tidak_outcome: Option<Ending>,
}

impl Step {
    /// Every step this one can lead to, in branch order (Ya first), then
    /// where it goes when its rounds are exhausted.
    pub fn targets(&self) -> Vec<Target> {
        let mut targets = match &self.decision {
            Some(d) => vec![d.ya, d.tidak],
            None => self.next.clone(),
        };
        targets.extend(self.exhausted);
        targets
    }

    /// Every lane acting in the step: its own, then its partners.
    pub fn lanes(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.lane.as_str()).chain(self.partners.iter().map(String::as_str))
    }

    /// Whether several lanes each carry out their own part of the step.
    pub fn each_lane_acts(&self) -> bool {
        !self.partners.is_empty() && self.together == Together::All
    }

    /// The single place the step leads to, for a step that does not fork.
    pub fn only_next(&self) -> Option<Target> {
        match self.next.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// Whether the step ends the procedure (its only next is an end).
    pub fn ends(&self) -> bool {
        self.decision.is_none() && matches!(self.only_next(), Some(Target::End | Target::Rejected))
    }

    /// The outputs' texts, one line each.
    pub fn output_text(&self) -> Option<String> {
        (!self.outputs.is_empty())
            .then(|| self.outputs.iter().map(|o| o.value.as_str()).collect::<Vec<_>>().join("; "))
    }
}

/// A datum a person enters at a step.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
    pub pattern: Option<regex::Regex>,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    /// For `select`.
    pub options: Vec<String>,
    pub help: Option<String>,
    /// Personal data (NIK) is encrypted at rest and masked on screen.
    pub personal: bool,
    /// Required too when another field of the same step has this value
    /// (`required_when = { field = "jenis_akses", value = "Akses sementara" }`).
    pub required_when: Option<RequiredWhen>,
    /// For a `pegawai` field: the request is filed for this employee (the
    /// person on leave), who is shown on the case and told of its end.
    pub on_behalf: bool,
}

/// The condition under which an optional field must be filled.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RequiredWhen {
    /// Another field of the same step.
    pub field: String,
    pub value: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldKind {
    Text,
    Textarea,
    Number,
    Date,
    /// A date and time of day, `YYYY-MM-DDTHH:MM` (the agency's local time).
    #[serde(rename = "datetime")]
    DateTime,
    Email,
    Phone,
    /// 16-digit national ID number.
    Nik,
    /// 18-digit civil-servant number.
    Nip,
    /// An RFC 1035 host name or label.
    Domain,
    Ip,
    Select,
    /// A person of the agency, by their id (chosen from its people).
    Pegawai,
}

impl FieldKind {
    pub const ALL: [FieldKind; 13] = [
        FieldKind::Text,
        FieldKind::Textarea,
        FieldKind::Number,
        FieldKind::Date,
        FieldKind::DateTime,
        FieldKind::Email,
        FieldKind::Phone,
        FieldKind::Nik,
        FieldKind::Nip,
        FieldKind::Domain,
        FieldKind::Ip,
        FieldKind::Select,
        FieldKind::Pegawai,
    ];

    /// The word used in definition files.
    pub fn key(self) -> &'static str {
        match self {
            FieldKind::Text => "text",
            FieldKind::Textarea => "textarea",
            FieldKind::Number => "number",
            FieldKind::Date => "date",
            FieldKind::DateTime => "datetime",
            FieldKind::Email => "email",
            FieldKind::Phone => "phone",
            FieldKind::Nik => "nik",
            FieldKind::Nip => "nip",
            FieldKind::Domain => "domain",
            FieldKind::Ip => "ip",
            FieldKind::Select => "select",
            FieldKind::Pegawai => "pegawai",
        }
    }
}

/// A document a person must upload at a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub label: String,
    pub required: bool,
    /// Accepted file kinds, by extension: `pdf`, `jpg`, `png`.
    pub accept: Vec<String>,
    pub max_kb: u32,
}

impl Sop {
    /// What the placeholder `{name}` of a letter stands for, in words: the
    /// label of the step field of that name, or of the case particular.
    pub fn placeholder_label(&self, name: &str) -> Option<&str> {
        self.steps.iter().flat_map(|s| &s.fields).find(|f| f.name == name).map(|f| f.label.as_str()).or_else(
            || LETTER_PLACEHOLDERS.iter().position(|p| *p == name).map(|i| LETTER_PLACEHOLDER_LABELS[i]),
        )
    }

    /// The placeholders left unfilled in `texts` (a letter's subject,
    /// addressee and body), each once, in order of appearance. A letter
    /// with any is not finished: it may not be approved or signed.
    pub fn unfilled(&self, texts: &[&str]) -> Vec<Unfilled> {
        let mut found: Vec<Unfilled> = Vec::new();
        for name in texts.iter().flat_map(|t| placeholders(t)) {
            if !found.iter().any(|u| u.name == name) {
                let label = self.placeholder_label(name).unwrap_or(name).to_string();
                found.push(Unfilled { name: name.to_string(), label });
            }
        }
        found
    }

    pub fn lane(&self, id: &str) -> Option<&Lane> {
        self.lanes.iter().find(|l| l.id == id)
    }

    /// The positions whose holders act in `step`: its own, or else its lane's.
    pub fn step_positions<'a>(&'a self, step: &'a Step) -> &'a [String] {
        match self.lane(&step.lane) {
            Some(lane) if step.positions.is_empty() => &lane.positions,
            _ => &step.positions,
        }
    }

    pub fn step(&self, no: u32) -> Option<&Step> {
        self.steps.iter().find(|s| s.no == no)
    }

    pub fn first_step(&self) -> &Step {
        &self.steps[0]
    }

    /// Index in `steps` of the step with number `no`.
    pub fn step_index(&self, no: u32) -> Option<usize> {
        self.steps.iter().position(|s| s.no == no)
    }

    /// The positions whose holders act for `lane` in `step`: the step's own
    /// when they belong to that lane, else the lane's.
    pub fn lane_positions<'a>(&'a self, step: &'a Step, lane: &str) -> Vec<String> {
        let Some(l) = self.lane(lane) else { return Vec::new() };
        let own: Vec<String> = step.positions.iter().filter(|p| l.positions.contains(p)).cloned().collect();
        if own.is_empty() { l.positions.clone() } else { own }
    }

    /// Whether the flow can reach step `to` from step `from` (`from`
    /// included), along every branch, fork and returned draft.
    pub fn reaches(&self, from: u32, to: u32) -> bool {
        Flow(&self.steps).reaches(from, to)
    }

    /// Whether going from step `from` to `target` comes back to `from`:
    /// the branch is a loop.
    pub fn loops_back(&self, from: u32, target: Target) -> bool {
        Flow(&self.steps).loops_back(from, target)
    }

    /// The bound on rounds of a loop that `step` belongs to: (the bounding
    /// step, its `max_rounds`) when `step` is that step or lies on one of
    /// its loops.
    pub fn loop_bound(&self, step: u32) -> Option<(u32, u32)> {
        self.steps.iter().find_map(|s| {
            let bound = s.max_rounds?;
            let on_loop = s.no == step
                || s.targets().into_iter().chain(self.return_target(s)).any(|t| {
                    self.loops_back(s.no, t)
                        && matches!(t, Target::Step(n) if self.reaches(n, step))
                        && self.reaches(step, s.no)
                });
            on_loop.then_some((s.no, bound))
        })
    }

    /// Where a review returns a draft to: the nearest draft step before it,
    /// or the step just before it. `None` for other steps.
    pub fn return_target(&self, review: &Step) -> Option<Target> {
        Flow(&self.steps).return_target(review)
    }

    /// The steps that lead to `no` (any branch or fork), in file order.
    pub fn incoming(&self, no: u32) -> Vec<u32> {
        self.steps
            .iter()
            .filter(|s| {
                s.targets().contains(&Target::Step(no)) || self.return_target(s) == Some(Target::Step(no))
            })
            .map(|s| s.no)
            .collect()
    }
}

/// The steps as a graph: how the flow moves between them.
pub(crate) struct Flow<'a>(pub(crate) &'a [Step]);

impl Flow<'_> {
    fn step(&self, no: u32) -> Option<&Step> {
        self.0.iter().find(|s| s.no == no)
    }

    pub(crate) fn return_target(&self, review: &Step) -> Option<Target> {
        if review.action != ActionKind::Review || review.decision.is_some() {
            return None;
        }
        let index = self.0.iter().position(|s| s.no == review.no)?;
        let before = &self.0[..index];
        before
            .iter()
            .rev()
            .find(|s| s.action == ActionKind::Draft)
            .or(before.last())
            .map(|s| Target::Step(s.no))
    }

    pub(crate) fn reaches(&self, from: u32, to: u32) -> bool {
        let mut seen = std::collections::HashSet::new();
        let mut queue = vec![from];
        while let Some(no) = queue.pop() {
            if no == to {
                return true;
            }
            if !seen.insert(no) {
                continue;
            }
            let Some(step) = self.step(no) else { continue };
            for t in step.targets().into_iter().chain(self.return_target(step)) {
                if let Target::Step(n) = t {
                    queue.push(n);
                }
            }
        }
        false
    }

    pub(crate) fn loops_back(&self, from: u32, target: Target) -> bool {
        matches!(target, Target::Step(n) if self.reaches(n, from))
    }
}

/// The per-SOP template of the notification letter (`[letter]`). Texts may
/// use `{field}` for any step's field and the case particulars in
/// [`LETTER_PLACEHOLDERS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterTemplate {
    pub subject: String,
    /// The addressee, one line each.
    pub recipient: String,
    /// Paragraphs separated by blank lines.
    pub body: String,
    /// Archive classification code overriding the agency's default.
    pub classification: Option<String>,
}

/// Particulars of every case a letter template may use.
pub const LETTER_PLACEHOLDERS: [&str; 4] =
    ["nomor_permohonan", "pemohon", "unit_pemohon", "tanggal_permohonan"];

/// Whom a letter goes to unless the template says otherwise.
pub const DEFAULT_RECIPIENT: &str = "Kepala {unit_pemohon}";

/// Labels of [`LETTER_PLACEHOLDERS`], in the same order.
const LETTER_PLACEHOLDER_LABELS: [&str; 4] =
    ["Nomor permohonan", "Nama pemohon", "Unit kerja pemohon", "Tanggal permohonan"];

/// A piece of a text that may hold `{name}` placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    /// The name between the braces.
    Placeholder(&'a str),
}

/// `text` cut into plain text and `{name}` placeholders — the one rule of
/// what a placeholder is, for templates, numbers and letters alike: a
/// name of at least one character without braces or line breaks, between
/// braces.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut plain = 0;
    let mut at = 0;
    while let Some(open) = text[at..].find('{').map(|i| at + i) {
        let inner = &text[open + 1..];
        let end = inner.find(['{', '}', '\n']).filter(|&i| i > 0 && inner[i..].starts_with('}'));
        match end {
            Some(len) => {
                if plain < open {
                    out.push(Segment::Text(&text[plain..open]));
                }
                out.push(Segment::Placeholder(&inner[..len]));
                at = open + 1 + len + 1;
                plain = at;
            }
            None => at = open + 1,
        }
    }
    if plain < text.len() {
        out.push(Segment::Text(&text[plain..]));
    }
    out
}

/// The `{name}` placeholders of `text`, in order.
pub fn placeholders(text: &str) -> Vec<&str> {
    segments(text)
        .into_iter()
        .filter_map(|s| match s {
            Segment::Placeholder(name) => Some(name),
            Segment::Text(_) => None,
        })
        .collect()
}

impl LetterTemplate {
    /// `text` with each placeholder replaced by its value (left as is when unknown).
    pub fn fill(text: &str, values: &std::collections::BTreeMap<String, String>) -> String {
        segments(text)
            .into_iter()
            .map(|s| match s {
                Segment::Text(t) => t.to_string(),
                Segment::Placeholder(name) => {
                    values.get(name).cloned().unwrap_or_else(|| format!("{{{name}}}"))
                }
            })
            .collect()
    }
}

/// A `{name}` still standing in a letter's text: a value the template asks
/// for that the case never gave (an optional field left empty), or a
/// placeholder typed by hand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfilled {
    pub name: String,
    /// The field's label on its form, else the name as written.
    pub label: String,
}

/// What the work produced is kept in a registry (`[registry]`): the step
/// whose fields create the entry, the field that names it, and the fields
/// recording whom it is for and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registry {
    pub kind: RegistryKind,
    /// Where `kind` is written.
    pub kind_at: Location,
    /// Whether the step creates the entry or revokes an existing one.
    pub action: RegistryAction,
    pub step: u32,
    /// The field whose value identifies the entry (unique while not revoked).
    pub key: String,
    /// The field naming the responsible person (penanggung jawab).
    pub person: String,
    pub valid_until: Option<String>,
    /// Further fields shown with the entry.
    pub details: Vec<String>,
    /// For subdomains: the fields with the DNS record's type and value,
    /// checked against each other.
    pub record: Option<(String, String)>,
    /// The request's field naming what was asked for (a subdomain's label, a
    /// mailbox's local part): checked by the registry's own rule when the
    /// request is submitted.
    pub requested: Option<String>,
    /// The field of the registry step giving the reason when the name
    /// registered is not the one requested (required with `requested`).
    pub other_name_reason: Option<String>,
    /// The field naming the OPD the entry is for; without it, the unit of
    /// the person who submitted the request.
    pub unit: Option<String>,
    /// The request's field with the record value asked for (a subdomain's
    /// server address): another value registered needs the reason of
    /// `other_name_reason`.
    pub requested_value: Option<String>,
    /// The connector that makes a new entry real in the network (and undoes
    /// it); `None`: the administrator does it by hand.
    pub provision: Option<crate::ConnectorKind>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistryAction {
    /// The step's result is a new entry (the default).
    Create,
    /// The step revokes the live entry its key names (e.g. access removal).
    Revoke,
}

/// An SOP that admits escorted visitors (`[visit]`): the fields naming the
/// visitor and the planned visit. The step with action `escort` is the
/// visit itself: the visitor is checked in while it is open and checked
/// out when it is completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub visitor: String,
    pub institution: String,
    pub purpose: String,
    pub planned_start: String,
    pub planned_end: String,
    /// The escort step's number.
    pub escort_step: u32,
}

/// An SOP that reviews a registry (`[review]`): submitting it opens a
/// review of every live entry; at `step` the reviewer keeps or revokes each
/// one with a reason; completing that step closes the review, and entries
/// nobody reviewed are handled as `unreviewed` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessReview {
    pub kind: RegistryKind,
    /// Where `kind` is written.
    pub kind_at: Location,
    pub step: u32,
    pub unreviewed: Unreviewed,
    /// The server opens a review by itself once per this many months.
    pub every_months: Option<u32>,
}

/// What happens to entries nobody reviewed when a review closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreviewed {
    /// Kept, marked "tidak ditinjau", and the Head told (the default).
    Flag,
    /// Revoked.
    Revoke,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_placeholder_is_a_name_between_braces_on_one_line() {
        use Segment::{Placeholder as P, Text as T};
        assert_eq!(segments("sampai {berlaku_sampai}."), [T("sampai "), P("berlaku_sampai"), T(".")]);
        assert_eq!(segments("{a}{b}"), [P("a"), P("b")]);
        assert_eq!(segments("{urut:4}/2026"), [P("urut:4"), T("/2026")]);
        // Braces that enclose nothing, another brace or a line break are text.
        for text in ["{}", "a { b", "{a\nb}", "x}y", ""] {
            assert_eq!(placeholders(text), Vec::<&str>::new(), "{text:?}");
        }
        assert_eq!(placeholders("{{x}}"), ["x"]);
        assert_eq!(placeholders("{a {b}"), ["b"]);
    }

    #[test]
    fn fill_replaces_known_values_and_keeps_the_rest_as_written() {
        let values = [("nama".to_string(), "Siti".to_string())].into_iter().collect();
        assert_eq!(LetterTemplate::fill("Yth. {nama} {gelar} {}", &values), "Yth. Siti {gelar} {}");
    }

    #[test]
    fn unfilled_placeholders_are_named_by_their_field_label_once_each() {
        let catalog = crate::Catalog::builtin();
        let vpn = catalog.sop("lumajang/vpn").unwrap();
        let unfilled =
            vpn.unfilled(&["Hal {pemohon}", "s.d. {berlaku_sampai} atau {berlaku_sampai}", "{isi}"]);
        let named: Vec<(&str, &str)> = unfilled.iter().map(|u| (u.name.as_str(), u.label.as_str())).collect();
        assert_eq!(
            named,
            [("pemohon", "Nama pemohon"), ("berlaku_sampai", "Hak akses berlaku sampai"), ("isi", "isi")]
        );
        assert!(vpn.unfilled(&["Akun {a\nb} selesai."]).is_empty());
    }
}
