//! An agency's roster of civil servants as a SIMPEG/SIASN export gives it
//! (CSV: NIP, nama, gelar, jabatan, unit kerja, e-mail, nomor HP): reading
//! and checking it line by line against the agency's units and list of
//! positions, and what importing it would change in the people the agency
//! has. Pure: the store reads the current state and writes the plan.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use jiff::civil::Date;
use sop::organisation::{Position, Unit};

use crate::form::check_email;

/// Longest name (or title) of a person, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A column of the roster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Column {
    Nip,
    Name,
    Title,
    Position,
    Unit,
    Email,
    Phone,
}

impl Column {
    pub const ALL: [Column; 7] = [
        Column::Nip,
        Column::Name,
        Column::Title,
        Column::Position,
        Column::Unit,
        Column::Email,
        Column::Phone,
    ];

    /// As an error message names it (Bahasa Indonesia).
    pub fn label(self) -> &'static str {
        match self {
            Column::Nip => "NIP",
            Column::Name => "Nama",
            Column::Title => "Gelar",
            Column::Position => "Jabatan",
            Column::Unit => "Unit kerja",
            Column::Email => "E-mail",
            Column::Phone => "Nomor HP",
        }
    }

    /// A file must have it.
    fn required(self) -> bool {
        matches!(self, Column::Nip | Column::Name | Column::Position | Column::Unit)
    }

    /// The column a header cell names, compared without case, spaces,
    /// underscores and punctuation ("Unit Kerja", "unit_kerja", "E-mail").
    fn of_header(header: &str) -> Option<Column> {
        let key: String =
            header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
        Some(match key.as_str() {
            "nip" | "nipbaru" => Column::Nip,
            "nama" | "namalengkap" | "namapegawai" => Column::Name,
            "gelar" | "gelarakademik" => Column::Title,
            "jabatan" | "namajabatan" | "kodejabatan" | "jabatanid" => Column::Position,
            "unitkerja" | "unit" | "unor" | "namaunor" | "unitorganisasi" | "kodeunit" => Column::Unit,
            "email" | "surel" | "alamatemail" => Column::Email,
            "nomorhp" | "nohp" | "hp" | "nomorponsel" | "nomortelepon" | "notelp" | "telepon" => {
                Column::Phone
            }
            _ => return None,
        })
    }
}

/// A problem of one line of the file (line 1 is the header; `column` is
/// `None` for the file or a line as a whole).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: usize,
    pub column: Option<Column>,
    pub message: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(column) => write!(f, "baris {}, {}: {}", self.line, column.label(), self.message),
            None => write!(f, "baris {}: {}", self.line, self.message),
        }
    }
}

/// One person of the file, checked: the position and unit are ids of the
/// agency's; the e-mail is lowercase and the phone `+62…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub line: usize,
    pub nip: String,
    pub name: String,
    pub title: Option<String>,
    pub position: String,
    pub unit: String,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// A file read without errors: its people, and which optional columns it
/// has (a column it lacks leaves that field of everyone as it is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Roster {
    pub columns: BTreeSet<Column>,
    pub entries: Vec<Entry>,
}

/// A person the agency has, as the roster compares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub nip: Option<String>,
    pub name: String,
    pub title: Option<String>,
    pub unit: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The positions they hold today, not acting.
    pub positions: Vec<String>,
}

/// A person of the file who is in the agency with other values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    pub person: String,
    /// As the agency has them now.
    pub was: Member,
    pub entry: Entry,
    pub fields: Vec<Column>,
    /// The positions held today that a changed position ends.
    pub ending: Vec<String>,
}

/// What importing a roster changes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub new: Vec<Entry>,
    pub changed: Vec<Update>,
    /// People of the agency with a NIP that the file does not name.
    pub gone: Vec<Member>,
    pub unchanged: usize,
}

impl Plan {
    /// Importing the file changes nothing (the gone aside, who are only
    /// shown unless the administrator asks otherwise).
    pub fn is_empty(&self) -> bool {
        self.new.is_empty() && self.changed.is_empty()
    }
}

