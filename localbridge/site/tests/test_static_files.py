"""Production serves static files from WhiteNoise's compressed manifest: `collectstatic` must go through every file,
and it refuses a stylesheet or script that points to a file that is not there (a vendored library's source map)."""

import pytest
from django.core.management import call_command


@pytest.fixture
def manifest_storage(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    return settings.STATIC_ROOT  # Django resets the static storage when these settings change


def test_collectstatic_with_the_production_manifest_storage_finds_every_referenced_file(manifest_storage):
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (manifest_storage / "staticfiles.json").read_text(encoding="utf-8")
    for vendored in ("leaflet.js", "chart.umd.min.js", "cytoscape.min.js", "htmx.min.js", "pico.min.css"):
        assert vendored in manifest
