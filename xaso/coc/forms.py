from django import forms

from xaso.indicators.models import Indicator

from .models import Publication


class PublicationForm(forms.ModelForm):
    indicators = forms.ModelMultipleChoiceField(
        queryset=Indicator.objects.order_by("area", "sort_order"), widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Publication
        fields = ["is_published", "show_targets", "indicators"]
