from django.contrib import admin

from hogo.registry.models import Vehicle


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ("registration", "label", "kind", "department")
    list_filter = ("kind", "department")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
