"""Ready-made sets of evaluation criteria an organiser can start a contest from (contest_apply_template copies
one into the contest, where every name, description, scale and weight stays editable).

Weights are relative: an application's score is the weighted sum of its criterion scores normalised to 100
(ranking.application_score), so a weight of 2 counts twice as much as a weight of 1 whatever the scale.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CriterionSpec:
    name: str | Promise
    description: str | Promise
    scale_min: int = 0
    scale_max: int = 10
    weight: Decimal = Decimal("1")


@dataclass(frozen=True)
class Template:
    label: str | Promise
    source: str
    criteria: tuple[CriterionSpec, ...]

    def as_list(self) -> list[dict[str, Any]]:
        """The criteria as contest_set_criteria takes them, translated into the active language."""
        return [
            {
                "name": str(spec.name),
                "description": str(spec.description),
                "scale_min": spec.scale_min,
                "scale_max": spec.scale_max,
                "weight": spec.weight,
            }
            for spec in self.criteria
        ]


# The Presidential Grants Fund (Фонд президентских грантов) model: ten criteria, each scored 0–10 by every
# expert. The list and wording follow the Fund's contest regulations, section on the evaluation of applications:
#   «Положение о первом конкурсе на предоставление грантов Президента Российской Федерации на развитие
#   гражданского общества в 2023 году» (approved by the Fund's order of 10 June 2022 No. 7, amended 25 August
#   2022 No. 12), https://ru.scribd.com/document/599342927/Положение-о-конкурсе-25082022 ;
#   the Fund's FAQ quotes criterion 7 verbatim: https://президентскиегранты.рф/public/faq/trebuetsya-li-sofinansirovanie-proekta%3F
# Unverified: the weights. The Fund's regulations as read here give no weights; regional contests modelled on
# the Fund weigh some criteria at 0.5 (e.g. "innovation, uniqueness" at 0.5 in a Vologda-region district contest,
# https://ustyuzhenskij-r19.gosweb.gosuslugi.ru/dlya-zhiteley/novosti-i-reportazhi/novosti_2753.html), and
# DOMAIN.md reports weights of 0.5 for some criteria as unverified. We therefore put 0.5 on "innovation" and
# "scale" (the two criteria most often reported at half weight) and 1 on the rest; organisers should check
# the regulations of their own contest and edit the weights.
PGF10 = Template(
    label=_("Presidential Grants Fund: ten criteria, 0–10 each"),
    source=(
        "Положение о конкурсе Фонда президентских грантов (2023, приказ от 10.06.2022 № 7); "
        "https://ru.scribd.com/document/599342927/Положение-о-конкурсе-25082022"
    ),
    criteria=(
        CriterionSpec(
            _("Relevance and social significance"),
            _("How real and pressing the problem is for the people the project serves, and how it is shown."),
        ),
        CriterionSpec(
            _("Logic and feasibility"),
            _("The activities follow from the goals and tasks and lead to the expected results; the plan is real."),
        ),
        CriterionSpec(
            _("Innovation and uniqueness"),
            _("New approaches, or a proven practice brought where it did not exist."),
            weight=Decimal("0.5"),
        ),
        CriterionSpec(
            _("Cost-to-results ratio"),
            _("The expected results are adequate, measurable and achievable for the money asked."),
        ),
        CriterionSpec(
            _("Realistic budget"),
            _("The costs are needed for the activities, justified and priced at market rates."),
        ),
        CriterionSpec(
            _("Scale"),
            _("The territory covered and the number of people reached."),
            weight=Decimal("0.5"),
        ),
        CriterionSpec(
            _("Own contribution and further development"),
            _("Own and attracted resources (co-financing) and the project's future after the grant."),
        ),
        CriterionSpec(
            _("Track record of the organisation"),
            _("Projects and programmes the organisation carried out successfully in this field."),
        ),
        CriterionSpec(
            _("Competence of the team"),
            _("The team's experience and skills match the planned work."),
        ),
        CriterionSpec(
            _("Information openness"),
            _("The organisation's website, social media, reports and press about its work."),
        ),
    ),
)

# A short set for small landscaping projects of ТОС (yards, playgrounds, memorials): what municipal ТОС contests
# usually look at, on a 0–5 scale. Compiled for LocalBridge, not taken from one regulation.
TOS_LANDSCAPING = Template(
    label=_("ТОС landscaping: six criteria, 0–5 each"),
    source="LocalBridge (compiled from municipal ТОС contest practice; see DOMAIN.md)",
    criteria=(
        CriterionSpec(
            _("Need of the residents"),
            _("The problem matters to the residents, shown by a meeting's minutes or a survey."),
            0,
            5,
            Decimal("2"),
        ),
        CriterionSpec(
            _("Residents' participation"),
            _("How many residents take part in preparing and carrying out the project."),
            0,
            5,
            Decimal("2"),
        ),
        CriterionSpec(
            _("Co-financing"),
            _("The share of residents', sponsors' and volunteer contributions in the cost."),
            0,
            5,
            Decimal("1.5"),
        ),
        CriterionSpec(
            _("Realistic plan and budget"),
            _("Dates, works and prices are realistic and justified."),
            0,
            5,
            Decimal("1.5"),
        ),
        CriterionSpec(
            _("Upkeep after the project"),
            _("Who will maintain the result and how."),
            0,
            5,
            Decimal("1"),
        ),
        CriterionSpec(
            _("Openness"),
            _("How residents are kept informed of the project and its results."),
            0,
            5,
            Decimal("1"),
        ),
    ),
)

# The initiative-budgeting weighted model (DOMAIN.md, "Contests of community projects"): points out of 100 —
# local budget share 20, citizens' money 10, businesses' money 20, residents' in-kind 10, other in-kind 10,
# labour participation 30. As criteria scored 0–10 with weights 2, 1, 2, 1, 1, 3 the maximum is 100 points.
INITIATIVE_BUDGETING = Template(
    label=_("Initiative budgeting: co-financing and participation, 100 points"),
    source="DOMAIN.md: the initiative-budgeting weighted model (20/10/20/10/10/30 points of 100)",
    criteria=(
        CriterionSpec(
            _("Share of the local budget"), _("Co-financing from the municipal budget."), weight=Decimal("2")
        ),
        CriterionSpec(_("Citizens' money"), _("Residents' initiative payments."), weight=Decimal("1")),
        CriterionSpec(
            _("Businesses' money"), _("Contributions of local businesses and sponsors."), weight=Decimal("2")
        ),
        CriterionSpec(
            _("Residents' in-kind contribution"),
            _("Materials, equipment and services given by residents."),
            weight=Decimal("1"),
        ),
        CriterionSpec(_("Other in-kind contribution"), _("In-kind contributions of others."), weight=Decimal("1")),
        CriterionSpec(
            _("Labour participation"),
            _("Residents' and volunteers' unpaid work on the project."),
            weight=Decimal("3"),
        ),
    ),
)

CRITERIA_TEMPLATES: dict[str, Template] = {
    "pgf10": PGF10,
    "tos_landscaping": TOS_LANDSCAPING,
    "initiative_budgeting": INITIATIVE_BUDGETING,
}


def template_choices() -> list[tuple[str, str]]:
    """(key, label) pairs for a form's select."""
    return [(key, str(template.label)) for key, template in CRITERIA_TEMPLATES.items()]
