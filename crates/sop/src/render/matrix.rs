//! The flowchart matrix: one row per step, one column per pelaksana, the
//! step's symbol in its lane, orthogonal arrows between consecutive
//! symbols, and the mutu baku columns. Rows are paginated onto A4-landscape
//! pages; an arrow that crosses a page break ends in an off-page connector
//! (pentagon) on one page and resumes from its twin on the next.

use std::fmt::Write;

use super::Page;
use super::text::{LINE, block, escape, wrap};
use crate::definition::{Sop, Step, Target};

/// A4 landscape at 96 dpi; wider when many lanes need room.
pub const PAGE_WIDTH_MIN: f32 = 1123.0;
const A4_RATIO: f32 = 210.0 / 297.0;
const MARGIN: f32 = 28.0;
const TITLE_H: f32 = 34.0;
/// Space above the first and below the last row of a page for connectors.
const BAND: f32 = 36.0;
const FONT: f32 = 9.0;
const PAD: f32 = 5.0;
const ROW_MIN: f32 = 60.0;
const LANE_MIN: f32 = 96.0;
const GROUP_H: f32 = 16.0;

#[derive(Clone, Copy, PartialEq)]
enum Column {
    No,
    Activity,
    Lane(usize),
    Requirements,
    Time,
    Output,
    Remarks,
}

struct Grid {
    columns: Vec<(Column, f32, f32)>,
    width: f32,
    height: f32,
    header_h: f32,
}

impl Grid {
    fn new(sop: &Sop) -> Grid {
        let fixed = [
            (Column::No, 30.0),
            (Column::Activity, 210.0),
            (Column::Requirements, 150.0),
            (Column::Time, 54.0),
            (Column::Output, 130.0),
            (Column::Remarks, 100.0),
        ];
        let fixed_w: f32 = fixed.iter().map(|(_, w)| w).sum();
        let n = sop.lanes.len().max(1) as f32;
        let lane_w = ((PAGE_WIDTH_MIN - 2.0 * MARGIN - fixed_w) / n).max(LANE_MIN);
        let mut columns = Vec::new();
        let mut x = MARGIN;
        let mut push = |c: Column, w: f32| {
            columns.push((c, x, w));
            x += w;
        };
        push(Column::No, fixed[0].1);
        push(Column::Activity, fixed[1].1);
        for i in 0..sop.lanes.len() {
            push(Column::Lane(i), lane_w);
        }
        for (c, w) in &fixed[2..] {
            push(*c, *w);
        }
        let width = x + MARGIN;
        let mut grid = Grid { columns, width, height: width * A4_RATIO, header_h: 0.0 };
        let lane_lines =
            sop.lanes.iter().map(|l| wrap(&l.name, FONT, lane_w - 2.0 * PAD).len()).max().unwrap_or(1);
        grid.header_h = GROUP_H + lane_lines.max(2) as f32 * FONT * LINE + 2.0 * PAD;
        grid
    }

    fn column(&self, which: Column) -> (f32, f32) {
        self.columns
            .iter()
            .find(|(c, _, _)| *c == which)
            .map(|(_, x, w)| (*x, *w))
            .expect("every column is laid out")
    }

    fn lane_center(&self, lane: usize) -> f32 {
        let (x, w) = self.column(Column::Lane(lane));
        x + w / 2.0
    }

    fn rows_top(&self) -> f32 {
        MARGIN + TITLE_H + self.header_h + BAND
    }

    fn rows_bottom_limit(&self) -> f32 {
        self.height - MARGIN - BAND
    }
}

/// The text of one row, already wrapped to its columns.
struct Row {
    cells: Vec<(Column, Vec<String>)>,
    height: f32,
}

