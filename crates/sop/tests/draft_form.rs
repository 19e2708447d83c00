//! The editor's form against every real SOP of the repository (the seven
//! built-in ones and the conformance corpus): read into the form and
//! written out from the form alone, each gives TOML holding the same data,
//! which parses to the same definition — same document drawn, same
//! findings. Nothing the form has no field for is lost on the way.

use std::path::{Path, PathBuf};

use sop::draft_form::SopForm;

fn definitions() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut found = Vec::new();
    for dir in ["sops", "corpus"] {
        for agency in std::fs::read_dir(root.join(dir)).unwrap() {
            let agency = agency.unwrap().path();
            if !agency.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&agency).unwrap() {
                let file = file.unwrap().path();
                if file.extension().is_some_and(|e| e == "toml") && !file.ends_with("agency.toml") {
                    found.push(file);
                }
            }
        }
    }
    found.sort();
    found
}

#[test]
fn every_sop_of_the_repository_round_trips_through_the_form() {
    let files = definitions();
    assert!(files.len() >= 20, "{files:?}");
    for file in files {
        let name = file.display().to_string();
        let text = std::fs::read_to_string(&file).unwrap();
        let form = SopForm::read(&text).unwrap();
        assert_eq!(form.write(&text).unwrap(), text, "{name}: unchanged form, same bytes");

        let fresh = form.write("").unwrap();
        let data = |t: &str| toml::from_str::<toml::Value>(t).unwrap();
        assert_eq!(data(&fresh), data(&text), "{name}: the same data\n{fresh}");
        let before = sop::parse_sop(&name, &text).unwrap();
        let after = sop::parse_sop(&name, &fresh).unwrap_or_else(|e| panic!("{name}: {e:?}\n{fresh}"));
        assert_eq!(
            sop::render::svg(&after, None),
            sop::render::svg(&before, None),
            "{name}: the same document"
        );
        let codes = |s: &sop::Sop| sop::lint::lint(s).iter().map(|d| d.code).collect::<Vec<_>>();
        assert_eq!(codes(&after), codes(&before), "{name}: the same findings");
    }
}

/// A file written on Windows: its form is the same, and unchanged it gives
/// the same bytes back (a form sends its text areas with `\n` line ends).
#[test]
fn crlf_line_ends_read_as_the_same_form() {
    let text = include_str!("../../../sops/lumajang/vpn.toml");
    let windows = text.replace('\n', "\r\n");
    let (form, crlf) = (SopForm::read(text).unwrap(), SopForm::read(&windows).unwrap());
    assert_eq!(crlf.letter.body, form.letter.body);
    assert_eq!(crlf.rest, form.rest);
    assert_eq!(form.write(&windows).unwrap(), windows);
}
