//! Import of SOP documents: Word and OpenDocument files made in the test
//! (`sop::import::fixture`) import to the expected steps, lanes and times
//! with what was unsure flagged; what is not an SOP document is refused
//! with the reason, and nothing is made of it.

use sop::import::fixture::{self, Fixture};
use sop::import::{DocumentKind, ImportError, Unsure, import};
use sop::{ActionKind, Target};

fn unsure_at<'u>(unsure: &'u [Unsure], place: &str) -> &'u Unsure {
    unsure
        .iter()
        .find(|u| u.place == place)
        .unwrap_or_else(|| panic!("nothing unsure at {place}: {unsure:#?}"))
}

fn check_sample(data: &[u8], kind: DocumentKind) {
    let draft = import(data, None).expect("imports");
    assert_eq!(draft.kind, kind);
    let sop = sop::parse_sop("draf.toml", &draft.toml).unwrap_or_else(|e| panic!("{e:?}\n{}", draft.toml));
    let id = &sop.identity;
    assert_eq!(sop.id, "impor/layanan-hosting-aplikasi");
    assert_eq!(id.nomor.value, "000.1/7/2026");
    assert_eq!(id.nama.value, "SOP Layanan Hosting Aplikasi");
    assert_eq!(id.unit.as_deref(), Some("Bidang Aplikasi Informatika"));
    assert_eq!(id.tanggal_pembuatan.map(|d| d.to_string()).as_deref(), Some("2026-01-05"));
    assert_eq!(id.tanggal_revisi, None);
    assert_eq!(id.tanggal_pengesahan, None, "a date that is not one is left out");
    let approver = id.disahkan_oleh.as_ref().expect("approver");
    assert_eq!(approver.jabatan, "Kepala Dinas Komunikasi dan Informatika");
    assert_eq!(approver.nama, "CONTOH PEJABAT, S.Kom.".replace("CONTOH PEJABAT", "Contoh Pejabat"));
    assert_eq!(approver.nip.as_deref(), Some("19800101 200501 1 001"));
    assert_eq!(id.dasar_hukum, ["Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik"]);
    assert_eq!(id.kualifikasi_pelaksana, ["Kepala Bidang Aplikasi Informatika", "Administrator Server"]);
    assert!(id.keterkaitan.is_empty());
    assert_eq!(id.peralatan, ["Komputer", "Jaringan Internet"]);
    assert_eq!(
        id.pencatatan.iter().map(|p| p.value.as_str()).collect::<Vec<_>>(),
        ["Pencatatan hosting aplikasi"]
    );

    let lanes: Vec<(&str, bool)> = sop.lanes.iter().map(|l| (l.name.as_str(), l.requester)).collect();
    assert_eq!(
        lanes,
        [("Unit Kerja Pemohon", true), ("Kabid Aptika", false), ("Administrator Server", false)]
    );
    let lane_of = |no: u32| {
        let step = sop.steps.iter().find(|s| s.no == no).expect("step");
        sop.lanes.iter().find(|l| l.id == step.lane).map(|l| l.name.as_str()).expect("lane")
    };
    assert_eq!(sop.steps.iter().map(|s| s.no).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    assert_eq!(
        (1..=5).map(lane_of).collect::<Vec<_>>(),
        [
            "Unit Kerja Pemohon",
            "Kabid Aptika",
            "Administrator Server",
            "Administrator Server",
            "Unit Kerja Pemohon"
        ]
    );
    let times: Vec<String> = sop.steps.iter().map(|s| s.time.map_or("-".into(), |t| t.to_string())).collect();
    assert_eq!(times, ["-", "1 hari", "2 jam", "-", "-"]);
    let actions: Vec<ActionKind> = sop.steps.iter().map(|s| s.action).collect();
    assert_eq!(
        actions,
        [
            ActionKind::Submit,
            ActionKind::Decide,
            ActionKind::Perform,
            ActionKind::Report,
            ActionKind::Receive
        ]
    );
    let decision = sop.steps[1].decision.as_ref().expect("step 2 decides");
    assert_eq!((decision.ya, decision.tidak), (Target::Step(3), Target::Rejected));
    assert_eq!(sop.steps[2].requirements, ["Formulir hosting", "Berkas aplikasi"]);
    assert_eq!(sop.steps[2].remarks.as_deref(), Some("Sesuai standar keamanan"));
    assert_eq!(sop.steps[3].outputs[0].value, "Laporan hosting");

    // What was unsure is flagged where it is written.
    let u = &draft.unsure;
    assert!(unsure_at(u, "langkah 4, Pelaksana").why.contains("tidak ada kolom pelaksana yang ditandai"));
    assert_eq!(unsure_at(u, "langkah 4, Waktu").value, "30 detik");
    assert!(unsure_at(u, "langkah 5, No").why.contains("nomor tidak tercetak"));
    assert_eq!(unsure_at(u, "Tanggal Pengesahan").value, "12 Januarii 2026");
    assert_eq!(u.iter().filter(|u| u.place.starts_with("pelaksana")).count(), 3, "positions are guesses");
    assert!(
        !u.iter().any(|u| u.place.starts_with("langkah 2")),
        "the Ditolak capsule ends the Tidak branch: {u:#?}"
    );
    assert_eq!(u.len(), 7, "{u:#?}");
    for finding in u {
        let flagged = draft.toml.lines().nth(finding.line - 2).unwrap_or_default();
        assert!(flagged.starts_with("# TIDAK PASTI"), "{finding}: line above is {flagged:?}");
    }
}

#[test]
fn a_word_document_imports_to_its_steps_lanes_and_times() {
    check_sample(&fixture::docx(&fixture::sample()), DocumentKind::Docx);
}

#[test]
fn an_opendocument_text_imports_to_its_steps_lanes_and_times() {
    check_sample(&fixture::odt(&fixture::sample()), DocumentKind::Odt);
}

#[test]
fn the_agency_given_names_the_draft_and_its_positions() {
    let catalog = sop::Catalog::builtin();
    let agency = catalog.agency("lumajang").expect("built in");
    let draft = import(&fixture::docx(&fixture::sample()), Some(agency)).expect("imports");
    let sop = sop::parse_sop("draf.toml", &draft.toml).expect("parses");
    assert_eq!(sop.id, "lumajang/layanan-hosting-aplikasi");
    let positions: Vec<&[String]> = sop.lanes.iter().map(|l| l.positions.as_slice()).collect();
    assert_eq!(
        positions,
        [&["pemohon".to_string()][..], &["kabid-aptika".to_string()], &["administrator-server".to_string()]]
    );
}

/// A one-page PDF whose page says `text` in Helvetica, with `extra` in the page's resources.
fn pdf(content: &str, extra: &str, trailer: &str) -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> {extra} >> /Contents 4 0 R >>"),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        "<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\0\nendstream".to_string(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{o}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn a_scanned_pdf_is_refused_for_having_no_text() {
    let scan = pdf("q 595 0 0 842 0 0 cm /Im1 Do Q", "/XObject << /Im1 6 0 R >>", "");
    let err = import(&scan, None).unwrap_err();
    assert_eq!(err, ImportError::NoText);
    assert_eq!(err.code(), "no-text");
    assert!(err.to_string().contains("lapisan teks"), "{err}");
}

