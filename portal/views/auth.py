"""Sign in, sign out, register (customers only), change the password; `/` sends each role home."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import home_url_name, is_signed_in
from accounts.services import user_register_customer
from audit.services import audit_record

from ..forms import RegisterForm, SignInForm, add_service_errors

# `login()` needs the backend when several are configured (django-axes adds its own).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def home(request):
    """Each role to its home page; anonymous visitors to sign in."""
    if not is_signed_in(request.user):
        return redirect("portal:login")
    return redirect(home_url_name(request.user))


class SignInView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django's LogoutView refuses GET); a message says it worked."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have signed out."))
        return response


@require_http_methods(["GET", "POST"])
def register(request):
    """Create a customer account and sign it in; the portrait comes next.

    Only the form's fields reach the service, which always makes a customer: a posted `role`,
    `is_staff` or `manager` is ignored.
    """
    if is_signed_in(request.user):
        return redirect("portal:home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_register_customer(
                username=form.cleaned_data["username"], password=form.cleaned_data["password"],
                name=form.cleaned_data["name"], email=form.cleaned_data["email"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            login(request, user, backend=MODEL_BACKEND)
            messages.success(request, _("Welcome! Tell us about yourself so we can find you the right manager."))
            return redirect("portal:me")
    return render(request, "portal/register.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "portal/password_change.html"
    success_url = reverse_lazy("portal:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(actor=form.user, action="user.password_changed", target=form.user, summary=str(form.user))
        messages.success(self.request, _("Your password has been changed."))
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Set a new password from a reset link (Django's view: one-time token, the password validators)."""

    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"
