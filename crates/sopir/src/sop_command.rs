//! `sopir sop …`: list, lint, show and render SOP definitions, and import
//! existing SOP documents as drafts.

use std::path::{Path, PathBuf};

use sop::{Catalog, Severity, Sop};

use crate::{CliError, Format, SopCommand, Source, simulate};

pub fn run(command: SopCommand) -> Result<(), CliError> {
    match command {
        SopCommand::List { source } => {
            print_list(&catalog(&source)?);
            Ok(())
        }
        SopCommand::Lint { paths } => lint(&paths),
        SopCommand::Show { id, source } => {
            let catalog = catalog(&source)?;
            let sop = find(&catalog, &id)?;
            print!("{}", show(sop));
            Ok(())
        }
        SopCommand::Simulate { id, decide, start, late, stop_at, in_database, source, database } => {
            let catalog = catalog(&source)?;
            let live = in_database.then(|| database.live());
            let runtime = crate::runtime()?;
            let published;
            let sop = match &live {
                Some(live) => {
                    published = runtime.block_on(live.published(&id))?;
                    &published
                }
                None => find(&catalog, &id)?,
            };
            let decisions = simulate::Decisions::parse(&decide, sop)?;
            if let Some(no) = stop_at.filter(|no| sop.step(*no).is_none()) {
                return Err(CliError::BadStop {
                    step: no,
                    why: format!("{} tidak punya langkah {no}", sop.id),
                });
            }
            let options = simulate::Options { decisions, start, late_step: late, stop_at, live };
            let run = runtime.block_on(simulate::run(&catalog, sop, options))?;
            print!("{}", run.timeline);
            match run.stopped {
                None => Ok(()),
                Some(why) => Err(CliError::NeverEnds(why)),
            }
        }
        SopCommand::Render { id, format, output, source } => {
            let catalog = catalog(&source)?;
            let sop = find(&catalog, &id)?;
            let agency = catalog.agency(&sop.agency);
            let document = match format {
                Format::Html => sop::render::html(sop, agency).into_bytes(),
                Format::Svg => sop::render::svg(sop, agency).into_bytes(),
                Format::Pdf => documents::sop_document::to_pdf(sop, agency),
            };
            write_out(output.as_deref(), &document)
        }
        SopCommand::Import { file, output, agency, source } => {
            import(&file, output.as_deref(), agency, &source)
        }
    }
}

/// Writes `document` to `output`, or to standard output without one.
fn write_out(output: Option<&Path>, document: &[u8]) -> Result<(), CliError> {
    match output {
        Some(path) => {
            std::fs::write(path, document)
                .map_err(|source| CliError::Write { path: path.to_path_buf(), source })?;
            eprintln!("ditulis: {}", path.display());
        }
        None => {
            use std::io::Write as _;
            std::io::stdout()
                .write_all(document)
                .map_err(|source| CliError::Write { path: "-".into(), source })?;
        }
    }
    Ok(())
}

/// `sopir sop import`: the draft is written, then what the import was
/// unsure of and what the linter says of the draft, each with its line.
fn import(
    file: &Path,
    output: Option<&Path>,
    agency: Option<String>,
    source: &Source,
) -> Result<(), CliError> {
    let catalog = catalog(source)?;
    let agency = match &agency {
        Some(id) => Some(catalog.agency(id).ok_or_else(|| CliError::UnknownAgency(id.clone()))?),
        None => None,
    };
    let read_error = |source| CliError::Read { path: file.to_path_buf(), source };
    // Refused before it is read whole.
    let size = std::fs::metadata(file).map_err(read_error)?.len();
    if size > sop::import::MAX_DOCUMENT_BYTES as u64 {
        let limit_kb = sop::import::MAX_DOCUMENT_BYTES / 1024;
        return Err(CliError::Import {
            path: file.to_path_buf(),
            source: sop::import::ImportError::TooLarge { limit_kb },
        });
    }
    let data = std::fs::read(file).map_err(read_error)?;
    let draft = sop::import::import(&data, agency)
        .map_err(|source| CliError::Import { path: file.to_path_buf(), source })?;
    write_out(output, draft.toml.as_bytes())?;
    let name = output.map_or_else(|| "draf.toml".to_string(), |p| p.display().to_string());
    for unsure in &draft.unsure {
        let value = if unsure.value.is_empty() { String::new() } else { format!(" \"{}\"", unsure.value) };
        eprintln!("{name}:{}: tidak pasti: {}{value} — {}", unsure.line, unsure.place, unsure.why);
    }
    let findings = match sop::parse_sop(&name, &draft.toml) {
        Ok(sop) => sop::lint::lint(&sop),
        Err(errors) => errors,
    };
    for finding in &findings {
        eprintln!("{finding}");
    }
    eprintln!(
        "{} diimpor: {} nilai tidak pasti, {} temuan pemeriksa (kesalahan: {})",
        draft.kind.extension(),
        draft.unsure.len(),
        findings.len(),
        findings.iter().filter(|d| d.severity == Severity::Error).count()
    );
    Ok(())
}

