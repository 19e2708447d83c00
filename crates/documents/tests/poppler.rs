//! Generated PDFs checked by independent tools from Debian's poppler-utils:
//! `pdftotext` must find the letter's text, `pdfsig` must call the
//! signature valid — and invalid once one byte of the file is changed.
//! They need the tools, so they are ignored by a plain `cargo test`;
//! `.ci/run` installs poppler-utils and runs them with `--include-ignored`.

use std::path::Path;
use std::process::Command;

use documents::signature::self_signed_pkcs12;
use documents::{
    Credentials, DispositionSheet, Hop, Letter, Letterhead, MonitoringForm, MonitoringLine, Pkcs12Signer,
    SignatureSlot, Signer, Verification,
};

fn require_tools() {
    for tool in ["pdfsig", "pdftotext", "pdfinfo"] {
        if Command::new(tool).arg("-v").output().is_err() {
            panic!("{tool} is not installed: these tests need poppler-utils");
        }
    }
}

fn letterhead() -> Letterhead {
    Letterhead {
        lines: vec!["PEMERINTAH KABUPATEN LUMAJANG".into(), "DINAS KOMUNIKASI DAN INFORMATIKA".into()],
        address: "Jalan Contoh Nomor 1, Lumajang 67311".into(),
        logo: None,
    }
}

fn letter() -> Letter {
    Letter {
        letterhead: letterhead(),
        place: "Lumajang".into(),
        date: "26 November 2026".into(),
        number: "060/016/427.53/2026".into(),
        nature: "Biasa".into(),
        enclosures: "-".into(),
        subject: "Pemberitahuan Akun E-mail".into(),
        recipient: vec!["Kepala Badan Perencanaan Pembangunan Daerah".into(), "Kabupaten Lumajang".into()],
        body: "Menindaklanjuti surat Saudara, bersama ini kami sampaikan bahwa akun surat elektronik \
               bappeda.umum@lumajangkab.go.id telah dibuat dan dapat digunakan.\n\nAtas perhatian Saudara \
               disampaikan terima kasih."
            .into(),
        signer_title: "Kepala Dinas Komunikasi dan Informatika".into(),
        signer_name: "Ir. Contoh Pejabat, M.T.".into(),
        signer_nip: "197001011995031001".into(),
        copies: vec![],
        verification: Some(Verification {
            url: "http://127.0.0.1:8080/verifikasi/ABCD-EFGH-JK".into(),
            code: "ABCD-EFGH-JK".into(),
        }),
        draft: false,
        attached: Vec::new(),
    }
}

