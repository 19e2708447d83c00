//! The rendered SOP document, read back as XML: one symbol per step, of the
//! right shape, in its lane's column; Ya/Tidak labels on decisions; arrows
//! between consecutive steps; paired off-page connectors; and no symbol
//! outside the regulation's five (no circle).

use std::collections::HashMap;

use roxmltree::{Document, Node};
use sop::definition::Target;
use sop::render::{html, pages, svg};
use sop::{Catalog, Sop};

const IDS: [&str; 5] = [
    "lumajang/vpn",
    "lumajang/ruang-server",
    "lumajang/subdomain",
    "lumajang/email",
    "trenggalek/ruang-server",
];

fn num(node: Node, attr: &str) -> f32 {
    node.attribute(attr).unwrap_or_else(|| panic!("{attr} on {node:?}")).parse().unwrap()
}

fn points(node: Node) -> Vec<(f32, f32)> {
    node.attribute("points")
        .unwrap()
        .split_whitespace()
        .map(|p| {
            let (x, y) = p.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect()
}

fn has_class(node: &Node, class: &str) -> bool {
    node.attribute("class").is_some_and(|c| c.split_whitespace().any(|w| w == class))
}

/// The shape the regulation asks for: capsule at start and end, diamond for
/// a decision, rectangle otherwise.
fn expected_shape(sop: &Sop, index: usize) -> &'static str {
    let step = &sop.steps[index];
    if step.decision.is_some() {
        "diamond"
    } else if index == 0 || step.ends() {
        "capsule"
    } else {
        "rect"
    }
}

/// What the drawn element of a symbol is, judged from its geometry alone.
fn drawn_shape(symbol: Node) -> (&'static str, f32) {
    let shape = symbol.children().find(|n| n.is_element() && n.tag_name().name() != "text").unwrap();
    match shape.tag_name().name() {
        "rect" => {
            let (x, w, h, rx) =
                (num(shape, "x"), num(shape, "width"), num(shape, "height"), num(shape, "rx"));
            let kind = if rx == 0.0 {
                "rect"
            } else if (rx - h / 2.0).abs() < 0.01 {
                "capsule"
            } else {
                "rounded-rect"
            };
            (kind, x + w / 2.0)
        }
        "polygon" => {
            let p = points(shape);
            assert_eq!(p.len(), 4, "a step polygon is a diamond");
            // Top and bottom share x; left and right share y.
            assert_eq!(p[0].0, p[2].0);
            assert_eq!(p[1].1, p[3].1);
            ("diamond", p[0].0)
        }
        other => panic!("unexpected symbol element {other}"),
    }
}

#[test]
fn every_step_has_one_symbol_of_the_right_shape_in_its_lane() {
    let catalog = Catalog::builtin();
    for id in IDS {
        let sop = catalog.sop(id).unwrap();
        let pages = pages(sop, catalog.agency(&sop.agency));
        let mut seen: HashMap<u32, usize> = HashMap::new();
        for page in &pages[1..] {
            let doc = Document::parse(&page.svg).unwrap_or_else(|e| panic!("{id}: {e}"));
            let columns: HashMap<&str, (f32, f32)> = doc
                .descendants()
                .filter(|n| has_class(n, "lane-column"))
                .map(|n| (n.attribute("data-lane").unwrap(), (num(n, "x"), num(n, "width"))))
                .collect();
            assert_eq!(columns.len(), sop.lanes.len(), "{id}: one column per pelaksana");
            for symbol in doc.descendants().filter(|n| has_class(n, "symbol")) {
                let no: u32 = symbol.attribute("data-step").unwrap().parse().unwrap();
                let index = sop.step_index(no).unwrap();
                let step = &sop.steps[index];
                *seen.entry(no).or_default() += 1;
                let (shape, cx) = drawn_shape(symbol);
                assert_eq!(shape, expected_shape(sop, index), "{id} step {no}");
                assert_eq!(symbol.attribute("data-shape"), Some(shape));
                let (x, w) = columns[step.lane.as_str()];
                assert!(
                    cx > x && cx < x + w,
                    "{id} step {no}: centre {cx} outside lane {} ({x}..{})",
                    step.lane,
                    x + w
                );
            }
        }
        let mut numbers: Vec<u32> = seen.keys().copied().collect();
        numbers.sort();
        assert_eq!(numbers, sop.steps.iter().map(|s| s.no).collect::<Vec<_>>(), "{id}");
        assert!(seen.values().all(|&n| n == 1), "{id}: one symbol per step");
    }
}

#[test]
fn decisions_carry_their_branch_labels_and_every_branch_an_arrow() {
    let catalog = Catalog::builtin();
    for id in IDS {
        let sop = catalog.sop(id).unwrap();
        let document = svg(sop, catalog.agency(&sop.agency));
        let doc = Document::parse(&document).unwrap();
        let labels: Vec<(String, String, String)> = doc
            .descendants()
            .filter(|n| has_class(n, "branch-label"))
            .map(|n| {
                (
                    n.attribute("data-step").unwrap().to_string(),
                    n.attribute("data-branch").unwrap().to_string(),
                    n.descendants().filter(|t| t.is_text()).filter_map(|t| t.text()).collect::<String>(),
                )
            })
            .collect();
        let mut expected = Vec::new();
        for step in &sop.steps {
            if let Some(d) = &step.decision {
                expected.push((step.no.to_string(), "ya".to_string(), d.ya_label.clone()));
                expected.push((step.no.to_string(), "tidak".to_string(), d.tidak_label.clone()));
            }
        }
        assert_eq!(labels, expected, "{id}");

        let arrows: Vec<(u32, u32)> = doc
            .descendants()
            .filter(|n| has_class(n, "arrow"))
            .map(|n| (num(n, "data-from") as u32, num(n, "data-to") as u32))
            .collect();
        for step in &sop.steps {
            for target in step.targets() {
                match target {
                    Target::Step(n) => {
                        assert!(arrows.contains(&(step.no, n)), "{id}: arrow {} → {n}", step.no)
                    }
                    // A decision's end branch points at its own end symbol.
                    _ if step.decision.is_some() => {
                        assert!(arrows.contains(&(step.no, 0)), "{id}: end arrow from {}", step.no);
                        assert!(doc.descendants().any(|n| has_class(&n, "terminator")
                            && n.attribute("data-from-step") == Some(&step.no.to_string())));
                    }
                    _ => {}
                }
            }
        }
        // Only the regulation's symbols.
        for forbidden in ["circle", "ellipse"] {
            assert!(!doc.descendants().any(|n| n.tag_name().name() == forbidden), "{id} draws a {forbidden}");
        }
    }
}

#[test]
fn the_vpn_matrix_breaks_across_pages_with_paired_pentagon_connectors() {
    let catalog = Catalog::builtin();
    let sop = catalog.sop("lumajang/vpn").unwrap();
    let pages = pages(sop, catalog.agency("lumajang"));
    assert!(pages.len() >= 3, "identity page and at least two matrix pages");
    let mut outs = HashMap::new();
    let mut ins = HashMap::new();
    for (p, page) in pages.iter().enumerate() {
        let doc = Document::parse(&page.svg).unwrap();
        for c in doc.descendants().filter(|n| has_class(n, "connector")) {
            let polygon = c.children().find(|n| n.tag_name().name() == "polygon").unwrap();
            assert_eq!(points(polygon).len(), 5, "off-page connector is a pentagon");
            let mark = c.attribute("data-mark").unwrap().to_string();
            match c.attribute("data-direction").unwrap() {
                "out" => assert!(outs.insert(mark, p).is_none()),
                _ => assert!(ins.insert(mark, p).is_none()),
            }
        }
    }
    assert!(!outs.is_empty());
    assert_eq!(outs.len(), ins.len());
    for (mark, page) in &outs {
        assert_eq!(ins[mark], page + 1, "connector {mark} resumes on the next page");
    }
}

#[test]
fn the_identity_page_shows_every_field() {
    let catalog = Catalog::builtin();
    let sop = catalog.sop("trenggalek/ruang-server").unwrap();
    let page = &pages(sop, catalog.agency("trenggalek"))[0];
    let doc = Document::parse(&page.svg).unwrap();
    let text: String =
        doc.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect::<Vec<_>>().join("\n");
    for expected in [
        "PEMERINTAH KABUPATEN TRENGGALEK",
        "NOMOR SOP",
        "060/016/406.020/2023",
        "TANGGAL PEMBUATAN",
        "6 Januari 2023",
        "TANGGAL EFEKTIF",
        "DISAHKAN OLEH",
        "EDIF HAYUNAN SISWANTO, S.SOS., M.SI.",
        "Pembina Utama Muda",
        "NIP. 19710609 199201 1 002",
        "NAMA SOP",
        "DASAR HUKUM",
        "KUALIFIKASI PELAKSANA",
        "KETERKAITAN",
        "PERALATAN/PERLENGKAPAN",
        "PERINGATAN",
        "PENCATATAN DAN PENDATAAN",
        "BSrE",
    ] {
        assert!(text.contains(expected), "identity page lacks {expected:?}");
    }
}

#[test]
fn html_wraps_one_section_per_page_and_escapes_text() {
    let catalog = Catalog::builtin();
    let sop = catalog.sop("lumajang/vpn").unwrap();
    let document = html(sop, catalog.agency("lumajang"));
    assert!(document.starts_with("<!DOCTYPE html>"));
    assert!(document.contains("<html lang=\"id\">"));
    assert_eq!(document.matches("<section class=\"page\"").count(), pages(sop, None).len());
    // A quote in the data is escaped, never raw inside an attribute or element.
    let mut sop = sop.clone();
    sop.steps[0].activity = "Uji <b>\"tag\"</b> & lain".to_string();
    let document = svg(&sop, None);
    assert!(document.contains("Uji &lt;b&gt;&quot;tag&quot;&lt;/b&gt; &amp; lain"));
    Document::parse(&document).unwrap();
}
