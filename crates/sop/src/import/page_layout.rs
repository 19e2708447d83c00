//! Laying a PDF's pages out again as an SOP: text runs joined into lines,
//! the identity page read by its labels (the value beside a label, a
//! section's list below it), and the matrix read by its headings — columns
//! from the table's vertical rules, rows from its horizontal rules (or
//! from the numbers in the No column), and each row's lane from the column
//! where its symbol is drawn.

use super::pdf_text::{PdfPage, Shape};
use super::reading::{Branch, Heading, Label, Mark, Reading, Row, Symbol, Text};

/// A line of text on a page.
#[derive(Debug, Clone)]
struct Line {
    x0: f32,
    x1: f32,
    /// Baseline, from the top.
    y: f32,
    size: f32,
    text: String,
}

impl Line {
    fn mid(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
}

/// Runs on one baseline that touch are one line; a gap wider than a
/// narrow space is a word break, a wide one another cell.
fn lines(page: &PdfPage) -> Vec<Line> {
    let mut runs = page.runs.clone();
    runs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x.total_cmp(&b.x)));
    let mut out: Vec<Line> = Vec::new();
    for run in runs {
        let size = run.size.max(1.0);
        let joined = out.iter_mut().rev().take(8).find(|l| {
            (l.y - run.y).abs() < size * 0.3 && run.x - l.x1 < size * 0.4 && run.x - l.x1 > -size * 0.5
        });
        match joined {
            Some(line) => {
                if run.x - line.x1 > size * 0.12 && !line.text.ends_with(' ') && !run.text.starts_with(' ') {
                    line.text.push(' ');
                }
                line.text.push_str(&run.text);
                line.x1 = line.x1.max(run.x + run.width);
            }
            None => {
                out.push(Line { x0: run.x, x1: run.x + run.width, y: run.y, size, text: run.text.clone() })
            }
        }
    }
    for line in &mut out {
        line.text = line.text.split_whitespace().collect::<Vec<_>>().join(" ");
    }
    out.retain(|l| !l.text.is_empty());
    out.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    out
}

pub fn read(pages: &[PdfPage]) -> Reading {
    let mut reading = Reading::default();
    let laid: Vec<(Vec<Line>, &PdfPage)> = pages.iter().map(|p| (lines(p), p)).collect();
    for (lines, page) in &laid {
        if !matrix(lines, page, &mut reading) {
            identity(lines, &mut reading);
        }
    }
    reading
}

