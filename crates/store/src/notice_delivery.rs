//! How notices reach people: each person's choice, per kind of notice and
//! per channel (e-mail, the agency's message gateway), of at once, a daily
//! digest or nothing; the at-once messages put in the outbox; the daily
//! digest — one message per person, channel and day, grouping their unread
//! notices by case — and the notifications list grouped by case.

use std::collections::BTreeMap;

use engine::EngineError;
use engine::form::FieldError;
use engine::notice::NoticeKind;
use sqlx::{Any, Row};

use crate::mail::{Channel, LINK_BASE, NewMail};
use crate::{Store, StoreError, WriteTx, new_id};

/// How one kind of notice reaches a person on one channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    AtOnce,
    /// In the daily digest, at the person's chosen time.
    Digest,
    Off,
}

impl Delivery {
    pub const ALL: [Delivery; 3] = [Delivery::AtOnce, Delivery::Digest, Delivery::Off];

    pub fn code(self) -> &'static str {
        match self {
            Delivery::AtOnce => "segera",
            Delivery::Digest => "ringkasan",
            Delivery::Off => "mati",
        }
    }

    pub fn from_code(code: &str) -> Option<Delivery> {
        Delivery::ALL.into_iter().find(|d| d.code() == code)
    }

    /// Without a choice: e-mail at once, as before there were choices; the
    /// gateway only for those who ask (it needs a number and costs the
    /// agency per message).
    pub fn default_for(channel: Channel) -> Delivery {
        match channel {
            Channel::Email => Delivery::AtOnce,
            Channel::Gateway => Delivery::Off,
        }
    }
}

/// The digest goes at 07:00 in the agency's time zone unless chosen otherwise.
pub const DEFAULT_DIGEST_MINUTE: i64 = 7 * 60;
const DAY_MS: i64 = 24 * 3600 * 1000;
/// A digest line's message is cut to this many characters.
const DIGEST_LINE_CHARS: usize = 120;

/// A person's choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeChoices {
    /// Only what differs from [`Delivery::default_for`] need be here.
    pub chosen: BTreeMap<(NoticeKind, Channel), Delivery>,
    /// Minutes after local midnight.
    pub digest_minute: i64,
    pub phone: Option<String>,
    pub chat_id: Option<String>,
}

impl NoticeChoices {
    pub fn delivery(&self, kind: NoticeKind, channel: Channel) -> Delivery {
        self.chosen.get(&(kind, channel)).copied().unwrap_or(Delivery::default_for(channel))
    }

    /// The digest time as `HH:MM`.
    pub fn digest_time(&self) -> String {
        format!("{:02}:{:02}", self.digest_minute / 60, self.digest_minute % 60)
    }
}

/// What a person sends from their settings page, unchecked.
#[derive(Debug, Clone, Default)]
pub struct NoticeChoicesInput {
    pub chosen: Vec<(NoticeKind, Channel, Delivery)>,
    pub digest_time: String,
    pub phone: String,
    pub chat_id: String,
}

/// A case's notifications to a person, as one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationGroup {
    pub case: String,
    /// The case's number (none for a notification about no recorded case).
    pub number: Option<String>,
    pub count: i64,
    pub unread: i64,
    /// The newest notification of the case and when it came.
    pub message: String,
    pub at: i64,
}

/// A phone number without its separators: digits, an optional leading `+`.
fn clean_phone(typed: &str) -> Result<Option<String>, FieldError> {
    let phone: String = typed.chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')')).collect();
    if phone.is_empty() {
        return Ok(None);
    }
    let digits = phone.strip_prefix('+').unwrap_or(&phone);
    if !(8..=15).contains(&digits.len()) || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(FieldError::new(
            "telepon",
            "Nomor HP",
            "tulis 8 sampai 15 angka, misalnya 081234567890 atau +6281234567890",
        ));
    }
    Ok(Some(phone))
}

fn clean_chat_id(typed: &str) -> Result<Option<String>, FieldError> {
    let id = typed.trim();
    if id.is_empty() {
        return Ok(None);
    }
    if id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || "-_@".contains(c)) {
        return Err(FieldError::new(
            "chat_id",
            "Chat id",
            "hanya huruf, angka, -, _ dan @ (paling banyak 64), misalnya -1001234567 atau @nama_kanal",
        ));
    }
    Ok(Some(id.to_string()))
}

