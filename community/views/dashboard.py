"""The member's own page: "Mijn Meet the Parents"."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from community.dashboard import sections


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    # Sections come from several apps; each renders with its own, already loaded, context.
    rendered = []
    for section in sections():
        context = {**section.context(request), "request": request, "user": request.user}
        html = render_to_string(section.template, context)
        if html.strip():
            rendered.append(html)
    return render(request, "community/dashboard.html", {"sections": rendered})
