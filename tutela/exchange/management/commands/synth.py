"""Generate benchmark data: organisations, activities (with partners, pillars, participation) and figures.

This bypasses the services on purpose: it writes generated *benchmark* data straight into the
tables (PostgreSQL COPY, or bulk_create in batches elsewhere), without audit entries, so that a
million activities take minutes, not hours. Every row is marked illustrative and its source is
"synth". Never run it on a database holding real records.
"""

import datetime
import json
import math
import random
import time
from collections.abc import Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from tutela.activities.models import Activity, ActivityPartner, Participation
from tutela.core.choices import FigureKind, StakeholderGroup
from tutela.core.text import fold
from tutela.figures.models import Figure, Indicator
from tutela.initiatives.models import Pillar
from tutela.partners.models import Organisation

BATCH = 5000

ORG_KINDS = [("government", 22), ("regulator", 6), ("un_agency", 1), ("intergovernmental", 2), ("private_sector", 20),
             ("civil_society", 24), ("academia", 10), ("law_enforcement", 5), ("school", 8), ("other", 2)]
ORG_WORDS = {"government": "Ministry of ICT", "regulator": "Communications Authority", "un_agency": "UN Office",
             "intergovernmental": "Regional Commission", "private_sector": "Telecom", "civil_society": "Child Safety Network",
             "academia": "University", "law_enforcement": "Cybercrime Unit", "school": "School", "other": "Foundation"}
ACTIVITY_KINDS = [("workshop", 20), ("training", 18), ("session", 14), ("meeting", 12), ("educational_event", 10),
                  ("regional_forum", 6), ("open_forum", 4), ("strategic_dialogue", 3), ("world_cafe", 2), ("pilot", 3),
                  ("summit", 2), ("consultation", 2), ("publication", 3), ("other", 1)]
ROLES = [("organiser", 0), ("co_organiser", 30), ("host", 20), ("funder", 10), ("trainer", 15), ("participant", 25)]
GROUPS = [g for g in StakeholderGroup.values if g != StakeholderGroup.CHILDREN]
INDICATORS = [("people_trained", "People trained", "people"), ("children_reached", "Children reached", "children"),
              ("participants", "Participants", "people"), ("schools_engaged", "Schools engaged", "schools"),
              ("countries_engaged", "Countries engaged", "countries")]
TOPICS = ["cyberbullying", "sexting", "online grooming", "privacy", "social media", "online reputation", "gaming"]


def _columns(model: type[models.Model]) -> list[str]:
    """The columns the generated rows fill, in order; the review columns (core.review) keep their defaults."""
    return [f.attname for f in model._meta.concrete_fields if f.attname not in ("awaiting_review", "review_flags")]


