-- The model that scored the date (risk-model.ipynb), to show its card: the scores name it on every
-- row. No counts of people.
SELECT DISTINCT model_id FROM scores ORDER BY model_id