fn digest_minute(typed: &str) -> Result<i64, FieldError> {
    let time: jiff::civil::Time = typed
        .trim()
        .parse()
        .map_err(|_| FieldError::new("jam", "Jam ringkasan", "tulis jam dan menit, misalnya 07:00"))?;
    Ok(i64::from(time.hour()) * 60 + i64::from(time.minute()))
}

/// A person as the notices reach them: their choices, and the address
/// mail goes to (none when they have none or turned mail off).
pub(crate) struct Recipient {
    choices: NoticeChoices,
    pub mail_to: Option<String>,
}

/// One of a person's choices, beside what holds for all of them (repeated
/// on each row; a person without choices has one row, its choice empty).
#[derive(sqlx::FromRow)]
struct RecipientRow {
    phone: Option<String>,
    digest_minute: Option<i64>,
    chat_id: Option<String>,
    mail_to: Option<String>,
    kind: Option<String>,
    channel: Option<String>,
    delivery: Option<String>,
}

/// Loads `person` as a notice reaches them, in one statement: a step
/// tells two or three people, inside the write queue's transaction.
pub(crate) async fn load_recipient<C>(
    conn: &mut C,
    agency: &str,
    person: &str,
) -> Result<Recipient, StoreError>
where
    for<'c> &'c mut C: sqlx::Executor<'c, Database = Any>,
{
    let rows: Vec<RecipientRow> = sqlx::query_as(
        "SELECT p.phone, s.digest_minute, s.chat_id,
                CASE WHEN p.email <> '' AND COALESCE(a.email_notifications, 1) = 1 THEN p.email END AS mail_to,
                c.kind, c.channel, c.delivery
         FROM people p
         LEFT JOIN notification_settings s ON s.person_id = p.id
         LEFT JOIN accounts a ON a.person_id = p.id
         LEFT JOIN notification_choices c ON c.person_id = p.id AND c.agency_id = p.agency_id
         WHERE p.id = $1 AND p.agency_id = $2",
    )
    .bind(person)
    .bind(agency)
    .fetch_all(&mut *conn)
    .await?;
    let Some(first) = rows.first() else {
        return Err(StoreError::NotFound(format!("pegawai {person}")));
    };
    let mut choices = NoticeChoices {
        chosen: BTreeMap::new(),
        digest_minute: first.digest_minute.unwrap_or(DEFAULT_DIGEST_MINUTE),
        phone: first.phone.clone().filter(|p| !p.is_empty()),
        chat_id: first.chat_id.clone(),
    };
    let mail_to = first.mail_to.clone();
    for row in rows {
        let (Some(kind), Some(channel), Some(delivery)) = (row.kind, row.channel, row.delivery) else {
            continue;
        };
        let corrupt = || StoreError::Corrupt(format!("pilihan notifikasi {kind}/{channel}/{delivery}"));
        choices.chosen.insert(
            (
                NoticeKind::from_code(&kind).ok_or_else(corrupt)?,
                Channel::from_code(&channel).ok_or_else(corrupt)?,
            ),
            Delivery::from_code(&delivery).ok_or_else(corrupt)?,
        );
    }
    Ok(Recipient { choices, mail_to })
}

/// One thing told to one person about one case.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Notice<'a> {
    pub agency: &'a str,
    pub person: &'a str,
    pub case: &'a str,
    pub kind: NoticeKind,
    pub message: &'a str,
    /// The mail's own subject; else "Sopir: " and the message's first words.
    pub subject: Option<&'a str>,
    pub at: i64,
}

impl<'a> Notice<'a> {
    /// A notice mailed under the default subject.
    pub fn new(
        agency: &'a str,
        person: &'a str,
        case: &'a str,
        kind: NoticeKind,
        message: &'a str,
        at: i64,
    ) -> Self {
        Notice { agency, person, case, kind, message, subject: None, at }
    }
}

/// What goes to the message gateway: a subject (for gateways that have
/// one), the text, and the link to act.
#[derive(Debug, Clone, Copy)]
struct GatewayMessage<'a> {
    subject: &'a str,
    text: &'a str,
    link: &'a str,
}

impl Store {
    /// `person`'s choices of how notices reach them.
    pub async fn notice_choices(&self, agency: &str, person: &str) -> Result<NoticeChoices, StoreError> {
        let mut conn = self.pool.acquire().await?;
        Ok(load_recipient(&mut *conn, agency, person).await?.choices)
    }

