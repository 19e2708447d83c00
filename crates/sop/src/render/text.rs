//! Text in SVG: XML escaping and line wrapping by estimated glyph widths
//! (SVG has no automatic wrapping; the widths approximate Arial/Liberation
//! Sans, the face of the paper SOPs).

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Width of `text` at font size `size`, in the same unit.
pub fn width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(|ch| match ch {
            'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' => 0.24,
            ' ' | 'f' | 't' | 'r' | '(' | ')' | '/' | '-' | 'I' => 0.32,
            'm' | 'w' => 0.82,
            'M' | 'W' => 0.9,
            'A'..='Z' => 0.68,
            '0'..='9' => 0.56,
            _ => 0.54,
        })
        .sum::<f32>()
        * size
}

/// Breaks `text` into lines no wider than `max` at font size `size`; a word
/// longer than a line is cut.
pub fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if width(&candidate, size) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        let mut rest = word.to_string();
        while width(&rest, size) > max && rest.chars().count() > 1 {
            let mut cut = rest.chars().count() - 1;
            while cut > 1 && width(&rest.chars().take(cut).collect::<String>(), size) > max {
                cut -= 1;
            }
            lines.push(rest.chars().take(cut).collect());
            rest = rest.chars().skip(cut).collect();
        }
        line = rest;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// `<text>` with one `<tspan>` per line, first baseline at `y`.
pub fn block(lines: &[String], x: f32, y: f32, size: f32, anchor: &str, extra: &str) -> String {
    let mut out = format!("<text x=\"{x}\" y=\"{y}\" font-size=\"{size}\" text-anchor=\"{anchor}\"{extra}>");
    for (i, line) in lines.iter().enumerate() {
        let dy = if i == 0 { 0.0 } else { size * LINE };
        out.push_str(&format!("<tspan x=\"{x}\" dy=\"{dy}\">{}</tspan>", escape(line)));
    }
    out.push_str("</text>");
    out
}

/// Line height as a multiple of the font size.
pub const LINE: f32 = 1.25;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_respects_the_width_and_keeps_every_word() {
        let text = "Kasi PPI SPBE menerima disposisi dari Kabid Aptika dan meneruskan";
        let lines = wrap(text, 10.0, 80.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| width(l, 10.0) <= 80.0), "{lines:?}");
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn overlong_words_are_cut() {
        let lines = wrap("Pengelolaanpengembanganinfrastruktur", 10.0, 40.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), "Pengelolaanpengembanganinfrastruktur");
    }

    #[test]
    fn markup_is_escaped() {
        assert_eq!(escape("a < b & \"c\""), "a &lt; b &amp; &quot;c&quot;");
    }
}
