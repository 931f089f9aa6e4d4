"""The participation module's pages (namespace "participation"). URL names are a contract: templates, tests and
other modules' links use them. Votes (urls_votes.py) and surveys with hearings (urls_surveys.py) are included
from their own modules."""

from django.urls import include, path
from django.views.generic import RedirectView

from . import views_proposals as proposals
from . import views_residency as residency

app_name = "participation"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="participation:proposal_list", permanent=False), name="home"),
    path("m/<int:pk>/", proposals.municipality_page, name="municipality"),
    path("my/", proposals.my_participation, name="my_participation"),
    # Residence.
    path("residence/", residency.my_residence, name="my_residence"),
    path("residence/m/<int:municipality_pk>/", residency.residence_claim, name="residence_claim"),
    path("residence/m/<int:municipality_pk>/code/", residency.residence_code, name="residence_code"),
    path("residence/queue/", residency.residency_queue, name="residency_queue"),
    path("residence/queue/tos/", residency.residency_chair_queue, name="residency_chair_queue"),
    path("residence/<int:pk>/decide/", residency.residency_decide, name="residency_decide"),
    path("m/<int:municipality_pk>/codes/", residency.codes_generate, name="codes_generate"),
    # Initiative proposals.
    path("proposals/", proposals.proposal_list, name="proposal_list"),
    path("proposals/map/", proposals.proposal_map_page, name="proposal_map_page"),
    path("proposals/map.json", proposals.proposal_map, name="proposal_map"),
    path("proposals/map/<int:pk>.json", proposals.proposal_map_popup, name="proposal_map_popup"),
    path("proposals/new/", proposals.proposal_create, name="proposal_create"),
    path("proposals/queue/", proposals.proposal_queue, name="proposal_queue"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", proposals.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/publish/", proposals.proposal_publish, name="proposal_publish"),
    path("proposals/<int:pk>/withdraw/", proposals.proposal_withdraw, name="proposal_withdraw"),
    path("proposals/<int:pk>/support/", proposals.proposal_support, name="proposal_support"),
    path("proposals/<int:pk>/comment/", proposals.proposal_comment, name="proposal_comment"),
    path("proposals/<int:pk>/comments/<int:comment_pk>/hide/", proposals.comment_hide, name="comment_hide"),
    path("proposals/<int:pk>/answer/", proposals.proposal_answer, name="proposal_answer"),
    path("proposals/<int:pk>/terms/", proposals.proposal_terms, name="proposal_terms"),
    # Votes (P2), surveys and hearings (P3).
    path("", include("localbridge.participation.urls_votes")),
    path("", include("localbridge.participation.urls_surveys")),
]
