//! Checkpoints of the installation's audit chain — which anchors every
//! agency's chain (see [`crate::chain_anchor`]): its head (sequence number
//! and hash) at a moment, authenticated with a key that is not in the
//! database (derived from the data key) and kept where the database cannot
//! rewrite it — in append-only files beside the server, and by external
//! witnesses that poll the API. Whoever can write to the database can drop
//! the append-only triggers, change an event, recompute every hash after
//! it (and every anchor) and cut the tail: the chains still link up, but
//! the installation's no longer has the hash a checkpoint recorded at that
//! sequence number, or no longer reaches it.

use std::fmt;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use jiff::Timestamp;
use sha2::Sha256;
use sqlx::Row;

use crate::audit::{GENESIS, legacy_end};
use crate::personal_data::{hex, unhex};
use crate::{DataKey, Store, StoreError};

/// The first word of every checkpoint line: the format and its version.
pub const FORMAT: &str = "sopir-audit-checkpoint/1";
/// The name the checkpoint key is derived from the data key under.
const PURPOSE: &str = "sopir audit checkpoint key v1";
/// The directory under the data directory where the server keeps them.
pub const DIR_NAME: &str = "audit-checkpoints";

/// The key checkpoints are authenticated with (HMAC-SHA256). Derived from
/// the data key, so it lives where that key lives — the key file or
/// `SOPIR_DATA_KEY`, never the database — without reusing the key that
/// seals personal data.
#[derive(Clone)]
pub struct CheckpointKey([u8; 32]);

impl fmt::Debug for CheckpointKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CheckpointKey(…)")
    }
}

impl CheckpointKey {
    pub fn from_data_key(key: &DataKey) -> CheckpointKey {
        CheckpointKey(key.derive(PURPOSE))
    }

    fn mac(&self, body: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(body.as_bytes());
        mac
    }
}

/// The chain's head as it was at `at`: `seq` events, the last with `hash`
/// (`seq` 0: the empty chain, hash [`GENESIS`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub hash: String,
    pub at: Timestamp,
}

impl Checkpoint {
    fn body(&self) -> String {
        format!("{FORMAT} seq={} hash={} at={}", self.seq, self.hash, self.at)
    }

    /// One line: the fields, then the MAC over everything before ` mac=`.
    pub fn signed_line(&self, key: &CheckpointKey) -> String {
        let body = self.body();
        let mac = key.mac(&body).finalize().into_bytes();
        format!("{body} mac={}", hex(&mac))
    }

    /// Reads a line made by [`Checkpoint::signed_line`], checking its MAC.
    pub fn parse(line: &str, key: &CheckpointKey) -> Result<Checkpoint, BadLine> {
        let line = line.trim_end_matches(['\r', '\n']);
        if !line.starts_with(FORMAT) {
            return Err(BadLine::Unreadable("tidak diawali sopir-audit-checkpoint/1"));
        }
        let (body, mac) =
            line.rsplit_once(" mac=").ok_or(BadLine::Unreadable("tanpa tanda tangan (mac=)"))?;
        let tag = unhex(mac).ok_or(BadLine::Unreadable("tanda tangannya bukan heksadesimal"))?;
        key.mac(body).verify_slice(&tag).map_err(|_| BadLine::Forged)?;
        let mut words = body.split(' ').skip(1);
        let mut field = |name: &str| words.next().and_then(|w| w.strip_prefix(name)).map(str::to_string);
        let (Some(seq), Some(hash), Some(at)) = (field("seq="), field("hash="), field("at=")) else {
            return Err(BadLine::Unreadable("isian seq=, hash= atau at= tidak ada"));
        };
        let checkpoint = Checkpoint {
            seq: seq.parse().map_err(|_| BadLine::Unreadable("seq bukan bilangan"))?,
            hash,
            at: at.parse().map_err(|_| BadLine::Unreadable("at bukan waktu RFC 3339"))?,
        };
        // A signed line is only ever written in the canonical form.
        if checkpoint.body() != body {
            return Err(BadLine::Unreadable("bentuknya tidak baku"));
        }
        Ok(checkpoint)
    }
}

/// Why a line of a checkpoint file is not a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadLine {
    /// Not a checkpoint line, or one cut short (a write a crash interrupted).
    Unreadable(&'static str),
    /// Its MAC does not match: the line was changed, or made with another key.
    Forged,
}

impl fmt::Display for BadLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadLine::Unreadable(why) => write!(f, "bukan titik periksa yang terbaca ({why})"),
            BadLine::Forged => f.write_str(
                "tanda tangan titik periksa tidak sah: baris ini diubah, atau dibuat dengan kunci lain",
            ),
        }
    }
}

/// Where a checkpoint line was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub file: PathBuf,
    /// From 1.
    pub line: usize,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} baris {}", self.file.display(), self.line)
    }
}

/// One non-blank line of a checkpoint file, read.
#[derive(Debug, Clone)]
pub struct Found {
    pub place: Place,
    pub read: Result<Checkpoint, BadLine>,
}