fn row(grid: &Grid, step: &Step) -> Row {
    let width = |c| grid.column(c).1 - 2.0 * PAD;
    let requirements: Vec<String> = if step.requirements.len() == 1 {
        wrap(&step.requirements[0], FONT, width(Column::Requirements))
    } else {
        step.requirements
            .iter()
            .flat_map(|r| wrap(&format!("- {r}"), FONT, width(Column::Requirements)))
            .collect()
    };
    let time = step.time.map_or("-".to_string(), |t| t.to_string());
    let output: Vec<String> = match step.outputs.as_slice() {
        [one] => wrap(&one.value, FONT, width(Column::Output)),
        many => {
            many.iter().flat_map(|o| wrap(&format!("- {}", o.value), FONT, width(Column::Output))).collect()
        }
    };
    let cells = vec![
        (Column::No, vec![format!("{}.", step.no)]),
        (Column::Activity, wrap(&step.activity, FONT, width(Column::Activity))),
        (Column::Requirements, requirements),
        (Column::Time, wrap(&time, FONT, width(Column::Time))),
        (Column::Output, output),
        (Column::Remarks, wrap(step.remarks.as_deref().unwrap_or(""), FONT, width(Column::Remarks))),
    ];
    let lines = cells.iter().map(|(_, l)| l.len()).max().unwrap_or(1) as f32;
    Row { height: (lines * FONT * LINE + 2.0 * PAD + 4.0).max(ROW_MIN), cells }
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Capsule,
    Rect,
    Diamond,
}

impl Shape {
    fn name(self) -> &'static str {
        match self {
            Shape::Capsule => "capsule",
            Shape::Rect => "rect",
            Shape::Diamond => "diamond",
        }
    }

    fn size(self, lane_w: f32) -> (f32, f32) {
        match self {
            Shape::Diamond => ((lane_w - 24.0).min(64.0), 42.0),
            _ => ((lane_w - 20.0).min(80.0), 30.0),
        }
    }
}

/// Where a symbol sits: page index (within the matrix), centre, size.
#[derive(Clone, Copy)]
struct Placed {
    page: usize,
    cx: f32,
    cy: f32,
    w: f32,
    h: f32,
    /// Bottom edge of the symbol's row, where turning arrows run.
    row_bottom: f32,
}

impl Placed {
    fn top(&self) -> f32 {
        self.cy - self.h / 2.0
    }
    fn bottom(&self) -> f32 {
        self.cy + self.h / 2.0
    }
}

fn shape_of(sop: &Sop, index: usize) -> Shape {
    let step = &sop.steps[index];
    if step.decision.is_some() {
        Shape::Diamond
    } else if index == 0 || step.ends() {
        Shape::Capsule
    } else {
        Shape::Rect
    }
}

