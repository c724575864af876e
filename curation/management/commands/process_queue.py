import signal
import time

from django.core.management.base import BaseCommand, CommandError

from curation import workflows
from curation.runner import tick


class Command(BaseCommand):
    help = (
        "Run queue ticks in the foreground (for cron and debugging). Ctrl-C stops after the tick."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one tick, then exit.")
        parser.add_argument(
            "--workflow",
            action="append",
            help="Workflow to run (repeatable; default: all). E.g. page_extraction.",
        )
        parser.add_argument("--interval", type=float, default=5.0, help="Seconds between ticks.")
        parser.add_argument("--budget", type=float, help="Seconds one tick may keep claiming.")

    def handle(
        self, *args, once: bool, workflow: list[str] | None, interval: float, budget, **opts
    ):
        try:
            chosen = (
                [workflows.get(name) for name in workflow]
                if workflow
                else workflows.all_workflows()
            )
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        stop = {"now": False}

        def request_stop(signum, frame):
            stop["now"] = True
            self.stderr.write("Stopping after the current tick…")

        if not once:
            signal.signal(signal.SIGINT, request_stop)
            signal.signal(signal.SIGTERM, request_stop)
        while True:
            for wf in chosen:
                self.stdout.write(str(tick(wf, budget_seconds=budget)))
            if once or stop["now"]:
                return
            for _ in range(int(interval * 10)):
                if stop["now"]:
                    return
                time.sleep(0.1)
