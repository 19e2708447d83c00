//! Formulir Evaluasi Penerapan SOP AP (PermenPANRB 35/2012): the agency's
//! Ya/Tidak checklist — the regulation's seven questions until it writes
//! its own — and each evaluation of an SOP, with notes and a
//! recommendation. An evaluation that recommends a revision opens a
//! revision draft of the SOP, which carries the findings to its editor.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::record_event::{Change, Owner, append};
use crate::sop_drafts::{DraftOrigin, DraftStatus, insert_draft};
use crate::{Store, StoreError, WriteTx};

/// The regulation's questions: does the SOP …
pub const REGULATION_QUESTIONS: [&str; 7] = [
    "Mampu mendorong peningkatan kinerja",
    "Mudah dipahami",
    "Mudah dilaksanakan",
    "Semua orang dapat menjalankan perannya masing-masing",
    "Mampu mengatasi permasalahan yang berkaitan dengan proses",
    "Mampu menjawab kebutuhan peningkatan kinerja organisasi",
    "Sinergi satu dengan lainnya",
];

/// Longest question, note or recommendation kept.
pub const TEXT_MAX_CHARS: usize = 2000;
/// Most questions a checklist holds.
pub const MAX_QUESTIONS: usize = 30;

/// One question as asked and answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub question: String,
    pub yes: bool,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    pub id: String,
    pub sop_id: String,
    pub sop_version: u32,
    pub answers: Vec<Answer>,
    pub notes: String,
    pub recommendation: String,
    /// The revision draft it opened.
    pub draft: Option<String>,
    pub by: String,
    pub at: i64,
}

impl Evaluation {
    /// The findings as the revision draft shows them.
    pub fn findings(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .answers
            .iter()
            .filter(|a| !a.yes || !a.note.is_empty())
            .map(|a| {
                let verdict = if a.yes { "Ya" } else { "Tidak" };
                if a.note.is_empty() {
                    format!("{}: {verdict}", a.question)
                } else {
                    format!("{}: {verdict} — {}", a.question, a.note)
                }
            })
            .collect();
        if !self.notes.is_empty() {
            lines.push(format!("Catatan: {}", self.notes));
        }
        if !self.recommendation.is_empty() {
            lines.push(format!("Rekomendasi: {}", self.recommendation));
        }
        lines
    }
}

#[derive(sqlx::FromRow)]
struct Stored {
    id: String,
    sop_id: String,
    sop_version: i64,
    answers: String,
    notes: String,
    recommendation: String,
    draft_id: Option<String>,
    evaluated_by: String,
    evaluated_at: i64,
}

impl Stored {
    fn evaluation(self) -> Result<Evaluation, StoreError> {
        let corrupt = |e: String| StoreError::Corrupt(format!("evaluasi SOP {}: {e}", self.id));
        Ok(Evaluation {
            sop_id: self.sop_id.clone(),
            sop_version: u32::try_from(self.sop_version).map_err(|e| corrupt(e.to_string()))?,
            answers: serde_json::from_str(&self.answers).map_err(|e| corrupt(e.to_string()))?,
            notes: self.notes.clone(),
            recommendation: self.recommendation.clone(),
            draft: self.draft_id.clone(),
            by: self.evaluated_by.clone(),
            at: self.evaluated_at,
            id: self.id,
        })
    }
}

const COLUMNS: &str =
    "id, sop_id, sop_version, answers, notes, recommendation, draft_id, evaluated_by, evaluated_at";

/// An evaluation as filled in: per question of the checklist (in order)
/// the answer (`None`: not answered) and a note.
pub struct Evaluate<'a> {
    pub agency: &'a str,
    pub sop_id: &'a str,
    pub answers: Vec<(Option<bool>, String)>,
    pub notes: &'a str,
    pub recommendation: &'a str,
    /// Open a revision draft carrying the findings.
    pub revise: bool,
    pub by: &'a str,
    pub at: i64,
}