/// Checks a NIP (Peraturan BKN on the NIP of civil servants): 18 digits —
/// birth date (yyyymmdd), the month they became a CPNS (yyyymm; a PPPK's
/// has 21 for the month), sex (1 man, 2 woman) and a sequence number that
/// is not 000.
pub fn check_nip(nip: &str) -> Result<(), String> {
    if nip.len() != 18 || !nip.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("\"{nip}\" harus 18 angka"));
    }
    let part = |from: usize, to: usize| nip[from..to].parse::<i16>().unwrap_or(0);
    let (year, month, day) = (part(0, 4), part(4, 6), part(6, 8));
    let born = match Date::new(year, month as i8, day as i8) {
        Ok(date) if year >= 1900 => date,
        _ => {
            return Err(format!(
                "tanggal lahir {}-{}-{} (angka ke-1 sampai ke-8) bukan tanggal yang ada",
                &nip[0..4],
                &nip[4..6],
                &nip[6..8]
            ));
        }
    };
    let (tmt_year, tmt_month) = (part(8, 12), part(12, 14));
    if tmt_year < 1900 || !((1..=12).contains(&tmt_month) || tmt_month == 21) {
        return Err(format!(
            "TMT CPNS {}-{} (angka ke-9 sampai ke-14) bukan bulan yang ada",
            &nip[8..12],
            &nip[12..14]
        ));
    }
    if tmt_year <= born.year() {
        return Err(format!(
            "TMT CPNS tahun {tmt_year} (angka ke-9 sampai ke-12) tidak sesudah tahun lahir {}",
            born.year()
        ));
    }
    if !matches!(&nip[14..15], "1" | "2") {
        return Err(format!("kode jenis kelamin (angka ke-15) {} harus 1 atau 2", &nip[14..15]));
    }
    if &nip[15..18] == "000" {
        return Err("nomor urut (angka ke-16 sampai ke-18) tidak boleh 000".into());
    }
    Ok(())
}

/// A mobile number as `+62…`, from `08…`, `628…` or `+628…` with any
/// spaces, dots, dashes or brackets between the digits.
pub fn normalise_phone(raw: &str) -> Result<String, String> {
    let kept: String = raw.chars().filter(|c| !" .-()".contains(*c)).collect();
    let national = kept
        .strip_prefix("+62")
        .or_else(|| kept.strip_prefix("62"))
        .or_else(|| kept.strip_prefix('0'))
        .filter(|n| {
            n.bytes().all(|b| b.is_ascii_digit()) && n.starts_with('8') && (8..=12).contains(&n.len())
        });
    match national {
        Some(national) => Ok(format!("+62{national}")),
        None => Err(format!("\"{raw}\" bukan nomor HP yang sah: tulis 08… atau +628… (10–13 angka)")),
    }
}

/// Lowercase with runs of whitespace as one space, for matching names.
fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Finds ids by id or by name (without case or extra spaces).
struct Lookup {
    ids: BTreeSet<String>,
    names: HashMap<String, Vec<String>>,
}

impl Lookup {
    fn new<'a>(items: impl Iterator<Item = (&'a str, &'a str)>) -> Lookup {
        let mut lookup = Lookup { ids: BTreeSet::new(), names: HashMap::new() };
        for (id, name) in items {
            lookup.ids.insert(id.to_string());
            lookup.names.entry(folded(name)).or_default().push(id.to_string());
        }
        lookup
    }

    fn find(&self, given: &str, what: &str) -> Result<String, String> {
        let given = given.trim();
        if self.ids.contains(given) {
            return Ok(given.to_string());
        }
        match self.names.get(&folded(given)).map(Vec::as_slice) {
            Some([id]) => Ok(id.clone()),
            Some(ids) => Err(format!(
                "nama \"{given}\" dipakai {} {what} ({}); tulis kodenya",
                ids.len(),
                ids.join(", ")
            )),
            None => Err(format!("\"{given}\" tidak ada dalam daftar {what} instansi ini")),
        }
    }
}

/// The file's text: UTF-8 (a byte-order mark dropped), or else Windows'
/// Latin code page as Excel saves it; refused if it is not text at all.
fn text_of(bytes: &[u8]) -> Result<String, String> {
    if bytes.is_empty() {
        return Err("berkas kosong".into());
    }
    if bytes.contains(&0) || bytes.starts_with(b"PK") {
        return Err("berkas bukan CSV (teks); di Excel pilih Simpan Sebagai → CSV".into());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    Ok(match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    })
}