/// Lays out and draws the matrix pages.
pub fn pages(sop: &Sop) -> Vec<Page> {
    let grid = Grid::new(sop);
    let rows: Vec<Row> = sop.steps.iter().map(|s| row(&grid, s)).collect();

    // Paginate: (page, top) of each row.
    let mut at = Vec::with_capacity(rows.len());
    let (mut page, mut y) = (0, grid.rows_top());
    for r in &rows {
        if y + r.height > grid.rows_bottom_limit() && y > grid.rows_top() {
            page += 1;
            y = grid.rows_top();
        }
        at.push((page, y));
        y += r.height;
    }
    let page_count = page + 1;
    let mut page_bottom = vec![grid.rows_top(); page_count];
    for (r, (p, top)) in rows.iter().zip(&at) {
        page_bottom[*p] = top + r.height;
    }

    let lane_index = |id: &str| sop.lanes.iter().position(|l| l.id == id).unwrap_or(0);
    let placed: Vec<Placed> = sop
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let lane = lane_index(&s.lane);
            let (w, h) = shape_of(sop, i).size(grid.column(Column::Lane(lane)).1);
            let (page, top) = at[i];
            Placed {
                page,
                cx: grid.lane_center(lane),
                cy: top + rows[i].height / 2.0,
                w,
                h,
                row_bottom: top + rows[i].height,
            }
        })
        .collect();

    let mut drawings: Vec<String> = (0..page_count).map(|_| String::new()).collect();
    let mut connector = 0u8;

    for (i, step) in sop.steps.iter().enumerate() {
        let src = placed[i];
        let lane = lane_index(&step.lane);
        let out = &mut drawings[src.page];
        draw_symbol(out, step, shape_of(sop, i), src, &sop.lanes[lane].id);
        // A joint step ("Pemohon & Staf UK"): the same symbol in each of its
        // lanes, tied to the first by a plain line.
        for partner in &step.partners {
            let other = lane_index(partner);
            let twin = Placed { cx: grid.lane_center(other), ..src };
            draw_symbol(out, step, shape_of(sop, i), twin, partner);
            let dir = side_dir(src, twin.cx);
            let _ = writeln!(
                out,
                "<path class=\"joint\" data-step=\"{}\" d=\"M{},{} H{}\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.2\"/>",
                step.no,
                src.cx + dir * src.w / 2.0,
                src.cy,
                twin.cx - dir * twin.w / 2.0
            );
        }

        let mut branches: Vec<(Option<String>, Target)> = match &step.decision {
            Some(d) => vec![(Some(d.ya_label.clone()), d.ya), (Some(d.tidak_label.clone()), d.tidak)],
            None => step.next.iter().map(|t| (None, *t)).collect(),
        };
        if let (Some(rounds), Some(exhausted)) = (step.max_rounds, step.exhausted) {
            branches.push((Some(format!("setelah {rounds} putaran")), exhausted));
        }
        let side_branch = if step.decision.is_some() { 1 } else { branches.len() - 1 };
        for (branch_index, (label, target)) in branches.into_iter().enumerate() {
            let label = label.as_deref();
            let branch = match branch_index {
                0 => "ya",
                1 if step.decision.is_some() => "tidak",
                _ if label.is_some() => "putaran-habis",
                _ => "paralel",
            };
            match target {
                Target::Step(n) => {
                    let Some(j) = sop.step_index(n) else { continue };
                    let dst = placed[j];
                    // A decision's second exit (and the exit taken when the
                    // rounds run out) leaves from the side so the branches
                    // are told apart.
                    let side = label.is_some() && branch_index >= side_branch;
                    if dst.page == src.page {
                        let d = arrow_path(&grid, src, dst, side, lane_index(&sop.steps[j].lane));
                        arrow(&mut drawings[src.page], &d, step.no, n);
                    } else {
                        connector += 1;
                        let mark = char::from(b'A' + (connector - 1) % 26).to_string();
                        // Leave towards the page's bottom band, from the side
                        // exit if this is a decision's second branch.
                        let (sx, sy) = exit_point(src, side, dst.cx);
                        let x = if side { sx + side_dir(src, dst.cx) * 18.0 } else { sx };
                        let band = page_bottom[src.page] + 4.0;
                        arrow(&mut drawings[src.page], &format!("M{sx},{sy} H{x} V{band}"), step.no, n);
                        draw_connector(&mut drawings[src.page], x, band, &mark, "out", dst.page + 2);
                        let top_band = grid.rows_top() - BAND + 4.0;
                        draw_connector(&mut drawings[dst.page], dst.cx, top_band, &mark, "in", src.page + 2);
                        let d = format!("M{},{} V{}", dst.cx, top_band + CONNECTOR, dst.top());
                        arrow(&mut drawings[dst.page], &d, step.no, n);
                    }
                    if let Some(label) = label {
                        branch_label(&mut drawings[src.page], src, side, dst.cx, label, step.no, branch);
                    }
                }
                Target::End | Target::Rejected => {
                    // Only a decision needs a separate end symbol: any other
                    // step that ends the procedure is itself drawn as a capsule.
                    let Some(label) = label else { continue };
                    let word = if target == Target::Rejected { "Ditolak" } else { "Selesai" };
                    let beside = if lane > 0 { lane - 1 } else { lane + 1 };
                    let tx = if beside < sop.lanes.len() { grid.lane_center(beside) } else { src.cx + 90.0 };
                    let term = Placed { w: 60.0, h: 24.0, cx: tx, ..src };
                    let out = &mut drawings[src.page];
                    let _ = writeln!(
                        out,
                        "<g class=\"terminator\" data-from-step=\"{}\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"{}\" fill=\"#fff\" stroke=\"#000\"/>{}</g>",
                        step.no,
                        term.cx - term.w / 2.0,
                        term.top(),
                        term.w,
                        term.h,
                        term.h / 2.0,
                        block(&[word.to_string()], term.cx, term.cy + FONT * 0.35, FONT, "middle", "")
                    );
                    let side_dir = side_dir(src, tx);
                    let sx = src.cx + side_dir * src.w / 2.0;
                    let ex = term.cx - side_dir * term.w / 2.0;
                    arrow(out, &format!("M{sx},{} H{ex}", src.cy), step.no, 0);
                    branch_label(out, src, true, tx, label, step.no, branch);
                }
            }
        }
    }

    let total = page_count + 1;
    (0..page_count)
        .map(|p| {
            let mut svg = String::new();
            let _ = writeln!(
                svg,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"sop-matrix\" data-page=\"{}\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" font-family=\"Arial, 'Liberation Sans', Helvetica, sans-serif\">",
                p + 2,
                w = grid.width,
                h = grid.height,
            );
            let _ = write!(
                svg,
                "<defs><marker id=\"arrowhead-{p}\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\" fill=\"#000\"/></marker></defs>\n<rect width=\"{}\" height=\"{}\" fill=\"#fff\"/>\n",
                grid.width, grid.height
            );
            page_title(&mut svg, sop, &grid, p + 2, total);
            header(&mut svg, sop, &grid);
            let rows_on_page: Vec<usize> = (0..rows.len()).filter(|&i| at[i].0 == p).collect();
            let bottom = page_bottom[p] + BAND;
            table_lines(&mut svg, &grid, &rows_on_page, &at, &rows, bottom);
            for &i in &rows_on_page {
                row_text(&mut svg, &grid, &rows[i], at[i].1);
            }
            svg.push_str(&drawings[p].replace("url(#arrowhead)", &format!("url(#arrowhead-{p})")));
            svg.push_str("</svg>\n");
            Page { width: grid.width, height: grid.height, svg }
        })
        .collect()
}

