//! The web application: server-rendered pages in Bahasa Indonesia (English
//! selectable) over the store. It adds no workflow logic: every action is a
//! call into the store, which asks the engine.

pub mod api;
mod archive;
pub mod auth;
pub mod client_address;
mod directory;
mod display;
mod error;
pub mod gateway;
mod i18n;
mod layout;
pub mod mailer;
mod openid;
pub(crate) mod pages;
pub mod provisioner;
pub mod signing_contract;
pub mod signing_probe;
pub mod signing_service;
mod upload;
pub mod webhook_sender;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use tower_http::set_header::SetResponseHeaderLayer;

pub use error::WebError;
/// Reset links one client address may ask for in a quarter of an hour.
pub use pages::password_reset::REQUESTS_PER_ADDRESS as RESET_REQUESTS_PER_ADDRESS;

/// Sign-ups one client address may send in a quarter of an hour.
pub use pages::self_registration::REQUESTS_PER_ADDRESS as SIGNUP_REQUESTS_PER_ADDRESS;

/// Largest request accepted (a form with its PDF attachments).
pub const MAX_BODY_BYTES: usize = 12 * 1024 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<store::Store>,
    /// Mark cookies `Secure` (when served behind TLS).
    pub secure_cookies: bool,
    /// Failed logins per client address, to slow down guessing across accounts.
    pub login_failures: Arc<auth::Throttle>,
    /// Requests for a password reset link per client address.
    pub reset_requests: Arc<auth::Throttle>,
    /// Sign-ups (self-registration) per client address.
    pub signup_requests: Arc<auth::Throttle>,
    /// Password hashing takes ~19 MiB and tens of milliseconds each: a
    /// burst of logins waits here instead of exhausting memory and stalling
    /// the request threads.
    pub hashing: Arc<tokio::sync::Semaphore>,
    /// The address people reach this Sopir at, printed in letters' QR codes;
    /// `None`: none configured, and letters are not signed.
    pub public_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<client_address::TrustedProxies>,
}

/// Password hashes computed at once.
pub const CONCURRENT_HASHES: usize = 2;