/// The records of a CSV text with the line each starts on; a quoted cell
/// may hold the separator, doubled quotes and line breaks.
fn records(text: &str, separator: char) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut line = 1;
    let mut start = 1;
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' if quoted => quoted = false,
            '"' if cell.trim().is_empty() => {
                cell.clear();
                quoted = true;
            }
            '\n' if quoted => {
                cell.push('\n');
                line += 1;
            }
            '\r' if !quoted => {}
            '\n' => {
                cells.push(std::mem::take(&mut cell));
                out.push((start, std::mem::take(&mut cells)));
                line += 1;
                start = line;
            }
            c if c == separator && !quoted => cells.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    if !cell.is_empty() || !cells.is_empty() {
        cells.push(cell);
        out.push((start, cells));
    }
    out.retain(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    out
}

/// Reads and checks a roster against the agency's units and positions.
/// Every line is checked; any problem refuses the whole file.
pub fn read(bytes: &[u8], units: &[Unit], positions: &[Position]) -> Result<Roster, Vec<LineError>> {
    let whole = |message: String| vec![LineError { line: 1, column: None, message }];
    let text = text_of(bytes).map_err(whole)?;
    let header_line = text.lines().next().unwrap_or_default();
    // Excel in an Indonesian locale writes `;` (the decimal mark is `,`).
    let separator =
        if header_line.matches(';').count() > header_line.matches(',').count() { ';' } else { ',' };
    let mut lines = records(&text, separator).into_iter();
    let Some((header_at, header)) = lines.next() else {
        return Err(whole("berkas kosong".into()));
    };
    let mut at: BTreeMap<Column, usize> = BTreeMap::new();
    let mut errors = Vec::new();
    for (i, cell) in header.iter().enumerate() {
        if let Some(column) = Column::of_header(cell) {
            if at.insert(column, i).is_some() {
                errors.push(LineError {
                    line: header_at,
                    column: Some(column),
                    message: format!("kolom {} ada dua kali", column.label()),
                });
            }
        }
    }
    let missing: Vec<&str> =
        Column::ALL.iter().filter(|c| c.required() && !at.contains_key(c)).map(|c| c.label()).collect();
    if !missing.is_empty() {
        errors.push(LineError {
            line: header_at,
            column: None,
            message: format!(
                "kolom {} tidak ada; baris pertama harus memuat judul kolom NIP, Nama, Jabatan, Unit Kerja (dan boleh Gelar, E-mail, Nomor HP)",
                missing.join(", ")
            ),
        });
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let unit_lookup = Lookup::new(units.iter().map(|u| (u.id.as_str(), u.name.as_str())));
    let position_lookup = Lookup::new(positions.iter().map(|p| (p.id.as_str(), p.name.as_str())));
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    let mut entries = Vec::new();
    for (line, cells) in lines {
        let cell = |column: Column| at.get(&column).and_then(|&i| cells.get(i)).map_or("", |c| c.trim());
        let optional = |column: Column| Some(cell(column).to_string()).filter(|v| !v.is_empty());
        let mut problem = |column: Column, message: String| {
            errors.push(LineError { line, column: Some(column), message });
        };
        // Excel shows long numbers as 1.97809E+17 unless the column is text.
        let nip: String = cell(Column::Nip).chars().filter(|c| !c.is_whitespace()).collect();
        let nip_ok = match check_nip(&nip) {
            Err(_) if nip.is_empty() => {
                problem(Column::Nip, "wajib diisi".into());
                false
            }
            Err(_) if nip.contains(['E', 'e']) => {
                problem(
                    Column::Nip,
                    format!(
                        "\"{nip}\" ditulis Excel sebagai angka; format kolom NIP sebagai Teks lalu simpan lagi"
                    ),
                );
                false
            }
            Err(why) => {
                problem(Column::Nip, why);
                false
            }
            Ok(()) => true,
        };
        if nip_ok {
            if let Some(first) = first_line_of.get(&nip) {
                problem(Column::Nip, format!("NIP {nip} sudah ada di baris {first}"));
            } else {
                first_line_of.insert(nip.clone(), line);
            }
        }
        let name = cell(Column::Name).to_string();
        if name.is_empty() {
            problem(Column::Name, "wajib diisi".into());
        } else if name.chars().count() > MAX_NAME_CHARS {
            problem(Column::Name, format!("paling banyak {MAX_NAME_CHARS} karakter"));
        }
        let title = optional(Column::Title);
        if title.as_ref().is_some_and(|t| t.chars().count() > MAX_NAME_CHARS) {
            problem(Column::Title, format!("paling banyak {MAX_NAME_CHARS} karakter"));
        }
        let position = match cell(Column::Position) {
            "" => Err("wajib diisi".to_string()),
            given => position_lookup.find(given, "jabatan"),
        };
        let unit = match cell(Column::Unit) {
            "" => Err("wajib diisi".to_string()),
            given => unit_lookup.find(given, "unit kerja"),
        };
        let email = optional(Column::Email).map(|e| e.to_lowercase());
        if let Some(email) = &email {
            if let Err(why) = check_email(email) {
                problem(Column::Email, format!("\"{email}\" {why}"));
            }
        }
        let phone = match optional(Column::Phone).map(|p| normalise_phone(&p)).transpose() {
            Ok(phone) => phone,
            Err(why) => {
                problem(Column::Phone, why);
                None
            }
        };
        match (position, unit) {
            (Ok(position), Ok(unit)) => {
                entries.push(Entry { line, nip, name, title, position, unit, email, phone });
            }
            (position, unit) => {
                if let Err(why) = position {
                    problem(Column::Position, why);
                }
                if let Err(why) = unit {
                    problem(Column::Unit, why);
                }
            }
        }
    }
    if first_line_of.is_empty() && errors.is_empty() {
        return Err(whole("berkas tidak memuat seorang pegawai pun di bawah baris judul kolom".into()));
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| (e.line, e.column));
        return Err(errors);
    }
    Ok(Roster { columns: at.into_keys().collect(), entries })
}

