#!/usr/bin/env bash
# tools/slurm-check.sh: runs the Slurm recipe of docs/batch-and-cluster.md on a one-node Slurm
# cluster started on this machine, and checks what the docs say of it:
#   - the recipe's three blocks (denoise.sh, submit, rerun) run as they stand in the docs; only the
#     settings FIJI_GAN, MODEL, IN and OUT of denoise.sh are set to this check's own;
#   - one task (shard 5) is cancelled with scancel after it wrote one of its images; the merge job
#     that follows (afterany) must fail and name each image the shard did not write;
#   - the rerun block (--array=5) must redo only those, and its merge must succeed;
#   - the merged folder must equal a one-process run (another thread count) byte for byte.
# Needs root (it installs Debian's slurm-wlm, munge and python3 with apt-get when missing, and
# starts munged, slurmctld and slurmd). Everything else lives in a temporary folder: its own munge
# key and socket, slurm.conf (ProctrackType=proctrack/linuxproc, TaskPlugin=task/none, no
# accounting), state, logs and ports; /etc is not touched. The daemons it started are stopped and
# the folder deleted when it ends (SLURM_CHECK_KEEP=1 keeps the folder). Exit code 0 only when
# every check passed. Not part of `mvn verify`; takes a few minutes on 2 cores.
#
# Environment: SLURM_CHECK_IMAGES (24), SLURM_CHECK_SIZE (640: pixels a side), SLURM_CHECK_PORT
# (16817: slurmctld's port; slurmd uses the next), SLURM_CHECK_KEEP (0).
set -euo pipefail

ROOT=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd -P) # CDPATH emptied: cd would print
DOC=$ROOT/docs/batch-and-cluster.md
IMAGES=${SLURM_CHECK_IMAGES:-24}
SIZE=${SLURM_CHECK_SIZE:-640}
PORT=${SLURM_CHECK_PORT:-16817}
KEEP=${SLURM_CHECK_KEEP:-0}
SHARD=5       # the shard the docs' rerun block names (--array=5)
SHARDS=8      # N in the docs' denoise.sh
started=$(date +%s)

