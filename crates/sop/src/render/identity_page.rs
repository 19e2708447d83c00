//! The identity page of PermenPANRB 35/2012: the agency block and the
//! identity table (nomor, tanggal, disahkan oleh, nama), then the paired
//! sections Dasar Hukum | Kualifikasi Pelaksana, Keterkaitan | Peralatan,
//! Peringatan | Pencatatan dan Pendataan.

use std::fmt::Write;

use super::Page;
use super::text::{LINE, block, wrap};
use crate::agency::Agency;
use crate::date::Date;
use crate::definition::Sop;

const MARGIN: f32 = 28.0;
const FONT: f32 = 10.0;
const PAD: f32 = 6.0;
const A4_RATIO: f32 = 210.0 / 297.0;

fn line_h() -> f32 {
    FONT * LINE
}

/// A numbered list, each item wrapped to `width`.
fn numbered(items: &[String], width: f32) -> Vec<String> {
    if items.is_empty() {
        return vec!["-".to_string()];
    }
    let mut lines = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("{}. ", i + 1);
        for (j, line) in wrap(item, FONT, width - 14.0).into_iter().enumerate() {
            lines.push(if j == 0 { format!("{prefix}{line}") } else { format!("    {line}") });
        }
    }
    lines
}

fn date(d: Option<Date>) -> String {
    d.map_or("-".to_string(), |d| d.indonesian())
}

