#!/usr/bin/env bash
# Checks the manual pages and the shell completion against the real program:
#   - mandoc -T lint and groff -ww report nothing on docs/man/alliance-watch.8 and .toml.5;
#   - man -l renders both;
#   - alliance-watch.toml(5) documents every key of Config/alliance-watch.toml (and the
#     [digest] and [rules.<id>] keys of SPEC §7) under its table, with its default, and no
#     key that does not exist;
#   - alliance-watch(8) documents every subcommand and option of `alliance-watch --help`;
#   - the bash completion the binary generates completes subcommands and options in a real
#     bash with bash-completion; the zsh and fish scripts load in their shells;
#   - make install-man install-completions stages the files where the distributions look.
#
#   BINARY=/path/to/alliance-watch tests/man/check.sh     (default .build/release/alliance-watch)
#
# Prints one line per check and "N passed, N failed[, N skipped]"; exits 1 if any failed.
set -uo pipefail
cd "$(dirname "$0")/../.."

BINARY="${BINARY:-.build/release/alliance-watch}"
PAGE8=docs/man/alliance-watch.8
PAGE5=docs/man/alliance-watch.toml.5
CONFIG=Config/alliance-watch.toml

passed=0 failed=0 skipped=0
pass() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
skip() { skipped=$((skipped + 1)); echo "skip $*"; }
summary() {
  if [ "$skipped" -gt 0 ]; then echo "$passed passed, $failed failed, $skipped skipped"
  else echo "$passed passed, $failed failed"; fi
}

for tool in mandoc groff man python3 bash gzip make; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool (scripts/install-deps.sh installs it)"; echo "0 passed, 1 failed"; exit 1; }
done
[ -f /usr/share/bash-completion/bash_completion ] ||
  { echo "missing bash-completion (scripts/install-deps.sh installs it)"; echo "0 passed, 1 failed"; exit 1; }
[ -x "$BINARY" ] || { echo "$BINARY is missing: run 'make release' or set BINARY"; echo "0 passed, 1 failed"; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- (a) lint --------------------------------------------------------------------------
for page in "$PAGE8" "$PAGE5"; do
  out=$(mandoc -T lint -W warning "$page" 2>&1); rc=$?
  if [ $rc -eq 0 ] && [ -z "$out" ]; then pass "mandoc -T lint -W warning $page: nothing reported"
  else fail "mandoc -T lint -W warning $page (rc $rc): $out"; fi
  out=$(groff -man -ww -z "$page" 2>&1); rc=$?
  if [ $rc -eq 0 ] && [ -z "$out" ]; then pass "groff -man -ww -z $page: nothing reported"
  else fail "groff -man -ww -z $page (rc $rc): $out"; fi
done

# --- (b) man renders both pages ---------------------------------------------------------
for page in "$PAGE8" "$PAGE5"; do
  MANWIDTH=80 MAN_KEEP_FORMATTING= PAGER=cat MANPAGER=cat man -l "$page" >"$work/rendered" 2>"$work/man.err"; rc=$?
  lines=$(wc -l <"$work/rendered")
  if [ $rc -eq 0 ] && [ ! -s "$work/man.err" ] && [ "$lines" -gt 50 ] &&
     grep -q '^NAME' "$work/rendered" && grep -q '^SEE ALSO' "$work/rendered"; then
    pass "man -l $page renders $lines lines with NAME and SEE ALSO, no errors"
  else
    fail "man -l $page (rc $rc, $lines lines): $(head -c 400 "$work/man.err")"
  fi
done

# --- (c) every configuration key, under its table, with its default ----------------------
while IFS= read -r line; do
  case "$line" in
    "ok   "*) pass "${line#ok   }" ;;
    *) fail "${line#FAIL }" ;;
  esac
done < <(python3 tests/man/toml_keys.py "$CONFIG" "$PAGE5" 2>&1)

