#!/bin/sh
# A new connection costs httpd as few system calls as it can: the
# listening socket defers accept until the request has come
# (TCP_DEFER_ACCEPT) and hands TCP_NODELAY down, so a request on a new
# connection is read and answered right after accept4 -- no setsockopt,
# no epoll_ctl, no round through epoll_wait -- and a connection that
# lives on (keep-alive, a request not yet whole) is registered then and
# still served.  The worker is watched with strace.
. "${0%/*}/tap.sh"
cd "${0%/*}/.." || bail_out "no source tree"
. tests/lib/httpd.sh
. tests/lib/syscalls.sh
command -v strace >/dev/null || bail_out "strace is not installed"

echo hello >"$T/htdocs/index.html"
PREFORK=1 httpd_start "
server \"default\" {
	listen on 127.0.0.1 port $PORT
}"
is "$(curl -s "$URL/")" hello "httpd serves"
wpid=$(pgrep -P "$HTTPD_PID" -f httpd | head -n 1)
ok $([ -n "$wpid" ]; echo $?) "its worker is found"

# 20 requests, each on a new connection.
syscalls_during "$wpid" accept4,setsockopt,epoll_ctl,epoll_wait,read \
    'curl -s -o /dev/null "$URL/"' "$T/calls" fetch_new "$URL/" hello 20
is "$FETCHED" 20 "20 requests, each on a new connection, answered"
count() { syscall_count "$T/calls" "$1"; }
ok $(($(count accept4) >= 20 ? 0 : 1)) "20 accepts seen ($(count accept4))"
is "$(count setsockopt)" 0 "no setsockopt per connection (TCP_NODELAY is inherited)"
is "$(count epoll_ctl)" 0 "no epoll_ctl: each was answered and closed before registering"
# Each accept's read finds the request: no read comes back empty.
is "$(grep -c 'read(.*= -1 EAGAIN' "$T/calls")" 0 \
    "no read found nothing (the request came with the accept)"

# A connection that lives on is registered and served as before.
out=$(printf 'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | raw)
is "$(printf '%s\n' "$out" | grep -c '^HTTP/1.1 200')" 2 \
    "two pipelined requests on one new connection: both answered"
out=$(perl tests/lib/split_request.pl "$PORT")
like "$out" '^HTTP/1.1 200' "a request sent in pieces after the accept: answered"
is "$(curl -s "$URL/")" hello "httpd still serves"
done_testing
