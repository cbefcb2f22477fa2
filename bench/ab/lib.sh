# bench/ab/lib.sh: what run.sh and outputs.sh share. Sourced, not run.
#
# Each script checks out two revisions: sourcing sets root (the repository),
# work (a scratch directory) and a trap that removes both worktrees and
# work on exit. checkout SIDE REV then sets src to REV's source tree: the
# working tree itself for ".", otherwise a git worktree of REV under work.

root=$(git rev-parse --show-toplevel)
work=$(mktemp -d)
trees=()
cleanup() {
	for t in "${trees[@]}"; do git -C "$root" worktree remove --force "$t" >/dev/null 2>&1 || true; done
	rm -rf "$work"
}
trap cleanup EXIT

checkout() {
	local side=$1 rev=$2
	if [[ $rev == . ]]; then
		src=$root
	else
		src=$work/src-$side
		git -C "$root" worktree add --quiet --detach "$src" "$rev"
		trees+=("$src")
	fi
	echo "building $side ($rev: $(git -C "$src" rev-parse --short HEAD)$([[ $rev == . ]] && echo ', working tree'))" >&2
}