# --- (d) every subcommand and option of --help is in alliance-watch(8) --------------------
# The tags of the COMMANDS section: the first word of the line after each .TP.
commands_section=$(awk '/^\.SH /{inside = ($2 == "COMMANDS")} inside' "$PAGE8")
tagged=$(printf '%s\n' "$commands_section" | awk 'tp {sub(/^\.B[IR]? /, ""); gsub(/"/, ""); split($0, w, " "); print w[1]} {tp = ($0 == ".TP")}' | grep -v '^\\-' | sort -u)
subcommands=$("$BINARY" --help | awk '/^SUBCOMMANDS:/{inside=1; next} inside && /^  [a-z]/{print $1}' | sort -u)
if [ -z "$subcommands" ]; then
  fail "'$BINARY --help' lists no subcommands"
else
  missing=$(comm -23 <(echo "$subcommands") <(echo "$tagged") | tr '\n' ' ')
  if [ -z "$missing" ]; then pass "alliance-watch(8) documents every subcommand of --help: $(echo $subcommands)"
  else fail "alliance-watch(8) lacks subcommands of --help: $missing"; fi
  stale=$(comm -13 <(echo "$subcommands") <(echo "$tagged") | grep -vx help | tr '\n' ' ')
  if [ -z "$stale" ]; then pass "alliance-watch(8) documents no subcommand the binary lacks"
  else fail "alliance-watch(8) documents subcommands the binary lacks: $stale"; fi
fi
missing_options=""
option_count=0
for command in $subcommands; do
  for option in $("$BINARY" help "$command" | grep -oE '^  +--[a-z][a-z-]*' | tr -d ' ' | sort -u); do
    option_count=$((option_count + 1))
    grep -qF -- "$(printf '%s' "$option" | sed 's/-/\\-/g')" "$PAGE8" || missing_options+="$command $option, "
  done
done
if [ "$option_count" -gt 0 ] && [ -z "$missing_options" ]; then
  pass "alliance-watch(8) documents every option of every subcommand ($option_count)"
else
  fail "alliance-watch(8) lacks options: ${missing_options:-none found in --help}"
fi
for code in 0 1 2 3; do
  awk '/^\.SH /{inside = ($0 ~ /EXIT STATUS/)} inside' "$PAGE8" | grep -qx "\.B $code" || { missing_code=$code; break; }
done
if [ -z "${missing_code:-}" ]; then pass "alliance-watch(8) EXIT STATUS names 0, 1, 2 and 3"
else fail "alliance-watch(8) EXIT STATUS lacks $missing_code"; fi
# Every message id of the catalog, so that journalctl MESSAGE_ID= recipes can be built from the page.
ids=$(grep -oE '^-- [0-9a-f]{32}' systemd/alliance-watch.catalog | cut -c4- | sort -u)
missing_ids=""
for id in $ids; do grep -q "$id" "$PAGE8" || missing_ids+="$id "; done
if [ -n "$ids" ] && [ -z "$missing_ids" ]; then pass "alliance-watch(8) names all $(echo "$ids" | wc -l) message ids of the catalog"
else fail "alliance-watch(8) lacks message ids: ${missing_ids:-no ids in the catalog}"; fi

# --- (e) shell completion -----------------------------------------------------------------
"$BINARY" --generate-completion-script bash >"$work/alliance-watch.bash" 2>"$work/gen.err"
if [ ! -s "$work/alliance-watch.bash" ]; then
  fail "--generate-completion-script bash printed nothing: $(head -c 300 "$work/gen.err")"
