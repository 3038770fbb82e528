"""The Django admin site: Portrait's name on it, for staff keeping the data in order."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


class PortraitAdminSite(admin.AdminSite):
    site_header = "Portrait 客户画像"
    site_title = "Portrait 客户画像"
    index_title = _("Site administration")
