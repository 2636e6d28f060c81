"""Checks for the editor: what `tourbuilder check` finds (narration included) and the
bandwidth budget of every scene (tourbuilder/budget.py), for the unsaved document or the stored one.
"""

from __future__ import annotations

from flask_babel import gettext
from pydantic import BaseModel, Field

from ...accounts import Access
from ...budget import tour_budget
from ...check import check_tour
from ...model import TourError, load_tour
from ...panorama.scenes import panorama_cache
from .. import get_store
from ..security import tour
from . import ApiError, bp, json_response, operation, problems_of_messages


class CheckIn(BaseModel):
    document: dict | None = Field(default=None, description="The document as the editor has it (unsaved "
                                  "changes included); absent: the stored tour's latest revision.")


class FindingOut(BaseModel):
    level: str
    path: str
    message: str


class CheckOut(BaseModel):
    findings: list[FindingOut]
    budget: dict = Field(description="{link, threshold_seconds, scenes: {scene_id: {bytes, seconds, "
                         "ready_seconds, arrival: {bytes, seconds}, parts, tiles, over, note}}}")
    revision: int | None = Field(default=None, description="The stored revision checked (none for a sent document).")


@bp.post("/tours/<tour_id>/check")
@tour(Access.VIEW)
@operation("Check a tour: findings and the bandwidth budget of each scene", request=CheckIn, response=CheckOut,
           errors=(400, 422), tags=("checks",),
           description="Findings are those of `tourbuilder check` and the narration's (out-of-date tracks); "
                       "the budget says what a phone downloads before each scene is sharp, and how long that "
                       "takes on a slow mobile link.")
def check(tour_id: str, body: CheckIn):
    store = get_store()
    revision = None
    if body.document is None:
        revision = store.revisions(tour_id)[-1].number
        document = store.get_tour(tour_id, revision)
    else:
        try:
            document = load_tour(body.document, source="the document")
        except TourError as exc:
            raise ApiError(422, gettext("The document is not valid: fix the problems listed."),
                           problems_of_messages(exc.problems)) from None
        if document.id != tour_id:
            raise ApiError(422, gettext("The document is the tour “%(other)s”, not “%(tour)s”: check it "
                                        "at its own address.", other=document.id, tour=tour_id),
                           [{"path": "id", "message": gettext("should be %(tour)s", tour=tour_id)}])
    findings = check_tour(document)
    budget = tour_budget(document, panorama_cache(store))
    return json_response(CheckOut(
        findings=[FindingOut(level=f.level, path=f.place, message=f.message) for f in findings],
        budget=budget.model_dump(mode="json"), revision=revision))
