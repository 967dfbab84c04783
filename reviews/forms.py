from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from reviews import images
from reviews.models import Figure


class FigureForm(forms.ModelForm):
    class Meta:
        model = Figure
        fields = ["position", "order", "image", "alt_text", "caption", "credit"]
        widgets = {
            "image": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        }

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if isinstance(upload, UploadedFile):  # a new upload, not the saved file
            return images.prepare(upload)
        return upload


class FigureFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        leads = [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("position") == 0
        ]
        if len(leads) > 1:
            raise ValidationError(
                "Only one photo can be the lead (placement 0); give the others the number "
                "of the section they follow.",
                code="two_leads",
            )
