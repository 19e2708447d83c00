//! The readable difference between two versions of an SOP (issue 19,
//! part 4): each test is given an older definition, makes a newer one from
//! it, compares them and reads what a civil servant would be told.

use sop::standard_time::StandardTime;
use sop::version_diff::{
    Branch, Destination, Difference, FieldChange, Group, IdentityDate, IdentityList, IdentityText,
    LetterPart, StepChange, compare,
};
use sop::{Catalog, Sop, parse_sop};

const CLEAN: &str = include_str!("fixtures/clean.toml");
const BACKUP: &str = include_str!("fixtures/shapes/cek-backup-bulanan.toml");

fn parse(text: &str) -> Sop {
    parse_sop("contoh.toml", text).unwrap_or_else(|e| panic!("{e:#?}"))
}

/// `text` with `from` (written there exactly once) replaced by `to`.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert_eq!(text.matches(from).count(), 1, "{from:?} must be in the definition once");
    text.replacen(from, to, 1)
}

/// The newer version of `text`: version 2 with `edits` made.
fn revised(text: &str, edits: &[(&str, &str)]) -> String {
    edits.iter().fold(edit(text, "version = 1", "version = 2"), |t, (from, to)| edit(&t, from, to))
}

fn sentences(differences: &[Difference]) -> Vec<String> {
    differences.iter().map(ToString::to_string).collect()
}

/// The clean definition's steps 3 and 4 renumbered 4 and 5, with a new
/// step 3 between the decision and the work it leads to.
const STEP_3_INSERTED: [(&str, &str); 2] = [
    (
        "[[steps]]\nno = 3\n",
        "[[steps]]\nno = 3\nlane = \"admin\"\naction = \"perform\"\nactivity = \"Memeriksa kapasitas server\"\ntime = \"1 jam\"\noutput = \"Kapasitas tersedia\"\n\n[[steps]]\nno = 4\n",
    ),
    ("no = 4\nlane = \"pemohon\"", "no = 5\nlane = \"pemohon\""),
];

#[test]
fn two_identical_versions_have_no_difference() {
    // Given every built-in SOP and the clean example
    let catalog = Catalog::builtin();
    let mut all: Vec<Sop> = catalog.sops.clone();
    all.push(parse(CLEAN));
    all.push(parse(BACKUP));
    for sop in &all {
        // When it is compared with itself, and with its own text published
        // as the next version (only the number and a comment differ)
        let line = sop.source.lines().find(|l| l.starts_with("version = ")).unwrap();
        let next = sop.source.replacen(line, &format!("version = {}  # naik", sop.version + 1), 1);
        let next = parse_sop(&sop.file, &next).unwrap();
        // Then nothing differs
        assert_eq!(compare(sop, sop), [], "{}", sop.id);
        assert_eq!(compare(sop, &next), [], "{}", sop.id);
    }
}

#[test]
fn a_step_inserted_in_the_middle_is_one_step_added_not_every_later_step_changed() {
    // Given a procedure of four steps
    let older = parse(CLEAN);
    // When a step is inserted between the decision (2) and the work (now 4)
    let newer = parse(&revised(CLEAN, &STEP_3_INSERTED));
    let found = compare(&older, &newer);
    // Then one step is added, and the decision leading to it is unchanged
    // (it still reaches the work, through the new step)
    assert_eq!(
        found,
        [Difference::StepAdded {
            step: 3,
            activity: "Memeriksa kapasitas server".into(),
            lanes: vec!["Administrator Server".into()],
            time: Some(StandardTime::Hours(1)),
        }]
    );
    assert_eq!(
        sentences(&found),
        ["Langkah 3 ditambahkan: “Memeriksa kapasitas server” (Administrator Server, 1 jam)."]
    );
    assert_eq!(found[0].group(), Group::Steps);
}

#[test]
fn a_step_removed_is_one_step_removed_and_the_flow_around_it_is_not_a_change() {
    // Given the four-step procedure with the extra step 3
    let older = parse(&revised(CLEAN, &STEP_3_INSERTED).replace("version = 2", "version = 1"));
    // When that step is taken out again
    let newer = parse(&edit(CLEAN, "version = 1", "version = 2"));
    // Then one step is removed, named by its old number
    assert_eq!(sentences(&compare(&older, &newer)), ["Langkah 3 dihapus: “Memeriksa kapasitas server”."]);
}

