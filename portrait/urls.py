from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("console/", include("console.urls")),
    path("api/", include("api.urls")),
    path("", include("portal.urls")),
]

# Django's 400 (an oversized body, too many fields): JSON in the API's error shape under /api/.
handler400 = "api.errors.bad_request"