/// A label at the start of a line, with the text after it ("NOMOR SOP
/// 427.53/…" when label and value share a line).
fn label_of(text: &str) -> Option<(Label, String)> {
    if let Some(l) = Label::recognise(text) {
        return Some((l, String::new()));
    }
    if let Some((head, rest)) = text.split_once(':')
        && let Some(l) = Label::recognise(head)
    {
        return Some((l, rest.trim().to_string()));
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    for k in (1..=4.min(words.len().saturating_sub(1))).rev() {
        if let Some(l) = Label::recognise(&words[..k].join(" ")) {
            return Some((l, words[k..].join(" ").trim_start_matches(':').trim().to_string()));
        }
    }
    None
}

fn identity(lines: &[Line], reading: &mut Reading) {
    let labels: Vec<(usize, Label, String)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| label_of(&l.text).map(|(label, rest)| (i, label, rest)))
        .collect();
    if labels.is_empty() {
        return;
    }
    // Sopir's own notes close the page: they are not part of a section.
    let notes_at = lines
        .iter()
        .position(|l| l.text.starts_with("Catatan:") || l.text.starts_with("Catatan transkripsi"))
        .map_or(f32::MAX, |i| lines[i].y - 1.0);
    let first_section_y = labels
        .iter()
        .filter(|(_, l, _)| l.is_section())
        .map(|(i, _, _)| lines[*i].y)
        .fold(f32::MAX, f32::min);
    let left_of_labels = labels
        .iter()
        .filter(|(_, l, _)| !l.is_section())
        .map(|(i, _, _)| lines[*i].x0)
        .fold(f32::MAX, f32::min);
    for (n, (i, label, rest)) in labels.iter().enumerate() {
        let line = &lines[*i];
        let tol = line.size * 0.6;
        let mut value: Vec<String> = Vec::new();
        if !rest.is_empty() {
            value.push(rest.clone());
        }
        if label.is_section() {
            // The list below the label, in its column, down to the next row of labels.
            let right = labels
                .iter()
                .map(|(j, _, _)| &lines[*j])
                .filter(|o| (o.y - line.y).abs() < tol && o.x0 > line.x0 + 5.0)
                .map(|o| o.x0 - 2.0)
                .fold(f32::MAX, f32::min);
            let bottom = labels
                .iter()
                .map(|(j, _, _)| &lines[*j])
                .filter(|o| o.y > line.y + tol)
                .map(|o| o.y - tol)
                .fold(notes_at, f32::min);
            for l in lines {
                if l.y > line.y + tol
                    && l.y < bottom
                    && l.x0 >= line.x0 - 3.0
                    && l.x0 < right
                    && label_of(&l.text).is_none()
                {
                    value.push(l.text.clone());
                }
            }
        } else {
            // The value beside the label, down to the next label of its column.
            let bottom = labels
                .iter()
                .skip(n + 1)
                .map(|(j, _, _)| &lines[*j])
                .find(|o| (o.x0 - line.x0).abs() < 5.0 && o.y > line.y + tol)
                .map_or(first_section_y.min(line.y + 6.0 * line.size), |o| o.y - tol);
            for l in lines {
                if l.x0 > line.x1 + 1.0 && l.y > line.y - tol && l.y < bottom && label_of(&l.text).is_none() {
                    let t = l.text.trim_start_matches(':').trim();
                    if !t.is_empty() {
                        value.push(t.to_string());
                    }
                }
            }
        }
        reading.set(*label, Text::soft(value));
    }
    if reading.heading.is_empty() {
        reading.heading = lines
            .iter()
            .filter(|l| l.x1 < left_of_labels - 2.0 && l.y < first_section_y && label_of(&l.text).is_none())
            .map(|l| l.text.clone())
            .collect();
    }
    // "Catatan:" notes (an electronic-signature note), up to the transcription notes.
    if let Some(start) = lines.iter().position(|l| l.text == "Catatan:") {
        let mut notes: Vec<String> = Vec::new();
        for l in &lines[start + 1..] {
            if l.text.starts_with("Catatan transkripsi") {
                break;
            }
            match l.text.strip_prefix("- ") {
                Some(item) => notes.push(item.to_string()),
                None => {
                    if let Some(last) = notes.last_mut() {
                        last.push(' ');
                        last.push_str(&l.text);
                    }
                }
            }
        }
        if reading.notes.is_empty() {
            reading.notes = notes;
        }
    }
}

/// Columns of the matrix by their left and right edges.
struct Column {
    x0: f32,
    x1: f32,
    heading: Option<Heading>,
    text: Vec<String>,
}