#[test]
fn an_encrypted_pdf_is_refused() {
    let locked = pdf("BT /F1 12 Tf 72 720 Td (SOP) Tj ET", "", "/Encrypt << /Filter /Standard /V 2 /R 3 >>");
    assert_eq!(import(&locked, None).unwrap_err(), ImportError::Encrypted);
}

#[test]
fn a_password_protected_word_or_opendocument_file_is_refused() {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(vec![0; 512]);
    ole.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(import(&ole, None).unwrap_err(), ImportError::Encrypted);
    let odt = fixture::zip(&[
        ("mimetype", b"application/vnd.oasis.opendocument.text"),
        ("content.xml", b"\x8f\x02 not xml"),
        ("META-INF/manifest.xml", b"<manifest:manifest><manifest:file-entry><manifest:encryption-data/></manifest:file-entry></manifest:manifest>"),
    ]);
    let err = import(&odt, None).unwrap_err();
    assert_eq!(err, ImportError::Encrypted);
    assert!(err.to_string().contains("kata sandi"), "{err}");
}

#[test]
fn a_text_pdf_that_is_no_sop_is_refused() {
    let letter =
        pdf("BT /F1 12 Tf 72 720 Td (Laporan bulanan kegiatan bidang aplikasi informatika) Tj ET", "", "");
    let err = import(&letter, None).unwrap_err();
    assert!(matches!(err, ImportError::NotAnSop(_)), "{err:?}");
    assert_eq!(err.code(), "not-an-sop");
}

#[test]
fn a_word_document_that_is_no_sop_is_refused() {
    let plain =
        Fixture { identity: vec![], sections: vec![], lanes: vec![], rows: vec![], ..fixture::sample() };
    let err = import(&fixture::docx(&plain), None).unwrap_err();
    assert!(matches!(err, ImportError::NotAnSop(_)), "{err:?}");
    // An identity page without its matrix says what is missing.
    let half = Fixture { rows: vec![], lanes: vec![], ..fixture::sample() };
    let err = import(&fixture::odt(&half), None).unwrap_err();
    assert!(err.to_string().contains("matriks kegiatan"), "{err}");
}

#[test]
fn other_files_and_oversized_ones_are_refused() {
    assert_eq!(import(b"PNG? no: plain text", None).unwrap_err(), ImportError::UnknownFormat);
    let archive = fixture::zip(&[("laporan.csv", b"a,b\n1,2\n")]);
    assert_eq!(import(&archive, None).unwrap_err(), ImportError::UnknownFormat);
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(sop::import::MAX_DOCUMENT_BYTES + 1, b' ');
    let err = import(&big, None).unwrap_err();
    assert_eq!(err.code(), "too-large");
    assert!(err.to_string().contains("KB"), "{err}");
}

#[test]
fn a_damaged_archive_is_refused_not_panicked_on() {
    let mut docx = fixture::docx(&fixture::sample());
    let n = docx.len();
    // Cut the deflated document in half, keeping the directory.
    for b in &mut docx[n / 3..n / 2] {
        *b = 0xAA;
    }
    let err = import(&docx, None).unwrap_err();
    assert_eq!(err.code(), "damaged", "{err}");
}
