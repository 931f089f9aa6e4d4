"""Cooperation's pages (namespace "cooperation"). URL names are a contract: templates, tests and other modules'
links use them."""

from django.urls import path

from . import views, views_associations, views_network, views_proposals, views_roadmaps

app_name = "cooperation"

urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("new/", views.agreement_create, name="create"),
    path("<int:pk>/", views.agreement_detail, name="agreement"),
    path("<int:pk>/edit/", views.agreement_edit, name="edit"),
    path("<int:pk>/move/<str:action>/", views.agreement_move, name="move"),
    path("<int:pk>/documents/new/", views.document_add, name="document_add"),
    path("<int:pk>/reports/new/", views.report_add, name="report_add"),
    path("<int:pk>/roadmaps/new/", views_roadmaps.roadmap_create, name="roadmap_create"),
    path("network/", views.network_search, name="network_search"),
    path("network/<int:pk>/", views.network, name="network"),
    path("network/<int:pk>/graph/", views_network.graph, name="network_graph"),
    path("network/countries/", views_network.countries, name="network_countries"),
    path("network/country/<str:code>/", views_network.country, name="network_country"),
    path("network/country/<str:code>/graph/", views_network.country_graph, name="network_country_graph"),
    path("network/region/<str:code>/", views_network.region, name="network_region"),
    path("parties/options/", views_network.party_options, name="party_options"),
    path("proposals/", views_proposals.proposal_list, name="proposals"),
    path("proposals/new/<int:from_pk>/<int:to_pk>/", views_proposals.proposal_create, name="proposal_create"),
    path("proposals/<int:pk>/", views_proposals.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/accept/", views_proposals.proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/decline/", views_proposals.proposal_decline, name="proposal_decline"),
    path("proposals/<int:pk>/withdraw/", views_proposals.proposal_withdraw, name="proposal_withdraw"),
    path("associations/", views_associations.association_list, name="associations"),
    path("associations/<int:pk>/", views_associations.association_detail, name="association"),
    path("associations/<int:pk>/members/add/", views_associations.member_add, name="association_member_add"),
    path(
        "associations/<int:pk>/members/<int:member_pk>/remove/",
        views_associations.member_remove,
        name="association_member_remove",
    ),
    path("roadmaps/", views_roadmaps.roadmap_list, name="roadmaps"),
    path("roadmaps/late/", views_roadmaps.late_actions, name="roadmap_late"),
    path("roadmaps/late.<str:fmt>", views_roadmaps.late_export, name="roadmap_late_export"),
    path("roadmaps/new/association/<int:association_pk>/", views_roadmaps.programme_create, name="programme_create"),
    path("roadmaps/<int:pk>/", views_roadmaps.roadmap_detail, name="roadmap"),
    path("roadmaps/<int:pk>/edit/", views_roadmaps.roadmap_edit, name="roadmap_edit"),
    path("roadmaps/<int:pk>/actions/new/", views_roadmaps.action_add, name="action_add"),
    path("roadmaps/<int:pk>/actions/<int:action_pk>/edit/", views_roadmaps.action_edit, name="action_edit"),
    path("roadmaps/<int:pk>/actions/<int:action_pk>/status/", views_roadmaps.action_status, name="action_status"),
    path("roadmaps/<int:pk>/actions/<int:action_pk>/remove/", views_roadmaps.action_remove, name="action_remove"),
    path("roadmaps/<int:pk>/actions/<int:action_pk>/links/new/", views_roadmaps.link_add, name="link_add"),
    path(
        "roadmaps/<int:pk>/actions/<int:action_pk>/links/<int:link_pk>/remove/",
        views_roadmaps.link_remove,
        name="link_remove",
    ),
]
