"""The image's HEALTHCHECK: GET /api/health on this container (exit 0 when it answers 200).

Sent as the TLS proxy in front would forward it (X-Forwarded-Proto: https), so production's redirect to
https does not answer instead of the application. HEALTHCHECK_URL overrides the address.
"""
import os
import sys
import urllib.request

url = os.environ.get("HEALTHCHECK_URL", f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/api/health")
request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", "Host": "localhost"})
try:
    with urllib.request.urlopen(request, timeout=5) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as exc:  # noqa: BLE001 - any failure is "unhealthy"
    print(f"unhealthy: {exc}", file=sys.stderr)
    sys.exit(1)