#[test]
fn a_changed_time_is_said_with_both_times() {
    // Given the clean procedure, whose step 3 takes 2 hours
    let older = parse(CLEAN);
    // When step 3 is given a day, and step 2 loses its time
    let newer = parse(&revised(
        CLEAN,
        &[("time = \"1 hari\"", "time = \"-\""), ("time = \"2 jam\"", "time = \"1 hari\"")],
    ));
    let found = compare(&older, &newer);
    // Then both times are called out, old → new
    assert_eq!(
        sentences(&found),
        ["Waktu langkah 2: 1 hari → tanpa waktu baku.", "Waktu langkah 3: 2 jam → 1 hari."]
    );
    assert!(found.iter().all(Difference::is_time));
    assert_eq!(
        found[1],
        Difference::StepChanged {
            step: 3,
            was: 3,
            activity: "Menyiapkan hosting".into(),
            change: StepChange::Time { from: Some(StandardTime::Hours(2)), to: Some(StandardTime::Days(1)) },
        }
    );
}

#[test]
fn a_reworded_step_is_the_same_step_changed_and_a_renumbered_one_says_its_old_number() {
    // Given the procedure with the inserted step 3
    let older = parse(&revised(CLEAN, &STEP_3_INSERTED).replace("version = 2", "version = 1"));
    // When the step is removed again and the work is reworded (so it is
    // renumbered 3 and its text changes)
    let newer = parse(&revised(
        CLEAN,
        &[("activity = \"Menyiapkan hosting\"", "activity = \"Menyiapkan hosting aplikasi di server\"")],
    ));
    let found = compare(&older, &newer);
    // Then the work is the same step, its text changed, not removed and added
    assert_eq!(
        sentences(&found),
        [
            "Langkah 3 dihapus: “Memeriksa kapasitas server”.",
            "Kegiatan langkah 3 (dahulu 4): “Menyiapkan hosting” → “Menyiapkan hosting aplikasi di server”.",
        ]
    );
}

#[test]
fn a_step_wholly_rewritten_for_another_lane_is_one_removed_and_one_added() {
    // Given the clean procedure
    let older = parse(CLEAN);
    // When step 3 is replaced by another act of another lane
    let newer = parse(&revised(
        CLEAN,
        &[
            ("lane = \"admin\"\naction = \"perform\"", "lane = \"kabid\"\naction = \"approve\""),
            ("activity = \"Menyiapkan hosting\"", "activity = \"Menandatangani izin penggunaan ruang\""),
        ],
    ));
    let found = compare(&older, &newer);
    // Then they are not paired as one step
    assert_eq!(
        found
            .iter()
            .map(|d| matches!(d, Difference::StepRemoved { .. } | Difference::StepAdded { .. }))
            .collect::<Vec<_>>(),
        [true, true],
        "{found:#?}"
    );
}

