#!/usr/bin/env bash
# Seed a small community-network demo dataset into a FRESH Redmine started by
# scripts/redmine/start.sh (REST only, admin key + X-Redmine-Switch-User).
# Refuses to run twice (exits 0 if project "netops" already exists).
# Env: REDMINE_URL (default http://127.0.0.1:3000), REDMINE_ADMIN_KEY (start.sh default).
set -euo pipefail

URL="${REDMINE_URL:-${REDMINE_CONTRACT_URL:-http://127.0.0.1:3000}}"
KEY="${REDMINE_ADMIN_KEY:-${REDMINE_CONTRACT_ADMIN_KEY:-0123456789abcdef0123456789abcdef01234567}}"
FEATURED_ID=42   # the issue with a description and journal notes

# api METHOD PATH [JSON_BODY] [SWITCH_USER] -> prints body; fails unless 2xx
api() {
  local method="$1" path="$2" body="${3:-}" as="${4:-}" out code
  local args=(-s -X "$method" -H "X-Redmine-API-Key: ${KEY}" -H 'Content-Type: application/json')
  [ -n "$as" ] && args+=(-H "X-Redmine-Switch-User: ${as}")
  [ -n "$body" ] && args+=(--data-binary "$body")
  out="$(curl "${args[@]}" -w '\n%{http_code}' "${URL}${path}")"
  code="${out##*$'\n'}"
  out="${out%$'\n'*}"
  if [[ "$code" != 2?? ]]; then
    echo "seed-demo: $method $path${as:+ (as $as)} -> $code: $out" >&2
    exit 1
  fi
  printf '%s' "$out"
}
# first "id" of a create response: {"issue":{"id":42,...}} -> 42
first_id() { sed -n 's/^{"[a-z_]*":{"id":\([0-9]*\).*/\1/p'; }
role_id() { api GET /roles.json | grep -o "\"id\":[0-9]*,\"name\":\"$1\"" | sed 's/"id":\([0-9]*\),.*/\1/'; }

code="$(curl -s -o /dev/null -w '%{http_code}' -H "X-Redmine-API-Key: ${KEY}" "${URL}/projects/netops.json")"
if [ "$code" = 200 ]; then
  echo "seed-demo: project netops already exists; nothing to do" >&2
  exit 0
fi

DEV="$(role_id Developer)"
# Default data: trackers Bug=1 Feature=2 Support=3; statuses New=1 In Progress=2
# Resolved=3 Feedback=4 Closed=5 Rejected=6; priorities Low=1 Normal=2 High=3 Urgent=4.

ALICE="$(api POST /users.json '{"user":{"login":"alice","firstname":"Alice","lastname":"Liddell","mail":"alice@example.org","password":"alice-demo-pass-1"}}' | first_id)"
BOB="$(api POST /users.json '{"user":{"login":"bob","firstname":"Bob","lastname":"Builder","mail":"bob@example.org","password":"bob-demo-pass-1"}}' | first_id)"
GROUP="$(api POST /groups.json "{\"group\":{\"name\":\"Field Team\",\"user_ids\":[${BOB}]}}" | first_id)"

NETOPS="$(api POST /projects.json '{"project":{"name":"Network Operations","identifier":"netops","description":"Day-to-day operations of the community mesh: nodes, links, power.","is_public":true,"tracker_ids":[1,2,3]}}' | first_id)"
OUTREACH="$(api POST /projects.json '{"project":{"name":"Outreach","identifier":"outreach","description":"Workshops, flyers and neighbourhood sign-ups.","is_public":false,"tracker_ids":[1,2,3]}}' | first_id)"

for who in "$ALICE" "$BOB" "$GROUP"; do
  api POST /projects/netops/memberships.json "{\"membership\":{\"user_id\":${who},\"role_ids\":[${DEV}]}}" >/dev/null
done
# Outreach is private and alice is NOT a member (for "cannot see" checks).
api POST /projects/outreach/memberships.json "{\"membership\":{\"user_id\":${BOB},\"role_ids\":[${DEV}]}}" >/dev/null

# issue PROJECT TRACKER PRIORITY STATUS ASSIGNEE|"" SUBJECT DESCRIPTION -> id
# A status_id in the POST is silently ignored (the default workflow has no
# "new issue" transitions), so a non-New status is set with a follow-up PUT.
issue() {
  local assignee="" id
  [ -n "$5" ] && assignee=",\"assigned_to_id\":$5"
  id="$(api POST /issues.json "{\"issue\":{\"project_id\":\"$1\",\"tracker_id\":$2,\"priority_id\":$3${assignee},\"subject\":\"$6\",\"description\":\"$7\"}}" | first_id)"
  if [ "$4" != 1 ]; then
    api PUT "/issues/${id}.json" "{\"issue\":{\"status_id\":$4}}" >/dev/null
  fi
  printf '%s' "$id"
}

