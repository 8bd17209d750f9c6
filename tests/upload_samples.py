"""Files for upload tests, made on the fly: real PDFs, Word, PowerPoint, Excel, OpenDocument
and CSV documents, images (with EXIF GPS), and the hostile ones (programs, web pages, SVG with
script, a GIF/JavaScript polyglot, a zip bomb)."""

from __future__ import annotations

import io
import zipfile

from PIL import Image
from PIL.ExifTags import GPS, IFD, Base


def pdf(text: str = "Safety netting audit toolkit") -> bytes:
    """A one-page PDF whose text layer holds ``text`` (pypdf cannot write text itself)."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=300, height=200)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 10 Tf 10 100 Td ({escaped}) Tj ET".encode("latin-1"))
    page[NameObject("/Contents")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(text: str = "Practice protocol for two-week-wait referrals") -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_heading("Protocol", level=1)
    for line in text.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="{part}" ContentType="{type}"/></Types>'
)
_OOXML = "application/vnd.openxmlformats-officedocument."


def _zip(members: dict[str, bytes], *, first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if first:
            archive.writestr(first, members.pop(first), compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def pptx(text: str = "Cancer early diagnosis teaching slides") -> bytes:
    main = _OOXML + "presentationml.presentation.main+xml"
    slide = (
        '<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><p:cSld><p:spTree>'
        f"<p:sp><p:txBody><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:txBody></p:sp>"
        "</p:spTree></p:cSld></p:sld>"
    )
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES.format(
                part="/ppt/presentation.xml", type=main
            ).encode(),
            "ppt/presentation.xml": b"<p:presentation xmlns:p='x'/>",
            "ppt/slides/slide1.xml": slide.encode(),
        }
    )


def xlsx(cells: tuple[str, ...] = ("Practice", "FIT returns")) -> bytes:
    main = _OOXML + "spreadsheetml.sheet.main+xml"
    strings = "".join(f"<si><t>{cell}</t></si>" for cell in cells)
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES.format(
                part="/xl/workbook.xml", type=main
            ).encode(),
            "xl/workbook.xml": b"<workbook/>",
            "xl/sharedStrings.xml": f"<sst>{strings}</sst>".encode(),
            "xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c><v>42</v></c></row>"
            b"</sheetData></worksheet>",
        }
    )


def odt(text: str = "Audit of urgent referrals") -> bytes:
    content = f'<office:document-content xmlns:office="o"><p>{text}</p></office:document-content>'
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": content.encode(),
            "META-INF/manifest.xml": b"<manifest/>",
        },
        first="mimetype",
    )


def csv(text: str = "practice,referrals\nNorth Road,12\nRiverside,9\n") -> bytes:
    return text.encode("utf-8")


def image(fmt: str = "PNG", size: tuple[int, int] = (40, 30), *, gps: bool = False) -> bytes:
    picture = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    options: dict = {}
    if gps:
        exif = Image.Exif()
        exif[Base.Make] = "PhoneMaker"
        exif[Base.Orientation] = 1
        exif.get_ifd(IFD.GPSInfo).update(
            {
                GPS.GPSLatitudeRef: "N",
                GPS.GPSLatitude: (51.0, 30.0, 12.5),
                GPS.GPSLongitudeRef: "W",
                GPS.GPSLongitude: (0.0, 7.0, 40.1),
            }
        )
        options["exif"] = exif
    picture.save(out, fmt, **options)
    return out.getvalue()


def rotated_jpeg() -> bytes:
    """A 40x20 JPEG whose EXIF says "rotate 90°": shown upright it is 20x40."""
    exif = Image.Exif()
    exif[Base.Orientation] = 6
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 90, 180)).save(out, "JPEG", exif=exif)
    return out.getvalue()


# Hostile files ---------------------------------------------------------------------------------


def windows_program() -> bytes:
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + b"\x00" * 64
        + b"This program cannot be run in DOS mode."
    )


def web_page() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
    )


def gif_javascript_polyglot() -> bytes:
    """A GIF that is also JavaScript: its width bytes open a comment (``/*``) and the script
    follows the image data, as in the classic attack."""
    out = io.BytesIO()
    Image.new("P", (10799, 1)).save(out, "GIF")  # width 10799 is b"/*" little-endian
    data = out.getvalue()
    assert data[6:8] == b"/*"
    return data + b"*/=alert(document.domain);//"


def zip_bomb_docx() -> bytes:
    """A real Word document with a part that unpacks to 30 MB of zeros (about 30 KB packed)."""
    source = zipfile.ZipFile(io.BytesIO(docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item.filename))
        archive.writestr("word/media/padding.bin", b"\0" * (30 * 1024 * 1024))
    return out.getvalue()


def macro_docx() -> bytes:
    source = zipfile.ZipFile(io.BytesIO(docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            archive.writestr(item, source.read(item.filename))
        archive.writestr("word/vbaProject.bin", b"Attribute VB_Name = 'x'")
    return out.getvalue()


EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

#: (file name, maker) for every type the forum accepts.
ALLOWED = {
    "handout.pdf": pdf,
    "protocol.docx": docx,
    "teaching.pptx": pptx,
    "returns.xlsx": xlsx,
    "audit.odt": odt,
    "referrals.csv": csv,
    "chart.png": lambda: image("PNG"),
    "photo.jpg": lambda: image("JPEG"),
    "diagram.gif": lambda: image("GIF"),
}
