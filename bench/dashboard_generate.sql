-- Benchmark data for the public dashboard (issue 13 item 13), generated inside PostgreSQL.
-- Bench only: bypasses services and the audit trail, like manage.py synth, whose shape it follows
-- (Zipf-like countries and organisations, 2010–2026, 90 % published, 1–3 partners and 1–2
-- pillars an activity, children's and adults' participation, five indicators), but with
-- generate_series and INSERT … SELECT, which at 1 M / 10 M takes minutes instead of 21.
-- One deliberate difference: synth leaves 30 % of its figures about no record; here they are about
-- an organisation (uniformly), and only 1,000 figures are initiative-wide (no subject). See
-- bench/RESULTS.md (issue 13, dashboard) for why.
-- psql variables: activities, figures, organisations. Run on a freshly migrated database.

SELECT setseed(0.42);

CREATE TEMP TABLE bench_country AS
SELECT row_number() OVER (ORDER BY c) - 1 AS i, c AS code FROM unnest(string_to_array(
  'AD,AE,AF,AG,AL,AM,AO,AR,AT,AU,AZ,BA,BB,BD,BE,BF,BG,BH,BI,BJ,BN,BO,BR,BS,BT,BW,BY,BZ,CA,CD,CF,CG,CH,CI,CL,CM,CN,CO,CR,CU,'
  'CV,CY,CZ,DE,DJ,DK,DM,DO,DZ,EC,EE,EG,ER,ES,ET,FI,FJ,FM,FR,GA,GB,GD,GE,GH,GM,GN,GQ,GR,GT,GW,GY,HN,HR,HT,HU,ID,IE,IL,IN,IQ,'
  'IR,IS,IT,JM,JO,JP,KE,KG,KH,KI,KM,KN,KP,KR,KW,KZ,LA,LB,LC,LI,LK,LR,LS,LT,LU,LV,LY,MA,MC,MD,ME,MG,MH,MK,ML,MM,MN,MR,MT,MU,'
  'MV,MW,MX,MY,MZ,NA,NE,NG,NI,NL,NO,NP,NR,NZ,OM,PA,PE,PG,PH,PK,PL,PT,PW,PY,QA,RO,RS,RU,RW,SA,SB,SC,SD,SE,SG,SI,SK,SL,SM,SN,'
  'SO,SR,SS,ST,SV,SY,SZ,TD,TG,TH,TJ,TL,TM,TN,TO,TR,TT,TV,TZ,UA,UG,US,UY,UZ,VA,VC,VE,VN,VU,WS,YE,ZA,ZM,ZW', ',')) AS c;

CREATE TEMP TABLE bench_codes AS SELECT array_agg(code ORDER BY i) AS codes FROM bench_country;

-- A Zipf-like pick of 0..n-1: a few very often, most rarely.
CREATE FUNCTION pg_temp.zipf(n int) RETURNS int LANGUAGE sql VOLATILE AS
$$ SELECT least(n - 1, floor(n * power(random(), 3))::int) $$;

INSERT INTO partners_organisation (id, name, name_key, acronym, kind, country, website, is_itu_member_state,
                                   is_itu_sector_member, is_published, created_at, updated_at)
SELECT g, 'Bench organisation ' || g, 'bench organisation ' || g, 'O' || g,
       (ARRAY['government','government','regulator','private_sector','private_sector','civil_society','civil_society',
              'academia','law_enforcement','school','un_agency','other'])[1 + floor(random() * 12)::int],
       cc.codes[1 + pg_temp.zipf(194)], '', false, false, true, now(), now()
FROM generate_series(1, :organisations) g CROSS JOIN bench_codes cc;

INSERT INTO activities_activity (id, title, kind, status, starts_on, ends_on, date_is_approximate, city, country, venue,
                                 online, summary, objective, follows_up, audiences, is_published, is_illustrative, source,
                                 created_at, updated_at, awaiting_review, review_flags, focus)
SELECT g, 'Bench activity #' || g, k.kind,
       CASE WHEN d > current_date THEN 'planned' WHEN random() < 0.03 THEN 'cancelled' ELSE 'held' END,
       d, d + (ARRAY[0,0,0,1,2,4])[1 + floor(random() * 6)::int], false, '',
       CASE WHEN random() < 0.12 THEN '' ELSE cc.codes[1 + pg_temp.zipf(194)] END,
       '', false, '', '', '', '[]', random() < 0.9, true, 'synth', now(), now(), false, '[]', ''
FROM (SELECT g, date '2010-01-01' + floor(power(random(), 0.7) * 365 * 17)::int AS d FROM generate_series(1, :activities) g) s,
     LATERAL (SELECT (ARRAY['workshop','workshop','training','training','session','meeting','educational_event',
                            'regional_forum','pilot','publication'])[1 + floor(random() * 10 + 0 * g)::int] AS kind) k
     CROSS JOIN bench_codes cc;
UPDATE activities_activity SET online = true WHERE country = '';

