//! A Word document (`.docx`, WordprocessingML) as blocks: the body's
//! paragraphs and tables, each cell with its paragraphs, its span over the
//! grid, whether it continues a vertical merge, and the flowchart symbol
//! drawn in it (DrawingML preset shapes, or VML in older files). Text inside
//! drawings is the symbol's label, not the cell's text; connectors and
//! arrows are no symbol.

use roxmltree::{Document, Node};

use super::ImportError;
use super::archive::Archive;
use super::reading::Symbol;
use super::tables::{Block, Cell};

pub fn blocks(data: &[u8]) -> Result<Vec<Block>, ImportError> {
    let archive =
        Archive::open(data).ok_or_else(|| ImportError::Damaged("arsip .docx tidak terbaca".into()))?;
    let xml = archive
        .text("word/document.xml")?
        .ok_or_else(|| ImportError::Damaged("word/document.xml tidak ada".into()))?;
    let doc = parse_xml(&xml, "word/document.xml")?;
    let Some(body) = doc.descendants().find(|n| n.tag_name().name() == "body") else {
        return Err(ImportError::Damaged("isi dokumen (w:body) tidak ada".into()));
    };
    let mut out = Vec::new();
    body_blocks(body, &mut out);
    Ok(out)
}

/// Parses XML without a DTD (entity expansion is refused, not performed).
pub fn parse_xml<'x>(xml: &'x str, name: &str) -> Result<Document<'x>, ImportError> {
    let options = roxmltree::ParsingOptions { allow_dtd: false, ..roxmltree::ParsingOptions::default() };
    Document::parse_with_options(xml, options).map_err(|e| ImportError::Damaged(format!("{name}: {e}")))
}

fn name<'a>(node: &Node<'a, '_>) -> &'a str {
    node.tag_name().name()
}

fn body_blocks(node: Node, out: &mut Vec<Block>) {
    for child in node.children().filter(Node::is_element) {
        match name(&child) {
            "p" => {
                for line in paragraph_lines(child) {
                    out.push(Block::Paragraph(line));
                }
            }
            "tbl" => table(child, out),
            "sdt" | "sdtContent" | "customXml" => body_blocks(child, out),
            _ => {}
        }
    }
}

/// A `w:val` attribute, whatever its namespace prefix.
fn val<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    node.attributes().find(|a| a.name() == "val").map(|a| a.value())
}

fn table(tbl: Node, out: &mut Vec<Block>) {
    let mut rows = Vec::new();
    let mut nested = Vec::new();
    for tr in tbl.children().filter(|n| name(n) == "tr") {
        let mut row = Vec::new();
        let cells = tr.children().flat_map(|n| {
            if name(&n) == "sdt" {
                n.descendants().filter(|d| name(d) == "tc").collect::<Vec<_>>()
            } else if name(&n) == "tc" {
                vec![n]
            } else {
                Vec::new()
            }
        });
        for tc in cells {
            let props = tc.children().find(|n| name(n) == "tcPr");
            let span = props
                .and_then(|p| p.children().find(|n| name(n) == "gridSpan"))
                .and_then(|g| val(g)?.parse().ok())
                .unwrap_or(1);
            let merged = props
                .and_then(|p| p.children().find(|n| name(n) == "vMerge"))
                .is_some_and(|m| val(m) != Some("restart"));
            let mut paragraphs = Vec::new();
            for child in tc.children().filter(Node::is_element) {
                match name(&child) {
                    "p" => paragraphs.extend(paragraph_lines(child)),
                    "tbl" => {
                        // A table inside a cell: its text counts for the cell,
                        // and it is read as a table of its own too.
                        for p in child.descendants().filter(|n| name(n) == "p") {
                            paragraphs.extend(paragraph_lines(p));
                        }
                        table(child, &mut nested);
                    }
                    "sdt" => {
                        for p in child.descendants().filter(|n| name(n) == "p") {
                            paragraphs.extend(paragraph_lines(p));
                        }
                    }
                    _ => {}
                }
            }
            row.push(Cell { paragraphs, span, symbol: symbol(tc), merged });
        }
        rows.push(row);
    }
    out.push(Block::Table(rows));
    out.extend(nested);
}

/// Elements whose text belongs to a drawing, not to the paragraph.
fn is_drawing(node: &Node) -> bool {
    matches!(name(node), "drawing" | "pict" | "AlternateContent" | "txbxContent" | "object")
}

/// The paragraph's text, split at line breaks; drawings left out.
fn paragraph_lines(p: Node) -> Vec<String> {
    let mut text = String::new();
    collect_text(p, &mut text);
    text.split('\n').map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect()
}