def _cum(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


class Command(BaseCommand):
    help = (
        "Generate deterministic benchmark data (organisations over 194 countries, activities with partners, "
        "pillars and participation, figures). Bypasses the services and the audit trail on purpose: it is "
        "generated benchmark data, marked illustrative, written with COPY on PostgreSQL or bulk_create elsewhere."
    )

    def add_arguments(self, parser):
        parser.add_argument("--activities", type=int, default=1000)
        parser.add_argument("--figures", type=int, default=10000)
        parser.add_argument("--organisations", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, activities: int, figures: int, organisations: int, seed: int, **options):
        if min(activities, figures, organisations) < 0 or organisations == 0:
            raise CommandError("Counts must be 0 or more, and there must be at least one organisation.")
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.copy = connection.vendor == "postgresql"
        pillars = list(Pillar.objects.order_by("number").values_list("pk", flat=True))
        if not pillars:
            raise CommandError("No pillars: run migrate first.")
        from django_countries import countries

        codes = sorted(code for code, _name in countries)
        self.countries = sorted(self.rng.sample(codes, 194))  # 194 countries, as the ITU's Member States
        self.country_names = dict(countries)
        # Zipf-like: a few countries and organisations are very active, most rarely.
        self.country_cum = _cum([1 / (i + 1) ** 0.9 for i in range(len(self.countries))])
        started = time.perf_counter()
        org_ids = self._organisations(organisations, seed)
        self.stdout.write(f"organisations: {len(org_ids)} in {time.perf_counter() - started:.1f}s")
        t = time.perf_counter()
        first_activity, last_activity = self._activities(activities, org_ids, pillars)
        self.stdout.write(f"activities: {activities} (+ partners, pillars, participation) in {time.perf_counter() - t:.1f}s")
        t = time.perf_counter()
        self._figures(figures, org_ids, first_activity, last_activity)
        self.stdout.write(f"figures: {figures} in {time.perf_counter() - t:.1f}s")
        self._reset_sequences()
        if self.copy:
            with connection.cursor() as cursor:
                for model in (Organisation, Activity, ActivityPartner, Activity.pillars.through, Participation, Figure):
                    cursor.execute(f"ANALYZE {model._meta.db_table}")
        self.stdout.write(self.style.SUCCESS(f"done in {time.perf_counter() - started:.1f}s"))

    # --- writing ------------------------------------------------------------------------------

    def _write(self, model: type[models.Model], columns: list[str], rows: Iterator[tuple]) -> int:
        """Stream ``rows`` into ``model``'s table: COPY on PostgreSQL, bulk_create in batches elsewhere."""
        count = 0
        if self.copy:
            table = connection.ops.quote_name(model._meta.db_table)
            cols = ", ".join(connection.ops.quote_name(c) for c in columns)
            with connection.cursor() as cursor, cursor.connection.cursor().copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        batch: list[models.Model] = []
        for row in rows:
            batch.append(model(**dict(zip(columns, row, strict=True))))
            if len(batch) >= BATCH:
                model._default_manager.bulk_create(batch)
                count += len(batch)
                batch = []
        if batch:
            model._default_manager.bulk_create(batch)
            count += len(batch)
        return count

    def _next_id(self, model: type[models.Model]) -> int:
        return (model._default_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1

    def _reset_sequences(self) -> None:
        sql = connection.ops.sequence_reset_sql(no_style(), [Organisation, Activity, ActivityPartner, Activity.pillars.through,
                                                             Participation, Figure])
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)

    # --- organisations ------------------------------------------------------------------------

    def _country(self) -> str:
        return self.rng.choices(self.countries, cum_weights=self.country_cum)[0]

    @transaction.atomic
    def _organisations(self, n: int, seed: int) -> list[int]:
        marker = f"S{seed}"
        if Organisation.objects.filter(name_key__endswith=fold(f"{marker}-00001")).exists():
            raise CommandError(f"Organisations for seed {seed} exist already: use a fresh database or another --seed.")
        first = self._next_id(Organisation)
        kinds, weights = zip(*ORG_KINDS, strict=True)
        cum = _cum(list(weights))
        rng = self.rng

        def rows():
            for i in range(n):
                kind = rng.choices(kinds, cum_weights=cum)[0]
                country = "" if kind in ("un_agency", "intergovernmental") or rng.random() < 0.03 else self._country()
                place = self.country_names.get(country, "International")
                name = f"{place} {ORG_WORDS[kind]} {marker}-{i + 1:05d}"
                yield (first + i, name, fold(name), f"O{i + 1}", False, kind, country, None, "", kind == "government" and rng.random() < 0.3,
                       kind == "private_sector" and rng.random() < 0.2, True, self.now, self.now)

        self._write(Organisation, ["id", "name", "name_key", "acronym", "named_with_the", "kind", "country", "parent_id", "website",
                                   "is_itu_member_state", "is_itu_sector_member", "is_published", "created_at", "updated_at"], rows())
        return list(range(first, first + n))

    # --- activities ---------------------------------------------------------------------------

    def _activities(self, n: int, org_ids: list[int], pillars: list[int]) -> tuple[int, int]:
        if n == 0:
            return 0, -1
        rng = self.rng
        first = self._next_id(Activity)
        org_cum = _cum([1 / (i + 1) ** 0.8 for i in range(len(org_ids))])
        kinds, weights = zip(*ACTIVITY_KINDS, strict=True)
        kind_cum = _cum(list(weights))
        roles, role_weights = zip(*ROLES[1:], strict=True)
        role_cum = _cum(list(role_weights))
        # More activities in later years: the initiative grows (2010 → 2026).
        years = list(range(2010, 2027))
        year_cum = _cum([1 + 0.25 * i for i in range(len(years))])
        today = self.now.date()
        partner_id = self._next_id(ActivityPartner)
        pillar_link_id = self._next_id(Activity.pillars.through)
        participation_id = self._next_id(Participation)
        # Relations are generated alongside each activity but written after it, through bounded
        # per-batch buffers, so memory stays flat for any n.
        with transaction.atomic():
            for start in range(0, n, BATCH * 10):
                size = min(BATCH * 10, n - start)
                acts: list[tuple[Any, ...]] = []
                partners: list[tuple[Any, ...]] = []
                links: list[tuple[Any, ...]] = []
                counts: list[tuple[Any, ...]] = []
                for i in range(start, start + size):
                    pk = first + i
                    year = rng.choices(years, cum_weights=year_cum)[0]
                    starts = datetime.date(year, 1, 1) + datetime.timedelta(days=rng.randrange(365))
                    ends = starts + datetime.timedelta(days=rng.choice((0, 0, 0, 1, 2, 4)))
                    status = "planned" if starts > today else ("cancelled" if rng.random() < 0.03 else "held")
                    kind = rng.choices(kinds, cum_weights=kind_cum)[0]
                    online = rng.random() < 0.12
                    country = "" if online else self._country()
                    acts.append((pk, f"{kind.replace('_', ' ').capitalize()} on {rng.choice(TOPICS)} #{pk}", kind, status, starts,
                                 ends, False, "", country, "", online, None, None, None, "", json.dumps({}), "", "", "", json.dumps([]),
                                 rng.random() < 0.9, True, "synth", self.now, self.now))
                    orgs = set()
                    for j in range(1 + int(rng.random() * rng.random() * 4)):
                        org = org_ids[min(int(rng.choices(range(len(org_ids)), cum_weights=org_cum)[0]), len(org_ids) - 1)]
                        role = "organiser" if j == 0 else rng.choices(roles, cum_weights=role_cum)[0]
                        if (org, role) in orgs:
                            continue
                        orgs.add((org, role))
                        partners.append((partner_id, pk, org, role))
                        partner_id += 1
                    for p in rng.sample(pillars, 1 + (rng.random() < 0.35)):
                        links.append((pillar_link_id, pk, p))
                        pillar_link_id += 1
                    if status == "held" and rng.random() < 0.7:
                        if rng.random() < 0.4:
                            low = rng.choice((6, 9, 12, 13, 15))
                            counts.append((participation_id, pk, "children", low, min(low + rng.choice((2, 3, 4)), 17),
                                           int(math.exp(rng.gauss(4, 1))), "estimated" if rng.random() < 0.4 else "counted", "",
                                           "people"))
                            participation_id += 1
                        counts.append((participation_id, pk, rng.choice(GROUPS), None, None, int(math.exp(rng.gauss(3, 0.8))), "counted", "",
                                       "people"))
                        participation_id += 1
                self._write(Activity, _columns(Activity), iter(acts))
                self._write(ActivityPartner, ["id", "activity_id", "organisation_id", "role"], iter(partners))
                self._write(Activity.pillars.through, ["id", "activity_id", "pillar_id"], iter(links))
                self._write(Participation, ["id", "activity_id", "group", "min_age", "max_age", "count", "kind", "description", "unit"],
                            iter(counts))
        return first, first + n - 1

    # --- figures ------------------------------------------------------------------------------

    def _figures(self, n: int, org_ids: list[int], first_activity: int, last_activity: int) -> None:
        if n == 0:
            return
        rng = self.rng
        indicators = [Indicator.objects.get_or_create(code=c, defaults={"name": name, "unit": unit})[0].pk
                      for c, name, unit in INDICATORS]
        children_indicator = indicators[1]
        activity_type = ContentType.objects.get_for_model(Activity).pk
        kinds = [FigureKind.COUNTED] * 6 + [FigureKind.ESTIMATED] * 3 + [FigureKind.MODELLED]
        first = self._next_id(Figure)
        columns = _columns(Figure)

        def rows():
            for i in range(n):
                indicator = rng.choice(indicators)
                kind = rng.choice(kinds)
                about = last_activity >= first_activity and rng.random() < 0.7
                as_of = datetime.date(2010, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 16))
                children = indicator == children_indicator
                low = rng.choice((6, 9, 12, 13)) if children else None
                value = round(math.exp(rng.gauss(4, 1.5)))
                yield (first + i, indicator, value, None, None, kind, "target" if rng.random() < 0.1 else "actual",
                       "" if kind == FigureKind.COUNTED else "Generated estimate", "", "synth", "", as_of, None, None,
                       self._country() if rng.random() < 0.8 else "", "children" if children else "",
                       low, low + 4 if children else None, "", activity_type if about else None,
                       rng.randint(first_activity, last_activity) if about else None, rng.choice(org_ids), "", True,
                       rng.random() < 0.9, self.now, self.now)

        with transaction.atomic():
            self._write(Figure, columns, rows())
