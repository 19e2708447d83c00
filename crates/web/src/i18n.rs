//! Every user-facing string of the web application, in Bahasa Indonesia
//! (the default) and English, in one catalogue, and the engine's refusals
//! in English by their codes. Domain texts — SOP content, a field's own
//! message — are Indonesian as the SOPs are.

use std::future::Future;

use engine::error::Duty;
use engine::{CaseStatus, EngineError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Id,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Lang {
        if code == "en" { Lang::En } else { Lang::Id }
    }

    pub fn t(self, msg: Msg) -> &'static str {
        msg.text(self)
    }

    /// An engine refusal in this language: in Indonesian as the engine
    /// words it; in English by its code (what the engine quotes — numbers,
    /// names, lanes, field messages — stays as it is).
    pub fn refusal(self, refusal: &EngineError) -> String {
        use EngineError as E;
        if self == Lang::Id {
            return refusal.to_string();
        }
        match refusal {
            E::CaseClosed { number, status } => {
                format!("request {number} is already closed ({})", self.case_status(*status))
            }
            E::TaskNotFound(task) => format!("task {task} is not part of this request"),
            E::AlreadyDone { by } => format!("this task has already been completed by {by}"),
            E::TaskCancelled => "this task was cancelled because the request was withdrawn".into(),
            E::NotAllowed { person, lane, step } => {
                format!("{person} is not among those who carry out \"{lane}\" for step {step}")
            }
            E::NotRequester { number } => format!("only the requester can withdraw request {number}"),
            E::RoutineNotWithdrawn { number } => {
                format!("{number} is routine work started by a schedule; routine work cannot be withdrawn")
            }
            E::Unstaffed { lane, step } => {
                format!("nobody holds the position that carries out \"{lane}\" (step {step}) on this date")
            }
            // Free text from where the refusal arose, in Indonesian.
            E::NotNow(why) => why.clone(),
            E::Invalid(errors) => format!(
                "the input is not right yet: {}",
                errors.iter().map(|e| format!("{}: {}", e.label, e.message)).collect::<Vec<_>>().join("; ")
            ),
            E::UnknownPerson(id) => format!("no person with id {id} is known in this agency"),
            E::OwnDraft { duty, step } => format!(
                "you drafted this letter yourself, so you may not {} it too (step {step}): the reviewer and the signer of a letter must be someone other than its drafter",
                match duty {
                    Duty::Review => "review",
                    Duty::Sign => "sign",
                }
            ),
        }
    }

    /// A case's status.
    pub fn case_status(self, status: CaseStatus) -> &'static str {
        self.t(match status {
            CaseStatus::Open => Msg::StatusOpen,
            CaseStatus::Completed => Msg::StatusCompleted,
            CaseStatus::Rejected => Msg::StatusRejected,
            CaseStatus::Withdrawn => Msg::StatusWithdrawn,
        })
    }

    /// The verb of an action kind.
    pub fn action(self, kind: sop::ActionKind) -> &'static str {
        use sop::ActionKind as A;
        self.t(match kind {
            A::Submit => Msg::ActSubmit,
            A::Dispose => Msg::ActDispose,
            A::Forward => Msg::ActForward,
            A::Decide => Msg::ActDecide,
            A::Approve => Msg::ActApprove,
            A::Perform => Msg::ActPerform,
            A::Report => Msg::ActReport,
            A::Receive => Msg::ActReceive,
            A::Draft => Msg::ActDraft,
            A::Review => Msg::ActReview,
            A::Sign => Msg::ActSign,
            A::Send => Msg::ActSend,
            A::IssueCard => Msg::ActIssueCard,
            A::Escort => Msg::ActEscort,
        })
    }
}

tokio::task_local! {
    static LANG: Lang;
}

/// Runs `f` with `lang` as the request's language.
pub async fn with_lang<F: Future>(lang: Lang, f: F) -> F::Output {
    LANG.scope(lang, f).await
}

/// The language of the request being handled (Indonesian outside one).
pub fn current() -> Lang {
    LANG.try_with(|l| *l).unwrap_or(Lang::Id)
}

macro_rules! catalogue {
    ($($key:ident => $id:literal, $en:literal;)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($key),* }

        impl Msg {
            #[cfg(test)]
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::Id) => $id, (Msg::$key, Lang::En) => $en,)*
                }
            }
        }
    };
}