I1=$(issue netops 1 4 2 "$ALICE" "Othello rooftop node offline" \
  "The Othello rooftop node stopped answering pings at 06:10. Power LED is on according to the building manager.")
I2=$(issue netops 3 3 1 "$BOB" "Replace PoE injector at Filipino Community Village" \
  "The 24V passive PoE injector feeding the sector antenna is buzzing and gets hot. Spare is in the Beacon Hill storage bin.")
I3=$(issue netops 2 2 1 "$GROUP" "Schedule tower climb for antenna realignment" \
  "Two sector antennas drifted after the windstorm. Needs two climbers and a spotter; coordinate access to the rooftop with the landlord.")
I4=$(issue netops 1 3 1 "" "Backhaul latency spikes between Othello and Rainier Beach" \
  "Latency goes from 3 ms to 250 ms every evening between 19:00 and 22:00. Possibly interference on channel 149.")
I5=$(issue netops 3 2 1 "$ALICE" "@everyone please update your contact info in the volunteer roster" \
  "We need current phone numbers before the outage drill. Ping @alice or @bob if the roster link does not work.")
I6=$(issue netops 2 2 4 "$ALICE" "Document the VLAN plan for the community LTE core" \
  "Write down which VLAN carries management, subscriber and backhaul traffic.")
I7=$(issue netops 1 2 5 "$BOB" "Swap failed UPS battery at Beacon Hill hub" \
  "UPS reported battery failure during self test; replaced with the spare 12V 9Ah battery.")
I8=$(issue netops 3 2 3 "$BOB" "Renew DNS zone for the captive portal" \
  "The portal.example.org zone expires at the end of the month.")
I9=$(issue outreach 3 2 1 "$BOB" "Translate onboarding flyer into Tagalog" \
  "The Filipino Community Village asked for a Tagalog version of the sign-up flyer.")
I10=$(issue outreach 2 2 1 "" "Plan digital literacy workshop at the library" \
  "Two-hour workshop: email basics, password managers, how to report an outage.")

# Burn ids so that the featured issue gets id 42. The SQLite tables have no
# AUTOINCREMENT (ids are max+1), so the placeholders are deleted only after
# the featured issue exists.
burned=()
while :; do
  next=$(issue netops 1 2 1 "" "placeholder" "deleted by seed-demo.sh")
  if [ "$next" -ge $((FEATURED_ID - 1)) ]; then burned+=("$next"); break; fi
  burned+=("$next")
done
I42=$(issue netops 1 3 1 "$ALICE" "Intermittent packet loss on the Othello to Filipino Community Village link" \
  "Since Tuesday the point-to-point link drops 5-10% of packets for a few minutes at a time.\n\nSteps so far:\n* checked alignment from the Othello side\n* rebooted both radios\n\nNext: swap the PoE injector and check the cable run on the rooftop.")
for id in "${burned[@]}"; do api DELETE "/issues/${id}.json" >/dev/null; done
api PUT "/issues/${I42}.json" '{"issue":{"notes":"Checked the cable on the FCV side: the outdoor connector was full of water. Re-terminated it, let us see if the loss goes away."}}' bob >/dev/null
api PUT "/issues/${I42}.json" '{"issue":{"status_id":2,"notes":"Still seeing ~3% loss in the evening. Taking this; will swap the PoE injector tomorrow."}}' alice >/dev/null
api PUT "/issues/${I42}.json" '{"issue":{"priority_id":4,"notes":"Raising priority: the clinic on the FCV side depends on this link for telehealth."}}' >/dev/null

cat <<IDS
SEED_ADMIN_ID=1
SEED_ALICE_ID=${ALICE}
SEED_BOB_ID=${BOB}
SEED_GROUP_ID=${GROUP}
SEED_NETOPS_ID=${NETOPS}
SEED_OUTREACH_ID=${OUTREACH}
SEED_ISSUES="${I1} ${I2} ${I3} ${I4} ${I5} ${I6} ${I7} ${I8} ${I9} ${I10}"
SEED_FEATURED_ISSUE_ID=${I42}
IDS
