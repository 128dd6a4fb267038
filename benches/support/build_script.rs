//! The build script's own run time, and whether a no-op rebuild runs it again.
//!
//! Rule: the compiled `build-script-build` that cargo made for this benchmark's profile is run
//! directly, with only the variables it reads (`CARGO_MANIFEST_DIR`, `OUT_DIR`, and
//! `THEIRSTACK_OPENAPI` when set), into a scratch `OUT_DIR`; the rebuild check runs
//! `cargo build --lib -v` (with this build's features) twice and reads cargo's own verdict (`Running …build-script-build`
//! versus `Fresh theirstack`) for the second run.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use super::stats::Samples;

/// The newest `build-script-build` of this crate under the profile directory holding the
/// running benchmark (`target/release` for `cargo bench`).
pub fn find_script() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    // target/<profile>/deps/client-HASH → target/<profile>
    let profile_dir = exe.parent()?.parent()?.to_path_buf();
    let mut found: Vec<(std::time::SystemTime, PathBuf)> =
        std::fs::read_dir(profile_dir.join("build"))
            .ok()?
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("theirstack-"))
            .map(|e| e.path().join("build-script-build"))
            .filter(|p| p.is_file())
            .filter_map(|p| Some((p.metadata().ok()?.modified().ok()?, p)))
            .collect();
    found.sort();
    found.pop().map(|(_, p)| p)
}

/// Runs the script `runs` times; milliseconds per run.
pub fn time_script(script: &Path, runs: usize) -> Result<Samples, String> {
    let manifest_dir = env!("CARGO_MANIFEST_DIR");
    let out_dir = std::env::temp_dir().join(format!("theirstack-bench-out-{}", std::process::id()));
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    let mut samples = Samples::default();
    for _ in 0..runs {
        let started = Instant::now();
        let output = Command::new(script)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("CARGO_MANIFEST_DIR", manifest_dir)
            .env("OUT_DIR", &out_dir)
            .envs(std::env::var_os("THEIRSTACK_OPENAPI").map(|v| ("THEIRSTACK_OPENAPI", v)))
            .current_dir(manifest_dir)
            .output()
            .map_err(|e| e.to_string())?;
        let elapsed = started.elapsed();
        if !output.status.success() {
            return Err(format!(
                "the build script failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        samples.push_ms(elapsed);
    }
    let _ = std::fs::remove_dir_all(&out_dir);
    Ok(samples)
}

/// What cargo said about the build script in one `cargo build --lib -v`.
#[derive(Debug, Clone)]
pub struct BuildRun {
    /// Whether cargo ran `build-script-build`.
    pub ran_script: bool,
    /// Cargo's lines about this crate (`Fresh`, `Dirty`, `Running`, `Compiling`).
    pub lines: Vec<String>,
    /// Wall time of the whole cargo invocation, ms.
    pub wall_ms: f64,
    /// Whether cargo succeeded.
    pub ok: bool,
}

/// The crate features this benchmark was built with, so the rebuild check builds the same
/// library (a different feature set would be a different build, not a no-op one).
fn features() -> Vec<&'static str> {
    let mut on = Vec::new();
    if cfg!(feature = "rustls") {
        on.push("rustls");
    }
    if cfg!(feature = "native-tls") {
        on.push("native-tls");
    }
    on
}

/// Runs `cargo build --lib -v --no-default-features --features <this build's>` (dev profile).
pub fn cargo_build() -> Result<BuildRun, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let started = Instant::now();
    let output = Command::new(cargo)
        .args([
            "build",
            "--lib",
            "-v",
            "--no-default-features",
            "--features",
        ])
        .arg(features().join(","))
        .env("CARGO_TERM_COLOR", "never")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .map_err(|e| e.to_string())?;
    let wall_ms = started.elapsed().as_secs_f64() * 1e3;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines: Vec<String> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| {
            l.contains("theirstack v") && !l.starts_with("Running `")
                || l.starts_with("Running `") && l.contains("build-script-build")
        })
        .map(|l| {
            if l.len() > 160 {
                format!("{}…", &l[..super::data::floor_char_boundary(l, 160)])
            } else {
                l.to_string()
            }
        })
        .collect();
    let ran_script = lines
        .iter()
        .any(|l| l.starts_with("Running `") && l.contains("/theirstack-"));
    Ok(BuildRun {
        ran_script,
        lines,
        wall_ms,
        ok: output.status.success(),
    })
}
