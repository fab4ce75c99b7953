#!/usr/bin/env bash
# Re-record fixtures/netbox/*.json from a NetBox started by start.sh and seeded by
# seed-demo.py (demo data + 1,100 fillers). Bodies are pretty-printed as returned
# (2-space indent, key order kept); any "key"/"token"/"plaintext" value is replaced
# by "[scrubbed]" (none of the recorded endpoints returns one today).
# Prints "STATUS NAME <- request" for each fixture. Uses the v1 token.
# Env: NETBOX_CONTRACT_URL, NETBOX_CONTRACT_TOKEN (start.sh defaults).
set -euo pipefail
URL="${NETBOX_CONTRACT_URL:-http://127.0.0.1:8001}"
TOKEN="${NETBOX_CONTRACT_TOKEN:-feedc0de0123456789abcdef0123456789abcdef}"
OUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/fixtures/netbox"
BAD_TOKEN=0000000000000000000000000000000000000000
mkdir -p "$OUT"

# rec NAME PATH [AUTH_HEADER_VALUE|-] ; "-" sends no Authorization header
rec() {
  local name="$1" path="$2" auth="${3:-Token ${TOKEN}}" tmp code shown
  tmp="$(mktemp)"
  local args=(-s -g -o "$tmp" -w '%{http_code}' -H 'Accept: application/json')
  [ "$auth" != - ] && args+=(-H "Authorization: ${auth}")
  code="$(curl "${args[@]}" "${URL}${path}")"
  python3 - "$tmp" "$OUT/$name" <<'PY'
import json, sys
raw = open(sys.argv[1], encoding="utf-8").read()
SECRET = {"key", "token", "plaintext", "hmac_digest"}
def scrub(o):
    if isinstance(o, dict):
        return {k: ("[scrubbed]" if k in SECRET and isinstance(v, str) else scrub(v)) for k, v in o.items()}
    if isinstance(o, list):
        return [scrub(v) for v in o]
    return o
with open(sys.argv[2], "w", encoding="utf-8") as f:
    f.write(json.dumps(scrub(json.loads(raw)), indent=2, ensure_ascii=False) + "\n")
PY
  rm -f "$tmp"
  case "$auth" in
    -) shown=" [no token]" ;;
    "Token ${TOKEN}") shown="" ;;
    *) shown=" [Authorization: ${auth%% *} <bad>]" ;;
  esac
  echo "${code} ${name} <- GET ${path}${shown}"
}

site_id() {
  curl -sf -H "Authorization: Token ${TOKEN}" -H 'Accept: application/json' \
    "${URL}/api/dcim/sites/?slug=$1&brief=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["results"][0]["id"])'
}
OTHELLO="$(site_id othello)"
BARE="$(site_id bare)"

rec status.json /api/status/
rec sites__limit1000_offset0.json '/api/dcim/sites/?limit=1000'
NEXT="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["next"] or "")' "$OUT/sites__limit1000_offset0.json")"
[ -n "$NEXT" ] || { echo "fewer than 1001 sites: run seed-demo.py without --no-fillers" >&2; exit 1; }
rec sites__limit1000_offset1000.json "${NEXT#"$URL"}"
rec sites__demo.json '/api/dcim/sites/?limit=1000&slug__nisw=filler-'
rec sites__slug_othello.json '/api/dcim/sites/?slug=othello'
rec site__othello.json "/api/dcim/sites/${OTHELLO}/"
rec site__othello_brief.json "/api/dcim/sites/${OTHELLO}/?brief=1"
rec site__bare.json "/api/dcim/sites/${BARE}/"
rec devices__site_othello_limit1.json "/api/dcim/devices/?site_id=${OTHELLO}&limit=1"
rec prefixes__site_othello_limit1.json "/api/ipam/prefixes/?site_id=${OTHELLO}&limit=1"
rec circuits__site_othello_limit1.json "/api/circuits/circuits/?site_id=${OTHELLO}&limit=1"
rec error__400_unknown_site_id.json '/api/dcim/devices/?site_id=999999&limit=1'
rec error__403_invalid_token.json '/api/dcim/sites/?limit=1' "Token ${BAD_TOKEN}"
rec error__403_invalid_v2_token.json '/api/dcim/sites/?limit=1' "Bearer nbt_netbotv2key1.${BAD_TOKEN}"
rec error__403_no_token.json '/api/dcim/sites/?limit=1' -
