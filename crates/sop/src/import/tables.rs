//! Reading the tables of a word-processor document (Word or OpenDocument,
//! already parsed into [`Block`]s) as an SOP: identity labels with the
//! value beside or below them, and the matrix table found by its headings
//! (No, Kegiatan, Pelaksana, Mutu Baku, Keterangan), each lane being a
//! grid column whose cell holds a drawn symbol or a typed mark.

use super::reading::{Heading, Label, Mark, Reading, Row, Symbol, Text, is_dash};

/// A paragraph or a table of the document body, in order.
#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(String),
    Table(Vec<Vec<Cell>>),
}

/// One table cell.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    /// Its paragraphs (text inside drawings left out).
    pub paragraphs: Vec<String>,
    /// Grid columns it spans.
    pub span: usize,
    /// The flowchart symbol drawn in it, with the text inside the symbol.
    pub symbol: Option<(Symbol, String)>,
    /// Part of a cell merged from the row above: no content of its own.
    pub merged: bool,
}

impl Cell {
    fn text(&self) -> Text {
        Text::hard(self.paragraphs.clone())
    }

    fn joined(&self) -> String {
        self.text().joined()
    }
}

/// A table row expanded to its grid: one entry per grid column, the cell
/// that covers it and whether that column is the cell's first.
fn grid(row: &[Cell]) -> Vec<(&Cell, bool)> {
    let mut out = Vec::new();
    for cell in row {
        for i in 0..cell.span.max(1) {
            out.push((cell, i == 0));
        }
    }
    out
}

pub fn read(blocks: &[Block]) -> Reading {
    let mut reading = Reading::default();
    matrix(blocks, &mut reading);
    identity_in_tables(blocks, &mut reading);
    identity_in_paragraphs(blocks, &mut reading);
    reading
}

/// A cell's text with a label taken off its front ("NOMOR SOP : 123" in one cell).
fn after_label(text: &str) -> Option<(Label, String)> {
    if let Some(label) = Label::recognise(text) {
        return Some((label, String::new()));
    }
    let (head, rest) = text.split_once(':')?;
    Label::recognise(head).map(|l| (l, rest.trim().to_string()))
}

fn identity_in_tables(blocks: &[Block], reading: &mut Reading) {
    for block in blocks {
        let Block::Table(rows) = block else { continue };
        if is_matrix(rows) {
            continue;
        }
        let mut heading_cells: Vec<String> = Vec::new();
        let mut labelled_table = false;
        for (r, row) in rows.iter().enumerate() {
            let cols = grid(row);
            let mut used: Vec<usize> = Vec::new();
            for (c, (cell, first)) in cols.iter().enumerate() {
                if !first || cell.merged {
                    continue;
                }
                let Some(first_line) = cell.paragraphs.first() else { continue };
                let Some((label, inline)) = after_label(first_line) else { continue };
                labelled_table = true;
                used.push(c);
                let rest: Vec<String> = cell.paragraphs[1..].to_vec();
                let text = if !inline.is_empty() {
                    let mut lines = vec![inline];
                    lines.extend(rest);
                    Text::hard(lines)
                } else if !rest.is_empty() {
                    Text::hard(rest)
                } else if label.is_section() {
                    // The list is in the cell below, same column.
                    match rows.get(r + 1).map(|next| grid(next)) {
                        Some(below) => below.get(c).map(|(cell, _)| cell.text()).unwrap_or_default(),
                        None => Text::default(),
                    }
                } else {
                    // The value is the next cell to the right that is not a lone ":".
                    let mut value = Text::default();
                    let mut at = c + cell.span.max(1);
                    while let Some((next, _)) = cols.get(at) {
                        used.push(at);
                        let t = next.joined();
                        if t.trim() != ":" {
                            value = next.text();
                            value.lines = value
                                .lines
                                .into_iter()
                                .map(|l| l.trim_start_matches(':').trim().to_string())
                                .collect();
                            break;
                        }
                        at += next.span.max(1);
                    }
                    value
                };
                reading.set(label, text);
            }
            // The agency block: cells of a labelled table that hold no label
            // or value, in the first column.
            if let Some((cell, true)) = cols.first()
                && !used.contains(&0)
                && !cell.merged
                && after_label(&cell.joined()).is_none()
            {
                heading_cells.extend(cell.paragraphs.iter().cloned());
            }
        }
        if labelled_table && reading.heading.is_empty() {
            reading.heading =
                heading_cells.into_iter().filter(|h| !h.trim().is_empty() && !is_dash(h)).collect();
        }
    }
}

/// Labels written as paragraphs: "NOMOR SOP : …", or a section heading
/// ("DASAR HUKUM") followed by its items.
fn identity_in_paragraphs(blocks: &[Block], reading: &mut Reading) {
    let mut open: Option<(Label, Vec<String>)> = None;
    let mut before_first_label: Vec<String> = Vec::new();
    let mut seen_label = false;
    let close = |open: &mut Option<(Label, Vec<String>)>, reading: &mut Reading| {
        if let Some((label, lines)) = open.take() {
            reading.set(label, Text::hard(lines));
        }
    };
    for block in blocks {
        match block {
            Block::Paragraph(p) => match after_label(p) {
                Some((label, inline)) => {
                    seen_label = true;
                    close(&mut open, reading);
                    if label.is_section() && inline.is_empty() {
                        open = Some((label, Vec::new()));
                    } else {
                        reading.set(label, Text::hard(vec![inline]));
                    }
                }
                None => match &mut open {
                    Some((_, lines)) => lines.push(p.clone()),
                    None if !seen_label => before_first_label.push(p.clone()),
                    None => {}
                },
            },
            Block::Table(_) => close(&mut open, reading),
        }
    }
    close(&mut open, reading);
    if reading.heading.is_empty() {
        reading.heading = before_first_label.into_iter().filter(|p| !p.trim().is_empty()).collect();
    }
}

