from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class PagePagination(PageNumberPagination):
    """`page` and `page_size` (1..100); a bad value is a 400 with a message, not a silent clamp."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({"page_size": [f"Must be a whole number from 1 to {self.max_page_size}."]})
        return int(raw)

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw != "last" and not (raw.isdigit() and int(raw) >= 1):
            raise ValidationError({"page": ["Must be a whole number from 1."]})
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.page_query_param: {"minimum": 1}, self.page_size_query_param: {"minimum": 1, "maximum": 100}}
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


class FacetedPagePagination(PagePagination):
    """The paper list: a page of results plus facet counts over the whole result set."""

    FACET_SCHEMA = {
        "type": "object",
        "description": "Counts over the whole result set: category (sub-categories included, each paper once), "
        "year, technique, workload, gpu (memory variants together), vendor, and the yes/no filters has_code, "
        "open_source and mixed_gpus (the papers they would keep).",
        "additionalProperties": {"type": "array", "items": {"type": "object", "additionalProperties": True}},
    }

    def get_paginated_response_schema(self, schema):
        response_schema = super().get_paginated_response_schema(schema)
        response_schema["properties"]["facets"] = self.FACET_SCHEMA
        response_schema["required"] = [*response_schema.get("required", []), "facets"]
        return response_schema