fn run(tool: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(tool).args(args).arg(file).output().expect("tool runs");
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// The demo letter signed with a fresh certificate whose passphrase is `rahasia-uji`.
fn signed_letter() -> Vec<u8> {
    let p12 = self_signed_pkcs12("Contoh Pejabat", "Diskominfo Kabupaten Lumajang", "rahasia-uji").unwrap();
    let signer = Pkcs12Signer::new(p12);
    let slot = SignatureSlot {
        signer_name: "Contoh Pejabat".into(),
        reason: "Surat pemberitahuan".into(),
        location: "Lumajang".into(),
        date: "D:20261126101500+07'00'".into(),
    };
    let unsigned = letter().to_pdf(Some(&slot));
    let wrong = signer.sign(unsigned.clone(), &Credentials { nik: None, passphrase: "salah" });
    assert!(matches!(wrong, Err(documents::DocumentError::Passphrase)), "{wrong:?}");
    signer.sign(unsigned, &Credentials { nik: None, passphrase: "rahasia-uji" }).unwrap()
}

#[test]
fn a_letter_is_signed_only_with_the_right_passphrase() {
    assert!(signed_letter().starts_with(b"%PDF-1.7"));
}

#[test]
#[ignore = "needs poppler-utils"]
fn a_signed_letter_reads_back_and_verifies_and_a_changed_byte_breaks_it() {
    require_tools();
    let signed = signed_letter();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("surat.pdf");
    std::fs::write(&path, &signed).unwrap();
    if let Ok(keep) = std::env::var("SOPIR_KEEP_PDF") {
        std::fs::write(keep, &signed).unwrap();
    }

    run("pdftotext", &["-layout"], &path);
    let text = std::fs::read_to_string(path.with_extension("txt")).unwrap();
    for needle in [
        "060/016/427.53/2026",
        "Kepala Badan Perencanaan Pembangunan Daerah",
        "bappeda.umum@lumajangkab.go.id",
        "ABCD-EFGH-JK",
    ] {
        assert!(text.contains(needle), "pdftotext lacks {needle:?}:\n{text}");
    }

    let report = run("pdfsig", &[], &path);
    assert!(report.contains("Signature is Valid"), "{report}");
    assert!(report.contains("Total document signed"), "{report}");

    // One byte inside the signed range — in the page content, far from the signature.
    let mut tampered = signed.clone();
    let at = tampered.windows(7).position(|w| w == b"/Title ").unwrap() + 8;
    tampered[at] ^= 0x01;
    let bad = dir.path().join("diubah.pdf");
    std::fs::write(&bad, &tampered).unwrap();
    let report = run("pdfsig", &[], &bad);
    assert!(!report.contains("Signature is Valid"), "{report}");
    assert!(report.contains("Signature is Invalid") || report.contains("Digest Mismatch"), "{report}");
}

#[test]
#[ignore = "needs poppler-utils"]
fn the_disposition_sheet_lists_every_hop() {
    let sheet = DispositionSheet {
        letterhead: letterhead(),
        sender: "Badan Perencanaan Pembangunan Daerah".into(),
        letter_number: "005/123/427.30/2026".into(),
        letter_date: "20 November 2026".into(),
        received: "23 November 2026".into(),
        agenda_number: "0042/2026".into(),
        nature: "Biasa".into(),
        subject: "Permohonan Pembuatan Akun Email".into(),
        boxes: ["Tanggapan dan saran", "Proses lebih lanjut", "Untuk diketahui"].map(String::from).to_vec(),
        hops: vec![
            Hop {
                from: "Kepala Dinas".into(),
                to: "Kabid Aptika".into(),
                instruction: "Mohon ditindaklanjuti".into(),
                at: "23 November 2026 09.15".into(),
                ticked: vec!["Proses lebih lanjut".into()],
                nature: "Sangat Segera".into(),
                due: "25 November 2026".into(),
                paraf: "Bambang Santoso".into(),
            },
            Hop {
                from: "Kabid Aptika".into(),
                to: "Kasi PPI SPBE".into(),
                instruction: "Proses sesuai SOP".into(),
                at: "23 November 2026 10.02".into(),
                nature: "Biasa".into(),
                paraf: "Agus Prasetyo".into(),
                ..Default::default()
            },
        ],
    };
    let pdf = sheet.to_pdf();
    require_tools();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("disposisi.pdf");
    std::fs::write(&path, pdf).unwrap();
    run("pdftotext", &["-layout"], &path);
    let text = std::fs::read_to_string(path.with_extension("txt")).unwrap();
    for needle in [
        "LEMBAR DISPOSISI",
        "0042/2026",
        "Mohon ditindaklanjuti",
        "Proses sesuai SOP",
        "Kasi PPI SPBE",
        "Sangat Segera",
        "Batas waktu",
        "25 November 2026",
        "Dengan hormat harap",
        "Tanggapan dan saran",
        "Proses lebih lanjut",
        "Paraf: Bambang Santoso, 23 November 2026 09.15",
        "Hal",
    ] {
        assert!(text.contains(needle), "pdftotext lacks {needle:?}:\n{text}");
    }
}

#[test]
#[ignore = "needs poppler-utils"]
fn the_monitoring_form_reads_back_with_its_columns_judgements_and_paraf() {
    let line = |step: u32, procedure: &str, good: bool, action: &str| MonitoringLine {
        step,
        procedure: procedure.into(),
        good,
        note: "Dikerjakan 12 kali; median 3 menit".into(),
        action: action.into(),
    };
    let form = MonitoringForm {
        letterhead: letterhead(),
        sop_name: "SOP Pengajuan Akses VPN".into(),
        sop_number: "427.53/4/2.09/2021".into(),
        unit: "Bidang Aplikasi Informatika".into(),
        period: "1 Januari 2026 s.d. 30 Juni 2026".into(),
        summary: "12 permohonan diajukan: 11 selesai, 1 ditolak.".into(),
        rows: vec![
            line(2, "Kepala Dinas mendisposisikan surat", true, ""),
            line(6, "Administrator membuat akun", false, "Tambah petugas cadangan"),
        ],
        assessor: "Bambang Santoso, S.STP".into(),
        signed_at: "1 Juli 2026 09.00".into(),
        paraf: "BSS".into(),
    };
    let pdf = form.to_pdf();
    require_tools();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("monitoring.pdf");
    std::fs::write(&path, pdf).unwrap();
    run("pdftotext", &["-layout"], &path);
    let text = std::fs::read_to_string(path.with_extension("txt")).unwrap();
    for needle in [
        "FORMULIR MONITORING",
        "PELAKSANAAN SOP ADMINISTRASI PEMERINTAHAN",
        "SOP Pengajuan Akses VPN",
        "1 Januari 2026 s.d. 30 Juni 2026",
        "Prosedur",
        "Catatan hasil",
        "Tindakan yang",
        "Paraf",
        "Tambah petugas",
        "BSS",
        "Pelaksana monitoring,",
        "Bambang Santoso, S.STP",
    ] {
        assert!(text.contains(needle), "pdftotext lacks {needle:?}:\n{text}");
    }
    // Each row under its step's number, its mark in its judgement's column.
    let row =
        |no: &str| text.lines().find(|l| l.trim_start().starts_with(no)).unwrap_or_default().to_string();
    let (good, bad) = (row("2 "), row("6 "));
    let column = |line: &str| line.find(" V ").unwrap_or(usize::MAX);
    assert!(good.contains(" V ") && bad.contains(" V "), "{text}");
    assert!(column(&good) < column(&bad), "baik before tidak baik:\n{good}\n{bad}");
}

#[test]
#[ignore = "needs poppler-utils"]
fn the_sop_document_is_one_landscape_page_per_drawn_page_with_its_text() {
    let catalog = sop::Catalog::builtin();
    let vpn = catalog.sop("lumajang/vpn").unwrap();
    let pdf = documents::sop_document::to_pdf(vpn, catalog.agency("lumajang"));
    let drawn = sop::render::pages(vpn, catalog.agency("lumajang")).len();
    require_tools();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sop.pdf");
    std::fs::write(&path, pdf).unwrap();
    let info = run("pdfinfo", &[], &path);
    assert!(info.contains(&format!("Pages:           {drawn}")), "{info}");
    assert!(info.contains("841.89 x 595.28 pts (A4)"), "{info}");
    run("pdftotext", &[], &path);
    let text = std::fs::read_to_string(path.with_extension("txt")).unwrap();
    for needle in
        ["427.53/4/2.09/2021", "SOP PENGAJUAN AKSES VPN", "Mulai", "Kabid Aptika menerima disposisi"]
    {
        assert!(text.contains(needle), "pdftotext lacks {needle:?}:\n{text}");
    }
}
