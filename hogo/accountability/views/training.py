"""Training screens: the organisation's (or a manager's department's) overview, a
department's people with their status, the courses, and a course's page where a session's
attendees are recorded at once. The rules live in hogo.accountability.training."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from hogo.accountability import training
from hogo.accountability.forms import CourseForm, RecordForm
from hogo.accounts.permissions import allows, authorize, permission_required


def _departments(request: HttpRequest):
    return training.departments_of(request.user.organisation_id)


def _refused(form, refused: training.TrainingError) -> None:
    field = refused.field if refused.field in form.fields else None
    for reason in refused.reasons:
        form.add_error(field, reason)


@permission_required("accountability.view_training")
def overview(request: HttpRequest) -> HttpResponse:
    """The organisation's training by department, the courses, and a new course."""
    user = request.user
    form = CourseForm(request.POST or None, departments=_departments(request))
    if request.method == "POST":
        authorize(request, "accountability.manage_courses")
        if form.is_valid():
            data = form.cleaned_data
            try:
                course = training.create_course(
                    user, name=data["name"], kind=data["kind"],
                    description=data["description"], roles=data["roles"],
                    departments=data["departments"])
            except training.TrainingError as refused:
                _refused(form, refused)
            else:
                messages.success(request, _("研修「%(name)s」を登録しました。")
                                 % {"name": course.name})
                return redirect("accountability:course", pk=course.pk)
    return render(request, "accountability/training_overview.html", {
        "rows": training.organisation_view(user), "form": form,
        "courses": training.courses_of(user.organisation_id),
        "can_manage": allows(user, "accountability.manage_courses"),
        "statuses": training.Status.LABELS})


@permission_required("accountability.view_training")
def department(request: HttpRequest, pk: int) -> HttpResponse:
    """A department's people, each with their standing on every course they must take."""
    dept = training.departments_of(request.user.organisation_id).filter(pk=pk).first()
    if dept is None:
        raise Http404("no such department")
    authorize(request, "accountability.view_training", dept)
    return render(request, "accountability/training_department.html", {
        "department": dept, "people": training.department_view(request.user, dept)})


@permission_required("accountability.view_training")
def course(request: HttpRequest, pk: int) -> HttpResponse:
    """A course, who took it when, and recording a session's attendees at once."""
    user = request.user
    found = training.course_for(user, pk)
    if found is None:
        raise Http404("no such course")
    choices = training.attendee_choices(user, found)
    people = training.people_in(user.organisation_id).filter(pk__in=[p.pk for p in choices])
    form = RecordForm(request.POST or None, people=people)
    if request.method == "POST":
        authorize(request, "accountability.record_training")
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = training.record_training(user, found, data["people"],
                                                taken_on=data["taken_on"], note=data["note"])
            except training.TrainingError as refused:
                _refused(form, refused)
            else:
                messages.success(request, _("%(count)d 人の受講を記録しました。")
                                 % {"count": len(made)})
                return redirect("accountability:course", pk=found.pk)
    standings = [(p, training.standing(p, courses=[found]).worst) for p in choices]
    return render(request, "accountability/course.html", {
        "course": found, "form": form, "standings": standings,
        "records": training.records_visible(user, found),
        "can_record": bool(choices) and allows(user, "accountability.record_training")})


urlpatterns = [
    path("training/", overview, name="training"),
    path("training/department/<int:pk>/", department, name="training_department"),
    path("training/course/<int:pk>/", course, name="course"),
]