/// The grid columns of the matrix, by what their headings say.
#[derive(Debug, Default)]
struct Columns {
    no: Option<usize>,
    activity: Option<usize>,
    lanes: Vec<(usize, String)>,
    requirements: Option<usize>,
    time: Option<usize>,
    output: Option<usize>,
    remarks: Option<usize>,
    /// Rows the heading takes.
    rows: usize,
}

fn headings_of(row: &[Cell]) -> Vec<(usize, usize, Option<Heading>, String)> {
    let mut out = Vec::new();
    let mut c = 0;
    for cell in row {
        let text = cell.joined();
        out.push((c, cell.span.max(1), Heading::recognise(&text), text));
        c += cell.span.max(1);
    }
    out
}

fn is_heading_row(row: &[Cell]) -> bool {
    let found: Vec<Heading> = headings_of(row).into_iter().filter_map(|(_, _, h, _)| h).collect();
    found.contains(&Heading::Activity)
        || found
            .iter()
            .filter(|h| matches!(h, Heading::Requirements | Heading::Time | Heading::Output))
            .count()
            >= 2
}

fn columns(rows: &[Vec<Cell>]) -> Option<(usize, Columns)> {
    let top =
        rows.iter().position(|r| headings_of(r).iter().any(|(_, _, h, _)| *h == Some(Heading::Activity)))?;
    let mut cols = Columns { rows: 1, ..Columns::default() };
    let first = headings_of(&rows[top]);
    let second = rows.get(top + 1).map(|r| headings_of(r)).unwrap_or_default();
    let two_rows = first
        .iter()
        .any(|(_, span, h, _)| *span > 1 && matches!(h, Some(Heading::Lanes | Heading::Standard)));
    if two_rows {
        cols.rows = 2;
    }
    let mut lane_range: Option<(usize, usize)> = None;
    for (c, span, heading, _) in &first {
        match heading {
            Some(Heading::No) => cols.no = Some(*c),
            Some(Heading::Activity) => cols.activity = Some(*c),
            Some(Heading::Lanes) => lane_range = Some((*c, c + span)),
            Some(Heading::Requirements) => cols.requirements = Some(*c),
            Some(Heading::Time) => cols.time = Some(*c),
            Some(Heading::Output) => cols.output = Some(*c),
            Some(Heading::Remarks) => cols.remarks = Some(*c),
            _ => {}
        }
    }
    if two_rows {
        for (c, _, heading, _) in &second {
            match heading {
                Some(Heading::Requirements) => cols.requirements = Some(*c),
                Some(Heading::Time) => cols.time = Some(*c),
                Some(Heading::Output) => cols.output = Some(*c),
                _ => {}
            }
        }
    }
    let activity = cols.activity?;
    let standard = [cols.requirements, cols.time, cols.output].into_iter().flatten().min()?;
    let (from, to) = lane_range.unwrap_or((activity + 1, standard));
    let names = if two_rows { &second } else { &first };
    for c in from..to {
        let name =
            names.iter().find(|(at, _, _, _)| *at == c).map(|(_, _, _, t)| t.clone()).unwrap_or_default();
        cols.lanes.push((c, name));
    }
    Some((top, cols))
}

fn is_matrix(rows: &[Vec<Cell>]) -> bool {
    columns(rows).is_some()
}

fn matrix(blocks: &[Block], reading: &mut Reading) {
    let mut current: Option<(Columns, usize)> = None;
    for block in blocks {
        let Block::Table(rows) = block else { continue };
        let width = rows.iter().map(|r| grid(r).len()).max().unwrap_or(0);
        let (start, cols_width) = match columns(rows) {
            Some((top, cols)) => {
                if reading.lanes.is_empty() {
                    reading.lanes = cols.lanes.iter().map(|(_, n)| n.clone()).collect();
                }
                let start = top + cols.rows;
                current = Some((cols, width));
                (start, width)
            }
            // A table continuing the matrix on the next page, without its heading.
            None => match &current {
                Some((_, w)) if *w == width => (0, width),
                _ => continue,
            },
        };
        let Some((cols, _)) = &current else { continue };
        let _ = cols_width;
        for row in &rows[start..] {
            if is_heading_row(row) {
                continue;
            }
            let g = grid(row);
            let cell = |c: Option<usize>| -> Text {
                c.and_then(|c| g.get(c))
                    .filter(|(cell, first)| *first && !cell.merged)
                    .map(|(cell, _)| cell.text())
                    .unwrap_or_default()
            };
            let mut marks = Vec::new();
            for (i, (c, _)) in cols.lanes.iter().enumerate() {
                let Some((lane_cell, _)) = g.get(*c) else { continue };
                if lane_cell.merged {
                    continue;
                }
                match &lane_cell.symbol {
                    Some((symbol, label)) => {
                        marks.push(Mark { lane: i, symbol: *symbol, label: label.clone() })
                    }
                    None => {
                        let typed = lane_cell.joined();
                        if !typed.trim().is_empty() && lane_cell.span <= 1 {
                            marks.push(Mark { lane: i, symbol: Symbol::Other, label: typed });
                        }
                    }
                }
            }
            let parsed = Row {
                ya: None,
                tidak: None,
                no: cell(cols.no).joined(),
                activity: cell(cols.activity),
                marks,
                requirements: cell(cols.requirements),
                time: cell(cols.time),
                output: cell(cols.output),
                remarks: cell(cols.remarks),
            };
            if parsed.activity.is_blank() && parsed.no.trim().is_empty() && parsed.marks.is_empty() {
                continue;
            }
            reading.rows.push(parsed);
        }
    }
}