#[test]
fn every_field_of_a_step_that_changed_is_said_old_to_new() {
    // Given the clean procedure
    let older = parse(CLEAN);
    // When step 3 changes lane, act, requirements, output and remarks, and
    // the decision refuses into the work step instead of ending
    let newer = parse(&revised(
        CLEAN,
        &[
            ("ya = 3\ntidak = \"ditolak\"", "ya = 3\ntidak = 4\nya_label = \"disetujui\""),
            (
                "lane = \"admin\"\naction = \"perform\"",
                "lane = \"kabid\"\naction = \"approve\"\nrequirements = [\"Nota dinas\"]\nremarks = \"Paling lambat Jumat\"",
            ),
            ("output = \"Hosting aplikasi aktif\"", "output = \"Izin hosting\""),
        ],
    ));
    let found = compare(&older, &newer);
    let changes: Vec<&StepChange> = found
        .iter()
        .filter_map(|d| match d {
            Difference::StepChanged { change, .. } => Some(change),
            _ => None,
        })
        .collect();
    // Then each is its own difference, in the order of the step's columns
    assert_eq!(
        changes,
        [
            &StepChange::Branch {
                branch: Branch::Tidak,
                from: Destination::Rejected,
                to: Destination::Step(4)
            },
            &StepChange::BranchLabel { branch: Branch::Ya, from: "Ya".into(), to: "disetujui".into() },
            &StepChange::Lanes { from: vec!["Administrator Server".into()], to: vec!["Kabid Aptika".into()] },
            &StepChange::Action { from: sop::ActionKind::Perform, to: sop::ActionKind::Approve },
            &StepChange::RequirementAdded { item: "Nota dinas".into() },
            &StepChange::Output {
                from: vec!["Hosting aplikasi aktif".into()],
                to: vec!["Izin hosting".into()]
            },
            &StepChange::Remarks { from: None, to: Some("Paling lambat Jumat".into()) },
        ]
    );
    assert_eq!(
        sentences(&found),
        [
            "Cabang Tidak langkah 2: ditolak → langkah 4.",
            "Label cabang Ya langkah 2: “Ya” → “disetujui”.",
            "Pelaksana langkah 3: Administrator Server → Kabid Aptika.",
            "Jenis tindakan langkah 3: Kerjakan → Setujui.",
            "Persyaratan langkah 3 ditambah: “Nota dinas”.",
            "Output langkah 3: “Hosting aplikasi aktif” → “Izin hosting”.",
            "Keterangan langkah 3: (kosong) → “Paling lambat Jumat”.",
        ]
    );
}

#[test]
fn the_next_step_changed_by_hand_is_a_change() {
    // Given the clean procedure, whose work step 3 leads to step 4
    let older = parse(CLEAN);
    // When step 3 ends the procedure instead
    let newer = parse(&revised(
        CLEAN,
        &[("output = \"Hosting aplikasi aktif\"", "output = \"Hosting aplikasi aktif\"\nnext = \"selesai\"")],
    ));
    // Then the new destination is said against the old
    let found = compare(&older, &newer);
    assert_eq!(sentences(&found), ["Langkah berikutnya setelah langkah 3: langkah 4 → selesai."]);
    assert!(matches!(
        &found[0],
        Difference::StepChanged { change: StepChange::Next { to, .. }, .. } if to == &[Destination::End]
    ));
}

#[test]
fn identity_page_changes_are_named_by_their_printed_field() {
    // Given the clean procedure
    let older = parse(CLEAN);
    // When its name, revision date, legal basis and ratifier change
    let newer = parse(&revised(
        CLEAN,
        &[
            ("nama = \"SOP Layanan Hosting Aplikasi\"", "nama = \"SOP Layanan Hosting\""),
            (
                "tanggal_pengesahan = \"2026-01-12\"",
                "tanggal_revisi = \"2026-03-02\"\ntanggal_pengesahan = \"2026-01-12\"",
            ),
            (
                "dasar_hukum = [\"Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik\"]",
                "dasar_hukum = [\"Peraturan Daerah Nomor 8 Tahun 2016 tentang Pelayanan Publik\"]",
            ),
            ("nama = \"Contoh Pejabat, S.Kom.\"", "nama = \"Pejabat Baru, S.T.\""),
        ],
    ));
    let found = compare(&older, &newer);
    // Then each is said with the field as printed on the document
    assert_eq!(
        sentences(&found),
        [
            "Nama SOP: “SOP Layanan Hosting Aplikasi” → “SOP Layanan Hosting”.",
            "Tanggal revisi diisi: 2 Maret 2026.",
            "Disahkan oleh: “Kepala Dinas Komunikasi dan Informatika, Contoh Pejabat, S.Kom., NIP 19800101 200501 1 001” → “Kepala Dinas Komunikasi dan Informatika, Pejabat Baru, S.T., NIP 19800101 200501 1 001”.",
            "Dasar hukum dihapus: “Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik”.",
            "Dasar hukum ditambah: “Peraturan Daerah Nomor 8 Tahun 2016 tentang Pelayanan Publik”.",
        ]
    );
    assert!(matches!(found[0], Difference::IdentityText { field: IdentityText::Nama, .. }));
    assert!(matches!(
        found[1],
        Difference::IdentityDate { field: IdentityDate::TanggalRevisi, from: None, .. }
    ));
    assert!(matches!(found[3], Difference::IdentityItemRemoved { list: IdentityList::DasarHukum, .. }));
    assert!(found.iter().all(|d| d.group() == Group::Identity));
}

