import http.client, sys
port = int(sys.argv[1])
def req(method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse(); b = r.read(); c.close()
    return r.status, b
paths = sys.argv[2:]
for p in paths:
    for m in ["GET", "POST", "PATCH", "PROPFIND", "OPTIONS", "TRACE", "DELETE", "PUT"]:
        s, b = req(m, p, b"" if m not in ("GET","OPTIONS","TRACE") else None)
        print(m, p, s, b[:100])
