#!/usr/bin/env bash
# Issue 17: a browser as the WebSocket peer. Headless Chromium opens new WebSocket() to duct's
# WS-LISTEN, which echoes through EXEC:cat; the page writes what came back into its DOM, which
# --dump-dom prints. Skipped where Chromium is not installed (apt-get install chromium).
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/net.sh"
need_duct
CHROME=""
for c in chromium chromium-browser google-chrome; do have "$c" && { CHROME=$c; break; }; done
[ -n "$CHROME" ] || skip_all "Chromium not installed (apt-get install chromium)"

# the program answers the first line and records the second: what the page got back
start_server "$T_TMP/srv.log" "$DUCT" -d -d WS-LISTEN:0,bind=127.0.0.1,fork,reuseaddr \
	SYSTEM:"read a; echo \"\$a\"; read b; echo \"\$b\" >$T_TMP/got.tmp; mv $T_TMP/got.tmp $T_TMP/got"
SP=$PORT
[ -n "$SP" ] || skip_all "WS-LISTEN did not start: $(head -3 "$T_TMP/srv.log")"
cat >"$T_TMP/page.html" <<HTML
<!doctype html><html><body><script>
const ws = new WebSocket('ws://127.0.0.1:$SP/');
ws.binaryType = 'arraybuffer';
ws.onopen = () => ws.send('hello from the browser\n');
ws.onmessage = (e) => {
  const kind = typeof e.data === 'string' ? 'text' : 'binary';
  const text = kind === 'text' ? e.data : new TextDecoder().decode(e.data);
  ws.send('got ' + kind + ': ' + text.trim() + '\n');
  ws.close(1000, 'done');
};
</script></body></html>
HTML
# a process group of its own, so its helper processes end with it
setsid "$CHROME" --headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir="$T_TMP/profile" \
	"file://$T_TMP/page.html" >/dev/null 2>"$T_TMP/chrome.err" & CH=$!
wait_for 30 test -s "$T_TMP/got"
is "$(cat "$T_TMP/got" 2>/dev/null)" "got binary: hello from the browser" \
	"Chromium's message comes back through WS-LISTEN and SYSTEM (as binary: ws-binary is the default)"
wait_for 5 log_has "$T_TMP/srv.log" "peer closed: 1000"
like "$(cat "$T_TMP/srv.log")" "peer closed: 1000 normal closure" "the browser's close 1000 is logged"
[ -s "$T_TMP/got" ] || diag "$(tail -5 "$T_TMP/chrome.err")"
kill_group "$CH"; wait_pid 10 "$CH"
wait_for 10 sh -c "! pgrep -f -- '--user-data-dir=$T_TMP/profile' >/dev/null"
stop "$BG_PID"
done_testing
