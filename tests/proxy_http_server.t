#!/usr/bin/env bash
# HTTP-PROXY-SERVER with real clients: curl -x (absolute-form requests forwarded) and curl -p -x
# (CONNECT tunnels) to a python http.server; the head the origin gets (origin form, hop-by-hop
# headers gone, Connection: close, the body behind it intact); 400 and 502 with a one-line body
# and a log line; a 64 KiB request line and a stalled client end within handshake-timeout.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
have python3 || skip_all "python3 needed"
have curl || skip_all "curl needed"

mkdir -p "$T_TMP/www"
echo "it works" >"$T_TMP/www/index.txt"
python3 -m http.server --bind 127.0.0.1 --directory "$T_TMP/www" 0 >"$T_TMP/http.out" 2>&1 &
track "$!"
wait_for 10 grep -q "Serving HTTP" "$T_TMP/http.out"
WP=$(grep -oE 'port [0-9]+' "$T_TMP/http.out" | head -1 | cut -d' ' -f2)
ok $([ -n "$WP" ]; echo $?) "http.server ($WP)"

start_server "$T_TMP/hp.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr HTTP-PROXY-SERVER,handshake-timeout=1
HP=$PORT
ok $([ -n "$HP" ]; echo $?) "HTTP-PROXY-SERVER listens ($HP)"

out=$(run_to 10 curl -sS -m 5 -x "http://127.0.0.1:$HP" "http://127.0.0.1:$WP/index.txt" 2>&1)
is "$out" "it works" "curl -x: the request forwarded"
out=$(run_to 10 curl -sS -m 5 -p -x "http://127.0.0.1:$HP" "http://127.0.0.1:$WP/index.txt" 2>&1)
is "$out" "it works" "curl -p -x: through a CONNECT tunnel"
out=$(run_to 10 curl -sS -m 5 -x "http://127.0.0.1:$HP" "http://localhost:$WP/index.txt" 2>&1)
is "$out" "it works" "curl -x to a name (looked up by the proxy)"
like "$(cat "$T_TMP/hp.log")" "N HTTP-PROXY-SERVER: client 127.0.0.1:[0-9]+: CONNECT 127.0.0.1:$WP" "-d -d logs the tunnel"

# what the origin gets: an echo server shows it
start_server "$T_TMP/echo.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr PIPE
EP=$PORT
# pyc PAYLOAD [half]: send the Python bytes expression to the proxy (then shut down the
# sending side with half), print the answer (CR removed) and "elapsed=S"
pyc() { python3 "$TESTS_DIR/lib/raw_client.py" --port "$HP" ${2:+--half} "$1"; }
out=$(pyc "b'GET http://127.0.0.1:$EP/path?q=1 HTTP/1.1\r\nHost: x\r\nProxy-Connection: keep-alive\r\nProxy-Authorization: Basic eA==\r\nX-Keep: yes\r\n\r\nBODY'" half | head -6)
is "$out" "GET /path?q=1 HTTP/1.1
Host: x
X-Keep: yes
Connection: close

BODY" "the origin gets the origin form, no hop-by-hop headers, Connection: close, then the body"

# refusals
CLOSED=$(free_port)
out=$(run_to 10 curl -sS -m 5 -i -x "http://127.0.0.1:$HP" "http://127.0.0.1:$CLOSED/" 2>&1 | tr -d '\r')
like "$out" "^HTTP/1.1 502 Bad Gateway" "a refused destination: 502"
like "$out" "connect: Connection refused$" "... with a one-line body saying why"
like "$(cat "$T_TMP/hp.log")" "E HTTP-PROXY-SERVER: client 127.0.0.1:[0-9]+: GET 127.0.0.1:$CLOSED refused: connect: Connection refused; answered 502" \
	"... logged with client, destination and why"
out=$(run_to 10 curl -sS -m 5 -p -x "http://127.0.0.1:$HP" "http://127.0.0.1:$CLOSED/" 2>&1)
like "$out" "CONNECT tunnel failed, response 502" "CONNECT to a refused destination: curl sees 502"
out=$(run_to 10 curl -sS -m 5 -i -x "http://127.0.0.1:$HP" "http://nohost.invalid/" 2>&1 | tr -d '\r')
like "$out" "^HTTP/1.1 502 Bad Gateway" "a name that does not resolve: 502"
out=$(pyc "b'GET /index.txt HTTP/1.1\r\nHost: x\r\n\r\n'")
like "$out" "^HTTP/1.1 400 Bad Request" "origin-form request: 400"
like "$out" "a proxy needs an absolute URI \(http://host/path\) or CONNECT" "... saying why"
out=$(pyc "b'\x16\x03\x01\x00'")
like "$out" "^HTTP/1.1 400 Bad Request" "TLS bytes: 400"
like "$out" "not an HTTP request" "... saying why"
out=$(pyc "b'GET http://h/' + b'a' * 65536 + b' HTTP/1.1\r\n\r\n'")
like "$out" "^HTTP/1.1 400 Bad Request" "a 64 KiB request line: 400"
like "$out" "request head longer than 16384 bytes" "... saying why"
like "$out" "elapsed=0" "... at once"
like "$(cat "$T_TMP/hp.log")" "request head longer than 16384 bytes; answered 400" "... logged"
out=$(pyc "b'GET http://127.0.0.1/ HTTP/1.1\r\nHost'")
like "$out" "elapsed=1\.[0-5]" "a head that stops half way: closed after handshake-timeout (1 s)"
like "$(cat "$T_TMP/hp.log")" "request head timed out after 1 s \(raise it with handshake-timeout=SECONDS\)" "... logged"
out=$(run_to 10 curl -sS -m 5 -x "http://127.0.0.1:$HP" "http://127.0.0.1:$WP/index.txt" 2>&1)
is "$out" "it works" "the listener serves on after every refusal"

