//! The Formulir Monitoring Pelaksanaan SOP Administrasi Pemerintahan in
//! the layout of PermenPANRB 35/2012: the SOP and period, then per
//! procedure the judgement of its application (berjalan dengan baik /
//! tidak berjalan dengan baik), the notes, the action to take and the
//! assessor's paraf, and who monitored it and when.

use crate::font::{FontStyle, fonts};
use crate::letterhead::{Letterhead, MARGIN_LEFT, MARGIN_RIGHT};
use crate::pdf::{self, PAGE_WIDTH};
use crate::typeset::Flow;

#[derive(Debug, Clone)]
pub struct MonitoringForm {
    pub letterhead: Letterhead,
    pub sop_name: String,
    pub sop_number: String,
    /// Yang dimonitor: the unit that runs the SOP.
    pub unit: String,
    /// e.g. "1 Januari 2026 s.d. 30 Juni 2026".
    pub period: String,
    /// The cases of the period, in a sentence or two.
    pub summary: String,
    pub rows: Vec<MonitoringLine>,
    /// Pelaksana monitoring: name (and position).
    pub assessor: String,
    /// When it was signed off, written out.
    pub signed_at: String,
    /// The paraf in each row: the assessor's initials.
    pub paraf: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonitoringLine {
    /// The step's number in the SOP (numbers may skip).
    pub step: u32,
    pub procedure: String,
    /// True: berjalan dengan baik.
    pub good: bool,
    pub note: String,
    pub action: String,
}

const SIZE: f32 = 9.0;
const LEADING: f32 = 11.0;

impl MonitoringForm {
    pub fn to_pdf(&self) -> Vec<u8> {
        let width = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
        let mut flow = Flow::new(MARGIN_LEFT, width, 60.0, 60.0);
        flow.y = self.letterhead.draw(flow.page());
        flow.skip(6.0);
        for title in ["FORMULIR MONITORING", "PELAKSANAAN SOP ADMINISTRASI PEMERINTAHAN"] {
            let x = (width - fonts().get(FontStyle::Bold).width(title, 12.0)) / 2.0;
            flow.line(x, FontStyle::Bold, 12.0, 15.0, title);
        }
        flow.skip(8.0);
        for (label, value) in [
            ("Nama SOP", format!("{} ({})", self.sop_name, self.sop_number)),
            ("Yang dimonitor", self.unit.clone()),
            ("Periode", self.period.clone()),
        ] {
            flow.line(0.0, FontStyle::Bold, 10.0, 14.0, label);
            let y = flow.y;
            flow.page().text(MARGIN_LEFT + 95.0, y, FontStyle::Regular, 10.0, &format!(": {value}"));
        }
        flow.skip(4.0);
        flow.paragraph(&self.summary, FontStyle::Regular, 10.0, 13.0, 0.0);
        flow.skip(8.0);

        // No | Prosedur | Baik | Tidak baik | Catatan | Tindakan | Paraf
        let (no, mark, paraf) = (22.0, 48.0, 40.0);
        let rest = width - no - 2.0 * mark - paraf;
        let columns = [no, rest * 0.34, mark, mark, rest * 0.36, rest * 0.30, paraf];
        let header = [
            "No",
            "Prosedur",
            "Berjalan dengan baik",
            "Tidak berjalan dengan baik",
            "Catatan hasil penilaian",
            "Tindakan yang harus diambil",
            "Paraf penilai",
        ];
        flow.table_row(&columns, &header.map(String::from), FontStyle::Bold, SIZE, LEADING);
        for row in &self.rows {
            let tick = |on: bool| if on { "V".to_string() } else { String::new() };
            let cells = [
                row.step.to_string(),
                row.procedure.clone(),
                tick(row.good),
                tick(!row.good),
                row.note.clone(),
                row.action.clone(),
                self.paraf.clone(),
            ];
            flow.table_row(&columns, &cells, FontStyle::Regular, SIZE, LEADING);
        }
        flow.skip(14.0);
        flow.line(width * 0.55, FontStyle::Regular, 10.0, 13.0, "Pelaksana monitoring,");
        flow.line(width * 0.55, FontStyle::Bold, 10.0, 13.0, &self.assessor);
        flow.line(
            width * 0.55,
            FontStyle::Regular,
            9.0,
            12.0,
            &format!("Diparaf elektronik {}", self.signed_at),
        );
        pdf::write(
            &format!("Formulir monitoring {}", self.sop_name),
            &flow.pages,
            &self.letterhead.images(),
            None,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_drawn_and_long_forms_go_on() {
        let row = MonitoringLine {
            step: 6,
            procedure: "Kepala Dinas menerima dan mendisposisi surat permohonan".into(),
            good: false,
            note: "Dikerjakan 12 kali; median 3 menit, P90 20 menit (mutu baku 15 menit); 25.0% terlambat."
                .into(),
            action: "Atur ulang pembagian tugas".into(),
        };
        let form = MonitoringForm {
            letterhead: Letterhead {
                lines: vec!["PEMERINTAH KABUPATEN CONTOH".into()],
                address: String::new(),
                logo: None,
            },
            sop_name: "Layanan VPN".into(),
            sop_number: "1/SOP/2026".into(),
            unit: "Bidang Aptika".into(),
            period: "1 Januari 2026 s.d. 30 Juni 2026".into(),
            summary: "12 permohonan diajukan.".into(),
            rows: vec![row; 40],
            assessor: "Kepala Dinas".into(),
            signed_at: "1 Juli 2026 09.00 WIB".into(),
            paraf: "KD".into(),
        };
        let pdf = form.to_pdf();
        assert!(pdf.starts_with(b"%PDF-"));
        let pages = pdf.windows(b"/Type /Page ".len()).filter(|w| *w == b"/Type /Page ").count();
        assert!(pages >= 2, "forty rows do not fit on one page ({pages})");
    }
}
