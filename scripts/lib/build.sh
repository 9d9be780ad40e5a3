# build.sh: set up and build one meson build folder, for ./run and ./test
# (sourced by both, and by tests/scripts/test_run_and_test.sh). A folder
# that a failed or interrupted setup left half-made is set up again, and the
# first real error is what the user sees: the setup log lives beside the
# folder, never inside it, so no retry or --wipe overwrites or deletes it.

# ninja's or meson's words for a build folder that cannot be used as it is:
# build.ninja unreadable, or a regeneration that finds the tree invalid
# (another meson version, a damaged meson-private).
BSIM_INVALID_TREE="loading 'build.ninja'|not a valid build tree|meson setup --wipe|incompatible with the current version"

# Remove DIR when meson made it (it has meson-private/), so that a fresh
# setup starts from nothing; any other folder is left alone.
bsim_clear_build() { # dir
  [ -d "$1/meson-private" ] || return 0
  rm -rf -- "$1"
}

# bsim_setup DIR SETUP_LOG [MESON OPTIONS...]: a usable build folder, or
# return 1 after printing the setup log (the first error) on stderr.
bsim_setup() {
  local dir=$1 log=$2
  shift 2
  if [ -f "$dir/build.ninja" ] && [ -f "$dir/meson-private/coredata.dat" ]; then
    return 0 # ninja regenerates it when a meson.build changed
  fi
  # No build.ninja: an earlier setup failed or was stopped half-way.
  bsim_clear_build "$dir"
  if meson setup "$dir" "$@" >"$log" 2>&1; then
    return 0
  fi
  echo "meson setup $dir failed (the whole log: $log):" >&2
  cat "$log" >&2
  return 1
}

# bsim_build DIR SETUP_LOG BUILD_LOG [MESON OPTIONS...]: set up (as above)
# and build; a tree ninja finds unusable is set up again once. Returns 1
# after printing the error on stderr.
bsim_build() {
  local dir=$1 setup_log=$2 log=$3
  shift 3
  bsim_setup "$dir" "$setup_log" "$@" || return 1
  ninja -C "$dir" >"$log" 2>&1 && return 0
  if grep -qiE "$BSIM_INVALID_TREE" "$log"; then
    echo "$dir: not a usable build folder ($(grep -m1 -iE "$BSIM_INVALID_TREE" "$log")); setting it up again" >&2
    bsim_clear_build "$dir"
    bsim_setup "$dir" "$setup_log" "$@" || return 1
    ninja -C "$dir" >"$log" 2>&1 && return 0
  fi
  echo "ninja -C $dir failed (the whole log: $log):" >&2
  tail -40 "$log" >&2
  return 1
}
