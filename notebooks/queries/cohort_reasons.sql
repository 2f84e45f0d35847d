-- The reasons the cohort's people are on the list (cohort.ipynb): each kind of reason in
-- top_factors, with the people who have it among their three reasons and the people who have it
-- first. A count at the start of a reason is written N and its noun (s), so that "3 emergency
-- admissions in the last 3 years" and "1 emergency admission in the last 3 years" count together;
-- the time window is kept; the eFI score after a frailty category is left out. Exact counts of
-- people from the person-level list: the notebook controls them before showing them.
SELECT
  regexp_replace(
    regexp_replace(
      regexp_replace(factor, ' [(]eFI [0-9.]+[)]$', ''),
      '^[0-9]+ (.+?)s? in the last ', 'N $1(s) in the last '),
    '^emergency admission [0-9]+ days? ago$', 'emergency admission N days ago') AS reason,
  count(DISTINCT person_id) AS people,
  count(DISTINCT CASE WHEN position = 0 THEN person_id END) AS people_first
FROM cohort LATERAL VIEW posexplode(top_factors) f AS position, factor
WHERE in_cohort
GROUP BY 1
ORDER BY people DESC, reason
