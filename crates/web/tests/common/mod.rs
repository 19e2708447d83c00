//! A real Sopir server on a random port over a fresh SQLite database with
//! the demo data, and a cookie-keeping client per person.

#![allow(dead_code)]

use std::sync::Arc;

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use store::Store;

pub mod gateway_receiver;
pub mod oidc;
pub mod slapd;
pub mod tls;

pub struct App {
    pub base: String,
    pub store: Arc<Store>,
    _dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

pub async fn spawn() -> App {
    spawn_with(|_| {}).await
}

/// As [`spawn`], with no public address configured (letters cannot be signed).
pub async fn spawn_without_public_url() -> App {
    spawn_with(|state| state.public_url = None).await
}

/// As [`spawn`] (whose public address is the server's own), with the
/// server's state set up by `configure` first.
pub async fn spawn_with(configure: impl FnOnce(&mut web::AppState)) -> App {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("sopir.db").display());
    let store = Store::open(&url).await.unwrap().with_key(store::DataKey::random());
    let now = jiff::Timestamp::now().as_millisecond();
    store::demo::install(&store, &sop::Catalog::builtin(), now).await.unwrap();
    store::demo::install_accounts(&store, now).await.unwrap();
    let store = Arc::new(store);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let mut state = web::AppState::new(store.clone(), false);
    state.public_url = Some(base.clone());
    configure(&mut state);
    tokio::spawn(web::serve(state, listener, async {
        let _ = stopped.await;
    }));
    App { base, store, _dir: dir, _stop: stop }
}

impl App {
    /// The requester of Lumajang asks for a VPN account at `at`.
    pub async fn submit_vpn(&self, at: i64) -> engine::CaseState {
        let sop = self.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
        self.store
            .submit(store::Submit::new("lumajang", "lumajang/vpn", "lmj-pemohon", input, at))
            .await
            .unwrap()
    }

    /// The first who may do the case's open task does it at `at`.
    pub async fn advance(&self, state: &engine::CaseState, at: i64) -> engine::CaseState {
        let sop = self.store.sop("lumajang", "lumajang/vpn", None).await.unwrap();
        let task = state.open_tasks().next().unwrap().clone();
        let input = store::demo::sample_input(sop.step(task.step).unwrap(), engine::Verdict::Ya);
        let by = &task.candidates[0].person;
        self.store
            .complete(store::Complete::new("lumajang", &state.id, &task.id, by, input, at))
            .await
            .unwrap()
    }

    /// A VPN request submitted an hour ago and run up to its signing step,
    /// which the Head may do.
    pub async fn vpn_at_signing(&self) -> engine::CaseState {
        let now = jiff::Timestamp::now().as_millisecond();
        let state = self.submit_vpn(now - 3_600_000).await;
        let state = self.run_to_signing(state, now - 3_000_000).await;
        let task = state.open_tasks().next().unwrap();
        assert!(task.candidates.iter().any(|c| c.person == "lmj-kadis"), "{task:?}");
        state
    }

    /// Runs a case as [`App::finish`] does, up to its signing step (left
    /// open), each step a tenth of a second after the last: a browser can
    /// take the next step at the real time right after.
    pub async fn run_to_signing(&self, mut state: engine::CaseState, mut at: i64) -> engine::CaseState {
        let sop = self.store.sop(&state.agency, &state.sop_id, Some(state.sop_version)).await.unwrap();
        loop {
            let task = state.open_tasks().next().expect("an open task before the signing step");
            if sop.step(task.step).unwrap().action == sop::ActionKind::Sign {
                return state;
            }
            at += 100;
            state = self.do_next(&sop, state, at).await;
        }
    }

    /// Runs a case to its end, each open task done a minute after the last
    /// by its first candidate as a diligent officer would (see
    /// `store::demo::prepare_step`).
    pub async fn finish(&self, mut state: engine::CaseState, mut at: i64) -> engine::CaseState {
        let sop = self.store.sop(&state.agency, &state.sop_id, Some(state.sop_version)).await.unwrap();
        while state.status == engine::CaseStatus::Open {
            at += 60_000;
            state = self.do_next(&sop, state, at).await;
        }
        state
    }

