"""A downstream consumer: reads the Vault entry the sink wrote and exchanges
the credentials for a Genesys Cloud access token, with no other
configuration (the entry carries the token URL). Standard library only."""
import base64
import json
import os
import sys
import urllib.parse
import urllib.request

addr, token = os.environ["VAULT_ADDR"], os.environ["VAULT_TOKEN"]
mount, path = sys.argv[1].split("/", 1)
req = urllib.request.Request(f"{addr}/v1/{mount}/data/{path}", headers={"X-Vault-Token": token})
entry = json.load(urllib.request.urlopen(req))["data"]["data"]

basic = base64.b64encode(f"{entry['client_id']}:{entry['client_secret']}".encode()).decode()
body = urllib.parse.urlencode({"grant_type": "client_credentials"}).encode()
req = urllib.request.Request(entry["token_url"], data=body, headers={"Authorization": f"Basic {basic}"})
answer = json.load(urllib.request.urlopen(req))
print(f"    consumer: exchanged the Vault-held credentials at {entry['token_url']}: "
      f"got a {answer['token_type']} token valid {answer['expires_in']} s")
