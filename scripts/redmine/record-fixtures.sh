#!/usr/bin/env bash
# Re-record fixtures/redmine/*.json from a Redmine started by start.sh and
# seeded by seed-demo.sh. Bodies are pretty-printed as returned (key order kept),
# with every "api_key" value replaced by "[scrubbed]". Empty bodies (401/403/412)
# are written as empty files. Prints "STATUS NAME <- request" for each fixture.
# Env: REDMINE_URL, REDMINE_ADMIN_KEY (same defaults as seed-demo.sh).
set -euo pipefail
URL="${REDMINE_URL:-${REDMINE_CONTRACT_URL:-http://127.0.0.1:3000}}"
KEY="${REDMINE_ADMIN_KEY:-${REDMINE_CONTRACT_ADMIN_KEY:-0123456789abcdef0123456789abcdef01234567}}"
OUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/fixtures/redmine"
mkdir -p "$OUT"

uid() { curl -sf -H "X-Redmine-API-Key: ${KEY}" "${URL}/users.json?name=$1" | sed -n 's/^{"users":\[{"id":\([0-9]*\).*/\1/p'; }
BOB="$(uid bob)"
GROUP="$(curl -sf -H "X-Redmine-API-Key: ${KEY}" "${URL}/groups.json" | grep -o '"id":[0-9]*,"name":"Field Team"' | sed 's/"id":\([0-9]*\),.*/\1/')"
ISSUE=42

# rec NAME AS(""=admin) METHOD PATH [BODY] [API_KEY]
rec() {
  local name="$1" as="$2" method="$3" path="$4" body="${5:-}" key="${6:-$KEY}" tmp code
  tmp="$(mktemp)"
  local args=(-s -g -o "$tmp" -w '%{http_code}' -X "$method" -H "X-Redmine-API-Key: ${key}")
  [ -n "$as" ] && args+=(-H "X-Redmine-Switch-User: ${as}")
  [ -n "$body" ] && args+=(-H 'Content-Type: application/json' --data-binary "$body")
  code="$(curl "${args[@]}" "${URL}${path}")"
  python3 - "$tmp" "$OUT/$name" <<'PY'
import json, sys
raw = open(sys.argv[1], encoding="utf-8").read()
def scrub(o):
    if isinstance(o, dict):
        return {k: ("[scrubbed]" if k == "api_key" else scrub(v)) for k, v in o.items()}
    if isinstance(o, list):
        return [scrub(v) for v in o]
    return o
with open(sys.argv[2], "w", encoding="utf-8") as f:
    if raw.strip():
        f.write(json.dumps(scrub(json.loads(raw)), indent=2, ensure_ascii=False) + "\n")
PY
  rm -f "$tmp"
  local wrong=""
  [ "$key" != "$KEY" ] && wrong=" [wrong API key]"
  printf '%s %s <- %s %s%s%s%s\n' "$code" "$name" "$method" "$path" "${as:+ [switch-user $as]}" "$wrong" "${body:+ body=$body}"
}

rec users__current.json            alice GET "/users/current.json?include=memberships,groups"
rec users__current_bob.json        bob   GET "/users/current.json?include=memberships,groups"
rec users__${BOB}.json             alice GET "/users/${BOB}.json"
rec users__list.json               ""    GET "/users.json"
rec users__list_name_ali.json      ""    GET "/users.json?name=ali"
rec groups.json                    ""    GET "/groups.json"
rec groups__${GROUP}.json          ""    GET "/groups/${GROUP}.json?include=users,memberships"
rec projects.json                  alice GET "/projects.json"
rec projects__netops__memberships.json alice GET "/projects/netops/memberships.json"
rec issue_statuses.json            alice GET "/issue_statuses.json"
rec issues__open_me.json           alice GET "/issues.json?status_id=open&assigned_to_id=me&limit=100&offset=0"
rec issues__open_me_bob.json       bob   GET "/issues.json?status_id=open&assigned_to_id=me&limit=100&offset=0"
rec issues__open_all.json          alice GET "/issues.json?status_id=open&limit=100&offset=0"
rec issues__open_assigned_${BOB}.json alice GET "/issues.json?status_id=open&assigned_to_id=${BOB}&limit=100&offset=0"
rec issues__open_group_${GROUP}.json  alice GET "/issues.json?status_id=open&assigned_to_id=${GROUP}&limit=100&offset=0"
rec issues__search_subject_rooftop.json     alice GET "/issues.json?status_id=open&subject=~rooftop&limit=100&offset=0"
rec issues__search_description_rooftop.json alice GET "/issues.json?status_id=open&description=~rooftop&limit=100&offset=0"
rec search__rooftop.json           alice GET "/search.json?q=rooftop&issues=1&open_issues=1&limit=100&offset=0"
rec issue__${ISSUE}.json           alice GET "/issues/${ISSUE}.json?include=journals"
rec error__422.json                alice PUT "/issues/${ISSUE}.json" '{"issue":{"assigned_to_id":99999}}'
rec error__422_subject_blank.json  alice POST "/issues.json" '{"issue":{"project_id":"netops","subject":""}}'
rec error__403_users.json          alice GET "/users.json"
rec error__403_issue_private.json  alice GET "/issues/9.json"
rec error__404_issue.json          alice GET "/issues/99999.json"
rec error__412.json                nosuchuser GET "/users/current.json"
rec error__401.json                ""    GET "/users/current.json" "" 0000000000000000000000000000000000000000
