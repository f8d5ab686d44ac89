"""The benchmark app: no models; its floor pages are mounted only when ROUTEPLUS_BENCHMARK is on."""

from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    name = "routeplus.benchmark"
    label = "benchmark"
    verbose_name = "Benchmark"
