"""Thresholds of the signal rules: defaults here, overridden per deployment with settings.ROUTEPLUS_SIGNALS.

Example (settings or an environment-specific settings module):
    ROUTEPLUS_SIGNALS = {"no_contact_days": 28, "disabled_rules": ["age_23"]}
"""

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # 18th birthday within this many months: plan the 18-/18+ transition.
    "transition_18_months": 6,
    # No reached contact for this many days (six weeks).
    "no_contact_days": 42,
    # This many failed attempts in a row to reach the young person (or a parent): consider uitval.
    "failed_attempts": 3,
    # An open learning goal without a review for this many months.
    "goal_review_months": 3,
    # An internship or placement ends within this many days with nothing planned after it.
    "placement_ending_days": 28,
    # A granted provision ends within this many days.
    "provision_ending_days": 56,
    # A re-integration placement or provision planned shorter than this many days: warn before it starts.
    "reintegration_min_days": 183,
    "reintegration_placement_kinds": ["tailored_internship"],
    "reintegration_provision_codes": ["reintegration"],
    # Wajong refused: warn this many months before the five-year re-application window closes, and before
    # the ten-year mark; a negative sheltered-work advice: warn when a new advice can be asked (12 months).
    "wajong_window_months_before": 6,
    # Ages 23 and 27 (end of extended youth care; end of the Doorstroompunt and <27 Participatiewet rules).
    "age_milestone_months": 3,
    # Pro/vso: the school's guidance period after leaving school ends this many months after leaving;
    # warn this many months before (Wet van school naar duurzaam werk, duration to verify: see guide SNDW-01).
    "school_guidance_months": 24,
    "school_guidance_warning_months": 3,
    "disabled_rules": [],
}


def thresholds() -> dict[str, Any]:
    """The effective thresholds: the defaults with the deployment's overrides."""
    configured = getattr(settings, "ROUTEPLUS_SIGNALS", None) or {}
    unknown = set(configured) - set(DEFAULTS)
    if unknown:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"ROUTEPLUS_SIGNALS has unknown keys: {', '.join(sorted(unknown))}.")
    return {**DEFAULTS, **configured}
