"""The search index: one row per indexed object, whatever its app, holding the analysed text of its title, summary
and body (see analysis.py) and the facets every search filters on.

The full-text structures are vendor-specific and live outside the model, created by migrations 0002_search and
0004_search_facets:
- SQLite: the FTS5 table core_searchdocument_fts (external content = this table, rowid = id), kept in step by
  triggers, so every write to this table updates the index in the same transaction, whichever code path wrote it.
- PostgreSQL: the generated column search_vector (tsvector, weights A title, B summary, C body, D roots) with a GIN
  index; the filter keys in their own GIN expression index (migration 0004_search_facets).
A later migration that alters this table must keep them: on SQLite, Django rebuilds an altered table and drops its
triggers, so such a migration must re-create them (copy the SQL of 0002_search).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("object type")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    scope = models.CharField(_("scope"), max_length=64)
    language = models.CharField(_("language"), max_length=16, blank=True)
    is_public = models.BooleanField(_("public"), default=True)
    title_terms = models.TextField(_("title terms"), blank=True)
    summary_terms = models.TextField(_("summary terms"), blank=True)
    body_terms = models.TextField(_("body terms"), blank=True)
    root_terms = models.TextField(_("root terms"), blank=True)
    plain_text = models.TextField(_("text for snippets"), blank=True)
    # Filter keys (facets.py: facet_key), one token per value the scope's searches filter on: a region, a topic, a
    # year. Indexed with the text (an FTS5 column; a GIN index on PostgreSQL) so that a filter is an intersection of
    # posting lists, not a test of each match.
    facet_terms = models.TextField(_("filter keys"), blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="core_searchdocument_one_per_object")
        ]
        indexes = [models.Index(fields=["scope", "is_public", "language"], name="core_searchdoc_scope_idx")]

    def __str__(self) -> str:
        return f"{self.scope}: {self.content_type_id}/{self.object_id}"
