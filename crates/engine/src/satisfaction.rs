//! Survei Kepuasan Masyarakat (PermenPANRB 14/2017): the nine elements a
//! requester rates on the 1–4 scale, the index (IKM) computed from the
//! answers, its grade, and how many respondents a period needs.
//!
//! The index is the average answer of each element, summed with the weight
//! 1/9 and converted ×25. It is computed exactly, as a fraction: the
//! regulation's worked tables round the weight to 0.11, which makes every
//! index 1 % too low and can move a service from A to B. Only the final
//! figure is rounded, half up, to two decimals, and the grade is read from
//! that figure.

use std::collections::BTreeMap;

use crate::form::FieldError;

/// One element (unsur) of the survey, kept by its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Element {
    Requirements,
    Procedure,
    Time,
    Cost,
    Product,
    Competence,
    Conduct,
    Complaints,
    Facilities,
}

impl Element {
    pub const ALL: [Element; 9] = [
        Element::Requirements,
        Element::Procedure,
        Element::Time,
        Element::Cost,
        Element::Product,
        Element::Competence,
        Element::Conduct,
        Element::Complaints,
        Element::Facilities,
    ];

    /// The code stored with each answer and sent in forms.
    pub fn code(self) -> &'static str {
        match self {
            Element::Requirements => "persyaratan",
            Element::Procedure => "prosedur",
            Element::Time => "waktu",
            Element::Cost => "biaya",
            Element::Product => "produk",
            Element::Competence => "kompetensi",
            Element::Conduct => "perilaku",
            Element::Complaints => "pengaduan",
            Element::Facilities => "sarana",
        }
    }

    pub fn from_code(code: &str) -> Option<Element> {
        Element::ALL.into_iter().find(|e| e.code() == code)
    }

    /// The element's name in the regulation.
    pub fn name(self) -> &'static str {
        match self {
            Element::Requirements => "Persyaratan",
            Element::Procedure => "Sistem, mekanisme dan prosedur",
            Element::Time => "Waktu penyelesaian",
            Element::Cost => "Biaya/tarif",
            Element::Product => "Produk spesifikasi jenis pelayanan",
            Element::Competence => "Kompetensi pelaksana",
            Element::Conduct => "Perilaku pelaksana",
            Element::Complaints => "Penanganan pengaduan, saran dan masukan",
            Element::Facilities => "Sarana dan prasarana",
        }
    }

    /// The question of the regulation's questionnaire.
    pub fn question(self) -> &'static str {
        match self {
            Element::Requirements => {
                "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?"
            }
            Element::Procedure => {
                "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?"
            }
            Element::Time => "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
            Element::Cost => "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
            Element::Product => {
                "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam standar pelayanan dengan hasil yang diberikan?"
            }
            Element::Competence => {
                "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?"
            }
            Element::Conduct => {
                "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan keramahan?"
            }
            Element::Complaints => {
                "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?"
            }
            Element::Facilities => "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
        }
    }

    /// The wording of the answers 1 to 4.
    pub fn answers(self) -> [&'static str; 4] {
        match self {
            Element::Requirements | Element::Product => {
                ["Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"]
            }
            Element::Procedure => ["Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"],
            Element::Time => ["Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"],
            Element::Cost => ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"],
            Element::Competence => ["Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"],
            Element::Conduct => [
                "Tidak sopan dan ramah",
                "Kurang sopan dan ramah",
                "Sopan dan ramah",
                "Sangat sopan dan ramah",
            ],
            Element::Complaints => [
                "Tidak ada",
                "Ada tetapi tidak berfungsi",
                "Berfungsi kurang maksimal",
                "Dikelola dengan baik",
            ],
            Element::Facilities => ["Buruk", "Cukup", "Baik", "Sangat baik"],
        }
    }
}

/// Whether the requester of a case in `status` is asked the survey: it
/// ended served or refused (a withdrawn case was not served), and it is
/// not a routine, which no one requested.
pub fn surveyed(status: crate::CaseStatus, routine: bool) -> bool {
    matches!(status, crate::CaseStatus::Completed | crate::CaseStatus::Rejected) && !routine
}

