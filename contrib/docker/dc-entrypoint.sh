#!/usr/bin/env bash
# Entrypoint of the demo DC container (contrib/docker/dc.Dockerfile, docker-compose.yml).
# Provisions and seeds the test bed on the first start (scripts/testbed up; later starts only start
# Samba), then stays in the foreground showing Samba's log until Samba exits or the container is
# stopped. SIGTERM/SIGINT (docker stop) -> scripts/testbed down, which stops Samba cleanly.
# Exit status: 0 after a stop request, 1 when Samba died on its own (so a restart policy can act).
# CES_TESTBED_DIR (default /testbed) and CES_TESTBED_SCRIPT (default /opt/ces-audit/scripts/testbed).
set -euo pipefail

testbed=${CES_TESTBED_SCRIPT:-/opt/ces-audit/scripts/testbed}
export CES_TESTBED_DIR=${CES_TESTBED_DIR:-/testbed}
tail_pid=''

# shellcheck disable=SC2317 # called by the trap
shutdown() {
    trap - TERM INT
    echo "dc-entrypoint: stopping the DC" >&2
    "$testbed" down || true
    if [[ -n $tail_pid ]]; then kill "$tail_pid" 2>/dev/null || true; fi
    exit 0
}
trap shutdown TERM INT

"$testbed" up
eval "$("$testbed" env)"
echo "dc-entrypoint: DC up; realm $CES_TEST_REALM, $CES_TEST_LDAPS_URI, CA file $CES_TEST_CA_FILE" >&2

# Samba was started with -D and is not our child: follow its log, and watch its pid file.
tail -n 0 -F "$CES_TESTBED_DIR/log/log.samba" &
tail_pid=$!
pid=$(tr -dc '0-9' <"$CES_TESTBED_DIR/run/samba.pid")
# alive = exists and is not a zombie (orphaned, samba is reaped by PID 1: compose sets init: true)
alive() { [[ -r /proc/$1/stat ]] && [[ $(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1) != Z ]]; }
while alive "$pid"; do
    # sleep in the background and wait for it, so the TERM trap runs at once
    sleep 5 &
    wait $! || true
done
echo "dc-entrypoint: samba (pid $pid) exited" >&2
kill "$tail_pid" 2>/dev/null || true
exit 1