#[test]
fn a_lane_renamed_is_one_difference_and_its_steps_are_not_changed() {
    // Given the clean procedure
    let older = parse(CLEAN);
    // When the administrator's column is renamed, its position changed,
    // and a new lane added (used by no step yet)
    let newer = parse(&revised(
        CLEAN,
        &[(
            "name = \"Administrator Server\"\npositions = [\"administrator-server\"]",
            "name = \"Pranata Komputer\"\npositions = [\"pranata-komputer\"]\n\n[[lanes]]\nid = \"kasi\"\nname = \"Kasi Infrastruktur\"\npositions = [\"kasi-infra\"]",
        )],
    ));
    let found = compare(&older, &newer);
    // Then the lane says so once; its steps did not change
    assert_eq!(
        sentences(&found),
        [
            "Pelaksana “Administrator Server” berganti nama menjadi “Pranata Komputer”.",
            "Jabatan pelaksana “Pranata Komputer”: administrator-server → pranata-komputer.",
            "Pelaksana ditambahkan: “Kasi Infrastruktur”.",
        ]
    );
    assert!(found.iter().all(|d| d.group() == Group::Lanes));
}

#[test]
fn form_fields_and_attachments_added_removed_and_changed() {
    // Given the clean procedure, whose request asks for an application name
    let older = parse(CLEAN);
    // When the name becomes optional with a looser pattern, a field and an
    // attachment are added
    let newer = parse(&revised(
        CLEAN,
        &[(
            "required = true\npattern = \"[a-z][a-z0-9-]{2,30}\"",
            "required = false\npattern = \"[a-z0-9-]{2,40}\"\n\n[[steps.fields]]\nname = \"email\"\nlabel = \"E-mail penanggung jawab\"\ntype = \"email\"\nrequired = true\n\n[[steps.attachments]]\nname = \"nota\"\nlabel = \"Nota dinas\"\nrequired = true\naccept = [\"pdf\"]",
        )],
    ));
    let found = compare(&older, &newer);
    // Then each is said, with the field by its label and its step
    assert_eq!(
        sentences(&found),
        [
            "Isian “Nama aplikasi” pada langkah 1 kini tidak wajib diisi.",
            "Pola isian “Nama aplikasi” pada langkah 1: “[a-z][a-z0-9-]{2,30}” → “[a-z0-9-]{2,40}”.",
            "Isian “E-mail penanggung jawab” pada langkah 1 ditambahkan.",
            "Lampiran “Nota dinas” pada langkah 1 ditambahkan.",
        ]
    );
    assert!(matches!(
        found[0],
        Difference::FieldChanged { step: 1, change: FieldChange::Required { from: true, to: false }, .. }
    ));
    assert!(found.iter().all(|d| d.group() == Group::Forms));
    // And taking the field away again says it is removed
    let back = compare(&newer, &older);
    assert!(back.iter().any(|d| d.to_string() == "Isian “E-mail penanggung jawab” pada langkah 1 dihapus."));
    assert!(back.iter().any(|d| d.to_string() == "Lampiran “Nota dinas” pada langkah 1 dihapus."));
}

#[test]
fn the_letter_template_added_then_changed() {
    // Given the clean procedure without a letter
    let older = parse(CLEAN);
    let letter =
        "\n[letter]\nsubject = \"Pemberitahuan Hosting\"\nbody = \"Hosting {nama_aplikasi} telah aktif.\"\n";
    let with_letter = parse(&format!("{}{letter}", edit(CLEAN, "version = 1", "version = 2")));
    // When a letter is added, and later its subject and body change
    let later = parse(
        &format!("{}{letter}", edit(CLEAN, "version = 1", "version = 3"))
            .replace("Pemberitahuan Hosting", "Pemberitahuan Hosting Aplikasi")
            .replace("telah aktif.", "telah aktif dan dapat dipakai."),
    );
    // Then the first says the letter is added, the second what changed in it
    assert_eq!(
        sentences(&compare(&older, &with_letter)),
        ["Templat surat pemberitahuan ditambahkan: perihal “Pemberitahuan Hosting”."]
    );
    let changed = compare(&with_letter, &later);
    assert_eq!(
        sentences(&changed),
        [
            "Perihal surat: “Pemberitahuan Hosting” → “Pemberitahuan Hosting Aplikasi”.",
            "Isi surat pemberitahuan diubah.",
        ]
    );
    assert!(matches!(changed[1], Difference::LetterChanged { part: LetterPart::Body, .. }));
    assert!(changed.iter().all(|d| d.group() == Group::Letter));
}