/// The file of `dir` a checkpoint made at `at` goes to: one per month (UTC),
/// so none grows without end.
fn file_for(dir: &Path, at: Timestamp) -> PathBuf {
    dir.join(format!("{}.log", at.strftime("%Y-%m")))
}

/// Appends `checkpoint`, signed, to its month's file in `dir` (both made if
/// needed) and syncs it to disk. Files are only ever appended to; an
/// operator may make them append-only for the system too (`chattr +a`).
pub fn append(dir: &Path, checkpoint: &Checkpoint, key: &CheckpointKey) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = file_for(dir, checkpoint.at);
    let mut file = std::fs::OpenOptions::new().read(true).append(true).create(true).open(&path)?;
    let mut text = String::new();
    // A line a crash cut short is ended first, so this one stays whole.
    if file.metadata()?.len() > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::End(-1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            text.push('\n');
        }
    }
    text.push_str(&checkpoint.signed_line(key));
    text.push('\n');
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(path)
}

/// Every checkpoint line of `paths`: files as they are, directories' `.log`
/// files in name order (so oldest month first).
pub fn read(paths: &[PathBuf], key: &CheckpointKey) -> std::io::Result<Vec<Found>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut logs: Vec<PathBuf> =
                std::fs::read_dir(path)?.map(|entry| entry.map(|e| e.path())).collect::<Result<_, _>>()?;
            logs.retain(|p| p.is_file() && p.extension().is_some_and(|e| e == "log"));
            logs.sort();
            files.extend(logs);
        } else {
            files.push(path.clone());
        }
    }
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file)?;
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let place = Place { file: file.clone(), line: i + 1 };
            found.push(Found { place, read: Checkpoint::parse(line, key) });
        }
    }
    Ok(found)
}

/// How the chain in the database differs from a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// The chain has another hash at the checkpoint's sequence number:
    /// events up to it were changed and the hashes after them recomputed.
    Rewritten { found: String },
    /// The event at the checkpoint's sequence number is gone.
    Missing,
    /// The chain ends before the checkpoint's sequence number: its tail was cut.
    Shortened { chain_end: i64 },
}

/// What is wrong with one checkpoint line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    BadLine { place: Place, why: BadLine },
    Mismatch { place: Place, checkpoint: Checkpoint, mismatch: Mismatch },
}

/// The first characters of a hash, enough to tell two apart on screen.
fn short(hash: &str) -> &str {
    hash.get(..16).unwrap_or(hash)
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::BadLine { place, why } => write!(f, "{place}: {why}"),
            Problem::Mismatch { place, checkpoint: c, mismatch } => match mismatch {
                Mismatch::Rewritten { found } => write!(
                    f,
                    "{place}: titik periksa {} mencatat event #{} dengan hash {}…, tetapi di basis data event #{} ber-hash {}…: event sampai #{} telah diubah dan hash-nya dihitung ulang",
                    c.at,
                    c.seq,
                    short(&c.hash),
                    c.seq,
                    short(found),
                    c.seq
                ),
                Mismatch::Missing => write!(
                    f,
                    "{place}: titik periksa {} mencatat event #{}, tetapi event itu tidak ada lagi di basis data",
                    c.at, c.seq
                ),
                Mismatch::Shortened { chain_end } => write!(
                    f,
                    "{place}: titik periksa {} mencatat event #{}, tetapi rantai di basis data hanya sampai event #{chain_end}: ujung rantai telah dipotong",
                    c.at, c.seq
                ),
            },
        }
    }
}

/// How the chain in the database stands against every checkpoint read.
#[derive(Debug, Clone, Default)]
pub struct Anchoring {
    /// Checkpoints the chain agrees with.
    pub matching: usize,
    /// Of those, the one furthest along the chain.
    pub newest_match: Option<(Place, Checkpoint)>,
    /// In the order the lines were read.
    pub problems: Vec<Problem>,
}

impl Store {
    /// The key checkpoints are signed with, when the store has the data key.
    pub fn checkpoint_key(&self) -> Option<CheckpointKey> {
        self.key.as_ref().map(CheckpointKey::from_data_key)
    }

    /// The chain's head now, as a checkpoint made at `at`.
    pub async fn audit_head(&self, at: Timestamp) -> Result<Checkpoint, StoreError> {
        let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        Ok(Checkpoint { seq: head.try_get("seq")?, hash: head.try_get("hash")?, at })
    }

    /// The hash the installation's chain has at `seq` now (`None`: no such
    /// event).
    pub async fn chain_hash_at(&self, seq: i64) -> Result<Option<String>, StoreError> {
        if seq == 0 {
            return Ok(Some(GENESIS.to_string()));
        }
        let query = if seq <= legacy_end(&self.pool).await? {
            sqlx::query("SELECT hash FROM events WHERE seq = $1 AND chain_seq IS NULL")
        } else {
            sqlx::query("SELECT hash FROM events WHERE agency_id = '' AND chain_seq = $1")
        };
        let row = query.bind(seq).fetch_optional(&self.pool).await?;
        Ok(row.map(|r| r.try_get("hash")).transpose()?)
    }

