from django.conf import settings
from django.http import JsonResponse


class RejectNulBytesMiddleware:
    """Answer 400 to a NUL byte in the path or query: PostgreSQL text cannot hold one, and no
    legitimate search, key or slug contains it (otherwise the database driver raises: a 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path, *(v for _, values in request.GET.lists() for v in values)]
        if any("\x00" in value for value in values):
            return JsonResponse({"detail": "NUL characters are not allowed in URLs."}, status=400)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Send settings.CONTENT_SECURITY_POLICY with every response that has none of its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
