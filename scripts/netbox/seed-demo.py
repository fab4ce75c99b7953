#!/usr/bin/env python3
"""Seed the netbot demo dataset into a FRESH NetBox started by scripts/netbox/start.sh.

REST API only (v1 token). Creates regions Seattle > {South Seattle, Central District},
tenant "Seattle Community Network", seven sites (six community-network sites plus
`bare`, which has no optional field set), devices at Othello (with manufacturer,
device types and roles), prefixes scoped to Othello and Beacon Hill, a provider and a
circuit terminated at Othello, then 1,100 filler sites (`filler-0001`...) created by
bulk POSTs of JSON lists so that the site list has more than 1,000 entries.

Refuses to run twice: exits 0 if site `othello` already exists (fillers are still
topped up if missing). Pass --no-fillers to skip them.
Env: NETBOX_CONTRACT_URL (http://127.0.0.1:8001), NETBOX_CONTRACT_TOKEN (start.sh's v1 default).
Stdlib only; any python3.
"""
import json
import os
import sys
import urllib.error
import urllib.request

URL = os.environ.get("NETBOX_CONTRACT_URL", "http://127.0.0.1:8001").rstrip("/")
TOKEN = os.environ.get("NETBOX_CONTRACT_TOKEN", "feedc0de0123456789abcdef0123456789abcdef")
FILLERS = 1100
FILLER_BATCH = 275