    /// Saves `person`'s choices, their phone number and chat id; bad input
    /// changes nothing.
    pub async fn save_notice_choices(
        &self,
        agency: &str,
        person: &str,
        input: &NoticeChoicesInput,
    ) -> Result<NoticeChoices, StoreError> {
        // Every bad field is named at once, so one correction is enough.
        let (minute, phone, chat_id) = match (
            digest_minute(&input.digest_time),
            clean_phone(&input.phone),
            clean_chat_id(&input.chat_id),
        ) {
            (Ok(minute), Ok(phone), Ok(chat_id)) => (minute, phone, chat_id),
            (minute, phone, chat_id) => {
                let problems = [minute.err(), phone.err(), chat_id.err()].into_iter().flatten().collect();
                return Err(StoreError::Engine(EngineError::Invalid(problems)));
            }
        };
        let wants_gateway =
            input.chosen.iter().any(|(_, c, d)| *c == Channel::Gateway && *d != Delivery::Off);
        if wants_gateway && phone.is_none() && chat_id.is_none() {
            return Err(StoreError::invalid(
                "telepon",
                "Nomor HP",
                "isi nomor HP atau chat id untuk menerima pemberitahuan lewat WhatsApp/Telegram",
            ));
        }
        let mut tx = WriteTx::from(self.pool.begin().await?);
        let known = sqlx::query("UPDATE people SET phone = $1 WHERE id = $2 AND agency_id = $3")
            .bind(&phone)
            .bind(person)
            .bind(agency)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if known == 0 {
            return Err(StoreError::NotFound(format!("pegawai {person}")));
        }
        sqlx::query("DELETE FROM notification_choices WHERE person_id = $1 AND agency_id = $2")
            .bind(person)
            .bind(agency)
            .execute(&mut *tx)
            .await?;
        for (kind, channel, delivery) in &input.chosen {
            sqlx::query(
                "INSERT INTO notification_choices (agency_id, person_id, kind, channel, delivery) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (person_id, kind, channel) DO UPDATE SET delivery = $5",
            )
            .bind(agency)
            .bind(person)
            .bind(kind.code())
            .bind(channel.code())
            .bind(delivery.code())
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO notification_settings (person_id, agency_id, digest_minute, chat_id) VALUES ($1, $2, $3, $4)
             ON CONFLICT (person_id) DO UPDATE SET digest_minute = $3, chat_id = $4",
        )
        .bind(person)
        .bind(agency)
        .bind(minute)
        .bind(&chat_id)
        .execute(&mut *tx)
        .await?;
        let saved = load_recipient(&mut *tx, agency, person).await?.choices;
        tx.commit().await?;
        Ok(saved)
    }

    /// Puts `notice` (mailed as `subject`) in the outbox of each channel
    /// its person wants it on at once, in the transaction of the action
    /// that caused it.
    pub(crate) async fn deliver_at_once(
        &self,
        tx: &mut WriteTx,
        notice: &Notice<'_>,
        subject: &str,
    ) -> Result<(), StoreError> {
        let Notice { agency, person, case, kind, message, at, .. } = *notice;
        let Recipient { choices, mail_to } = load_recipient(&mut **tx, agency, person).await?;
        let link = format!("{LINK_BASE}/permohonan/{case}");
        if let Some(to) = mail_to.filter(|_| choices.delivery(kind, Channel::Email) == Delivery::AtOnce) {
            let body = format!("{message}\n\nBuka: {link}");
            NewMail { agency, person, to: &to, subject, body: &body, at }.enqueue(tx).await?;
        }
        if choices.delivery(kind, Channel::Gateway) == Delivery::AtOnce {
            let short = message.split("\n\n").next().unwrap_or(message);
            let text = format!("{short}\n{link}");
            let sent = GatewayMessage { subject, text: &text, link: &link };
            self.enqueue_gateway(tx, agency, person, &choices, sent, at).await?;
        }
        Ok(())
    }

