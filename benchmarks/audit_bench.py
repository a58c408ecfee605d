"""Audit verification speed: the full `audit verify` (guards, chain, state replay and table comparison)
against the bare chain re-hash of the same events, measured in the same run (the machine is shared).

  python benchmarks/audit_bench.py [--entries 2000]

Builds an office with N list entries proposed from one scoring run (N + 6 events), then times both."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests"))
from _common import best_of  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--entries", type=int, default=2000)
    args = ap.parse_args()
    os.environ["DIESELWATCH_CONFIG_DIR"] = tempfile.mkdtemp(prefix="dw-bench-config-")
    from sqlalchemy import select
    from test_lists import as_user, fake_run, make_office

    from dieselwatch.services import auditlog, lists
    from dieselwatch.services.vehicles import ensure_vehicles
    from dieselwatch.storage import audit
    from dieselwatch.storage.models import AuditEvent
    from dieselwatch.workspace import Workspace

    ws = Workspace.open(home=tempfile.mkdtemp(prefix="dw-bench-"))
    make_office(ws)
    as_user(ws, "wang")
    with ws.Session.begin() as s:
        vids = [v.id for v in ensure_vehicles(s, [f"LZZ1CLVB{i:09d}" for i in range(args.entries)]).values()]
    lists.propose_from_run(ws, fake_run(ws, dict.fromkeys(vids, "watch"), date(2026, 10, 1), date(2026, 10, 5)))

    def chain_only() -> int:
        with ws.Session() as s:
            evs = s.execute(select(AuditEvent).order_by(AuditEvent.seq)).scalars().all()
            for ev in evs:
                audit.event_hash(ev.seq, ev.at, ev.actor, ev.action, ev.entity, ev.entity_id, ev.before, ev.after,
                                 ev.reason, ev.prev_hash)
            return len(evs)

    base, n = best_of(chain_only, 3)
    full, st = best_of(lambda: auditlog.verify(ws), 3)
    assert st.ok, st.message
    print(f"{n} events, {args.entries} list entries: chain re-hash {base:.2f} s, full audit verify {full:.2f} s, "
          f"ratio {full / base:.1f}")
    ws.close()


if __name__ == "__main__":
    main()