else
  # Completes WORDS... (the last one is being typed) as bash would on TAB; prints COMPREPLY.
  complete_words() {
    bash --norc --noprofile -c '
      shopt -s extglob progcomp
      source /usr/share/bash-completion/bash_completion
      source "$1"; shift
      COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 ))
      COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
      function=$(complete -p alliance-watch | sed -E "s/.* -F ([^ ]+) .*/\1/")
      "$function" alliance-watch "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
      printf "%s\n" "${COMPREPLY[@]}"
    ' complete "$work/alliance-watch.bash" "$@" 2>&1
  }
  for case in "ca:caseload" "h:history" "che:check-config" "caseload --cl:--clinician" "history C-1 --ep:--episode"; do
    typed=${case%%:*} want=${case#*:}
    # shellcheck disable=SC2086
    offered=$(complete_words alliance-watch $typed)
    if printf '%s\n' "$offered" | grep -qxF -- "$want"; then
      pass "bash completion of 'alliance-watch $typed' offers $want ($(echo $offered))"
    else
      fail "bash completion of 'alliance-watch $typed' does not offer $want: '$(echo $offered)'"
    fi
  done
  offered=$(complete_words alliance-watch ca)
  if ! printf '%s\n' "$offered" | grep -qx history; then pass "bash completion of 'alliance-watch ca' offers no unrelated subcommand"
  else fail "bash completion of 'alliance-watch ca' also offers history: '$(echo $offered)'"; fi
fi
"$BINARY" --generate-completion-script zsh >"$work/_alliance-watch" 2>/dev/null
if head -1 "$work/_alliance-watch" | grep -qx '#compdef alliance-watch' && grep -q caseload "$work/_alliance-watch"; then
  if command -v zsh >/dev/null; then
    out=$(zsh -n "$work/_alliance-watch" 2>&1) && pass "zsh completion: #compdef alliance-watch, names caseload, zsh -n accepts it" ||
      fail "zsh -n rejects the zsh completion: $out"
  else
    pass "zsh completion: #compdef alliance-watch, names caseload"; skip "zsh not installed: zsh -n not run"
  fi
else
  fail "zsh completion script is not a #compdef alliance-watch script naming caseload"
fi
"$BINARY" --generate-completion-script fish >"$work/alliance-watch.fish" 2>/dev/null
if grep -q 'complete -c .*alliance-watch' "$work/alliance-watch.fish" && grep -q caseload "$work/alliance-watch.fish"; then
  if command -v fish >/dev/null; then
    out=$(fish --no-config -c "source $work/alliance-watch.fish; complete -C 'alliance-watch ca'" 2>&1)
    if printf '%s\n' "$out" | grep -q '^caseload'; then pass "fish completion of 'alliance-watch ca' offers caseload"
    else fail "fish completion of 'alliance-watch ca' does not offer caseload: $(echo $out | head -c 300)"; fi
  else
    pass "fish completion: complete -c alliance-watch, names caseload"; skip "fish not installed: completion not run"
  fi
else
  fail "fish completion script has no 'complete -c alliance-watch' naming caseload"
fi

# --- make install-man install-completions stages the pages and the completions ----------
stage="$work/stage"
if out=$(make --no-print-directory install-man install-completions DESTDIR="$stage" BINARY="$BINARY" 2>&1); then
  problems=""
  for pair in "share/man/man8/alliance-watch.8.gz:$PAGE8" "share/man/man5/alliance-watch.toml.5.gz:$PAGE5"; do
    file="$stage/usr/${pair%%:*}"
    { [ -f "$file" ] && gzip -dc "$file" | cmp -s - "${pair#*:}"; } || problems+="${pair%%:*} "
  done
  for pair in "share/bash-completion/completions/alliance-watch:$work/alliance-watch.bash" \
              "share/zsh/vendor-completions/_alliance-watch:$work/_alliance-watch" \
              "share/fish/vendor_completions.d/alliance-watch.fish:$work/alliance-watch.fish"; do
    cmp -s "$stage/usr/${pair%%:*}" "${pair#*:}" || problems+="${pair%%:*} "
  done
  if [ -z "$problems" ]; then pass "make install-man install-completions stages 2 gzipped pages and 3 completion scripts under \$(PREFIX)/share"
  else fail "make install-man install-completions: wrong or missing $problems"; fi
  if MANPAGER=cat man -M "$stage/usr/share/man" alliance-watch.toml 2>/dev/null | grep -q 'ALLIANCE-WATCH.TOML(5)'; then
    pass "man -M STAGE alliance-watch.toml finds the installed page by name"
  else
    fail "man -M $stage/usr/share/man alliance-watch.toml does not find the page"
  fi
else
  fail "make install-man install-completions DESTDIR=... failed: $(echo "$out" | tail -3)"
fi

summary
[ "$failed" -eq 0 ]
