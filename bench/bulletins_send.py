"""Issue 16 benchmark: N recipients sent to an aiosmtpd sink in its own process.

    .venv/bin/python bench/bulletins_send.py --recipients 100000 [--batch 50] [--var /tmp/bulletins-bench]

Three runs on one SQLite file database (own TUTELA_VAR_DIR), each against a fresh sink process:
  1. plain smtplib loop: the same rendered bytes (one message, Message-ID and recipient swapped per
     recipient) over the same number of connections (one per batch) — the baseline;
  2. bulletin_deliver in a worker process, uninterrupted — throughput and RSS sampled each second;
  3. bulletin_deliver of a second bulletin, SIGKILLed at about half-way, then a new worker process
     that sweeps (lease 5 s) and finishes — the sink must count each recipient once by (Message-ID,
     recipient), and nobody may be missing.
Prints a summary; the figures go to bench/RESULTS.md by hand with the load average.
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def env(var: str) -> dict:
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # SQLite in the var dir
    return {**base, "TUTELA_VAR_DIR": var, "TUTELA_TASKS": "immediate",
            "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONUNBUFFERED": "1", "PYTHONPATH": str(ROOT)}


def django_setup(port: int | None = None) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    settings.BULLETINS_RATE_PER_SECOND = 0
    settings.JOB_LEASE_SECONDS = 5
    if port:
        settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                        "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 30}}}


# --- the sink (own process) ---------------------------------------------------------------------

def sink(port: int, log: str) -> None:
    import email.parser

    from aiosmtpd.controller import Controller

    out = open(log, "a", buffering=1)
    headers = email.parser.BytesHeaderParser()

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            head = envelope.original_content.split(b"\r\n\r\n", 1)[0]
            message_id = headers.parsebytes(head + b"\r\n\r\n").get("Message-ID", "")
            for rcpt in envelope.rcpt_tos:
                out.write(f"{message_id}\t{rcpt}\n")
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    signal.sigwait({signal.SIGTERM})
    controller.stop()
    out.close()


def start_sink(port: int, log: Path) -> subprocess.Popen:
    log.write_text("")
    process = subprocess.Popen([sys.executable, __file__, "sink", str(port), str(log)])
    import socket

    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("sink did not start")


def stop_sink(process: subprocess.Popen, log: Path) -> tuple[int, int, set]:
    time.sleep(0.5)
    process.send_signal(signal.SIGTERM)
    process.wait(10)
    lines = [line for line in log.read_text().splitlines() if line]
    return len(lines), len(set(lines)), {line.split("\t")[1] for line in lines}


# --- setup, baseline and worker (each in its own process) -----------------------------------------

def setup(n: int, var: str) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from types import SimpleNamespace

    from django.contrib.auth import get_user_model

    from tutela.bulletins import services
    from tutela.bulletins.models import Subscriber, Subscription

    # setup only queues; the worker processes below send
    services.tasks = SimpleNamespace(deliver_bulletin=SimpleNamespace(enqueue=lambda **kw: None))
    user = get_user_model().objects.create_user(email="bench@example.org", password="x", role="secretariat")
    mailing_list = services.list_create(actor=user, name="Bench list", slug="bench")
    Subscriber.objects.bulk_create([Subscriber(email=f"r{i:06d}@example.org", key=f"{i:016x}",
                                               language=("en", "fr", "es", "ar")[i % 4]) for i in range(n)],
                                   batch_size=5000)
    ids = list(Subscriber.objects.values_list("pk", flat=True))
    Subscription.objects.bulk_create([Subscription(subscriber_id=pk, mailing_list=mailing_list, status="active")
                                      for pk in ids], batch_size=5000)
    for k in (1, 2):
        bulletin = services.bulletin_create(actor=user, mailing_list=mailing_list, subject=f"Bench bulletin {k}",
                                            body="# News\n\nThe **guidelines** are [online](/consultations/).\n\n- one\n- two")
        services.bulletin_translate(actor=user, bulletin=bulletin, language="fr", values={"subject": f"Bulletin {k}", "body": "Les **lignes directrices** sont [en ligne](/consultations/)."})
        services.bulletin_send(actor=user, bulletin=bulletin)
        print(bulletin.pk, flush=True)


def baseline(n: int, batch: int, port: int) -> None:
    import smtplib

    from tutela.bulletins import services
    from tutela.bulletins.models import Bulletin, Delivery

    bulletin = Bulletin.objects.select_related("mailing_list").get(subject="Bench bulletin 1")
    first = Delivery(pk=1, bulletin=bulletin, subscriber_id=1, email="r000000@example.org", language="en",
                     message_id="<MSGID>")
    from tutela.bulletins.models import Subscriber

    first.subscriber = Subscriber.objects.get(email="r000000@example.org")
    import email.policy

    # the bytes the worker sends to the first recipient, made once; the loop only swaps the Message-ID
    raw = services.delivery_message(bulletin, first).message().as_bytes(policy=email.policy.SMTP)
    started = time.monotonic()
    sent = 0
    for start in range(0, n, batch):
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for i in range(start, min(n, start + batch)):
                rcpt = f"r{i:06d}@example.org"
                smtp.sendmail("bounces@tutela.invalid", [rcpt],
                              raw.replace(b"<MSGID>", f"<base-{i}@tutela.invalid>".encode()))
                sent += 1
    elapsed = time.monotonic() - started
    print(f"BASELINE {sent} {elapsed:.2f}", flush=True)


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def worker(bulletin_id: int, rss_log: str) -> None:
    from tutela.bulletins import services
    from tutela.core import jobs

    stop = threading.Event()

    def sample():
        with open(rss_log, "a", buffering=1) as fh:
            while not stop.wait(1.0):
                fh.write(f"{time.time():.1f} {rss_mb():.1f}\n")
                jobs.renew()  # what run_worker's heartbeat does

    threading.Thread(target=sample, daemon=True).start()
    from django.urls import reverse

    reverse("bulletins:archive_index")  # a running worker has its URLconf loaded (the baseline's process too)
    started = time.monotonic()
    while services.sending_sweep() == 0 and services.bulletin_deliver(bulletin_id=bulletin_id).status != "sent":
        time.sleep(0.5)  # a killed worker's lease has not expired yet
    stop.set()
    print(f"WORKER {time.monotonic() - started:.2f}", flush=True)


def sent_count(var: str, bulletin_id: int) -> int:
    import sqlite3

    with sqlite3.connect(Path(var) / "tutela.sqlite3", timeout=30) as db:
        return db.execute("select count(*) from bulletins_delivery where bulletin_id=? and status='sent'",
                          (bulletin_id,)).fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--var", default="/tmp/bulletins-bench")
    parser.add_argument("--port", type=int, default=8725)
    args = parser.parse_args()
    var = Path(args.var)
    var.mkdir(parents=True, exist_ok=True)
    (var / "tutela.sqlite3").unlink(missing_ok=True)
    e = {**env(str(var)), "BULLETINS_BATCH": str(args.batch)}
    me = [sys.executable, __file__]
    print(f"load average before: {os.getloadavg()}")
    t = time.monotonic()
    out = subprocess.run([*me, "setup", str(args.recipients)], env=e, capture_output=True, text=True, check=True).stdout
    b1, b2 = [int(x) for x in out.split()]
    print(f"setup {args.recipients} recipients: {time.monotonic() - t:.1f}s")
    log = var / "sink.log"

    s = start_sink(args.port, log)
    out = subprocess.run([*me, "baseline", str(args.recipients), str(args.batch), str(args.port)], env=e,
                         capture_output=True, text=True, check=True).stdout
    base_n, base_s = out.split()[1:]
    total, unique, _ = stop_sink(s, log)
    base_rate = int(base_n) / float(base_s)
    print(f"baseline smtplib: {base_n} in {base_s}s = {base_rate:.0f}/s (sink {total} lines, {unique} unique)")

    s = start_sink(args.port, log)
    rss = var / "rss1.log"
    rss.write_text("")
    out = subprocess.run([*me, "worker", str(b1), str(rss), str(args.port)], env=e, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    seconds = float(out.stdout.split()[-1])
    total, unique, rcpts = stop_sink(s, log)
    samples = [float(line.split()[1]) for line in rss.read_text().splitlines() if line]
    rate = args.recipients / seconds
    print(f"bulletin_deliver: {args.recipients} in {seconds:.2f}s = {rate:.0f}/s = {rate / base_rate:.2f}x baseline; "
          f"sink {total} lines, {unique} unique, {len(rcpts)} recipients; RSS MB first/median/max "
          f"{samples[0] if samples else 0:.0f}/{sorted(samples)[len(samples) // 2] if samples else 0:.0f}/"
          f"{max(samples) if samples else 0:.0f}")

    s = start_sink(args.port, log)
    rss = var / "rss2.log"
    rss.write_text("")
    first = subprocess.Popen([*me, "worker", str(b2), str(rss), str(args.port)], env=e,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    while sent_count(str(var), b2) < args.recipients // 2:
        time.sleep(0.05)
        assert first.poll() is None, first.stderr.read()[-2000:]
    first.send_signal(signal.SIGKILL)
    first.wait()
    at_kill = sent_count(str(var), b2)
    t = time.monotonic()
    out = subprocess.run([*me, "worker", str(b2), str(rss), str(args.port)], env=e, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    total, unique, rcpts = stop_sink(s, log)
    print(f"kill at {at_kill} marked sent; restarted worker finished in {time.monotonic() - t:.1f}s (incl. 5 s lease); "
          f"sink {total} lines, {unique} unique (Message-ID, recipient), {len(rcpts)} recipients of {args.recipients}; "
          f"resent with the same Message-ID: {total - unique}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "main"
    if command == "sink":
        sink(int(sys.argv[2]), sys.argv[3])
    elif command == "setup":
        django_setup()
        setup(int(sys.argv[2]), os.environ["TUTELA_VAR_DIR"])
    elif command == "baseline":
        django_setup(int(sys.argv[4]))
        baseline(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    elif command == "worker":
        django_setup(int(sys.argv[4]))
        from django.conf import settings

        settings.BULLETINS_BATCH_SIZE = int(os.environ.get("BULLETINS_BATCH", "50"))
        worker(int(sys.argv[2]), sys.argv[3])
    else:
        main()