# proxy-range=: 403 for the rest
start_server "$T_TMP/rules.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr HTTP-PROXY-SERVER,proxy-range=192.0.2.0/24
out=$(run_to 10 curl -sS -m 5 -i -x "http://127.0.0.1:$PORT" "http://127.0.0.1:$WP/index.txt" 2>&1 | tr -d '\r')
like "$out" "^HTTP/1.1 403 Forbidden" "proxy-range: a destination out of range gets 403"
like "$out" "its address 127.0.0.1 is not in proxy-range$" "... with a body saying why"

# proxy-users=: HTTP Basic, 407 with Proxy-Authenticate
printf 'alice:s3cret\n' >"$T_TMP/users"
start_server "$T_TMP/users.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr HTTP-PROXY-SERVER,proxy-users="$T_TMP/users"
UP=$PORT
out=$(run_to 10 curl -sS -m 5 -x "http://127.0.0.1:$UP" --proxy-user alice:s3cret "http://127.0.0.1:$WP/index.txt" 2>&1)
is "$out" "it works" "proxy-users: curl -x --proxy-user logs in"
out=$(run_to 10 curl -sS -m 5 -p -x "http://127.0.0.1:$UP" --proxy-user alice:s3cret "http://127.0.0.1:$WP/index.txt" 2>&1)
is "$out" "it works" "proxy-users: CONNECT with a login"
out=$(run_to 10 curl -sS -m 5 -i -x "http://127.0.0.1:$UP" --proxy-user alice:bad "http://127.0.0.1:$WP/index.txt" 2>&1 | tr -d '\r')
like "$out" "^HTTP/1.1 407 Proxy Authentication Required" "a wrong password: 407"
like "$out" "Proxy-Authenticate: Basic realm=\"duct\"" "... with Proxy-Authenticate"
like "$out" "wrong user name or password$" "... and a body saying why"
out=$(run_to 10 curl -sS -m 5 -i -x "http://127.0.0.1:$UP" "http://127.0.0.1:$WP/index.txt" 2>&1 | tr -d '\r')
like "$out" "proxy authentication required \(Basic, proxy-users\)$" "no login: 407 saying a login is required"
like "$(cat "$T_TMP/users.log")" "GET 127.0.0.1:$WP refused: wrong user name or password; answered 407" "the wrong password is logged"

# the nc face: ncat's -l --proxy-type (ncat serves http only; duct all three)
for t in http socks4 socks5; do
	NP=$(free_port)
	bg "$DUCT" nc -l 127.0.0.1 "$NP" --proxy-type $t 2>"$T_TMP/ncl_$t.err" # refusals expected
	NC_PID=$BG_PID
	wait_for 5 tcp_listening "$NP"
	if [ $t = http ]; then opt=(-x "http://127.0.0.1:$NP"); else opt=(--$t "127.0.0.1:$NP"); fi
	out=$(run_to 10 curl -sS -m 5 "${opt[@]}" "http://127.0.0.1:$WP/index.txt" 2>&1)
	out2=$(run_to 10 curl -sS -m 5 "${opt[@]}" "http://127.0.0.1:$WP/index.txt" 2>&1)
	is "$out $out2" "it works it works" "duct nc -l --proxy-type $t: a proxy for one client after another"
	kill_group "$NC_PID"
done
for t in http socks5; do
	NP=$(free_port)
	bg "$DUCT" nc -l 127.0.0.1 "$NP" --proxy-type $t --proxy-auth alice:s3cret 2>"$T_TMP/ncl_auth_$t.err" # refusals expected
	NC_PID=$BG_PID
	wait_for 5 tcp_listening "$NP"
	if [ $t = http ]; then opt=(-x "http://127.0.0.1:$NP"); else opt=(--socks5 "127.0.0.1:$NP"); fi
	out=$(run_to 10 curl -sS -m 5 "${opt[@]}" --proxy-user alice:s3cret "http://127.0.0.1:$WP/index.txt" 2>&1)
	out2=$(run_to 10 curl -sS -m 5 "${opt[@]}" --proxy-user alice:nope "http://127.0.0.1:$WP/index.txt" 2>&1)
	like "$out|$out2" "^it works\|.*(wrong user name or password|rejected)" "duct nc -l --proxy-type $t --proxy-auth: the login is asked for"
	kill_group "$NC_PID"
done
cap 5 "$DUCT" nc -l 1234 --proxy-type socks4 --proxy-auth a:b
like "$ERR" "--proxy-auth with -l needs USER:PASSWORD and HTTP or SOCKS5 \(SOCKS4 carries no password\)" \
	"duct nc -l --proxy-type socks4 --proxy-auth: refused, saying why"
start_server "$T_TMP/one.log" "$DUCT" -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr HTTP-PROXY-SERVER,proxy-authorization=alice:s3cret
out=$(run_to 10 curl -sS -m 5 -x "http://127.0.0.1:$PORT" --proxy-user alice:s3cret "http://127.0.0.1:$WP/index.txt" 2>&1)
is "$out" "it works" "proxy-authorization=USER:PASS on HTTP-PROXY-SERVER: the one login asked for"
cap 5 "$DUCT" nc -l -u 1234 --proxy-type socks5
like "$ERR" "--proxy-type with -l serves a proxy over TCP" "duct nc -l -u --proxy-type: refused"

cap 5 "$DUCT" HTTP-PROXY-SERVER -
like "$ERR" "HTTP-PROXY-SERVER serves the connections of the first address: give it as the second \(duct TCP-LISTEN:8080,fork HTTP-PROXY-SERVER\)" \
	"HTTP-PROXY-SERVER as the first address: refused, saying where it goes"

done_testing
