"""The media ledger: the record whose absence caused the Kawasaki loss (000; R-401-R-405).

Every portable medium that may hold personal data has a lockable cabinet; every use is a
checkout with who, why and until when; what it holds is listed; inventories confirm each
item, and a medium not found is marked missing at once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from hogo import clock
from hogo.accounts.models import Department, User


class Cabinet(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="cabinets",
                                   verbose_name=_("所属"))
    name = models.CharField(_("名称"), max_length=100)
    location = models.CharField(_("設置場所"), max_length=200)
    # The first inventory is due a period after the cabinet was registered.
    registered_at = models.DateTimeField(_("登録日時"), default=clock.now)

    class Meta:
        ordering = ["department__code", "name"]
        verbose_name = _("保管庫")
        verbose_name_plural = _("保管庫")

    def __str__(self) -> str:
        return f"{self.name}（{self.location}）"


class MediumKind(models.TextChoices):
    USB = "usb", _("USBメモリ")
    SD = "sd", _("SDカード")
    DVD = "dvd", _("DVD・BD")
    DISK = "disk", _("外付けディスク")


class MediumState(models.TextChoices):
    IN_CABINET = "in_cabinet", _("保管庫")
    OUT = "out", _("持出し中")
    MISSING = "missing", _("所在不明")
    DESTROYED = "destroyed", _("破砕・廃棄済み")


class Medium(models.Model):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="media")
    kind = models.CharField(_("種別"), max_length=10, choices=MediumKind.choices)
    label = models.CharField(_("管理番号"), max_length=50, unique=True)
    serial = models.CharField(_("製造番号"), max_length=100, blank=True)
    capacity_bytes = models.PositiveBigIntegerField(_("容量（バイト）"), null=True, blank=True)
    encrypted = models.BooleanField(_("暗号化対応"), default=True)
    cabinet = models.ForeignKey(Cabinet, on_delete=models.PROTECT, related_name="media",
                                verbose_name=_("保管庫"))
    state = models.CharField(_("状態"), max_length=12, choices=MediumState.choices,
                             default=MediumState.IN_CABINET)
    # What the app above media opened when this medium went missing (an incident): its
    # number and page, as the `medium_missing` receiver returned them. Media never imports
    # that app, so it keeps the words and the link, not a foreign key.
    missing_reference = models.CharField(_("所在不明で開かれた事案"), max_length=50, blank=True)
    missing_link = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["label"]
        verbose_name = _("記録媒体")
        verbose_name_plural = _("記録媒体")

    def __str__(self) -> str:
        return f"{self.label}（{self.get_kind_display()}）"

    @property
    def can_be_checked_out(self) -> bool:
        """Only a medium in its cabinet can be taken out."""
        return self.state == MediumState.IN_CABINET

    @property
    def can_be_checked_in(self) -> bool:
        """Only a medium out on loan can be brought back."""
        return self.state == MediumState.OUT

    @property
    def can_be_moved(self) -> bool:
        """Put into another cabinet only while it is in its own: never while someone has it
        or nobody knows where it is."""
        return self.state == MediumState.IN_CABINET

    @property
    def can_be_wiped(self) -> bool:
        """Erased or destroyed only once it is back in its cabinet (R-306): never while out,
        missing or already destroyed."""
        return self.state == MediumState.IN_CABINET


class Content(models.Model):
    """What a medium holds: a copy or other data, and how many people it concerns."""

    medium = models.ForeignKey(Medium, on_delete=models.PROTECT, related_name="contents")
    description = models.CharField(_("内容"), max_length=300)
    copy = models.ForeignKey("copies.Copy", on_delete=models.PROTECT, null=True, blank=True)
    people = models.PositiveIntegerField(_("人数（延べ）"), null=True, blank=True)
    written_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.description


class Checkout(models.Model):
    medium = models.ForeignKey(Medium, on_delete=models.PROTECT, related_name="checkouts")
    taken_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField()
    purpose = models.CharField(_("持出しの目的"), max_length=300)
    due_on = models.DateField(_("返却予定日"))
    returned_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    returned_at = models.DateTimeField(null=True, blank=True)
    condition = models.CharField(_("返却時の状態"), max_length=200, blank=True)

    class Meta:
        ordering = ["-taken_at"]

    def __str__(self) -> str:
        return f"{self.medium} {self.taken_by}"


class Inventory(models.Model):
    cabinet = models.ForeignKey(Cabinet, on_delete=models.PROTECT, related_name="inventories")
    started_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"棚卸し {self.cabinet} {self.started_at:%Y-%m-%d}"


class InventoryItem(models.Model):
    inventory = models.ForeignKey(Inventory, on_delete=models.PROTECT, related_name="items")
    medium = models.ForeignKey(Medium, on_delete=models.PROTECT, related_name="+")
    expected = models.CharField(max_length=12)  # the medium's state when the count began
    found = models.BooleanField(null=True)
    checked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    checked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.medium}: {self.found}"
