"""The message catalogue: every text a person reads, Bahasa Indonesia first, English second."""

from __future__ import annotations

from typing import Any

# code -> (Bahasa Indonesia, English)
MESSAGES: dict[str, tuple[str, str]] = {
    # The consultation script.
    "problem_already_recorded": (
        "Permasalahan sudah dicatat. Gunakan koreksi bila pihak yang berkonsultasi menyatakan belum sesuai.",
        "The problem is already recorded. Use a correction if the consultee says it is not right.",
    ),
    "problem_not_recorded": ("Catat permasalahan terlebih dahulu.", "Record the problem first."),
    "restatement_missing": (
        "Ulangi (rumuskan kembali) permasalahan kepada pihak yang berkonsultasi terlebih dahulu.",
        "Restate the problem to the consultee first.",
    ),
    "problem_already_confirmed": (
        "Permasalahan sudah dikonfirmasi sesuai oleh pihak yang berkonsultasi.",
        "The consultee has already confirmed the problem.",
    ),
    "answer_before_confirmation": (
        "Jawaban hanya dapat diberikan setelah pihak yang berkonsultasi menyatakan permasalahan telah sesuai.",
        "An answer can only be given after the consultee confirms the problem.",
    ),
    "already_answered": ("Konsultasi ini sudah dijawab.", "This consultation has already been answered."),
    "not_answered": ("Konsultasi ini belum dijawab.", "This consultation has not been answered yet."),
    "repeat_not_needed": (
        "Jawaban hanya diulang bila pihak yang berkonsultasi belum memahaminya.",
        "The answer is repeated only when the consultee did not understand it.",
    ),
    "awaiting_repeat": (
        "Pihak yang berkonsultasi belum memahami jawaban: ulangi jawaban terlebih dahulu.",
        "The consultee did not understand: repeat the answer first.",
    ),
    "not_understood_yet": (
        "Pastikan jawaban telah dipahami sebelum dicatat dalam laporan Helpdesk.",
        "Make sure the answer was understood before logging it in the helpdesk report.",
    ),
    "already_logged": ("Konsultasi ini sudah dicatat dalam laporan Helpdesk.", "Already logged in the report."),
    "not_logged": (
        "Catat jawaban dalam laporan Helpdesk sebelum menutup konsultasi.",
        "Log the answer in the helpdesk report before closing.",
    ),
    "documentation_required": (
        "Unggah dokumentasi (foto, rekaman atau tangkapan layar) sebelum menutup konsultasi ini.",
        "Attach documentation (photo, recording or screenshot) before closing this consultation.",
    ),
    "already_closed": ("Konsultasi ini sudah ditutup.", "This consultation is closed."),
    "already_escalated": (
        "Ini sudah diteruskan ke tingkat berikutnya dan menunggu jawaban dari sana.",
        "This has already been passed on and waits for the answer from there.",
    ),
    "escalation_before_confirmation": (
        "Permasalahan harus dikonfirmasi sesuai sebelum diteruskan kepada Anggota KPU.",
        "The problem must be confirmed before it is handed to the commissioner.",
    ),
    # Escalation.
    "not_with_commissioner": (
        "Konsultasi ini tidak sedang berada pada Anggota KPU.",
        "This consultation is not with the commissioner.",
    ),
    "not_escalated": ("Konsultasi ini tidak sedang diteruskan ke atas.", "This case is not escalated."),
    "no_clarification_requested": ("Tidak ada permintaan klarifikasi.", "No clarification was requested."),
    "case_not_accepted": (
        "Terima kasus ini terlebih dahulu (nama petugas yang menangani).",
        "Accept the case first (the officer who handles it).",
    ),
    "case_already_accepted": ("Kasus ini sudah diterima.", "This case was already accepted."),
    "awaiting_clarification": (
        "Menunggu klarifikasi dari kantor di bawah.",
        "Waiting for the clarification from the office below.",
    ),
    "case_closed": ("Kasus ini sudah dijawab.", "This case has been answered."),
    "no_office_above": (
        "Helpdesk KPU (pusat) adalah tingkat tertinggi: kasus harus dijawab di sini.",
        "The central helpdesk is the top level: the case must be answered here.",
    ),
    # Reports (rekapitulasi harian, laporan berkala).
    "report_already_submitted": (
        "Laporan untuk periode ini sudah disampaikan. Ajukan koreksi (versi baru) bila isinya perlu diubah.",
        "The report for this period has already been submitted. Submit a correction (a new version) to change it.",
    ),
    "correction_unchanged": (
        "Isi koreksi sama dengan versi terakhir laporan; tidak ada yang dikoreksi.",
        "The correction is the same as the latest version of the report; nothing was corrected.",
    ),
    "reason_required": ("Cantumkan alasan koreksi.", "Give the reason for the correction."),
    "invalid_sop_standards": (
        "Standar waktu SOP harus berupa enam bilangan bulat positif (menit), mis. 5,10,30,15,10,10.",
        "The SOP time standards must be six positive whole numbers of minutes, e.g. 5,10,30,15,10,10.",
    ),
    "invalid_period": (
        "Periode laporan tidak valid: tanggal akhir tidak boleh sebelum tanggal awal, dan rekapitulasi harian "
        "mencakup satu hari.",
        "Invalid report period: the end date may not precede the start date, and a daily recap covers one day.",
    ),
    "period_too_long": (
        "Rentang laporan paling lama 366 hari.",
        "A report covers at most 366 days.",
    ),
    "period_not_begun": (
        "Tanggal akhir paling lambat hari ini (waktu kantor ini): hari yang belum tiba tidak dapat dilaporkan. "
        "Rekapitulasi hari ini dapat diserahkan pada akhir jam pelayanan, sebelum tengah malam.",
        "The end date is today at the latest (this office's time): a day that has not come cannot be reported. "
        "Today's recap can be submitted at the end of service hours, before midnight.",
    ),
    # Values.
    "basis_required": (
        "Cantumkan minimal satu dasar jawaban (UU, PKPU, Keputusan KPU/juknis, juklak atau FAQ Sipol).",
        "Cite at least one basis (law, PKPU, KPU decision/technical guide, implementation guide or FAQ).",
    ),
    "text_required": ("Kolom ini wajib diisi.", "This field is required."),
    "party_required": (
        "Pilih partai politik, atau tulis nama partai lain (calon peserta).",
        "Pick a political party, or type the name of another (registering) party.",
    ),
    "text_too_long": ("Isian terlalu panjang.", "This text is too long."),
    "invalid_characters": (
        "Isian mengandung karakter kendali yang tidak diizinkan. Hapus lalu ketik ulang.",
        "The text contains control characters that are not allowed. Delete them and type it again.",
    ),
    "invisible_characters": (
        "Isian memuat karakter tak terlihat atau karakter kendali (mis. spasi lebar-nol, BOM, pembalik arah teks, "
        "pemisah baris) yang tidak boleh ada dalam nama. Hapus lalu ketik ulang tanpa menyalin-tempel.",
        "The text holds invisible or control characters (e.g. a zero-width space, a BOM, a text-direction override, a "
        "line separator) that a name may not contain. Delete it and type it again without copy-pasting.",
    ),
    "invalid_fields": (
        "Beberapa isian belum benar; perbaiki setiap kolom yang ditandai.",
        "Several fields are not right; correct each field marked.",
    ),
    "documentation_not_stored": (
        "Berkas dokumentasi ini tidak tersimpan di kantor ini (kunci atau SHA-256 tidak cocok). Unggah berkasnya "
        "lebih dahulu (POST /api/files), lalu gunakan kunci dan SHA-256 yang diberikan.",
        "This documentation file is not stored at this office (the key or SHA-256 does not match). Upload the file "
        "first (POST /api/files), then use the key and SHA-256 it returns.",
    ),
    "file_empty": ("Berkas kosong. Pilih berkas dokumentasi.", "The file is empty. Choose a documentation file."),
    "file_too_large": (
        "Berkas terlalu besar: paling besar {limit} MB. Tidak ada yang disimpan.",
        "The file is too large: at most {limit} MB. Nothing was stored.",
    ),
    "file_type_refused": (
        "Isi berkas bukan foto (JPEG, PNG, WebP), rekaman suara atau video (MP3, M4A, OGG, MP4, WebM) atau PDF. "
        "Tidak ada yang disimpan.",
        "The file's content is not a photo (JPEG, PNG, WebP), a sound or video recording (MP3, M4A, OGG, MP4, WebM) "
        "or a PDF. Nothing was stored.",
    ),
    "file_type_mismatch": (
        "Isi berkas tidak sesuai dengan jenisnya (mis. bukan gambar padahal dinyatakan sebagai foto). Tidak ada yang "
        "disimpan.",
        "The file's content does not match its declared type (e.g. not an image although sent as a photo). Nothing "
        "was stored.",
    ),
    "invalid_phone": (
        "Nomor telepon tidak valid. Contoh: 0812-3456-7890, +62 812 3456 7890 atau (0733) 451234.",
        "Invalid phone number. Examples: 0812-3456-7890, +62 812 3456 7890 or (0733) 451234.",
    ),
    "invalid_email": ("Alamat email tidak valid.", "Invalid e-mail address."),
    "contact_required": (
        "Isi nomor telepon atau alamat email pihak yang berkonsultasi.",
        "Give the consultee's phone number or e-mail address.",
    ),
    "unknown_party": ("Partai politik tidak dikenal.", "Unknown political party."),
    "party_already_known": (
        "Partai ini sudah ada di daftar (nama atau singkatannya sama).",
        "This party is already on the list (same name or abbreviation).",
    ),
    "unknown_office_party": (
        "Partai ini tidak ada di daftar tambahan kantor ini.",
        "This party is not among the parties this office added.",
    ),
    "invalid_hash": (
        "Sidik berkas (SHA-256) harus 64 karakter heksadesimal.",
        "The file hash (SHA-256) must be 64 hexadecimal characters.",
    ),
    "invalid_office": ("Kode kantor tidak valid.", "Invalid office code."),
    "invalid_username": (
        "Nama pengguna 3–32 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung.",
        "Username: 3–32 characters of lowercase letters, digits, dot, underscore or hyphen.",
    ),
    "weak_password": ("Kata sandi minimal 10 karakter.", "The password needs at least 10 characters."),
    "password_blank": (
        "Kata sandi tidak boleh kosong atau sebagian besar spasi: minimal 8 karakter selain spasi, lebih dari "
        "separuhnya.",
        "The password may not be blank or mostly spaces: at least 8 characters other than spaces, over half of it.",
    ),
    "password_common": (
        "Kata sandi ini terlalu umum atau mudah ditebak (ada di daftar kata sandi yang paling sering dipakai, mungkin "
        "dengan angka di depan/belakang, atau sebagian besar angka). Pilih gabungan beberapa kata yang tidak umum.",
        "This password is too common or easy to guess (on the list of passwords used most, perhaps with digits "
        "before or after it, or mostly digits). Choose a few uncommon words together.",
    ),
    "password_has_username": (
        "Kata sandi tidak boleh memuat nama pengguna.",
        "The password may not contain the username.",
    ),
    "password_repeat_differs": (
        "Kata sandi baru dan ulangannya tidak sama.",
        "The new password and its repeat differ.",
    ),
    # Accounts and access.
    "username_taken": ("Nama pengguna sudah dipakai.", "This username is taken."),
    "user_inactive": ("Akun ini tidak aktif.", "This account is inactive."),
    "not_permitted": ("Peran Anda tidak berwenang melakukan ini.", "Your role may not do this."),
    "role_not_appointable": (
        "Peran Anda tidak dapat memberikan atau mengubah peran ini. Ketua Helpdesk mengangkat Sekretaris Helpdesk, "
        "Koordinator, Koordinator Harian dan Anggota Helpdesk; Anggota KPU dan Ketua Helpdesk ditetapkan dengan "
        "keputusan KPU dan dibuat oleh administrator kantor (perintah `helpdesk user add`).",
        "Your role cannot give or change this role. The Ketua Helpdesk appoints the secretary, coordinators and desk "
        "staff; commissioners and the Ketua Helpdesk are named by KPU decision and set up by the office's "
        "administrator (`helpdesk user add`).",
    ),
    "own_account_change": (
        "Anda tidak dapat menonaktifkan atau mengubah peran akun Anda sendiri.",
        "You cannot deactivate your own account or change its role.",
    ),
    "other_office_account": (
        "Node ini hanya melayani petugas kantornya sendiri. Akun untuk kantor lain dibuat di node kantor tersebut.",
        "This node serves its own office's staff only. An account for another office is made on that office's node.",
    ),
    "account_of_other_office": (
        "Akun ini terdaftar untuk kantor lain; node ini hanya melayani petugas kantornya sendiri. Masuklah di node "
        "kantor Anda.",
        "This account belongs to another office; this node serves its own office's staff only. Log in at your "
        "office's node.",
    ),
    "login_throttled": (
        "Terlalu banyak percobaan masuk yang salah. Coba lagi dalam {minutes} menit.",
        "Too many wrong login attempts. Try again in {minutes} minutes.",
    ),
    "totp_required": (
        "Masukkan kode 6 angka dari aplikasi autentikator Anda.",
        "Enter the 6-digit code from your authenticator app.",
    ),
    "totp_invalid": (
        "Nama pengguna, kata sandi atau kode autentikator salah.",
        "Wrong username, password or authenticator code.",
    ),
    "totp_code_wrong": (
        "Kode tidak cocok. Pastikan jam ponsel tepat lalu ketik kode yang sedang tampil di aplikasi.",
        "The code does not match. Check the phone's clock, then type the code the app shows now.",
    ),
    "totp_not_offered": (
        "Verifikasi dua langkah tersedia untuk Ketua Helpdesk, Anggota KPU dan auditor di KPU pusat.",
        "Two-step verification is offered to the Ketua Helpdesk, commissioners and the centre's auditors.",
    ),
    "totp_not_started": (
        "Mulai pendaftaran aplikasi autentikator terlebih dahulu.",
        "Start setting up the authenticator app first.",
    ),
    "totp_already_on": (
        "Verifikasi dua langkah sudah aktif untuk akun ini.",
        "Two-step verification is already on for this account.",
    ),
    "not_found": ("Data tidak ditemukan.", "Not found."),
    "concurrent_change": (
        "Data ini baru saja diubah oleh petugas lain. Muat ulang lalu coba lagi.",
        "Someone else just changed this record. Reload and try again.",
    ),
    "domain_error": ("Permintaan tidak dapat diproses.", "The request cannot be processed."),
    # The front desk (walk-in queue and guest book).
    "queue_empty": ("Tidak ada nomor antrian yang menunggu.", "No queue number is waiting."),
    "unknown_ticket": ("Nomor antrian ini tidak ada hari ini.", "There is no such queue number today."),
    "ticket_not_called": (
        "Nomor antrian ini belum dipanggil. Panggil nomor berikutnya terlebih dahulu.",
        "This queue number has not been called yet. Call the next number first.",
    ),
    "guest_already_recorded": (
        "Daftar hadir untuk nomor antrian ini sudah diisi.",
        "The guest book for this queue number is already filled in.",
    ),
    "ticket_already_skipped": (
        "Nomor antrian ini sudah dilewati karena orangnya tidak ada.",
        "This queue number was skipped because the person had left.",
    ),
    "signature_required": ("Tanda tangan wajib diisi.", "A signature is required."),
    "invalid_signature": (
        "Tanda tangan tidak terbaca atau terlalu besar (maks. 500 KB). Hapus lalu tanda tangani lagi.",
        "The signature could not be read or is too large (max. 500 KB). Clear it and sign again.",
    ),
    # The audit chain across a restore from backup (notes of `audit verify`, not problems).
    "audit_restored_lost": (
        "Kantor {office} dipulihkan dari cadangan pada {at} (epoch {epoch}): entri {lost} yang sudah diterima pusat"
        " hilang di kantor asal.",
        "Office {office} was restored from a backup at {at} (epoch {epoch}): entries {lost}, already received by the"
        " centre, were lost at the office.",
    ),
    "audit_restored": (
        "Kantor {office} dipulihkan dari cadangan pada {at} (epoch {epoch}): peristiwa setelah posisi log {position}"
        " hilang di kantor asal.",
        "Office {office} was restored from a backup at {at} (epoch {epoch}): the events after log position"
        " {position} were lost at the office.",
    ),
    "audit_restored_backup": (
        "Cadangan diambil {taken} (posisi log {position}), dipulihkan oleh {restored_by}: {reason}",
        "Backup taken {taken} (log position {position}), restored by {restored_by}: {reason}",
    ),
    "audit_lost_entry": ("Entri #{seq} {type} ({at}) hilang.", "Entry #{seq} {type} ({at}) lost."),
    # HTTP.
    "unauthenticated": ("Silakan masuk (login) terlebih dahulu.", "Please log in first."),
    "invalid_credentials": ("Nama pengguna atau kata sandi salah.", "Wrong username or password."),
    "forbidden": ("Peran Anda tidak berwenang melakukan ini.", "Your role may not do this."),
    "cross_site_request": (
        "Permintaan ditolak: perubahan data hanya dapat dikirim dari halaman Helpdesk ini sendiri, bukan dari situs"
        " lain. Buka halaman Helpdesk lalu coba lagi.",
        "Request refused: changes can only be sent from this helpdesk's own pages, not from another site. Open the"
        " helpdesk page and try again.",
    ),
    "body_type_refused": (
        "Jenis isi permintaan tidak diterima: kirim JSON (Content-Type: application/json), atau multipart/form-data"
        " untuk unggah berkas.",
        "The request body type is not accepted: send JSON (Content-Type: application/json), or multipart/form-data"
        " for a file upload.",
    ),
    "validation_failed": ("Data yang dikirim tidak valid.", "The data sent is not valid."),
    "malformed_body": ("Isi permintaan bukan JSON yang valid.", "The request body is not valid JSON."),
    "body_too_large": (
        "Isi permintaan terlalu besar: paling besar {limit} MB. Tidak ada yang disimpan.",
        "The request body is too large: at most {limit} MB. Nothing was stored.",
    ),
    "body_too_deep": (
        "Isi permintaan tidak dapat dibaca: JSON bersarang terlalu dalam. Tidak ada yang disimpan.",
        "The request body cannot be read: the JSON is nested too deeply. Nothing was stored.",
    ),
    "body_not_utf8": (
        "Isi permintaan tidak dapat dibaca: ada teks yang bukan UTF-8. Tidak ada yang disimpan.",
        "The request body cannot be read: some text is not UTF-8. Nothing was stored.",
    ),
    "body_wrong_shape": (
        "Isi permintaan harus berupa objek JSON dengan kolom-kolom yang diminta. Tidak ada yang disimpan.",
        "The request body must be a JSON object with the fields asked for. Nothing was stored.",
    ),
    "method_not_allowed": ("Metode tidak diizinkan untuk alamat ini.", "Method not allowed here."),
    "too_many_requests": (
        "Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi.",
        "Too many attempts. Wait a moment and try again.",
    ),
    # A person's data on request (helpdesk pdp).
    "erasure_refused": (
        "Data pribadi ini belum dapat dihapus: masih ada konsultasi orang ini yang menunggu jawaban (belum dijawab, "
        "di Anggota KPU, atau diteruskan ke tingkat atas). Selesaikan jawabannya terlebih dahulu, lalu hapus.",
        "This personal data cannot be erased yet: a consultation of this person still waits for its answer (not yet "
        "answered, with the commissioner, or passed on above). Answer it first, then erase.",
    ),
    "nothing_held": (
        "Tidak ada data pribadi yang tersimpan untuk nomor telepon atau alamat surel ini.",
        "No personal data is held for this phone number or e-mail address.",
    ),
    "invalid_contact": (
        "Tuliskan nomor telepon (0812…, +62812…) atau alamat surel.",
        "Give a phone number (0812…, +62812…) or an e-mail address.",
    ),
    "bad_request": ("Permintaan tidak valid.", "Bad request."),
    "service_unavailable": ("Layanan sedang tidak tersedia.", "Service unavailable."),
    "store_unavailable": (
        "Basis data kantor sedang tidak dapat dihubungi. Tidak ada data yang berubah; coba lagi sebentar lagi.",
        "The office's database cannot be reached. Nothing was changed; try again in a moment.",
    ),
    "internal_error": (
        "Terjadi kesalahan pada server. Data Anda tidak berubah; coba lagi atau hubungi admin.",
        "Server error. Nothing was changed; try again or contact the administrator.",
    ),
}


def message(code: str, lang: str = "id", **_: Any) -> str:
    indonesian, english = MESSAGES.get(code, MESSAGES["domain_error"])
    return english if lang == "en" else indonesian