const CONNECTOR: f32 = 22.0;

fn side_dir(src: Placed, toward_x: f32) -> f32 {
    if toward_x < src.cx { -1.0 } else { 1.0 }
}

/// Where an arrow leaves `src`: the bottom, or the side facing `toward_x`.
fn exit_point(src: Placed, side: bool, toward_x: f32) -> (f32, f32) {
    if side { (src.cx + side_dir(src, toward_x) * src.w / 2.0, src.cy) } else { (src.cx, src.bottom()) }
}

fn arrow_path(grid: &Grid, src: Placed, dst: Placed, side: bool, dst_lane: usize) -> String {
    if dst.cy < src.cy {
        // Back to an earlier row (a returned draft): round the right edge of
        // the target lane.
        let (x, w) = grid.column(Column::Lane(dst_lane));
        let gutter = x + w - 6.0;
        return format!(
            "M{},{} H{gutter} V{} H{}",
            src.cx + src.w / 2.0,
            src.cy,
            dst.cy,
            dst.cx + dst.w / 2.0
        );
    }
    if side {
        let (sx, sy) = exit_point(src, true, dst.cx);
        return format!("M{sx},{sy} H{} V{}", dst.cx, dst.top());
    }
    if (src.cx - dst.cx).abs() < 0.5 {
        format!("M{},{} V{}", src.cx, src.bottom(), dst.top())
    } else {
        format!("M{},{} V{} H{} V{}", src.cx, src.bottom(), src.row_bottom, dst.cx, dst.top())
    }
}

fn arrow(out: &mut String, d: &str, from: u32, to: u32) {
    let _ = writeln!(
        out,
        "<path class=\"arrow\" data-from=\"{from}\" data-to=\"{to}\" d=\"{d}\" fill=\"none\" stroke=\"#000\" stroke-width=\"1.2\" marker-end=\"url(#arrowhead)\"/>"
    );
}

