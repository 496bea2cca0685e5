"""RADAR_PROCESSES as the launcher reads it, and how the processes of a service are started."""

from __future__ import annotations

from pathlib import Path

import pytest
from uvicorn.main import main as uvicorn_command

from radar_cli.processes import process_counts, service_children
from radar_cli.serve import server_config

pytestmark = pytest.mark.unit
SERVICES = ("catalog", "participation", "moderation", "notifications", "gateway")


def test_every_service_runs_one_process_unless_the_setting_names_it() -> None:
    assert process_counts("", SERVICES) == dict.fromkeys(SERVICES, 1)
    assert process_counts(" participation = 2 , gateway=3,", SERVICES) == {
        **dict.fromkeys(SERVICES, 1),
        "participation": 2,
        "gateway": 3,
    }


@pytest.mark.parametrize(
    "setting",
    ["participation", "participation=", "=2", "smtp-sink=2", "gateway=9", "gateway=-1", "gateway=²"],
)
def test_a_part_that_is_not_a_service_and_a_count_from_1_to_8_is_refused(setting: str) -> None:
    with pytest.raises(ValueError, match="RADAR_PROCESSES"):
        process_counts(setting, SERVICES)


def test_the_processes_of_a_service_share_its_port_each_with_a_port_and_consumer_name_of_its_own() -> None:
    children = service_children(
        "moderation", count=3, data_dir=Path("/data"), host="127.0.0.1", port=8123, env={}, database_url="db"
    )

    assert [c.name for c in children] == ["moderation", "moderation-2", "moderation-3"]
    assert [c.env["RADAR_CONSUMER_NAME"] for c in children] == [f"moderation-{n}" for n in (1, 2, 3)]
    assert [c.log_path.name for c in children] == ["moderation.log", "moderation-2.log", "moderation-3.log"]
    assert all(c.argv[c.argv.index("--port") + 1] == "8123" for c in children)
    own = {c.port for c in children}
    assert len(own) == 3 and 8123 not in own  # where the launcher asks each whether it is ready


def test_a_shared_port_process_is_served_as_a_single_one_is() -> None:
    """No access log (the radar stores no client addresses) and no proxy headers, as on the command line."""
    (single,) = service_children(
        "gateway", count=1, data_dir=Path("/data"), host="127.0.0.1", port=8000, env={}, database_url="db"
    )
    params = uvicorn_command.make_context("uvicorn", single.argv[single.argv.index("uvicorn") + 1 :]).params
    shared = server_config("radar_gateway.main:create_app", host="127.0.0.1", port=8000)

    assert (shared.access_log, shared.proxy_headers) == (params["access_log"], params["proxy_headers"])
    assert (shared.access_log, shared.proxy_headers) == (False, False)
    assert (shared.loop, shared.factory) == (params["loop"], params["factory"]) == ("uvloop", True)