#[test]
fn the_deadline_and_the_schedule_are_other_effects() {
    // Given a routine monthly SOP
    let older = parse(BACKUP);
    // When it starts on the 5th at 09:00 and gets a deadline of its own
    let newer = parse(
        &BACKUP
            .replacen("version = 1", "version = 2", 1)
            .replacen("on = 1\nat = \"08:00\"", "on = 5\nat = \"09:00\"", 1)
            .replacen("[schedule]", "[deadline]\ntime = \"3 hari\"\n\n[schedule]", 1),
    );
    let found: Vec<Difference> =
        compare(&older, &newer).into_iter().filter(|d| d.group() == Group::Other).collect();
    // Then both are said
    assert_eq!(
        sentences(&found),
        [
            "Batas waktu seluruh prosedur: (tidak ada) → 3 hari.",
            "Jadwal rutin: setiap bulan tanggal 1 pukul 08:00 → setiap bulan tanggal 5 pukul 09:00.",
        ]
    );
}

#[test]
fn a_registry_moved_with_its_renumbered_step_is_not_a_change() {
    // Given the VPN SOP, whose registry entry is made at step 6
    let catalog = Catalog::builtin();
    let vpn = catalog.sop("lumajang/vpn").unwrap();
    // When a step is inserted before it (filling the printed gap at 4) and
    // every later step renumbered, the registry following its step
    let mut text = vpn.source.replacen("version = 3", "version = 4", 1);
    for n in (5..=13).rev() {
        text = text.replace(&format!("no = {n}\n"), &format!("no = {}\n", n + 1));
    }
    text = text.replace("step = 6\n", "step = 7\n");
    text = text.replacen(
        "[[steps]]\nno = 6\n",
        "[[steps]]\nno = 5\nlane = \"kasi-ppi-spbe\"\naction = \"forward\"\nactivity = \"Kasi PPI SPBE memeriksa kelengkapan berkas permohonan\"\ntime = \"1 jam\"\n\n[[steps]]\nno = 6\n",
        1,
    );
    let newer = parse_sop("vpn.toml", &text).unwrap_or_else(|e| panic!("{e:#?}"));
    // Then only the inserted step is a difference
    let found = compare(vpn, &newer);
    assert_eq!(
        sentences(&found),
        [
            "Langkah 5 ditambahkan: “Kasi PPI SPBE memeriksa kelengkapan berkas permohonan” (Kasi Pengelolaan dan Pengembangan Infrastruktur Sistem Pemerintahan Berbasis Elektronik, 1 jam)."
        ]
    );
}

#[test]
fn differences_come_grouped_in_reading_order() {
    // Given the clean procedure
    let older = parse(CLEAN);
    // When the letter, a time and the name change at once
    let newer = parse(&format!(
        "{}\n[letter]\nsubject = \"Hosting\"\nbody = \"Aktif.\"\n",
        revised(
            CLEAN,
            &[
                ("time = \"2 jam\"", "time = \"3 jam\""),
                ("nama = \"SOP Layanan Hosting Aplikasi\"", "nama = \"SOP Hosting\"")
            ]
        )
    ));
    // Then identity comes first, then steps, then the letter
    let groups: Vec<Group> = compare(&older, &newer).iter().map(Difference::group).collect();
    assert_eq!(groups, [Group::Identity, Group::Steps, Group::Letter]);
    assert_eq!(
        Group::ALL.map(Group::key),
        ["identitas", "pelaksana", "langkah", "formulir", "surat", "lainnya"]
    );
}
