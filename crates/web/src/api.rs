//! The REST API under `/api/v1`: what the web pages do, as JSON, for other
//! systems and administrators' scripts. Callers authenticate with personal
//! tokens (`Authorization: Bearer …`) and act with their owner's rights;
//! errors are RFC 9457 problem details; lists page with cursors; creating
//! and acting calls take an `Idempotency-Key`. The OpenAPI 3.1 document is
//! generated from the handlers' annotations, served at `/api/openapi.json`
//! and browsable at `/api/docs`.

mod accounts;
mod agencies;
mod audit;
mod calendar;
mod caller;
mod case_duties;
mod cases;
mod choices;
mod connectors;
mod dashboard;
pub mod feed;
mod handover;
mod letter_settings;
mod links;
mod monev;
mod notice_settings;
mod notifications;
mod organisation;
mod paging;
pub mod problem;
mod provisioning;
mod registers;
mod registrations;
mod registries;
mod replay;
mod reports;
mod roster;
mod satisfaction;
mod schema_rules;
mod settings;
mod signing_queue;
mod sop_drafts;
pub(crate) mod sop_schema;
mod sops;
mod survey;
mod tasks;
mod tokens;
pub(crate) mod webhooks;

use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sopir API",
        version = "1",
        description = "SOP layanan Diskominfo sebagai alur kerja: ajukan permohonan, kerjakan tugas, baca registri, agenda dan laporan.\n\nBuat token di halaman **Akun → Token API** (kata sandi diminta lagi) dan kirim sebagai `Authorization: Bearer <token>`. Token berlaku sampai tanggal yang dipilih saat dibuat (bawaan 90 hari, paling lama 365 hari) dan berhenti lebih awal bila dicabut atau bila kata sandi pemiliknya diganti; token yang tidak berlaku dijawab `401`. Kesalahan dijawab sebagai *problem details* (RFC 9457, `application/problem+json`) dengan isian yang gagal di `errors`. Daftar dibagi per halaman: kirim `next_cursor` sebagai `cursor`. Panggilan yang membuat atau bertindak menerima header `Idempotency-Key`: ulangan dengan kunci dan isi yang sama mendapat jawaban pertama tanpa bertindak dua kali."
    ),
    modifiers(&TokenScheme),
    tags(
        (name = "sop", description = "SOP lembaga dan dokumennya"),
        (name = "permohonan", description = "Permohonan (kasus): ajukan, baca, kerjakan tugas, tarik"),
        (name = "tugas", description = "Tugas terbuka pemanggil"),
        (name = "registri", description = "Registri akun VPN, subdomain, e-mail, akses ruang server"),
        (name = "agenda", description = "Agenda surat masuk dan keluar"),
        (name = "laporan", description = "Laporan akuntabilitas waktu baku"),
        (name = "akun", description = "Pemanggil dan notifikasinya"),
        (name = "audit", description = "Titik periksa rantai audit untuk saksi di luar server"),
        (name = "organisasi", description = "Instansi dan organisasinya: unit, jabatan, pegawai, login dan penugasan jabatan"),
        (name = "kalender", description = "Hari libur, cuti bersama dan jadwal jam kerja instansi"),
        (name = "integrasi", description = "Umpan peristiwa instansi dan webhook untuk sistem lain (SPLP, dasbor provinsi, skrip instansi)"),
    )
)]
struct ApiDoc;

/// Declares the bearer-token scheme the paths refer to as `token`.
struct TokenScheme;

impl Modify for TokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "Token API pribadi (dibuat di halaman Akun → Token API dengan kata sandi; berlaku paling lama 365 hari, berakhir saat kata sandi diganti)",
                    ))
                    .build(),
            ),
        );
    }
}

