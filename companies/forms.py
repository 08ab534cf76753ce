from django import forms
from django.utils.translation import gettext_lazy as _

from companies.hierarchy import would_create_cycle
from companies.models import Company, SupervisorEdge, User


class CompanySwitchForm(forms.Form):
    company = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class AddSupervisorForm(forms.Form):
    """Add a supervisor to `subordinate` in `company`; refuses circles with a clear message."""

    supervisor = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Supervisor"))

    def __init__(self, *args, company: Company, subordinate: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        self.subordinate = subordinate
        self.fields["supervisor"].queryset = (
            User.objects.filter(memberships__company=company, memberships__is_active=True, is_active=True)
            .exclude(pk=subordinate.pk)
            # Not those who supervise them already: offering them only to say "added" was misleading.
            .exclude(
                pk__in=SupervisorEdge.objects.filter(company=company, subordinate=subordinate).values(
                    "supervisor_id"
                )
            )
            .order_by("last_name", "first_name", "username")
        )

    def clean_supervisor(self) -> User:
        supervisor = self.cleaned_data["supervisor"]
        if would_create_cycle(
            company_id=self.company.pk, supervisor_id=supervisor.pk, subordinate_id=self.subordinate.pk
        ):
            raise forms.ValidationError(
                _(
                    "%(supervisor)s cannot supervise %(subordinate)s: %(subordinate)s already "
                    "supervises %(supervisor)s, directly or through others, and the hierarchy "
                    "must not go round in a circle."
                ),
                params={"supervisor": supervisor, "subordinate": self.subordinate},
                code="cycle",
            )
        return supervisor


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "email_notifications"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Colleagues see these names everywhere (lists, mentions, history): no blank ones.
        self.fields["first_name"].required = True
        self.fields["last_name"].required = True

    def clean_email(self):
        """Reminders, mentions and password resets go here: one address, one person."""
        email = self.cleaned_data["email"].strip()
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Another user already has this e-mail address."))
        return email