    /// Runs a case as [`App::finish`] does until step `no` is open (left
    /// open), each step a tenth of a second after the last.
    pub async fn run_until_step(
        &self,
        mut state: engine::CaseState,
        no: u32,
        mut at: i64,
    ) -> engine::CaseState {
        let sop = self.store.sop(&state.agency, &state.sop_id, Some(state.sop_version)).await.unwrap();
        while state.open_tasks().next().expect("an open task before that step").step != no {
            at += 100;
            state = self.do_next(&sop, state, at).await;
        }
        state
    }

    /// A Lumajang server-room visit filed by the duty officer with the
    /// first step's `fields` over the sample ones, run up to the escort's
    /// check-in (step 6).
    pub async fn visit_at_check_in(&self, fields: &[(&str, &str)]) -> engine::CaseState {
        let sop = self.store.sop("lumajang", "lumajang/ruang-server", None).await.unwrap();
        let now = jiff::Timestamp::now().as_millisecond();
        let mut input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
        for (name, value) in fields {
            input.fields.insert(name.to_string(), value.to_string());
        }
        let submit = store::Submit::new("lumajang", "lumajang/ruang-server", "lmj-petugas", input, now);
        let mut state = self.store.submit(submit).await.unwrap();
        while state.open_tasks().next().unwrap().step != 6 {
            let task = state.open_tasks().next().unwrap().clone();
            let input = store::demo::sample_input(sop.step(task.step).unwrap(), engine::Verdict::Ya);
            let by = task.candidates[0].person.clone();
            let complete = store::Complete::new("lumajang", &state.id, &task.id, &by, input, now);
            state = self.store.complete(complete).await.unwrap();
        }
        state
    }

    /// A Trenggalek server-room access request run until its card `card`
    /// is issued (the registry entry named `card`).
    pub async fn access_card(&self, card: &str) {
        let sop = self.store.sop("trenggalek", "trenggalek/ruang-server", None).await.unwrap();
        let now = jiff::Timestamp::now().as_millisecond();
        let with = |step: &sop::Step| {
            let mut input = store::demo::sample_input(step, engine::Verdict::Ya);
            if input.fields.contains_key("nomor_kartu") {
                input.fields.insert("nomor_kartu".into(), card.into());
            }
            input
        };
        let first = with(sop.first_step());
        let submit = store::Submit::new("trenggalek", "trenggalek/ruang-server", "tgx-pemohon", first, now);
        let mut state = self.store.submit(submit).await.unwrap();
        while state.open_tasks().next().unwrap().step != 6 {
            let task = state.open_tasks().next().unwrap().clone();
            let by = task.candidates[0].person.clone();
            let input = with(sop.step(task.step).unwrap());
            let complete = store::Complete::new("trenggalek", &state.id, &task.id, &by, input, now);
            state = self.store.complete(complete).await.unwrap();
        }
    }

    /// Cards `cards` issued in Trenggalek, then its periodic access review
    /// of them opened by the operator: the Kabid's review step is open.
    pub async fn access_review(&self, cards: &[&str]) -> engine::CaseState {
        for card in cards {
            self.access_card(card).await;
        }
        let sop = self.store.sop("trenggalek", "trenggalek/review-akses", None).await.unwrap();
        let mut input = store::demo::sample_input(sop.first_step(), engine::Verdict::Ya);
        input.fields.insert("periode".into(), "Semester II 2026".into());
        let now = jiff::Timestamp::now().as_millisecond();
        let submit = store::Submit::new("trenggalek", "trenggalek/review-akses", "tgx-operator", input, now);
        self.store.submit(submit).await.unwrap()
    }

    /// The case's first open task, done at `at` by its first candidate.
    async fn do_next(&self, sop: &sop::Sop, state: engine::CaseState, at: i64) -> engine::CaseState {
        let task = state.open_tasks().next().unwrap().clone();
        let step = sop.step(task.step).unwrap();
        let by = &task.candidates[0].person;
        store::demo::prepare_step(&self.store, &state.agency, sop, &state.id, step, by, at).await.unwrap();
        let input = store::demo::sample_input(step, engine::Verdict::Ya);
        let complete = store::Complete::new(&state.agency, &state.id, &task.id, by, input, at)
            .with_paperwork(store::demo::sample_paperwork(step));
        self.store.complete(complete).await.unwrap()
    }
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    /// The first CSRF token on the page.
    pub fn csrf(&self) -> String {
        let at = self.body.find("name=\"csrf\" value=\"").expect("a form with a token") + 19;
        self.body[at..].split('"').next().unwrap().to_string()
    }
}

/// One person's browser: keeps cookies, does not follow redirects.
pub struct Browser {
    pub client: reqwest::Client,
    pub base: String,
}

