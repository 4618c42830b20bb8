//! `cargo run --release -p xtask -- bench`: how long a regen of every service takes, stage by stage,
//! and how many lines each operation costs, next to the official Python SDKs' generated layers when
//! they are installed (`pip install azure-communication-chat==1.3.0 azure-communication-identity==1.5.0`).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use acs_codegen::manifest::Manifest;
use acs_codegen::{generate, GenerateOptions, StageTimes};

const RUNS: usize = 30;

pub fn run(repo: &Path, specs: &crate::specs::Specs) -> Result<(), String> {
    let text = std::fs::read_to_string(repo.join("specs/specs.yaml")).map_err(|e| e.to_string())?;
    let manifest = Manifest::parse(&text, "specs/specs.yaml").map_err(|e| e.to_string())?;
    let mut totals = Vec::new();
    let mut stages = Vec::new();
    let mut last = None;
    for _ in 0..RUNS + 1 {
        let start = Instant::now();
        let generated = generate(&manifest, |entry| specs.reader(&entry.files), &GenerateOptions::default())
            .map_err(|e| e.to_string())?;
        totals.push(start.elapsed());
        stages.push(generated.times.clone());
        last = Some(generated);
    }
    // The first run warms the file cache; it is not counted.
    totals.remove(0);
    stages.remove(0);
    let generated = last.expect("at least one run");
    println!("regen of all services ({RUNS} runs, release build, {} files)", generated.files.len());
    println!("| stage   | median   | min      | max      |");
    println!("|---------|----------|----------|----------|");
    let stage = |f: fn(&StageTimes) -> Duration| stages.iter().map(f).collect::<Vec<_>>();
    for (name, mut times) in [
        ("load", stage(|s| s.load)),
        ("upgrade", stage(|s| s.upgrade)),
        ("lower", stage(|s| s.lower)),
        ("emit", stage(|s| s.emit)),
        ("total", totals.clone()),
    ] {
        times.sort();
        println!(
            "| {name:<7} | {:>8.2?} | {:>8.2?} | {:>8.2?} |",
            times[times.len() / 2],
            times[0],
            times[times.len() - 1]
        );
    }

    println!();
    println!("generated lines per operation (Rust: models + REST crate; Python: the package's _generated folder, sync + async)");
    println!("| service  | operations | Rust lines | Rust lines/op | Python lines | Python ops | Python lines/op |");
    println!("|----------|------------|------------|---------------|--------------|------------|-----------------|");
    for (key, entry) in &manifest.services {
        let lines: usize = generated
            .files
            .iter()
            .filter(|f| f.path.ends_with(".rs") && !f.path.ends_with("example_tests.rs"))
            .filter(|f| {
                f.path.contains(&format!("/{}/", entry.models_crate))
                    || entry.rest_crate.as_ref().is_some_and(|r| f.path.contains(&format!("/{r}/")))
            })
            .map(|f| f.contents.lines().count())
            .sum();
        let operations =
            generated.stats.iter().find(|s| Some(&s.name) == entry.rest_crate.as_ref()).map_or(0, |s| s.operations);
        let python = python_generated_lines(key);
        let (py_lines, py_ops, py_per_op) = match python {
            Some((lines, ops)) if ops > 0 => (lines.to_string(), ops.to_string(), format!("{}", lines / ops)),
            _ => ("not installed".to_string(), "-".to_string(), "-".to_string()),
        };
        println!(
            "| {key:<8} | {operations:>10} | {lines:>10} | {:>13} | {py_lines:>12} | {py_ops:>10} | {py_per_op:>15} |",
            lines / operations.max(1)
        );
    }
    Ok(())
}

/// Lines of Python and operations (request builders) in the official package's `_generated` folder.
fn python_generated_lines(service: &str) -> Option<(usize, usize)> {
    let module = match service {
        "chat" => "azure.communication.chat",
        "identity" => "azure.communication.identity",
        _ => return None,
    };
    let script = format!(
        "import os, re, {module} as m\n\
         d = os.path.join(os.path.dirname(m.__file__), '_generated')\n\
         lines = ops = 0\n\
         for root, _, files in os.walk(d):\n\
         \x20   for f in files:\n\
         \x20       if f.endswith('.py'):\n\
         \x20           text = open(os.path.join(root, f)).read()\n\
         \x20           lines += text.count('\\n')\n\
         \x20           ops += len(re.findall(r'^def build_\\w+_request', text, re.M))\n\
         print(lines, ops)"
    );
    let output = Command::new("python3").arg("-c").arg(script).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8(output.stdout).ok()?;
    let mut numbers = text.split_whitespace().filter_map(|n| n.parse().ok());
    Some((numbers.next()?, numbers.next()?))
}
