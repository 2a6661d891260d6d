"""What a run's summary says when dbt fails: the node and dbt's reason, not the command."""

from __future__ import annotations

from orchestration.shared.failures import _dbt_failure

_COMMAND = "The dbt CLI process with command\n\n`dbt build`\n\nfailed with exit code `1`.\n\n"


def test_a_failed_model_is_named_with_its_error_and_what_to_do_about_memory() -> None:
    message = (
        _COMMAND + "Errors parsed from dbt logs:\n\n"
        "156 of 274 ERROR creating sql incremental model intermediate.int_x  "
        "[\x1b[31mERROR\x1b[0m in 46.57s]\n\n"
        "\x1b[31mFailure in model int_x (models/intermediate/delivery/int_x.sql)\x1b[0m\n"
        "  Runtime Error in model int_x (models/intermediate/delivery/int_x.sql)\n"
        "  Out of Memory Error: failed to pin block of size 256.0 KiB\n"
    )

    reason = _dbt_failure(message)

    assert reason is not None
    assert reason.startswith("dbt model int_x failed: Out of Memory Error: failed to pin block")
    assert "raise CW_DUCKDB_MEMORY_LIMIT" in reason


def test_a_failed_data_test_is_named_with_its_result_count() -> None:
    message = (
        _COMMAND + "Errors parsed from dbt logs:\n\n"
        "Failure in test not_null_fct_messages_message_id (models/marts/core/fct_messages.yml)\n"
        "  Got 3 results, configured to fail if != 0\n"
    )

    assert _dbt_failure(message) == (
        "dbt test not_null_fct_messages_message_id failed: "
        "Got 3 results, configured to fail if != 0"
    )


def test_an_error_outside_any_node_is_dbts_own_line() -> None:
    # What dbt said when it could not write its partial parse file (a target it cannot write).
    message = (
        _COMMAND + "Errors parsed from dbt logs:\n"
        "Encountered an error:\n"
        "[Errno 13] Permission denied: '/srv/warehouse/dbt_target/partial_parse.msgpack'\n"
        "PermissionError: [Errno 13] Permission denied: "
        "'/srv/warehouse/dbt_target/partial_parse.msgpack'\n"
    )

    assert _dbt_failure(message) == (
        "dbt failed: [Errno 13] Permission denied: "
        "'/srv/warehouse/dbt_target/partial_parse.msgpack'"
    )


def test_other_errors_are_left_to_the_first_line() -> None:
    assert _dbt_failure("disk full writing serving.duckdb") is None
    assert _dbt_failure(_COMMAND) is None
    assert _dbt_failure(_COMMAND + "Errors parsed from dbt logs:\nEncountered an error:\n") is None
