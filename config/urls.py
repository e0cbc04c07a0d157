from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from community.views import two_factor
from config import views
from projects.routing import page_serve

# Everyone logs in through allauth, with its two-factor step: no second login form.
admin.site.login = secure_admin_login(admin.site.login)
staff_login_redirect = RedirectView.as_view(pattern_name="account_login", query_string=True)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("admin/login/", staff_login_redirect, name="staff_login_redirect"),
    path("django-admin/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/feedback/", include("feedback.urls.api")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Dutch lives at "/", English at "/en/": the language is in the address, never guessed.
urlpatterns += i18n_patterns(
    # First: a parent's survey link is the busiest address, and the resolver tries each
    # pattern in turn (these paths start with their own words: f/, medewerker/, feedback/).
    path("", include("feedback.urls.public")),
    # Before allauth's own: setting up two-factor authentication leads on to `next`.
    path("accounts/2fa/totp/activate/", two_factor.totp_activate, name="mfa_activate_totp"),
    path("accounts/2fa/recovery-codes/", two_factor.recovery_codes, name="mfa_view_recovery_codes"),
    path("accounts/", include("allauth.urls")),
    path("", include("community.urls")),
    path("", include("projects.urls")),
    path("", include("insights.urls")),
    path("", include("complaints.urls.public")),
    # Wagtail's own addresses, its page serving through the remembered routes.
    *[pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"],
    re_path(wagtail_urls.serve_pattern, page_serve, name="wagtail_serve"),
    prefix_default_language=False,
)
