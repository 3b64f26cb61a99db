"""The consultation pages: the list, opening one by hand, and the workspace walking the SOP script by its forms."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from uuid import UUID

from litestar.testing import TestClient

from domain.roles import Role
from domain.script import SCRIPTS, Status
from domain.sop import Step
from gateways.bootstrap import Node
from gateways.reports.labels import CHANNELS, HOP_STATES, STATUSES
from gateways.web.i18n import catalogue
from gateways.web.workspace_view import BASIS_LABELS, DOCUMENTATION_LABELS, EVENT_LABELS, MARK_LABELS
from tests.conftest import FakeClock

PASSWORD = "kata-sandi-uji-123"
OFFICE = "kab-16.13"
# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def sign_in(api: TestClient, node: Node, role: Role, username: str | None = None) -> str:
    """Registers a user with `role` (once) and logs in through the form; the cookie then authenticates."""
    name = username or role.value.replace("_", "-")
    if not any(u.username == name for u in node.users.list(OFFICE)):
        node.accounts.register_user(name, f"Petugas {name}", role, OFFICE, PASSWORD, "test")
    api.cookies.clear()
    response = api.post("/masuk", data={"username": name, "password": PASSWORD, "next": "/"})
    assert response.status_code == 200, response.text
    return name


def open_by_hand(api: TestClient, channel: str = "walk_in", **fields: str) -> str:
    form = {"channel": channel, "name": "Siti Aminah", "phone": "0812-3456-7890", "email": "",
            "party_number": "5", "arrived_at": "", **fields}
    response = api.post("/konsultasi/baru", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert re.fullmatch(r"/konsultasi/[0-9a-f-]{36}", location)
    return location.rsplit("/", 1)[1]


def step(api: TestClient, cid: str, slug: str, data: dict[str, str] | None = None) -> None:
    response = api.post(f"/konsultasi/{cid}/{slug}", data=data or {}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"/konsultasi/{cid}"


def status_of(node: Node, cid: str) -> Status:
    return node.helpdesk.get_consultation(OFFICE, UUID(cid)).status


def shown_status(api: TestClient, cid: str) -> str:
    match = re.search(r'data-testid="status">([^<]+)<', api.get(f"/konsultasi/{cid}").text)
    assert match is not None
    return match.group(1)


def error_beside(html: str, label: str) -> str | None:
    """The error message tied to the field labelled `label` (aria-describedby → <p class="error">), if any."""
    found = re.search(rf'<label for="([^"]+)">{re.escape(label)}</label>', html)
    assert found is not None, f"no field labelled {label!r}"
    field_id = found.group(1)
    control = re.search(rf'<(?:input|textarea|select)[^>]*\bid="{re.escape(field_id)}"[^>]*>', html, re.S)
    assert control is not None
    tag = control.group(0)
    if 'aria-invalid="true"' not in tag:
        return None
    described = re.search(r'aria-describedby="([^"]+)"', tag)
    assert described is not None
    for error_id in described.group(1).split():
        message = re.search(rf'<p class="error" id="{re.escape(error_id)}">([^<]+)</p>', html)
        if message:
            return message.group(1)
    return None


def forms_on(html: str) -> set[str]:
    """The step slugs of the script the workspace offers a form for (correcting the identity is offered on the side
    for as long as the consultation is open)."""
    return set(re.findall(r'<form method="post" action="/konsultasi/[0-9a-f-]+/([a-z-]+)"', html)) - {"identitas"}


def test_a_walk_in_goes_through_the_whole_script_by_its_forms(
    api: TestClient, memory_node: Node, clock: FakeClock
) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "desi")
    cid = open_by_hand(api, "walk_in")
    assert status_of(memory_node, cid) is Status.OPENED
    page = api.get(f"/konsultasi/{cid}").text
    assert "Siti Aminah" in page and "Partai Nasional Demokrat" in page and "Tatap muka" in page
    assert shown_status(api, cid) == "Identitas dicatat"
    assert forms_on(page) == {"permasalahan", "dokumentasi"}
    assert 'hx-get="/konsultasi/' + cid + '/jam"' in page and 'hx-trigger="every 15s"' in page

    clock.advance(minutes=2)
    step(api, cid, "permasalahan", {"text": "Bagaimana mengunggah KTA anggota yang pindah domisili?"})
    assert status_of(memory_node, cid) is Status.PROBLEM_RECORDED
    assert forms_on(api.get(f"/konsultasi/{cid}").text) == {"pengulangan", "dokumentasi"}

    step(api, cid, "pengulangan", {"text": "Jadi KTA anggota yang pindah domisili harus diunggah ulang?"})
    assert status_of(memory_node, cid) is Status.PROBLEM_RESTATED
    assert forms_on(api.get(f"/konsultasi/{cid}").text) == {"konfirmasi", "koreksi", "dokumentasi"}

    step(api, cid, "konfirmasi")
    assert status_of(memory_node, cid) is Status.PROBLEM_CONFIRMED
    page = api.get(f"/konsultasi/{cid}").text
    assert forms_on(page) == {"jawaban", "serahkan", "dokumentasi"}
    fragment = api.get(f"/konsultasi/{cid}/jam").text
    assert 'data-testid="sop-clock"' in fragment and "<html" not in fragment
    assert Step.ANSWER.label in fragment  # the clock moved to step 3

    step(api, cid, "jawaban", {
        "text": "Unggah ulang KTA dengan alamat baru melalui menu Keanggotaan.",
        "basis_kind_1": "pkpu", "basis_reference_1": "PKPU 4/2022 Pasal 140",
        "basis_kind_2": "faq_sipol", "basis_reference_2": "FAQ SIPOL nomor 12",
    })
    view = memory_node.helpdesk.get_consultation(OFFICE, UUID(cid))
    assert view.status is Status.ANSWERED
    assert [(b.kind.value, b.reference) for b in view.bases] == [
        ("pkpu", "PKPU 4/2022 Pasal 140"), ("faq_sipol", "FAQ SIPOL nomor 12")]
    page = api.get(f"/konsultasi/{cid}").text
    assert "PKPU 4/2022 Pasal 140" in page and shown_status(api, cid) == "Dijawab"
    assert 'name="understood" value="ya"' in page and 'name="understood" value="tidak"' in page

    step(api, cid, "pemahaman", {"understood": "tidak"})
    assert status_of(memory_node, cid) is Status.NOT_UNDERSTOOD
    assert shown_status(api, cid) == "Belum dipahami"

    step(api, cid, "ulangi", {"text": ""})  # the same answer, repeated
    view = memory_node.helpdesk.get_consultation(OFFICE, UUID(cid))
    assert view.status is Status.ANSWERED and view.repeats == 1

    step(api, cid, "pemahaman", {"understood": "ya"})
    assert status_of(memory_node, cid) is Status.UNDERSTOOD
    assert Step.REPORT.label in api.get(f"/konsultasi/{cid}/jam").text

    step(api, cid, "laporan")
    assert status_of(memory_node, cid) is Status.LOGGED
    # A walk-in closes only with its photo: the close form waits for it, and a forced close is refused.
    assert "tutup" not in forms_on(api.get(f"/konsultasi/{cid}").text)
    refused = api.post(f"/konsultasi/{cid}/tutup", follow_redirects=False)
    assert refused.status_code == 422 and 'id="step-error"' in refused.text
    assert status_of(memory_node, cid) is Status.LOGGED

    uploaded = api.post(f"/konsultasi/{cid}/dokumentasi", data={"kind": "photo"},
                        files={"file": ("foto.png", PNG, "image/png")}, follow_redirects=False)
    assert uploaded.status_code == 303, uploaded.text
    view = memory_node.helpdesk.get_consultation(OFFICE, UUID(cid))
    assert [d.kind.value for d in view.documentation] == ["photo"]
    key = view.documentation[0].storage_key
    served = api.get(f"/konsultasi/{cid}/dokumentasi/{key}")
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-type"].startswith("image/png")
    assert api.get(f"/konsultasi/{cid}/dokumentasi/00/{'0' * 64}.png").status_code == 404

    step(api, cid, "tutup")
    assert status_of(memory_node, cid) is Status.CLOSED
    page = api.get(f"/konsultasi/{cid}").text
    assert shown_status(api, cid) == "Selesai"
    assert forms_on(page) == set()
    assert "Semua langkah selesai" in api.get(f"/konsultasi/{cid}/jam").text
    assert "hx-trigger" not in api.get(f"/konsultasi/{cid}/jam").text  # nothing left to refresh
    assert page.count("<li><time") == len(memory_node.helpdesk.history(OFFICE, UUID(cid)))  # the history

    listing = api.get("/konsultasi").text
    assert f'href="/konsultasi/{cid}"' in listing and "Selesai" in listing
    assert ">Petugas desi</td>" in listing  # who opened it, by full name (the username is no name)
    # The workspace names its staff by full name too.
    assert "· Petugas desi" in page and "· desi<" not in page
    assert f'href="/konsultasi/{cid}"' not in api.get("/konsultasi?status=opened").text


def test_an_empty_problem_is_refused_beside_its_field(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    cid = open_by_hand(api, "email", phone="", email="budi@example.org")
    response = api.post(f"/konsultasi/{cid}/permasalahan", data={"text": "   "}, follow_redirects=False)
    assert response.status_code == 422
    assert error_beside(response.text, "Permasalahan") == "Kolom ini wajib diisi."
    assert status_of(memory_node, cid) is Status.OPENED
    # An answer before the consultee confirmed the problem: refused, the message at the top.
    early = api.post(f"/konsultasi/{cid}/jawaban", data={
        "text": "Jawab", "basis_kind_1": "uu", "basis_reference_1": "UU 7/2017"}, follow_redirects=False)
    assert early.status_code == 422 and 'id="step-error"' in early.text
    assert status_of(memory_node, cid) is Status.OPENED


def test_an_answer_without_a_basis_reference_is_refused_beside_it(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    cid = open_by_hand(api, "messaging")
    for slug, data in [("permasalahan", {"text": "Syarat kepengurusan?"}),
                       ("pengulangan", {"text": "Syarat kepengurusan di kecamatan?"}), ("konfirmasi", {})]:
        step(api, cid, slug, data)
    response = api.post(f"/konsultasi/{cid}/jawaban", data={
        "text": "Paling sedikit 50% kecamatan.", "basis_kind_1": "pkpu", "basis_reference_1": ""},
        follow_redirects=False)
    assert response.status_code == 422
    assert error_beside(response.text, "Rujukan dasar") == "Kolom ini wajib diisi."
    assert "Paling sedikit 50% kecamatan." in response.text  # what was typed is kept
    assert status_of(memory_node, cid) is Status.PROBLEM_CONFIRMED


def test_after_a_handover_only_the_commissioner_answers_or_forwards(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "desi")
    cid = open_by_hand(api, "email", phone="", email="hendra@example.org")
    for slug, data in [("permasalahan", {"text": "Anggota ganda dengan partai lain."}),
                       ("pengulangan", {"text": "Jadi anggota tercatat ganda walau sudah mundur?"}),
                       ("konfirmasi", {}), ("serahkan", {"reason": "Tidak tercakup FAQ SIPOL."})]:
        step(api, cid, slug, data)
    assert status_of(memory_node, cid) is Status.WITH_COMMISSIONER
    desk_page = api.get(f"/konsultasi/{cid}").text
    assert "Menunggu keputusan Anggota KPU." in desk_page
    assert "teruskan" not in forms_on(desk_page) and "jawaban" not in forms_on(desk_page)
    assert api.post(f"/konsultasi/{cid}/teruskan", data={"note": "x"}, follow_redirects=False).status_code == 403
    answer = {"text": "Jawab", "basis_kind_1": "uu", "basis_reference_1": "UU 7/2017"}
    assert api.post(f"/konsultasi/{cid}/jawaban", data=answer, follow_redirects=False).status_code == 403
    assert status_of(memory_node, cid) is Status.WITH_COMMISSIONER

    sign_in(api, memory_node, Role.ANGGOTA_KPU, "komisioner")
    page = api.get(f"/konsultasi/{cid}").text
    assert {"teruskan", "jawaban"} <= forms_on(page)
    assert "Catatan untuk provinsi" in page and "Teruskan ke KPU Provinsi" in page
    assert "Tidak tercakup FAQ SIPOL." in page
    empty = api.post(f"/konsultasi/{cid}/teruskan", data={"note": ""}, follow_redirects=False)
    assert empty.status_code == 422 and error_beside(empty.text, "Catatan untuk provinsi") == "Kolom ini wajib diisi."
    step(api, cid, "teruskan", {"note": "Mohon arahan provinsi."})
    assert status_of(memory_node, cid) is Status.ESCALATED
    page = api.get(f"/konsultasi/{cid}").text
    assert 'data-testid="hop-state"' in page and "KPU Provinsi Sumatera Selatan" in page


def test_opening_with_an_invalid_phone_records_nothing(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    form = {"channel": "email", "name": "Budi", "phone": "12345", "email": "", "party_number": "3",
            "arrived_at": ""}
    response = api.post("/konsultasi/baru", data=form, follow_redirects=False)
    assert response.status_code == 422
    assert error_beside(response.text, "Nomor HP") is not None
    assert 'value="Budi"' in response.text  # the typed values stay
    assert memory_node.consultations.list(OFFICE) == []
    no_party = api.post("/konsultasi/baru", data={**form, "phone": "081234567890", "party_number": ""},
                        follow_redirects=False)
    assert no_party.status_code == 422 and error_beside(no_party.text, "Partai politik") is not None
    assert memory_node.consultations.list(OFFICE) == []


def test_the_arrival_time_is_read_in_the_office_zone(api: TestClient, memory_node: Node, clock: FakeClock) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    # The clock stands at 08.30 WIB: an e-mail received at 08.10 WIB has used 20 of its 5 attendance minutes.
    cid = open_by_hand(api, "email", arrived_at="2024-07-29T08:10")
    assert memory_node.helpdesk.repository.get(UUID(cid)).arrived_at == datetime(2024, 7, 29, 1, 10, tzinfo=UTC)
    assert "29-07-2024 08.30 WIB" in api.get(f"/konsultasi/{cid}").text  # opened, in local time
    wrong = api.post("/konsultasi/baru", data={"channel": "email", "name": "Budi", "phone": "081234567890",
                                               "party_number": "3", "arrived_at": "kemarin"}, follow_redirects=False)
    assert wrong.status_code == 422 and error_beside(wrong.text, "Waktu diterima") is not None
    assert len(memory_node.consultations.list(OFFICE)) == 1


def test_a_text_file_is_refused_beside_the_file_field(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    cid = open_by_hand(api, "online_meeting")
    response = api.post(f"/konsultasi/{cid}/dokumentasi", data={"kind": "screenshot"},
                        files={"file": ("catatan.txt", b"bukan gambar", "text/plain")}, follow_redirects=False)
    assert response.status_code == 422
    assert error_beside(response.text, "Berkas dokumentasi") is not None
    assert memory_node.helpdesk.get_consultation(OFFICE, UUID(cid)).documentation == []
    page = api.get(f"/konsultasi/{cid}").text
    assert 'accept="image/*,audio/*,video/*,application/pdf"' in page


def test_who_may_open_and_see(api: TestClient, memory_node: Node) -> None:
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK)
    cid = open_by_hand(api, "email")
    sign_in(api, memory_node, Role.SEKRETARIS_HELPDESK)  # reads, does not serve
    listing = api.get("/konsultasi").text
    assert f'href="/konsultasi/{cid}"' in listing and "Buka konsultasi baru" not in listing
    assert api.get("/konsultasi/baru").status_code == 403
    assert forms_on(api.get(f"/konsultasi/{cid}").text) == set()
    assert api.post(f"/konsultasi/{cid}/permasalahan", data={"text": "x"}).status_code == 403
    assert api.get("/konsultasi/00000000-0000-0000-0000-000000000000").status_code == 404
    api.cookies.clear()
    gone = api.get(f"/konsultasi/{cid}", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/masuk")


def test_every_label_shown_through_a_variable_has_english() -> None:
    english = catalogue("en")
    assert english is not None
    texts = [*CHANNELS.values(), *STATUSES.values(), *EVENT_LABELS.values(), *HOP_STATES.values(),
             *BASIS_LABELS.values(), *DOCUMENTATION_LABELS.values(), *(s.label for s in Step),
             *MARK_LABELS.values(), *(script.first_step for script in SCRIPTS.values())]
    assert [text for text in texts if not (english.get(text) and english.get(text).string)] == []