def api(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(URL + path, data=data, method=method, headers={
        "Authorization": f"Token {TOKEN}",
        "Accept": "application/json",
        "Content-Type": "application/json",
    })
    try:
        with urllib.request.urlopen(req, timeout=600) as resp:
            raw = resp.read()
    except urllib.error.HTTPError as e:
        sys.exit(f"seed-demo: {method} {path} -> {e.code}: {e.read().decode(errors='replace')[:2000]}")
    return json.loads(raw) if raw else None


def post(path, body):
    return api("POST", path, body)


def count(path):
    return api("GET", path + ("&" if "?" in path else "?") + "limit=1&brief=1")["count"]


def seed_demo():
    seattle = post("/api/dcim/regions/", {"name": "Seattle", "slug": "seattle",
                                          "description": "City of Seattle, WA"})
    south = post("/api/dcim/regions/", {"name": "South Seattle", "slug": "south-seattle", "parent": seattle["id"]})
    central = post("/api/dcim/regions/", {"name": "Central District", "slug": "central-district",
                                          "parent": seattle["id"]})
    scn = post("/api/tenancy/tenants/", {"name": "Seattle Community Network", "slug": "seattle-community-network",
                                         "description": "Volunteer-run community ISP"})

    def site(name, slug, **kw):
        return post("/api/dcim/sites/", {"name": name, "slug": slug, **kw})

    othello = site(
        "Othello", "othello", status="active", region=south["id"], tenant=scn["id"],
        facility="Othello Commons, rooftop",
        time_zone="America/Los_Angeles",
        description="Rooftop hub serving the Othello neighborhood",
        physical_address="7220 Martin Luther King Jr Way S\nSeattle, WA 98118",
        shipping_address="c/o Othello Commons\n7220 Martin Luther King Jr Way S\nSeattle, WA 98118",
        latitude=47.5389, longitude=-122.2813,
        comments="Roof access via the east stairwell; ask the front desk for the key.",
    )
    fcv = site("Filipino Community Village", "filipino-community-village", status="active",
               region=south["id"], tenant=scn["id"], facility="Filipino Community Village, 5th floor",
               description="Resident Wi-Fi for 94 apartments",
               physical_address="5740 Martin Luther King Jr Way S\nSeattle, WA 98118",
               latitude=47.5526, longitude=-122.2850)
    rb = site("Rainier Beach", "rainier-beach", status="planned", region=south["id"], tenant=scn["id"],
              description="Planned relay near the light rail station",
              latitude=47.5223, longitude=-122.2794)
    bh = site("Beacon Hill", "beacon-hill", status="active", region=seattle["id"], tenant=scn["id"],
              facility="Beacon Hill Library", description="Library uplink and public hotspot")
    fh = site("Franklin High School", "franklin-high", status="staging", region=central["id"], tenant=scn["id"],
              description="Point-to-point link to the school's media lab")
    sh = site("Sunset Hill", "sunset-hill", status="retired", region=seattle["id"], tenant=scn["id"],
              description="Former relay, decommissioned after the building sale")
    bare = site("Bare", "bare")

    ubnt = post("/api/dcim/manufacturers/", {"name": "Ubiquiti", "slug": "ubiquiti"})
    mikrotik = post("/api/dcim/manufacturers/", {"name": "MikroTik", "slug": "mikrotik"})
    er = post("/api/dcim/device-types/", {"manufacturer": ubnt["id"], "model": "EdgeRouter X", "slug": "edgerouter-x"})
    ap = post("/api/dcim/device-types/", {"manufacturer": ubnt["id"], "model": "UniFi AC Mesh", "slug": "unifi-ac-mesh"})
    sxt = post("/api/dcim/device-types/", {"manufacturer": mikrotik["id"], "model": "SXTsq 5 ac",
                                           "slug": "sxtsq-5-ac"})
    router = post("/api/dcim/device-roles/", {"name": "Router", "slug": "router", "color": "2196f3"})
    aprole = post("/api/dcim/device-roles/", {"name": "Access Point", "slug": "access-point", "color": "4caf50"})
    ptp = post("/api/dcim/device-roles/", {"name": "Point-to-Point Radio", "slug": "ptp-radio", "color": "ff9800"})
    for name, dtype, role, status in [
        ("othello-gw-1", er, router, "active"),
        ("othello-ap-1", ap, aprole, "active"),
        ("othello-ap-2", ap, aprole, "active"),
        ("othello-ptp-fh", sxt, ptp, "planned"),
    ]:
        post("/api/dcim/devices/", {"name": name, "device_type": dtype["id"], "role": role["id"],
                                    "site": othello["id"], "tenant": scn["id"], "status": status})
    post("/api/dcim/devices/", {"name": "beacon-hill-gw-1", "device_type": er["id"], "role": router["id"],
                                "site": bh["id"], "tenant": scn["id"], "status": "active"})

    for prefix, site_obj, desc in [
        ("10.70.0.0/24", othello, "Othello residents"),
        ("10.70.1.0/24", othello, "Othello management"),
        ("10.71.0.0/24", bh, "Beacon Hill hotspot"),
    ]:
        post("/api/ipam/prefixes/", {"prefix": prefix, "scope_type": "dcim.site", "scope_id": site_obj["id"],
                                     "tenant": scn["id"], "status": "active", "description": desc})

    provider = post("/api/circuits/providers/", {"name": "Puget Fiber", "slug": "puget-fiber"})
    ctype = post("/api/circuits/circuit-types/", {"name": "Internet Transit", "slug": "internet-transit"})
    circuit = post("/api/circuits/circuits/", {"cid": "PF-OTH-0001", "provider": provider["id"], "type": ctype["id"],
                                               "status": "active", "tenant": scn["id"],
                                               "commit_rate": 1000000,
                                               "description": "1 Gbps transit into Othello"})
    post("/api/circuits/circuit-terminations/", {"circuit": circuit["id"], "term_side": "A",
                                                 "termination_type": "dcim.site", "termination_id": othello["id"]})

    ids = {s["slug"]: s["id"] for s in (othello, fcv, rb, bh, fh, sh, bare)}
    print("seed-demo: sites " + " ".join(f"{k}={v}" for k, v in ids.items()), file=sys.stderr)


def seed_fillers():
    have = count("/api/dcim/sites/?slug__isw=filler-")
    if have >= FILLERS:
        return
    existing = {s["slug"] for s in api("GET", "/api/dcim/sites/?slug__isw=filler-&brief=1&limit=1000")["results"]}
    if have > 1000:  # unlikely partial state; fetch the rest
        existing |= {s["slug"] for s in
                     api("GET", "/api/dcim/sites/?slug__isw=filler-&brief=1&limit=1000&offset=1000")["results"]}
    todo = [n for n in range(1, FILLERS + 1) if f"filler-{n:04d}" not in existing]
    for i in range(0, len(todo), FILLER_BATCH):
        batch = [{"name": f"Filler {n:04d}", "slug": f"filler-{n:04d}", "status": "active"}
                 for n in todo[i:i + FILLER_BATCH]]
        post("/api/dcim/sites/", batch)
        print(f"seed-demo: {len(batch)} filler sites created", file=sys.stderr)


def main():
    if count("/api/dcim/sites/?slug=othello"):
        print("seed-demo: site othello already exists; demo data not re-created", file=sys.stderr)
    else:
        seed_demo()
    if "--no-fillers" not in sys.argv[1:]:
        seed_fillers()
    print(f"seed-demo: {count('/api/dcim/sites/')} sites in total", file=sys.stderr)


if __name__ == "__main__":
    main()
