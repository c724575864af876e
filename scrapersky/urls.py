from django.contrib import admin
from django.urls import path

from curation.dashboard import dashboard
from scrapersky.api import api, api_v2, healthz

admin.site.site_header = "ScraperSky"
admin.site.site_title = "ScraperSky"
admin.site.index_title = "Curation"

urlpatterns = [
    path("admin/dashboard/", admin.site.admin_view(dashboard), name="admin-dashboard"),
    path("admin/", admin.site.urls),
    path("api/v3/", api.urls),
    path("api/v2/", api_v2.urls),
    path("healthz", healthz, name="healthz"),
]
