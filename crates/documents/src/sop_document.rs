//! The SOP document (identity page and flowchart matrix) as PDF: each page
//! Sopir draws as SVG is replayed into PDF operators. Only the small SVG
//! vocabulary Sopir's own renderer writes is understood — rectangles
//! (rounded too), polygons, paths of straight segments with arrowheads,
//! dashed lines, and text with lines — so the PDF is the same drawing as
//! the page on screen, with text that can be searched and copied.

use std::fmt::Write as _;

use roxmltree::Node;

use crate::font::{FontStyle, fonts};
use crate::pdf::{self, PAGE_HEIGHT, PAGE_WIDTH, Page};

/// The SOP's official document as PDF, each page scaled to A4 landscape.
pub fn to_pdf(sop: &sop::Sop, agency: Option<&sop::Agency>) -> Vec<u8> {
    write(sop, agency, None)
}

/// The document with a signature slot, for the head to sign at its
/// ratification (pengesahan) as letters are signed.
pub fn to_pdf_for_signing(
    sop: &sop::Sop,
    agency: Option<&sop::Agency>,
    slot: &pdf::SignatureSlot,
) -> Vec<u8> {
    write(sop, agency, Some(slot))
}

fn write(sop: &sop::Sop, agency: Option<&sop::Agency>, slot: Option<&pdf::SignatureSlot>) -> Vec<u8> {
    let title = format!("{} — {}", sop.identity.nama.value, sop.identity.nomor.value);
    let mut out = Vec::new();
    for p in sop::render::pages(sop, agency) {
        let doc = roxmltree::Document::parse(&p.svg).expect("the sop renderer writes well-formed SVG");
        let (w, h) = (PAGE_HEIGHT, PAGE_WIDTH);
        let scale = (w / p.width).min(h / p.height);
        let mut page = Page::default();
        page.size = (w, h);
        // Flip to SVG's top-down axis once; every element is then drawn in SVG units.
        page.raw(&format!("q {scale:.5} 0 0 {:.5} 0 {h:.2} cm", -scale));
        let mut painter = Painter { page: &mut page, ops: String::new() };
        painter.walk(doc.root_element(), Style::default());
        painter.flush();
        page.raw("Q");
        out.push(page);
    }
    pdf::write(&title, &out, &[], slot)
}

/// The presentation attributes an element inherits from its group.
#[derive(Clone)]
struct Style {
    fill: Option<[f32; 3]>,
    stroke: Option<[f32; 3]>,
    stroke_width: f32,
    dash: Option<String>,
}

impl Default for Style {
    fn default() -> Self {
        Style { fill: Some([0.0; 3]), stroke: None, stroke_width: 1.0, dash: None }
    }
}

impl Style {
    fn of(&self, node: Node) -> Style {
        let mut s = self.clone();
        if let Some(f) = node.attribute("fill") {
            s.fill = colour(f);
        }
        if let Some(f) = node.attribute("stroke") {
            s.stroke = colour(f);
        }
        if let Some(w) = node.attribute("stroke-width").and_then(|w| w.parse().ok()) {
            s.stroke_width = w;
        }
        if let Some(d) = node.attribute("stroke-dasharray") {
            s.dash = Some(d.replace(',', " "));
        }
        s
    }
}

fn colour(value: &str) -> Option<[f32; 3]> {
    let hex = value.strip_prefix('#')?;
    let digits: Vec<u8> = hex.chars().filter_map(|c| c.to_digit(16).map(|d| d as u8)).collect();
    let [r, g, b] = match digits.as_slice() {
        [r, g, b] => [r * 17, g * 17, b * 17],
        [r1, r2, g1, g2, b1, b2] => [r1 * 16 + r2, g1 * 16 + g2, b1 * 16 + b2],
        _ => return None,
    };
    Some([r, g, b].map(|c| f32::from(c) / 255.0))
}