    /// A message to the agency's gateway for `person`, if the agency has
    /// one and the person gave a phone number or chat id.
    async fn enqueue_gateway(
        &self,
        tx: &mut WriteTx,
        agency: &str,
        person: &str,
        choices: &NoticeChoices,
        message: GatewayMessage<'_>,
        at: i64,
    ) -> Result<(), StoreError> {
        let GatewayMessage { subject, text, link } = message;
        if choices.phone.is_none() && choices.chat_id.is_none() {
            return Ok(());
        }
        let configured = sqlx::query("SELECT 1 FROM message_gateways WHERE agency_id = $1")
            .bind(agency)
            .fetch_optional(&mut **tx)
            .await?;
        if configured.is_none() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO outbox (id, agency_id, person_id, to_address, subject, body, created_at, next_attempt_at, channel, chat_id, link)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10)",
        )
        .bind(new_id())
        .bind(agency)
        .bind(person)
        .bind(choices.phone.clone().unwrap_or_default())
        .bind(subject)
        .bind(text)
        .bind(at)
        .bind(Channel::Gateway.code())
        .bind(&choices.chat_id)
        .bind(link)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// Sends the daily digests due at `now`: for each person and channel
    /// with a kind set to the digest, once their time of day has come in
    /// the agency's time zone, one message grouping by case their unread
    /// notices of those kinds since their last digest. The day is claimed
    /// in the database first, so a restart or a second server never sends
    /// it twice. Returns how many digests were put in the outbox.
    pub async fn send_due_digests(&self, now: i64) -> Result<usize, StoreError> {
        let agencies: Vec<String> = sqlx::query(
            "SELECT DISTINCT agency_id FROM notification_choices WHERE delivery = $1 ORDER BY agency_id",
        )
        .bind(Delivery::Digest.code())
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(|r| r.try_get("agency_id"))
        .collect::<Result<_, _>>()?;
        let instant =
            jiff::Timestamp::from_millisecond(now).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut sent = 0;
        for agency in agencies {
            let zone = crate::report_months::zone_of(&self.agency(&agency).await?.timezone);
            let local = instant.to_zoned(zone);
            let day = local.date();
            // Only those whose time has come and whose digest of the day has
            // not gone: a minute's look costs one query per agency, however
            // many people take a digest.
            let due = sqlx::query(
                "SELECT DISTINCT c.person_id, c.channel FROM notification_choices c
                 LEFT JOIN notification_settings s ON s.person_id = c.person_id
                 WHERE c.agency_id = $1 AND c.delivery = $2 AND COALESCE(s.digest_minute, $3) <= $4
                   AND NOT EXISTS (SELECT 1 FROM digest_runs r
                                   WHERE r.person_id = c.person_id AND r.channel = c.channel AND r.day = $5)
                 ORDER BY c.person_id, c.channel",
            )
            .bind(&agency)
            .bind(Delivery::Digest.code())
            .bind(DEFAULT_DIGEST_MINUTE)
            .bind(i64::from(local.hour()) * 60 + i64::from(local.minute()))
            .bind(day.to_string())
            .fetch_all(&self.pool)
            .await?;
            for row in due {
                let (person, channel): (String, String) =
                    (row.try_get("person_id")?, row.try_get("channel")?);
                let Some(channel) = Channel::from_code(&channel) else { continue };
                if self.send_digest(&agency, &person, channel, day, now).await? {
                    sent += 1;
                }
            }
        }
        Ok(sent)
    }

    /// Claims `day`'s digest of `person` on `channel` and, if this call got
    /// the claim, puts it in the outbox when there is anything to tell.
    async fn send_digest(
        &self,
        agency: &str,
        person: &str,
        channel: Channel,
        day: jiff::civil::Date,
        now: i64,
    ) -> Result<bool, StoreError> {
        let day_code = day.to_string();
        let mut write = self.write().await?;
        let tx = write.tx();
        let result = async {
            let claimed = sqlx::query(
                "INSERT INTO digest_runs (person_id, channel, day, agency_id, sent_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (person_id, channel, day) DO NOTHING",
            )
            .bind(person)
            .bind(channel.code())
            .bind(&day_code)
            .bind(agency)
            .bind(now)
            .execute(&mut **tx)
            .await?
            .rows_affected();
            if claimed == 0 {
                return Ok(false);
            }
            let since: Option<i64> = sqlx::query(
                "SELECT MAX(sent_at) AS since FROM digest_runs WHERE person_id = $1 AND channel = $2 AND day <> $3",
            )
            .bind(person)
            .bind(channel.code())
            .bind(&day_code)
            .fetch_one(&mut **tx)
            .await?
            .try_get("since")?;
            let Recipient { choices, mail_to } = load_recipient(&mut **tx, agency, person).await?;
            let rows = sqlx::query(
                "SELECT n.case_id, n.kind, n.message, c.number FROM notifications n
                 LEFT JOIN cases c ON c.id = n.case_id AND c.agency_id = n.agency_id
                 WHERE n.agency_id = $1 AND n.person_id = $2 AND n.read_at IS NULL
                   AND n.created_at > $3 AND n.created_at <= $4
                 ORDER BY n.created_at, n.id",
            )
            .bind(agency)
            .bind(person)
            .bind(since.unwrap_or(now - DAY_MS))
            .bind(now)
            .fetch_all(&mut **tx)
            .await?;
            // Per case, in the order each case was first heard of: its
            // number, how many notices and the newest.
            let mut cases: Vec<(String, Option<String>, usize, String)> = Vec::new();
            for row in rows {
                let kind: String = row.try_get("kind")?;
                let wanted = NoticeKind::from_code(&kind)
                    .is_some_and(|k| choices.delivery(k, channel) == Delivery::Digest);
                if !wanted {
                    continue;
                }
                let (case, message): (String, String) = (row.try_get("case_id")?, row.try_get("message")?);
                match cases.iter_mut().find(|(c, ..)| *c == case) {
                    Some(entry) => {
                        entry.2 += 1;
                        entry.3 = message;
                    }
                    None => cases.push((case, row.try_get("number")?, 1, message)),
                }
            }
            if cases.is_empty() {
                return Ok(false);
            }
            let total: usize = cases.iter().map(|(_, _, n, _)| n).sum();
            let date = day.strftime("%d-%m-%Y");
            let mut text =
                format!("Ringkasan Sopir {date}: {total} pemberitahuan dari {} permohonan.", cases.len());
            for (case, number, count, message) in &cases {
                let mut short: String = message.chars().take(DIGEST_LINE_CHARS).collect();
                if short.len() < message.len() {
                    short.push('…');
                }
                let number = number.as_deref().unwrap_or(case);
                text.push_str(&format!("\n• {number} ({count}): {short} {LINK_BASE}/permohonan/{case}"));
            }
            let subject = format!("Ringkasan Sopir {date}: {} permohonan", cases.len());
            match channel {
                Channel::Email => {
                    if let Some(to) = mail_to {
                        NewMail { agency, person, to: &to, subject: &subject, body: &text, at: now }
                            .enqueue(tx)
                            .await?
                    }
                }
                Channel::Gateway => {
                    let link = format!("{LINK_BASE}/notifikasi");
                    let digest = GatewayMessage { subject: &subject, text: &text, link: &link };
                    self.enqueue_gateway(tx, agency, person, &choices, digest, now).await?
                }
            }
            Ok(true)
        }
        .await;
        write.finish(result).await
    }

    /// `person`'s notifications, one row per case, the case most recently
    /// heard of first: at most `limit` cases.
    pub async fn notification_groups(
        &self,
        agency: &str,
        person: &str,
        limit: i64,
    ) -> Result<Vec<NotificationGroup>, StoreError> {
        let rows = sqlx::query(
            "SELECT g.case_id, g.total, g.unread, g.latest, c.number,
                    (SELECT m.message FROM notifications m WHERE m.person_id = $2 AND m.case_id = g.case_id
                     ORDER BY m.created_at DESC, m.id DESC LIMIT 1) AS message
             FROM (SELECT case_id, COUNT(*) AS total, SUM(CASE WHEN read_at IS NULL THEN 1 ELSE 0 END) AS unread,
                          MAX(created_at) AS latest
                   FROM notifications WHERE agency_id = $1 AND person_id = $2 GROUP BY case_id) AS g
             LEFT JOIN cases c ON c.id = g.case_id AND c.agency_id = $1
             ORDER BY g.latest DESC, g.case_id LIMIT $3",
        )
        .bind(agency)
        .bind(person)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(NotificationGroup {
                    case: r.try_get("case_id")?,
                    number: r.try_get("number")?,
                    count: r.try_get("total")?,
                    unread: r.try_get("unread")?,
                    message: r.try_get("message")?,
                    at: r.try_get("latest")?,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_lose_their_separators_and_bad_ones_are_refused() {
        assert_eq!(clean_phone("0812-3456 7890").unwrap().as_deref(), Some("081234567890"));
        assert_eq!(clean_phone("+62 812 3456 7890").unwrap().as_deref(), Some("+6281234567890"));
        assert_eq!(clean_phone(" ").unwrap(), None);
        for bad in ["0812", "08123456789012345", "0812abc4567", "++62812345678"] {
            assert!(clean_phone(bad).unwrap_err().label == "Nomor HP", "{bad}");
        }
    }

    #[test]
    fn a_digest_time_is_hours_and_minutes() {
        assert_eq!(digest_minute("07:30").unwrap(), 450);
        assert!(digest_minute("7 pagi").is_err());
        assert!(digest_minute("25:00").is_err());
    }
}
