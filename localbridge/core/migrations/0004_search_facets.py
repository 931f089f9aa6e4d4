"""The filter keys of the search index (localbridge/core/search/facets.py): a column, in the SQLite FTS5 table as a
fifth column (the table and its triggers are made anew: SQLite rebuilds a table it adds a NOT NULL column to, which
drops the triggers), and on PostgreSQL a GIN index on its tsvector (backends.FACET_VECTOR: the expression must stay
identical). Existing documents get no keys until `manage.py search_reindex` (or their next edit) writes them."""

from django.db import migrations, models

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS core_searchdocument_fts_update",
    "DROP TRIGGER IF EXISTS core_searchdocument_fts_delete",
    "DROP TRIGGER IF EXISTS core_searchdocument_fts_insert",
    "DROP TABLE IF EXISTS core_searchdocument_fts",
]
_COLUMNS = "title_terms, summary_terms, body_terms, root_terms, facet_terms"
_OLD = "old.id, old.title_terms, old.summary_terms, old.body_terms, old.root_terms, old.facet_terms"
_NEW = "new.id, new.title_terms, new.summary_terms, new.body_terms, new.root_terms, new.facet_terms"
SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE core_searchdocument_fts USING fts5(
        {_COLUMNS},
        content='core_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )""",
    f"""CREATE TRIGGER core_searchdocument_fts_insert AFTER INSERT ON core_searchdocument BEGIN
        INSERT INTO core_searchdocument_fts(rowid, {_COLUMNS}) VALUES ({_NEW});
    END""",
    f"""CREATE TRIGGER core_searchdocument_fts_delete AFTER DELETE ON core_searchdocument BEGIN
        INSERT INTO core_searchdocument_fts(core_searchdocument_fts, rowid, {_COLUMNS}) VALUES ('delete', {_OLD});
    END""",
    f"""CREATE TRIGGER core_searchdocument_fts_update
    AFTER UPDATE OF id, {_COLUMNS} ON core_searchdocument BEGIN
        INSERT INTO core_searchdocument_fts(core_searchdocument_fts, rowid, {_COLUMNS}) VALUES ('delete', {_OLD});
        INSERT INTO core_searchdocument_fts(rowid, {_COLUMNS}) VALUES ({_NEW});
    END""",
    "INSERT INTO core_searchdocument_fts(core_searchdocument_fts) VALUES ('rebuild')",
]
# The triggers and table as migration 0002_search made them, to go back.
SQLITE_CREATE_0002 = [
    statement.replace(", facet_terms", "").replace(", old.facet_terms", "").replace(", new.facet_terms", "")
    for statement in SQLITE_CREATE
]
POSTGRESQL_CREATE = [
    "CREATE INDEX core_searchdocument_facets_gin ON core_searchdocument USING gin "
    "(to_tsvector('simple'::regconfig, facet_terms))",
]
POSTGRESQL_DROP = ["DROP INDEX IF EXISTS core_searchdocument_facets_gin"]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def before(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP})


def before_back(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})


def after(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_CREATE, "postgresql": POSTGRESQL_CREATE})


def after_back(apps, schema_editor):
    _run(schema_editor, {"sqlite": SQLITE_CREATE_0002})


class Migration(migrations.Migration):
    dependencies = [("core", "0003_search_head")]

    operations = [
        migrations.RunPython(before, after_back, elidable=False),
        migrations.AddField(
            model_name="searchdocument",
            name="facet_terms",
            field=models.TextField(blank=True, verbose_name="filter keys"),
        ),
        migrations.RunPython(after, before_back, elidable=False),
    ]
