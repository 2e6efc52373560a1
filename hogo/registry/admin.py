from django.contrib import admin

from hogo.registry.models import Recorder, Vehicle


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ("registration", "label", "kind", "department")
    list_filter = ("kind", "department")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Recorder)
class RecorderAdmin(admin.ModelAdmin):
    list_display = ("serial", "vehicle", "maker", "model_name", "capacity_bytes",
                    "capacity_hours", "notice_checked_on")
    list_filter = ("vehicle__department",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
