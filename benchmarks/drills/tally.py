"""After the quiet: where every comment the drill sent ended up, and what the system still holds."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import httpx

from benchmarks.drills.traffic import MARKER, TIMEOUT, Journal


async def public_threads(url: str, slugs: list[str]) -> list[tuple[str, str | None]]:
    """(comment id, marker) of every published comment on these measures, as anyone sees them."""
    found: list[tuple[str, str | None]] = []
    async with httpx.AsyncClient(base_url=url, timeout=TIMEOUT, trust_env=False) as client:
        for slug in sorted(set(slugs)):
            for page in range(1, 1000):
                r = await client.get(
                    f"/api/v1/measures/{slug}/comments", params={"page": page, "per_page": 100}
                )
                r.raise_for_status()
                items = r.json()["items"]
                found += [(i["id"], _marker(i["body"])) for i in items]
                if len(items) < 100:
                    break
    return found


async def own_comments(clients: list[httpx.AsyncClient]) -> list[dict[str, Any]]:
    """Every participant's own comments (any status), as "Meine Beiträge" shows them."""
    found: list[dict[str, Any]] = []
    for client in clients:
        r = await client.get("/api/v1/comments/mine")
        r.raise_for_status()
        found += r.json()["items"]
    return found


def _marker(body: str) -> str | None:
    match = MARKER.search(body)
    return match.group() if match else None


def _machinery(status: dict[str, Any]) -> dict[str, Any]:
    outboxes = status.get("outboxes") or []
    groups = status.get("groups") or []
    return {
        "stuck_in_outbox": sum((o.get("figures") or {}).get("backlog", 0) for o in outboxes),
        "outboxes_unreadable": [o["service"] for o in outboxes if o.get("figures") is None],
        "pending_in_groups": sum(int(g.get("pending") or 0) for g in groups),
        "lag_in_groups": sum(int(g.get("lag") or 0) for g in groups),
        "groups_with_unknown_lag": sum(1 for g in groups if g.get("exists") and g.get("lag") is None),
        "dead_letters": sum((status.get("dead_letters") or {}).values()),
        "not_ready": [s["service"] for s in status.get("services") or [] if not s.get("ready")],
        "status_problems": status.get("problems", [status.get("error", "status unreadable")]),
    }


def tally(
    journal: Journal,
    *,
    public: list[tuple[str, str | None]],
    mine: list[dict[str, Any]],
    status: dict[str, Any],
) -> dict[str, Any]:
    """Counts per stage, the duplicates and the lost comments, and the machinery's leftovers."""
    posts = journal.posts
    accepted = {p.comment_id: p for p in posts if p.comment_id}
    answers = Counter(" ".join(str(x) for x in (p.call.status, p.call.error) if x) for p in posts)
    visible_ids = {cid for cid, _ in public}
    seen_in_queue = set(journal.queued) | {cid for cid, code in journal.decided.items() if code in (200, 409)}
    own_status = {item["id"]: item["status"] for item in mine}

    ids_by_marker: defaultdict[str, set[str]] = defaultdict(set)
    for cid, marker in [*public, *((c, m) for c, (m, _) in journal.queued.items())]:
        if marker:
            ids_by_marker[marker].add(cid)
    for item in mine:
        if marker := _marker(item["body"]):
            ids_by_marker[marker].add(item["id"])
    duplicated = {m: sorted(ids) for m, ids in ids_by_marker.items() if len(ids) > 1}
    listed_twice = [cid for cid, n in Counter(cid for cid, _ in public).items() if n > 1]

    lost = [
        {
            "marker": p.marker,
            "comment_id": cid,
            "slug": p.slug,
            "own_status": own_status.get(cid),
            "seen_in_queue": cid in journal.queued,
            "decision": journal.decided.get(cid),
        }
        for cid, p in accepted.items()
        if cid not in visible_ids
    ]
    drill_visible = {cid for cid, marker in public if marker}
    return {
        "stages": {
            "sent": len(posts),
            "accepted_202": len(accepted),
            "queued": len(set(accepted) & seen_in_queue),
            "approved": sum(1 for cid in accepted if journal.decided.get(cid) == 200),
            "visible": len(set(accepted) & visible_ids),
            "visible_without_202": len(drill_visible - set(accepted)),
            "lost": len(lost),
            "duplicated": len(duplicated) + len(listed_twice),
        },
        "answers_to_posts": dict(sorted(answers.items())),
        "decision_answers": dict(sorted(Counter(str(c) for c in journal.decided.values()).items())),
        "own_statuses": dict(Counter(own_status.values())),
        "machinery": _machinery(status),
        "lost_comments": lost[:50],
        "duplicated_markers": dict(list(duplicated.items())[:50]),
        "listed_twice": listed_twice[:50],
    }


def verdict(counts: dict[str, Any], *, recovered: list[str], left_running: list[str]) -> list[str]:
    """Why the drill fails; empty when it passes."""
    stages, machinery = counts["stages"], counts["machinery"]
    failures = []
    if stages["lost"]:
        failures.append(f"{stages['lost']} accepted comment(s) not visible after quiet")
    if stages["duplicated"]:
        failures.append(f"{stages['duplicated']} comment(s) duplicated")
    if machinery["stuck_in_outbox"] or machinery["outboxes_unreadable"]:
        failures.append(
            f"{machinery['stuck_in_outbox']} outbox row(s) stuck {machinery['outboxes_unreadable']}"
        )
    if machinery["pending_in_groups"] or machinery["lag_in_groups"] or machinery["groups_with_unknown_lag"]:
        failures.append(
            f"{machinery['pending_in_groups']} pending, {machinery['lag_in_groups']} unread in groups"
        )
    if machinery["dead_letters"]:
        failures.append(f"{machinery['dead_letters']} dead letter(s)")
    if machinery["not_ready"]:
        failures.append(f"not ready after quiet: {', '.join(machinery['not_ready'])}")
    failures += [f"no recovery from: {name}" for name in recovered]
    if left_running:
        failures.append(f"left running after stop: {'; '.join(left_running)}")
    return failures
