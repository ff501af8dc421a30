"""A downstream consumer: reads the Vault entry the sink wrote and exchanges
the credentials for a Genesys Cloud access token, with no other
configuration (the entry carries the token URL). Standard library only.

With --hold FILE it behaves like a consumer that caches its credentials:
after the first exchange it waits until FILE (a named pipe) is written to,
then exchanges the same cached credentials again (exit status 1 if they
are refused), and finally reads Vault again as the consumer contract says
it would after a 401. It never prints a secret."""
import base64
import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

addr, token = os.environ["VAULT_ADDR"], os.environ["VAULT_TOKEN"]
mount, path = sys.argv[1].split("/", 1)
hold = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--hold" else None


def read_entry():
    """client_id and client_secret together, from one read of one version."""
    req = urllib.request.Request(f"{addr}/v1/{mount}/data/{path}", headers={"X-Vault-Token": token})
    return json.load(urllib.request.urlopen(req))["data"]["data"]


def exchange(entry):
    basic = base64.b64encode(f"{entry['client_id']}:{entry['client_secret']}".encode()).decode()
    body = urllib.parse.urlencode({"grant_type": "client_credentials"}).encode()
    req = urllib.request.Request(entry["token_url"], data=body, headers={"Authorization": f"Basic {basic}"})
    return json.load(urllib.request.urlopen(req))


entry = read_entry()
answer = exchange(entry)
print(f"    consumer: exchanged the Vault-held credentials of client {entry['client_id']} at "
      f"{entry['token_url']}: got a {answer['token_type']} token valid {answer['expires_in']} s", flush=True)
if hold:
    with open(hold) as go:
        go.read()
    try:
        exchange(entry)
    except urllib.error.HTTPError as e:
        print(f"    consumer: the cached credentials of client {entry['client_id']} were refused ({e.code})", flush=True)
        sys.exit(1)
    print(f"    consumer: after the rotation, the cached credentials of client {entry['client_id']} still get a token", flush=True)
    fresh = read_entry()
    exchange(fresh)
    print(f"    consumer: Vault now holds client {fresh['client_id']}; its credentials get a token too", flush=True)
