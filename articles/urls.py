"""The working pages: the author's desk, the board's queue and review page, publishing."""

from django.urls import path

from articles.views import (
    assignments,
    desk,
    editor,
    history,
    imports,
    notification_settings,
    queue,
    references,
    reports,
    review,
)

app_name = "articles"

urlpatterns = [
    path("drafts/", desk.desk, name="desk"),
    path("drafts/new/", desk.new_article, name="new"),
    path("drafts/preview/", desk.preview, name="preview"),
    path("drafts/<int:pk>/", desk.edit, name="edit"),
    path("drafts/<int:pk>/history/", history.history, name="history"),
    path("drafts/<int:pk>/references/add/", references.add_reference, name="add_reference"),
    path("drafts/<int:pk>/references.<str:fmt>", references.export_article, name="export_article"),
    path("drafts/references/", references.library, name="reference_library"),
    path("drafts/references/add/", references.add_reference, name="add_library_reference"),
    path("drafts/references/import/", imports.import_references, name="import_references"),
    path("drafts/references/export.<str:fmt>", references.export_library, name="export_library"),
    path("drafts/<int:pk>/submit/", desk.transition, {"action": "submit"}, name="submit"),
    path("drafts/<int:pk>/withdraw/", desk.transition, {"action": "withdraw"}, name="withdraw"),
    path("drafts/<int:pk>/resubmit/", desk.transition, {"action": "resubmit"}, name="resubmit"),
    path("drafts/<int:pk>/revise/", desk.transition, {"action": "revise"}, name="revise"),
    path("review/", queue.queue, name="queue"),
    path("review/<int:pk>/", review.review, name="review"),
    path("review/<int:pk>/changes/", review.changes, name="changes"),
    path("review/<int:pk>/start/", review.start_review, name="start_review"),
    path("review/<int:pk>/approve/", review.approve, name="approve"),
    path("review/<int:pk>/request-changes/", review.request_changes, name="request_changes"),
    path("review/<int:pk>/comment/", review.comment, name="comment"),
    path(
        "review/<int:pk>/evidence-reviewed/",
        review.dismiss_evidence_flag,
        name="dismiss_evidence_flag",
    ),
    path("review/<int:pk>/publish/", editor.publish, name="publish"),
    path("review/<int:pk>/archive/", editor.archive, name="archive"),
    path("publishing/", editor.publishing, name="publishing"),
    path("review/<int:pk>/assign/", assignments.assign, name="assign"),
    path("assignments/<int:assignment_id>/accept/", assignments.accept, name="accept"),
    path("assignments/<int:assignment_id>/decline/", assignments.decline, name="decline"),
    path(
        "assignments/<int:assignment_id>/withdraw/",
        assignments.withdraw,
        name="withdraw_assignment",
    ),
    path("assignments/<int:assignment_id>/reassign/", assignments.reassign, name="reassign"),
    path(
        "notifications/",
        notification_settings.notification_settings,
        name="notification_settings",
    ),
    path("reports/", reports.reports, name="reports"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/triage/", reports.triage, name="triage_report"),
    path("reports/<int:pk>/rereview/", reports.rereview, name="rereview_from_report"),
]