catalogue! {
    Acting => "Sebagai pejabat pelaksana", "Acting as";
    ActingFor => "Menggantikan", "Standing in for";
    ActionSaved => "Tindakan Anda sudah dicatat.", "Your action has been recorded.";
    AddDayOff => "Tambah hari libur", "Add a day off";
    AddedBy => "Ditambahkan oleh", "Added by";
    AdminTitle => "Administrasi instansi", "Agency administration";
    Approve => "Setujui", "Approve";
    AssignPosition => "Tetapkan jabatan", "Assign a position";
    BackHome => "Kembali ke Tugas saya", "Back to My tasks";
    BadDate => "Tanggal tidak sah — pilih tanggal pada kalender", "Not a valid date — pick one from the calendar";
    FormTooLarge => "Formulir beserta lampirannya terlalu besar; paling besar", "The form with its attachments is too large; at most";
    BadForm => "Formulir tidak dapat dibaca. Muat ulang halaman lalu coba lagi.", "The form could not be read. Reload the page and try again.";
    BadRequestTitle => "Tidak dapat diproses", "Cannot be processed";
    BadPageLink => "Tautan halaman ini tidak dapat dibaca; buka daftarnya lagi dari menu", "This page link cannot be read; open the list again from the menu";
    BadTokenText => "Formulir ini sudah kedaluwarsa atau tidak berasal dari Sopir. Muat ulang halaman lalu coba lagi.", "This form has expired or did not come from Sopir. Reload the page and try again.";
    BadTokenTitle => "Formulir kedaluwarsa", "Form expired";
    Cancelled => "Dibatalkan", "Cancelled";
    CaseTitle => "Permohonan", "Request";
    ChangePassword => "Ganti kata sandi", "Change password";
    Closed => "Ditutup", "Closed";
    ColActivity => "Kegiatan", "Activity";
    ColActual => "Pelaksanaan", "Actual";
    ColCase => "Nomor", "Number";
    ColDue => "Batas waktu", "Due";
    ColLane => "Pelaksana", "Lane";
    ColOpened => "Diajukan", "Submitted";
    ColPlanned => "Rencana (pelaksana, waktu baku)", "Planned (lane, standard time)";
    ColService => "Layanan", "Service";
    ColStatus => "Status", "Status";
    ColStep => "Langkah", "Step";
    ConfirmPassword => "Ulangi kata sandi baru", "Repeat the new password";
    Date => "Tanggal", "Date";
    DaysOff => "Hari libur dan cuti bersama", "Holidays and collective leave";
    Decision => "Keputusan", "Decision";
    DefaultHours => "Jam kerja baku (Perpres 21/2023): Senin–Kamis 07.30–16.00, istirahat 12.00–13.00; Jumat 07.30–16.30, istirahat 11.30–13.00. Jadwal khusus:", "Default hours (Perpres 21/2023): Mon–Thu 07:30–16:00, break 12:00–13:00; Fri 07:30–16:30, break 11:30–13:00. Special schedules:";
    FileTooLarge => "Berkas terlalu besar; paling besar", "File too large; at most";
    FileWrongKind => "Isi berkas bukan jenis yang diterima; unggah berkas", "The file's content is not an accepted kind; upload a";
    FixErrors => "Periksa isian yang ditandai di bawah ini.", "Please check the marked entries below.";
    ForbiddenText => "Anda tidak berhak membuka halaman ini atau melakukan tindakan ini.", "You are not allowed to open this page or take this action.";
    ForbiddenTitle => "Akses ditolak", "Access denied";
    From => "Mulai", "From";
    Holdings => "Riwayat jabatan", "Positions held";
    InboxEmpty => "Tidak ada tugas yang menunggu Anda.", "No tasks are waiting for you.";
    InboxEmptyServices => "Untuk mengajukan permohonan, buka", "To make a request, open";
    InboxEmptyRequests => "permohonan yang sudah Anda ajukan ada di", "the requests you made are under";
    InboxMore => "Ditampilkan tugas yang paling mendesak saja; tugas Anda seluruhnya", "Only the most urgent tasks are shown; your tasks in all";
    InboxTitle => "Tugas saya", "My tasks";
    RegistryMore => "hanya yang terbaru ditampilkan; persempit dengan pencarian atau unduh CSV untuk semuanya", "only the newest are shown; narrow with the search or download the CSV for all";
    InternalText => "Terjadi kesalahan di server. Tidak ada data yang hilang; coba lagi sebentar lagi.", "Something went wrong on the server. Nothing was lost; try again shortly.";
    InternalTitle => "Kesalahan server", "Server error";
    StorageText => "Server tidak dapat menyimpan data saat ini (misalnya disk penuh). Tidak ada yang tersimpan dari isian ini; kembali dan kirim lagi nanti. Pengelola server sudah dapat melihatnya di /healthz.", "The server cannot store data right now (for example, the disk is full). Nothing of this form was stored; go back and send it again later. The server's operator can see this at /healthz.";
    SubmissionRunning => "permohonan dari formulir ini masih diproses; lihat Permohonan saya sebentar lagi", "a request from this form is still being processed; look at My requests in a moment";
    SavedDayOff => "Hari libur tersimpan.", "The day off was saved.";
    SavedDayOffRemoved => "Hari libur dihapus.", "The day off was removed.";
    SavedHolding => "Penugasan jabatan tersimpan.", "The holding was saved.";
    SavedSchedule => "Jadwal kerja tersimpan.", "The working schedule was saved.";
    SavedUnlocked => "Percobaan masuk yang ditahan sudah dibuka.", "The held-up login was unlocked.";
    StorageTitle => "Penyimpanan data gagal", "Storage failed";
    Kind => "Jenis", "Kind";
    Late => "Terlambat", "Late";
    LibraryTitle => "Daftar SOP", "SOP catalogue";
    LoginButton => "Masuk", "Log in";
    LoginWait => "Terlalu banyak percobaan yang gagal. Coba lagi dalam", "Too many failed attempts. Try again in";
    LoginTitle => "Masuk ke Sopir", "Log in to Sopir";
    TooManyFromAddress => "Terlalu banyak percobaan masuk yang gagal dari alamat ini. Tunggu 15 menit.", "Too many failed logins from this address. Wait 15 minutes.";
    LoginWrong => "Nama pengguna atau kata sandi salah.", "Wrong username or password.";
    Logout => "Keluar", "Log out";
    MaxSize => "paling besar", "at most";
    MyRequestsEmpty => "Anda belum mengajukan permohonan.", "You have not submitted any request.";
    MyRequestsTitle => "Permohonan saya", "My requests";
    Name => "Nama", "Name";
    NavAccount => "Akun", "Account";
    NavAdmin => "Admin", "Admin";
    NavInbox => "Tugas saya", "My tasks";
    NavLabel => "Menu utama", "Main menu";
    NavMyRequests => "Permohonan saya", "My requests";
    NavServices => "Layanan", "Services";
    NavSop => "SOP", "SOPs";
    NewPassword => "Kata sandi baru", "New password";
    NotFoundText => "Halaman atau data yang Anda cari tidak ada.", "The page or record you are looking for does not exist.";
    NotFoundTitle => "Tidak ditemukan", "Not found";
    StartedBy => "Layanan ini dimulai oleh", "This service is started by";
    NoteDecide => "Alasan keputusan", "Reason for the decision";
    NoteDispose => "Catatan disposisi (arahan untuk pelaksana berikutnya)", "Disposition note (instruction for the next lane)";
    NoteOptional => "Catatan (boleh kosong)", "Note (optional)";
    NoteReview => "Catatan (wajib bila dikembalikan)", "Note (required when returning)";
    OldPassword => "Kata sandi lama", "Current password";
    OldPasswordWrong => "Kata sandi lama salah", "The current password is wrong";
    Opened => "diajukan", "submitted";
    Optional => "(boleh kosong)", "(optional)";
    Overdue => "Terlambat", "Overdue";
    Password => "Kata sandi", "Password";
    PasswordMismatch => "Kedua kata sandi baru tidak sama", "The two new passwords differ";
    PasswordRule => "Paling sedikit 10 karakter", "At least 10 characters";
    People => "Pegawai", "People";
    Position => "Jabatan", "Position";
    PositionsToday => "Jabatan hari ini", "Positions today";
    PrintableHtml => "Versi cetak (HTML)", "Printable (HTML)";
    Remove => "Hapus", "Remove";
    ReportTitle => "Laporan kepatuhan waktu baku", "Standard-time accountability report";
    ReportPerSop => "Per layanan", "Per service";
    ReportPerStep => "Per langkah", "Per step";
    ReportPerPerson => "Per pelaksana (kinerja pelaksana)", "Per person";
    OldestOpen => "Permohonan terbuka paling lama", "Oldest open requests";
    Show => "Tampilkan", "Show";
    Started => "Diajukan", "Started";
    Done => "Selesai dikerjakan", "Done";
    Median => "Median", "Median";
    Breaches => "Melewati waktu baku", "Breaches";
    LateTotal => "Total keterlambatan", "Total lateness";
    DownloadCsv => "Unduh CSV", "Download CSV";
    NavReports => "Laporan", "Reports";
    NavNotifications => "Notifikasi", "Notifications";
    NoNotifications => "Belum ada notifikasi.", "No notifications yet.";
    MarkRead => "Tandai semua sudah dibaca", "Mark all as read";
    Open => "Buka", "Open";
    ActSubmit => "Ajukan", "Submit";
    ActDispose => "Disposisikan", "Dispose";
    ActForward => "Teruskan", "Forward";
    ActDecide => "Putuskan", "Decide";
    ActApprove => "Setujui", "Approve";
    ActPerform => "Kerjakan", "Carry out";
    ActReport => "Laporkan", "Report";
    ActReceive => "Terima", "Receive";
    ActDraft => "Buat konsep surat", "Draft the letter";
    ActReview => "Periksa konsep", "Review the draft";
    ActSign => "Tandatangani", "Sign";
    ActSend => "Kirim", "Send";
    ActIssueCard => "Terbitkan kartu", "Issue the card";
    ActEscort => "Dampingi", "Escort";
    InboxMine => "Ditugaskan kepada Anda", "Assigned to you";
    InboxShared => "Tugas pelaksana Anda yang belum diambil siapa pun", "Tasks of your lane nobody has taken yet";
    AddSchedule => "Tambah jadwal kerja khusus (misalnya Ramadan)", "Add a special schedule (e.g. Ramadan)";
    ScheduleHelp => "Tulis jam kerja tiap hari seperti 08:00-12:00, 12:30-15:00; kosongkan hari libur.", "Write each day's hours like 08:00-12:00, 12:30-15:00; leave days off empty.";
    BadHours => "Jam kerja tidak sah — tulis seperti 08:00-12:00, 12:30-15:00", "Invalid hours — write like 08:00-12:00, 12:30-15:00";
    WorkingDays => "hari kerja", "working days";
    RequestSent => "Permohonan terkirim dengan nomor", "Request sent with number";
    RequestTitle => "Ajukan permohonan", "Submit a request";
    Requester => "Pemohon", "Requester";
    Required => "Wajib diisi", "Required";
    Requirements => "Persyaratan", "Requirements";
    ReturnDraft => "Kembalikan untuk diperbaiki", "Return for revision";
    Save => "Simpan", "Save";
    SendRequest => "Kirim permohonan", "Send request";
    ServicesTitle => "Layanan", "Services";
    SopName => "Nama SOP", "SOP name";
    SopNumber => "Nomor SOP", "SOP number";
    Source => "Sumber", "Source";
    StandardDuration => "Waktu baku seluruhnya", "Total standard time";
    StandardTime => "Waktu baku", "Standard time";
    StatusCompleted => "Selesai", "Completed";
    StatusOpen => "Sedang berjalan", "In progress";
    StatusRejected => "Ditolak", "Rejected";
    StatusWithdrawn => "Ditarik pemohon", "Withdrawn";
    Steps => "Langkah", "Steps";
    SubmitRequest => "Ajukan permohonan", "Submit a request";
    SwitchLanguage => "English", "Bahasa Indonesia";
    Timeline => "Jalannya permohonan", "Timeline";
    Unit => "Unit kerja", "Unit";
    Units => "Unit kerja", "Units";
    Until => "Sampai", "Until";
    UntilBeforeFrom => "Tanggal akhir sebelum tanggal mulai", "The end date is before the start date";
    Username => "Nama pengguna", "Username";
    Version => "versi", "version";
    Waiting => "Menunggu", "Waiting for";
    Withdraw => "Tarik permohonan", "Withdraw request";
    WithdrawReason => "Alasan menarik permohonan", "Reason for withdrawing";
    WorkingHours => "Jam kerja", "Working hours";
    YourAction => "Tindakan Anda", "Your action";
    Documents => "Dokumen", "Documents";
    NavRegisters => "Agenda surat", "Letter registers";
    IncomingRegister => "Agenda surat masuk", "Incoming register";
    OutgoingRegister => "Agenda surat keluar", "Outgoing register";
    DispositionSheet => "Lembar disposisi", "Disposition sheet";
    SignedLetter => "Surat pemberitahuan bertanda tangan (PDF)", "Signed notification letter (PDF)";
    DraftPreview => "Lihat konsep surat (PDF)", "Preview the draft letter (PDF)";
    DraftVersion => "Konsep versi", "Draft version";
    DraftVersions => "Versi konsep surat", "Draft versions";
    WrittenBy => "Ditulis oleh", "Written by";
    Review => "Pemeriksaan", "Review";
    Approved => "Disetujui", "Approved";
    Returned => "Dikembalikan", "Returned";
    LetterPreview => "Pratinjau surat", "Letter preview";
    DraftUnfilled => "Konsep ini belum dapat disetujui atau ditandatangani: nilai berikut belum ada — ganti tulisan {…}-nya di isi surat.", "This draft cannot be approved or signed yet: these values are missing — replace their {…} in the letter.";
    NotFilledIn => "belum diisi", "not filled in";
    ReturnedBy => "Konsep sebelumnya dikembalikan oleh", "The previous draft was returned by";
    LetterSubject => "Hal", "Subject";
    LetterRecipient => "Kepada (satu baris untuk tiap baris alamat)", "To (one line per address line)";
    LetterBody => "Isi surat (pisahkan paragraf dengan baris kosong)", "Body (separate paragraphs with a blank line)";
    Passphrase => "Kata sandi sertifikat elektronik", "Signing certificate passphrase";
    PassphraseHelp => "Tidak disimpan; hanya dipakai untuk menandatangani surat ini.", "Not stored; used only to sign this letter.";
    SrikandiNumber => "Nomor surat dari SRIKANDI", "Letter number from SRIKANDI";
    SrikandiFinalise => "Atau: selesaikan di SRIKANDI", "Or: finalise in SRIKANDI";
    SrikandiFinaliseHelp => "Unduh konsep yang disetujui, selesaikan dan tandatangani di SRIKANDI, lalu unggah PDF bertanda tangan dari SRIKANDI beserta nomornya di atas. Tanda tangannya diperiksa; kata sandi tidak diperlukan.", "Download the approved draft, finalise and sign it in SRIKANDI, then upload the signed PDF from SRIKANDI with its number above. Its signature is checked; no passphrase is needed.";
    SrikandiExport => "Unduh konsep untuk SRIKANDI (PDF)", "Download the draft for SRIKANDI (PDF)";
    SrikandiSigned => "PDF bertanda tangan dari SRIKANDI", "Signed PDF from SRIKANDI";
    Number => "Nomor", "Number";
    Recipient => "Kepada", "Recipient";
    Signer => "Penanda tangan", "Signed by";
    Sent => "Dikirim", "Sent";
    VerificationCode => "kode verifikasi", "verification code";
    BackToCase => "Kembali ke permohonan", "Back to the request";
    Sender => "Surat dari", "From";
    Received => "Diterima tanggal", "Received";
    LetterNumber => "Nomor surat", "Letter number";
    LetterDate => "Tanggal surat", "Letter date";
    AgendaNumber => "Nomor agenda", "Agenda number";
    Nature => "Sifat", "Nature";
    Attachments => "Lampiran", "Attachments";
    ForwardedTo => "Diteruskan kepada", "Forwarded to";
    HopFrom => "Dari", "From";
    Instruction => "Catatan", "Note";
    DispositionNo => "Disposisi", "Disposition";
    NoDispositionYet => "Belum ada disposisi.", "No disposition yet.";
    When => "Tanggal, jam", "Date, time";
    Year => "Tahun", "Year";
    VerifyTitle => "Verifikasi surat", "Letter verification";
    VerifyNotFound => "Kode verifikasi tidak ditemukan.", "Verification code not found.";
    VerifyFound => "Surat ini tercatat di Sopir dan berkasnya utuh: sidik SHA-256 berkas tersimpan cocok dengan yang dicatat saat ditandatangani.", "This letter is on record and its file is intact: the stored file's SHA-256 matches the one recorded at signing.";
    VerifyBroken => "PERINGATAN: berkas tersimpan tidak cocok dengan sidik yang dicatat saat ditandatangani.", "WARNING: the stored file does not match the hash recorded at signing.";
    VerifyHashHelp => "Bandingkan sidik di atas dengan sidik salinan Anda (misalnya dengan perintah sha256sum); tanda tangan elektroniknya dapat diperiksa di pembaca PDF.", "Compare the hash above with your copy's (e.g. with sha256sum); the electronic signature can be checked in a PDF reader.";
    LogoTitle => "Logo kop surat (PNG)", "Letterhead logo (PNG)";
    CertificateTitle => "Sertifikat elektronik penanda tangan (PKCS#12)", "Signing certificate (PKCS#12)";
    Upload => "Unggah", "Upload";
    SigningQueue => "Antrean tanda tangan", "Signing queue";
    SigningQueueHelp => "Surat yang sudah bernomor tetapi belum ditandatangani layanan tanda tangan elektronik: layanan tidak dapat dihubungi, atau passphrase salah. Nomornya tetap; penanda tangan menandatanganinya lagi dari sini. Surat baru dapat dikirim setelah bertanda tangan.", "Letters numbered but not yet signed by the signing service: it could not be reached, or the passphrase was wrong. Their numbers stay; the signer signs them again from here. A letter is sent only once signed.";
    SigningQueueEmpty => "Tidak ada surat yang menunggu tanda tangan.", "No letter is waiting for its signature.";
    PrintUnsigned => "Cetak surat (belum bertanda tangan)", "Print the letter (unsigned)";
    SignNow => "Tandatangani sekarang", "Sign now";
    WetInkUpload => "Hasil pindai surat yang ditandatangani basah (PDF)", "Scan of the letter signed in wet ink (PDF)";
    WetInkSaved => "Disimpan sebagai surat bertanda tangan basah:", "Kept as signed in wet ink:";
    NoLongerWaiting => "Surat ini tidak lagi menunggu tanda tangan.", "This letter no longer waits for its signature.";
    LetterSignedNow => "Surat sudah ditandatangani:", "The letter is signed:";
    MustBePdf => "harus berkas PDF", "must be a PDF file";
    SignedHow => "Cara penandatanganan", "Signed with";
    SigningServiceTitle => "Layanan tanda tangan elektronik (BSrE)", "Signing service (BSrE)";
    SigningServiceHelp => "Bila diisi, surat ditandatangani oleh layanan tanda tangan elektronik (client service BSrE) dengan NIK dan passphrase pejabat — passphrase diketik saat menandatangani dan tidak pernah disimpan. Bila layanan tidak dapat dihubungi, surat menunggu di antrean tanda tangan dengan nomornya.", "When set, letters are signed by the signing service (BSrE client service) with the official's NIK and passphrase — the passphrase is typed at signing and never kept. When the service cannot be reached, the letter waits in the signing queue with its number.";
    SigningServiceUrl => "Alamat layanan", "Service address";
    SigningServicePassword => "Kata sandi layanan (client service)", "Service password (client service)";
    SigningServiceTimeout => "Batas tunggu jawaban (detik)", "Answer timeout (seconds)";
    KeptUnlessReplaced => "tersimpan — isi hanya untuk mengganti", "kept — fill only to replace";
    SignerNikTitle => "NIK penanda tangan di layanan tanda tangan", "Signers' NIK at the signing service";
    NikSaved => "tersimpan (terenkripsi)", "kept (encrypted)";
    SettingsSaved => "Pengaturan tersimpan.", "Settings saved.";
    SignLetter => "Tandatangani surat", "Sign the letter";
    SentVia => "Dikirim melalui", "Sent via";
    LetterCopies => "Tembusan", "Copies to";
    LetterEnclosures => "Lampiran", "Enclosures";
    LetterEnclosuresHelp => "PDF, paling banyak 5 berkas, tiap berkas paling besar 5 MB dan semuanya bersama paling besar 10 MB; ikut di dalam PDF surat dan ditandatangani bersamanya. Mengunggah berkas mengganti lampiran sebelumnya.", "PDF, at most 5 files, each at most 5 MB and 10 MB together; carried inside the letter's PDF and signed with it. Uploading replaces the enclosures given before.";
    LetterCopiesHelp => "Boleh kosong; satu penerima tembusan per baris.", "May be empty; one recipient of a copy per line.";
    SentAt => "Waktu kirim", "Sent at";
    SentAtHelp => "Kosongkan bila dikirim sekarang.", "Leave empty when sent now.";
    CertificateIssuer => "Penerbit", "Issuer";
    CertificateValidUntil => "Berlaku sampai", "Valid until";
    CertificateExpiring => "segera berakhir — minta sertifikat baru", "expires soon — ask for a new certificate";
    LetterWaitsForSignature => "Surat sudah bernomor dan menunggu tanda tangan di antrean tanda tangan:", "The letter is numbered and waits for its signature in the signing queue:";
    WaitingForSignature => "menunggu tanda tangan", "waiting for its signature";
    VoidNumbers => "Nomor yang dibatalkan", "Voided numbers";
    VoidNumbersHelp => "Nomor ini sempat dipesan untuk surat yang akhirnya tidak ditandatangani, dan nomor sesudahnya sudah terpakai; nomor ini tidak dipakai lagi.", "These numbers were reserved for letters that were not signed after all, and later numbers were already in use; they are not used again.";
    NoVoidNumbers => "Tidak ada nomor yang dibatalkan tahun ini: setiap nomor yang dipesan telah dipakai.", "No number was voided this year: every number reserved was used.";
    NoLettersThisYear => "Belum ada surat tahun ini.", "No letters this year yet.";
    YearNotUnderstood => "Tahun \"{asked}\" tidak dikenali (isi tahun 2000–2100); yang ditampilkan tahun {year}.", "The year \"{asked}\" was not understood (give a year 2000–2100); showing {year}.";
    NavRegistries => "Registri", "Registries";
    Visit => "Kunjungan", "Visit";
    PersonPerformance => "Kinerja pelaksana", "Performance of";
    DurationSpread => "Sebaran lama pengerjaan terhadap waktu baku", "How long steps took against their standard time";
    MailSettings => "Notifikasi e-mail", "E-mail notifications";
    ApiTokens => "Token API", "API tokens";
    ApiTokensHelp => "Token API membuat skrip atau sistem lain bertindak atas nama Anda, dengan hak yang sama dengan Anda. Kirim sebagai header Authorization: Bearer <token>. Dokumentasi API:", "An API token lets a script or another system act as you, with your rights. Send it as the header Authorization: Bearer <token>. The API is documented at";
    TokenName => "Untuk apa token ini (mis. skrip admin jaringan)", "What this token is for (e.g. network admin script)";
    TokenCreate => "Buat token", "Create token";
    TokenShownOnce => "Salin token ini sekarang: token tidak akan ditampilkan lagi.", "Copy this token now: it will not be shown again.";
    TokenRevoke => "Cabut", "Revoke";
    TokenRevoked => "Token dicabut.", "Token revoked.";
    LastUsed => "Terakhir dipakai", "Last used";
    Created => "Dibuat", "Created";
    MailWanted => "Kirimi saya notifikasi lewat e-mail", "Send me notifications by e-mail";
    MailHelp => "E-mail dikirim saat ada tugas baru untuk Anda, saat permohonan Anda bergerak atau selesai, saat surat ditandatangani, dan saat tugas melewati batas waktu.", "Mail is sent when a task is assigned to you, when your request moves or ends, when a letter is signed, and when a task is overdue.";
    NoticeSettings => "Cara pemberitahuan", "How you are notified";
    NoticeSettingsHelp => "Untuk tiap jenis pemberitahuan dan tiap saluran: segera, dalam ringkasan harian pada jam pilihan Anda (zona waktu instansi), atau mati. Pemberitahuan di Sopir sendiri selalu ada.", "For each kind of notice and each channel: at once, in a daily digest at the time you choose (the agency's time zone), or off. Notices within Sopir itself are always kept.";
    NoticeKindCol => "Pemberitahuan", "Notice";
    KindTask => "Tugas baru untuk saya", "A new task for me";
    KindLetter => "Surat untuk saya periksa atau tanda tangani", "A letter for me to review or sign";
    KindLate => "Langkah terlambat atau dieskalasi", "A step late or escalated";
    KindProgress => "Permohonan saya bergerak", "My request moved";
    KindFinished => "Permohonan saya selesai, ditolak atau ditarik", "My request finished, refused or withdrawn";
    KindOversight => "Pemberitahuan pengawasan untuk pimpinan", "Oversight notices for heads";
    ChannelEmail => "E-mail", "E-mail";
    ChannelGateway => "WhatsApp/Telegram (gateway instansi)", "WhatsApp/Telegram (agency gateway)";
    DeliveryAtOnce => "Segera", "At once";
    DeliveryDigest => "Ringkasan harian", "Daily digest";
    DeliveryOff => "Mati", "Off";
    DigestTime => "Jam ringkasan harian", "Daily digest time";
    Phone => "Nomor HP", "Mobile number";
    ChatId => "Chat id (Telegram)", "Chat id (Telegram)";
    UnknownChoice => "pilihan tidak dikenal", "unknown choice";
    GatewayMissingForPerson => "Instansi Anda belum mengatur gateway pesan: pilihan untuk WhatsApp/Telegram berlaku setelah administrator mengaturnya.", "Your agency has not set up a message gateway yet: the WhatsApp/Telegram choices apply once an administrator does.";
    MailOffForPerson => "E-mail tidak dikirim kepada Anda (alamat belum diisi atau notifikasi e-mail dimatikan):", "No e-mail is sent to you (no address given, or e-mail notifications turned off):";
    GatewaySettings => "Gateway pesan (WhatsApp/Telegram)", "Message gateway (WhatsApp/Telegram)";
    GatewayHelp => "Sopir mengirim POST ke URL ini untuk setiap pesan, dengan header dan isi dari template di bawah. Dalam template JSON, nilai isian di-escape. Isian:", "Sopir POSTs each message to this URL, with the headers and a body from the template below. In a JSON template the values are escaped. Placeholders:";
    PlaceholderMessage => "isi pesan, dengan tautannya", "the message, with its link";
    PlaceholderLink => "tautan ke Sopir saja", "the link to Sopir alone";
    GatewayHeaders => "Header baru (satu per baris, Nama: nilai)", "New headers (one a line, Name: value)";
    GatewayHeadersKept => "Header tersimpan (disamarkan). Kosongkan kolom header untuk mempertahankannya.", "Saved headers (masked). Leave the headers field empty to keep them.";
    GatewayClearHeaders => "Hapus header tersimpan", "Remove the saved headers";
    GatewayTemplate => "Template isi", "Body template";
    GatewayTest => "Kirim pesan uji", "Send a test message";
    GatewayTestSent => "Pesan uji diterima gateway.", "The gateway accepted the test message.";
    GatewayTestFailed => "Pesan uji tidak diterima:", "The test message was not accepted:";
    GatewayTestNoRecipient => "Isi nomor HP atau chat id tujuan pesan uji.", "Give the phone number or chat id to send the test message to.";
    GatewayNotSet => "Gateway pesan belum diatur.", "No message gateway is set up.";
    ConnectorsTitle => "Konektor penyediaan", "Provisioning connectors";
    ConnectorsHelp => "Konektor membuat di jaringan dinas apa yang disetujui di registri — rekaman DNS, akun direktori, peer VPN, atau webhook — dan membatalkannya bila entri ditangguhkan, dicabut atau habis masa berlakunya. SOP menyebut konektornya (provision di [registry]); tanpa pengaturan di sini, langkah itu tetap dikerjakan manual.", "Connectors make real in the agency's network what the registry approved — DNS records, directory accounts, VPN peers, or a webhook — and undo it when the entry is suspended, revoked or expires. The SOP names the connector (provision in [registry]); without settings here the step stays manual.";
    ConnectorOn => "aktif", "on";
    ConnectorSavedAt => "Diatur pada", "Set on";
    ConnectorOff => "belum diatur (manual)", "not set (manual)";
    ConnectorAddress => "Alamat server", "Server address";
    ConnectorAddressDns => "host:port server DNS otoritatif, mis. 10.0.0.53:53", "host:port of the authoritative DNS server, e.g. 10.0.0.53:53";
    ConnectorAddressLdap => "ldaps://ldap.contoh.go.id atau ldap://10.0.0.5:389 dengan starttls=ya", "ldaps://ldap.example.go.id or ldap://10.0.0.5:389 with starttls=ya";
    ConnectorAddressWireguard => "Tidak dipakai: gateway mengambil daftar peer dari /gateway/wireguard/<instansi>/peers.conf dengan token di kolom Rahasia.", "Not used: the gateway pulls its peer list from /gateway/wireguard/<agency>/peers.conf with the token in the Secret field.";
    ConnectorAddressWebhook => "https://panel.contoh.go.id/sopir", "https://panel.example.go.id/sopir";
    ConnectorRemove => "Hapus pengaturan (kembali manual):", "Remove the settings (back to manual):";
    ConnectorSecret => "Rahasia", "Secret";
    ConnectorSecretHelp => "Kunci TSIG, kata sandi bind, atau kunci tanda tangan webhook. Disimpan terenkripsi dan tidak pernah ditampilkan lagi.", "TSIG key, bind password, or webhook signing key. Stored encrypted and never shown again.";
    ConnectorSecretKept => "Kosongkan untuk tetap memakai rahasia yang tersimpan.", "Leave empty to keep the saved secret.";
    ConnectorOptions => "Pengaturan lain", "Other settings";
    ConnectorOptionsHelp => "Satu pengaturan per baris: nama = nilai (contoh di kotak).", "One setting per line: name = value (example in the box).";
    ConnectorDryRun => "Uji coba: hanya catat apa yang akan dikirim, jangan ubah apa pun di server", "Dry run: only record what would be sent, change nothing on the server";
    RunsNeedingAction => "Penyediaan yang perlu tindakan", "Provisioning that needs action";
    RunsWaitingForYou => "Penyediaan otomatis gagal dan menunggu tindakan administrator", "Automatic provisioning failed and waits for an administrator";
    RunsNoneNeedAction => "Tidak ada penyediaan yang gagal.", "No failed provisioning.";
    WebhooksTitle => "Webhook dan umpan peristiwa", "Webhooks and the event feed";
    WebhooksHelp => "Webhook mengirim peristiwa instansi ini ke sistem lain (SPLP, dasbor provinsi, skrip instansi): permohonan dibuka, langkah selesai, waktu baku terlewati, permohonan ditutup, surat ditandatangani, registri berubah. Setiap peristiwa dikirim berurutan sebagai JSON bertanda tangan HMAC-SHA256, diulang sampai penerima menjawab 2xx, dan tidak pernah memuat data pribadi. Umpan yang sama dapat dibaca lewat API di GET /api/v1/events.", "Webhooks send this agency's events to other systems (SPLP, a province dashboard, the agency's scripts): requests opened, steps done, standard times breached, requests closed, letters signed, registry changes. Each event is posted in order as JSON signed with HMAC-SHA256, retried until the receiver answers 2xx, and never carries personal data. The same feed is readable through the API at GET /api/v1/events.";
    WebhookNone => "Belum ada penerima webhook.", "No webhook receivers yet.";
    WebhookAdd => "Tambah penerima", "Add a receiver";
    WebhookUrl => "Alamat penerima", "Receiver address";
    WebhookUrlHelp => "https://… (http:// hanya untuk alamat di mesin ini, mis. http://127.0.0.1:9000/sopir)", "https://… (http:// only for this very machine, e.g. http://127.0.0.1:9000/sopir)";
    WebhookSecret => "Rahasia tanda tangan", "Signing secret";
    WebhookSecretHelp => "Paling sedikit 16 karakter. Penerima memeriksa header X-Sopir-Signature (sha256= HMAC-SHA256 atas \"<X-Sopir-Timestamp>.<isi>\") dengan rahasia ini. Disimpan terenkripsi dan tidak ditampilkan lagi.", "At least 16 characters. The receiver checks the X-Sopir-Signature header (sha256= HMAC-SHA256 of \"<X-Sopir-Timestamp>.<body>\") with this secret. Stored encrypted and never shown again.";
    WebhookKinds => "Jenis peristiwa (tanpa centang: semua)", "Kinds of events (none ticked: all)";
    WebhookAllKinds => "semua", "all";
    WebhookRemove => "Hapus", "Remove";
    WebhookRemoved => "Penerima dihapus.", "Receiver removed.";
    WebhookAdded => "Penerima ditambahkan. Peristiwa mulai dikirim dari sekarang.", "Receiver added. Events are sent from now on.";
    WebhookHealthy => "lancar", "delivering";
    WebhookFailing => "gagal", "failing";
    WebhookNextAttempt => "dicoba lagi", "next attempt";
    WebhookDeliveredUpTo => "Terkirim sampai peristiwa", "Delivered up to event";
    WebhookDeliveries => "Pengiriman terakhir", "Recent deliveries";
    WebhookNoDeliveries => "Belum ada pengiriman.", "Nothing delivered yet.";
    WebhookEvent => "Peristiwa", "Event";
    WebhookAttempt => "Percobaan", "Attempt";
    WebhookAnswer => "Jawaban", "Answer";
    FeedCaseOpened => "permohonan dibuka", "request opened";
    FeedTaskOpened => "tugas diberikan", "task given";
    FeedStepDone => "langkah selesai", "step done";
    FeedDeadlineBreached => "langkah selesai terlambat", "step done late";
    FeedTaskOverdue => "tugas melewati waktu baku", "task overdue";
    FeedCaseDeadlineBreached => "permohonan selesai terlambat", "request finished late";
    FeedCaseOverdue => "permohonan melewati tenggat", "request overdue";
    FeedCaseClosed => "permohonan ditutup", "request closed";
    FeedLetterSigned => "surat ditandatangani", "letter signed";
    FeedRegistryChanged => "entri registri berubah", "registry entry changed";
    Provisioning => "Penyediaan otomatis", "Automatic provisioning";
    ProvisioningAutomatic => "oleh konektor", "by connector";
    RunDone => "selesai", "done";
    RunFailed => "gagal — perlu tindakan", "failed — needs action";
    RunDryRun => "uji coba", "dry run";
    RunManual => "dikerjakan manual", "done by hand";
    RunSuperseded => "digantikan penyediaan yang lebih baru", "replaced by a later run";
    RunWaiting => "menunggu", "waiting";
    RunRetrying => "dicoba lagi: percobaan", "retrying: attempt";
    RunMessage => "Keterangan", "Details";
    RunAnswer => "Jawaban server", "Server's answer";
    RunRetry => "Coba lagi sekarang", "Try again now";
    RunByHandNote => "Atau, bila sudah dikerjakan manual, tulis apa yang dikerjakan", "Or, if done by hand, say what was done";
    RunByHand => "Catat sudah dikerjakan manual", "Record as done by hand";
    ProvisioningBack => "Kembali", "Back";
    HandoverTitle => "Serah terima akun", "Account handover";
    HandoverShownOnce => "Halaman ini hanya tampil sekali: isinya sudah dihapus dari Sopir. Unduh atau salin sekarang dan simpan di tempat aman; jangan kirim lewat e-mail atau pesan.", "This page is shown only once: its content has been deleted from Sopir. Download or copy it now and keep it safe; do not send it by e-mail or chat.";
    HandoverDownload => "Unduh", "Download";
    HandoverScan => "Pindai kode QR ini dengan aplikasi WireGuard di ponsel.", "Scan this QR code with the WireGuard app on a phone.";
    HandoverTake => "Ambil sekali:", "Take once:";
    HandoverOnce => "Hanya dapat dibuka satu kali, lalu dihapus dari Sopir. Simpan di tempat aman.", "Can be opened only once, then it is deleted from Sopir. Keep it somewhere safe.";
    HandoverTaken => "Serah terima sudah dibuka pada", "Handover opened on";
    GatewayRecent => "Pesan terakhir", "Latest messages";
    GatewayNoMessages => "Belum ada pesan lewat gateway.", "No messages through the gateway yet.";
    GatewayState => "Keadaan", "State";
    GatewayAnswer => "Jawaban gateway", "Gateway's answer";
    GatewayFailed => "Gagal", "Failed";
    GatewayWaiting => "Menunggu percobaan", "Waiting for a try";
    NoticeCount => "pemberitahuan", "notices";
    NoticeUnread => "belum dibaca", "unread";
    AccessReview => "Entri yang ditinjau", "Entries under review";
    Undecided => "belum diputuskan", "undecided";
    VisitLog => "Pencatatan akses ruang server", "Server-room visitor log";
    Visitor => "Pengunjung", "Visitor";
    Planned => "Rencana", "Planned";
    CheckIn => "Catat masuk", "Check in";
    CheckedIn => "Masuk", "In";
    CheckedOut => "Keluar", "Out";
    Badge => "Nomor tanda pengenal khusus", "Special badge number";
    Duration => "Lama", "Duration";
    RevealNik => "Tampilkan data pribadi lengkap — NIK, nama pengunjung (dicatat di log audit)", "Show personal data in full — NIK, visitor's name (recorded in the audit log)";
    NikRevealed => "Data pribadi ditampilkan lengkap; pembukaan ini tercatat di log audit atas nama Anda.", "Personal data is shown in full; this reveal is recorded in the audit log under your name.";
    Registry => "Registri", "Registry";
    Search => "Cari", "Search";
    Responsible => "Penanggung jawab", "Responsible";
    ValidUntil => "Berlaku sampai", "Valid until";
    RecordedBy => "Dicatat oleh", "Recorded by";
    History => "Riwayat", "History";
    Reason => "Alasan", "Reason";
    By => "Oleh", "By";
    ChangeState => "Ubah status", "Change state";
    LetterSettings => "Kop surat dan sertifikat tanda tangan", "Letterhead and signing certificates";
    LogoPresent => "Logo sudah terpasang; unggah lagi untuk menggantinya.", "A logo is set; upload again to replace it.";
    LogoAbsent => "Belum ada logo; kop surat dicetak tanpa logo.", "No logo yet; the letterhead is printed without one.";
    CertificateHelp => "Kata sandi hanya dipakai untuk memeriksa berkas dan tidak disimpan; pejabat mengetiknya sendiri setiap kali menandatangani.", "The passphrase only checks the file and is not kept; the official types it each time they sign.";
    ChooseFile => "Pilih berkas terlebih dahulu.", "Choose a file first.";
    CertificateSaved => "Sertifikat tersimpan", "Certificate saved";
    Seconds => "detik", "seconds";
    Minutes => "menit", "minutes";
    PasswordChangeEnds => "Mengganti kata sandi mengakhiri semua sesi dan semua token API Anda.", "Changing the password ends all your sessions and API tokens.";
    TokenDays => "Masa berlaku (hari, paling lama 365)", "Valid for (days, at most 365)";
    TokenPassword => "Kata sandi Anda, untuk memastikan ini memang Anda", "Your password, to make sure it is you";
    TokenPasswordWrong => "Kata sandi salah; token tidak dibuat", "Wrong password; no token was made";
    TokenEnds => "Token berhenti berlaku pada tanggalnya, saat dicabut, dan saat kata sandi Anda diganti.", "A token stops working on its date, when revoked, and when your password changes.";
    TokenExpired => "Kedaluwarsa", "Expired";
    LoginLockouts => "Percobaan masuk yang ditahan", "Held-up login attempts";
    LoginLockoutsHelp => "Setelah beberapa kata sandi salah, alamat yang menebak harus menunggu sebelum mencoba lagi; pemilik akun tetap dapat masuk dari alamat lain. Buka untuk menghapus penahanan akun sekarang.", "After a few wrong passwords the guessing address has to wait before trying again; the owner can still log in from elsewhere. Unlock to lift an account's waits now.";
    Address => "Alamat", "Address";
    Failures => "Gagal", "Failures";
    HeldUntil => "Ditahan sampai", "Held until";
    Unlock => "Buka", "Unlock";
    AllNewAddresses => "semua alamat yang belum pernah dipakai pemilik", "every address the owner has not used";
    LockoutHistory => "Riwayat penahanan", "Hold-up history";
    LockoutAddress => "alamat ditahan", "address held up";
    LockoutAccount => "akun ditahan untuk alamat baru", "account held up for new addresses";
    LockoutUnlocked => "dibuka", "unlocked";
    NothingYet => "Belum ada.", "None yet.";
    // Agencies and their organisation (issue 17).
    NavAgencies => "Instansi", "Agencies";
    AgenciesTitle => "Instansi di instalasi ini", "Agencies of this installation";
    AgenciesHelp => "Setiap instansi punya profil, unit, jabatan, pegawai, SOP dan kalendernya sendiri, terpisah dari instansi lain.", "Each agency has its own profile, units, positions, people, SOPs and calendar, kept apart from the others.";
    AddAgency => "Tambah instansi", "Add an agency";
    AgencyProfile => "Profil instansi", "Agency profile";
    OrganisationTitle => "Organisasi instansi", "Agency organisation";
    OrganisationHelp => "Jabatan dipilih dari daftar ini setiap kali seseorang ditugaskan. Atasan menentukan kepada siapa keterlambatan dilaporkan; hak menentukan siapa memimpin instansi, menandatangani surat, membaca laporan dan memelihara registri.", "Positions are chosen from this list whenever someone is assigned. The superior decides whom lateness is reported to; the rights decide who heads the agency, signs letters, reads reports and keeps the registries.";
    AgencyCode => "Kode instansi", "Agency code";
    AgencyCodeHelp => "Huruf kecil, angka dan tanda hubung; dipakai dalam id SOP (mis. blitar/cuti) dan tidak dapat diubah kemudian.", "Lowercase letters, digits and hyphens; used in SOP ids (e.g. blitar/cuti) and fixed once made.";
    Government => "Pemerintah daerah", "Local government";
    AgencyName => "Nama instansi", "Agency name";
    AddressHelp => "Alamat kantor seperti pada kop surat resmi; kosongkan bila belum pasti — jangan menebak.", "The office address as on the official letterhead; leave it empty when unsure — never guess.";
    TimeZone => "Zona waktu", "Time zone";
    Letterhead => "Kop surat", "Letterhead";
    LetterheadHelp => "Satu baris kop per baris, dari atas ke bawah (paling banyak 6).", "One letterhead line per line, top to bottom (at most 6).";
    Domain => "Domain", "Domain";
    DomainHelp => "Subdomain baru harus langsung di bawahnya, mis. blitarkab.go.id; boleh kosong.", "New subdomains must sit directly under it, e.g. blitarkab.go.id; may be empty.";
    MailDomain => "Domain e-mail", "Mail domain";
    MailDomainHelp => "Domain alamat e-mail baru; kosongkan untuk memakai domain instansi.", "The domain of new e-mail addresses; empty: the agency's domain.";
    RetentionDays => "Masa retensi data pribadi (hari)", "Personal data retention (days)";
    RetentionHelp => "Sekian hari setelah permohonan selesai, NIK dan nama pengunjung dihapus (1 sampai 3650).", "So many days after a case closes, NIK numbers and visitors' names are erased (1 to 3650).";
    LetterNumbering => "Penomoran surat keluar", "Outgoing letter numbering";
    NumberTemplate => "Templat nomor", "Number template";
    SopNumberTemplate => "Templat nomor SOP", "SOP number template";
    SopNumberTemplateHelp => "Nomor yang diberikan saat SOP disahkan, dengan tanda yang sama; {urut} menghitung SOP yang disahkan tahun itu. Kosongkan bila nomor SOP diketik saat pengesahan.", "The number an SOP gets when ratified, with the same placeholders; {urut} counts the SOPs ratified that year. Leave empty when SOP numbers are typed at ratification.";
    DispositionBoxes => "Kotak instruksi lembar disposisi", "Instruction boxes of the disposition sheet";
    DispositionBoxesHelp => "Satu kotak per baris, urut seperti tercetak (mis. Tanggapan dan saran, Proses lebih lanjut). Pejabat mencentangnya saat mendisposisikan. Dikosongkan: kotak yang lazim.", "One box per line, in print order (e.g. Tanggapan dan saran, Proses lebih lanjut). Officials tick them when disposing. Left empty: the usual boxes.";
    WetInkFallback => "Bila layanan tanda tangan elektronik tidak tersedia, surat boleh ditandatangani basah (dicetak, ditandatangani, dipindai, diunggah)", "When the signing service is unavailable, a letter may be signed in wet ink (printed, signed, scanned, uploaded)";
    DispositionInstructions => "Dengan hormat harap", "Please";
    DispositionNature => "Sifat", "Nature";
    DispositionDue => "Batas waktu", "Due date";
    DispositionDueHelp => "Kosongkan bila mengikuti waktu baku langkah berikutnya; tugas berikutnya jatuh tempo pada akhir jam kerja tanggal ini bila lebih awal.", "Leave empty to keep the next step's standard time; the next task is due at the close of this working day when that is earlier.";
    DispositionTo => "Diteruskan kepada", "Forwarded to";
    DispositionToLane => "Semua pemegang jabatan pelaksana berikutnya", "Everyone holding the next lane's position";
    Paraf => "Paraf", "Initialled";
    NumberTemplateHelp => "{klasifikasi}, {urut} (atau {urut:3}, diisi nol), {unit}, {tahun}; wajib memuat {urut}.", "{klasifikasi}, {urut} (or {urut:3}, zero-padded), {unit}, {tahun}; must contain {urut}.";
    Classification => "Kode klasifikasi", "Classification code";
    UnitCode => "Kode unit pengolah", "Processing unit code";
    LetterPlace => "Tempat surat", "Place on letters";
    PerUnit => "Setiap kode unit punya urutan nomor sendiri", "Each unit code keeps its own sequence";
    Srikandi => "Nomor diambil dari SRIKANDI dan diketik saat menandatangani", "Numbers come from SRIKANDI, typed in when signing";
    WholeNumber => "tulis bilangan bulat", "write a whole number";
    SavedAgency => "Instansi dibuat. Lanjutkan dengan unit, jabatan dan pegawainya.", "The agency was created. Go on with its units, positions and people.";
    SavedProfile => "Profil instansi tersimpan.", "The agency profile was saved.";
    SavedUnit => "Unit tersimpan.", "The unit was saved.";
    SavedPosition => "Jabatan tersimpan.", "The position was saved.";
    SavedPerson => "Pegawai tersimpan.", "The person was saved.";
    SavedAccount => "Akun masuk dibuat.", "The login was created.";
    SavedHoldingEnded => "Masa jabatan diakhiri.", "The holding was ended.";
    ImportPeople => "Impor pegawai (CSV)", "Import people (CSV)";
    ImportHelp => "Berkas CSV ekspor SIMPEG/SIASN, dipisah koma atau titik koma, dengan kolom NIP, Nama, Jabatan, Unit Kerja dan boleh juga Gelar, E-mail, Nomor HP. Jabatan dan unit kerja ditulis kode atau namanya seperti di daftar instansi ini. Belum ada yang disimpan sebelum Anda melihat pratinjaunya dan menekan Terapkan.", "A CSV export of SIMPEG/SIASN, separated by commas or semicolons, with the columns NIP, Nama, Jabatan, Unit Kerja and optionally Gelar, E-mail, Nomor HP. Positions and units are given by their code or name as in this agency's lists. Nothing is saved before you have seen the preview and pressed Apply.";
    ImportFile => "Berkas CSV", "CSV file";
    ImportPreviewButton => "Pratinjau", "Preview";
    ImportPreview => "Pratinjau impor pegawai", "Import preview";
    ImportNew => "Pegawai baru", "New people";
    ImportChanged => "Pegawai yang berubah", "Changed people";
    ImportGone => "Pegawai yang tidak ada di berkas", "People not in the file";
    ImportGoneHelp => "Pegawai instansi ini yang ber-NIP tetapi tidak ada di berkas. Mereka tidak dihapus; jabatannya hanya diakhiri bila Anda mencentang kotak di bawah.", "People of this agency with a NIP who are not in the file. They are not deleted; their positions end only if you tick the box below.";
    ImportUnchanged => "Tidak berubah", "Unchanged";
    ImportNewLogins => "Akun masuk baru (nama pengguna = NIP, kata sandi belum ada)", "New logins (username = NIP, no password yet)";
    ImportErrors => "Berkas belum dapat diimpor dan belum ada yang disimpan. Perbaiki baris berikut lalu unggah lagi.", "The file cannot be imported and nothing was saved. Correct these lines and upload it again.";
    ImportNothing => "Berkas ini tidak menambah atau mengubah pegawai.", "This file adds or changes nobody.";
    ImportEndGone => "Akhiri jabatan pegawai yang tidak ada di berkas (per kemarin)", "End the positions of the people not in the file (as of yesterday)";
    ImportApply => "Terapkan", "Apply";
    ImportApplied => "Impor pegawai diterapkan.", "The import was applied.";
    ImportChangedFields => "Yang berubah", "What changes";
    ImportMore => "dan {n} lainnya", "and {n} more";
    LineNo => "Baris", "Line";
    ColumnName => "Kolom", "Column";
    Problem => "Masalah", "Problem";
    BackToOrganisation => "Kembali ke organisasi", "Back to the organisation";
    Code => "Kode", "Code";
    UnitCodeHelp => "Huruf kecil, angka dan tanda hubung; kosongkan agar dibuat dari nama.", "Lowercase letters, digits and hyphens; leave empty to make it from the name.";
    UnitKindDinas => "Bagian instansi", "Part of the agency";
    UnitKindOpd => "OPD yang dilayani", "OPD served";
    UnitOrPositionExists => "sudah ada; pilih \"Ubah\" pada daftar untuk mengubahnya", "already exists; choose \"Edit\" in the list to change it";
    SaveUnit => "Tambah atau ubah unit", "Add or edit a unit";
    Positions => "Daftar jabatan", "Positions";
    SavePosition => "Tambah atau ubah jabatan", "Add or edit a position";
    PositionCodeHelp => "Kode yang dipakai lajur SOP, mis. kabid-tik; tidak dapat diubah kemudian.", "The code SOP lanes use, e.g. kabid-tik; fixed once made.";
    PositionName => "Nama jabatan", "Position name";
    PositionNameHelp => "Seperti tertulis pada surat, mis. Kepala Bidang Aplikasi Informatika.", "As written on letters, e.g. Kepala Bidang Aplikasi Informatika.";
    ReportsTo => "Atasan", "Reports to";
    ReportsToHelp => "Keterlambatan naik ke pemegang jabatan atasan, satu tingkat setiap kali; bila rantai habis, ke pimpinan instansi.", "Lateness climbs to the holders of the superior position, one level each time; when the chain ends, to the head of the agency.";
    Rights => "Hak", "Rights";
    RightHeadsAgency => "Memimpin instansi", "Heads the agency";
    RightSignsLetters => "Menandatangani surat", "Signs letters";
    RightReadsReports => "Membaca laporan dan agenda", "Reads reports and registers";
    RightKeepsRegistry => "Memelihara semua registri", "Keeps every registry";
    PemdaOfficial => "Pejabat Pemda di luar instansi (mis. Bupati, Sekda, kepala OPD)", "Official of the Pemda outside the agency (e.g. the Bupati, the Sekda, an OPD's head)";
    Pemda => "Pemda", "Pemda";
    HeldBy => "Dipegang oleh", "Held by";
    Edit => "Ubah", "Edit";
    NoneChosen => "— tidak ada —", "— none —";
    SavePerson => "Tambah atau ubah pegawai", "Add or edit a person";
    UnitsFirst => "Buat unit lebih dahulu: setiap pegawai bekerja di satu unit.", "Make a unit first: everyone works in one unit.";
    Logins => "Akun masuk", "Logins";
    AddLogin => "Buat akun masuk", "Create a login";
    AgencyAdmin => "Administrator instansi", "Agency administrator";
    NoLogin => "belum punya akun", "no login yet";
    UsernameTaken => "Nama pengguna sudah dipakai", "This username is taken";
    PersonHasLogin => "Pegawai ini sudah punya akun", "This person has a login already";
    EndHolding => "Akhiri", "End";
    LastDay => "Hari terakhir", "Last day";
    SopPublishing => "Penerbitan SOP", "SOP publishing";
    SopPublishingHelp => "Unggah definisi SOP (berkas .toml; formatnya di docs/sop-format.md). Berkas diperiksa lebih dulu dan setiap temuan ditampilkan dengan baris dan kolomnya. Berkas dengan kesalahan ditolak dan tidak mengubah apa pun; berkas yang sah terbit sebagai versi baru SOP instansi Anda: permohonan baru memakai versi itu, permohonan yang sedang berjalan tetap memakai versinya.", "Upload an SOP definition (a .toml file; the format is in docs/sop-format.md). The file is checked first and every finding is shown with its line and column. A file with errors is refused and changes nothing; a valid file is published as a new version of your agency's SOP: new requests use it, running requests keep their version.";
    SopFile => "Berkas definisi SOP (.toml)", "SOP definition file (.toml)";
    CheckAndPublish => "Periksa dan terbitkan", "Check and publish";
    SopPublishedNew => "Diterbitkan sebagai versi baru", "Published as a new version";
    SopPublishedUnchanged => "Isi ini sudah terbit dengan nomor versi yang sama; tidak ada yang berubah", "This text is already published under this version; nothing changed";
    SopRefused => "Tidak diterbitkan, tidak ada yang berubah. Perbaiki temuan di bawah lalu unggah lagi.", "Not published; nothing changed. Fix the findings below and upload again.";
    SopFindings => "Temuan pemeriksaan", "Findings";
    SopLine => "baris", "line";
    SopColumn => "kolom", "column";
    // The SOP editor (issue 19 part 1).
    EdDrafts => "Konsep SOP", "SOP drafts";
    EdOriginImport => "impor dokumen SOP", "imported SOP document";
    EdUnsureTitle => "Nilai hasil impor yang perlu diperiksa", "Imported values to check";
    EdUnsureHelp => "Impor tidak yakin akan nilai-nilai ini. Periksa dan perbaiki masing-masing di kolomnya, lalu tandai sudah diperiksa; konsep dikirim untuk ditinjau setelah semuanya diperiksa.", "The import was unsure of these values. Check and correct each in its field, then mark it checked; the draft is sent for review once all are checked.";
    EdUnsureChecked => "Sudah diperiksa", "Checked";
    EdUnsureGone => "Tanda itu sudah tidak ada di konsep (mungkin sudah diperiksa atau konsep telah berubah); muat ulang halaman.", "That mark is no longer in the draft (perhaps checked already, or the draft changed); reload the page.";
    ImportOpenInEditor => "Buka di penyunting sebagai konsep", "Open in the editor as a draft";
    CatUnknownStatus => "tidak dikenal; pilih konsep, ditinjau, disetujui, disahkan, berlaku atau ditarik", "is unknown; choose konsep, ditinjau, disetujui, disahkan, berlaku or ditarik";
    CatInReview => "ditinjau", "in review";
    CatApproved => "disetujui", "approved";
    CatRatified => "disahkan, belum berlaku", "ratified, not yet in effect";
    CatActive => "berlaku", "active";
    CatWithdrawn => "ditarik", "withdrawn";
    CatWithdraw => "Tarik", "Withdraw";
    CatRestore => "Berlakukan lagi", "Restore";
    CatRestoredDone => "SOP berlaku lagi: permohonan baru dapat diajukan kembali.", "SOP restored: new requests can be made again.";
    CatWithdrawnDone => "SOP ditarik: permohonan baru tidak lagi dapat diajukan; permohonan yang berjalan tetap diselesaikan. Tombol \"Berlakukan lagi\" mengembalikannya.", "SOP withdrawn: no new request can be made; running ones are finished. \"Restore\" brings it back.";
    CatSearch => "Cari (nomor, nama, unit)", "Search (number, name, unit)";
    CatAll => "semua", "all";
    CatFind => "Cari", "Search";
    CatNone => "Tidak ada SOP yang cocok.", "No SOP matches.";
    CatPublic => "Halaman publik SOP yang berlaku:", "Public page of the active SOPs:";
    PubTitle => "Standar Operasional Prosedur", "Standard Operating Procedures";
    PubIntro => "SOP yang berlaku di instansi ini, dengan waktu penyelesaian bakunya. Dokumen resminya dapat diunduh.", "The SOPs in effect at this agency, with their standard times. The official documents can be downloaded.";
    PubStandardTime => "Waktu penyelesaian baku", "Standard completion time";
    PubDocument => "Dokumen SOP (PDF)", "SOP document (PDF)";
    PubSignedNote => "Ditandatangani secara elektronik oleh pejabat yang mengesahkan.", "Signed electronically by the ratifying official.";
    PubStepTimes => "Waktu baku tiap langkah", "Standard time of each step";
    SkmTitle => "Survei Kepuasan Masyarakat", "Satisfaction survey";
    SkmInvite => "permohonan Anda sudah selesai. Bagaimana pelayanan kami? Sembilan pertanyaan, tanpa nama, boleh dilewati.", "your request has ended. How did we serve you? Nine questions, anonymous, optional.";
    SkmAnswer => "Isi survei", "Answer the survey";
    SkmFor => "Tentang permohonan", "About request";
    SkmAnonymous => "Jawaban Anda disimpan tanpa nama Anda dan tanpa nomor permohonan; hasilnya hanya dihitung per layanan. Survei ini diisi sekali.", "Your answers are kept without your name or the request number; results are only counted per service. The survey is answered once.";
    SkmIncomplete => "Jawaban belum lengkap — pilihan Anda yang lain tetap tersimpan di formulir:", "Some answers are missing — your other choices are kept in the form:";
    SkmComment => "Saran dan masukan (boleh dikosongkan)", "Suggestions (optional)";
    SkmSend => "Kirim jawaban", "Send answers";
    SkmThanks => "Terima kasih, jawaban survei Anda sudah dicatat.", "Thank you, your survey answers have been recorded.";
    SkmNotOpen => "Survei kepuasan permohonan ini tidak terbuka untuk Anda: hanya pemohonnya yang mengisinya, sekali, setelah permohonannya selesai atau ditolak.", "This request's satisfaction survey is not open to you: only its requester answers it, once, after the request ended or was refused.";
    IkmTitle => "Indeks Kepuasan Masyarakat (IKM)", "Public satisfaction index (IKM)";
    IkmHelp => "Menurut PermenPANRB 14/2017: rata-rata jawaban (1–4) tiap unsur, dijumlah dengan bobot tepat 1/9, dikali 25, dibulatkan dua desimal. Mutu A 88,31–100 · B 76,61–88,30 · C 65,00–76,60 · D 25,00–64,99. Sampel minimal menurut tabel Krejcie dan Morgan dari jumlah permohonan yang selesai atau ditolak pada periode.", "Per PermenPANRB 14/2017: the average answer (1–4) of each element, summed with the exact weight 1/9, times 25, rounded to two decimals. Grade A 88.31–100 · B 76.61–88.30 · C 65.00–76.60 · D 25.00–64.99. The minimum sample follows the Krejcie and Morgan table from the requests that ended or were refused in the period.";
    IkmRespondents => "Responden", "Respondents";
    IkmPopulation => "Permohonan selesai", "Requests ended";
    IkmSample => "Sampel minimal", "Minimum sample";
    IkmShort => "belum cukup", "not enough yet";
    IkmTooFew => "kurang dari 5 responden: tidak ditampilkan agar jawaban tidak dapat dikenali", "fewer than 5 respondents: not shown, so no answer can be recognised";
    IkmGrade => "Mutu · kinerja", "Grade";
    IkmPerService => "Per layanan", "Per service";
    IkmPerUnit => "Per unit", "Per unit";
    IkmAgency => "Seluruh instansi", "Whole agency";
    IkmNothing => "Belum ada permohonan yang selesai atau jawaban survei pada periode ini.", "No request ended and no survey was answered in this period.";
    IkmLink => "Survei kepuasan (IKM)", "Satisfaction survey (IKM)";
    MonLink => "Monitoring pelaksanaan SOP", "SOP monitoring";
    MonTitle => "Monitoring pelaksanaan SOP", "SOP monitoring";
    MonHelp => "Setiap SOP dimonitor per periode — enam bulan bila instansi tidak menetapkan lain (PermenPANRB 35/2012). Formulirnya diisi lebih dulu dari permohonan pada periode itu; penilai memeriksa, menulis catatan dan tindakan, lalu memaraf.", "Each SOP is monitored every period — six months unless the agency sets another (PermenPANRB 35/2012). Its form is pre-filled from the requests of the period; the assessor checks it, writes notes and actions, and signs it off.";
    MonSigned => "Diparaf", "Signed off";
    MonRunningNote => "Periode ini masih berjalan: isiannya menunjukkan keadaan sampai hari ini, dan formulirnya dapat diparaf sesudah", "This period is still running: the form shows it as it stands today, and can be signed off after";
    MonPeriodLength => "Panjang periode monitoring instansi", "The agency's monitoring period";
    MonMonths => "bulan", "months";
    MonRunning => "Berjalan", "Running";
    MonDue => "Jatuh tempo", "Due";
    MonDueCount => "Formulir monitoring periode lalu yang belum diparaf:", "Last period's monitoring forms not yet signed off:";
    MonOther => "Periode lain", "Another period";
    MonSignedList => "Formulir yang sudah diparaf", "Signed-off forms";
    MonFormTitle => "Formulir Monitoring Pelaksanaan SOP", "SOP monitoring form";
    MonPeriod => "Periode", "Period";
    MonParaf => "Paraf penilai", "Assessor's paraf";
    MonPdf => "Unduh PDF", "Download PDF";
    MonProposed => "Isian ini diusulkan dari permohonan pada periode tersebut; periksa dan ubah bila perlu, lalu paraf.", "This form is proposed from the requests of the period; check and correct it, then sign it off.";
    MonIncomplete => "Formulir belum dapat diparaf — isian Anda tetap ada di bawah:", "The form cannot be signed off yet — what you entered is kept below:";
    MonProcedure => "Prosedur", "Procedure";
    MonFound => "Temuan dari permohonan", "Found in the requests";
    MonJudgement => "Penilaian terhadap penerapan", "Judgement of its application";
    MonNote => "Catatan hasil penilaian", "Notes";
    MonAction => "Tindakan yang harus diambil", "Action to take";
    MonSignHelp => "Dengan memaraf, Anda tercatat sebagai penilai formulir ini beserta waktunya; formulir tidak dapat diubah lagi.", "Signing off records you as this form's assessor, with the time; the form cannot be changed afterwards.";
    MonSign => "Paraf formulir", "Sign off the form";
    MonBack => "Kembali ke daftar monitoring", "Back to monitoring";
    MonNotSigned => "Formulir monitoring periode ini belum diparaf; PDF tersedia setelah diparaf.", "This period's monitoring form is not signed off yet; its PDF exists once it is.";
    EvLink => "Evaluasi penerapan SOP", "SOP evaluation";
    EvTitle => "Evaluasi penerapan SOP", "SOP evaluation";
    EvHelp => "Evaluasi menilai apakah SOP masih tepat (PermenPANRB 35/2012): setiap pertanyaan dijawab Ya atau Tidak. Evaluasi yang merekomendasikan revisi membuka konsep revisi SOP yang membawa temuannya.", "An evaluation judges whether an SOP is still right (PermenPANRB 35/2012): each question is answered yes or no. An evaluation that recommends a revision opens a revision draft carrying its findings.";
    EvSaved => "Evaluasi tersimpan untuk", "Evaluation saved for";
    EvDraftOpened => "Konsep revisi SOP sudah dibuka dengan temuan evaluasi ini.", "A revision draft of the SOP was opened with this evaluation's findings.";
    EvOpenDraft => "Buka konsep revisi", "Open the revision draft";
    EvDraftForAdmins => "Tim penyusun (administrator) melanjutkannya di Konsep SOP.", "The drafting team (administrators) continue it under SOP drafts.";
    EvLast => "Evaluasi terakhir", "Last evaluation";
    EvYes => "Ya", "yes";
    EvRevise => "revisi", "revision";
    EvNever => "belum pernah", "never";
    EvEvaluate => "Evaluasi", "Evaluate";
    EvQuestions => "Daftar pertanyaan evaluasi instansi", "The agency's evaluation checklist";
    EvQuestionsHelp => "Satu pertanyaan per baris. Kosongkan untuk kembali ke tujuh pertanyaan PermenPANRB 35/2012.", "One question per line. Leave empty to return to the seven questions of PermenPANRB 35/2012.";
    EvFormTitle => "Formulir Evaluasi Penerapan SOP", "SOP evaluation form";
    EvQuestion => "Pertanyaan", "Question";
    EvAnswer => "Jawaban", "Answer";
    EvNotes => "Catatan", "Notes";
    EvRecommendation => "Rekomendasi", "Recommendation";
    EvReviseBox => "SOP perlu direvisi: buka konsep revisi dengan temuan ini", "The SOP needs revising: open a revision draft with these findings";
    EvSave => "Simpan evaluasi", "Save the evaluation";
    EvFindings => "Temuan evaluasi yang membuka revisi ini", "Findings of the evaluation that opened this revision";
    NavDashboard => "Dasbor", "Dashboard";
    DashTitle => "Dasbor pimpinan", "Head's dashboard";
    DashHelp => "Dua belas bulan terakhir, dari catatan setiap langkah: permohonan per bulan, ketepatan waktu per layanan, langkah yang paling sering terlambat, permohonan yang sedang berjalan menurut umurnya, dan indeks kepuasan tahun ini.", "The last twelve months, from every step's record: requests per month, on-time share per service, the steps most often late, running requests by age, and this year's satisfaction index.";
    DashAllOpen => "Semua permohonan yang sedang berjalan", "All running requests";
    DashPerMonth => "Permohonan per bulan", "Requests per month";
    DashTotal => "Jumlah", "Total";
    DashOnTime => "Langkah selesai tepat waktu, per layanan", "Steps done on time, per service";
    DashNothing => "Belum ada langkah yang selesai dalam dua belas bulan terakhir.", "No step was completed in the last twelve months.";
    DashSlowest => "Langkah yang paling sering terlambat", "Steps most often late";
    DashNoneLate => "Tidak ada langkah yang terlambat dalam dua belas bulan terakhir.", "No step was late in the last twelve months.";
    DashByAge => "Permohonan yang sedang berjalan, menurut umurnya", "Running requests by age";
    DashDays => "hari", "days";
    DashAllTitle => "Semua permohonan", "All requests";
    DashSearch => "Cari nomor atau nama pemohon", "Search number or requester's name";
    DashStatus => "Status", "Status";
    DashAny => "Semua", "Any";
    DashAge => "Umur", "Age";
    DashNoCases => "Tidak ada permohonan yang cocok.", "No request matches.";
    NextPage => "Halaman berikutnya", "Next page";
    FirstPage => "Halaman pertama", "First page";
    DashNotYours => "Dibuka oleh pemohon, yang menanganinya dan administrator", "Opened by its requester, those handling it and administrators";
    DashBadStatus => "Status tidak dikenal", "Unknown status";
    PubStandard => "Standar pelayanan", "Service standard";
    PubRequirements => "Persyaratan", "Requirements";
    PubProcedure => "Sistem, mekanisme dan prosedur", "Procedure";
    PubProcedureText => "Menurut SOP ini, dalam", "As this SOP sets out, in";
    PubSteps => "langkah (lihat di bawah)", "steps (below)";
    PubCost => "Biaya/tarif", "Cost";
    PubFree => "Tidak dipungut biaya (gratis)", "Free of charge";
    PubProduct => "Produk pelayanan", "What the service gives";
    PubOnTime => "Langkah selesai tepat waktu (12 bulan terakhir)", "Steps done on time (last 12 months)";
    PubStepsDone => "langkah selesai", "steps done";
    PubRespondents => "responden tahun ini", "respondents this year";
    PubNoRecord => "belum ada catatan", "no record yet";
    RvTitle => "Tinjauan dan pengesahan SOP", "SOP review and ratification";
    RvHelp => "Konsep SOP yang menunggu Anda: yang dikirim kepada Anda untuk ditinjau, dan — bila Anda pimpinan instansi — yang sudah disetujui dan menunggu pengesahan.", "SOP drafts waiting for you: those sent to you for review and, if you head the agency, those approved and waiting for ratification.";
    RvNothing => "Tidak ada konsep SOP yang menunggu Anda.", "No SOP draft is waiting for you.";
    RvPageTitle => "Tinjauan SOP", "SOP review";
    RvStatusInReview => "ditinjau oleh", "in review by";
    RvStatusApproved => "disetujui oleh", "approved by";
    RvStatusRatified => "disahkan sebagai", "ratified as";
    RvField => "Bagian", "Part";
    RvWhole => "Konsep secara umum", "The draft as a whole";
    RvStep => "Langkah", "Step";
    RvLetterBody => "Isi surat", "Letter body";
    RvComment => "Catatan", "Comment";
    RvAddComment => "Tambahkan catatan", "Add comment";
    RvComments => "Catatan tinjauan", "Review comments";
    RvNoComments => "Belum ada catatan.", "No comments yet.";
    RvReturn => "Kembalikan ke penyusun", "Return to the drafters";
    RvApprove => "Setujui", "Approve";
    RvRatify => "Pengesahan", "Ratification";
    RvNumberTyped => "Wajib diisi: instansi ini belum memiliki templat nomor SOP.", "Required: this agency has no SOP number template.";
    RvNumberTemplate => "Kosongkan untuk nomor dari templat instansi:", "Leave empty for a number from the agency's template:";
    RvRatifyHelp => "Dokumen SOP (halaman identitas dan matriks) ditandatangani dengan sertifikat elektronik Anda; nomor, tanggal pengesahan dan efektif serta nama Anda diisikan. SOP berlaku untuk permohonan baru mulai tanggal efektif.", "The SOP document (identity page and matrix) is signed with your certificate; its number, ratification and effective dates and your name are filled in. New requests follow it from the effective date.";
    RvRatifyButton => "Sahkan dan tandatangani", "Ratify and sign";
    RvBadDate => "bukan tanggal (TTTT-BB-HH)", "not a date (YYYY-MM-DD)";
    RvSend => "Kirim untuk ditinjau", "Send for review";
    RvReviewer => "Peninjau", "Reviewer";
    RvSendHelp => "Konsep tanpa kesalahan pada pemeriksaan dikirim kepada peninjau yang Anda pilih (bukan Anda sendiri); selama ditinjau konsep tidak diubah.", "A draft without errors goes to the reviewer you choose (not yourself); while in review it does not change.";
    RvNotSent => "Konsep belum dikirim:", "The draft was not sent:";
    RvOpenReview => "Buka halaman tinjauan", "Open the review page";
    RvInReviewReadOnly => "Konsep ini sedang ditinjau dan tidak diubah sampai dikembalikan kepada penyusun.", "This draft is in review and does not change until it is returned to its drafters.";
    RvAwaiting => "Menunggu tinjauan atau pengesahan Anda", "Waiting for your review or ratification";
    RvSigned => "PDF bertanda tangan", "Signed PDF";
    EdDraftsHelp => "Tulis dan ubah SOP di peramban tanpa menulis TOML. Konsep tersimpan selagi diketik; dokumen resminya tergambar di sampingnya bersama temuan pemeriksaan. Konsep yang lolos pemeriksaan dapat diterbitkan.", "Write and change SOPs in the browser without writing TOML. A draft saves itself as it is typed; its official document is drawn beside it with the checks' findings. A draft that passes the checks can be published.";
    EdNewBlank => "Buat konsep baru", "New draft";
    EdRevise => "Revisi SOP yang berlaku", "Revise a live SOP";
    EdReviseButton => "Buat konsep revisi", "Start a revision";
    EdUploadNew => "Unggah TOML sebagai konsep baru", "Upload TOML as a new draft";
    EdNoDrafts => "Belum ada konsep.", "No drafts yet.";
    EdStatusOpen => "konsep", "draft";
    EdStatusPublished => "diterbitkan", "published";
    EdRevision => "revisi", "revision";
    EdLastSaved => "Terakhir disimpan", "Last saved";
    EdOriginBlank => "dari awal", "from scratch";
    EdOriginUpload => "unggahan", "uploaded";
    EdOriginRevision => "revisi SOP berlaku", "revision of the live SOP";
    EdEditorTitle => "Penyunting SOP", "SOP editor";
    EdSaved => "Tersimpan", "Saved";
    EdAutosaveHelp => "Perubahan tersimpan sendiri selagi Anda mengetik; tombol Simpan menyimpan seketika (juga tanpa JavaScript).", "Changes save themselves as you type; the Save button saves at once (also without JavaScript).";
    EdConflict => "Konsep ini sudah disimpan orang lain sejak Anda membukanya. Perubahan Anda belum disimpan dan masih ada di halaman ini: salin yang perlu, lalu buka konsep terbaru.", "Someone else saved this draft since you opened it. Your changes were not saved and are still on this page: copy what you need, then open the newest draft.";
    EdConflictBy => "Disimpan oleh", "Saved by";
    EdOpenNewest => "Buka konsep terbaru", "Open the newest draft";
    EdNotSaved => "Belum tersimpan", "Not saved";
    EdDownload => "Unduh TOML", "Download TOML";
    EdUploadInto => "Unggah TOML ke konsep ini", "Upload TOML into this draft";
    EdUploadIntoHelp => "Teks konsep diganti dengan isi berkas, persis seperti diunggah.", "The draft's text is replaced by the file's, exactly as uploaded.";
    EdTextEditor => "Teks TOML", "TOML text";
    EdTextHelp => "Seluruh definisi sebagai teks TOML (formatnya di docs/sop-format.md).", "The whole definition as TOML text (the format is in docs/sop-format.md).";
    EdNotToml => "Teks konsep ini bukan TOML yang sah, jadi belum dapat ditampilkan sebagai formulir. Perbaiki teksnya di bawah.", "This draft's text is not valid TOML, so it cannot be shown as a form yet. Fix the text below.";
    EdPublish => "Terbitkan", "Publish";
    EdPublishHelp => "Diperiksa seperti unggahan di Penerbitan SOP; konsep dengan kesalahan tidak diterbitkan.", "Checked like an upload on SOP publishing; a draft with errors is not published.";
    EdPublished => "Diterbitkan sebagai versi", "Published as version";
    EdPublishRefused => "Konsep tidak diterbitkan: perbaiki temuan berikut. Konsep tetap tersimpan.", "The draft was not published: fix the findings below. The draft stays saved.";
    EdReadOnly => "Konsep ini sudah diterbitkan dan tidak diubah lagi; buat konsep revisi untuk mengubah SOP-nya.", "This draft was published and changes no more; start a revision to change its SOP.";
    EdDelete => "Hapus konsep", "Delete draft";
    EdDeleted => "Konsep dihapus.", "Draft deleted.";
    EdIdentity => "Identitas SOP", "SOP identity";
    EdSopId => "Id SOP (instansi/nama)", "SOP id (agency/name)";
    EdVersion => "Versi", "Version";
    EdService => "Layanan (opsional)", "Service (optional)";
    EdNomor => "Nomor SOP", "SOP number";
    EdNama => "Nama SOP", "SOP name";
    EdUnit => "Unit penerbit", "Issuing unit";
    EdJudul => "Judul prosedur (di atas matriks)", "Procedure title (above the matrix)";
    EdTanggalPembuatan => "Tanggal pembuatan", "Date made";
    EdTanggalRevisi => "Tanggal revisi", "Date revised";
    EdTanggalPengesahan => "Tanggal pengesahan", "Date ratified";
    EdTanggalEfektif => "Tanggal efektif", "Effective date";
    EdDateHelp => "TTTT-BB-HH, atau TTTT-BB", "YYYY-MM-DD, or YYYY-MM";
    EdApprover => "Disahkan oleh", "Ratified by";
    EdJabatan => "Jabatan", "Position";
    EdNamaPejabat => "Nama", "Name";
    EdPangkat => "Pangkat/golongan", "Rank";
    EdNip => "NIP", "NIP";
    EdDasarHukum => "Dasar hukum", "Legal basis";
    EdKualifikasi => "Kualifikasi pelaksana", "Executor qualifications";
    EdKeterkaitan => "Keterkaitan", "Related procedures";
    EdPeralatan => "Peralatan/perlengkapan", "Equipment";
    EdPeringatan => "Peringatan", "Warnings";
    EdPencatatan => "Pencatatan dan pendataan", "Records";
    EdCatatan => "Catatan", "Notes";
    EdOnePerLine => "satu butir per baris", "one item per line";
    EdLanes => "Pelaksana", "Lanes (executors)";
    EdLaneId => "Id", "Id";
    EdLaneName => "Nama kolom", "Column heading";
    EdPositions => "Jabatan", "Positions";
    EdRequester => "Pemohon (di luar dinas)", "Requester (outside the department)";
    EdAnyone => "Setiap pegawai", "Any employee";
    EdAddLane => "Tambah pelaksana", "Add lane";
    EdUnknownPosition => "tidak ada di daftar jabatan instansi", "not among the agency's positions";
    EdSteps => "Langkah", "Steps";
    EdNo => "No", "No";
    EdActivity => "Kegiatan", "Activity";
    EdLane => "Pelaksana", "Lane";
    EdAction => "Aksi", "Action";
    EdTime => "Waktu", "Time";
    EdTimeHelp => "mis. 5 menit, 2 jam, 1 hari, atau -", "e.g. 5 menit, 2 jam, 1 hari, or -";
    EdRequirements => "Kelengkapan", "Requirements";
    EdOutput => "Output", "Output";
    EdRemarks => "Keterangan", "Remarks";
    EdNext => "Berikutnya", "Next";
    EdNextHelp => "nomor langkah, selesai atau ditolak; kosong: langkah berikutnya", "a step number, selesai or ditolak; empty: the following step";
    EdYa => "Jika Ya", "If Yes";
    EdTidak => "Jika Tidak", "If No";
    EdTogether => "Bersama", "Together with";
    EdMoveUp => "Naikkan", "Move up";
    EdMoveDown => "Turunkan", "Move down";
    EdAddStep => "Tambah langkah", "Add step";
    EdDrag => "Seret untuk memindahkan", "Drag to move";
    EdFieldsAndAttachments => "Isian dan lampiran", "Fields and attachments";
    EdFields => "Isian formulir", "Form fields";
    EdFieldName => "Nama", "Name";
    EdFieldLabel => "Label", "Label";
    EdFieldType => "Jenis", "Type";
    EdRequired => "Wajib", "Required";
    EdOptions => "Pilihan (untuk select)", "Options (for select)";
    EdHelpText => "Petunjuk", "Help";
    EdAddField => "Tambah isian", "Add field";
    EdAttachments => "Lampiran", "Attachments";
    EdAccept => "Jenis berkas", "File kinds";
    EdMaxKb => "Maks. KB", "Max. KB";
    EdAddAttachment => "Tambah lampiran", "Add attachment";
    EdMore => "Pengaturan lain (TOML)", "Other settings (TOML)";
    EdMoreHelp => "Kunci yang belum punya isian di formulir ini, sebagai TOML; dibiarkan apa adanya.", "Keys this form has no field for, as TOML; kept as they are.";
    EdLetter => "Templat surat pemberitahuan", "Notification letter template";
    EdSubject => "Perihal", "Subject";
    EdRecipient => "Kepada", "To";
    EdBody => "Isi", "Body";
    EdClassification => "Kode klasifikasi", "Classification code";
    EdLetterHelp => "{nama_isian} diisi dari isian permohonan; kosongkan semuanya bila SOP tidak menghasilkan surat.", "{field_name} is filled from the request's fields; leave everything empty when the SOP makes no letter.";
    EdRegistry => "Registri hasil", "Registry of the result";
    EdRegistryHelp => "Apa yang dihasilkan pekerjaan dicatat di registri (akun, subdomain, alamat IP …), dinamai oleh isian langkah. Kosongkan semuanya bila SOP tidak mengisi registri.", "What the work produced is kept in a registry (accounts, subdomains, IP addresses …), named by step fields. Leave everything empty when the SOP fills no registry.";
    EdRegistryKind => "Jenis registri", "Registry kind";
    EdRegistryLabel => "Nama registri (jenis baru)", "Registry name (new kind)";
    EdNameRule => "Aturan nama (jenis baru)", "Name rule (new kind)";
    EdRegistryStep => "Langkah yang mengisinya", "Step that fills it";
    EdRegistryAction => "Tindakan", "Action";
    EdRegistryCreate => "buat entri (bawaan)", "create an entry (default)";
    EdRegistryRevoke => "cabut entri", "revoke an entry";
    EdRegistryKey => "Isian nama entri", "Field naming the entry";
    EdRegistryPerson => "Isian penanggung jawab", "Field naming the responsible person";
    EdRegistryValidUntil => "Isian berlaku sampai", "Field of the end date";
    EdRegistryUnit => "Isian unit/OPD", "Field naming the unit";
    EdRegistryRequested => "Isian nama yang diminta", "Field of the name asked for";
    EdRegistryReason => "Isian alasan nama lain", "Field of the reason for another name";
    EdRegistryRecordType => "Isian jenis record DNS", "Field of the DNS record type";
    EdRegistryRequestedValue => "Isian nilai record yang diminta pemohon", "Field of the record value the requester asked for";
    EdRegistryProvision => "Dibuat di jaringan oleh konektor", "Made in the network by a connector";
    EdRegistryByHand => "— dikerjakan manual —", "— done by hand —";
    EdRegistryRecordValue => "Isian nilai record DNS", "Field of the DNS record value";
    EdRegistryDetails => "Isian rincian", "Detail fields";
    EdRest => "Bagian lain (TOML)", "Other parts (TOML)";
    EdRestHelp => "Koreksi, kunjungan, tinjauan akses, batas waktu dan jadwal, sebagai TOML (lihat docs/sop-format.md).", "Corrections, visits, access reviews, deadline and schedule, as TOML (see docs/sop-format.md).";
    EdPreview => "Dokumen resmi", "Official document";
    EdCannotDraw => "Dokumen belum dapat digambar sampai kesalahan di atas diperbaiki.", "The document cannot be drawn until the errors above are fixed.";
    EdNoFindings => "Tidak ada temuan.", "No findings.";
    SeverityError => "kesalahan", "error";
    SeverityWarning => "peringatan", "warning";
    LiveSops => "SOP yang berlaku", "Live SOPs";
    LiveVersion => "Versi berlaku", "Live version";
    PublishedAt => "Diterbitkan", "Published";
    PublishedByServer => "server (SOP bawaan atau direktori SOP)", "the server (built-in or SOP directory)";
    OlderVersionsRunning => "Versi lama yang masih berjalan", "Older versions still running";
    RunningRequests => "permohonan berjalan", "running requests";
    SopImport => "Impor dokumen SOP yang sudah ada", "Import an existing SOP document";
    SopImportHelp => "Unggah SOP dalam format PermenPANRB 35/2012 sebagai .docx, .odt atau PDF yang berteks (paling besar 10 MB). Sopir membaca halaman identitas dan matriksnya menjadi draf definisi, menandai setiap nilai yang tidak pasti, dan menampilkan temuan pemeriksa. Tidak ada yang disimpan atau diterbitkan: periksa draf, unduh, perbaiki, lalu terbitkan di atas. PDF hasil pindai (tanpa teks) dan berkas terkunci kata sandi tidak dapat dibaca.", "Upload an SOP in the PermenPANRB 35/2012 layout as .docx, .odt or a PDF with text (at most 10 MB). Sopir reads its identity page and matrix into a draft definition, marks every value it was unsure of, and shows the linter's findings. Nothing is stored or published: check the draft, download it, fix it, then publish it above. Scanned PDFs (without text) and password-protected files cannot be read.";
    SopDocumentFile => "Dokumen SOP (.docx, .odt, .pdf)", "SOP document (.docx, .odt, .pdf)";
    ImportDocument => "Impor sebagai draf", "Import as a draft";
    ImportDone => "Dokumen diimpor sebagai draf dari", "Document imported as a draft from";
    ImportUnsureCount => "nilai tidak pasti", "unsure values";
    ImportFindingsCount => "temuan pemeriksa", "linter findings";
    ImportNotPublished => "Draf belum diterbitkan dan tidak disimpan.", "The draft is neither published nor stored.";
    ImportUnsure => "Nilai yang tidak pasti", "Values the import was unsure of";
    ImportNothingUnsure => "Tidak ada nilai yang tidak pasti.", "No value was unsure.";
    DraftToml => "Draf definisi (TOML)", "Draft definition (TOML)";
    DownloadDraft => "Unduh draf TOML", "Download the draft TOML";
    ImportNothingStored => "Tidak ada yang disimpan.", "Nothing was stored.";
    ImportTooLarge => "Dokumen terlalu besar untuk diimpor.", "The document is too large to import.";
    ImportUnknownFormat => "Berkas ini bukan dokumen .docx, .odt atau PDF (dikenali dari isinya, bukan dari namanya).", "This file is not a .docx, .odt or PDF document (told by its content, not its name).";
    ImportEncrypted => "Berkas terkunci dengan kata sandi; buka kuncinya lalu unggah lagi.", "The file is password-protected; unlock it and upload it again.";
    ImportNoText => "PDF ini hasil pindai tanpa lapisan teks; Sopir tidak membaca gambar. Unggah berkas Word/ODT-nya atau PDF yang disimpan langsung dari pengolah kata.", "This PDF is a scan without a text layer; Sopir does not read images. Upload its Word/ODT file or a PDF saved straight from the word processor.";
    ImportNotAnSop => "Berkas ini tidak terbaca sebagai SOP format PermenPANRB 35/2012.", "This file does not read as an SOP in the PermenPANRB 35/2012 layout.";
    ImportDamaged => "Berkas rusak atau tidak terbaca.", "The file is damaged or unreadable.";
    NotUtf8 => "Berkas bukan teks UTF-8; simpan definisi SOP sebagai teks UTF-8.", "The file is not UTF-8 text; save the SOP definition as UTF-8 text.";
    Untimed => "{parts} tidak ditetapkan SOP, jadi tidak termasuk", "the SOP sets no time for {parts}, so they are not included";
    UntimedDispositions => "waktu disposisi (langkah {steps})", "the dispositions (steps {steps})";
    UntimedSteps => "waktu langkah {steps}", "steps {steps}";
    And => "dan", "and";
    ProcedureDeadline => "Batas waktu seluruh prosedur", "Deadline of the whole procedure";
    RoutineStarted => "Dimulai otomatis", "Started automatically";
    RoutinePeriod => "Pekerjaan rutin, periode", "Routine work, period";
    OnBehalfOf => "atas nama", "on behalf of";
    RoundOf => "putaran {k} dari {n}", "round {k} of {n}";
    RoundNo => "putaran ke-{k}", "round {k}";
    WaitingForBranches => "menunggu cabang lain selesai", "waiting for the other branches";
    RoundsExhausted => "batas putaran tercapai; prosedur diteruskan sesuai SOP", "round limit reached; the procedure went on as the SOP says";
    OutcomeDecided => "Hasil sudah diputuskan", "Outcome decided";
    JointStep => "Langkah bersama", "Joint step";
    JointConfirm => "Konfirmasi bagian Anda; isian langkah ini diisi oleh", "Confirm your part; this step's form is filled in by";
    PickEmployee => "— pilih pegawai —", "— choose an employee —";
    Ended => "Berakhir", "Ended";
    // Accounts administered in the browser, password resets, expired sessions (issue 18).
    LoginDeactivated => "Akun ini dinonaktifkan oleh administrator instansi; hubungi administrator untuk mengaktifkannya kembali.", "This account was deactivated by the agency's administrator; ask them to reactivate it.";
    SignUpLink => "Daftar (pegawai OPD)", "Sign up (OPD staff)";
    SignUpTitle => "Daftar sebagai pegawai OPD", "Sign up as OPD staff";
    SignUpHelp => "Pegawai OPD dapat mendaftar untuk mengajukan layanan. Setelah alamat e-mail Anda dipastikan, administrator instansi menyetujui pendaftaran Anda; sesudah itu Anda masuk dengan NIP sebagai nama pengguna.", "OPD staff may sign up to request services. Once your e-mail address is confirmed, the agency's administrator approves your sign-up; then you sign in with your NIP as username.";
    SignUpAgency => "Instansi", "Agency";
    SignUpNext => "Lanjut", "Next";
    SignUpNip => "NIP (18 angka)", "NIP (18 digits)";
    SignUpName => "Nama lengkap", "Full name";
    SignUpUnit => "Unit kerja (OPD)", "Unit (OPD)";
    SignUpEmail => "E-mail", "E-mail";
    SignUpButton => "Daftar", "Sign up";
    SignUpCheckMail => "Periksa e-mail Anda: kami mengirim pesan ke alamat yang Anda isi. Jika pendaftaran dapat diteruskan, pesan itu memuat tautan (berlaku 48 jam, sekali pakai) untuk memastikan alamat Anda.", "Check your e-mail: we sent a message to the address you gave. If the sign-up can go ahead, it holds a link (valid 48 hours, single use) to confirm your address.";
    TooManySignUps => "Terlalu banyak pendaftaran dari alamat ini; coba lagi 15 menit lagi.", "Too many sign-ups from this address; try again in 15 minutes.";
    SignUpUnavailable => "Pendaftaran belum dapat dipakai: alamat publik Sopir belum diatur. Hubungi administrator instansi.", "Sign-up is not available: Sopir's public address is not configured. Ask the agency's administrator.";
    SignUpGoneTitle => "Tautan tidak berlaku", "Link no longer valid";
    SignUpGone => "Tautan pendaftaran ini sudah dipakai, kedaluwarsa (48 jam) atau tidak pernah ada. Daftar lagi bila perlu.", "This sign-up link has been used, has expired (48 hours) or never existed. Sign up again if needed.";
    SignUpConfirmTitle => "Pastikan alamat e-mail", "Confirm your e-mail address";
    SignUpConfirmButton => "Pastikan alamat e-mail saya", "Confirm my e-mail address";
    SignUpAwaitingApproval => "Alamat e-mail Anda sudah dipastikan. Pendaftaran Anda menunggu persetujuan administrator instansi (paling lama 14 hari); Anda akan menerima e-mail. Sampai disetujui Anda belum dapat masuk.", "Your e-mail address is confirmed. Your sign-up awaits the agency administrator's approval (at most 14 days); you will get an e-mail. Until it is approved you cannot sign in.";
    SignUpsTitle => "Pendaftaran menunggu persetujuan", "Sign-ups awaiting approval";
    SignUpsHelp => "Pegawai OPD yang sudah memastikan alamat e-mailnya. Menyetujui membuat pegawai, akun (NIP sebagai nama pengguna) dan jabatan pemohon layanan; menolak mengirim alasannya ke pendaftar. Pendaftaran yang tidak ditangani dalam 14 hari dihapus.", "OPD staff who confirmed their e-mail address. Approving creates the person, a login (the NIP as username) and the position that requests services; refusing mails the reason to them. Sign-ups not handled within 14 days are removed.";
    SignUpsNone => "Tidak ada pendaftaran yang menunggu.", "No sign-ups are waiting.";
    SignUpsConfirmedAt => "Dipastikan", "Confirmed";
    SignUpsExpires => "kedaluwarsa", "expires";
    SignUpsReason => "Alasan penolakan", "Reason for refusal";
    SignUpsRefuse => "Tolak", "Refuse";
    SignUpsApproved => "Pendaftaran disetujui: pegawai dan akunnya sudah dibuat, dan ia sudah diberi tahu.", "Sign-up approved: the person and their login were created, and they were told.";
    SignUpsRefused => "Pendaftaran ditolak; alasannya dikirim ke pendaftar.", "Sign-up refused; the reason was mailed to them.";
    SignUpsTaken => "Tidak disetujui: sudah ada", "Not approved: there already is a";
    ForgotPassword => "Lupa kata sandi?", "Forgot your password?";
    ForgotHelp => "Tulis nama pengguna atau alamat e-mail Anda. Jika ada akun dengan alamat e-mail, tautan untuk memilih kata sandi baru dikirim ke alamat itu.", "Enter your username or e-mail address. If an account with an e-mail address matches, a link to choose a new password is sent to that address.";
    UsernameOrEmail => "Nama pengguna atau e-mail", "Username or e-mail";
    SendResetLink => "Kirim tautan", "Send the link";
    ResetLinkMaybeSent => "Jika nama pengguna atau alamat itu milik akun yang punya alamat e-mail, tautan sudah dikirim ke alamat e-mailnya; tautan berlaku 1 jam dan hanya sekali pakai. Kata sandi lama tetap berlaku sampai Anda memilih yang baru. Tidak menerima e-mail? Hubungi administrator instansi Anda.", "If that username or address belongs to an account with an e-mail address, a link was sent to it; it works once, within an hour. Your old password works until you choose a new one. No e-mail? Ask your agency's administrator.";
    TooManyResetRequests => "Terlalu banyak permintaan dari alamat ini; coba lagi 15 menit lagi, atau hubungi administrator instansi Anda.", "Too many requests from this address; try again in 15 minutes, or ask your agency's administrator.";
    ResetLinksUnavailable => "Sopir ini belum dapat mengirim tautan (alamat publiknya belum diatur). Minta administrator instansi Anda mengatur ulang kata sandi.", "This Sopir cannot send links yet (its public address is not set). Ask your agency's administrator to reset your password.";
    ChooseNewPassword => "Pilih kata sandi baru", "Choose a new password";
    ChooseNewPasswordHelp => "Tautan atau kode sekali pakai Anda diterima. Setelah disimpan, Anda langsung masuk, dan sesi lain akun ini berakhir.", "Your one-time link or code was accepted. Once saved, you are logged in and the account's other sessions end.";
    SavePasswordAndLogin => "Simpan dan masuk", "Save and log in";
    ResetGoneTitle => "Tautan tidak berlaku", "Link no longer valid";
    ResetGone => "Tautan atau kode ini sudah dipakai, sudah kedaluwarsa, atau diganti yang lebih baru. Minta tautan baru, atau minta administrator instansi Anda mengatur ulang kata sandi.", "This link or code was used already, has expired, or was replaced by a newer one. Ask for a new link, or ask your agency's administrator to reset your password.";
    SessionExpired => "Sesi Anda berakhir (terlalu lama tidak aktif atau sudah keluar), jadi Sopir meminta Anda masuk lagi. Isian formulir yang Anda kirim disimpan di peramban ini dan dikembalikan ke formulirnya setelah Anda masuk; lampiran perlu dipilih lagi.", "Your session ended (inactive too long, or logged out), so Sopir asks you to log in again. What you typed in the form is kept in this browser and put back into the form after you log in; attachments must be chosen again.";
    FormRestored => "Isian yang Anda ketik sebelum sesi berakhir sudah dikembalikan. Periksa, pilih lampiran lagi bila ada, lalu kirim.", "What you typed before the session ended is back. Check it, choose any attachments again, and send.";
    Deactivated => "nonaktif", "deactivated";
    NoPasswordYet => "belum punya kata sandi", "no password yet";
    Deactivate => "Nonaktifkan", "Deactivate";
    Reactivate => "Aktifkan kembali", "Reactivate";
    ResetWithCode => "Atur ulang: kode", "Reset: code";
    ResetWithLink => "Atur ulang: tautan e-mail", "Reset: e-mail link";
    NotOwnAccount => "Anda tidak dapat menonaktifkan atau mengatur ulang akun Anda sendiri di sini; ganti kata sandi Anda di halaman Akun.", "You cannot deactivate or reset your own account here; change your password on the Account page.";
    ResetHowMissing => "Pilih cara atur ulang: kode atau tautan e-mail.", "Choose how to reset: a code or an e-mail link.";
    ResetInactive => "Akun ini nonaktif; aktifkan kembali dulu sebelum mengatur ulang kata sandinya.", "This account is deactivated; reactivate it before resetting its password.";
    ResetCodeTitle => "Kode sekali pakai", "One-time code";
    ResetCodeFor => "Kata sandi lama tidak berlaku lagi, dan semua sesinya berakhir. Kode untuk", "The old password no longer works and all its sessions ended. The code for";
    ResetCodeHelp => "Sampaikan kode ini kepada pemiliknya secara langsung. Ia masuk dengan nama penggunanya dan kode ini sebagai kata sandi, lalu memilih kata sandi baru. Kode berlaku {hours} jam dan hanya sekali pakai.", "Give this code to its owner in person. They log in with their username and this code as the password, then choose a new password. The code works once, within {hours} hours.";
    ResetCodeOnce => "Kode ini hanya ditampilkan sekali ini; Sopir menyimpan sidiknya saja. Bila hilang, atur ulang lagi.", "This code is shown only this once; Sopir keeps only its fingerprint. If it is lost, reset again.";
    SavedDeactivated => "Akun dinonaktifkan: tidak dapat masuk lagi, sesi dan token API-nya berakhir; riwayatnya tetap.", "The account was deactivated: it cannot log in, its sessions and API tokens ended; its history stays.";
    DeactivatedTasks => "Tugas terbuka yang menunggunya ({n}) diberitahukan kepada atasannya.", "Its open tasks ({n}) were made known to its superiors.";
    DeactivatedHoldings => "Bila ia tidak lagi bertugas (mutasi, pensiun), akhiri juga penugasan jabatannya di bawah, agar tugas baru tidak diberikan kepadanya.", "If they no longer serve here (transfer, retirement), end their positions below too, so no new task goes to them.";
    SavedReactivated => "Akun diaktifkan kembali; pemiliknya masuk dengan kata sandi lamanya.", "The account was reactivated; its owner logs in with their old password.";
    SavedResetLink => "Tautan sekali pakai (berlaku 24 jam) dikirim ke alamat e-mail pegawai; kata sandi lama tidak berlaku lagi.", "A one-time link (valid 24 hours) was sent to the employee's e-mail address; the old password no longer works.";
    PersonEmailHelp => "Opsional; untuk notifikasi dan tautan atur ulang kata sandi", "Optional; for notifications and password reset links";
    InboxEmptyMayRequest => "Belum ada tugas untuk Anda. Anda dapat mengajukan permohonan layanan:", "No tasks for you yet. You can request a service:";
    // Single sign-on through an agency's LDAP directory (issue 18).
    SignInWith => "Masuk dengan", "Sign in with";
    SopirPassword => "Kata sandi Sopir", "Sopir password";
    DirectoryOf => "Direktori LDAP", "LDAP directory of";
    DirectoryUnreachable => "Direktori LDAP instansi tidak dapat dihubungi saat ini; coba lagi sebentar lagi, atau hubungi administrator instansi.", "The agency's LDAP directory cannot be reached right now; try again shortly, or ask the agency's administrator.";
    DirectoryMisconfigured => "Direktori LDAP instansi menolak pengaturan masuk Sopir; administrator instansi perlu memeriksa Admin → Cara masuk.", "The agency's LDAP directory refused Sopir's sign-in settings; the agency's administrator needs to check Admin → Sign-in.";
    DirectoryInClear => "Pengaturan masuk instansi menghubungi direktori LDAP di mesin lain dengan ldap:// tanpa StartTLS, jadi kata sandi tidak dikirim; administrator instansi perlu menyimpan ulang Admin → Cara masuk dengan ldaps:// atau StartTLS.", "The agency's sign-in settings reach an LDAP directory on another machine over ldap:// without StartTLS, so no password was sent; the agency's administrator needs to save Admin → Sign-in again with ldaps:// or StartTLS.";
    LdapInClearSaved => "Tersimpan sebelum aturan ini: ldap:// tanpa StartTLS ke mesin lain mengirim kata sandi pegawai tanpa enkripsi, jadi masuk lewat direktori ditolak. Pakai ldaps:// atau centang StartTLS, lalu simpan.", "Saved before this rule: ldap:// without StartTLS to another machine sends people's passwords unencrypted, so signing in through the directory is refused. Use ldaps:// or tick StartTLS, then save.";
    DirectoryCertificate => "Sertifikat TLS direktori LDAP instansi tidak dipercaya (tidak diterbitkan CA yang diatur, kedaluwarsa, atau untuk nama server lain), jadi kata sandi tidak dikirim; administrator instansi perlu memeriksa sertifikat CA di Admin → Cara masuk.", "The TLS certificate of the agency's LDAP directory is not trusted (not issued by the configured CA, expired, or for another server name), so no password was sent; the agency's administrator needs to check the CA certificate under Admin → Sign-in.";
    LdapCaCertificate => "Sertifikat CA direktori (PEM)", "Directory CA certificate (PEM)";
    LdapCaCertificateHelp => "Untuk ldaps:// atau StartTLS dengan CA internal: tempel sertifikat CA (-----BEGIN CERTIFICATE----- …), bukan kuncinya. Jika diisi, hanya sertifikat dari CA ini yang dipercaya; kosongkan untuk memakai CA sistem.", "For ldaps:// or StartTLS with an internal CA: paste the CA certificate (-----BEGIN CERTIFICATE----- …), not its key. When given, only certificates from this CA are trusted; leave empty to use the system's CAs.";
    LdapCaTrusted => "Dipercaya:", "Trusted:";
    SignInSettings => "Cara masuk", "Sign-in";
    SignInSettingsHelp => "Orang instansi ini dapat masuk dengan kata sandi direktori LDAP (Active Directory, OpenLDAP). Entri direktori dicocokkan dengan pegawai lewat NIP atau e-mail; pegawai itu harus sudah punya akun di Sopir.", "This agency's people can sign in with their LDAP directory password (Active Directory, OpenLDAP). The directory entry is matched to an employee by NIP or e-mail; that employee must already have a Sopir account.";
    LocalPasswordsAllowed => "Kata sandi Sopir boleh dipakai (jika dimatikan, hanya administrator instalasi yang masih dapat masuk dengan kata sandi Sopir)", "Sopir passwords may be used (when off, only installation administrators can still sign in with a Sopir password)";
    LdapUrlHelp => "Kosongkan untuk mematikan LDAP. ldaps://host:636, atau ldap://host:389 dengan StartTLS", "Leave empty to turn LDAP off. ldaps://host:636, or ldap://host:389 with StartTLS";
    LdapStartTls => "Pakai StartTLS (untuk ldap://)", "Use StartTLS (for ldap://)";
    LdapModeTemplate => "Bind langsung dengan templat DN", "Bind directly with a DN template";
    LdapModeSearch => "Cari dulu dengan akun layanan, lalu bind", "Search with a service account, then bind";
    LdapBindDnHelp => "Misalnya uid={username},ou=people,dc=example,dc=go,dc=id", "For example uid={username},ou=people,dc=example,dc=go,dc=id";
    LdapServicePassword => "Kata sandi akun layanan", "Service account password";
    LdapServicePasswordHelp => "Disimpan terenkripsi dan tidak pernah ditampilkan; kosongkan untuk tetap memakai yang tersimpan.", "Kept encrypted and never shown; leave empty to keep the saved one.";
    LdapAttribute => "Atribut yang memuat NIP atau e-mail", "Attribute carrying the NIP or e-mail";
    LdapMapsTo => "Dicocokkan dengan", "Matched against";
    OidcSettingsHelp => "Orang instansi ini dapat masuk lewat penyedia identitas instansi atau provinsi (misalnya Keycloak). Daftarkan Sopir di sana sebagai client rahasia dengan alamat kembali:", "This agency's people can sign in at the agency's or province's identity provider (e.g. Keycloak). Register Sopir there as a confidential client with the redirect address:";
    OidcName => "Nama penyedia (pada tombol masuk)", "Provider name (on the sign-in button)";
    OidcIssuerHelp => "Kosongkan untuk mematikan OpenID Connect. Harus https://", "Leave empty to turn OpenID Connect off. Must be https://";
    OidcClaim => "Klaim ID token yang memuat NIP atau e-mail", "ID token claim carrying the NIP or e-mail";
    OidcUnreachable => "Penyedia identitas instansi tidak dapat dihubungi saat ini; coba lagi sebentar lagi, atau masuk dengan cara lain.", "The agency's identity provider cannot be reached right now; try again shortly, or sign in another way.";
    OidcFailed => "Masuk lewat penyedia identitas gagal (jawabannya tidak sah atau kodenya sudah dipakai); silakan coba lagi dari awal.", "Signing in at the identity provider failed (its answer was not valid or the code was already used); please start again.";
    OidcExpired => "Proses masuk ini sudah kedaluwarsa, sudah dipakai, atau dimulai di peramban lain; silakan coba lagi dari awal.", "This sign-in expired, was already used, or was started in another browser; please start again.";
    OidcNoPerson => "Identitas Anda di penyedia identitas tidak cocok dengan satu akun pegawai di Sopir; hubungi administrator instansi.", "Your identity at the provider does not match one employee account in Sopir; ask the agency's administrator.";
    OidcNoPublicUrl => "Sopir ini belum punya alamat publik (--public-url), jadi penyedia identitas tidak dapat mengembalikan Anda ke sini.", "This Sopir has no public address (--public-url) yet, so the identity provider cannot send you back here.";
    VerHistory => "Riwayat versi", "Version history";
    VerHistoryHelp => "Setiap versi yang pernah diterbitkan disimpan utuh. Permohonan yang sedang berjalan tetap memakai versi tempat ia dimulai; permohonan baru memakai versi yang berlaku.", "Every version ever published is kept whole. A running request keeps the version it started on; new requests use the live version.";
    VerReviseHelp => "Mulai konsep versi berikutnya dari versi yang berlaku; versi ini tetap berlaku sampai konsep itu diterbitkan.", "Begin a draft of the next version from the live one; this version stays live until that draft is published.";
    VerFrom => "Dari versi", "From version";
    VerTo => "ke versi", "to version";
    VerCompare => "Bandingkan", "Compare";
    VerOnlyOne => "Baru satu versi yang diterbitkan; belum ada yang dapat dibandingkan.", "Only one version has been published; there is nothing to compare yet.";
    VerOpenCases => "Permohonan berjalan", "Running requests";
    VerLive => "berlaku", "live";
    VerWithPrevious => "bandingkan dengan versi sebelumnya", "compare with the previous version";
    VerDifference => "Perbedaan versi", "Differences between versions";
    VerNoDifference => "Isi kedua versi sama; hanya nomor versinya yang berbeda.", "Both versions have the same content; only their numbers differ.";
    VerCount => "perbedaan", "differences";
    VerTimeTag => "waktu", "time";
    VerShowText => "Lihat teks sebelum dan sesudah", "Show the text before and after";
    VerBefore => "Sebelumnya:", "Before:";
    VerAfter => "Sesudahnya:", "After:";
    VerGroupIdentity => "Identitas", "Identity";
    VerGroupLanes => "Pelaksana", "Lanes";
    VerGroupSteps => "Langkah", "Steps";
    VerGroupForms => "Formulir dan lampiran", "Forms and attachments";
    VerGroupLetter => "Surat", "Letter";
    VerGroupOther => "Lainnya", "Other";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_verbs_match_the_sop_crate_in_indonesian() {
        for kind in sop::ActionKind::ALL {
            assert_eq!(Lang::Id.action(kind), kind.label());
        }
        assert_eq!(Lang::En.action(sop::ActionKind::Dispose), "Dispose");
    }

    #[test]
    fn every_message_has_both_languages() {
        for msg in Msg::ALL {
            assert!(!msg.text(Lang::Id).is_empty() && !msg.text(Lang::En).is_empty(), "{msg:?}");
        }
    }
}