fn matrix(lines: &[Line], page: &PdfPage, reading: &mut Reading) -> bool {
    let Some(activity) = lines.iter().find(|l| Heading::recognise(&l.text) == Some(Heading::Activity)) else {
        return false;
    };
    let standard: Vec<&Line> = lines
        .iter()
        .filter(|l| {
            matches!(
                Heading::recognise(&l.text),
                Some(Heading::Requirements | Heading::Time | Heading::Output)
            )
        })
        .collect();
    if standard.is_empty() {
        return false;
    }
    let heading_y = standard.iter().map(|l| l.y).fold(activity.y, f32::max);
    let top = lines
        .iter()
        .filter(|l| Heading::recognise(&l.text).is_some() && (l.y - activity.y).abs() < 60.0)
        .map(|l| l.y - l.size * 1.5)
        .fold(activity.y - activity.size * 1.5, f32::min);

    // Column edges: vertical rules crossing the heading.
    let mut xs: Vec<f32> = page
        .segments
        .iter()
        .filter(|s| s.is_vertical() && s.y0.min(s.y1) <= heading_y && s.y0.max(s.y1) >= heading_y - 1.0)
        .map(|s| s.x0)
        .collect();
    xs.sort_by(f32::total_cmp);
    xs.dedup_by(|a, b| (*a - *b).abs() < 2.0);
    if xs.len() < 4 {
        return false;
    }
    // The heading's bottom: the first rule under the sub-headings crossing the activity column.
    let bottom = page
        .segments
        .iter()
        .filter(|s| {
            s.is_horizontal()
                && s.y0 > heading_y
                && s.x0.min(s.x1) <= activity.mid()
                && s.x0.max(s.x1) >= activity.mid()
        })
        .map(|s| s.y0)
        .fold(f32::MAX, f32::min);
    let bottom = if bottom == f32::MAX { heading_y + activity.size } else { bottom };

    let mut columns: Vec<Column> =
        xs.windows(2).map(|w| Column { x0: w[0], x1: w[1], heading: None, text: Vec::new() }).collect();
    for l in lines.iter().filter(|l| l.y > top && l.y < bottom) {
        let heading = Heading::recognise(&l.text);
        if matches!(heading, Some(Heading::Lanes | Heading::Standard)) {
            continue;
        }
        if let Some(c) = columns.iter_mut().find(|c| l.mid() >= c.x0 && l.mid() < c.x1) {
            match heading {
                Some(h) if c.heading.is_none() && c.text.is_empty() => c.heading = Some(h),
                _ => c.text.push(l.text.clone()),
            }
        }
    }
    let find = |h: Heading| columns.iter().position(|c| c.heading == Some(h));
    let Some(activity_col) = find(Heading::Activity) else { return false };
    let first_standard =
        [find(Heading::Requirements), find(Heading::Time), find(Heading::Output)].into_iter().flatten().min();
    let Some(first_standard) = first_standard else { return false };
    let lanes: Vec<usize> = (activity_col + 1..first_standard).collect();
    if reading.lanes.is_empty() {
        reading.lanes = lanes.iter().map(|&c| columns[c].text.join(" ")).collect();
    }

    // Rows: bands between horizontal rules crossing the activity column, else
    // from each number in the No column to the next.
    let act = &columns[activity_col];
    let table_bottom = page
        .segments
        .iter()
        .filter(|s| s.is_vertical() && (s.x0 - act.x0).abs() < 2.0)
        .map(|s| s.y0.max(s.y1))
        .fold(bottom, f32::max);
    let mut ys: Vec<f32> = page
        .segments
        .iter()
        .filter(|s| {
            s.is_horizontal()
                && s.y0 > bottom + 1.0
                && s.y0 < table_bottom
                && s.x0.min(s.x1) <= act.x0 + 2.0
                && s.x0.max(s.x1) >= act.x1 - 2.0
        })
        .map(|s| s.y0)
        .collect();
    ys.push(bottom);
    ys.push(table_bottom);
    ys.sort_by(f32::total_cmp);
    ys.dedup_by(|a, b| (*a - *b).abs() < 2.0);
    let no_col = find(Heading::No);
    let mut bands: Vec<(f32, f32)> = ys.windows(2).map(|w| (w[0], w[1])).collect();
    if bands.len() < 2
        && let Some(no) = no_col
    {
        let anchors: Vec<f32> = lines
            .iter()
            .filter(|l| l.y > bottom && l.mid() >= columns[no].x0 && l.mid() < columns[no].x1)
            .filter(|l| l.text.trim_start_matches('(').starts_with(|c: char| c.is_ascii_digit()))
            .map(|l| l.y - l.size)
            .collect();
        if !anchors.is_empty() {
            bands = anchors
                .iter()
                .enumerate()
                .map(|(i, a)| (*a, anchors.get(i + 1).copied().unwrap_or(table_bottom)))
                .collect();
        }
    }

    let cell = |c: Option<usize>, band: (f32, f32)| -> Text {
        let Some(c) = c else { return Text::default() };
        let col = &columns[c];
        Text::soft(
            lines
                .iter()
                .filter(|l| l.y > band.0 && l.y <= band.1 && l.mid() >= col.x0 && l.mid() < col.x1)
                .map(|l| l.text.clone())
                .collect(),
        )
    };
    // Each band's row (if it is one) and the symbols drawn in it.
    let first_row = reading.rows.len();
    let mut band_row: Vec<Option<usize>> = Vec::new();
    let mut drawn: Vec<(usize, &Shape, Symbol, String)> = Vec::new();
    for (b, band) in bands.iter().copied().enumerate() {
        let mut marks = Vec::new();
        for (i, &c) in lanes.iter().enumerate() {
            let col = &columns[c];
            for shape in page.shapes.iter().filter(|s| is_symbol(s, col.x1 - col.x0)) {
                let (cx, cy) = ((shape.x0 + shape.x1) / 2.0, (shape.y0 + shape.y1) / 2.0);
                if cx < col.x0 || cx >= col.x1 || cy <= band.0 || cy > band.1 {
                    continue;
                }
                let label: Vec<&str> = lines
                    .iter()
                    .filter(|l| shape.contains(l.mid(), l.y - l.size * 0.3))
                    .map(|l| l.text.as_str())
                    .collect();
                drawn.push((b, shape, symbol_of(shape), label.join(" ")));
                marks.push(Mark { lane: i, symbol: symbol_of(shape), label: label.join(" ") });
            }
        }
        let row = Row {
            ya: None,
            tidak: None,
            no: cell(no_col, band).joined(),
            activity: cell(Some(activity_col), band),
            marks,
            requirements: cell(find(Heading::Requirements), band),
            time: cell(find(Heading::Time), band),
            output: cell(find(Heading::Output), band),
            remarks: cell(find(Heading::Remarks), band),
        };
        if row.no.is_empty() && row.activity.is_blank() {
            band_row.push(None);
            continue;
        }
        band_row.push(Some(reading.rows.len()));
        reading.rows.push(row);
    }
    follow_decisions(page, &drawn, &band_row, &mut reading.rows[first_row..], first_row);
    true
}