pub fn page(sop: &Sop, agency: Option<&Agency>, width: f32) -> Page {
    let id = &sop.identity;
    let inner = width - 2.0 * MARGIN;
    let mut body = String::new();
    let mut y = MARGIN;

    // Agency block (left) and identity table (right).
    let left_w = inner * 0.42;
    let label_w = 150.0;
    let value_w = inner - left_w - label_w;
    let mut heading: Vec<String> = match agency {
        Some(a) => a.letterhead.clone(),
        None => vec![sop.agency.to_uppercase()],
    };
    if let Some(unit) = &id.unit {
        heading.push(unit.to_uppercase());
    }
    let heading: Vec<String> = heading.iter().flat_map(|h| wrap(h, FONT + 1.0, left_w - 2.0 * PAD)).collect();

    let mut rows: Vec<(&str, Vec<String>, bool)> = vec![
        ("NOMOR SOP", vec![id.nomor.value.clone()], false),
        ("TANGGAL PEMBUATAN", vec![date(id.tanggal_pembuatan)], false),
        ("TANGGAL REVISI", vec![date(id.tanggal_revisi)], false),
    ];
    if id.tanggal_pengesahan.is_some() || id.tanggal_efektif.is_none() {
        rows.push(("TANGGAL PENGESAHAN", vec![date(id.tanggal_pengesahan)], false));
    }
    if id.tanggal_efektif.is_some() {
        rows.push(("TANGGAL EFEKTIF", vec![date(id.tanggal_efektif)], false));
    }
    let approver = match &id.disahkan_oleh {
        Some(a) => {
            let mut lines = wrap(&a.jabatan.to_uppercase(), FONT, value_w - 2.0 * PAD);
            lines.extend(wrap(&a.nama.to_uppercase(), FONT, value_w - 2.0 * PAD));
            if let Some(p) = &a.pangkat {
                lines.push(p.clone());
            }
            if let Some(nip) = &a.nip {
                lines.push(format!("NIP. {nip}"));
            }
            lines
        }
        None => vec![String::new()],
    };
    rows.push(("DISAHKAN OLEH", approver, false));
    rows.push(("NAMA SOP", wrap(&id.nama.value.to_uppercase(), FONT, value_w - 2.0 * PAD), true));

    let row_h = |lines: &Vec<String>| (lines.len() as f32 * line_h() + 2.0 * PAD).max(22.0);
    let table_h: f32 = rows.iter().map(|(_, l, _)| row_h(l)).sum();
    let block_h = table_h.max(heading.len() as f32 * (FONT + 1.0) * LINE + 2.0 * PAD);

    let _ = writeln!(
        body,
        "<rect x=\"{MARGIN}\" y=\"{y}\" width=\"{left_w}\" height=\"{block_h}\" fill=\"none\" stroke=\"#000\"/>"
    );
    let heading_top = y + (block_h - heading.len() as f32 * (FONT + 1.0) * LINE) / 2.0 + FONT;
    body.push_str(&block(
        &heading,
        MARGIN + left_w / 2.0,
        heading_top,
        FONT + 1.0,
        "middle",
        " font-weight=\"bold\"",
    ));
    body.push('\n');
    let mut ry = y;
    for (label, lines, bold) in &rows {
        let h = row_h(lines);
        let lx = MARGIN + left_w;
        let _ = writeln!(
            body,
            "<rect x=\"{lx}\" y=\"{ry}\" width=\"{label_w}\" height=\"{h}\" fill=\"#f2f2f2\" stroke=\"#000\"/><rect x=\"{}\" y=\"{ry}\" width=\"{value_w}\" height=\"{h}\" fill=\"none\" stroke=\"#000\"/>",
            lx + label_w
        );
        body.push_str(&block(
            &[label.to_string()],
            lx + PAD,
            ry + PAD + FONT,
            FONT,
            "start",
            " font-weight=\"bold\"",
        ));
        let weight = if *bold { " font-weight=\"bold\"" } else { "" };
        body.push_str(&block(lines, lx + label_w + PAD, ry + PAD + FONT, FONT, "start", weight));
        body.push('\n');
        ry += h;
    }
    y += block_h + 12.0;

    // The three paired sections.
    let half = inner / 2.0;
    let pairs: [(&str, &[String], &str, Vec<String>); 3] = [
        ("DASAR HUKUM", &id.dasar_hukum, "KUALIFIKASI PELAKSANA", id.kualifikasi_pelaksana.clone()),
        ("KETERKAITAN", &id.keterkaitan, "PERALATAN/PERLENGKAPAN", id.peralatan.clone()),
        (
            "PERINGATAN",
            &id.peringatan,
            "PENCATATAN DAN PENDATAAN",
            id.pencatatan.iter().map(|p| p.value.clone()).collect(),
        ),
    ];
    for (left_label, left_items, right_label, right_items) in pairs {
        let left = numbered(left_items, half - 2.0 * PAD);
        let right = numbered(&right_items, half - 2.0 * PAD);
        let head_h = 20.0;
        let h = left.len().max(right.len()) as f32 * line_h() + 2.0 * PAD;
        for (x, label, lines) in [(MARGIN, left_label, &left), (MARGIN + half, right_label, &right)] {
            let _ = writeln!(
                body,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{half}\" height=\"{head_h}\" fill=\"#e8e8e8\" stroke=\"#000\"/><rect x=\"{x}\" y=\"{}\" width=\"{half}\" height=\"{h}\" fill=\"none\" stroke=\"#000\"/>",
                y + head_h
            );
            body.push_str(&block(
                &[label.to_string()],
                x + PAD,
                y + 14.0,
                FONT,
                "start",
                " font-weight=\"bold\"",
            ));
            body.push_str(&block(lines, x + PAD, y + head_h + PAD + FONT, FONT, "start", ""));
            body.push('\n');
        }
        y += head_h + h;
    }

    // Notes printed on the document, then what Sopir's transcription changed.
    let mut notes: Vec<String> = Vec::new();
    if !id.catatan.is_empty() {
        notes.push("Catatan:".to_string());
        notes.extend(id.catatan.iter().flat_map(|n| wrap(&format!("- {n}"), FONT - 1.0, inner)));
    }
    if !sop.corrections.is_empty() {
        notes.push("Catatan transkripsi (koreksi atas dokumen sumber):".to_string());
        for c in &sop.corrections {
            let text = format!("- {}: tercetak \"{}\" — {}", c.field, c.printed, c.note);
            notes.extend(wrap(&text, FONT - 1.0, inner));
        }
    }
    if !notes.is_empty() {
        y += 10.0;
        body.push_str(&block(
            &notes,
            MARGIN,
            y + FONT,
            FONT - 1.0,
            "start",
            " class=\"notes\" fill=\"#333\"",
        ));
        body.push('\n');
        y += notes.len() as f32 * (FONT - 1.0) * LINE;
    }

    let height = (width * A4_RATIO).max(y + MARGIN);
    let svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sop-identity\" data-page=\"1\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"Arial, 'Liberation Sans', Helvetica, sans-serif\">\n<rect width=\"{width}\" height=\"{height}\" fill=\"#fff\"/>\n{body}</svg>\n"
    );
    Page { width, height, svg }
}
