"""A message from a WhatsApp group no bot reads, as the regency of `make run` handles it (SOP C.b): the Koordinator
Harian registers the party's group and its liaison on a tablet, then the desk, on a phone, pastes the liaison's
message with its screenshot; it opens a consultation on the messaging channel, for the group's party, with the
screenshot as documentation (kept in the S3 server `make run` uses here).
Screenshots: test-artifacts/browser/test_a_group_message_pasted_from_a_phone/.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.browser.browsing import choose, log_in

PARTY = ("5", "Partai Nasional Demokrat", "NasDem")
GROUP = "Narahubung NasDem Muratara"
LIAISON = "Rina Marlina"
WIB = ZoneInfo("Asia/Jakarta")


def screenshot_png() -> bytes:
    """A phone's screenshot of a chat, small: a grey bar and a green bubble."""
    picture = Image.new("RGB", (360, 640), (236, 229, 221))
    drawing = ImageDraw.Draw(picture)
    drawing.rectangle([(0, 0), (360, 56)], fill=(7, 94, 84))
    drawing.rounded_rectangle([(20, 200), (300, 280)], radius=12, fill=(220, 248, 198))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def test_a_group_message_pasted_from_a_phone(make_run, browser_page, shot):
    # The Koordinator Harian registers the group for its party, then its liaison (name and number stay here).
    coordinator = browser_page(make_run.regency, device="tablet")
    log_in(coordinator, "koordinator_harian")
    coordinator.goto("/grup")
    choose(coordinator.get_by_label("Aplikasi", exact=True), "whatsapp")
    coordinator.get_by_label("Nama grup (seperti tampil di aplikasi)", exact=True).fill(GROUP)
    choose(coordinator.get_by_label("Partai politik", exact=True), *PARTY)
    coordinator.get_by_role("button", name="Daftarkan", exact=True).click()
    expect(coordinator).to_have_url(re.compile(r"/grup/[0-9a-f-]{36}$"))
    coordinator.get_by_label("Nama", exact=True).fill(LIAISON)
    choose(coordinator.get_by_label("Peran", exact=True), "liaison")
    coordinator.get_by_label("Nomor HP", exact=True).fill("0812 5555 0101")
    coordinator.get_by_role("button", name="Tambah anggota", exact=True).click()
    expect(coordinator.get_by_test_id("group-members")).to_contain_text(LIAISON)
    shot(coordinator, "group-registered")
    # The list shows the liaison masked, the number never whole.
    coordinator.goto("/grup")
    listed = coordinator.get_by_test_id("groups")
    expect(listed).to_contain_text(GROUP)
    expect(listed).not_to_contain_text("5555")
    shot(coordinator, "groups-list")

    # The desk, on a phone, pastes the liaison's message from the group with its screenshot.
    desk = browser_page(make_run.regency, device="phone")
    log_in(desk, "anggota_helpdesk")
    desk.goto("/konsultasi")
    desk.get_by_test_id("clip-link").first.click()
    expect(desk).to_have_url(re.compile(r"/tempel$"))
    form = desk.get_by_test_id("clip-form")
    choose(form.get_by_label("Grup", exact=True), GROUP + " · Partai Nasional Demokrat", GROUP)
    form.get_by_label("Pengirim (seperti tampil di grup)", exact=True).fill(LIAISON)
    sent = (datetime.now(WIB) - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")
    form.get_by_label("Waktu pesan dikirim", exact=True).fill(sent)
    form.get_by_label("Isi pesan", exact=True).fill("min mau tanya upload KTA anggota gagal terus ya, mohon bantuannya")
    png = screenshot_png()
    form.get_by_label("Tangkapan layar", exact=True).set_input_files(
        files=[{"name": "Screenshot_20240729.png", "mimeType": "image/png", "buffer": png}])
    shot(desk, "clip-form-filled")
    form.get_by_role("button", name="Simpan pesan", exact=True).click()

    # It opened a consultation on the messaging channel, for the group's party, with the screenshot kept.
    expect(desk).to_have_url(re.compile(r"/konsultasi/[0-9a-f-]{36}$"))
    expect(desk.locator("body")).to_contain_text("Grup pesan")
    expect(desk.locator("body")).to_contain_text("Partai Nasional Demokrat")
    expect(desk.locator("body")).to_contain_text("upload KTA anggota gagal")
    shot(desk, "clip-consultation")
    digest = hashlib.sha256(png).hexdigest()
    assert make_run.s3.object_bytes(f"kab-16-13/{digest[:2]}/{digest}.png") == png
    assert desk.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
