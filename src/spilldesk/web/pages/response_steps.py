"""The privacy officer's steps on an incident's dashboard: ingest what was disclosed, link
it to the registry, preview and apply the response plan. One service call each."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from spilldesk.casework.planning import plan_incident
from spilldesk.errors import ServiceError
from spilldesk.intake.ingest import ingest_document
from spilldesk.matching.linkage import link_incident
from spilldesk.playbook import DEFAULT_PLAYBOOK, registered_playbook
from spilldesk.web.auth import Principal, csrf_matches
from spilldesk.web.deps import DeskDep, FormDep, PageForbidden, SessionDep, require_page
from spilldesk.web.pages.actions import FormProblem, back_to, form_page
from spilldesk.web.permissions import Permission
from spilldesk.web.templating import render
from spilldesk.web.uploads import Upload, received_files, upload_page_user

router = APIRouter(include_in_schema=False)
Manager = Annotated[Principal, Depends(require_page(Permission.MANAGE_INCIDENTS))]
Uploader = Annotated[Principal, Depends(upload_page_user(Permission.MANAGE_INCIDENTS))]


@router.post("/incidents/{incident_id}/ingest")
async def ingest(request: Request, incident_id: str, principal: Uploader) -> Response:
    page = form_page(request, f"/incidents/{incident_id}")
    desk = request.app.state.desk
    async with received_files(request, "document", max_files=1) as got:
        if not csrf_matches(request.session.get("csrf"), got.fields.get("csrf_token", "")):
            raise PageForbidden("This form has expired; reload the page and try again.")
        if not got.files:
            raise FormProblem(page, "document: choose a file")
        upload = got.files[0]
        report = await run_in_threadpool(_ingest, desk, incident_id, upload, principal)
    said = ("already ingested: nothing changed" if report.already_ingested else
            f"{report.records} person record(s), {report.hidden_records} hidden")
    return back_to(request, page, f"{upload.name}: {said}.")


def _ingest(desk: Any, incident_id: str, upload: Upload, principal: Principal) -> Any:
    with desk.store.session() as session:
        try:
            return ingest_document(session, incident_id, upload.path, actor=principal.actor)
        except ServiceError as exc:  # the same refusal, without the desk's upload folder
            exc.args = (str(exc).replace(str(upload.path.parent) + "/", ""),)
            raise exc from None


@router.post("/incidents/{incident_id}/link")
def link(request: Request, incident_id: str, form: FormDep, session: SessionDep,
         principal: Manager) -> Response:
    page = form_page(request, f"/incidents/{incident_id}")
    report = link_incident(session, incident_id, actor=principal.actor)
    return back_to(request, page, f"Linked: {report.matched} matched, {report.review} to "
                                  f"review, {report.unmatched} unmatched; "
                                  f"{report.exposures_created} exposure(s) created.")


@router.post("/incidents/{incident_id}/plan")
def plan(request: Request, incident_id: str, form: FormDep, desk: DeskDep,
         session: SessionDep, principal: Manager) -> Response:
    form_page(request, f"/incidents/{incident_id}")
    apply = form.get("apply") == "yes"
    playbook = registered_playbook(str(form.get("playbook") or DEFAULT_PLAYBOOK),
                                   desk.settings.workdir / "playbooks")
    result = plan_incident(session, incident_id, playbook=playbook, dry_run=not apply,
                           actor=principal.actor, tz=desk.settings.timezone)
    items = result.changes.get("items", {})
    summary = {kind: _by_action(items.get(kind, [])) for kind in ("added", "withdrawn")}
    return render(request, "plan.html", {
        "title": f"Plan for {incident_id}", "incident_id": incident_id, "applied": apply,
        "playbook": f"{result.playbook} {result.version}", "persons": len(result.persons),
        "summary": summary, "kept": len(items.get("kept", [])),
    })


def _by_action(items: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    counts = Counter((i["action"], i["component"]) for i in items)
    return [(action, component, n) for (action, component), n in sorted(counts.items())]