say() { echo "slurm-check: $*" | sed "s#${WORK:-/nonexistent}#\$WORK#g"; }
indent() { sed -e 's/^/    /' -e "s#$WORK#\$WORK#g" "$1"; }
fail() {
	echo "slurm-check: FAILED: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || fail "run as root: it installs packages and starts munged, slurmctld and slurmd"

# --- packages ---------------------------------------------------------------------------------
missing=()
for tool in slurmctld slurmd sbatch munged python3; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
	say "installing slurm-wlm, munge and python3 (missing: ${missing[*]})"
	DEBIAN_FRONTEND=noninteractive apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge python3 \
		>/dev/null
fi

# --- a one-node cluster in a temporary folder -------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/fiji-gan-slurm-check.XXXXXX")
chmod 755 "$WORK"
daemons=()
cleanup() {
	local rc=$?
	if [ -n "${SLURM_CONF:-}" ] && [ -n "${jobs_submitted:-}" ]; then
		# shellcheck disable=SC2086 # a list of job ids
		scancel $jobs_submitted 2>/dev/null || true
	fi
	for ((i = ${#daemons[@]} - 1; i >= 0; i--)); do
		kill "${daemons[i]}" 2>/dev/null || true
	done
	for pid in "${daemons[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	if [ "$KEEP" = 1 ]; then
		say "kept $WORK"
	else
		rm -rf "$WORK"
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK/munge" "$WORK/etc" "$WORK/state" "$WORK/spool" "$WORK/log"
chmod 700 "$WORK/munge"
dd if=/dev/urandom of="$WORK/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$WORK/munge/munge.key"
SOCKET=$WORK/munge/munge.socket
munged --foreground --force --key-file="$WORK/munge/munge.key" --socket="$SOCKET" \
	--pid-file="$WORK/munge/munged.pid" --log-file="$WORK/log/munged.log" \
	--seed-file="$WORK/munge/munged.seed" 2>"$WORK/log/munged.stderr" &
daemons+=($!)
for _ in $(seq 50); do
	[ -S "$SOCKET" ] && break
	sleep 0.1
done
munge -S "$SOCKET" -n | unmunge -S "$SOCKET" >/dev/null || fail "munged does not answer (see $WORK/log/munged.log)"

HOST=$(hostname -s)
cat >"$WORK/etc/slurm.conf" <<EOF
ClusterName=fijiganchk
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$PORT
SlurmdPort=$((PORT + 1))
AuthType=auth/munge
AuthInfo=socket=$SOCKET
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
PlugStackConfig=$WORK/etc/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
MinJobAge=3600
# 8 CPUs declared whatever the machine has: 2 tasks of the recipe's 4 CPUs run at once
SlurmdParameters=config_overrides
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=8 RealMemory=16000 State=UNKNOWN
PartitionName=check Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
: >"$WORK/etc/plugstack.conf"
export SLURM_CONF=$WORK/etc/slurm.conf
slurmctld -D -i 2>"$WORK/log/slurmctld.stderr" &
daemons+=($!)
slurmd -D -N "$HOST" 2>"$WORK/log/slurmd.stderr" &
daemons+=($!)
for _ in $(seq 120); do
	[ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break
	sleep 0.5
done
[ "$(sinfo -h -o %T 2>/dev/null)" = idle ] ||
	fail "the node did not come up (see $WORK/log/slurmctld.log and $WORK/log/slurmd.log)"
slurm_version=$(sinfo --version | awk '{print $2}')
say "Slurm $slurm_version, one node ($HOST, 8 CPUs declared, $(nproc) real), munge $(munged --version | awk '{print $1}' | sed 's/munge-//')"

# --- job helpers ------------------------------------------------------------------------------
jobs_submitted=""
field() { # field JOB NAME: a field of scontrol show job, e.g. JobState
	scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}
wait_ended() { # wait_ended JOB...: until none is pending or running
	local deadline=$(($(date +%s) + 1800))
	while [ -n "$(squeue -h -j "$(IFS=,; echo "$*")" -t PENDING,RUNNING,CONFIGURING,COMPLETING 2>/dev/null)" ]; do
		[ "$(date +%s)" -lt $deadline ] || fail "jobs $* still running after 30 minutes"
		sleep 1
	done
}
# submitted JOBS: the batch job ids in a block's output ("Submitted batch job N", or a --parsable id)
submitted() { grep -oE '^[0-9]+$|Submitted batch job [0-9]+' | grep -oE '[0-9]+$'; }
# status column counts of a manifest: "planned=N done=M ..."
statuses() {
	python3 - "$1" <<'PY'
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
c = collections.Counter(r['status'] for r in rows)
print(' '.join(f'{k}={v}' for k, v in sorted(c.items())))
PY
}
# unfinished PART: the outputs a part planned and has no result for, one a line
unfinished() {
	python3 - "$1" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
finished = {r['output'] for r in rows if r['status'] != 'planned'}
print('\n'.join(sorted({r['output'] for r in rows if r['status'] == 'planned'} - finished)))
PY
}

# --- the recipe, from the docs ----------------------------------------------------------------
block() { # block NAME: the fenced block after <!-- slurm-check: NAME -->
	awk -v name="$1" '
		$0 == "<!-- slurm-check: " name " -->" { want = 1; next }
		want == 1 && /^```/ { want = 2; next }
		want == 2 && /^```/ { exit }
		want == 2 { print }' "$DOC"
}
RECIPE=$WORK/submit
mkdir -p "$RECIPE" "$WORK/data"
block denoise.sh >"$RECIPE/denoise.sh.doc"
block submit >"$RECIPE/submit.sh"
block rerun >"$RECIPE/rerun.sh"
for f in denoise.sh.doc submit.sh rerun.sh; do
	[ -s "$RECIPE/$f" ] || fail "no '${f%.doc}' block in $DOC"
done
grep -q -- "--array=0-$((SHARDS - 1))" "$RECIPE/denoise.sh.doc" && grep -q "^N=$SHARDS " "$RECIPE/denoise.sh.doc" ||
	fail "the docs' denoise.sh no longer has --array=0-$((SHARDS - 1)) and N=$SHARDS: update this check"
grep -q -- "--array=$SHARD " "$RECIPE/rerun.sh" || fail "the docs' rerun block no longer reruns shard $SHARD"
# the four settings, each on one line of its own: set to this check's folders
python3 - "$RECIPE/denoise.sh.doc" "$RECIPE/denoise.sh" "FIJI_GAN=$ROOT" "MODEL=denoise" \
	"IN=$WORK/data/plate7" "OUT=$WORK/out/plate7-denoised" <<'PY' || fail "the docs' denoise.sh settings changed"
import re, shlex, sys
text = open(sys.argv[1]).read()
for setting in sys.argv[3:]:
    name, value = setting.split('=', 1)
    text, n = re.subn(r'^' + name + r'=.*$', name + '=' + shlex.quote(value), text, flags=re.M)
    if n != 1:
        sys.exit(f'{name}= is on {n} lines of denoise.sh, not 1')
open(sys.argv[2], 'w').write(text)
PY
chmod +x "$RECIPE/denoise.sh"

# --- images and the one-process reference -----------------------------------------------------
python3 - "$WORK/data/plate7" "$IMAGES" "$SIZE" <<'PY'
# noisy 8-bit PGM images in two sub-folders, from a fixed seed
import math, os, random, sys
root, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(20240229)
for i in range(count):
    folder = os.path.join(root, 'row-' + 'ab'[i % 2])
    os.makedirs(folder, exist_ok=True)
    fx, fy, phase = rnd.uniform(9, 40), rnd.uniform(9, 40), rnd.uniform(0, 6.3)
    gauss = rnd.gauss
    px = bytearray(size * size)
    for y in range(size):
        base = 110 + 50 * math.cos(y / fy + phase)
        row = y * size
        for x in range(size):
            v = base * (0.7 + 0.3 * math.sin(x / fx)) + gauss(0, 25)
            px[row + x] = 0 if v < 0 else 255 if v > 255 else int(v)
    with open(os.path.join(folder, 'w%02d.pgm' % i), 'wb') as f:
        f.write(b'P5\n%d %d\n255\n' % (size, size))
        f.write(px)
PY
say "$IMAGES noisy ${SIZE}x$SIZE 8-bit images in two sub-folders"
"$ROOT/fiji-gan" --version >/dev/null # builds target/ once, before the tasks start
"$ROOT/fiji-gan" denoise --model denoise --input "$WORK/data/plate7" --output "$WORK/reference" \
	--normalize range --device cpu --threads 1 >"$WORK/log/reference.log" 2>&1 ||
	fail "the one-process run failed: $(cat "$WORK/log/reference.log")"
say "one process, --threads 1: $(head -n 1 "$WORK/log/reference.log")"

# --- submit, cancel one shard mid-run, merge ---------------------------------------------------
cd "$RECIPE"
ids=$(bash -eu -c "$(cat submit.sh)
echo \"\$JOB\"" | submitted)
JOB=$(echo "$ids" | tail -n 1)
MERGE=$(echo "$ids" | head -n 1)
[ -n "$JOB" ] && [ -n "$MERGE" ] && [ "$JOB" != "$MERGE" ] || fail "could not read the job ids the submit block printed: $ids"
jobs_submitted="$JOB $MERGE"
[ -d logs ] || fail "the submit block did not create logs/"
say "submit block: array job $JOB ($SHARDS tasks, 4 CPUs each), merge job $MERGE (afterany)"

OUT=$WORK/out/plate7-denoised
PART=$OUT/manifest.part-$SHARD-of-$SHARDS.csv
deadline=$(($(date +%s) + 1200))
while :; do
	state=$(field "${JOB}_$SHARD" JobState)
	if [ "$state" = RUNNING ] && [ -f "$PART" ]; then
		counts=$(statuses "$PART")
		case " $counts " in *" done="*) break ;; esac
	fi
	case $state in COMPLETED | FAILED | CANCELLED | TIMEOUT) fail "task ${JOB}_$SHARD ended ($state) before it could be cancelled midway: use larger images (SLURM_CHECK_SIZE)" ;; esac
	[ "$(date +%s)" -lt $deadline ] || fail "task ${JOB}_$SHARD did not start writing within 20 minutes"
	sleep 0.2
done
scancel "${JOB}_$SHARD"
wait_ended "$JOB" "$MERGE"
state=$(field "${JOB}_$SHARD" JobState)
[ "$state" = CANCELLED ] || fail "task ${JOB}_$SHARD is $state after scancel, not CANCELLED"
lost=$(unfinished "$PART")
[ -n "$lost" ] || fail "task ${JOB}_$SHARD finished all its images before the cancel took effect: use larger images (SLURM_CHECK_SIZE)"
for ((t = 0; t < SHARDS; t++)); do
	[ "$t" = $SHARD ] && continue
	s=$(field "${JOB}_$t" JobState) e=$(field "${JOB}_$t" ExitCode)
	[ "$s" = COMPLETED ] && [ "$e" = 0:0 ] || fail "task ${JOB}_$t: $s, exit $e (see $RECIPE/logs)"
done
say "cancelled task ${JOB}_$SHARD after it wrote $(statuses "$PART" | grep -oE 'done=[0-9]+' | cut -d= -f2) image(s); its part: $(statuses "$PART"); the other $((SHARDS - 1)) tasks COMPLETED, exit 0:0"

s=$(field "$MERGE" JobState) e=$(field "$MERGE" ExitCode)
mlog=$(ls logs/merge-plate7-"$MERGE"* 2>/dev/null | head -n 1)
[ -n "$mlog" ] || fail "no log of merge job $MERGE in $RECIPE/logs"
[ "$s" = FAILED ] && [ "$e" = 1:0 ] || fail "the merge after a cancelled shard ended $s with exit $e, not FAILED 1:0: $(cat "$mlog")"
grep -q "shard $SHARD/$SHARDS (" "$mlog" || fail "the failed merge does not name shard $SHARD/$SHARDS: $(cat "$mlog")"
for o in $lost; do
	grep -qF "$o" "$mlog" || fail "the failed merge does not name $o: $(cat "$mlog")"
done
[ ! -f "$OUT/manifest.csv" ] || fail "the failed merge wrote $OUT/manifest.csv"
say "merge job $MERGE: FAILED, exit 1:0, named all $(echo "$lost" | wc -l) missing images of shard $SHARD/$SHARDS, wrote no manifest.csv:"
indent "$mlog"

# --- rerun the shard alone, merge again ---------------------------------------------------------
ids=$(bash -eu -c "$(cat rerun.sh)
echo \"\$JOB\"" | submitted)
JOB2=$(echo "$ids" | tail -n 1)
MERGE2=$(echo "$ids" | head -n 1)
jobs_submitted="$JOB2 $MERGE2"
wait_ended "$JOB2" "$MERGE2"
s=$(field "$JOB2" JobState) e=$(field "$JOB2" ExitCode)
[ "$s" = COMPLETED ] && [ "$e" = 0:0 ] || fail "the rerun (job $JOB2) ended $s, exit $e"
task=$(field "$JOB2" ArrayTaskId)
[ "$task" = $SHARD ] || fail "the rerun ran array task '$task', not $SHARD"
counts=$(statuses "$PART")
skipped=$(echo "$counts" | grep -oE 'skipped=[0-9]+' | cut -d= -f2)
[ -n "$skipped" ] || fail "the rerun of shard $SHARD redid everything: $counts"
[ -z "$(unfinished "$PART")" ] || fail "the rerun of shard $SHARD left images unwritten"
s=$(field "$MERGE2" JobState) e=$(field "$MERGE2" ExitCode)
mlog=$(ls logs/merge-plate7-"$MERGE2"* | head -n 1)
[ "$s" = COMPLETED ] && [ "$e" = 0:0 ] || fail "the merge after the rerun ended $s, exit $e: $(cat "$mlog")"
say "rerun block: task ${JOB2}_$SHARD COMPLETED ($skipped image(s) skipped as complete, the rest written; part: $counts); merge job $MERGE2 COMPLETED, exit 0:0:"
indent "$mlog"

# --- the Slurm run against the one-process run -------------------------------------------------
rows=$(statuses "$OUT/manifest.csv")
total=$(echo "$rows" | tr ' ' '\n' | awk -F= '$1 == "done" || $1 == "skipped" { n += $2 } END { print n + 0 }')
[ "$total" = "$IMAGES" ] && ! echo "$rows" | grep -qE 'failed|planned' ||
	fail "manifest.csv has $rows, not $IMAGES done or skipped rows"
diff -r -q -x 'manifest*' "$WORK/reference" "$OUT" >"$WORK/log/diff.txt" 2>&1 ||
	fail "the Slurm run's files differ from the one-process run's: $(cat "$WORK/log/diff.txt")"
files=$(find "$OUT" -type f ! -name 'manifest*' | wc -l)
[ "$files" = "$IMAGES" ] || fail "$files result files, not $IMAGES"
say "the $files result files of the Slurm run (4 threads a task) equal the one-process run's (1 thread) byte for byte; manifest.csv: $rows"
say "PASSED in $(($(date +%s) - started)) s"
