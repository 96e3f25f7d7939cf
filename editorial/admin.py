from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from editorial.models import BoardProfile, EditorialPolicy


@admin.register(EditorialPolicy)
class EditorialPolicyAdmin(SimpleHistoryAdmin):
    list_display = ["version", "effective_date", "required_approvals", "review_interval_months"]
    search_fields = ["body"]
    date_hierarchy = "effective_date"

    def get_readonly_fields(self, request, obj=None):  # type: ignore[no-untyped-def]
        # A policy that articles were published under is part of the public record.
        if obj is not None and obj.publications.exists():
            return [
                "version",
                "effective_date",
                "body",
                "required_approvals",
                "review_interval_months",
            ]
        return []

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return obj is None or not obj.publications.exists()


@admin.register(BoardProfile)
class BoardProfileAdmin(SimpleHistoryAdmin):
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


admin.site.site_header = "Editorial administration"
admin.site.site_title = "Editorial admin"