/// Built-ins, plus the definitions of `--dir` when given.
fn catalog(source: &Source) -> Result<Catalog, CliError> {
    let mut catalog = Catalog::builtin();
    let Some(dir) = &source.dir else { return Ok(catalog) };
    let (extra, diagnostics) = Catalog::load_paths(std::slice::from_ref(dir))?;
    let errors: Vec<String> =
        diagnostics.iter().filter(|d| d.severity == Severity::Error).map(ToString::to_string).collect();
    if !errors.is_empty() {
        return Err(CliError::BadDefinitions(errors.join("\n")));
    }
    catalog.agencies.extend(extra.agencies);
    catalog.sops.extend(extra.sops);
    Ok(catalog)
}

fn find<'a>(catalog: &'a Catalog, id: &str) -> Result<&'a Sop, CliError> {
    catalog.sop(id).ok_or_else(|| CliError::UnknownSop(id.to_string()))
}

pub fn print_list(catalog: &Catalog) {
    println!("{:<26} {:<22} {:>7}  {:<12} NAMA", "ID", "NOMOR", "LANGKAH", "INSTANSI");
    for sop in &catalog.sops {
        println!(
            "{:<26} {:<22} {:>7}  {:<12} {}",
            sop.id,
            sop.identity.nomor.value,
            sop.steps.len(),
            sop.agency,
            sop.identity.nama.value
        );
    }
}

fn lint(paths: &[PathBuf]) -> Result<(), CliError> {
    let (catalog, mut findings) = if paths.is_empty() {
        let sources = sop::catalog::BUILTIN.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        Catalog::from_sources(sources)
    } else {
        Catalog::load_paths(paths)?
    };
    for sop in &catalog.sops {
        findings.extend(sop::lint::lint(sop));
    }
    findings.sort_by(|a, b| (&a.file, a.at).cmp(&(&b.file, b.at)));
    for finding in &findings {
        println!("{finding}");
    }
    let errors = findings.iter().filter(|d| d.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    println!(
        "{} SOP diperiksa, {} profil instansi: {errors} kesalahan, {warnings} peringatan",
        catalog.sops.len(),
        catalog.agencies.len()
    );
    if errors > 0 { Err(CliError::LintErrors(errors)) } else { Ok(()) }
}

fn show(sop: &Sop) -> String {
    let id = &sop.identity;
    let mut out = format!(
        "{} (versi {})\nNomor SOP : {}\nNama SOP  : {}\nInstansi  : {}\n",
        sop.id, sop.version, id.nomor.value, id.nama.value, sop.agency
    );
    if let Some(a) = &id.disahkan_oleh {
        out.push_str(&format!("Disahkan  : {}, {}\n", a.nama, a.jabatan));
    }
    out.push_str("\nPelaksana:\n");
    for lane in &sop.lanes {
        let role = if lane.requester { " (pemohon)" } else { "" };
        let positions = if lane.anyone { "setiap pegawai".to_string() } else { lane.positions.join(", ") };
        out.push_str(&format!("  {:<16} {}{role} — jabatan: {positions}\n", lane.id, lane.name));
    }
    out.push_str("\nLangkah:\n");
    for step in &sop.steps {
        let time = step.time.map_or("-".to_string(), |t| t.to_string());
        let next = match &step.decision {
            Some(d) => format!("{} → {}, {} → {}", d.ya_label, target(d.ya), d.tidak_label, target(d.tidak)),
            None => format!("→ {}", step.next.iter().map(|t| target(*t)).collect::<Vec<_>>().join(" + ")),
        };
        let mut next = next;
        if !step.after.is_empty() {
            let after: Vec<String> = step.after.iter().map(u32::to_string).collect();
            next.push_str(&format!(" (menunggu langkah {})", after.join(", ")));
        }
        if let (Some(n), Some(t)) = (step.max_rounds, step.exhausted) {
            next.push_str(&format!(", setelah {n} putaran → {}", target(t)));
        }
        if let Some(o) = step.outcome {
            next.push_str(&format!(", hasil: {}", o.key()));
        }
        let together = if step.partners.is_empty() {
            String::new()
        } else {
            format!(" & {} ({})", step.partners.join(" & "), step.together.key())
        };
        out.push_str(&format!(
            "  {:>2}. [{}{together}] {} ({}, {time}) {next}\n      {}\n",
            step.no,
            step.lane,
            step.action.label(),
            step.action.key(),
            step.activity
        ));
    }
    out
}

fn target(t: sop::Target) -> String {
    match t {
        sop::Target::Step(n) => format!("langkah {n}"),
        sop::Target::End => "selesai".into(),
        sop::Target::Rejected => "ditolak".into(),
    }
}