fn branch_label(
    out: &mut String,
    src: Placed,
    side: bool,
    toward_x: f32,
    label: &str,
    step: u32,
    branch: &str,
) {
    let (x, y, anchor) = if side {
        let dir = side_dir(src, toward_x);
        // The way out of a bounded loop is labelled above its symbol, clear
        // of the end capsule it often leads to.
        let y = if branch == "putaran-habis" { src.top() - 3.0 } else { src.cy - 4.0 };
        (src.cx + dir * (src.w / 2.0 + 4.0), y, if dir < 0.0 { "end" } else { "start" })
    } else {
        (src.cx + 5.0, src.bottom() + FONT + 2.0, "start")
    };
    let _ = writeln!(
        out,
        "{}",
        block(
            &[label.to_string()],
            x,
            y,
            FONT,
            anchor,
            &format!(
                " class=\"branch-label\" data-step=\"{step}\" data-branch=\"{branch}\" font-style=\"italic\""
            )
        )
    );
}

fn draw_symbol(out: &mut String, step: &Step, shape: Shape, at: Placed, lane: &str) {
    let _ = write!(
        out,
        "<g class=\"symbol\" data-step=\"{}\" data-lane=\"{lane}\" data-shape=\"{}\">",
        step.no,
        shape.name()
    );
    let (x, y) = (at.cx - at.w / 2.0, at.top());
    match shape {
        Shape::Diamond => {
            let _ = write!(
                out,
                "<polygon points=\"{},{} {},{} {},{} {},{}\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.2\"/>",
                at.cx,
                y,
                at.cx + at.w / 2.0,
                at.cy,
                at.cx,
                at.bottom(),
                x,
                at.cy
            );
        }
        Shape::Rect | Shape::Capsule => {
            let rx = if shape == Shape::Capsule { at.h / 2.0 } else { 0.0 };
            let _ = write!(
                out,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{}\" height=\"{}\" rx=\"{rx}\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.2\"/>",
                at.w, at.h
            );
            if shape == Shape::Capsule {
                let word = if step.ends() { "Selesai" } else { "Mulai" };
                out.push_str(&block(&[word.to_string()], at.cx, at.cy + FONT * 0.35, FONT, "middle", ""));
            }
        }
    }
    out.push_str("</g>\n");
}

/// The pentagon off-page connector, pointing down, top edge at `y`.
fn draw_connector(out: &mut String, cx: f32, y: f32, mark: &str, direction: &str, other_page: usize) {
    let half = CONNECTOR / 2.0;
    let _ = writeln!(
        out,
        "<g class=\"connector\" data-mark=\"{mark}\" data-direction=\"{direction}\"><title>{} halaman {other_page}</title><polygon points=\"{},{y} {},{y} {},{} {cx},{} {},{}\" fill=\"#fff\" stroke=\"#000\" stroke-width=\"1.2\"/>{}</g>",
        if direction == "out" { "Bersambung ke" } else { "Sambungan dari" },
        cx - half,
        cx + half,
        cx + half,
        y + CONNECTOR * 0.6,
        y + CONNECTOR,
        cx - half,
        y + CONNECTOR * 0.6,
        block(&[mark.to_string()], cx, y + CONNECTOR * 0.5, FONT, "middle", " font-weight=\"bold\"")
    );
}

fn page_title(out: &mut String, sop: &Sop, grid: &Grid, page: usize, total: usize) {
    let title = match &sop.identity.judul_prosedur {
        Some(p) => format!("{} — {}", sop.identity.nama.value, p),
        None => sop.identity.nama.value.clone(),
    };
    let _ = writeln!(
        out,
        "{}{}",
        block(&[title.to_uppercase()], MARGIN, MARGIN + 14.0, 12.0, "start", " font-weight=\"bold\""),
        block(
            &[format!("Nomor {} · Halaman {page} dari {total}", sop.identity.nomor.value)],
            grid.width - MARGIN,
            MARGIN + 14.0,
            FONT,
            "end",
            ""
        )
    );
}

