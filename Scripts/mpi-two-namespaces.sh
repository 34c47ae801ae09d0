#!/usr/bin/env bash
# Data-parallel training between two "hosts" on this machine: two network namespaces joined by a
# veth pair (10.200.0.1 and 10.200.0.2, addresses that exist only inside them), one MPI rank in each,
# talking over TCP — the path two machines on a network take. Then the same setting in one process
# (batch 2·B instead of 2 ranks × B), for comparison. Needs root (ip netns), Open MPI (make deps) and
# the release dlbench (swift build -c release --product dlbench). Cleans up after itself.
# The ranks yield the CPU while they wait (mpi_yield_when_idle): with both "hosts" on one
# machine's cores, Open MPI's busy polling otherwise starves the rank it waits for.
#
#   sudo Scripts/mpi-two-namespaces.sh                      # LeNet-5, 1 epoch, batch 32 per rank
#   sudo MODEL=mlp EPOCHS=2 BATCH=64 Scripts/mpi-two-namespaces.sh --train-size 20000
#
# Extra arguments go to `dlbench train` in both runs.
set -euo pipefail

repository=$(cd "$(dirname "$0")/.." && pwd)
dlbench=${DLBENCH:-$repository/.build/release/dlbench}
model=${MODEL:-lenet5}
epochs=${EPOCHS:-1}
batch=${BATCH:-32}
namespaces=(dlmpi-a dlmpi-b)
addresses=(10.200.0.1 10.200.0.2)
subnet=10.200.0.0/24

[ "$(id -u)" = 0 ] || { echo "$0: needs root for ip netns (run it with sudo)" >&2; exit 1; }
command -v mpirun >/dev/null || { echo "$0: mpirun not found: make deps installs Open MPI" >&2; exit 1; }
[ -x "$dlbench" ] || { echo "$0: $dlbench not found: swift build -c release --product dlbench" >&2; exit 1; }
for namespace in "${namespaces[@]}"; do
    if ip netns list | grep -qw "$namespace"; then echo "$0: namespace $namespace exists already (another run?)" >&2; exit 1; fi
done

work=$(mktemp -d /tmp/dlmpi.XXXXXX)
cleanup() {
    for namespace in "${namespaces[@]}"; do ip netns delete "$namespace" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Two namespaces, a veth pair between them, loopback up in each.
for i in 0 1; do ip netns add "${namespaces[$i]}"; done
ip link add dlmpi-veth0 netns "${namespaces[0]}" type veth peer name dlmpi-veth1 netns "${namespaces[1]}"
for i in 0 1; do
    ip -n "${namespaces[$i]}" addr add "${addresses[$i]}/24" dev "dlmpi-veth$i"
    ip -n "${namespaces[$i]}" link set "dlmpi-veth$i" up
    ip -n "${namespaces[$i]}" link set lo up
done

# mpirun runs in the first namespace and starts the daemon of the other "host" through its
# launcher agent (ssh on a cluster): here a script that enters that host's namespace, with a
# UTS namespace of its own so that the two hosts have different host names, as real ones do.
cat >"$work/launch-agent.sh" <<AGENT
#!/bin/sh
# Called by mpirun as: launch-agent.sh [ssh options] <host> <command …>
while [ "\${1#-}" != "\$1" ]; do shift; done
host=\$1; shift
case "\$host" in
    ${addresses[0]}) namespace=${namespaces[0]} ;;
    ${addresses[1]}) namespace=${namespaces[1]} ;;
    *) echo "launch-agent: unknown host \$host" >&2; exit 1 ;;
esac
exec ip netns exec "\$namespace" unshare --uts sh -c "hostname \$namespace; \$*"
AGENT
chmod +x "$work/launch-agent.sh"
printf '%s slots=1\n%s slots=1\n' "${addresses[0]}" "${addresses[1]}" >"$work/hostfile"

echo "== 2 ranks, one per namespace, TCP over veth (${addresses[0]} ↔ ${addresses[1]}), batch $batch per rank"
ip netns exec "${namespaces[0]}" unshare --uts sh -c "hostname ${namespaces[0]}; exec \"\$@\"" mpirun \
    mpirun --allow-run-as-root --hostfile "$work/hostfile" -np 2 --map-by node \
    --mca plm_rsh_agent "$work/launch-agent.sh" \
    --mca btl tcp,self --mca btl_tcp_if_include "$subnet" --mca oob_tcp_if_include "$subnet" \
    --mca mpi_yield_when_idle 1 \
    -x OPENBLAS_NUM_THREADS=1 -x PATH \
    "$dlbench" train --distributed --model "$model" --epochs "$epochs" --batch-size "$batch" --quiet \
    --out "$work/distributed" "$@"

echo "== bytes over the veth pair:" $(ip -n "${namespaces[0]}" -s link show dlmpi-veth0 | awk '/RX:/{getline; rx=$1} /TX:/{getline; tx=$1} END{print "received", rx ", sent", tx}')

echo "== 1 process, OPENBLAS_NUM_THREADS=2, batch $((2 * batch))"
OPENBLAS_NUM_THREADS=2 "$dlbench" train --model "$model" --epochs "$epochs" --batch-size "$((2 * batch))" --quiet \
    --out "$work/single" "$@"
