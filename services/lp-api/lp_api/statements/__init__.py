"""Output statements (v3 `/api/v3/statements`): per lead provider, cohort and month, with a cut-off date and a
payment date; declarations are paid and clawed back on them. DfE finance marks them paid (`finance_api`)."""