-- Partners: an organiser, and 0–2 others.
INSERT INTO activities_activitypartner (activity_id, organisation_id, role)
SELECT a.id, 1 + pg_temp.zipf(:organisations) + 0 * a.id, 'organiser' FROM activities_activity a;
INSERT INTO activities_activitypartner (activity_id, organisation_id, role)
SELECT a.id, 1 + ((a.id * 7919 + n * 104729) % :organisations),
       (ARRAY['co_organiser','host','funder','trainer','participant'])[1 + ((a.id + n) % 5)::int]
FROM activities_activity a, generate_series(1, 2) n WHERE random() < 0.25;

INSERT INTO activities_activity_pillars (activity_id, pillar_id)
SELECT a.id, p.id FROM activities_activity a JOIN initiatives_pillar p ON p.number = 1 + (a.id % 5);
INSERT INTO activities_activity_pillars (activity_id, pillar_id)
SELECT a.id, p.id FROM activities_activity a JOIN initiatives_pillar p ON p.number = 1 + ((a.id + 2) % 5)
WHERE random() < 0.35;

INSERT INTO activities_participation ("group", min_age, max_age, count, kind, description, activity_id, unit)
SELECT 'children', lo, lo + 3, greatest(1, exp(4 + random() * 2 - 1)::int),
       CASE WHEN random() < 0.4 THEN 'estimated' ELSE 'counted' END, '', id, 'people'
FROM (SELECT id, (ARRAY[6,9,12,13])[1 + floor(random() * 4)::int] AS lo FROM activities_activity
      WHERE status = 'held' AND random() < 0.28) s;
INSERT INTO activities_participation ("group", min_age, max_age, count, kind, description, activity_id, unit)
SELECT (ARRAY['educators','parents','government','industry','civil_society'])[1 + floor(random() * 5)::int],
       NULL, NULL, greatest(1, exp(3 + random() * 1.6 - 0.8)::int), 'counted', '', id, 'people'
FROM activities_activity WHERE status = 'held' AND random() < 0.7;

INSERT INTO figures_indicator (code, name, unit, definition) VALUES
  ('people-trained', 'People trained', 'people', ''), ('children-reached', 'Children reached', 'children', ''),
  ('participants', 'Participants', 'people', ''), ('schools-engaged', 'Schools engaged', 'schools', ''),
  ('countries-engaged', 'Countries engaged', 'countries', '')
ON CONFLICT (code) DO NOTHING;

CREATE TEMP TABLE bench_ind AS SELECT row_number() OVER (ORDER BY code) - 1 AS i, id, code FROM figures_indicator
WHERE code IN ('people-trained','children-reached','participants','schools-engaged','countries-engaged');

INSERT INTO figures_figure (value, kind, measure, method, assumptions, source, source_url, as_of, country, "group",
                            min_age, max_age, sex, subject_type_id, subject_id, note, is_illustrative, is_published,
                            created_at, updated_at, owner_organisation_id, indicator_id, awaiting_review, review_flags)
SELECT greatest(0, round(exp(4 + (random() + random() + random() - 1.5) * 2.4)))::numeric, f.kind,
       CASE WHEN random() < 0.1 THEN 'target' ELSE 'actual' END,
       CASE WHEN f.kind = 'counted' THEN '' ELSE 'Generated estimate' END, '', 'synth', '',
       date '2010-01-01' + floor(random() * 365 * 16)::int,
       CASE WHEN random() < 0.8 THEN cc.codes[1 + pg_temp.zipf(194)] ELSE '' END,
       CASE WHEN ind.code = 'children-reached' THEN 'children' ELSE '' END,
       CASE WHEN ind.code = 'children-reached' THEN f.lo END,
       CASE WHEN ind.code = 'children-reached' THEN f.lo + 4 END, '',
       CASE WHEN g <= 1000 THEN NULL WHEN f.about < 0.7 THEN (SELECT id FROM django_content_type
            WHERE app_label = 'activities' AND model = 'activity') ELSE (SELECT id FROM django_content_type
            WHERE app_label = 'partners' AND model = 'organisation') END,
       CASE WHEN g <= 1000 THEN NULL WHEN f.about < 0.7 THEN 1 + floor(random() * :activities)::bigint
            ELSE 1 + floor(random() * :organisations)::bigint END,
       '', true, random() < 0.9, now(), now(), 1 + floor(random() * :organisations)::bigint, ind.id, false, '[]'
FROM (SELECT g, floor(random() * 5)::int AS ii, random() AS about,
             (ARRAY['counted','counted','counted','counted','counted','counted','estimated','estimated','estimated',
                    'modelled'])[1 + floor(random() * 10)::int] AS kind,
             (ARRAY[6,9,12,13])[1 + floor(random() * 4)::int] AS lo
      FROM generate_series(1, :figures) g) f
JOIN bench_ind ind ON ind.i = f.ii CROSS JOIN bench_codes cc;

SELECT setval(pg_get_serial_sequence('partners_organisation', 'id'), (SELECT max(id) FROM partners_organisation));
SELECT setval(pg_get_serial_sequence('activities_activity', 'id'), (SELECT max(id) FROM activities_activity));
ANALYZE partners_organisation; ANALYZE activities_activity; ANALYZE activities_activitypartner;
ANALYZE activities_activity_pillars; ANALYZE activities_participation; ANALYZE figures_figure;