/// Follows the arrows leaving each diamond: the one from its bottom corner
/// is "Ya", the one from a side corner "Tidak" (as Sopir draws them), each
/// to the symbol its tip touches — a row's, or a capsule beside the
/// decision ending the procedure. An arrow that leaves the page (to an
/// off-page connector) is not followed.
fn follow_decisions(
    page: &PdfPage,
    drawn: &[(usize, &Shape, Symbol, String)],
    band_row: &[Option<usize>],
    rows: &mut [Row],
    first_row: usize,
) {
    let near = |a: (f32, f32), b: (f32, f32)| (a.0 - b.0).abs() < 2.5 && (a.1 - b.1).abs() < 2.5;
    for (band, diamond, symbol, _) in drawn {
        if *symbol != Symbol::Decision {
            continue;
        }
        let Some(Some(row)) = band_row.get(*band) else { continue };
        let (cx, cy) = ((diamond.x0 + diamond.x1) / 2.0, (diamond.y0 + diamond.y1) / 2.0);
        for path in &page.paths {
            let (Some(start), Some(tip)) = (path.first(), path.last()) else { continue };
            let bottom = near(*start, (cx, diamond.y1));
            let side = near(*start, (diamond.x0, cy)) || near(*start, (diamond.x1, cy));
            if !bottom && !side {
                continue;
            }
            let target = drawn.iter().find(|(_, s, _, _)| {
                !std::ptr::eq(*s, *diamond)
                    && tip.0 >= s.x0 - 3.0
                    && tip.0 <= s.x1 + 3.0
                    && tip.1 >= s.y0 - 3.0
                    && tip.1 <= s.y1 + 3.0
            });
            let Some((to_band, _, to_symbol, label)) = target else { continue };
            let lower = label.to_lowercase();
            let branch = if to_band == band && *to_symbol == Symbol::Terminal && lower.contains("tolak") {
                Branch::Rejected
            } else if to_band == band && *to_symbol == Symbol::Terminal {
                Branch::End
            } else {
                match band_row.get(*to_band) {
                    Some(Some(r)) => Branch::Row(*r),
                    _ => continue,
                }
            };
            let local = row - first_row;
            if bottom {
                rows[local].ya = Some(branch);
            } else {
                rows[local].tidak = Some(branch);
            }
        }
    }
}

/// Whether a closed shape in a lane column is a flowchart symbol: not an
/// arrowhead, not the cell itself, not an off-page connector.
fn is_symbol(shape: &Shape, lane_width: f32) -> bool {
    let (w, h) = (shape.width(), shape.height());
    if w < 8.0 || h < 8.0 || w > lane_width - 1.0 || !shape.stroked {
        return false;
    }
    // The off-page connector (a pentagon) is a way across pages, not a step.
    shape.corners != 5 || shape.curved
}

fn symbol_of(shape: &Shape) -> Symbol {
    if shape.curved {
        Symbol::Terminal
    } else if shape.rectangular {
        Symbol::Activity
    } else if shape.corners == 4 {
        Symbol::Decision
    } else {
        Symbol::Other
    }
}
