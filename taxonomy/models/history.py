"""The recorded history of the curated facts: placements, comparison values and evaluation facts."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from papers.models import Paper


class ChangeKind(models.TextChoices):
    PLACEMENT = "placement"
    VALUE = "value"
    SETUP = "setup"
    SETUP_GPU = "setup-gpu", "setup GPU"
    RESULT = "result"
    BASELINE = "baseline"
    MODEL = "model", "evaluated model"


class ChangeAction(models.TextChoices):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


class ChangeRecord(models.Model):
    """One change of a recorded fact: who, when, before and after."""

    Kind = ChangeKind
    Action = ChangeAction

    created_at = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    # Snapshots, so the record still reads right after the user or paper is gone.
    username = models.CharField(max_length=150, blank=True)
    paper = models.ForeignKey(Paper, null=True, blank=True, on_delete=models.SET_NULL, related_name="changes")
    citation_key = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_id = models.PositiveBigIntegerField()
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ChangeKind.values), name="change_kind_valid"),
            models.CheckConstraint(condition=Q(action__in=ChangeAction.values), name="change_action_valid"),
        ]
        indexes = [
            # GET /api/changes/ lists newest first.
            models.Index(fields=["-created_at", "-id"], name="change_newest_first_idx"),
        ]

    def __str__(self):
        return f"{self.username or 'system'} {self.action} {self.kind} of {self.citation_key}"
