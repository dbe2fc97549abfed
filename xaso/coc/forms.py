from django import forms

from xaso.indicators.models import Indicator

from .models import Publication


class PublicationForm(forms.ModelForm):
    class Meta:
        model = Publication
        fields = ["is_published", "show_targets", "indicators"]
        widgets = {"indicators": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # the label and help texts come from the model ("Chỉ số công khai", the option's note on published targets)
        self.fields["indicators"].queryset = Indicator.objects.order_by("area", "sort_order")
