# Ingestion endpoints (/api/imports/...), filled in with the ingestion work.
urlpatterns = []
