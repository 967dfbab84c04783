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

    #: Set once this form's photo is in storage, so a refused submission can release it.
    stored = False

    def clean_image(self):
        """Check a new upload and store it with its renditions, now.

        Storing while validating means a storage failure is a message on the form, with
        everything the editor typed still there, rather than an error page after the
        review row was half-saved.
        """
        upload = self.cleaned_data.get("image")
        if not isinstance(upload, UploadedFile):  # unchanged, or cleared
            return upload
        self.instance.image = images.prepare(upload)
        try:
            self.instance.process_image()
        except images.StorageFailed as error:
            raise ValidationError(str(error), code="storage") from error
        self.stored = True
        return self.instance.image


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
