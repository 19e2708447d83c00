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
    /// Perihal.
    pub subject: String,
    pub hops: Vec<Hop>,
}

/// One disposition: who passed the matter to whom, with what instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub from: String,
    pub to: String,
    pub instruction: String,
    /// Date and time, written out.
    pub at: String,
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
        let half = width / 2.0;
        let rows = [
            (("Surat dari", &self.sender), ("Diterima tanggal", &self.received)),
            (("Nomor surat", &self.letter_number), ("Nomor agenda", &self.agenda_number)),
            (("Tanggal surat", &self.letter_date), ("Sifat", &self.nature)),
        ];
        for ((l1, v1), (l2, v2)) in rows {
            let top = flow.y;
            let left = cell(&mut flow, 0.0, half, l1, v1, top);
            let right = cell(&mut flow, half, half, l2, v2, top);
            let bottom = left.max(right);
            flow.page().frame(MARGIN_LEFT, top, half, bottom - top, 0.6);
            flow.page().frame(MARGIN_LEFT + half, top, half, bottom - top, 0.6);
            flow.y = bottom;
        }
        let top = flow.y;
        let bottom = cell(&mut flow, 0.0, width, "Perihal", &self.subject, top);
        flow.page().frame(MARGIN_LEFT, top, width, bottom - top, 0.6);
        flow.y = bottom + 14.0;

        // The hops: No | Dari | Kepada | Instruksi / catatan | Tanggal, jam
        let columns = [22.0, 100.0, 100.0, width - 22.0 - 100.0 - 100.0 - 90.0, 90.0];
        let header = ["No", "Dari", "Kepada", "Instruksi / catatan", "Tanggal, jam"];
        let rows: Vec<[String; 5]> = self
            .hops
            .iter()
            .enumerate()
            .map(|(i, h)| {
                [(i + 1).to_string(), h.from.clone(), h.to.clone(), h.instruction.clone(), h.at.clone()]
            })
            .collect();
        flow.table_row(&columns, &header.map(String::from), FontStyle::Bold, SIZE, LEADING);
        for row in &rows {
            flow.table_row(&columns, row, FontStyle::Regular, SIZE, LEADING);
        }
        if rows.is_empty() {
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
