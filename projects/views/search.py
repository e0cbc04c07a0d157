"""Search: members within one project they take part in; staff across projects (admin)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from projects.forms.search import PostSearchForm, StaffPostSearchForm
from projects.models import ProjectPage
from projects.rules import can_search_all_posts
from projects.services.search import (
    StaffPostFilters,
    posts_search_for_member,
    posts_search_for_staff,
)

RESULTS_PER_PAGE = 20


@login_required
@require_GET
def project_search(request: HttpRequest, project_id: int) -> HttpResponse:
    """Posts this member may read in one project; a project outside their audience is 404."""
    project = get_object_or_404(ProjectPage.objects.open_to(request.user), pk=project_id)
    form = PostSearchForm(request.GET if "q" in request.GET else None)
    posts = []
    if form.is_valid():
        posts = posts_search_for_member(
            user=request.user, project=project, query=form.cleaned_data["q"]
        )
    return render(
        request,
        "projects/project_search.html",
        {
            "project": project,
            "form": form,
            "searched": form.is_bound and form.is_valid(),
            "page": Paginator(posts, RESULTS_PER_PAGE).get_page(request.GET.get("page")),
        },
    )


@require_GET
def admin_post_search(request: HttpRequest) -> HttpResponse:
    """Staff search every post, with filters for project, topic and posting date."""
    if not can_search_all_posts(request.user):
        raise PermissionDenied
    form = StaffPostSearchForm(request.GET if "q" in request.GET else None)
    posts = []
    if form.is_valid():
        data = form.cleaned_data
        posts = posts_search_for_staff(
            filters=StaffPostFilters(
                query=data["q"],
                project=data["project"],
                topic=data["topic"],
                date_from=data["date_from"],
                date_to=data["date_to"],
            )
        )
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "projects/admin/post_search.html",
        {
            "form": form,
            "searched": form.is_bound and form.is_valid(),
            "page": Paginator(posts, RESULTS_PER_PAGE).get_page(request.GET.get("page")),
            "query_string": query_without_page.urlencode(),
        },
    )
