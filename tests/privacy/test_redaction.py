"""The redactor alone: whole words, any case, longest first, the subject's own names kept."""

from redress.privacy.redaction import Redactor


def test_names_words_and_identifiers_become_labels() -> None:
    redactor = Redactor(subject_names=["Rex Respondent"])
    redactor.hide("[complainant]", names=["Ada Lovelace"], identifiers=["ada@example.org"])
    text = "ADA LOVELACE wrote from ada@example.org; Ada said Lovelace knew. Rex Respondent denies."
    assert redactor.text(text) == (
        "[complainant] wrote from [complainant]; [complainant] said [complainant] knew. "
        "Rex Respondent denies."
    )


def test_only_whole_words_are_replaced() -> None:
    redactor = Redactor()
    redactor.hide("[staff]", names=["Ann Lee"])
    assert (
        redactor.text("Annex to the Leeds report, by Ann.")
        == "Annex to the Leeds report, by [staff]."
    )


def test_words_the_subject_shares_are_kept() -> None:
    redactor = Redactor(subject_names=["Sam Jones"])
    redactor.hide("[complainant]", names=["Sam Smith"])
    assert redactor.text("Sam Smith and Sam met; Smith left.") == (
        "[complainant] and Sam met; [complainant] left."
    )


def test_the_first_label_for_a_term_wins_and_values_are_walked() -> None:
    redactor = Redactor()
    redactor.hide("[complainant]", names=["Pat Doe"])
    redactor.hide("[staff]", names=["Pat Doe"])
    assert redactor.value({"who": ["Pat Doe", 3, None]}) == {"who": ["[complainant]", 3, None]}


def test_a_name_hidden_word_by_word_reads_as_one_label() -> None:
    redactor = Redactor()
    redactor.hide("[elected representative]", names=["Cllr Eve Elected"])
    assert redactor.text("Eve Elected rang.") == "[elected representative] rang."
