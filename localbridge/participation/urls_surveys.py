"""Surveys and hearings (P3). URL names are a contract: templates, tests and other modules' links use them."""

from django.urls import path

from . import views_hearings as hearings
from . import views_surveys as surveys

urlpatterns = [
    # Surveys.
    path("surveys/", surveys.survey_list, name="survey_list"),
    path("surveys/new/", surveys.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", surveys.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/answer/", surveys.survey_answer, name="survey_answer"),
    path("surveys/<int:pk>/results/", surveys.survey_results, name="survey_results"),
    path("surveys/<int:pk>/results/q/<int:question_pk>/", surveys.survey_text_answers, name="survey_text_answers"),
    path("surveys/<int:pk>/export.<str:fmt>", surveys.survey_export, name="survey_export"),
    path("surveys/<int:pk>/manage/", surveys.survey_manage, name="survey_manage"),
    path("surveys/<int:pk>/move/", surveys.survey_move, name="survey_move"),
    # Hearings and meetings.
    path("hearings/", hearings.hearing_list, name="hearing_list"),
    path("hearings/new/", hearings.hearing_create, name="hearing_create"),
    path("hearings/<int:pk>/", hearings.hearing_detail, name="hearing_detail"),
    path("hearings/<int:pk>/event.ics", hearings.hearing_ics, name="hearing_ics"),
    path("hearings/<int:pk>/documents/<int:document_pk>/", hearings.hearing_document, name="hearing_document"),
    path("hearings/<int:pk>/register/", hearings.hearing_register, name="hearing_register"),
    path("hearings/<int:pk>/propose/", hearings.hearing_propose, name="hearing_propose"),
    path("hearings/<int:pk>/manage/", hearings.hearing_manage, name="hearing_manage"),
    path("hearings/<int:pk>/edit/", hearings.hearing_edit, name="hearing_edit"),
    path("hearings/<int:pk>/move/", hearings.hearing_move, name="hearing_move"),
    path("hearings/<int:pk>/documents/add/", hearings.hearing_document_add, name="hearing_document_add"),
    path(
        "hearings/<int:pk>/documents/<int:document_pk>/remove/",
        hearings.hearing_document_remove,
        name="hearing_document_remove",
    ),
    path("hearings/<int:pk>/attendance/", hearings.hearing_attendance, name="hearing_attendance"),
    path(
        "hearings/<int:pk>/proposals/<int:proposal_pk>/answer/",
        hearings.hearing_proposal_answer,
        name="hearing_proposal_answer",
    ),
]