/// What importing `roster` into an agency whose people are `members`
/// changes: people are matched by NIP.
pub fn plan(roster: &Roster, members: &[Member]) -> Plan {
    let mut by_nip: HashMap<&str, &Member> = HashMap::new();
    for member in members {
        if let Some(nip) = &member.nip {
            by_nip.entry(nip.as_str()).or_insert(member);
        }
    }
    let has = |column: Column| roster.columns.contains(&column);
    let mut plan = Plan::default();
    let mut named: BTreeSet<&str> = BTreeSet::new();
    for entry in &roster.entries {
        named.insert(&entry.nip);
        let Some(member) = by_nip.get(entry.nip.as_str()) else {
            plan.new.push(entry.clone());
            continue;
        };
        let mut fields = Vec::new();
        if member.name != entry.name {
            fields.push(Column::Name);
        }
        if has(Column::Title) && member.title != entry.title {
            fields.push(Column::Title);
        }
        if member.unit != entry.unit {
            fields.push(Column::Unit);
        }
        let ending = if member.positions.contains(&entry.position) {
            Vec::new()
        } else {
            fields.push(Column::Position);
            member.positions.clone()
        };
        if has(Column::Email) && member.email != entry.email {
            fields.push(Column::Email);
        }
        if has(Column::Phone) && member.phone != entry.phone {
            fields.push(Column::Phone);
        }
        if fields.is_empty() {
            plan.unchanged += 1;
        } else {
            plan.changed.push(Update {
                person: member.id.clone(),
                was: (*member).clone(),
                entry: entry.clone(),
                fields,
                ending,
            });
        }
    }
    plan.gone = members
        .iter()
        .filter(|m| m.nip.as_deref().is_some_and(|nip| !named.contains(nip)))
        .cloned()
        .collect();
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use sop::organisation::UnitKind;

    const NIP: &str = "197809101998021001";

    fn units() -> Vec<Unit> {
        vec![
            Unit { id: "sekretariat".into(), name: "Sekretariat".into(), kind: UnitKind::Dinas },
            Unit { id: "bidang-tik".into(), name: "Bidang  TIK".into(), kind: UnitKind::Dinas },
        ]
    }

    fn positions() -> Vec<Position> {
        let position = |id: &str, name: &str| Position {
            id: id.into(),
            name: name.into(),
            unit: None,
            reports_to: None,
            rights: BTreeSet::new(),
            pemda: false,
        };
        vec![
            position("kepala", "Kepala Dinas"),
            position("staf-tik", "Pranata Komputer"),
            position("staf-umum", "Pengadministrasi Umum"),
            position("staf-umum-2", "Pengadministrasi Umum"),
        ]
    }

    fn read_text(text: &str) -> Result<Roster, Vec<LineError>> {
        read(text.as_bytes(), &units(), &positions())
    }

    fn errors(text: &str) -> Vec<String> {
        read_text(text).unwrap_err().iter().map(ToString::to_string).collect()
    }

    #[test]
    fn headers_are_matched_whatever_their_case_spacing_or_separator() {
        let text = "\u{feff}nip;Nama; GELAR ;Jabatan;unit_kerja;E-mail;Nomor HP\r\n\
                    197809101998021001;Andi Wijaya;S.Kom.;pranata komputer;Bidang TIK;Andi@Example.go.id;0812-3456-7890\r\n";
        let roster = read_text(text).unwrap();
        assert_eq!(roster.columns.len(), 7);
        assert_eq!(
            roster.entries,
            vec![Entry {
                line: 2,
                nip: NIP.into(),
                name: "Andi Wijaya".into(),
                title: Some("S.Kom.".into()),
                position: "staf-tik".into(),
                unit: "bidang-tik".into(),
                email: Some("andi@example.go.id".into()),
                phone: Some("+6281234567890".into()),
            }]
        );
        let comma =
            "NIP,Nama,Jabatan,Unit Kerja\n\"197809101998021001\",\"Wijaya, Andi\",kepala,sekretariat\n";
        let roster = read_text(comma).unwrap();
        assert_eq!(roster.entries[0].name, "Wijaya, Andi");
        assert_eq!(roster.entries[0].position, "kepala");
        assert!(!roster.columns.contains(&Column::Email));
    }

    #[test]
    fn a_quoted_cell_may_span_lines_and_the_line_numbers_stay_right() {
        let text = "NIP,Nama,Jabatan,Unit Kerja\n197809101998021001,\"Andi\nWijaya\",kepala,sekretariat\n\n\
                    19780910199802100X,Budi,kepala,sekretariat\n";
        assert_eq!(errors(text), vec!["baris 5, NIP: \"19780910199802100X\" harus 18 angka"]);
    }

    #[test]
    fn impossible_nips_are_refused_with_the_part_that_is_wrong() {
        assert_eq!(check_nip(NIP), Ok(()));
        assert_eq!(
            check_nip("198502292010011001").unwrap_err(),
            "tanggal lahir 1985-02-29 (angka ke-1 sampai ke-8) bukan tanggal yang ada"
        );
        assert_eq!(
            check_nip("197813101998021001").unwrap_err(),
            "tanggal lahir 1978-13-10 (angka ke-1 sampai ke-8) bukan tanggal yang ada"
        );
        assert_eq!(
            check_nip("197809101998131001").unwrap_err(),
            "TMT CPNS 1998-13 (angka ke-9 sampai ke-14) bukan bulan yang ada"
        );
        assert_eq!(
            check_nip("197809101970021001").unwrap_err(),
            "TMT CPNS tahun 1970 (angka ke-9 sampai ke-12) tidak sesudah tahun lahir 1978"
        );
        assert_eq!(
            check_nip("197809101998023001").unwrap_err(),
            "kode jenis kelamin (angka ke-15) 3 harus 1 atau 2"
        );
        assert_eq!(
            check_nip("197809101998021000").unwrap_err(),
            "nomor urut (angka ke-16 sampai ke-18) tidak boleh 000"
        );
        assert_eq!(check_nip("1978091019980210").unwrap_err(), "\"1978091019980210\" harus 18 angka");
        // A PPPK's NIP has 21 where a civil servant's has the month.
        assert_eq!(check_nip("198503122021212001"), Ok(()));
    }

    #[test]
    fn phones_become_plus_62() {
        assert_eq!(normalise_phone("0812 3456 7890").unwrap(), "+6281234567890");
        assert_eq!(normalise_phone("+62 812-3456-789").unwrap(), "+628123456789");
        assert_eq!(normalise_phone("6281234567890").unwrap(), "+6281234567890");
        assert!(normalise_phone("0341-881234").unwrap_err().contains("bukan nomor HP yang sah"));
        assert!(normalise_phone("08abc").is_err());
        assert!(normalise_phone("0812").is_err());
    }

    #[test]
    fn every_bad_line_is_named_with_its_field() {
        let text = "NIP;Nama;Jabatan;Unit Kerja;E-mail;No HP\n\
                    197809101998021001;Andi;kepala;sekretariat;andi@x.go.id;08123456789\n\
                    197809101998021001;Budi;kepala;sekretariat;;\n\
                    1,97809E+17;Cici;Direktur;Bidang Hukum;bukan-email;123\n\
                    ;;Pengadministrasi Umum;sekretariat;;\n";
        assert_eq!(
            errors(text),
            vec![
                "baris 3, NIP: NIP 197809101998021001 sudah ada di baris 2",
                "baris 4, NIP: \"1,97809E+17\" ditulis Excel sebagai angka; format kolom NIP sebagai Teks lalu simpan lagi",
                "baris 4, Jabatan: \"Direktur\" tidak ada dalam daftar jabatan instansi ini",
                "baris 4, Unit kerja: \"Bidang Hukum\" tidak ada dalam daftar unit kerja instansi ini",
                "baris 4, E-mail: \"bukan-email\" bukan alamat e-mail yang sah, misalnya nama@lumajangkab.go.id",
                "baris 4, Nomor HP: \"123\" bukan nomor HP yang sah: tulis 08… atau +628… (10–13 angka)",
                "baris 5, NIP: wajib diisi",
                "baris 5, Nama: wajib diisi",
                "baris 5, Jabatan: nama \"Pengadministrasi Umum\" dipakai 2 jabatan (staf-umum, staf-umum-2); tulis kodenya",
            ]
        );
    }

    #[test]
    fn a_file_without_the_required_columns_or_people_or_text_is_refused() {
        assert_eq!(
            errors("NIP;Nama;Unit\n"),
            vec![
                "baris 1: kolom Jabatan tidak ada; baris pertama harus memuat judul kolom NIP, Nama, Jabatan, Unit Kerja (dan boleh Gelar, E-mail, Nomor HP)"
            ]
        );
        assert_eq!(
            errors("NIP;Nama;Jabatan;Unit\n\n"),
            vec!["baris 1: berkas tidak memuat seorang pegawai pun di bawah baris judul kolom"]
        );
        let zip = read(b"PK\x03\x04rest", &units(), &positions()).unwrap_err();
        assert!(zip[0].message.contains("bukan CSV"));
        assert_eq!(errors("NIP;Nama;NIP;Jabatan;Unit\n"), vec!["baris 1, NIP: kolom NIP ada dua kali"]);
    }

    #[test]
    fn a_latin_1_file_from_excel_is_read() {
        let bytes = b"NIP;Nama;Jabatan;Unit\n197809101998021001;Ren\xe9;kepala;sekretariat\n";
        assert_eq!(read(bytes, &units(), &positions()).unwrap().entries[0].name, "René");
    }

    fn member(id: &str, nip: &str, position: &str) -> Member {
        Member {
            id: id.into(),
            nip: Some(nip.into()),
            name: "Andi".into(),
            title: None,
            unit: "sekretariat".into(),
            email: None,
            phone: None,
            positions: vec![position.into()],
        }
    }

    #[test]
    fn the_plan_says_who_is_new_changed_gone_and_unchanged() {
        let text = "NIP;Nama;Jabatan;Unit\n\
                    197809101998021001;Andi;kepala;sekretariat\n\
                    198001012005011002;Budi;kepala;sekretariat\n\
                    198503122021212001;Cici Baru;staf-tik;bidang-tik\n";
        let roster = read_text(text).unwrap();
        let members = vec![
            member("p1", "197809101998021001", "kepala"),
            member("p2", "198001012005011002", "staf-tik"),
            member("p4", "199001012015012003", "staf-tik"),
            Member { nip: None, ..member("p5", "", "staf-tik") },
        ];
        let plan = plan(&roster, &members);
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.new.iter().map(|e| e.nip.as_str()).collect::<Vec<_>>(), vec!["198503122021212001"]);
        assert_eq!(plan.changed.len(), 1);
        assert_eq!(plan.changed[0].person, "p2");
        assert_eq!(plan.changed[0].fields, vec![Column::Name, Column::Position]);
        assert_eq!(plan.changed[0].ending, vec!["staf-tik".to_string()]);
        assert_eq!(plan.gone.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), vec!["p4"]);
        // A column the file lacks (e-mail here) is left as it is.
        let mut with_email = members.clone();
        with_email[0].email = Some("andi@x.go.id".into());
        assert_eq!(super::plan(&roster, &with_email).unchanged, 1);
    }
}
