from __future__ import annotations

from typing import Any

from allauth.account.decorators import secure_admin_login
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from editorial import roles
from editorial.accounts.membership import is_protected_account, record_role_changes, role_snapshot
from editorial.admin_history import ReadOnlyHistoryAdmin
from editorial.models import BoardProfile, EditorialPolicy, RoleChange

# One sign-in for the whole site: the admin's own login form would skip the second factor
# and the throttling, so it sends people to /accounts/login/.
# Replacing the default site's bound view on its instance: mypy forbids assigning to a method.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


class ChecklistField(forms.CharField):
    """The review checklist as text, one question per line (stored as a list)."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
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

    def get_readonly_fields(self, request, obj=None):
        # A policy that articles were published under is part of the public record.
        if obj is not None and obj.publications.exists():
            return POLICY_FIELDS
        # Old reviews are read against the questions they answered.
        if obj is not None and obj.checklist_is_frozen:
            return ["review_checklist"]
        return []

    def has_delete_permission(self, request, obj=None):
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
    change_list_template = "admin/auth/user/change_list_with_invite.html"

    # Editors manage authors and other people; only a superuser changes membership of the
    # Board or Editors, staff or superuser status and raw permissions, or touches the
    # account of a board member, editor, staff member or superuser (changing its email or
    # password would be a way into that role). Every role change is logged (RoleChange).
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "is_staff", "user_permissions", "superuser_only_roles"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [*options["fields"], "superuser_only_roles"]})
            if "groups" in options["fields"]
            else (name, options)
            for name, options in fieldsets
        ]

    @admin.display(description="Board and Editors membership")
    def superuser_only_roles(self, obj: Any) -> str:
        held = obj.groups.filter(name__in=roles.SUPERUSER_ONLY_GROUPS).values_list(
            "name", flat=True
        )
        return ", ".join(held) or "None (only a site administrator can change this)"

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            # A posted Board or Editors id is then "not one of the available choices".
            kwargs["queryset"] = Group.objects.exclude(name__in=roles.SUPERUSER_ONLY_GROUPS)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and is_protected_account(obj):
            return False
        return super().has_change_permission(request, obj)

    # Also what the "delete selected" action asks of each object (get_deleted_objects).
    def has_delete_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and is_protected_account(obj):
            return False
        return super().has_delete_permission(request, obj)

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        target = self.get_object(request, id)
        if target is not None and not self.has_change_permission(request, target):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_model(self, request, obj, form, change):
        request._roles_before = role_snapshot(obj) if change else frozenset()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        user = form.instance
        before = request._roles_before
        # A non-superuser only reaches this for an account without Board or Editors
        # membership (has_change_permission), and the form offers them neither group.
        super().save_related(request, form, formsets, change)
        record_role_changes(
            user=user, before=before, after=role_snapshot(user), by=request.user, via="admin"
        )


@admin.register(RoleChange)
class RoleChangeAdmin(admin.ModelAdmin):
    """The log of role changes: for reading only, by anyone, superusers included."""

    list_display = ["changed_at", "person", "change", "role", "made_by", "via"]
    list_filter = ["role", "change", "via"]
    search_fields = ["user_name", "changed_by_name", "role"]
    date_hierarchy = "changed_at"

    @admin.display(description="Person", ordering="user_name")
    def person(self, obj: RoleChange) -> str:
        return obj.user_name

    @admin.display(description="Changed by", ordering="changed_by_name")
    def made_by(self, obj: RoleChange) -> str:
        return obj.changed_by_name

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(Group)


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    """The role groups (and their permissions) are changed by superusers only."""

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.name in roles.ALL_GROUPS and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.name in roles.ALL_GROUPS and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


admin.site.site_header = "Editorial administration"
admin.site.site_title = "Editorial admin"
