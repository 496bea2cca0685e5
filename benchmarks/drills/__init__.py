"""`make drills`: a fault drill an operator runs against `radar up`; not a test, not part of `make test`.

It starts the system as `make run` does (its own temporary data directory, a free port on
127.0.0.1, short claim and delivery bounds), sends comments at a steady rate from several
participants through the gateway while a moderator approves every queued one, and injects
faults one after another: kill -9 of each consumer service (twice), of Valkey and of the
PostgreSQL postmaster; a database that refuses connections for longer than
RADAR_MAX_DELIVERIES x RADAR_CLAIM_IDLE_MS; the relays' LISTEN connections terminated.

It measures, per fault, the 5xx answers and connection errors the senders and the moderator
saw, how soon the launcher had the process back, and the time to the first accepted comment
and the first comment in the moderation queue after it. After the faults it stops sending,
waits for quiet, approves what is left and counts every comment through each stage.

It passes (exit 0) only when no accepted comment is lost (every 202 is publicly visible),
none is duplicated, no outbox row is stuck, no entry is pending in a group, there are no
dead letters, every fault was recovered from, and nothing of the run is left running after
the launcher stopped. Figures go to benchmarks/drills.md and benchmarks/drills.json.
"""
