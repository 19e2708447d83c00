//! An OpenDocument text (`.odt`) as blocks: the body's paragraphs and
//! tables, each cell with its paragraphs, its column span, and the
//! flowchart symbol drawn in it (`draw:custom-shape` with its enhanced
//! geometry, or a plain `draw:rect`/`draw:polygon`). Cells covered by a
//! span from the left are dropped (the span counts them); cells covered by
//! a merge from above stay, empty, so the columns below keep their place.

use roxmltree::Node;

use super::ImportError;
use super::archive::Archive;
use super::docx::parse_xml;
use super::reading::Symbol;
use super::tables::{Block, Cell};

pub fn blocks(data: &[u8]) -> Result<Vec<Block>, ImportError> {
    let archive =
        Archive::open(data).ok_or_else(|| ImportError::Damaged("arsip .odt tidak terbaca".into()))?;
    // A document saved with a password keeps its parts encrypted, as the
    // manifest says.
    if let Some(manifest) = archive.text("META-INF/manifest.xml")?
        && manifest.contains("encryption-data")
    {
        return Err(ImportError::Encrypted);
    }
    let xml =
        archive.text("content.xml")?.ok_or_else(|| ImportError::Damaged("content.xml tidak ada".into()))?;
    let doc = parse_xml(&xml, "content.xml")?;
    let Some(body) =
        doc.descendants().find(|n| name(n) == "text" && n.parent().is_some_and(|p| name(&p) == "body"))
    else {
        return Err(ImportError::Damaged("isi dokumen (office:text) tidak ada".into()));
    };
    let mut out = Vec::new();
    body_blocks(body, &mut out);
    Ok(out)
}

fn name<'a>(node: &Node<'a, '_>) -> &'a str {
    node.tag_name().name()
}

fn attr<'a>(node: Node<'a, '_>, local: &str) -> Option<&'a str> {
    node.attributes().find(|a| a.name() == local).map(|a| a.value())
}

fn body_blocks(node: Node, out: &mut Vec<Block>) {
    for child in node.children().filter(Node::is_element) {
        match name(&child) {
            "p" | "h" => {
                for line in paragraph_lines(child) {
                    out.push(Block::Paragraph(line));
                }
            }
            "list" | "list-item" | "section" => body_blocks(child, out),
            "table" => table(child, out),
            _ => {}
        }
    }
}

fn table(node: Node, out: &mut Vec<Block>) {
    let mut rows = Vec::new();
    let mut nested = Vec::new();
    let row_nodes: Vec<Node> = node
        .descendants()
        .filter(|n| {
            name(n) == "table-row" && n.ancestors().skip(1).find(|a| name(a) == "table") == Some(node)
        })
        .collect();
    for tr in row_nodes {
        let mut row: Vec<Cell> = Vec::new();
        let mut skip = 0usize;
        for cell in tr.children().filter(Node::is_element) {
            let repeat: usize =
                attr(cell, "number-columns-repeated").and_then(|r| r.parse().ok()).unwrap_or(1).min(64);
            match name(&cell) {
                "covered-table-cell" => {
                    for _ in 0..repeat {
                        if skip > 0 {
                            skip -= 1;
                        } else {
                            row.push(Cell { span: 1, merged: true, ..Cell::default() });
                        }
                    }
                }
                "table-cell" => {
                    let span: usize =
                        attr(cell, "number-columns-spanned").and_then(|s| s.parse().ok()).unwrap_or(1);
                    let mut paragraphs = Vec::new();
                    for child in cell.children().filter(Node::is_element) {
                        match name(&child) {
                            "p" | "h" => paragraphs.extend(paragraph_lines(child)),
                            "list" => {
                                for p in child.descendants().filter(|n| matches!(name(n), "p" | "h")) {
                                    paragraphs.extend(paragraph_lines(p));
                                }
                            }
                            "table" => {
                                for p in child.descendants().filter(|n| matches!(name(n), "p" | "h")) {
                                    paragraphs.extend(paragraph_lines(p));
                                }
                                table(child, &mut nested);
                            }
                            _ => {}
                        }
                    }
                    let symbol = symbol(cell);
                    for _ in 0..repeat {
                        row.push(Cell {
                            paragraphs: paragraphs.clone(),
                            span,
                            symbol: symbol.clone(),
                            merged: false,
                        });
                        skip += span - 1;
                    }
                }
                _ => {}
            }
        }
        rows.push(row);
    }
    out.push(Block::Table(rows));
    out.extend(nested);
}

fn is_drawing(node: &Node) -> bool {
    node.tag_name().namespace() == Some("urn:oasis:names:tc:opendocument:xmlns:drawing:1.0")
}

fn paragraph_lines(p: Node) -> Vec<String> {
    let mut text = String::new();
    collect_text(p, &mut text);
    text.split('\n')
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect()
}

fn collect_text(node: Node, out: &mut String) {
    for child in node.children() {
        if child.is_text() {
            out.push_str(child.text().unwrap_or_default());
            continue;
        }
        if !child.is_element() || is_drawing(&child) {
            continue;
        }
        match name(&child) {
            "s" => {
                let n: usize = attr(child, "c").and_then(|c| c.parse().ok()).unwrap_or(1).min(100);
                out.push_str(&" ".repeat(n));
            }
            "tab" => out.push(' '),
            "line-break" => out.push('\n'),
            "note" | "annotation" => {}
            _ => collect_text(child, out),
        }
    }
}

fn drawing_text(node: Node) -> String {
    let mut out = String::new();
    for p in node.descendants().filter(|n| matches!(name(n), "p" | "h")) {
        collect_text(p, &mut out);
        out.push(' ');
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What an enhanced geometry's `draw:type` draws; `None` for arrows and connectors.
fn geometry(kind: &str) -> Option<Symbol> {
    let symbol = match kind {
        "flowchart-decision" | "diamond" => Symbol::Decision,
        "flowchart-terminator" | "round-rectangle" | "flowchart-alternate-process" => Symbol::Terminal,
        "flowchart-process" | "rectangle" | "flowchart-predefined-process" | "flowchart-document" => {
            Symbol::Activity
        }
        k if k.contains("arrow") || k.contains("connector") || k == "pentagon-right" => return None,
        _ => Symbol::Other,
    };
    Some(symbol)
}

fn is_branch_label(text: &str) -> bool {
    matches!(text.to_lowercase().as_str(), "ya" | "tidak" | "y" | "t" | "tdk")
}

fn symbol(cell: Node) -> Option<(Symbol, String)> {
    let mut found = Vec::new();
    for shape in cell.descendants().filter(is_drawing) {
        let symbol = match name(&shape) {
            "custom-shape" => shape
                .children()
                .find(|n| name(n) == "enhanced-geometry")
                .and_then(|g| attr(g, "type"))
                .map_or(Some(Symbol::Other), geometry),
            "rect" => {
                Some(if attr(shape, "corner-radius").is_some() { Symbol::Terminal } else { Symbol::Activity })
            }
            "polygon" => {
                let points = attr(shape, "points").unwrap_or_default().split_whitespace().count();
                Some(if points == 4 { Symbol::Decision } else { Symbol::Other })
            }
            "ellipse" | "circle" => Some(Symbol::Other),
            _ => None,
        };
        let text = drawing_text(shape);
        if let Some(symbol) = symbol
            && !is_branch_label(&text)
        {
            found.push((symbol, text));
        }
    }
    found.into_iter().max_by_key(|(s, _)| s.rank())
}
