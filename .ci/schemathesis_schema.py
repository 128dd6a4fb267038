"""Writes the schema Schemathesis tests the sandbox against: our document (OpenAPI 3.1, which
Schemathesis reads as it is) plus the statuses TheirStack's file does not declare but the API
answers, each pointing at the documented error envelope:

- 401 on every operation: a missing or wrong key (TheirStack's file declares no auth failure);
- 404 on every operation with a path parameter, and on those whose body names other records
  (a webhook's saved search, the events to retry, the lists to add to): an id the account does
  not have;
- 402 and 429 on the searches (job search, company search, technographics and buying intents):
  credits run out, a rate-limit window is full (TheirStack's rate-limit page documents 429 for the
  first three, and buying intents is limited with them; the run gives the sandbox credits enough
  and no rate limit, so neither should come back).

Query parameters lose their `null` branch (`anyOf: [X, {"type": "null"}]` becomes `X`): a query
string has no null, a parameter is absent or has a value, and with the branch Schemathesis reads
`slug=x` as a string where the schema wants an array (it is the one-item array `["x"]`).

One constraint is added too: the items of `slug` and `slugs` of `get_catalog_technologies_v0` and
`get_catalog_keywords_v0` are not empty (`minLength: 1`). An empty query value is both an empty string and a one-item array of
an empty string, so Schemathesis counts `slugs=` as valid data and as invalid data at once; the
sandbox refuses it (no technology or keyword has an empty slug).

Usage: schemathesis_schema.py <document> <output>
"""

import json
import sys

SEARCHES = {"search_jobs_v1", "search_companies_v1", "technographics_v1", "buying_intents_v1"}
NAMING_BODIES = {
    "post_webhooks_v0",
    "patch_webhooks_by_id_v0",
    "post_webhooks_test_v0",
    "post_webhooks_events_retry_v0",
    "post_company_lists_add_companies_multiple_v0",
}
ENVELOPE = {"$ref": "#/components/schemas/ErrorResponse"}


def error(description):
    return {"description": description, "content": {"application/json": {"schema": ENVELOPE}}}


def main(source, target):
    with open(source, encoding="utf-8") as f:
        document = json.load(f)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            responses.setdefault("401", error("Missing or wrong API key (not in TheirStack's file)."))
            if "{" in path or operation.get("operationId") in NAMING_BODIES:
                responses.setdefault("404", error("Unknown id (not in TheirStack's file)."))
            if operation.get("operationId") in SEARCHES:
                responses.setdefault("402", error("No credits left (not in TheirStack's file)."))
                responses.setdefault("429", error("Rate limit exceeded (TheirStack's rate-limit page)."))
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                branches = schema.get("anyOf")
                if parameter.get("in") == "query" and isinstance(branches, list):
                    kept = [b for b in branches if b.get("type") != "null"]
                    if len(kept) == 1 and len(kept) < len(branches):
                        del schema["anyOf"]
                        schema.update(kept[0])
            if operation.get("operationId") in {"get_catalog_technologies_v0", "get_catalog_keywords_v0"}:
                for parameter in operation.get("parameters", []):
                    if parameter.get("name") in {"slug", "slugs"}:
                        parameter["schema"]["items"]["minLength"] = 1
    with open(target, "w", encoding="utf-8") as f:
        json.dump(document, f, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
