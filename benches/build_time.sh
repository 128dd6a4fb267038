#!/usr/bin/env bash
# What it costs a user to build on `theirstack`: the cold `cargo build` of a new binary crate
# that depends on it (default features) against one that depends on the same reqwest, serde and
# tokio features alone, in one run, each in a fresh target directory.
#
# Usage: benches/build_time.sh [--release] [--rounds N] [--out FILE]
# Both crates resolve their dependencies from the workspace's Cargo.lock, so both build the same
# versions; the `--timings` reports of both builds are kept beside the report.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
profile_flag=""
rounds=1
out="$repo/benches/out/build_time.md"
while [ $# -gt 0 ]; do
    case "$1" in
        --release) profile_flag="--release" ;;
        --rounds) rounds="$2"; shift ;;
        --out) out="$2"; shift ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
    shift
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$(dirname "$out")"

# The features the library turns on, read from its manifest, so the baseline stays the same.
reqwest_features='default-features = false, features = ["json", "query", "stream", "gzip", "http2", "rustls"]'
tokio_features='features = ["time", "sync", "rt"]'

new_crate() { # name, extra dependency lines, main body
    local dir="$work/$1"
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "$1"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$2

[workspace]
EOF
    printf '%s\n' "$3" >"$dir/src/main.rs"
    cp "$repo/Cargo.lock" "$dir/Cargo.lock"
}

new_crate with-theirstack "theirstack = { path = \"$repo\" }
tokio = { version = \"1\", $tokio_features }" \
'fn main() {
    let client = theirstack::Client::builder().build();
    println!("{}", client.is_ok());
}'

new_crate baseline "reqwest = { version = \"0.13\", $reqwest_features }
serde = { version = \"1\", features = [\"derive\"] }
serde_json = \"1\"
tokio = { version = \"1\", $tokio_features }" \
'#[derive(serde::Serialize, serde::Deserialize)]
struct Row { id: i64 }
fn main() {
    let client = reqwest::Client::builder().build();
    let row: Row = serde_json::from_str(r#"{"id": 1}"#).unwrap();
    println!("{} {}", client.is_ok(), serde_json::to_string(&row).unwrap());
}'

build() { # crate dir, target dir → seconds
    local start end
    start=$(date +%s.%N)
    (cd "$1" && CARGO_TARGET_DIR="$2" cargo build $profile_flag --offline --quiet "${@:3}" >/dev/null 2>"$2.log") \
        || { cat "$2.log" >&2; exit 1; }
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

rows=""
for round in $(seq 1 "$rounds"); do
    b=$(build "$work/baseline" "$work/target-baseline-$round" --timings)
    t=$(build "$work/with-theirstack" "$work/target-theirstack-$round" --timings)
    ratio=$(echo "scale=3; $t / $b" | bc)
    rows="$rows$(printf '| %s | %.1f s | %.1f s | %.2f× |' "$round" "$b" "$t" "$ratio")
"
    for which in baseline theirstack; do
        cp "$work/target-$which-$round/cargo-timings/cargo-timing.html" \
            "$(dirname "$out")/build_time_${which}_$round.html" 2>/dev/null || true
    done
done

{
    echo "Cold \`cargo build ${profile_flag:-(dev profile)}\`, $(nproc) cores, $(date -u +%F):"
    echo
    echo "| round | reqwest + serde + tokio alone | with theirstack | ratio |"
    echo "|---|---|---|---|"
    printf '%s' "$rows"
} | tee "$out"
