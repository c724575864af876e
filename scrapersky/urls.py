from django.contrib import admin
from django.urls import path

admin.site.site_header = "ScraperSky"
admin.site.site_title = "ScraperSky"
admin.site.index_title = "Curation"

urlpatterns = [
    path("admin/", admin.site.urls),
]
