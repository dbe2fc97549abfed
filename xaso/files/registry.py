"""Every private file in xaso, by kind: the row that holds it, who may read it, and the name it downloads as.

The download view looks a file up only through this table, so a new private field is readable only once it is
listed here with its unit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model


@dataclass(frozen=True)
class Source:
    model: str  # "app_label.ModelName"
    field: str  # the PrivateFileField
    name_field: str  # the name the official gave the file (the download name)
    unit: Callable[[Model], object]  # the AdminUnit whose readers may read the file
    related: tuple[str, ...] = ()  # select_related for `unit`
    owner_field: str = ""  # when set, only the user named in this field may read the file
    #: also readable by every user whose unit lies inside `unit` (a province's decision its communes apply)
    read_from_below: bool = False
    #: a file that is personal data (a citizen's photo): every read is written to the access log (Law 91/2025,
    #: decision 0034) as this subject type, with `subject_id(row)` naming the record a reviewer can look up
    personal: str = ""
    subject_id: Callable[[Model], str] | None = None

    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)


SOURCES: dict[str, Source] = {
    "evidence": Source(
        "plans.TaskUpdate", "evidence", "evidence_name", lambda o: o.task.plan.unit, related=("task__plan__unit",)
    ),  # fmt: skip
    "signed": Source("plans.Plan", "signed_file", "signed_file_name", lambda o: o.unit, related=("unit",)),
    # a commune's evidence for a hand-assessed criterion of the digital transformation index
    "dti-evidence": Source(
        "dti.CriterionScore",
        "evidence",
        "evidence_name",
        lambda o: o.assessment.commune,
        related=("assessment__commune",),
    ),  # fmt: skip
    # the decision issuing a province's index: its readers and every commune of the province, which it binds
    "dti-decision": Source(
        "dti.IndexVersion",
        "decision_file",
        "decision_file_name",
        lambda o: o.province,
        related=("province",),
        read_from_below=True,
    ),
    # the decision of an index a province is building on screen (becomes the version's when it is issued)
    "dti-draft-decision": Source(
        "dti.IndexDraft", "decision_file", "decision_file_name", lambda o: o.province, related=("province",)
    ),  # fmt: skip
    # the decision establishing a commune's steering committee: the commune's readers (and its province's)
    "steering-decision": Source(
        "steering.Committee", "decision_file", "decision_file_name", lambda o: o.commune, related=("commune",)
    ),  # fmt: skip
    # a province-wide export holds what its creator could read when it ran: only they download it
    "report": Source(
        "reports.ReportJob", "result", "result_name", lambda o: o.unit, related=("unit",), owner_field="created_by_id"
    ),  # fmt: skip
    # a citizen's photo of a feedback item (re-encoded on upload): the commune's readers
    "feedback_photo": Source(
        "feedback.FeedbackPhoto",
        "image",
        "name",
        lambda o: o.feedback.unit,
        related=("feedback__unit",),
        personal="feedback_photo",
        subject_id=lambda o: f"{o.feedback.tracking_code}/{o.pk}",
    ),
}


def kind_for(instance: Model, field: str) -> str:
    label = instance._meta.label
    for kind, source in SOURCES.items():
        if source.model == label and source.field == field:
            return kind
    raise LookupError(f"{label}.{field} is not a registered private file")
