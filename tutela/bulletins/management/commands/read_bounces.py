"""Read returned mail from a mailbox (Maildir or mbox) and record bounces, complaints and unsubscribes.

    manage.py read_bounces --maildir /var/mail/bounces      # processed messages are moved to cur/ .. deleted
    manage.py read_bounces --mbox returned.mbox --keep      # read only, leave the mailbox as it is

Point the VERP return path's mailbox (``bounces+…@BULLETINS_MAIL_DOMAIN``) and the unsubscribe address
at the mailbox this reads; run it from cron or a systemd timer.
"""

import mailbox

from django.core.management.base import BaseCommand, CommandError

from tutela.bulletins.services import inbound_process


class Command(BaseCommand):
    help = "Record bounces (RFC 3464), complaints (RFC 5965) and unsubscribes from a Maildir or mbox."

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--maildir")
        source.add_argument("--mbox")
        parser.add_argument("--keep", action="store_true", help="leave processed messages in the mailbox")

    def handle(self, *args, maildir=None, mbox=None, keep=False, **options):
        try:
            box = mailbox.Maildir(maildir, factory=None, create=False) if maildir else mailbox.mbox(mbox, create=False)
        except (OSError, mailbox.Error) as exc:
            raise CommandError(f"Cannot open the mailbox: {exc}") from exc
        counts: dict[str, int] = {}
        box.lock()
        try:
            for key in list(box.keys()):
                outcome = inbound_process(box.get_bytes(key))
                counts[outcome.kind] = counts.get(outcome.kind, 0) + 1
                if not keep:
                    box.remove(key)
            box.flush()
        finally:
            box.unlock()
            box.close()
        self.stdout.write(", ".join(f"{kind}: {n}" for kind, n in sorted(counts.items())) or "no mail")
