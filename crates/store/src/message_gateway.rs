//! An agency's HTTP message gateway (WhatsApp or Telegram through a
//! provider's HTTP API): where to POST, which headers, and the body template
//! the message, its link, the phone number and the chat id are put into.
//! Messages to it wait in the outbox beside mail ([`crate::mail`]).

use sqlx::Row;

use crate::record_event::{Change, Owner, sha256};
use crate::{Store, StoreError};

/// The placeholders a body template may hold: the message (with its
/// link), the link alone, the recipient's phone number and chat id.
pub const PLACEHOLDERS: [&str; 4] = ["{pesan}", "{tautan}", "{telepon}", "{chat_id}"];

/// Headers kept, at most.
const MAX_HEADERS: usize = 20;
const MAX_TEMPLATE: usize = 4000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageGateway {
    pub url: String,
    /// (name, value); values are secrets (a bearer token) and shown masked.
    pub headers: Vec<(String, String)>,
    pub body_template: String,
}

/// One HTTP request to the gateway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayRequest {
    pub url: String,
    /// The configured headers, with a `Content-Type` when none was given.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// What one message to a gateway is filled with.
#[derive(Debug, Clone, Copy)]
pub struct GatewayMessage<'a> {
    pub message: &'a str,
    pub link: &'a str,
    pub phone: &'a str,
    pub chat_id: &'a str,
}

/// How values are written into the template, following what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyFormat {
    Json,
    Form,
    Text,
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// Header lines (`Name: value`, one a line) as pairs.
fn parse_headers(text: &str) -> Result<Vec<(String, String)>, StoreError> {
    let mut headers = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let bad = |why: &str| StoreError::invalid("header", "Header", format!("baris {}: {why}", n + 1));
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad("tulis Nama: nilai, misalnya Authorization: Bearer abc123"));
        };
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() || !name.chars().all(is_token_char) {
            return Err(bad("nama header hanya boleh huruf, angka dan tanda hubung"));
        }
        if value.is_empty() || value.chars().any(char::is_control) {
            return Err(bad("nilai header kosong atau memuat karakter kendali"));
        }
        headers.push((name.to_string(), value.to_string()));
    }
    if headers.len() > MAX_HEADERS {
        return Err(StoreError::invalid("header", "Header", format!("paling banyak {MAX_HEADERS} header")));
    }
    Ok(headers)
}

/// `{"…` or `[…`, but not a template that starts with a placeholder.
fn looks_like_json(template: &str) -> bool {
    let mut chars = template.chars().filter(|c| !c.is_whitespace());
    match chars.next() {
        Some('[') => true,
        Some('{') => matches!(chars.next(), Some('"' | '}')),
        _ => false,
    }
}

/// `scheme://host[:port]` of an http(s) URL, without a user or password.
fn origin(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    format!("{scheme}://{host}")
}

