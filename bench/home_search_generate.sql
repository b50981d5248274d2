-- Benchmark data for site search (issue 15 item 7, tutela.home.search), generated inside PostgreSQL.
-- Bench only: bypasses services and the audit trail. :activities activities (90 % published, 1 %
-- waiting for review) with titles and summaries drawn from a 392-word vocabulary, Zipf-like (a few
-- words in a third of the rows, most in well under 1 %), each with an organiser among
-- :organisations organisations (Zipf-like too). psql variables: activities, organisations.
-- Run on a freshly migrated database (so the search index of activities 0006 exists and is
-- filled as the rows go in). Set-based: INSERT … SELECT over generate_series.

SELECT setseed(0.15);

CREATE TEMP TABLE bench_word AS
SELECT row_number() OVER () - 1 AS i, w FROM (
  SELECT unnest(string_to_array(
    'child,online,protection,workshop,training,safety,internet,youth,school,teachers,parents,awareness,campaign,policy,'
    'national,strategy,regional,forum,pilot,guidelines,industry,consultation,cyberbullying,privacy,data,digital,'
    'literacy,education,helpline,reporting,abuse,material,grooming,law,enforcement,regulator,mobile,operators,'
    'platform,games,social,media,wellbeing,resilience,rights,participation,survey,research,study,report,review,'
    'africa,asia,europe,americas,arab,pacific,caribbean,addis,ababa,oman,baku,geneva,nairobi,kigali,lima,manila,'
    'dakar,accra,tunis,muscat,dubai,doha,kampala,lusaka,harare,maputo,luanda,windhoek,gaborone,maseru,mbabane', ',')) AS w
  UNION ALL
  SELECT 'term' || g FROM generate_series(1, 310) g
) x;
-- (the 82 named words, most frequent first, then term1..term310: 392 in all)

CREATE TEMP TABLE bench_words AS SELECT array_agg(w ORDER BY i) AS words, count(*)::int AS n FROM bench_word;

CREATE FUNCTION pg_temp.zipf(n int) RETURNS int LANGUAGE sql VOLATILE AS
$$ SELECT least(n - 1, floor(n * power(random(), 3))::int) $$;

CREATE FUNCTION pg_temp.phrase(words text[], n int, len int) RETURNS text LANGUAGE sql VOLATILE AS
$$ SELECT string_agg(words[1 + pg_temp.zipf(n)], ' ') FROM generate_series(1, len) $$;

INSERT INTO partners_organisation (id, name, name_key, acronym, kind, country, website, is_itu_member_state,
                                   is_itu_sector_member, is_published, created_at, updated_at, named_with_the)
SELECT 100000 + g, 'Search organisation ' || g, 'search organisation ' || g, 'S' || g, 'civil_society', 'ET', '',
       false, false, true, now(), now(), false
FROM generate_series(1, :organisations) g;

INSERT INTO activities_activity (id, title, kind, status, starts_on, ends_on, date_is_approximate, city, country, venue,
                                 online, summary, objective, follows_up, audiences, is_published, is_illustrative, source,
                                 created_at, updated_at, awaiting_review, review_flags, focus, translations)
SELECT 1000000 + g, initcap(pg_temp.phrase(v.words, v.n, 3 + (g % 4))) || ' #' || g, 'workshop', 'held', d, d, false, '', 'ET',
       '', false, pg_temp.phrase(v.words, v.n, 12 + (g % 20)), '', '', '[]', r >= 0.1, true, 'bench', now(), now(),
       r < 0.01, '[]', '',
       -- 1 % have a French title (issue 18: searched under /fr/ through the translations' GIN index, activities 0015)
       CASE WHEN g % 100 = 0 THEN jsonb_build_object('fr', jsonb_build_object(
         'title', 'Atelier ' || (CASE WHEN g % 700 = 0 THEN 'rare ' ELSE '' END) || pg_temp.phrase(v.words, v.n, 3)))
       ELSE '{}'::jsonb END
FROM (SELECT g, random() AS r, date '2010-01-01' + floor(random() * 365 * 17)::int AS d
      FROM generate_series(1, :activities) g) s CROSS JOIN bench_words v;

INSERT INTO activities_activitypartner (activity_id, organisation_id, role)
SELECT a.id, 100001 + pg_temp.zipf(:organisations) + 0 * a.id, 'organiser' FROM activities_activity a WHERE a.source = 'bench';

ANALYZE activities_activity;
ANALYZE activities_activitypartner;
ANALYZE partners_organisation;
