"""Copies of evidence for other parties, with the metadata that says more than the evidence does
taken out: a photo's EXIF (where it was taken, on which phone), a PDF's or Office document's
author and editing history. The original stays sealed in the store, unchanged; only the copy is
cleaned. Types with no metadata we know how to remove are copied as they are.
"""

from __future__ import annotations

import io
import zipfile

from PIL import Image, ImageOps

from redress.evidence import checks

PILLOW_FORMATS = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/webp": "WEBP",
    "image/gif": "GIF",
}
# Office and OpenDocument parts that hold the author, editors and the software that made them.
DOCUMENT_METADATA = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        b'metadata/core-properties"/>'
    ),
    "docProps/app.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'extended-properties"/>'
    ),
    "meta.xml": (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        b' office:version="1.2"><office:meta/></office:document-meta>'
    ),
}


def stripped_copy(data: bytes, content_type: str) -> bytes:
    """`data` without its identifying metadata."""
    if content_type in PILLOW_FORMATS:
        return _image_without_metadata(data, PILLOW_FORMATS[content_type])
    if content_type == "application/pdf":
        return _pdf_without_metadata(data)
    if content_type in checks.ZIPS and content_type != "application/zip":
        return _document_without_metadata(data)
    return data


def _image_without_metadata(data: bytes, form: str) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        # Turn the pixels as EXIF says before EXIF goes, so the copy looks as the photo did.
        upright = ImageOps.exif_transpose(image) if form != "GIF" else image
        clean = upright.copy()
        clean.info = {}  # EXIF, XMP, comments and text chunks: nothing is carried over
        out = io.BytesIO()
        options = {"quality": 95} if form in ("JPEG", "WEBP") else {}
        clean.save(out, form, **options)
    return out.getvalue()


def _pdf_without_metadata(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.metadata = None
    if NameObject("/Metadata") in writer.root_object:
        del writer.root_object[NameObject("/Metadata")]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _document_without_metadata(data: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy,
    ):
        for entry in source.infolist():
            body = DOCUMENT_METADATA.get(entry.filename) or source.read(entry)
            # OpenDocument needs its `mimetype` member first and stored uncompressed.
            kind = zipfile.ZIP_STORED if entry.filename == "mimetype" else zipfile.ZIP_DEFLATED
            copy.writestr(entry.filename, body, compress_type=kind)
    return out.getvalue()