fn collect_text(node: Node, out: &mut String) {
    for child in node.children() {
        if !child.is_element() {
            continue;
        }
        if is_drawing(&child) {
            continue;
        }
        match name(&child) {
            "t" => out.push_str(child.text().unwrap_or_default()),
            "tab" => out.push(' '),
            "br" | "cr" => out.push('\n'),
            "noBreakHyphen" => out.push('-'),
            "instrText" | "delText" => {}
            _ => collect_text(child, out),
        }
    }
}

/// Text inside a drawing (a text box in the shape).
fn drawing_text(node: Node) -> String {
    let mut parts = Vec::new();
    for t in node.descendants().filter(|n| name(n) == "t") {
        parts.push(t.text().unwrap_or_default().to_string());
    }
    parts.join(" ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What a preset geometry (DrawingML `prst`) draws; `None` for lines,
/// connectors and arrows, which are no symbol.
fn preset(prst: &str) -> Option<Symbol> {
    let symbol = match prst {
        "flowChartDecision" | "diamond" => Symbol::Decision,
        "flowChartTerminator" | "roundRect" | "flowChartAlternateProcess" => Symbol::Terminal,
        "flowChartProcess" | "rect" | "flowChartPredefinedProcess" | "flowChartDocument" => Symbol::Activity,
        p if p.contains("Connector") || p.contains("Arrow") || p == "line" || p == "homePlate" => {
            return None;
        }
        _ => Symbol::Other,
    };
    Some(symbol)
}

/// What a VML shape draws.
fn vml(node: Node) -> Option<Symbol> {
    match name(&node) {
        "rect" => Some(Symbol::Activity),
        "roundrect" | "oval" => Some(Symbol::Terminal),
        "line" | "polyline" | "curve" => None,
        "shape" => {
            if node.attributes().any(|a| a.name() == "connectortype") {
                return None;
            }
            let kind = node.attributes().find(|a| a.name() == "type").map(|a| a.value()).unwrap_or_default();
            let code = kind.trim_start_matches('#').trim_start_matches("_x0000_t");
            match code {
                "109" | "1" => Some(Symbol::Activity),
                "110" | "4" => Some(Symbol::Decision),
                "116" | "176" => Some(Symbol::Terminal),
                "202" | "32" | "33" | "34" | "38" | "20" => None,
                _ => Some(Symbol::Other),
            }
        }
        _ => None,
    }
}

/// Ya/Tidak labels are text boxes beside the arrows, not symbols.
fn is_branch_label(text: &str) -> bool {
    matches!(text.to_lowercase().as_str(), "ya" | "tidak" | "y" | "t" | "tdk")
}

/// The strongest symbol drawn in the cell (a decision over an end over an
/// activity), with its label.
fn symbol(tc: Node) -> Option<(Symbol, String)> {
    let mut found: Vec<(Symbol, String)> = Vec::new();
    for shape in tc.descendants().filter(|n| matches!(name(n), "wsp" | "sp")) {
        // Inside mc:Fallback a shape is the same one again, drawn in VML.
        if shape.ancestors().any(|a| name(&a) == "Fallback") {
            continue;
        }
        if shape.descendants().any(|n| name(&n) == "cNvCnPr")
            || shape.descendants().any(|n| {
                name(&n) == "cNvSpPr" && n.attributes().any(|a| a.name() == "txBox" && a.value() == "1")
            })
        {
            continue;
        }
        let geometry = shape
            .descendants()
            .find(|n| name(n) == "prstGeom")
            .and_then(|g| g.attribute("prst"))
            .map_or(Some(Symbol::Other), preset);
        let text = drawing_text(shape);
        if let Some(symbol) = geometry
            && !is_branch_label(&text)
        {
            found.push((symbol, text));
        }
    }
    let drawingml = !found.is_empty();
    if !drawingml {
        for shape in
            tc.descendants().filter(|n| n.tag_name().namespace() == Some("urn:schemas-microsoft-com:vml"))
        {
            if shape.ancestors().skip(1).any(|a| {
                a.tag_name().namespace() == Some("urn:schemas-microsoft-com:vml") && name(&a) != "group"
            }) {
                continue;
            }
            let text = drawing_text(shape);
            if let Some(symbol) = vml(shape)
                && !is_branch_label(&text)
            {
                found.push((symbol, text));
            }
        }
    }
    found.into_iter().max_by_key(|(s, _)| s.rank())
}
