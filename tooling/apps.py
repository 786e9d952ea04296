from django.apps import AppConfig


class ToolingConfig(AppConfig):
    """Commands that fill and measure a site (seeds, demo data, the benchmark, the load test), not pages it serves."""

    name = "tooling"
    verbose_name = "Tooling: seeds, demo data, benchmark, load test"
