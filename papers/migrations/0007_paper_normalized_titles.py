"""Paper.normalized_title and normalized_arxiv_title: imports look stored papers up by these."""

from django.db import migrations, models

from papers.identifiers import title_key


def fill_title_keys(apps, schema_editor):
    Paper = apps.get_model("papers", "Paper")
    batch = []
    for paper in Paper.objects.only("pk", "title", "arxiv_title").order_by("pk").iterator(chunk_size=2000):
        paper.normalized_title = title_key(paper.title)
        paper.normalized_arxiv_title = title_key(paper.arxiv_title)
        batch.append(paper)
        if len(batch) == 2000:
            Paper.objects.bulk_update(batch, ["normalized_title", "normalized_arxiv_title"])
            batch = []
    Paper.objects.bulk_update(batch, ["normalized_title", "normalized_arxiv_title"])


class Migration(migrations.Migration):

    dependencies = [
        ("papers", "0006_ingestrun_restarts"),
    ]

    operations = [
        migrations.AddField(
            model_name="paper",
            name="normalized_arxiv_title",
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name="paper",
            name="normalized_title",
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        # Before the indexes: filling is cheaper with nothing to keep up to date.
        migrations.RunPython(fill_title_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="paper",
            index=models.Index(fields=["normalized_title"], name="paper_normalized_title_idx"),
        ),
        migrations.AddIndex(
            model_name="paper",
            index=models.Index(
                condition=models.Q(("normalized_arxiv_title", ""), _negated=True),
                fields=["normalized_arxiv_title"],
                name="paper_norm_arxiv_title_idx",
            ),
        ),
    ]
