//! `sopir sop import` as an operator runs it: a PDF that `sopir sop render`
//! drew comes back with its identity, steps, times and lanes (every
//! built-in SOP); a Word and an OpenDocument SOP made in the test import
//! with their unsure values printed at their lines; a scan is refused and
//! no draft is written.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sop::Catalog;

fn sopir(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sopir"))
        .args(args)
        .env_remove("SOPIR_SOP_DIR")
        .output()
        .expect("sopir runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn every_builtin_sop_comes_back_from_the_pdf_sopir_rendered() {
    let dir = scratch("import-roundtrip");
    let catalog = Catalog::builtin();
    for original in &catalog.sops {
        let stem = original.id.replace('/', "-");
        let pdf = dir.join(format!("{stem}.pdf"));
        let draft = dir.join(format!("{stem}.toml"));
        let out = sopir(&["sop", "render", &original.id, "--format", "pdf", "-o", path(&pdf)]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let out = sopir(&["sop", "import", path(&pdf), "-o", path(&draft), "--agency", &original.agency]);
        assert!(out.status.success(), "{}: {}", original.id, text(&out.stderr));
        let back = sop::parse_sop("draf.toml", &std::fs::read_to_string(&draft).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e:?}", original.id));
        let (a, b) = (&back.identity, &original.identity);
        assert_eq!(a.nomor.value, b.nomor.value);
        assert_eq!(a.nama.value.to_uppercase(), b.nama.value.to_uppercase());
        assert_eq!(
            [a.tanggal_pembuatan, a.tanggal_revisi, a.tanggal_pengesahan, a.tanggal_efektif],
            [b.tanggal_pembuatan, b.tanggal_revisi, b.tanggal_pengesahan, b.tanggal_efektif]
        );
        assert_eq!(
            a.disahkan_oleh.as_ref().map(|d| (d.nama.to_uppercase(), d.nip.clone())),
            b.disahkan_oleh.as_ref().map(|d| (d.nama.to_uppercase(), d.nip.clone()))
        );
        assert_eq!(
            (&a.dasar_hukum, &a.peralatan, &a.peringatan),
            (&b.dasar_hukum, &b.peralatan, &b.peringatan)
        );
        let lanes =
            |s: &sop::Sop| s.lanes.iter().map(|l| (l.name.clone(), l.positions.clone())).collect::<Vec<_>>();
        assert_eq!(lanes(&back), lanes(original), "{}", original.id);
        let steps = |s: &sop::Sop| {
            s.steps
                .iter()
                .map(|st| {
                    let lane = s.lanes.iter().find(|l| l.id == st.lane).map(|l| l.name.clone());
                    (st.no, lane, st.activity.clone(), st.time, st.requirements.clone())
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(steps(&back), steps(original), "{}", original.id);
        // The summary line closes what the command prints.
        assert!(text(&out.stderr).contains("pdf diimpor:"), "{}", text(&out.stderr));
    }
}

#[test]
fn word_and_opendocument_sops_import_with_their_unsure_values_at_their_lines() {
    let dir = scratch("import-office");
    let sample = sop::import::fixture::sample();
    for (name, bytes) in
        [("sop.docx", sop::import::fixture::docx(&sample)), ("sop.odt", sop::import::fixture::odt(&sample))]
    {
        let file = dir.join(name);
        std::fs::write(&file, bytes).unwrap();
        let draft = dir.join(format!("{name}.toml"));
        let out = sopir(&["sop", "import", path(&file), "-o", path(&draft)]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let written = std::fs::read_to_string(&draft).unwrap();
        let sop = sop::parse_sop("draf.toml", &written).expect("the draft parses");
        assert_eq!(sop.steps.iter().map(|s| s.no).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
        let times: Vec<String> =
            sop.steps.iter().map(|s| s.time.map_or("-".into(), |t| t.to_string())).collect();
        assert_eq!(times, ["-", "1 hari", "2 jam", "-", "-"]);
        let stderr = text(&out.stderr);
        // "…/sop.docx.toml:LINE: tidak pasti: langkah 4, Waktu "30 detik" — …", at the line of the time.
        let line = stderr
            .lines()
            .find(|l| l.contains("tidak pasti: langkah 4, Waktu \"30 detik\""))
            .unwrap_or_else(|| panic!("{stderr}"));
        let number: usize = line
            .strip_prefix(&format!("{}:", draft.display()))
            .and_then(|rest| rest.split(':').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{line}"));
        assert!(written.lines().nth(number - 1).unwrap().starts_with("# time tercetak"), "{line}");
        assert!(stderr.contains("tidak pasti: langkah 4, Pelaksana"), "{stderr}");
        assert!(stderr.contains("tidak pasti: langkah 5, No"), "{stderr}");
        // The linter's findings on the draft follow (step 5 follows a gap-free 4).
        assert!(stderr.contains("diimpor: 7 nilai tidak pasti"), "{stderr}");
    }
}

#[test]
fn a_scanned_pdf_is_refused_and_no_draft_is_written() {
    let dir = scratch("import-scan");
    let content = "q 595 0 0 842 0 0 cm /Im1 Do Q";
    let scan = format!(
        "%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>\nendobj\n4 0 obj\n<< /Length {} >>\nstream\n{content}\nendstream\nendobj\n5 0 obj\n<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\0\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n",
        content.len()
    );
    let file = dir.join("pindaian.pdf");
    std::fs::write(&file, scan).unwrap();
    let draft = dir.join("draf.toml");
    let out = sopir(&["sop", "import", path(&file), "-o", path(&draft)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("tidak mempunyai lapisan teks"), "{}", text(&out.stderr));
    assert!(!draft.exists(), "nothing is written for a refused document");

    let out = sopir(&["sop", "import", path(&file), "--agency", "tidak-ada"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("instansi \"tidak-ada\" tidak ditemukan"), "{}", text(&out.stderr));
}