fn number(node: Node, name: &str) -> f32 {
    node.attribute(name).and_then(|v| v.parse().ok()).unwrap_or(0.0)
}

struct Painter<'p> {
    page: &'p mut Page,
    ops: String,
}

impl Painter<'_> {
    fn flush(&mut self) {
        if !self.ops.is_empty() {
            let ops = std::mem::take(&mut self.ops);
            self.page.raw(&ops);
        }
    }

    fn walk(&mut self, node: Node, inherited: Style) {
        let style = inherited.of(node);
        match node.tag_name().name() {
            "defs" | "title" | "marker" => return,
            "rect" => self.rect(node, &style),
            "polygon" => self.polygon(node, &style),
            "path" => self.path(node, &style),
            "text" => {
                self.text(node, &style);
                return;
            }
            _ => {}
        }
        for child in node.children().filter(Node::is_element) {
            self.walk(child, style.clone());
        }
    }

    /// Sets colours and line style, then paints the current path.
    fn paint(&mut self, style: &Style) {
        let mut ops = String::from("q ");
        if let Some([r, g, b]) = style.fill {
            let _ = write!(ops, "{r:.3} {g:.3} {b:.3} rg ");
        }
        if let Some([r, g, b]) = style.stroke {
            let _ = write!(ops, "{r:.3} {g:.3} {b:.3} RG {:.2} w ", style.stroke_width);
        }
        if let Some(d) = &style.dash {
            let _ = write!(ops, "[{d}] 0 d ");
        }
        let op = match (style.fill.is_some(), style.stroke.is_some()) {
            (true, true) => "B",
            (true, false) => "f",
            (false, true) => "S",
            (false, false) => "n",
        };
        let path = std::mem::take(&mut self.ops);
        self.ops = format!("{ops}{path}{op} Q\n");
        self.flush();
    }

    fn rect(&mut self, node: Node, style: &Style) {
        let (x, y, w, h) =
            (number(node, "x"), number(node, "y"), number(node, "width"), number(node, "height"));
        let r = number(node, "rx").min(w / 2.0).min(h / 2.0);
        if r <= 0.0 {
            let _ = write!(self.ops, "{x:.2} {y:.2} {w:.2} {h:.2} re ");
        } else {
            // A quarter circle as one Bézier curve (κ ≈ 0.5523).
            let k = r * 0.5523;
            let (x2, y2) = (x + w, y + h);
            let _ = write!(
                self.ops,
                "{:.2} {y:.2} m {:.2} {y:.2} l {:.2} {y:.2} {x2:.2} {:.2} {x2:.2} {:.2} c {x2:.2} {:.2} l \
                 {x2:.2} {:.2} {:.2} {y2:.2} {:.2} {y2:.2} c {:.2} {y2:.2} l {:.2} {y2:.2} {x:.2} {:.2} {x:.2} {:.2} c \
                 {x:.2} {:.2} l {x:.2} {:.2} {:.2} {y:.2} {:.2} {y:.2} c h ",
                x + r,
                x2 - r,
                x2 - r + k,
                y + r - k,
                y + r,
                y2 - r,
                y2 - r + k,
                x2 - r + k,
                x2 - r,
                x + r,
                x + r - k,
                y2 - r + k,
                y2 - r,
                y + r,
                y + r - k,
                x + r - k,
                x + r,
            );
        }
        self.paint(style);
    }

    fn polygon(&mut self, node: Node, style: &Style) {
        let points: Vec<f32> = node
            .attribute("points")
            .unwrap_or_default()
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter_map(|v| v.parse().ok())
            .collect();
        for (i, pair) in points.chunks_exact(2).enumerate() {
            let _ = write!(self.ops, "{:.2} {:.2} {} ", pair[0], pair[1], if i == 0 { "m" } else { "l" });
        }
        self.ops.push_str("h ");
        self.paint(style);
    }

    /// Straight segments (M, L, H, V, Z), with an arrowhead at the end when
    /// the path asks for a marker.
    fn path(&mut self, node: Node, style: &Style) {
        let d = node.attribute("d").unwrap_or_default();
        let mut tokens = Vec::new();
        let mut current = String::new();
        for c in d.chars() {
            if c.is_ascii_alphabetic() {
                if !current.trim().is_empty() {
                    tokens.push(current.clone());
                }
                current = c.to_string();
            } else {
                current.push(c);
            }
        }
        if !current.trim().is_empty() {
            tokens.push(current);
        }
        let (mut x, mut y, mut prev) = (0.0f32, 0.0f32, (0.0f32, 0.0f32));
        for token in tokens {
            let (cmd, args) = token.split_at(1);
            let values: Vec<f32> =
                args.split(|c: char| c == ',' || c.is_whitespace()).filter_map(|v| v.parse().ok()).collect();
            prev = (x, y);
            match (cmd, values.as_slice()) {
                ("M", [nx, ny, ..]) => {
                    (x, y) = (*nx, *ny);
                    let _ = write!(self.ops, "{x:.2} {y:.2} m ");
                }
                ("L", [nx, ny, ..]) => {
                    (x, y) = (*nx, *ny);
                    let _ = write!(self.ops, "{x:.2} {y:.2} l ");
                }
                ("H", [nx, ..]) => {
                    x = *nx;
                    let _ = write!(self.ops, "{x:.2} {y:.2} l ");
                }
                ("V", [ny, ..]) => {
                    y = *ny;
                    let _ = write!(self.ops, "{x:.2} {y:.2} l ");
                }
                ("Z" | "z", _) => self.ops.push_str("h "),
                _ => {}
            }
        }
        self.paint(&Style { fill: None, ..style.clone() });
        if node.attribute("marker-end").is_some() {
            let (dx, dy) = (x - prev.0, y - prev.1);
            let len = (dx * dx + dy * dy).sqrt().max(0.001);
            let (ux, uy) = (dx / len, dy / len);
            let (size, half) = (7.0, 3.5);
            let (bx, by) = (x - ux * size, y - uy * size);
            let _ = write!(
                self.ops,
                "{x:.2} {y:.2} m {:.2} {:.2} l {:.2} {:.2} l h ",
                bx - uy * half,
                by + ux * half,
                bx + uy * half,
                by - ux * half
            );
            self.paint(&Style { fill: Some([0.0; 3]), stroke: None, ..style.clone() });
        }
    }

    fn text(&mut self, node: Node, style: &Style) {
        let size = node.attribute("font-size").and_then(|v| v.parse().ok()).unwrap_or(10.0);
        let weight =
            if node.attribute("font-weight") == Some("bold") { FontStyle::Bold } else { FontStyle::Regular };
        let anchor = node.attribute("text-anchor").unwrap_or("start");
        let (x0, mut y) = (number(node, "x"), number(node, "y"));
        let mut lines: Vec<(f32, f32, String)> = Vec::new();
        let spans: Vec<Node> = node.children().filter(|c| c.has_tag_name("tspan")).collect();
        if spans.is_empty() {
            lines.push((x0, y, node.text().unwrap_or_default().to_string()));
        } else {
            for span in &spans {
                y += span.attribute("dy").and_then(|v| v.parse::<f32>().ok()).unwrap_or(0.0);
                let x = span.attribute("x").and_then(|v| v.parse().ok()).unwrap_or(x0);
                lines.push((x, y, span.text().unwrap_or_default().to_string()));
            }
        }
        let [r, g, b] = style.fill.unwrap_or([0.0; 3]);
        self.page.raw(&format!("q {r:.3} {g:.3} {b:.3} rg"));
        for (x, y, text) in lines {
            let width = fonts().get(weight).width(&text, size);
            let x = match anchor {
                "middle" => x - width / 2.0,
                "end" => x - width,
                _ => x,
            };
            self.page.text_flipped(x, y, weight, size, &text);
        }
        self.page.raw("Q");
    }
}
