"""/api/imports/: start a BibTeX import or an arXiv fetch (answered 202 with the run's URL), read a run."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import RetrieveAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from api.permissions import IsStaff
from papers import tasks
from papers.identifiers import arxiv_id_errors
from papers.models import IngestRun
from papers.uploads import BibtexTooLarge, UploadRejected, read_bibtex_upload

MAX_ARXIV_IDS = 2000


class MessageSerializer(serializers.Serializer):
    entry = serializers.CharField(help_text="The BibTeX key or arXiv id.")
    outcome = serializers.ChoiceField(choices=IngestRun.Outcome.choices)
    paper = serializers.CharField(help_text="Citation key of the paper created or merged into; empty if none.")
    message = serializers.CharField()
    line = serializers.IntegerField(required=False, help_text="Line of the entry in the BibTeX text.")


class IngestRunSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    counts = serializers.DictField(child=serializers.IntegerField(), read_only=True)
    messages = MessageSerializer(many=True, read_only=True)
    waiting_for_queue = serializers.BooleanField(read_only=True)

    class Meta:
        model = IngestRun
        fields = [
            "id",
            "url",
            "kind",
            "state",
            "input_name",
            "created_at",
            "started_at",
            "finished_at",
            "attempts",
            "waiting_for_queue",
            "next_attempt_at",
            "requests_made",
            "counts",
            "error",
            "messages",
        ]

    def get_url(self, run) -> str:
        return reverse("api:import-detail", args=[run.pk], request=self.context.get("request"))


class QueuedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.URLField(help_text="GET it for the run's state and outcomes.")
    kind = serializers.CharField()
    state = serializers.CharField()
    waiting_for_queue = serializers.BooleanField(
        help_text="The task queue was away: the run is saved and starts when it is back."
    )
    detail = serializers.CharField(required=False, help_text="Present when waiting_for_queue.")


class BibtexImportSerializer(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="A .bib file (multipart/form-data).")
    text = serializers.CharField(required=False, trim_whitespace=False, help_text="BibTeX text, pasted.")

    def validate(self, data):
        if bool(data.get("file")) == bool(data.get("text")):
            raise serializers.ValidationError("Send either a BibTeX file or BibTeX text.")
        return data


class ArxivImportSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.CharField(max_length=200),
        min_length=1,
        max_length=MAX_ARXIV_IDS,
        help_text="arXiv ids in any form: 2005.14038, 2005.14038v2, arXiv:2005.14038, abs/pdf URLs, cs/0112017.",
    )

    def validate_ids(self, ids):
        if errors := arxiv_id_errors(ids):
            raise serializers.ValidationError(errors)
        return ids


TOO_LARGE = OpenApiResponse(description="Over the upload limit, settings.BIBTEX_UPLOAD_MAX_BYTES (10 MB).")


def _too_large(exc: BibtexTooLarge) -> Response:
    return Response({"detail": str(exc)}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)


WAITING_FOR_QUEUE = "The task queue is unavailable; the run is saved and starts as soon as the queue is back."


def _queued(run: IngestRun, request) -> Response:
    url = reverse("api:import-detail", args=[run.pk], request=request)
    body = {"id": run.pk, "url": url, "kind": run.kind, "state": run.state, "waiting_for_queue": run.waiting_for_queue}
    if run.waiting_for_queue:
        body["detail"] = WAITING_FOR_QUEUE
    return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": url})


class BibtexImportView(APIView):
    permission_classes = [IsStaff]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request=BibtexImportSerializer,
        responses={202: QueuedSerializer, 413: TOO_LARGE},
        operation_id="imports_bibtex_create",
        summary="Import BibTeX (a file or pasted text); runs in the background.",
    )
    def post(self, request):
        try:
            data = request.data
        except RequestDataTooBig:  # pasted text far over the limit: Django refuses to read the body
            return _too_large(BibtexTooLarge(f"The request is over {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes."))
        serializer = BibtexImportSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        upload, text = serializer.validated_data.get("file"), serializer.validated_data.get("text")
        try:
            text = read_bibtex_upload(upload=upload, text=text)
        except BibtexTooLarge as exc:
            return _too_large(exc)
        except UploadRejected as exc:
            raise serializers.ValidationError({"file" if upload else "text": [str(exc)]}) from exc
        run = tasks.queue_bibtex_import(text, input_name=upload.name if upload else "", user=request.user)
        return _queued(run, request)


class ArxivImportView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(
        request=ArxivImportSerializer,
        responses={202: QueuedSerializer},
        operation_id="imports_arxiv_create",
        summary="Fetch papers from arXiv by id; runs in the background.",
    )
    def post(self, request):
        serializer = ArxivImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = tasks.queue_arxiv_fetch(serializer.validated_data["ids"], user=request.user)
        return _queued(run, request)


class ImportRunView(RetrieveAPIView):
    """An import's state (queued, running, done, failed), counts per outcome and per-entry messages."""

    permission_classes = [IsStaff]
    serializer_class = IngestRunSerializer
    queryset = IngestRun.objects.all()
