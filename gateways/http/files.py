"""Uploading a documentation file over the API: stored by content, answered with the key the record will cite."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import msgspec
from litestar import Controller, Response, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from domain.roles import Permission
from gateways.edge.auth import requires
from gateways.edge.deps import FilesDep
from gateways.edge.errors import LARGEST_FILE
from gateways.storage import MAX_FILE_BYTES, MAX_UPLOAD_BYTES, media_type_of


@dataclass
class FileUpload:
    """One file: a photo of the walk-in, a recording or screenshot of the meeting, a PDF."""

    file: UploadFile


class StoredFile(msgspec.Struct):
    """What `POST …/documentation` then cites: the key and the SHA-256 of the bytes kept, and what they are."""

    storage_key: str
    sha256: str
    media_type: str  # from the content itself, whatever type the upload declared
    size: int


class FileController(Controller):
    path = "/api/files"
    tags = ["Berkas"]

    @post("/", guards=[requires(Permission.SERVE_CONSULTATIONS)], sync_to_thread=True,
          request_max_body_size=MAX_UPLOAD_BYTES, opt={LARGEST_FILE: MAX_FILE_BYTES},
          summary="Unggah berkas dokumentasi (foto, rekaman, tangkapan layar, PDF; maks. 20 MB)",
          description="Jenis berkas ditentukan dari isinya, bukan dari jenis yang dinyatakan. Kunci dan SHA-256 "
                      "yang dikembalikan dipakai pada POST /api/consultations/{id}/documentation.")
    def upload(self, files: FilesDep, data: Annotated[FileUpload, Body(media_type=RequestEncodingType.MULTI_PART)]
               ) -> Response[StoredFile]:
        content = data.file.file.read()
        storage_key, digest = files.put(content, data.file.content_type or "")
        stored = StoredFile(storage_key, digest, media_type_of(storage_key), len(content))
        return Response(stored, status_code=201)
