"""The results ledger's rows (taxonomy.results.ledger_row dicts) as the API documents them."""

from rest_framework import serializers

from taxonomy.models import Result


class LedgerPaperSerializer(serializers.Serializer):
    citation_key = serializers.CharField()
    title = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)


class LedgerBaselinePaperSerializer(serializers.Serializer):
    citation_key = serializers.CharField()
    title = serializers.CharField()


class LedgerSetupSerializer(serializers.Serializer):
    gpus = serializers.CharField(help_text='The GPUs in one line: "4×A100 + 8×L4 + 12×T4" (empty when unknown).')
    total_gpus = serializers.IntegerField(allow_null=True, help_text="Null when a GPU row has no count.")
    mixed = serializers.BooleanField(help_text="Two or more GPU types (derived).")
    interconnect = serializers.ListField(child=serializers.CharField(), help_text="As the paper words its links.")
    interconnect_classes = serializers.ListField(
        child=serializers.CharField(), help_text="nvlink, infiniband, roce, ethernet, pcie, wan (derived)."
    )
    simulated = serializers.BooleanField(allow_null=True)


class LedgerRowSerializer(serializers.Serializer):
    paper = LedgerPaperSerializer()
    position = serializers.IntegerField(help_text="The result's place among its paper's results.")
    metric = serializers.ChoiceField(choices=Result.Metric.choices)
    metric_name = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="Null when the paper states the result in words.")
    value_max = serializers.FloatField(allow_null=True, help_text="Upper end of a range (2.63-5.28).")
    value_text = serializers.CharField(allow_blank=True)
    unit = serializers.CharField(allow_blank=True, help_text='"x" (ratio), "%", "pp", or as written.')
    kind = serializers.CharField(allow_blank=True, help_text='"up-to", "average", "median" or empty.')
    display_value = serializers.CharField(help_text='The value as shown: "up to 2.3x".')
    versus = serializers.CharField(allow_blank=True, help_text="The baseline, as the paper names it.")
    baseline_paper = LedgerBaselinePaperSerializer(
        allow_null=True, help_text="The baseline when it is a public paper of the catalogue."
    )
    setup_text = serializers.CharField(allow_blank=True, help_text="Where the number was measured, as written.")
    paper_setups = LedgerSetupSerializer(
        many=True, help_text="The paper's recorded setups (a result is not linked to one of them)."
    )
    evidence = serializers.CharField(allow_blank=True)
    confirmed = serializers.BooleanField()
