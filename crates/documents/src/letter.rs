//! The notification letter (surat pemberitahuan) in the layout of an
//! Indonesian official letter: letterhead, place and date, the Nomor /
//! Sifat / Lampiran / Hal block, the addressee, the body, the signature
//! block — with, once signed, a QR code and short code that open the
//! public verification page.

use crate::font::{FontStyle, fonts};
use crate::letterhead::{Letterhead, MARGIN_LEFT, MARGIN_RIGHT};
use crate::pdf::{self, PAGE_WIDTH, SignatureSlot};
use crate::qr;
use crate::typeset::Flow;

#[derive(Debug, Clone)]
pub struct Letter {
    pub letterhead: Letterhead,
    /// e.g. "Lumajang".
    pub place: String,
    /// Written out, e.g. "26 November 2026".
    pub date: String,
    pub number: String,
    /// Sifat, e.g. "Biasa".
    pub nature: String,
    /// Lampiran, e.g. "-".
    pub enclosures: String,
    /// Hal.
    pub subject: String,
    /// The addressee, one line each (the first after "Yth.").
    pub recipient: Vec<String>,
    /// Paragraphs separated by blank lines.
    pub body: String,
    pub signer_title: String,
    pub signer_name: String,
    pub signer_nip: String,
    pub copies: Vec<String>,
    pub verification: Option<Verification>,
    /// A draft carries "KONSEP" above the letter and is never signed.
    pub draft: bool,
    /// The Lampiran's files, embedded in the PDF so that they travel, and
    /// are signed, with the letter.
    pub attached: Vec<pdf::EmbeddedFile>,
}

/// Where a signed letter can be checked.
#[derive(Debug, Clone)]
pub struct Verification {
    pub url: String,
    pub code: String,
}

const SIZE: f32 = 12.0;
const LEADING: f32 = 15.0;

impl Letter {
    /// The letter as a PDF; with `slot`, ready for [`crate::Signer::sign`].
    pub fn to_pdf(&self, slot: Option<&SignatureSlot>) -> Vec<u8> {
        let width = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
        let mut flow = Flow::new(MARGIN_LEFT, width, 60.0, 60.0);
        flow.y = self.letterhead.draw(flow.page());
        if self.draft {
            flow.page().text(
                PAGE_WIDTH - MARGIN_RIGHT - 150.0,
                30.0,
                FontStyle::Bold,
                11.0,
                "KONSEP — belum ditandatangani",
            );
        }
        let regular = fonts().get(FontStyle::Regular);
        let dated = format!("{}, {}", self.place, self.date);
        let dated_x = PAGE_WIDTH - MARGIN_RIGHT - regular.width(&dated, SIZE) - MARGIN_LEFT;
        flow.skip(6.0);
        flow.line(dated_x, FontStyle::Regular, SIZE, LEADING, &dated);
        flow.skip(4.0);
        let label_width = 62.0;
        for (label, value) in [
            ("Nomor", &self.number),
            ("Sifat", &self.nature),
            ("Lampiran", &self.enclosures),
            ("Hal", &self.subject),
        ] {
            flow.line(0.0, FontStyle::Regular, SIZE, LEADING, label);
            let lines = crate::typeset::wrap(value, FontStyle::Regular, SIZE, width - label_width - 10.0);
            for (i, line) in lines.iter().enumerate() {
                let text = if i == 0 { format!(": {line}") } else { format!("  {line}") };
                let style = if label == "Hal" { FontStyle::Bold } else { FontStyle::Regular };
                flow.line(label_width, style, SIZE, if i == 0 { 0.0 } else { LEADING }, &text);
            }
        }
        flow.skip(LEADING);
        flow.line(0.0, FontStyle::Regular, SIZE, LEADING, "Yth.");
        for (i, line) in self.recipient.iter().enumerate() {
            flow.line(28.0, FontStyle::Regular, SIZE, if i == 0 { 0.0 } else { LEADING }, line);
        }
        flow.line(28.0, FontStyle::Regular, SIZE, LEADING, "di");
        flow.line(52.0, FontStyle::Regular, SIZE, LEADING, &self.place.to_uppercase());
        flow.skip(LEADING);
        for paragraph in self.body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            flow.paragraph(&paragraph.replace('\n', " "), FontStyle::Regular, SIZE, LEADING, 36.0);
            flow.skip(LEADING / 2.0);
        }
        self.signature_block(&mut flow);
        let images = self.letterhead.images();
        pdf::write_with_files(
            &format!("{} — {}", self.subject, self.number),
            &flow.pages,
            &images,
            slot,
            &self.attached,
        )
    }

    fn signature_block(&self, flow: &mut Flow) {
        let block_x = flow.width * 0.5;
        let qr_side = 72.0;
        flow.ensure(LEADING * 4.0 + qr_side + 50.0);
        flow.skip(LEADING);
        for line in crate::typeset::wrap(
            &format!("{},", self.signer_title),
            FontStyle::Regular,
            SIZE,
            flow.width - block_x,
        ) {
            flow.line(block_x, FontStyle::Regular, SIZE, LEADING, &line);
        }
        let top = flow.y + 6.0;
        if let Some(v) = &self.verification {
            let x = flow.left + block_x;
            qr::draw(flow.page(), &v.url, x, top, qr_side);
            let note_x = x + qr_side + 6.0;
            for (i, text) in
                ["Ditandatangani secara", "elektronik.", &format!("Kode: {}", v.code)].iter().enumerate()
            {
                let y = top + 22.0 + i as f32 * 11.0;
                flow.page().text(note_x, y, FontStyle::Regular, 8.5, text);
            }
        }
        flow.skip(qr_side + 8.0);
        flow.line(block_x, FontStyle::Bold, SIZE, LEADING, &self.signer_name);
        let name_width = fonts().get(FontStyle::Bold).width(&self.signer_name, SIZE);
        let (x, y) = (flow.left + block_x, flow.y + 2.0);
        flow.page().line(x, y, x + name_width, y, 0.6);
        flow.line(block_x, FontStyle::Regular, SIZE, LEADING, &format!("NIP. {}", self.signer_nip));
        if !self.copies.is_empty() {
            flow.skip(LEADING);
            flow.line(0.0, FontStyle::Regular, 10.0, LEADING, "Tembusan:");
            for (i, copy) in self.copies.iter().enumerate() {
                flow.line(0.0, FontStyle::Regular, 10.0, 12.0, &format!("{}. {copy}", i + 1));
            }
        }
        if let Some(v) = &self.verification {
            flow.skip(LEADING);
            let note = format!(
                "Dokumen ini ditandatangani secara elektronik. Keasliannya dapat diperiksa di {} (kode {}).",
                v.url, v.code
            );
            for line in crate::typeset::wrap(&note, FontStyle::Regular, 8.5, flow.width) {
                flow.line(0.0, FontStyle::Regular, 8.5, 10.5, &line);
            }
        }
    }
}
