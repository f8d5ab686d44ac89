"""URLs of the wegwijzer (included at /wegwijzer/). Case files by opaque UUID; rules by their public code."""

from django.urls import path, register_converter

from routeplus.guide import views


class RuleIdConverter:
    regex = "[A-Z]{2,5}-[0-9]{2}[A-Z]?"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(RuleIdConverter, "rule_id")

app_name = "guide"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("regels/nieuw/", views.rule_add, name="rule_add"),
    path("regels/<rule_id:rule_id>/", views.rule_detail, name="rule_detail"),
    path("regels/<rule_id:rule_id>/wijzigen/", views.rule_edit, name="rule_edit"),
    path("regels/<rule_id:rule_id>/intrekken/", views.rule_retire, name="rule_retire"),
    path("regels/<rule_id:rule_id>/terugzetten/", views.rule_restore, name="rule_restore"),
    path("dossier/<uuid:trajectory_uuid>/", views.case_file_guide, name="case_file"),
]