impl Browser {
    pub fn new(app: &App) -> Browser {
        Browser::from_address(app, None)
    }

    /// A browser whose connections leave from `address` (any of 127.0.0.0/8
    /// reaches the test server), so the server sees a different client.
    pub fn from_address(app: &App, address: impl Into<Option<std::net::IpAddr>>) -> Browser {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .local_address(address)
            .build()
            .unwrap();
        Browser { client, base: app.base.clone() }
    }

    async fn page(response: reqwest::Response) -> Page {
        let status = response.status();
        let location = response.headers().get("location").map(|l| l.to_str().unwrap().to_string());
        Page { status, location, body: response.text().await.unwrap() }
    }

    pub async fn get(&self, path: &str) -> Page {
        Browser::page(self.client.get(format!("{}{path}", self.base)).send().await.unwrap()).await
    }

    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        Browser::page(self.client.post(format!("{}{path}", self.base)).form(fields).send().await.unwrap())
            .await
    }

    pub async fn post_multipart(&self, path: &str, form: Form) -> Page {
        Browser::page(self.client.post(format!("{}{path}", self.base)).multipart(form).send().await.unwrap())
            .await
    }

    /// Logs in with the demo password; panics if refused.
    pub async fn login(app: &App, username: &str) -> Browser {
        let b = Browser::new(app);
        let token = b.get("/login").await.csrf();
        let page = b
            .post(
                "/login",
                &[("csrf", &token), ("username", username), ("password", store::demo::DEMO_PASSWORD)],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "login of {username}: {}", page.body);
        b
    }

    /// A token from any page with a form.
    pub async fn token(&self) -> String {
        self.get("/akun").await.csrf()
    }
}

/// A multipart form from text pairs.
pub fn form(pairs: &[(&str, &str)]) -> Form {
    pairs.iter().fold(Form::new(), |f, (k, v)| f.text(k.to_string(), v.to_string()))
}

pub fn pdf(name: &str, bytes: &[u8]) -> Part {
    Part::bytes(bytes.to_vec()).file_name(name.to_string()).mime_str("application/pdf").unwrap()
}

pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The action URL of the first task form on a case page.
pub fn action_url(body: &str) -> Option<String> {
    let at = body.find("action=\"/permohonan/")? + 8;
    let url = body[at..].split('"').next()?.to_string();
    url.contains("/tugas/").then_some(url)
}

/// A SIMPEG/SIASN roster CSV of `n` new people of `agency` (up to 999),
/// named "Pegawai Impor {i}", all in its first position and unit.
pub async fn roster_csv(app: &App, agency: &str, n: usize) -> String {
    let found = app.store.agency(agency).await.unwrap();
    let (position, unit) = (&found.positions[0].name, &found.units[0].name);
    let mut text = String::from("NIP;Nama;Gelar;Jabatan;Unit Kerja;E-mail;Nomor HP\r\n");
    for i in 0..n {
        text.push_str(&format!(
            "19800101200501{}{:03};Pegawai Impor {i};S.Kom.;{position};{unit};p{i}@contoh.go.id;0812{i:07}\r\n",
            1 + i % 2,
            i + 1,
        ));
    }
    text
}

/// An API caller holding one person's token.
pub struct Api {
    pub client: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Api {
    pub async fn of(app: &App, username: &str) -> Api {
        let now = jiff::Timestamp::now().as_millisecond();
        let (_, token) = app.store.create_api_token(username, "uji", 30, now).await.unwrap();
        Api { client: reqwest::Client::new(), base: app.base.clone(), token }
    }

    /// Sends `request` with the token: the status, the content type and the
    /// body as JSON (`Null` when it is none).
    pub async fn call(&self, request: reqwest::RequestBuilder) -> (StatusCode, String, serde_json::Value) {
        let response = request.bearer_auth(&self.token).send().await.unwrap();
        let status = response.status();
        let kind =
            response.headers().get("content-type").map_or(String::new(), |v| v.to_str().unwrap().into());
        let body = serde_json::from_str(&response.text().await.unwrap()).unwrap_or(serde_json::Value::Null);
        (status, kind, body)
    }

    /// `GET /api/v1{path}`.
    pub async fn get(&self, path: &str) -> (StatusCode, String, serde_json::Value) {
        self.call(self.client.get(format!("{}/api/v1{path}", self.base))).await
    }
}
