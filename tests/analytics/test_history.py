"""`redress import-history`: a good file is imported whole, a bad one not at all."""

import io

import pytest
from django.core.management import CommandError, call_command

from redress.analytics.history import COLUMNS, HistoryImportError, import_history
from redress.analytics.models import CaseFact, Source

HEADER = ",".join(COLUMNS)


def csv_of(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


GOOD = (
    "H-1,antisemitism,2021-01-04,2021-01-11,2021-01-20,2021-03-01,2021-03-15,upheld,warning,"
    "black,North Branch,c-17",
    "H-2,bullying,2021-02-01,2021-02-03,,2021-02-03,2021-02-03,no_further_action,,,South,c-17",
    "H-3,islamophobia,2022-06-01,,,,,,,asian,North Branch,",
)


def test_a_good_file_is_imported_with_its_dates_and_open_cases(cast):
    result = import_history(organisation=cast.organisation, data=csv_of(*GOOD))
    assert (result.rows, result.open_cases) == (3, 1)
    first = CaseFact.objects.get(organisation=cast.organisation, reference="H-1")
    assert first.source == Source.IMPORTED
    assert first.case is None
    assert str(first.investigation_started_on) == "2021-01-20"
    assert (first.outcome, first.sanction) == ("upheld", "warning")
    assert first.complainant_group == "black"
    still_open = CaseFact.objects.get(organisation=cast.organisation, reference="H-3")
    assert still_open.closed_on is None and still_open.outcome == ""


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("H-9,racism,2021-01-04,,,,,,,,,", "category 'racism' is not one of"),
        ("H-9,bullying,04/01/2021,,,,,,,,,", "received_on '04/01/2021' is not a date"),
        ("H-9,bullying,,,,,,,,,,", "received_on is blank"),
        ("H-9,bullying,2021-01-04,2021-01-01,,,,,,,,", "triaged_on is before received_on"),
        ("H-9,bullying,2021-01-04,,,,2021-02-01,,,,,", "a closed case needs its outcome"),
        ("H-9,bullying,2021-01-04,,,,,upheld,,,,", "an outcome needs closed_on"),
        ("H-9,bullying,2021-01-04,,,,2021-02-01,not_upheld,warning,,,", "a sanction needs"),
        ("H-9,bullying,2021-01-04,,,,2021-02-01,upheld,flogging,,,", "sanction 'flogging'"),
        ("H-9,bullying,2021-01-04,,,,2021-02-01,lost,,,,", "outcome 'lost' is not one of"),
        ("H-9,bullying,2021-01-04,,,,,,,martian,,", "complainant_group 'martian'"),
        ("H-9,bullying,2999-01-04,,,,,,,,,", "received_on is in the future"),
        ("H-9,bullying,2021-01-04,,,", "has 6 fields"),
        ("H-1,bullying,2021-01-04,,,,,,,,,", "case_ref 'H-1' is also on line 2"),
    ],
)
def test_a_bad_row_is_reported_by_line_and_nothing_is_imported(cast, row, problem):
    with pytest.raises(HistoryImportError) as refused:
        import_history(organisation=cast.organisation, data=csv_of(*GOOD, row))
    assert refused.value.problems[0].startswith("line 5: ")
    assert problem in refused.value.problems[0]
    assert not CaseFact.objects.filter(organisation=cast.organisation).exists()


def test_a_header_without_the_columns_is_refused(cast):
    with pytest.raises(HistoryImportError, match="line 1: the header has missing sanction"):
        import_history(
            organisation=cast.organisation, data=HEADER.replace(",sanction", "").encode() + b"\n"
        )


def test_a_case_already_in_redress_is_refused_and_nothing_imported(cast):
    import_history(organisation=cast.organisation, data=csv_of(GOOD[0]))
    with pytest.raises(HistoryImportError, match="case_ref 'H-1' is already in Redress"):
        import_history(organisation=cast.organisation, data=csv_of(*GOOD))
    assert CaseFact.objects.filter(organisation=cast.organisation).count() == 1


def test_the_command_imports_and_refuses_in_one_line(cast, tmp_path):
    good = tmp_path / "history.csv"
    good.write_bytes(csv_of(*GOOD))
    out = io.StringIO()
    call_command("import-history", str(good), organisation=cast.organisation.slug, stdout=out)
    assert f"Imported 3 cases into {cast.organisation.slug} (1 still open)." in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_of("H-7,bullying,yesterday,,,,,,,,,"))
    with pytest.raises(CommandError) as refused:
        call_command("import-history", str(bad), organisation=cast.organisation.slug)
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith("line 2: received_on 'yesterday' is not a date")
    assert "nothing was imported" in message
    assert CaseFact.objects.filter(organisation=cast.organisation).count() == 3