fn percent_encode(value: &str) -> String {
    let mut out = String::new();
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

impl MessageGateway {
    /// Checks what an administrator typed: an http(s) URL, `Name: value`
    /// header lines and a template with `{pesan}` — valid JSON once filled
    /// when it is JSON.
    pub fn parse(url: &str, headers: &str, body_template: &str) -> Result<MessageGateway, StoreError> {
        let url = url.trim();
        let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
        if host.is_none_or(|h| h.is_empty() || h.starts_with('/')) || url.chars().any(char::is_whitespace) {
            return Err(StoreError::invalid(
                "url",
                "URL",
                "tulis alamat http:// atau https:// gateway, misalnya https://api.gateway.co.id/send",
            ));
        }
        if url.len() > 2000 {
            return Err(StoreError::invalid("url", "URL", "terlalu panjang (paling banyak 2000 karakter)"));
        }
        let headers = parse_headers(headers)?;
        let body_template = body_template.trim().to_string();
        if !body_template.contains("{pesan}") {
            return Err(StoreError::invalid(
                "template",
                "Template isi",
                "harus memuat {pesan}, tempat isi pesan",
            ));
        }
        if body_template.chars().count() > MAX_TEMPLATE {
            return Err(StoreError::invalid(
                "template",
                "Template isi",
                format!("terlalu panjang (paling banyak {MAX_TEMPLATE} karakter)"),
            ));
        }
        let gateway = MessageGateway { url: url.to_string(), headers, body_template };
        if gateway.format() == BodyFormat::Json {
            let sample = GatewayMessage { message: "x", link: "x", phone: "x", chat_id: "x" };
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&gateway.request(sample).body) {
                return Err(StoreError::invalid(
                    "template",
                    "Template isi",
                    format!(
                        "bukan JSON yang sah setelah isian diganti ({e}); tulis isian di dalam tanda kutip, misalnya \"{{pesan}}\""
                    ),
                ));
            }
        }
        Ok(gateway)
    }

    fn content_type(&self) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-type")).map(|(_, v)| v.as_str())
    }

    /// A template that starts as JSON (`{"`, `[`) is JSON; a form content type means
    /// form encoding; anything else is sent as written.
    fn format(&self) -> BodyFormat {
        if self.content_type().is_some_and(|t| t.contains("x-www-form-urlencoded")) {
            BodyFormat::Form
        } else if looks_like_json(&self.body_template) {
            BodyFormat::Json
        } else {
            BodyFormat::Text
        }
    }

    /// The request for one message: each placeholder replaced once, its
    /// value escaped for the body's format (so a quote in a message cannot
    /// break a JSON body or add a field to it).
    pub fn request(&self, message: GatewayMessage<'_>) -> GatewayRequest {
        let format = self.format();
        let escape = |value: &str| match format {
            BodyFormat::Json => {
                let quoted = serde_json::to_string(value).expect("a string serialises");
                quoted[1..quoted.len() - 1].to_string()
            }
            BodyFormat::Form => percent_encode(value),
            BodyFormat::Text => value.to_string(),
        };
        let values =
            PLACEHOLDERS.into_iter().zip([message.message, message.link, message.phone, message.chat_id]);
        let values: Vec<(&str, &str)> = values.collect();
        let mut body = String::new();
        let mut rest = self.body_template.as_str();
        while !rest.is_empty() {
            match values.iter().find(|(p, _)| rest.starts_with(p)) {
                Some((p, value)) => {
                    body.push_str(&escape(value));
                    rest = &rest[p.len()..];
                }
                None => {
                    let c = rest.chars().next().expect("not empty");
                    body.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        let mut headers = self.headers.clone();
        if self.content_type().is_none() {
            let default = match format {
                BodyFormat::Json => "application/json",
                BodyFormat::Form => "application/x-www-form-urlencoded",
                BodyFormat::Text => "text/plain; charset=utf-8",
            };
            headers.push(("Content-Type".into(), default.into()));
        }
        GatewayRequest { url: self.url.clone(), headers, body }
    }

    /// The headers as shown after saving: names, and values hidden but for
    /// their last four characters.
    pub fn masked_headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(name, value)| {
                let chars: Vec<char> = value.chars().collect();
                let tail: String =
                    if chars.len() > 8 { chars[chars.len() - 4..].iter().collect() } else { String::new() };
                (name.clone(), format!("••••••{tail}"))
            })
            .collect()
    }
}

impl Store {
    /// Saves `agency`'s gateway as `by` set it, in the audit chain (never a
    /// header's value). `headers` of `None` keeps the headers saved before
    /// (they are never shown again, only masked).
    pub async fn save_message_gateway(
        &self,
        agency: &str,
        url: &str,
        headers: Option<&str>,
        body_template: &str,
        by: &str,
        now: i64,
    ) -> Result<MessageGateway, StoreError> {
        let kept = match headers {
            Some(_) => None,
            None => self.message_gateway(agency).await?.map(|g| g.headers),
        };
        let mut gateway = MessageGateway::parse(url, headers.unwrap_or_default(), body_template)?;
        if let Some(kept) = kept {
            gateway.headers = kept;
        }
        let json = serde_json::to_string(&gateway.headers).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let sealed = match &self.key {
            Some(key) => key.seal(&json),
            None => json,
        };
        let statement = sqlx::query(
            "INSERT INTO message_gateways (agency_id, url, headers, body_template, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (agency_id) DO UPDATE SET url = $2, headers = $3, body_template = $4, updated_at = $5",
        )
        .bind(agency)
        .bind(gateway.url.clone())
        .bind(sealed)
        .bind(gateway.body_template.clone())
        .bind(now);
        let change = Change::MessageGatewaySet {
            origin: origin(&gateway.url),
            url_sha256: sha256(gateway.url.as_bytes()),
            template_sha256: sha256(gateway.body_template.as_bytes()),
            headers: gateway.headers.iter().map(|(name, _)| name.clone()).collect(),
            headers_replaced: headers.is_some(),
        };
        self.write_recorded(statement, Owner::Agency(agency), Some(by), change, now).await?;
        Ok(gateway)
    }