    /// How many events the installation's chain holds now.
    async fn chain_end(&self) -> Result<i64, StoreError> {
        let after: Option<i64> = sqlx::query_scalar("SELECT MAX(chain_seq) FROM events WHERE agency_id = ''")
            .fetch_one(&self.pool)
            .await?;
        if let Some(end) = after {
            return Ok(end);
        }
        Ok(sqlx::query_scalar(
            "SELECT COALESCE(MAX(seq), 0) FROM events WHERE seq <= $1 AND chain_seq IS NULL",
        )
        .bind(legacy_end(&self.pool).await?)
        .fetch_one(&self.pool)
        .await?)
    }

    /// How the chain, `chain_end` events long, differs from `checkpoint`.
    async fn compare(&self, checkpoint: &Checkpoint, chain_end: i64) -> Result<Option<Mismatch>, StoreError> {
        if checkpoint.seq > chain_end {
            return Ok(Some(Mismatch::Shortened { chain_end }));
        }
        Ok(match self.chain_hash_at(checkpoint.seq).await? {
            None => Some(Mismatch::Missing),
            Some(found) if found != checkpoint.hash => Some(Mismatch::Rewritten { found }),
            Some(_) => None,
        })
    }

    /// Checks every checkpoint read against the chain in the database.
    pub async fn anchor(&self, found: Vec<Found>) -> Result<Anchoring, StoreError> {
        let chain_end = self.chain_end().await?;
        let mut anchoring = Anchoring::default();
        for Found { place, read } in found {
            let checkpoint = match read {
                Ok(checkpoint) => checkpoint,
                Err(why) => {
                    anchoring.problems.push(Problem::BadLine { place, why });
                    continue;
                }
            };
            match self.compare(&checkpoint, chain_end).await? {
                Some(mismatch) => anchoring.problems.push(Problem::Mismatch { place, checkpoint, mismatch }),
                None => {
                    anchoring.matching += 1;
                    if anchoring.newest_match.as_ref().is_none_or(|(_, c)| c.seq <= checkpoint.seq) {
                        anchoring.newest_match = Some((place, checkpoint));
                    }
                }
            }
        }
        Ok(anchoring)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> CheckpointKey {
        CheckpointKey::from_data_key(&DataKey::random())
    }

    fn sample() -> Checkpoint {
        Checkpoint { seq: 42, hash: "ab".repeat(32), at: "2026-11-23T02:00:00Z".parse().unwrap() }
    }

    #[test]
    fn a_line_reads_back_only_with_its_key_and_unchanged() {
        let key = key();
        let line = sample().signed_line(&key);
        assert!(line.starts_with(&format!(
            "sopir-audit-checkpoint/1 seq=42 hash={} at=2026-11-23T02:00:00Z mac=",
            "ab".repeat(32)
        )));
        assert_eq!(Checkpoint::parse(&line, &key), Ok(sample()));
        assert_eq!(Checkpoint::parse(&line, &self::key()), Err(BadLine::Forged));
        assert_eq!(Checkpoint::parse(&line.replace("seq=42", "seq=41"), &key), Err(BadLine::Forged));
        assert!(matches!(Checkpoint::parse(&line[..40], &key), Err(BadLine::Unreadable(_))));
        assert!(matches!(Checkpoint::parse("halo", &key), Err(BadLine::Unreadable(_))));
    }

    #[test]
    fn the_checkpoint_key_is_not_the_data_key() {
        let data = DataKey::random();
        let derived = CheckpointKey::from_data_key(&data);
        assert_ne!(hex(&derived.0), data.to_hex());
        assert_eq!(hex(&derived.0), hex(&CheckpointKey::from_data_key(&data).0), "the same key each time");
    }

    #[test]
    fn appending_after_a_torn_line_keeps_the_new_line_whole() {
        let dir = tempfile::tempdir().unwrap();
        let key = key();
        let path = append(dir.path(), &sample(), &key).unwrap();
        assert_eq!(path, dir.path().join("2026-11.log"));
        // A crash cut the next write short.
        let mut file = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        file.write_all(b"sopir-audit-checkpoint/1 seq=4").unwrap();
        let next = Checkpoint { seq: 50, ..sample() };
        append(dir.path(), &next, &key).unwrap();
        let found = read(&[dir.path().to_path_buf()], &key).unwrap();
        let reads: Vec<_> = found.iter().map(|f| (f.place.line, f.read.clone())).collect();
        assert_eq!(reads.len(), 3);
        assert_eq!(reads[0], (1, Ok(sample())));
        assert!(matches!(reads[1], (2, Err(BadLine::Unreadable(_)))));
        assert_eq!(reads[2], (3, Ok(next)));
    }
}
