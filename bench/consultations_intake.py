"""Comment intake benchmark helper: ``prepare`` makes N stakeholder accounts with API tokens
(written one per line to a file for wrk), ``check`` verifies that every receipt wrk saw is a
stored comment. Run by ``bench/consultations_intake.sh``; not a test."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from tutela.accounts.services import api_token_create, user_create
    from tutela.consultations.models import Comment, Consultation

    command, path = sys.argv[1], Path(sys.argv[2])
    consultation = Consultation.objects.get(code="BENCH")
    if command == "prepare":
        users = int(sys.argv[3])
        tokens = []
        for i in range(users):
            email = f"intake{i}@bench.example"
            user = get_user_model().objects.filter(email=email).first() or user_create(
                actor=None, email=email, password=None, role="stakeholder")
            tokens.append(api_token_create(actor=user, name="intake bench")[1])
        path.write_text("\n".join(tokens) + "\n")
        para = consultation.version.paragraphs.filter(kind="paragraph").order_by("position").values_list("pk", flat=True)
        print(f"{consultation.pk} {para[10]}")
    elif command == "check":
        lines = [line.strip() for f in path.parent.glob(path.name + ".*") for line in f.read_text().splitlines()
                 if line.strip()]
        seen = set(lines)
        stored = set(Comment.objects.filter(receipt__in=list(seen)).values_list("receipt", flat=True))
        # Every answer is a new comment (keys are unique per run): a repeated receipt would mean
        # a request was answered with an earlier comment instead of storing its own.
        print(f"receipts returned: {len(lines)} ({len(seen)} distinct), stored: {len(stored)}, "
              f"missing: {len(seen - stored)}")
        sys.exit(0 if seen == stored and len(seen) == len(lines) else 1)


if __name__ == "__main__":
    main()
