"""Inline saves and deletes of recorded facts go through the taxonomy's recorded writes."""

from taxonomy.services import RECORDED_MODELS, delete_with_history, save_with_history


class RecordedInlinesMixin:
    """For a ModelAdmin: inlines of recorded models write through save_with_history / delete_with_history, so
    /api/changes/ shows the admin's edits like the API's."""

    def save_formset(self, request, form, formset, change):
        if formset.model not in RECORDED_MODELS:
            return super().save_formset(request, form, formset, change)
        instances = formset.save(commit=False)
        for instance in formset.deleted_objects:
            delete_with_history(user=request.user, instance=instance)
        for instance in instances:
            save_with_history(user=request.user, instance=instance)
        return None


class FewQueriesInlineMixin:
    """For an inline: a select reads its choices once per page rather than once per row, and an autocomplete
    field's queryset joins what its labels print (`label_related`)."""

    label_related: dict[str, list[str]] = {}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.label_related:
            related = db_field.remote_field.model._default_manager.select_related(*self.label_related[db_field.name])
            kwargs.setdefault("queryset", related)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if field is not None and db_field.name not in self.get_autocomplete_fields(request):
            field.choices = list(field.choices)  # copied with each row's form, not queried again
        return field
