"""The mailbox page (/surel): mail held from the spam folder and mail quarantined with its reason wait for the desk,
which takes one in as a consultation or rejects it; the workspace of a mailed consultation shows its mail."""

from __future__ import annotations

import hashlib
import re
from uuid import UUID

from litestar.testing import TestClient

from domain.mail import Folder, Quarantine, ReadMail, mail_id
from domain.roles import Role
from domain.values import Channel
from gateways.bootstrap import Node
from tests.e2e.conftest import sign_in

OFFICE = "kab-16.13"


def received(node: Node, subject: str, sender: str, folder: Folder = Folder.INBOX,
             problems: tuple[Quarantine, ...] = ()) -> str:
    """A mail as the mailbox job records it (the page does not care how it was read)."""
    content_hash = hashlib.sha256(subject.encode()).hexdigest()
    read = ReadMail(mailbox="helpdesk@kab-1613.kpu.go.id", folder=folder, uidvalidity=1, uid=1,
                    message_id=f"<{content_hash[:12]}@partai.id>", sender_name="Tono", sender_address=sender,
                    subject=subject, text=f"Isi surel {subject}.", content_hash=content_hash, size=100,
                    raw_key=f"mail/{content_hash}.eml", problems=problems)
    mail, new = node.helpdesk.receive_mail(read)
    assert new and mail == mail_id(OFFICE, read.message_id, content_hash)
    return str(mail)


def waiting_ids(html: str) -> list[str]:
    return re.findall(r'<li class="mail-item" data-mail="([0-9a-f-]+)">', html)


def test_the_desk_takes_in_a_held_mail_and_rejects_a_quarantined_one(api: TestClient, memory_node: Node) -> None:
    held = received(memory_node, "Akun SIPOL", "tono@partai.id", Folder.SPAM)
    forged = received(memory_node, "Tagihan", "helpdesk@kab-1613.kpu.go.id", problems=(Quarantine.FORGED_SENDER,))
    opened = received(memory_node, "Unggah KTA", "siti@partai.id")
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas")

    page = api.get("/surel")
    assert page.status_code == 200, page.text
    assert sorted(waiting_ids(page.text)) == sorted([held, forged])
    assert "t•••@partai.id" in page.text and "tono@partai.id" not in page.text  # the list shows addresses masked
    assert "Dari folder spam" in page.text and "Pengirim mengaku alamat kantor KPU" in page.text
    assert opened not in page.text  # a mail that opened a consultation waits for nobody
    assert 'data-testid="no-mailbox"' in page.text  # this node has no mailbox set

    taken = api.post(f"/surel/{held}/terima", follow_redirects=False)
    assert taken.status_code == 303
    consultation = UUID(taken.headers["location"].rsplit("/", 1)[-1])
    view = memory_node.helpdesk.get_consultation(OFFICE, consultation)
    assert (view.channel, view.identity.email, view.problem) == (Channel.EMAIL, "tono@partai.id",
                                                                 "Akun SIPOL\n\nIsi surel Akun SIPOL.")
    workspace = api.get(f"/konsultasi/{consultation}")
    assert 'data-testid="consultation-mail"' in workspace.text and "Akun SIPOL" in workspace.text

    rejected = api.post(f"/surel/{forged}/tolak", data={"note": "bukan pertanyaan"}, follow_redirects=False)
    assert rejected.status_code == 303
    assert waiting_ids(api.get("/surel").text) == []
    again = api.post(f"/surel/{forged}/tolak", data={"note": ""})
    assert again.status_code == 409 and 'role="alert"' in again.text  # said on the page, nothing changed


def test_only_the_desk_decides_and_an_unknown_mail_is_not_found(api: TestClient, memory_node: Node) -> None:
    held = received(memory_node, "Verifikasi", "budi@partai.id", Folder.SPAM)
    sign_in(api, memory_node, Role.KETUA_HELPDESK, "ketua")
    page = api.get("/surel")
    assert held in waiting_ids(page.text) and f"/surel/{held}/terima" not in page.text  # read, no forms
    assert api.post(f"/surel/{held}/terima", follow_redirects=False).status_code == 403
    sign_in(api, memory_node, Role.ANGGOTA_HELPDESK, "petugas")
    assert api.post(f"/surel/{UUID(int=7)}/terima", follow_redirects=False).status_code == 404
    assert api.post(f"/surel/{held}/tolak", data={"note": "x" * 501}).status_code == 422
    assert waiting_ids(api.get("/surel").text) == [held]