/// Fewer respondents than this in a group and its figures and comments are
/// not shown: one or two answers would be those of people one can name.
pub const MIN_RESPONDENTS: i64 = 5;

/// Longest free comment kept.
pub const COMMENT_MAX_CHARS: usize = 2000;

/// One requester's answers: a score 1–4 for every element, and a comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub scores: BTreeMap<Element, u8>,
    pub comment: Option<String>,
}

impl Response {
    /// Reads a filled form (`value(code)` gives the answer to an element,
    /// `value("komentar")` the comment): every element must be answered with
    /// 1–4; each missing or bad answer is refused by its element.
    pub fn read<'a>(value: impl Fn(&str) -> Option<&'a str>) -> Result<Response, Vec<FieldError>> {
        let mut scores = BTreeMap::new();
        let mut errors = Vec::new();
        for element in Element::ALL {
            match value(element.code()).map(str::trim).filter(|v| !v.is_empty()) {
                None => errors.push(FieldError::new(element.code(), element.name(), "belum dijawab")),
                Some(v) => match v.parse::<u8>() {
                    Ok(score @ 1..=4) => {
                        scores.insert(element, score);
                    }
                    _ => errors.push(FieldError::new(
                        element.code(),
                        element.name(),
                        "jawaban harus 1 sampai 4",
                    )),
                },
            }
        }
        let comment = value("komentar").map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
        if comment.as_ref().is_some_and(|c| c.chars().count() > COMMENT_MAX_CHARS) {
            errors.push(FieldError::new(
                "komentar",
                "Saran dan masukan",
                format!("paling banyak {COMMENT_MAX_CHARS} karakter"),
            ));
        }
        if errors.is_empty() { Ok(Response { scores, comment }) } else { Err(errors) }
    }
}

/// The answers to one element: their sum and how many there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub sum: i64,
    pub count: i64,
}

/// A fraction kept exact (numerator, denominator > 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ratio(i128, i128);

impl Ratio {
    fn add(self, other: Ratio) -> Option<Ratio> {
        let num = self.0.checked_mul(other.1)?.checked_add(other.0.checked_mul(self.1)?)?;
        let den = self.1.checked_mul(other.1)?;
        let g = gcd(num.abs(), den);
        Some(Ratio(num / g, den / g))
    }

    /// Rounded half up to `scale` (100 for two decimals).
    fn rounded(self, scale: i128) -> i64 {
        let (num, den) = (self.0 * scale, self.1);
        i64::try_from((2 * num + den).div_euclid(2 * den)).unwrap_or(i64::MAX)
    }
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

/// The survey's result for a group of answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Index {
    /// Per element the average answer, in hundredths (rounded half up; for
    /// display only — the index uses the exact averages).
    pub averages: BTreeMap<Element, i64>,
    /// The index converted ×25, in hundredths: 8850 is 88.50.
    pub hundredths: i64,
    pub grade: Grade,
}

impl Index {
    /// The index of the answers tallied per element, or `None` without an
    /// answer to every element.
    pub fn of(tallies: &BTreeMap<Element, Tally>) -> Option<Index> {
        let mut sum = Ratio(0, 1);
        let mut averages = BTreeMap::new();
        for element in Element::ALL {
            let tally = tallies.get(&element).filter(|t| t.count > 0)?;
            let average = Ratio(i128::from(tally.sum), i128::from(tally.count));
            averages.insert(element, average.rounded(100));
            sum = sum.add(average)?;
        }
        // ×25 and ×1/9, exactly.
        let converted = Ratio(sum.0 * 25, sum.1 * Element::ALL.len() as i128);
        let hundredths = converted.rounded(100);
        Some(Index { averages, hundredths, grade: Grade::of(hundredths) })
    }
}

/// Mutu pelayanan: the grade of an index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Grade {
    A,
    B,
    C,
    D,
}

