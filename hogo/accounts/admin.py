from django.contrib import admin

from hogo.accounts.models import Department


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "manages_vehicles")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
