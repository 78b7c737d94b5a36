"""Property-based tests (hypothesis): diacritic folding, and the progress figures' invariants
on random small unit trees, reports and dates, against a plain-Python count."""
from __future__ import annotations

import datetime as dt
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared import clock
from shared.models import LEVEL_ORDER, Campaign, CongressReport, ReportStatusChange
from shared.progress import progress_by_child, progress_by_level
from shared.text import fold
from shared.units import create_unit

# ---- folding ----------------------------------------------------------------------------

_VOWELS = "aăâeêioôơuưy"
_TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]  # huyền, sắc, hỏi, ngã, nặng
_LETTERS = sorted(
    {unicodedata.normalize("NFC", v + t) for v in _VOWELS for t in _TONES} | set("bcdđghklmnpqrstvx")
)
VIETNAMESE_CHARS = _LETTERS + [c.upper() for c in _LETTERS] + list("0123456789 .,-()/")
vietnamese = st.text(alphabet=st.sampled_from(VIETNAMESE_CHARS), max_size=60)


@given(st.text())
def test_folding_twice_changes_nothing(text):
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_nfc_and_nfd_input_fold_alike(text):
    assert fold(unicodedata.normalize("NFC", text)) == fold(unicodedata.normalize("NFD", text))


@given(vietnamese)
def test_vietnamese_folds_to_plain_lowercase_ascii(text):
    folded = fold(text)
    assert folded.isascii()
    assert folded == folded.lower()
    assert "  " not in folded and folded == folded.strip()
    assert fold(text.upper()) == folded  # case does not matter either


@given(st.integers(min_value=1, max_value=20), vietnamese)
def test_d_stroke_folds_to_d(n, text):
    assert fold("đ" * n) == fold("Đ" * n) == "d" * n
    assert "đ" not in fold(text + "Đ")


@given(vietnamese, vietnamese, vietnamese)
def test_a_folded_part_is_found_in_the_folded_whole(before, part, after):
    """What search relies on: typing a piece of a name without tone marks finds the name."""
    whole = f"{before} {part} {after}"
    assert fold(part) in fold(whole)


# ---- progress invariants ----------------------------------------------------------------

START = dt.date(2023, 1, 1)
CAMPAIGN = dict(
    name="Đợt thử", term="2023-2028", start_date=START, deadline_grassroots=dt.date(2023, 5, 31),
    deadline_district=dt.date(2023, 7, 31), deadline_province=dt.date(2023, 10, 31),
)
_EDGES = [d + dt.timedelta(days=k) for d in (START, *(CAMPAIGN[f"deadline_{lv}"] for lv in LEVEL_ORDER)) for k in (-1, 0, 1)]
# Any day of the campaign and around it, with the days next to each deadline drawn often.
days = st.one_of(st.sampled_from(_EDGES), st.integers(min_value=-40, max_value=420).map(lambda n: START + dt.timedelta(days=n)))
report = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {
            "planned": st.one_of(st.none(), days),
            "held": st.one_of(st.none(), days),
            "pilot": st.booleans(),
            "history": st.lists(
                st.tuples(days, st.sampled_from(["draft", "submitted", "returned", "approved"])), max_size=3
            ),
        }
    ),
)
grassroots = st.fixed_dictionaries({"active": st.booleans(), "report": report})
district = st.fixed_dictionaries({"report": report, "children": st.lists(grassroots, max_size=4)})
tree = st.fixed_dictionaries({"report": report, "districts": st.lists(district, min_size=1, max_size=3)})


def _build(db, spec):
    """Insert the tree and its reports (flushed, rolled back by the caller); returns the
    campaign, the province and [(unit, report spec)] for every active unit."""
    campaign = Campaign(**CAMPAIGN)
    db.add(campaign)
    db.flush()
    units = []

    def add(code, name, level, parent, rspec, active=True):
        unit = create_unit(db, code=code, name=name, level=level, parent=parent, active=active)
        if active:
            units.append((unit, rspec))
        if rspec is not None:
            r = CongressReport(
                campaign_id=campaign.id, unit_id=unit.id, planned_date=rspec["planned"], held_date=rspec["held"],
                is_pilot=rspec["pilot"],
                planned_at=dt.datetime.combine(START, dt.time(8)) if rspec["planned"] else None,
                status=max(rspec["history"])[1] if rspec["history"] else "draft",
            )
            db.add(r)
            db.flush()
            for i, (day, status) in enumerate(sorted(rspec["history"])):
                db.add(ReportStatusChange(report_id=r.id, changed_at=dt.datetime.combine(day, dt.time(9, i)), to_status=status))
        return unit

    province = add("P", "Tỉnh", "province", None, spec["report"])
    for i, d in enumerate(spec["districts"]):
        dunit = add(f"D{i}", f"Huyện {i}", "district", province, d["report"])
        for j, g in enumerate(d["children"]):
            add(f"G{i}-{j}", f"Cơ sở {i}-{j}", "grassroots", dunit, g["report"], g["active"])
    db.flush()
    return campaign, province, units


STATUSES = ("draft", "submitted", "returned", "approved")


def _status(r, as_of, today):
    """Current status for today and later; otherwise the last change up to the end of as_of."""
    if r is None:
        return None
    if as_of >= today:
        return max(r["history"])[1] if r["history"] else "draft"
    past = [h for h in r["history"] if h[0] <= as_of]
    return max(past)[1] if past else None


def _expected(campaign, units, as_of, today):
    """The figures counted by hand, per level."""
    out = {
        level: dict(expected=0, held=0, on_time=0, late=0, overdue=0, pending=0, pilots_held=0, **dict.fromkeys(STATUSES, 0))
        for level in LEVEL_ORDER
    }
    for unit, r in units:
        status = _status(r, as_of, today)
        if status:
            out[unit.level][status] += 1
        c = out[unit.level]
        deadline = campaign.deadline_for(unit.level)
        c["expected"] += 1
        held = r is not None and r["held"] is not None and r["held"] <= as_of
        if held:
            c["held"] += 1
            c["on_time" if r["held"] <= deadline else "late"] += 1
            c["pilots_held"] += r["pilot"]
        else:
            c["overdue" if as_of > deadline else "pending"] += 1
    return out


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(spec=tree, as_of=days, today=days)
def test_progress_figures_add_up_for_any_tree_and_date(db, spec, as_of, today):
    clock.pin(today)  # as_of before today replays history; on or after it reads current statuses
    try:
        campaign, province, units = _build(db, spec)
        levels = progress_by_level(db, campaign, province, as_of)
        hand = _expected(campaign, units, as_of, today)
        for level, c in levels.items():
            assert c.held == c.on_time + c.late
            assert c.expected == c.held + c.overdue + c.pending
            assert c.pilots_held <= c.held and c.planned <= c.expected
            assert c.draft + c.submitted + c.returned + c.approved <= c.expected
            got = {k: getattr(c, k) for k in hand[level]}
            assert got == hand[level], level

        # The children's figures plus the province's own row are the province's figures.
        summed = {level: dict.fromkeys(hand[level], 0) for level in LEVEL_ORDER}
        for child in progress_by_child(db, campaign, province, as_of):
            for level, c in child.levels.items():
                for k in summed[level]:
                    summed[level][k] += getattr(c, k)
        for k in summed["province"]:
            summed["province"][k] += getattr(levels["province"], k)
        assert summed == {level: {k: getattr(levels[level], k) for k in hand[level]} for level in LEVEL_ORDER}
    finally:
        db.rollback()
        clock.pin(None)
