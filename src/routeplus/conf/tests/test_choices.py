"""Choice labels: the same answers as Django's `get_<field>_display`, with one translation per label shown."""

from django.utils import translation

from routeplus.casefile.models import GoalReview
from routeplus.conf.choices import _label_in
from routeplus.participants.models import Participant
from routeplus.trajectories.models import Status, Trajectory


def test_labels_are_those_of_the_choices_and_other_values_come_back_as_they_are():
    assert Trajectory(status=Status.WAITING).get_status_display() == "Wachtlijst"
    assert Trajectory(status="not-a-status").get_status_display() == "not-a-status"
    assert Participant(school_type="").get_school_type_display() == ""
    assert GoalReview(score=None).get_score_display() is None  # as Django: no label, the value itself


def test_each_label_shown_is_translated_once_per_language(monkeypatch):
    rows = [Trajectory(status=status) for status in Status.values] * 10
    calls: list[str] = []
    real = translation._trans.gettext

    def counting(message: str) -> str:
        calls.append(message)
        return real(message)

    monkeypatch.setattr(translation._trans, "gettext", counting)
    _label_in.cache_clear()

    labels = [row.get_status_display() for row in rows]

    assert labels[:5] == ["Aangemeld", "Wachtlijst", "Intake", "Actief", "Afgesloten"]
    # Django's own method translates every label of the field for each row: 5 x 50 here.
    assert len(calls) == len(Status.values)
    with translation.override("en"):
        [row.get_status_display() for row in rows]
    assert len(calls) == 2 * len(Status.values)  # another language: translated anew