    /// `agency`'s gateway, if one is set up.
    pub async fn message_gateway(&self, agency: &str) -> Result<Option<MessageGateway>, StoreError> {
        let Some(row) =
            sqlx::query("SELECT url, headers, body_template FROM message_gateways WHERE agency_id = $1")
                .bind(agency)
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        let stored: String = row.try_get("headers")?;
        // Plain JSON when saved without a data key; sealed otherwise.
        let json = if stored.starts_with('[') {
            stored
        } else {
            match &self.key {
                Some(key) => key.open(&stored)?,
                None => {
                    return Err(StoreError::BadKey("header gateway pesan tersegel tanpa kunci data".into()));
                }
            }
        };
        let headers = serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(Some(MessageGateway {
            url: row.try_get("url")?,
            headers,
            body_template: row.try_get("body_template")?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message() -> GatewayMessage<'static> {
        GatewayMessage {
            message: "Tugas \"baru\"\nbaris 2",
            link: "https://sopir.go.id/permohonan/1",
            phone: "0812",
            chat_id: "-100",
        }
    }

    #[test]
    fn values_are_escaped_for_a_json_template_and_placeholders_in_values_stay_text() {
        let g = MessageGateway::parse("https://gw.test/send", "", r#"{"to":"{telepon}","text":"{pesan}"}"#)
            .unwrap();
        let mut m = message();
        m.message = "Tugas \"baru\"\n{telepon}";
        let request = g.request(m);
        let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
        assert_eq!(body["to"], "0812");
        assert_eq!(body["text"], "Tugas \"baru\"\n{telepon}");
        assert!(request.headers.contains(&("Content-Type".into(), "application/json".into())));
    }

    #[test]
    fn a_form_template_is_percent_encoded_and_text_is_sent_as_written() {
        let form = MessageGateway::parse(
            "http://gw.test",
            "Content-Type: application/x-www-form-urlencoded",
            "chat_id={chat_id}&text={pesan}",
        )
        .unwrap();
        assert_eq!(form.request(message()).body, "chat_id=-100&text=Tugas%20%22baru%22%0Abaris%202");
        let text = MessageGateway::parse("http://gw.test", "", "{pesan} {tautan}").unwrap();
        assert_eq!(text.request(message()).body, "Tugas \"baru\"\nbaris 2 https://sopir.go.id/permohonan/1");
    }

    #[test]
    fn bad_settings_are_refused_naming_the_field() {
        let refused = |url: &str, headers: &str, template: &str| {
            MessageGateway::parse(url, headers, template).unwrap_err().to_string()
        };
        assert!(refused("ftp://gw", "", "{pesan}").contains("URL"));
        assert!(refused("https://", "", "{pesan}").contains("URL"));
        assert!(refused("https://gw", "Authorization Bearer x", "{pesan}").contains("baris 1"));
        assert!(refused("https://gw", "", "{\"text\":\"halo\"}").contains("{pesan}"));
        assert!(refused("https://gw", "", "{\"text\":{pesan}}").contains("bukan JSON yang sah"));
    }

    #[test]
    fn the_origin_keeps_no_path_query_or_password() {
        assert_eq!(origin("https://api.telegram.org/bot123:ABC/sendMessage"), "https://api.telegram.org");
        assert_eq!(origin("http://user:rahasia@127.0.0.1:8080?key=x"), "http://127.0.0.1:8080");
    }

    #[test]
    fn header_values_are_masked_but_for_their_tail() {
        let g =
            MessageGateway::parse("https://gw", "Authorization: Bearer rahasia1234\nX-Key: abc", "{pesan}")
                .unwrap();
        assert_eq!(
            g.masked_headers(),
            [("Authorization".into(), "••••••1234".into()), ("X-Key".into(), "••••••".into())]
        );
    }
}