fn header(out: &mut String, sop: &Sop, grid: &Grid) {
    let top = MARGIN + TITLE_H;
    let full = grid.header_h;
    let cell = |out: &mut String, x: f32, y: f32, w: f32, h: f32, lines: &[String], extra: &str| {
        let _ = write!(
            out,
            "<rect{extra} x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"#e8e8e8\" stroke=\"#000\"/>"
        );
        let text_h = lines.len() as f32 * FONT * LINE;
        let first = y + (h - text_h) / 2.0 + FONT;
        out.push_str(&block(lines, x + w / 2.0, first, FONT, "middle", " font-weight=\"bold\""));
        out.push('\n');
    };
    let one = |s: &str| vec![s.to_string()];
    let (x, w) = grid.column(Column::No);
    cell(out, x, top, w, full, &one("No"), "");
    let (x, w) = grid.column(Column::Activity);
    cell(out, x, top, w, full, &one("Kegiatan"), "");
    let (lanes_x, _) = grid.column(Column::Lane(0));
    let (last_x, last_w) = grid.column(Column::Lane(sop.lanes.len() - 1));
    cell(out, lanes_x, top, last_x + last_w - lanes_x, GROUP_H, &one("Pelaksana"), "");
    for (i, lane) in sop.lanes.iter().enumerate() {
        let (x, w) = grid.column(Column::Lane(i));
        let lines = wrap(&lane.name, FONT, w - 2.0 * PAD);
        cell(
            out,
            x,
            top + GROUP_H,
            w,
            full - GROUP_H,
            &lines,
            &format!(" class=\"lane-column\" data-lane=\"{}\"", escape(&lane.id)),
        );
    }
    let (req_x, _) = grid.column(Column::Requirements);
    let (out_x, out_w) = grid.column(Column::Output);
    cell(out, req_x, top, out_x + out_w - req_x, GROUP_H, &one("Mutu Baku"), "");
    for (c, label) in
        [(Column::Requirements, "Kelengkapan"), (Column::Time, "Waktu"), (Column::Output, "Output")]
    {
        let (x, w) = grid.column(c);
        cell(out, x, top + GROUP_H, w, full - GROUP_H, &one(label), "");
    }
    let (x, w) = grid.column(Column::Remarks);
    cell(out, x, top, w, full, &one("Keterangan"), "");
}

fn table_lines(
    out: &mut String,
    grid: &Grid,
    rows_on_page: &[usize],
    at: &[(usize, f32)],
    rows: &[Row],
    bottom: f32,
) {
    let top = MARGIN + TITLE_H + grid.header_h;
    let left = MARGIN;
    let right = grid.width - MARGIN;
    let _ = writeln!(out, "<g class=\"grid\" stroke=\"#000\" stroke-width=\"0.8\" fill=\"none\">");
    let _ = writeln!(
        out,
        "<rect x=\"{left}\" y=\"{top}\" width=\"{}\" height=\"{}\"/>",
        right - left,
        bottom - top
    );
    for (_, x, _) in grid.columns.iter().skip(1) {
        let _ = writeln!(out, "<path d=\"M{x},{top} V{bottom}\"/>");
    }
    for &i in rows_on_page {
        let y = at[i].1 + rows[i].height;
        let _ = writeln!(out, "<path d=\"M{left},{y} H{right}\" stroke-dasharray=\"2 3\" stroke=\"#888\"/>");
    }
    let _ = writeln!(out, "</g>");
}

fn row_text(out: &mut String, grid: &Grid, row: &Row, top: f32) {
    for (column, lines) in &row.cells {
        let (x, w) = grid.column(*column);
        let (tx, anchor) = match column {
            Column::No | Column::Time => (x + w / 2.0, "middle"),
            _ => (x + PAD, "start"),
        };
        out.push_str(&block(lines, tx, top + PAD + FONT, FONT, anchor, ""));
        out.push('\n');
    }
}
