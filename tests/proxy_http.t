#!/usr/bin/env bash
# PROXY (HTTP CONNECT) through `ncat -l --proxy-type http` and through the fixture
# (tests/lib/http_proxy_fixture.py) that demands Basic auth: proxyport, proxyauth,
# proxy-authorization-file, resolve, ignorecr, refusals with their status, tunnel bytes that
# arrive with the reply kept.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
have python3 || skip_all "python3 needed for the proxy fixture"
FIX="$TESTS_DIR/lib/http_proxy_fixture.py"

start_fixture() { py_fixture "$FIX" "$@"; } # start_fixture NAME ARGS...: FPORT, $T_TMP/NAME.log

start_server "$T_TMP/echo.log" "$DUCT" -d -d TCP-LISTEN:0,fork,reuseaddr PIPE
EPORT=$PORT
ok $([ -n "$EPORT" ]; echo $?) "echo target listens ($EPORT)"

# ---- ncat as the proxy (ncat closes the tunnel at the client's EOF: the target talks first
# and the client's stdin stays open until the target has closed)
start_server "$T_TMP/talker.log" "$DUCT" -d -d TCP-LISTEN:0,fork,reuseaddr SYSTEM:'echo from-target'
TPORT=$PORT
if have ncat; then
	NP=$(free_port tcp)
	bg ncat -l 127.0.0.1 "$NP" --proxy-type http
	wait_for 5 tcp_listening "$NP"
	# sleep 1 keeps stdin open while the proxy answers (not a readiness wait)
	capsh 10 "sleep 1 | \"\$DUCT\" -d -d PROXY:127.0.0.1:127.0.0.1:$TPORT,proxyport=$NP -"
	is "$RC" 0 "ncat proxy: exit 0"
	is "$OUT" "from-target" "ncat proxy: data through the tunnel"
	like "$ERR" "N PROXY: proxy 127.0.0.1:$NP connected us to 127.0.0.1:$TPORT \(200" "ncat proxy: -d -d names proxy, target and status"
	capsh 10 "sleep 1 | \"\$DUCT\" PROXY-CONNECT:127.0.0.1:127.0.0.1:$TPORT,proxyport=$NP -"
	is "$OUT" "from-target" "ncat proxy: PROXY-CONNECT alias"
else
	skip "ncat not installed"; skip "ncat"; skip "ncat"; skip "ncat"
fi

# ---- the fixture demanding Basic auth
start_fixture auth --auth alice:s3cret --extra BANNER:
AP=$FPORT
CAP_IN=<(printf authd) cap 10 "$DUCT" PROXY:127.0.0.1:127.0.0.1:$EPORT,proxyport=$AP,proxyauth=alice:s3cret -
is "$RC" 0 "Basic auth: exit 0"
is "$OUT" "BANNER:authd" "Basic auth: data both ways; bytes sent with the reply are kept"
like "$(tail -1 "$T_TMP/auth.log")" "^CONNECT 127.0.0.1:$EPORT HTTP/1.0 auth=ok" "Basic auth: request line and credentials"

cap 10 "$DUCT" PROXY:127.0.0.1:127.0.0.1:$EPORT,proxyport=$AP -
is "$RC" 1 "no credentials: exit 1"
like "$ERR" "E PROXY: proxy 127.0.0.1:$AP: CONNECT 127.0.0.1:$EPORT: the proxy refused CONNECT: 407 Proxy Authentication Required; .*proxyauth=USER:PASS" \
	"no credentials: the status and the option to give"
cap 10 "$DUCT" PROXY:127.0.0.1:127.0.0.1:$EPORT,proxyport=$AP,proxy-authorization=alice:nope -
like "$ERR" "407 Proxy Authentication Required; the proxy rejected the credentials" "wrong credentials: says they were rejected"

printf 'alice:s3cret\n' >"$T_TMP/cred"
CAP_IN=<(printf filed) cap 10 "$DUCT" PROXY:127.0.0.1:127.0.0.1:$EPORT,proxyport=$AP,proxy-authorization-file=$T_TMP/cred -
is "$OUT" "BANNER:filed" "proxy-authorization-file"
cap 10 "$DUCT" PROXY:127.0.0.1:127.0.0.1:$EPORT,proxyport=$AP,proxy-authorization-file=$T_TMP/nonexistent -
like "$ERR" "proxy-authorization-file \"$T_TMP/nonexistent\": No such file" "missing authorization file named"

# ---- resolve, http-version
start_fixture plain
PP=$FPORT
CAP_IN=<(printf res) cap 10 "$DUCT" PROXY:127.0.0.1:localhost:$EPORT,proxyport=$PP,resolve -
is "$OUT" "res" "resolve: data"
like "$(tail -1 "$T_TMP/plain.log")" "^CONNECT 127.0.0.1:$EPORT HTTP/1.0" "resolve: the address was sent, not the name"
CAP_IN=<(printf v11) cap 10 "$DUCT" PROXY:127.0.0.1:localhost:$EPORT,proxyport=$PP,http-version=1.1 -
like "$(tail -1 "$T_TMP/plain.log")" "^CONNECT localhost:$EPORT HTTP/1.1" "http-version=1.1"

# ---- bare LF replies need ignorecr
start_fixture lf --lf
cap 10 "$DUCT" PROXY:127.0.0.1:127.0.0.1:$EPORT,proxyport=$FPORT,handshake-timeout=2 -
is "$RC" 1 "LF-only reply without ignorecr: exit 1"
like "$ERR" "line ending in LF without CR; accept that with ignorecr" "LF-only reply without ignorecr: says to use ignorecr"
CAP_IN=<(printf lf) cap 10 "$DUCT" PROXY:127.0.0.1:127.0.0.1:$EPORT,proxyport=$FPORT,ignorecr -
is "$OUT" "lf" "LF-only reply with ignorecr"

# ---- refusals
start_fixture forbid --status "403 Forbidden"
cap 10 "$DUCT" PROXY:127.0.0.1:127.0.0.1:$EPORT,proxyport=$FPORT -
is "$RC" 1 "403: exit 1"
like "$ERR" "the proxy refused CONNECT: 403 Forbidden; the proxy does not allow this target" "403: status and meaning"
cap 10 "$DUCT" PROXY:127.0.0.1:127.0.0.1:$EPORT,proxyport=$EPORT -
# the echo server echoes our CONNECT back: not an HTTP reply
is "$RC" 1 "not a proxy: exit 1"
like "$ERR" "not an HTTP proxy reply: \"CONNECT 127.0.0.1:$EPORT HTTP/1.0\"; is this an HTTP proxy\?" "not a proxy: quotes what came back"

done_testing