fn too_long(field: &str, label: &str, text: &str) -> Option<engine::form::FieldError> {
    (text.chars().count() > TEXT_MAX_CHARS).then(|| {
        engine::form::FieldError::new(field, label, format!("paling banyak {TEXT_MAX_CHARS} karakter"))
    })
}

/// The newest draft of `sop_id` not yet ratified or published.
async fn open_revision(tx: &mut WriteTx, agency: &str, sop_id: &str) -> Result<Option<String>, StoreError> {
    let row = sqlx::query(
        "SELECT id FROM sop_drafts WHERE agency_id = $1 AND sop_id = $2 AND status IN ($3, $4, $5)
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(agency)
    .bind(sop_id)
    .bind(DraftStatus::Open.key())
    .bind(DraftStatus::InReview.key())
    .bind(DraftStatus::Approved.key())
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

impl Store {
    /// The agency's checklist.
    pub async fn evaluation_questions(&self, agency: &str) -> Result<Vec<String>, StoreError> {
        let own: Vec<String> = sqlx::query(
            "SELECT question FROM sop_evaluation_questions WHERE agency_id = $1 ORDER BY position",
        )
        .bind(agency)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get("question"))
        .collect::<Result<_, _>>()?;
        Ok(if own.is_empty() { REGULATION_QUESTIONS.map(str::to_string).to_vec() } else { own })
    }

    /// Replaces the agency's checklist (one question per entry; blank ones
    /// dropped). An empty list goes back to the regulation's questions.
    pub async fn set_evaluation_questions(
        &self,
        agency: &str,
        questions: &[String],
        by: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let questions: Vec<&str> = questions.iter().map(|q| q.trim()).filter(|q| !q.is_empty()).collect();
        if questions.len() > MAX_QUESTIONS {
            return Err(StoreError::invalid(
                "pertanyaan",
                "Daftar pertanyaan evaluasi",
                format!("paling banyak {MAX_QUESTIONS} pertanyaan"),
            ));
        }
        if let Some(e) =
            questions.iter().find_map(|q| too_long("pertanyaan", "Daftar pertanyaan evaluasi", q))
        {
            return Err(StoreError::Engine(engine::EngineError::Invalid(vec![e])));
        }
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            sqlx::query("DELETE FROM sop_evaluation_questions WHERE agency_id = $1")
                .bind(agency)
                .execute(&mut **tx)
                .await?;
            for (i, q) in questions.iter().enumerate() {
                sqlx::query("INSERT INTO sop_evaluation_questions (agency_id, position, question) VALUES ($1, $2, $3)")
                    .bind(agency)
                    .bind(i as i64)
                    .bind(q)
                    .execute(&mut **tx)
                    .await?;
            }
            let change = Change::EvaluationQuestionsSet { questions: questions.iter().map(|q| q.to_string()).collect() };
            append(tx, Owner::Agency(agency), Some(by), change, at).await?;
            Ok(())
        }
        .await;
        write.finish(result).await
    }

    /// Keeps an evaluation of the SOP in use. Refused, naming each field,
    /// when a question is unanswered or a text too long; nothing is kept
    /// then. With `revise`, the evaluation names a revision draft of the
    /// SOP — the one being drafted, or a new one — kept with it in one
    /// transaction.
    pub async fn evaluate_sop(&self, e: Evaluate<'_>) -> Result<Evaluation, StoreError> {
        let questions = self.evaluation_questions(e.agency).await?;
        let live = self.sop(e.agency, e.sop_id, None).await?;
        let mut errors = Vec::new();
        let mut answers = Vec::new();
        for (i, question) in questions.iter().enumerate() {
            let (yes, note) = e.answers.get(i).cloned().unwrap_or_default();
            let label = format!("Pertanyaan {}", i + 1);
            if yes.is_none() {
                errors.push(engine::form::FieldError::new(
                    &format!("jawaban.{i}"),
                    &label,
                    "pilih Ya atau Tidak",
                ));
            }
            errors.extend(too_long(&format!("catatan.{i}"), &format!("Catatan pertanyaan {}", i + 1), &note));
            answers.push(Answer {
                question: question.clone(),
                yes: yes.unwrap_or_default(),
                note: note.trim().to_string(),
            });
        }
        errors.extend(too_long("catatan", "Catatan", e.notes));
        errors.extend(too_long("rekomendasi", "Rekomendasi", e.recommendation));
        if e.revise && e.recommendation.trim().is_empty() {
            errors.push(engine::form::FieldError::new(
                "rekomendasi",
                "Rekomendasi",
                "tulis apa yang perlu direvisi sebelum membuka konsep revisi",
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Engine(engine::EngineError::Invalid(errors)));
        }
        // The revision's text is made before the write, so a bad one
        // refuses the evaluation before anything is kept.
        let revision = if e.revise {
            Some(
                sop::draft_form::with_version(&live.source, live.version + 1)
                    .map_err(|err| StoreError::BadSop { id: live.id.clone(), message: err.message })?,
            )
        } else {
            None
        };
        let mut evaluation = Evaluation {
            id: crate::new_id(),
            sop_id: e.sop_id.to_string(),
            sop_version: live.version,
            answers,
            notes: e.notes.trim().to_string(),
            recommendation: e.recommendation.trim().to_string(),
            draft: None,
            by: e.by.to_string(),
            at: e.at,
        };
        let answers =
            serde_json::to_string(&evaluation.answers).map_err(|err| StoreError::Corrupt(err.to_string()))?;
        // The draft and the evaluation are kept together or not at all.
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let draft = match &revision {
                None => None,
                // A revision already being drafted carries these findings
                // too, rather than a second draft beside it.
                Some(text) => match open_revision(tx, e.agency, e.sop_id).await? {
                    Some(open) => Some(open),
                    None => Some(insert_draft(tx, e.agency, DraftOrigin::Revision, text, e.by, e.at).await?),
                },
            };
            sqlx::query(
                "INSERT INTO sop_evaluations (id, agency_id, sop_id, sop_version, answers, notes, recommendation, draft_id, evaluated_by, evaluated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&evaluation.id)
            .bind(e.agency)
            .bind(e.sop_id)
            .bind(i64::from(live.version))
            .bind(&answers)
            .bind(&evaluation.notes)
            .bind(&evaluation.recommendation)
            .bind(draft.clone())
            .bind(e.by)
            .bind(e.at)
            .execute(&mut **tx)
            .await?;
            let change =
                Change::SopEvaluated { sop: e.sop_id.to_string(), evaluation: evaluation.id.clone(), draft: draft.clone() };
            append(tx, Owner::Agency(e.agency), Some(e.by), change, e.at).await?;
            Ok(draft)
        }
        .await;
        evaluation.draft = write.finish(result).await?;
        Ok(evaluation)
    }

    /// The agency's evaluations, newest first.
    pub async fn evaluations(&self, agency: &str) -> Result<Vec<Evaluation>, StoreError> {
        sqlx::query_as::<_, Stored>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM sop_evaluations WHERE agency_id = $1 ORDER BY evaluated_at DESC, id DESC"
        )))
        .bind(agency)
        .fetch_all(&self.pool)
        .await?
        .into_iter()
        .map(Stored::evaluation)
        .collect()
    }

    /// The newest evaluation that opened (or joined) revision draft `draft`.
    pub async fn evaluation_of_draft(
        &self,
        agency: &str,
        draft: &str,
    ) -> Result<Option<Evaluation>, StoreError> {
        sqlx::query_as::<_, Stored>(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM sop_evaluations WHERE agency_id = $1 AND draft_id = $2
             ORDER BY evaluated_at DESC, id DESC LIMIT 1"
        )))
        .bind(agency)
        .bind(draft)
        .fetch_optional(&self.pool)
        .await?
        .map(Stored::evaluation)
        .transpose()
    }
}
