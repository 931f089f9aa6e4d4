"""An event's materials may be slides: PowerPoint (.pptx) and OpenDocument (.odp) presentations, checked by their
content like every upload; a file named .pptx that is not one is refused."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from localbridge.core.services import error_codes
from localbridge.events.models import MaterialKind
from localbridge.events.services import events as services

from .events_factories import EventFactory, organizer_of

pytestmark = pytest.mark.django_db


def pptx_bytes() -> bytes:
    """The parts a presentation saved by PowerPoint starts with."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'presentationml.presentation.main+xml"/></Types>',
        )
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("ppt/presentation.xml", '<?xml version="1.0"?><p:presentation/>')
    return buffer.getvalue()


def odp_bytes() -> bytes:
    """An OpenDocument package: the uncompressed `mimetype` entry first, as the standard requires."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.presentation")
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("slides.pptx", pptx_bytes, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("slides.odp", odp_bytes, "application/vnd.oasis.opendocument.presentation"),
    ],
)
def test_slides_are_accepted_as_materials_with_their_type(name, data, content_type):
    event = EventFactory()
    chair = organizer_of(event)
    upload = SimpleUploadedFile(name, data())
    material = services.material_add(event=event, actor=chair, title="", kind=MaterialKind.PRESENTATION, upload=upload)
    assert material.content_type == content_type and material.file


def test_a_file_named_pptx_that_is_not_a_presentation_is_refused():
    event = EventFactory()
    chair = organizer_of(event)
    fake = SimpleUploadedFile("slides.pptx", b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(ValidationError) as caught:
        services.material_add(event=event, actor=chair, title="X", kind=MaterialKind.PRESENTATION, upload=fake)
    assert "file_content" in error_codes(caught.value)
