from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from editorial.admin_history import ReadOnlyHistoryAdmin
from editorial.models import BoardProfile, EditorialPolicy


class ChecklistField(forms.CharField):
    """The review checklist as text, one question per line (stored as a list)."""

    def prepare_value(self, value):  # type: ignore[no-untyped-def]
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):  # type: ignore[no-untyped-def]
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


POLICY_FIELDS = [
    "version",
    "effective_date",
    "body",
    "required_approvals",
    "review_interval_months",
    "review_checklist",
    "review_days",
]


class EditorialPolicyForm(forms.ModelForm):
    review_checklist = ChecklistField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=(
            "The questions every reviewer answers (yes, no, not applicable), one per line. "
            "Frozen once a review has used this version."
        ),
    )

    class Meta:
        model = EditorialPolicy
        fields = POLICY_FIELDS


@admin.register(EditorialPolicy)
class EditorialPolicyAdmin(ReadOnlyHistoryAdmin):
    form = EditorialPolicyForm
    list_display = [
        "version",
        "effective_date",
        "required_approvals",
        "review_interval_months",
        "review_days",
    ]
    search_fields = ["body"]
    date_hierarchy = "effective_date"

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # A policy that articles were published under is part of the public record.
        if obj is not None and obj.publications.exists():
            return POLICY_FIELDS
        # Old reviews are read against the questions they answered.
        if obj is not None and obj.checklist_is_frozen:
            return ["review_checklist"]
        return []

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return obj is None or not obj.publications.exists()


@admin.register(BoardProfile)
class BoardProfileAdmin(ReadOnlyHistoryAdmin):
    list_display = ["display_name", "credentials", "specialty", "updated_at"]
    search_fields = [
        "user__first_name",
        "user__last_name",
        "user__username",
        "credentials",
        "specialty",
    ]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]


class BoardProfileInline(admin.StackedInline):
    model = BoardProfile
    can_delete = False
    extra = 0


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class EditorialUserAdmin(UserAdmin):
    inlines = [BoardProfileInline]
    list_display = ["username", "email", "first_name", "last_name", "is_staff", "is_active"]
    list_filter = ["groups", "is_staff", "is_active"]

    # Editors manage people and board membership, but only a superuser grants superuser
    # status or raw permissions, or touches a superuser's account.
    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


admin.site.site_header = "Editorial administration"
admin.site.site_title = "Editorial admin"
