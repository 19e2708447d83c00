//! `sopir bench import`: times importing a SIMPEG/SIASN roster of many
//! people (20,000: a regency's civil servants) into one agency of a fresh
//! database — the preview and the import in one transaction, the same file
//! again (which changes nothing), and a file in which a tenth of the people
//! moved to another position.

use std::time::Instant;

use store::Store;

use crate::CliError;
use crate::bench::bench_error;

pub struct Options {
    pub people: usize,
    pub agency: String,
    pub database_url: Option<String>,
}

/// A roster of `n` people spread over the agency's positions and units
/// (by id: two positions may share a name);
/// `moved`: every tenth person in the next position instead.
fn roster(agency: &sop::Agency, n: usize, moved: bool) -> Result<String, CliError> {
    if agency.positions.is_empty() || agency.units.is_empty() {
        return Err(bench_error(format!("instansi {} belum punya jabatan dan unit", agency.id)));
    }
    let first_birthday = jiff::civil::date(1970, 1, 1);
    let mut text = String::from("NIP;Nama;Gelar;Jabatan;Unit Kerja;E-mail;Nomor HP\r\n");
    for i in 0..n {
        // 999 sequence numbers per birth date keep every NIP apart.
        let born = first_birthday
            .checked_add(jiff::Span::new().days(i64::try_from(i / 999).unwrap_or(0)))
            .map_err(bench_error)?;
        let shift = usize::from(moved && i % 10 == 0);
        let position = &agency.positions[(i + shift) % agency.positions.len()];
        let unit = &agency.units[i % agency.units.len()];
        text.push_str(&format!(
            "{}199501{}{:03};Pegawai {i};S.Kom.;{};{};pegawai{i}@contoh.go.id;0812{:07}\r\n",
            born.strftime("%Y%m%d"),
            1 + i % 2,
            i % 999 + 1,
            position.id,
            unit.id,
            i
        ));
    }
    Ok(text)
}

/// Previews and imports `text`; prints the times and what changed.
async fn import(store: &Store, agency: &str, what: &str, text: &str) -> Result<f64, CliError> {
    let today = jiff::Zoned::now().date();
    let started = Instant::now();
    let preview = store.roster_preview(agency, text.as_bytes(), today).await?;
    let previewed = started.elapsed().as_secs_f64();
    let applied = store.apply_roster(agency, text.as_bytes(), &preview.sha256, today, false, None).await?;
    let total = started.elapsed().as_secs_f64();
    let plan = match &applied.outcome {
        Ok(plan) => plan,
        Err(errors) => return Err(bench_error(format!("{} kesalahan, mis. {}", errors.len(), errors[0]))),
    };
    println!(
        "  {what:<34} preview {previewed:>6.2} s  preview + import {total:>6.2} s   baru {:>6}  berubah {:>6}  tetap {:>6}",
        plan.new.len(),
        plan.changed.len(),
        plan.unchanged
    );
    Ok(total)
}

pub async fn run(options: Options) -> Result<(), CliError> {
    let dir = tempfile::tempdir().map_err(bench_error)?;
    let url = match &options.database_url {
        Some(url) => url.clone(),
        None => format!("sqlite://{}", dir.path().join("sopir.db").display()),
    };
    let store = Store::open(&url).await?;
    store::demo::install_reference(&store, &sop::Catalog::builtin(), jiff::Timestamp::now().as_millisecond())
        .await?;
    let agency = store.agency(&options.agency).await?;
    let first = roster(&agency, options.people, false)?;
    let moved = roster(&agency, options.people, true)?;
    println!(
        "Impor {} pegawai ke {} ({} jabatan, {} unit); berkas {:.1} MB; {}",
        options.people,
        agency.id,
        agency.positions.len(),
        agency.units.len(),
        first.len() as f64 / 1e6,
        if options.database_url.is_some() { "PostgreSQL" } else { "SQLite (WAL, synchronous=FULL)" }
    );
    let total = import(&store, &agency.id, "pertama (semua baru)", &first).await?;
    import(&store, &agency.id, "berkas sama lagi (tidak berubah)", &first).await?;
    import(&store, &agency.id, "sepersepuluh pindah jabatan", &moved).await?;
    let holdings = store.listed_holdings(&agency.id).await?.len();
    println!("  jabatan yang tercatat (dengan riwayat): {holdings}");
    if options.database_url.is_none() {
        println!("  ukuran basis data: {:.1} MB", crate::bench::size_of(dir.path()) as f64 / 1e6);
    }
    println!("Impor pertama: {:.0} pegawai/detik", options.people as f64 / total);
    Ok(())
}
