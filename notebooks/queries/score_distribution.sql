-- How the risk scores are spread (risk-model.ipynb): everyone scored at the date, counted in bands
-- of calibrated probability 2 percentage points wide below 20% and 10 points wide from there.
-- Exact counts of people from the person-level scores: the notebook
-- controls them before showing them.
SELECT
  round(CASE WHEN risk_probability < 0.2 THEN floor(risk_probability * 50) / 50
             ELSE floor(risk_probability * 10) / 10 END, 2) AS from_probability,
  round(CASE WHEN risk_probability < 0.2 THEN floor(risk_probability * 50) / 50 + 0.02
             ELSE floor(risk_probability * 10) / 10 + 0.1 END, 2) AS to_probability,
  count(*) AS people
FROM scores
GROUP BY 1, 2
ORDER BY 1
