"""hogo (保護): keeps dashcam footage and other personal data lawful, safe and accounted for."""

__version__ = "0.1.0"
