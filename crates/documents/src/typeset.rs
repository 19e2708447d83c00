//! Setting running text: breaking paragraphs into lines that fit a width,
//! justifying them, and flowing them over as many A4 pages as they need.

use crate::font::{FontStyle, fonts};
use crate::pdf::{PAGE_HEIGHT, Page};

/// Breaks `text` into lines no wider than `width` (a word longer than the
/// width gets a line of its own). Explicit newlines are kept.
pub fn wrap(text: &str, style: FontStyle, size: f32, width: f32) -> Vec<String> {
    let font = fonts().get(style);
    let mut lines = Vec::new();
    for raw in text.split('\n') {
        let mut line = String::new();
        for word in raw.split_whitespace() {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if font.width(&candidate, size) <= width || line.is_empty() {
                line = candidate;
            } else {
                lines.push(std::mem::replace(&mut line, word.to_string()));
            }
        }
        lines.push(line);
    }
    lines
}

/// A column of text running down pages: the current page, the position on
/// it, and the margins a new page starts with.
pub struct Flow {
    pub pages: Vec<Page>,
    pub y: f32,
    pub left: f32,
    pub width: f32,
    top: f32,
    bottom: f32,
}

impl Flow {
    pub fn new(left: f32, width: f32, top: f32, bottom: f32) -> Flow {
        Flow { pages: vec![Page::default()], y: top, left, width, top, bottom }
    }

    pub fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("a flow has a page")
    }

    /// Makes room for `height` points, starting a new page when this one is full.
    pub fn ensure(&mut self, height: f32) {
        if self.y + height > PAGE_HEIGHT - self.bottom {
            self.pages.push(Page::default());
            self.y = self.top;
        }
    }

    /// One line of text at `x` offset from the left margin, advancing by `leading`.
    pub fn line(&mut self, dx: f32, style: FontStyle, size: f32, leading: f32, text: &str) {
        self.ensure(leading);
        self.y += leading;
        let (x, y) = (self.left + dx, self.y);
        self.page().text(x, y, style, size, text);
    }

    /// A justified paragraph whose first line is indented by `indent`.
    pub fn paragraph(&mut self, text: &str, style: FontStyle, size: f32, leading: f32, indent: f32) {
        let font = fonts().get(style);
        let first = wrap(text, style, size, self.width - indent);
        // Re-wrap what follows the first line at the full width.
        let mut lines = Vec::new();
        if let Some((head, _)) = first.split_first() {
            lines.push((indent, head.clone()));
            let rest: Vec<&str> = text.split_whitespace().skip(head.split_whitespace().count()).collect();
            if !rest.is_empty() {
                for l in wrap(&rest.join(" "), style, size, self.width) {
                    lines.push((0.0, l));
                }
            }
        }
        let count = lines.len();
        for (i, (dx, line)) in lines.into_iter().enumerate() {
            self.ensure(leading);
            self.y += leading;
            let y = self.y;
            let x = self.left + dx;
            let words: Vec<&str> = line.split(' ').collect();
            let natural = font.width(&line, size);
            let last = i + 1 == count;
            if last || words.len() < 2 {
                self.page().text(x, y, style, size, &line);
                continue;
            }
            let slack = (self.width - dx - natural) / (words.len() - 1) as f32;
            let space = font.width(" ", size);
            let mut cursor = x;
            for word in words {
                self.page().text(cursor, y, style, size, word);
                cursor += font.width(word, size) + space + slack;
            }
        }
    }

    pub fn skip(&mut self, height: f32) {
        self.y += height;
    }

    /// One row of a ruled table: each cell's text wrapped in its column
    /// (`columns` are widths from the left margin), the row as tall as its
    /// tallest cell, moved whole to a new page when it does not fit.
    pub fn table_row(
        &mut self,
        columns: &[f32],
        cells: &[String],
        style: FontStyle,
        size: f32,
        leading: f32,
    ) {
        let wrapped: Vec<Vec<String>> =
            cells.iter().zip(columns).map(|(text, w)| wrap(text, style, size, w - 6.0)).collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1) as f32 * leading + 6.0;
        self.ensure(height);
        let top = self.y;
        let mut x = self.left;
        for (lines, w) in wrapped.iter().zip(columns) {
            for (i, line) in lines.iter().enumerate() {
                self.page().text(x + 3.0, top + leading * (i + 1) as f32, style, size, line);
            }
            self.page().frame(x, top, *w, height, 0.6);
            x += w;
        }
        self.y = top + height;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_lines_fit_and_keep_every_word() {
        let text = "Bersama ini kami sampaikan bahwa akun surat elektronik yang Saudara mohon telah dibuat \
                    dan dapat digunakan mulai hari ini.";
        let lines = wrap(text, FontStyle::Regular, 12.0, 200.0);
        assert!(lines.len() > 2);
        for line in &lines {
            assert!(fonts().get(FontStyle::Regular).width(line, 12.0) <= 200.0, "{line}");
        }
        assert_eq!(lines.join(" "), text.split_whitespace().collect::<Vec<_>>().join(" "));
    }

    #[test]
    fn a_long_flow_starts_new_pages() {
        let mut flow = Flow::new(70.0, 450.0, 60.0, 60.0);
        for _ in 0..80 {
            flow.line(0.0, FontStyle::Regular, 12.0, 14.0, "baris");
        }
        assert_eq!(flow.pages.len(), 2);
    }
}
