"""On PostgreSQL: the title-and-summary GIN index, the cheap first pass of the search's ranking window
(localbridge/core/search/backends.py, HEAD_VECTOR: the expression must stay identical), and slim heap rows: every
text column of an index row moves to TOAST as soon as the row passes 256 bytes, so that counting matches and
reading their ids (which visit the table's rows) touch a few pages instead of one per match. SQLite needs
nothing: its FTS5 table filters by column, and its counts read the FTS index."""

from django.db import migrations

POSTGRESQL_INSTALL = [
    "CREATE INDEX core_searchdocument_head_gin ON core_searchdocument USING gin "
    "(to_tsvector('simple'::regconfig, title_terms || ' ' || summary_terms))",
    "ALTER TABLE core_searchdocument SET (toast_tuple_target = 256)",
]
POSTGRESQL_UNINSTALL = [
    "ALTER TABLE core_searchdocument RESET (toast_tuple_target)",
    "DROP INDEX IF EXISTS core_searchdocument_head_gin",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_INSTALL:
            schema_editor.execute(statement)


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_UNINSTALL:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_search")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