impl Grade {
    /// The grade of an index given in hundredths (A 88.31–100, B 76.61–88.30,
    /// C 65.00–76.60, D 25.00–64.99).
    pub fn of(hundredths: i64) -> Grade {
        match hundredths {
            8831.. => Grade::A,
            7661.. => Grade::B,
            6500.. => Grade::C,
            _ => Grade::D,
        }
    }

    pub fn letter(self) -> &'static str {
        match self {
            Grade::A => "A",
            Grade::B => "B",
            Grade::C => "C",
            Grade::D => "D",
        }
    }

    /// Kinerja unit pelayanan, in the regulation's words.
    pub fn performance(self) -> &'static str {
        match self {
            Grade::A => "Sangat Baik",
            Grade::B => "Baik",
            Grade::C => "Kurang Baik",
            Grade::D => "Tidak Baik",
        }
    }
}

/// The respondents a period with `population` served needs (Krejcie and
/// Morgan, as the regulation's table: χ² 3.841, P 0.5, error 5 %), rounded
/// to the nearest whole respondent as the table is.
pub fn sample_size(population: u64) -> u64 {
    if population == 0 {
        return 0;
    }
    // χ²·N·P(1−P) / (d²(N−1) + χ²·P(1−P)), with both sides ×4000.
    let num = 3841 * u128::from(population);
    let den = 10 * (u128::from(population) - 1) + 3841;
    u64::try_from((2 * num + den) / (2 * den)).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `respondents` who each gave the answers in `sums` / `respondents`:
    /// the tallies with the given sum per element.
    fn tallies(sums: [i64; 9], respondents: i64) -> BTreeMap<Element, Tally> {
        Element::ALL.into_iter().zip(sums).map(|(e, sum)| (e, Tally { sum, count: respondents })).collect()
    }

    #[test]
    fn everyone_very_satisfied_is_100_and_everyone_unsatisfied_is_25() {
        let best = Index::of(&tallies([40; 9], 10)).unwrap();
        assert_eq!((best.hundredths, best.grade), (10000, Grade::A));
        let worst = Index::of(&tallies([10; 9], 10)).unwrap();
        assert_eq!((worst.hundredths, worst.grade), (2500, Grade::D));
    }

    #[test]
    fn a_worked_example_with_three_respondents() {
        // Averages 3.33, 3.00, 3.67, 4.00, 2.67, 3.33, 3.00, 3.67, 3.33:
        // their sum is 90/3 = 30, and 30 / 9 × 25 = 83.333… → 83.33, B.
        let index = Index::of(&tallies([10, 9, 11, 12, 8, 10, 9, 11, 10], 3)).unwrap();
        assert_eq!(index.hundredths, 8333);
        assert_eq!(index.grade, Grade::B);
        assert_eq!(index.averages[&Element::Requirements], 333);
        assert_eq!(index.averages[&Element::Cost], 400);
        assert_eq!(index.averages[&Element::Product], 267);
    }

    #[test]
    fn the_weight_is_one_ninth_not_0_11() {
        // A hundred respondents, every element averaging 3.54.
        let index = Index::of(&tallies([354; 9], 100)).unwrap();
        assert_eq!(index.hundredths, 8850);
        assert_eq!(index.grade, Grade::A);
        // With the weight rounded to 0.11, as the regulation's tables do:
        // 9 × 3.54 × 0.11 × 25 = 87.615 → 87.62, a B.
        let rounded_weight: i64 = (9 * 354 * 11 * 25 + 50) / 100; // in hundredths, rounded half up
        assert_eq!(rounded_weight, 8762);
        assert_eq!(Grade::of(rounded_weight), Grade::B);
    }

    #[test]
    fn the_final_figure_rounds_half_up_exactly() {
        // 10 000 respondents whose answers add up to 35 322 per element: the
        // index is 9 × 35322 × 25 / 90000 = 88.305 exactly, which rounds to
        // 88.31, an A (88.30 would be a B).
        let index = Index::of(&tallies([35_322; 9], 10_000)).unwrap();
        assert_eq!(index.hundredths, 8831);
        assert_eq!(index.grade, Grade::A);
    }

    #[test]
    fn no_index_without_an_answer_to_every_element() {
        let mut t = tallies([10; 9], 3);
        assert!(Index::of(&t).is_some());
        t.remove(&Element::Cost);
        assert_eq!(Index::of(&t), None);
        assert_eq!(Index::of(&BTreeMap::new()), None);
    }

    #[test]
    fn grade_boundaries() {
        for (h, g) in [
            (10000, Grade::A),
            (8831, Grade::A),
            (8830, Grade::B),
            (7661, Grade::B),
            (7660, Grade::C),
            (6500, Grade::C),
            (6499, Grade::D),
            (2500, Grade::D),
        ] {
            assert_eq!(Grade::of(h), g, "{h}");
        }
    }

    #[test]
    fn sample_sizes_follow_krejcie_and_morgan() {
        for (population, sample) in [
            (0, 0),
            (1, 1),
            (10, 10),
            (50, 44),
            (100, 80),
            (500, 217),
            (1000, 278),
            (10_000, 370),
            (1_000_000, 384),
        ] {
            assert_eq!(sample_size(population), sample, "population {population}");
        }
    }

    #[test]
    fn a_response_needs_every_element_answered_1_to_4() {
        let mut form: BTreeMap<&str, &str> = Element::ALL.into_iter().map(|e| (e.code(), "3")).collect();
        form.insert("komentar", "  Cepat, terima kasih. ");
        let read = |form: &BTreeMap<&str, &str>| Response::read(|k| form.get(k).copied());
        let response = read(&form).unwrap();
        assert_eq!(response.scores.len(), 9);
        assert_eq!(response.comment.as_deref(), Some("Cepat, terima kasih."));

        form.insert("waktu", "5");
        form.remove("biaya");
        let errors = read(&form).unwrap_err();
        let refused: Vec<(&str, &str)> =
            errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(refused, [("waktu", "jawaban harus 1 sampai 4"), ("biaya", "belum dijawab")]);

        let long = "x".repeat(COMMENT_MAX_CHARS + 1);
        form.insert("waktu", "4");
        form.insert("biaya", "4");
        form.insert("komentar", &long);
        assert_eq!(read(&form).unwrap_err()[0].field, "komentar");
    }

    #[test]
    fn codes_round_trip() {
        for e in Element::ALL {
            assert_eq!(Element::from_code(e.code()), Some(e));
        }
        assert_eq!(Element::from_code("x"), None);
    }

    proptest::proptest! {
        /// The figure is within half a hundredth of the exact index
        /// 25·S/(9n) — compared in integers — and its grade is the
        /// interval of the table that holds it.
        #[test]
        fn the_index_is_exact_and_its_grade_is_its_interval(
            answers in proptest::collection::vec(proptest::array::uniform9(1i64..=4), 1..200),
        ) {
            let n = answers.len() as i64;
            let mut sums = [0i64; 9];
            for a in &answers {
                for (s, v) in sums.iter_mut().zip(a) {
                    *s += v;
                }
            }
            let index = Index::of(&tallies(sums, n)).unwrap();
            let total: i64 = sums.iter().sum();
            // |h/100 − 25·S/(9n)| ≤ 1/200, ties rounding up.
            let diff = 9 * n * index.hundredths - 2500 * total;
            proptest::prop_assert!(2 * diff <= 9 * n && 2 * diff > -9 * n, "h {} S {} n {}", index.hundredths, total, n);
            let table = [(Grade::A, 8831, 10000), (Grade::B, 7661, 8830), (Grade::C, 6500, 7660), (Grade::D, 2500, 6499)];
            let (grade, ..) = table.iter().find(|(_, lo, hi)| (*lo..=*hi).contains(&index.hundredths)).unwrap();
            proptest::prop_assert_eq!(index.grade, *grade);
        }
    }
}
