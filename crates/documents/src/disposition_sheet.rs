//! The lembar disposisi: the incoming letter's particulars and every hop
//! of its disposition down the hierarchy, as one printable sheet.

use crate::font::{FontStyle, fonts};
use crate::letterhead::{Letterhead, MARGIN_LEFT, MARGIN_RIGHT};
use crate::pdf::{self, PAGE_WIDTH};
use crate::typeset::{Flow, wrap};

#[derive(Debug, Clone)]
pub struct DispositionSheet {
    pub letterhead: Letterhead,
    /// Surat dari.
    pub sender: String,
    pub letter_number: String,
    pub letter_date: String,
    /// Diterima tanggal.
    pub received: String,
    pub agenda_number: String,
    /// Sifat.
    pub nature: String,
    /// Hal (Permendagri 83/2022 writes "Hal", as the letter does).
    pub subject: String,
    /// The agency's instruction boxes, each printed with a tick or not.
    pub boxes: Vec<String>,
    pub hops: Vec<Hop>,
}

/// One disposition: who passed the matter to whom, with what instruction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Hop {
    pub from: String,
    /// Diteruskan kepada.
    pub to: String,
    /// The catatan written under the boxes.
    pub instruction: String,
    /// Date and time, written out.
    pub at: String,
    /// The boxes ticked, as the sheet's `boxes` word them.
    pub ticked: Vec<String>,
    /// Sifat, written out.
    pub nature: String,
    /// Batas waktu, written out; empty: none.
    pub due: String,
    /// Who initialled it (paraf).
    pub paraf: String,
}

const SIZE: f32 = 10.5;
const LEADING: f32 = 13.0;

impl DispositionSheet {
    pub fn to_pdf(&self) -> Vec<u8> {
        let width = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
        let mut flow = Flow::new(MARGIN_LEFT, width, 60.0, 60.0);
        flow.y = self.letterhead.draw(flow.page());
        let title = "LEMBAR DISPOSISI";
        let title_x = (width - fonts().get(FontStyle::Bold).width(title, 14.0)) / 2.0;
        flow.skip(6.0);
        flow.line(title_x, FontStyle::Bold, 14.0, 18.0, title);
        flow.skip(8.0);
        let rows = [
            (("Surat dari", self.sender.as_str()), ("Diterima tanggal", self.received.as_str())),
            (("Nomor surat", &self.letter_number), ("Nomor agenda", &self.agenda_number)),
            (("Tanggal surat", &self.letter_date), ("Sifat", &self.nature)),
        ];
        for (left, right) in rows {
            cell_pair(&mut flow, left, right);
        }
        let top = flow.y;
        let bottom = cell(&mut flow, 0.0, width, "Hal", &self.subject, top);
        flow.page().frame(MARGIN_LEFT, top, width, bottom - top, 0.6);
        flow.y = bottom + 14.0;

        for (i, hop) in self.hops.iter().enumerate() {
            self.hop(&mut flow, i + 1, hop);
        }
        if self.hops.is_empty() {
            flow.line(0.0, FontStyle::Regular, SIZE, LEADING + 4.0, "Belum ada disposisi.");
        }
        pdf::write(
            &format!("Lembar disposisi {}", self.agenda_number),
            &flow.pages,
            &self.letterhead.images(),
            None,
        )
    }
}

impl DispositionSheet {
    /// One disposition as the paper sheet has it: from and to, sifat and
    /// batas waktu, every box with its tick, the catatan, and the paraf.
    fn hop(&self, flow: &mut Flow, no: usize, hop: &Hop) {
        let width = flow.width;
        let half = width / 2.0;
        flow.ensure(LEADING * 8.0);
        flow.line(0.0, FontStyle::Bold, SIZE, LEADING, &format!("Disposisi {no}"));
        flow.skip(3.0);
        cell_pair(flow, ("Dari", &hop.from), ("Diteruskan kepada", &hop.to));
        let due = if hop.due.is_empty() { "-" } else { hop.due.as_str() };
        cell_pair(flow, ("Sifat", &hop.nature), ("Batas waktu", due));
        flow.skip(4.0);
        flow.line(4.0, FontStyle::Bold, 9.0, LEADING, "Dengan hormat harap:");
        // The boxes in two columns, ticked ones crossed.
        let rows = self.boxes.len().div_ceil(2);
        for row in 0..rows {
            flow.ensure(LEADING);
            flow.y += LEADING;
            for column in 0..2 {
                let Some(label) = self.boxes.get(row + column * rows) else { continue };
                let x = flow.left + 6.0 + column as f32 * half;
                let y = flow.y;
                flow.page().frame(x, y - 8.5, 9.0, 9.0, 0.7);
                if hop.ticked.contains(label) {
                    flow.page().line(x + 1.5, y - 7.0, x + 7.5, y - 1.0, 1.0);
                    flow.page().line(x + 1.5, y - 1.0, x + 7.5, y - 7.0, 1.0);
                }
                flow.page().text(x + 14.0, y, FontStyle::Regular, SIZE, label);
            }
        }
        flow.skip(4.0);
        let note = if hop.instruction.is_empty() { "-" } else { hop.instruction.as_str() };
        flow.line(4.0, FontStyle::Bold, 9.0, LEADING, "Catatan:");
        for line in wrap(note, FontStyle::Regular, SIZE, width - 8.0) {
            flow.line(4.0, FontStyle::Regular, SIZE, LEADING, &line);
        }
        flow.line(4.0, FontStyle::Regular, SIZE, LEADING + 2.0, &format!("Paraf: {}, {}", hop.paraf, hop.at));
        flow.skip(6.0);
        let y = flow.y;
        let left = flow.left;
        flow.page().line(left, y, left + width, y, 0.4);
        flow.skip(8.0);
    }
}

/// Two labelled cells side by side, each half the width, framed.
fn cell_pair(flow: &mut Flow, (l1, v1): (&str, &str), (l2, v2): (&str, &str)) {
    let half = flow.width / 2.0;
    let top = flow.y;
    let bottom = cell(flow, 0.0, half, l1, v1, top).max(cell(flow, half, half, l2, v2, top));
    let left = flow.left;
    flow.page().frame(left, top, half, bottom - top, 0.6);
    flow.page().frame(left + half, top, half, bottom - top, 0.6);
    flow.y = bottom;
}

/// A labelled cell at `dx` from the margin; returns its bottom edge.
fn cell(flow: &mut Flow, dx: f32, width: f32, label: &str, value: &str, top: f32) -> f32 {
    let x = flow.left + dx + 4.0;
    let mut y = top + LEADING;
    flow.page().text(x, y, FontStyle::Bold, 9.0, label);
    for line in wrap(value, FontStyle::Regular, SIZE, width - 8.0) {
        y += LEADING;
        flow.page().text(x, y, FontStyle::Regular, SIZE, &line);
    }
    y + 5.0
}