fn v1() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(notifications::me))
        .routes(routes!(notifications::list))
        .routes(routes!(notifications::mark_read))
        .routes(routes!(sops::list, sops::publish))
        .routes(routes!(sops::detail))
        .routes(routes!(sops::document))
        .routes(routes!(sops::versions))
        .routes(routes!(sops::diff))
        .routes(routes!(sops::withdraw))
        .routes(routes!(sops::restore))
        .routes(routes!(sop_schema::schema))
        .routes(routes!(cases::list, cases::submit))
        .routes(routes!(cases::read))
        .routes(routes!(cases::act))
        .routes(routes!(cases::act_at_step))
        .routes(routes!(cases::withdraw))
        .routes(routes!(case_duties::check_in))
        .routes(routes!(case_duties::decide_review_item))
        .routes(routes!(case_duties::reveal))
        .routes(routes!(cases::attachment))
        .routes(routes!(handover::list))
        .routes(routes!(handover::take))
        .routes(routes!(survey::questions, survey::answer))
        .routes(routes!(tasks::list))
        .routes(routes!(registries::kinds))
        .routes(routes!(registries::list))
        .routes(routes!(registries::entry))
        .routes(routes!(registries::change_state))
        .routes(routes!(connectors::list))
        .routes(routes!(connectors::save, connectors::remove))
        .routes(routes!(provisioning::retry))
        .routes(routes!(provisioning::by_hand))
        .routes(routes!(registers::registers))
        .routes(routes!(signing_queue::list))
        .routes(routes!(signing_queue::pdf))
        .routes(routes!(signing_queue::sign))
        .routes(routes!(signing_queue::wet_ink))
        .routes(routes!(reports::report))
        .routes(routes!(dashboard::dashboard))
        .routes(routes!(monev::read, monev::sign))
        .routes(routes!(monev::set_period))
        .routes(routes!(monev::questions, monev::set_questions))
        .routes(routes!(monev::evaluate))
        .routes(routes!(satisfaction::satisfaction))
        .routes(routes!(audit::checkpoint))
        .routes(routes!(registrations::list))
        .routes(routes!(registrations::approve))
        .routes(routes!(registrations::refuse))
        .routes(routes!(notice_settings::mail, notice_settings::save_mail))
        .routes(routes!(notice_settings::notice_choices, notice_settings::save_notice_choices))
        .routes(routes!(letter_settings::put_logo))
        .routes(routes!(letter_settings::put_certificate))
        .routes(routes!(letter_settings::signing_service, letter_settings::save_signing_service))
        .routes(routes!(letter_settings::put_signer_nik))
        .routes(routes!(settings::sign_in, settings::save_sign_in))
        .routes(routes!(settings::gateway, settings::save_gateway))
        .routes(routes!(settings::test_gateway))
        .routes(routes!(tokens::list))
        .routes(routes!(tokens::revoke))
        .routes(routes!(agencies::list, agencies::create))
        .routes(routes!(agencies::profile, agencies::save_profile))
        .routes(routes!(sop_drafts::list, sop_drafts::create))
        .routes(routes!(sop_drafts::awaiting))
        .routes(routes!(sop_drafts::read, sop_drafts::save, sop_drafts::delete))
        .routes(routes!(sop_drafts::publish))
        .routes(routes!(sop_drafts::send_for_review))
        .routes(routes!(sop_drafts::comment))
        .routes(routes!(sop_drafts::return_draft))
        .routes(routes!(sop_drafts::approve))
        .routes(routes!(sop_drafts::ratify))
        .routes(routes!(sop_drafts::import_document))
        .routes(routes!(organisation::read))
        .routes(routes!(organisation::put_unit))
        .routes(routes!(organisation::put_position))
        .routes(routes!(organisation::add_person))
        .routes(routes!(organisation::put_person))
        .routes(routes!(organisation::add_login))
        .routes(routes!(organisation::add_holding))
        .routes(routes!(organisation::end_holding))
        .routes(routes!(accounts::deactivate))
        .routes(routes!(accounts::reactivate))
        .routes(routes!(accounts::unlock))
        .routes(routes!(accounts::reset))
        .routes(routes!(roster::preview))
        .routes(routes!(roster::import))
        .routes(routes!(calendar::read))
        .routes(routes!(calendar::add_day_off))
        .routes(routes!(calendar::remove_day_off))
        .routes(routes!(calendar::add_schedule))
        .routes(routes!(feed::feed))
        .routes(routes!(webhooks::list, webhooks::add))
        .routes(routes!(webhooks::read, webhooks::remove))
        .routes(routes!(webhooks::deliveries))
}

/// The API's routes with the OpenAPI document, one agency's document (its
/// SOPs' exact request bodies in it) and the document's browser.
pub fn router() -> Router<AppState> {
    let (router, openapi) =
        OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/api/v1", v1()).split_for_parts();
    let mut document = serde_json::to_value(&openapi).expect("the document serialises");
    links::add(&mut document);
    schema_rules::add(&mut document);
    let served = document.clone();
    let document = std::sync::Arc::new(document);
    router
        .route(
            "/api/openapi/{agency}",
            axum::routing::get(move |state, path| sop_schema::agency_document(state, path, document.clone())),
        )
        .merge(
            utoipa_swagger_ui::SwaggerUi::new("/api/docs")
                .external_url_unchecked("/api/openapi.json", served),
        )
}