impl AppState {
    pub fn new(store: Arc<store::Store>, secure_cookies: bool) -> AppState {
        AppState {
            store,
            secure_cookies,
            login_failures: Arc::default(),
            reset_requests: Arc::new(auth::Throttle::new(pages::password_reset::REQUESTS_PER_ADDRESS)),
            signup_requests: Arc::new(auth::Throttle::new(pages::self_registration::REQUESTS_PER_ADDRESS)),
            hashing: Arc::new(tokio::sync::Semaphore::new(CONCURRENT_HASHES)),
            public_url: None,
            trusted_proxies: Arc::default(),
        }
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::inbox::home))
        .route("/healthz", get(pages::health))
        .route("/static/{file}", get(pages::asset))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/login/oidc/kembali", get(openid::callback))
        .route("/login/oidc/{agency}", get(openid::start))
        .route("/logout", post(auth::logout))
        .route("/lupa-sandi", get(pages::password_reset::forgot_page).post(pages::password_reset::forgot))
        .route("/sandi", post(pages::password_reset::set_password))
        .route("/sandi/{secret}", get(pages::password_reset::link_page))
        .route("/daftar", get(pages::self_registration::page).post(pages::self_registration::submit))
        .route("/daftar/konfirmasi", post(pages::self_registration::confirm))
        .route("/daftar/{secret}", get(pages::self_registration::link_page))
        .route("/admin/pendaftaran", get(pages::self_registration::pending))
        .route("/admin/pendaftaran/{id}/setujui", post(pages::self_registration::approve))
        .route("/admin/pendaftaran/{id}/tolak", post(pages::self_registration::refuse))
        .route("/instansi/{agency}/organisasi/akun/{username}/nonaktifkan", post(pages::accounts::deactivate))
        .route("/instansi/{agency}/organisasi/akun/{username}/aktifkan", post(pages::accounts::reactivate))
        .route("/instansi/{agency}/organisasi/akun/{username}/reset", post(pages::accounts::reset))
        .route("/bahasa", post(auth::set_language))
        .route("/akun", get(auth::account_page).post(auth::change_password))
        .route("/akun/email", get(pages::mail_settings::page).post(pages::mail_settings::save))
        .route("/akun/notifikasi", get(pages::notice_settings::page).post(pages::notice_settings::save))
        .route("/tugas", get(pages::inbox::inbox))
        .route("/notifikasi", get(pages::inbox::notifications))
        .route("/notifikasi/baca", post(pages::inbox::mark_read))
        .route("/notifikasi/jumlah", get(pages::inbox::unread))
        .route("/layanan", get(pages::services::catalogue))
        .route("/layanan/{agency}/{slug}", get(pages::services::request_form).post(pages::services::submit))
        .route("/permohonan", get(pages::cases::my_requests))
        .route("/permohonan/{case}", get(pages::cases::case_page))
        .route("/permohonan/{case}/tugas/{task}", post(pages::cases::act))
        .route("/permohonan/{case}/tarik", post(pages::cases::withdraw))
        .route("/permohonan/{case}/nik", post(pages::cases::reveal))
        .route("/permohonan/{case}/survei", get(pages::satisfaction::survey_page).post(pages::satisfaction::answer))
        .route("/permohonan/{case}/masuk", post(pages::visits::check_in))
        .route("/permohonan/{case}/review/{entry}", post(pages::access_review::decide))
        .route("/kunjungan", get(pages::visits::log))
        .route("/permohonan/{case}/disposisi", get(pages::letters::disposition_page))
        .route("/permohonan/{case}/disposisi.pdf", get(pages::letters::disposition_pdf))
        .route("/permohonan/{case}/surat.pdf", get(pages::letters::letter_pdf))
        .route("/permohonan/{case}/konsep.pdf", get(pages::letters::draft_pdf))
        .route("/permohonan/{case}/srikandi.pdf", get(pages::letters::srikandi_pdf))
        .route("/permohonan/{case}/lampiran-surat/{n}", get(pages::letters::enclosure))
        .route("/permohonan/{case}/konsep/pratinjau", post(pages::letters::draft_preview))
        .route("/agenda", get(pages::letters::registers))
        .route("/agenda/antrean", get(pages::signing_queue::page))
        .route("/agenda/antrean/{id}/tandatangani", post(pages::signing_queue::sign))
        .route("/agenda/antrean/{id}/cetak.pdf", get(pages::signing_queue::print))
        .route("/agenda/antrean/{id}/basah", post(pages::signing_queue::wet_ink))
        .route("/registri", get(pages::registries::index))
        .route("/registri/{kind}", get(pages::registries::list))
        .route("/registri/{kind}/{id}", get(pages::registries::entry))
        .route("/registri/{kind}/{id}/status", post(pages::registries::change_state))
        .route("/verifikasi/{code}", get(pages::letters::verify))
        .route("/lampiran/{id}", get(pages::cases::attachment))
        .route("/sop", get(pages::library::library))
        .route("/sop/{agency}/{slug}", get(pages::library::document))
        .route("/sop/{agency}/{slug}/versi", get(pages::sop_versions::history))
        .route("/sop/{agency}/{slug}/beda", get(pages::sop_versions::difference))
        .route("/dasbor", get(pages::dashboard::page))
        .route("/dasbor/{part}", get(pages::dashboard::part_csv))
        .route("/permohonan/semua", get(pages::dashboard::all_cases))
        .route("/laporan", get(pages::reports::report))
        .route("/laporan/langkah.csv", get(pages::reports::steps_csv))
        .route("/laporan/pegawai.csv", get(pages::reports::people_csv))
        .route("/laporan/pegawai/{person}", get(pages::reports::person))
        .route("/laporan/monitoring", get(pages::monitoring::index))
        .route("/laporan/monitoring/periode", post(pages::monitoring::set_period))
        .route("/laporan/monitoring/{agency}/{slug}", get(pages::monitoring::page).post(pages::monitoring::sign))
        .route("/laporan/monitoring/{agency}/{slug}/pdf", get(pages::monitoring::pdf))
        .route("/laporan/evaluasi", get(pages::evaluation::list))
        .route("/laporan/evaluasi/pertanyaan", post(pages::evaluation::set_questions))
        .route("/laporan/evaluasi/{agency}/{slug}", get(pages::evaluation::page).post(pages::evaluation::save))
        .route("/laporan/ikm", get(pages::satisfaction::results))
        .route("/laporan/ikm.csv", get(pages::satisfaction::results_csv))
        .route("/admin", get(pages::admin::overview))
        .route("/admin/libur", post(pages::admin::add_day_off))
        .route("/admin/libur/hapus", post(pages::admin::remove_day_off))
        .route("/admin/jadwal", post(pages::admin::add_schedule))
        .route("/admin/login/buka", post(pages::admin::unlock_login))
        .route("/admin/masuk", get(pages::sign_in_settings::page).post(pages::sign_in_settings::save))
        .route("/admin/sop", get(pages::sop_publishing::page).post(pages::sop_publishing::upload))
        .route("/admin/sop/impor", post(pages::sop_publishing::import_document))
        .route("/admin/sop/impor/unduh", post(pages::sop_publishing::download_draft))
        .route("/admin/sop/konsep", get(pages::sop_editor::list))
        .route("/admin/sop/konsep/baru", post(pages::sop_editor::create_blank))
        .route("/admin/sop/konsep/revisi", post(pages::sop_editor::create_revision))
        .route("/admin/sop/konsep/unggah", post(pages::sop_editor::create_upload))
        .route("/admin/sop/konsep/impor", post(pages::sop_editor::create_imported))
        .route("/admin/sop/konsep/{id}", get(pages::sop_editor::editor).post(pages::sop_editor::save))
        .route("/admin/sop/konsep/{id}/otomatis", post(pages::sop_editor::autosave))
        .route("/admin/sop/konsep/{id}/unduh", get(pages::sop_editor::download))
        .route("/admin/sop/konsep/{id}/unggah", post(pages::sop_editor::upload_into))
        .route("/admin/sop/konsep/{id}/teks", get(pages::sop_editor::text_page).post(pages::sop_editor::save_text))
        .route("/admin/sop/konsep/{id}/terbitkan", post(pages::sop_editor::publish))
        .route("/admin/sop/konsep/{id}/hapus", post(pages::sop_editor::delete))
        .route("/admin/sop/konsep/{id}/tinjau", post(pages::sop_review::send))
        .route("/admin/sop/konsep/{id}/diperiksa", post(pages::sop_editor::mark_checked))
        .route("/admin/sop/tarik", post(pages::library::withdraw))
        .route("/admin/sop/berlakukan", post(pages::library::restore))
        .route("/publik/sop/{agency}", get(pages::public_sop::index))
        .route("/publik/sop/{agency}/{slug}", get(pages::public_sop::document))
        .route("/publik/sop/{agency}/{slug}/pdf", get(pages::public_sop::pdf))
        .route("/sop/tinjauan", get(pages::sop_review::list))
        .route("/sop/tinjauan/{id}", get(pages::sop_review::page))
        .route("/sop/tinjauan/{id}/catatan", post(pages::sop_review::comment))
        .route("/sop/tinjauan/{id}/kembalikan", post(pages::sop_review::return_draft))
        .route("/sop/tinjauan/{id}/setujui", post(pages::sop_review::approve))
        .route("/sop/tinjauan/{id}/sahkan", post(pages::sop_review::ratify))
        .route("/admin/surat", get(pages::letter_settings::page))
        .route("/admin/pesan", get(pages::message_gateway::page).post(pages::message_gateway::save))
        .route("/admin/pesan/uji", post(pages::message_gateway::test))
        .route("/admin/konektor", get(pages::connector_settings::page))
        .route("/admin/konektor/{kind}", post(pages::connector_settings::save))
        .route("/admin/konektor/{kind}/hapus", post(pages::connector_settings::remove))
        .route("/admin/webhook", get(pages::webhooks::page).post(pages::webhooks::add))
        .route("/admin/webhook/{id}/hapus", post(pages::webhooks::remove))
        .route("/penyediaan/{run}/ulang", post(pages::provisioning::retry))
        .route("/penyediaan/{run}/manual", post(pages::provisioning::by_hand))
        .route("/permohonan/{case}/serah-terima/{run}", post(pages::provisioning::take_handover))
        .route("/gateway/wireguard/{agency}/peers.conf", get(pages::vpn_gateway::peers))
        .route("/instansi", get(pages::agencies::list))
        .route("/instansi/baru", get(pages::agencies::new_form).post(pages::agencies::create))
        .route("/instansi/{agency}/profil", get(pages::agencies::profile).post(pages::agencies::save))
        .route("/instansi/{agency}/organisasi", get(pages::organisation::editor))
        .route("/instansi/{agency}/organisasi/unit", post(pages::organisation::save_unit))
        .route("/instansi/{agency}/organisasi/jabatan", post(pages::organisation::save_position))
        .route("/instansi/{agency}/organisasi/pegawai", post(pages::organisation::save_person))
        .route("/instansi/{agency}/organisasi/akun", post(pages::organisation::add_account))
        .route("/instansi/{agency}/organisasi/penugasan", post(pages::organisation::add_holding))
        .route("/instansi/{agency}/organisasi/penugasan/{holding}/akhiri", post(pages::organisation::end_holding))
        .route("/instansi/{agency}/organisasi/impor", post(pages::roster_import::preview))
        .route("/instansi/{agency}/organisasi/impor/terapkan", post(pages::roster_import::apply))
        .route("/admin/surat/logo", post(pages::letter_settings::upload_logo))
        .route("/admin/surat/sertifikat", post(pages::letter_settings::upload_certificate))
        .route("/admin/surat/layanan", post(pages::letter_settings::save_service))
        .route("/admin/surat/nik", post(pages::letter_settings::save_nik))
        .route("/akun/token", get(pages::api_tokens::page).post(pages::api_tokens::create))
        .route("/akun/token/{id}/cabut", post(pages::api_tokens::revoke))
        .merge(api::router())
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(auth::reject_cross_site))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .with_state(state)
}

/// Serves until `shutdown` resolves, finishing requests in flight.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

/// Milliseconds since the epoch, now.
pub(crate) fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}
