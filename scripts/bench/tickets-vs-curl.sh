#!/usr/bin/env bash
# Times whole `tickets` processes against the real Redmine beside a plain curl of the same
# listing (goal: tickets within 1.2x of curl). Needs root the first time (installs Redmine and
# hyperfine from Debian). Usage: scripts/bench/tickets-vs-curl.sh [N_TICKETS, default 150]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
n_tickets="${1:-150}"

command -v hyperfine >/dev/null || { apt-get update -qq && apt-get install -y -qq hyperfine >/dev/null; }
eval "$(scripts/redmine/start.sh | grep -E '^REDMINE_CONTRACT_(URL|ADMIN_KEY)=' | sed 's/^/export /')"
url="$REDMINE_CONTRACT_URL"
admin=(-H "X-Redmine-API-Key: $REDMINE_CONTRACT_ADMIN_KEY" -H 'Content-Type: application/json')

# A member with n_tickets open tickets, made once and reused.
login="bench${n_tickets}"
user_id="$(curl -sf "${admin[@]}" "$url/users.json?name=$login" | python3 -c 'import json,sys; u=json.load(sys.stdin)["users"]; print(u[0]["id"] if u else "")')"
if [ -z "$user_id" ]; then
  echo "seeding $login with $n_tickets tickets (once)" >&2
  trackers="$(curl -sf "${admin[@]}" "$url/trackers.json" | python3 -c 'import json,sys; print([t["id"] for t in json.load(sys.stdin)["trackers"]])')"
  role="$(curl -sf "${admin[@]}" "$url/roles.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["roles"][0]["id"])')"
  project="$(curl -sf "${admin[@]}" -X POST "$url/projects.json" -d "{\"project\":{\"name\":\"Bench $n_tickets\",\"identifier\":\"bench-$n_tickets\",\"tracker_ids\":$trackers,\"enabled_module_names\":[\"issue_tracking\"]}}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["project"]["id"])')"
  user_id="$(curl -sf "${admin[@]}" -X POST "$url/users.json" -d "{\"user\":{\"login\":\"$login\",\"firstname\":\"Bench\",\"lastname\":\"User\",\"mail\":\"$login@example.org\",\"password\":\"bench-pass-123\"}}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["id"])')"
  curl -sf "${admin[@]}" -X POST "$url/projects/$project/memberships.json" -d "{\"membership\":{\"user_id\":$user_id,\"role_ids\":[$role]}}" >/dev/null
  for i in $(seq 1 "$n_tickets"); do
    curl -sf "${admin[@]}" -X POST "$url/issues.json" -d "{\"issue\":{\"project_id\":$project,\"subject\":\"Bench ticket $i\",\"assigned_to_id\":$user_id}}" >/dev/null
  done
fi
key="$(curl -sf "${admin[@]}" "$url/users/$user_id.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["user"]["api_key"])')"

cargo build --release --locked --bin tickets
tickets="$PWD/target/release/tickets"
query='status_id=open&sort=priority%3Adesc%2Cid%3Adesc&assigned_to_id=me&limit=100'
pages=()
for ((offset = 0; offset < n_tickets; offset += 100)); do pages+=("$url/issues.json?$query&offset=$offset"); done

export REDMINE_URL="$url" REDMINE_TOKEN="$key"
count="$("$tickets" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
[ "$count" = "$n_tickets" ] || { echo "tickets listed $count tickets, expected $n_tickets" >&2; exit 1; }

hyperfine -N --warmup 3 --runs 30 \
  --command-name "curl (${#pages[@]} pages)" "curl -sf -H 'X-Redmine-API-Key: $key' ${pages[*]}" \
  --command-name "tickets --json" "$tickets --json" \
  --export-markdown /tmp/tickets-vs-curl.md
cat /tmp/tickets-vs-curl.md

# Requests per command beside the time: the adapter logs each request at debug.
echo
echo "| command | requests |"
echo "|---|---|"
for words in "" "$login" "Bench User" "ticket 7"; do
  n="$(RUST_LOG=redmine=debug NO_COLOR=1 "$tickets" --json $words 2>&1 >/dev/null | grep -c 'redmine request' || true)"
  echo "| tickets ${words} | $n |"
done
