//! `cargo run --release -p xtask -- bench`: how long a regen of the product specs and the corpus
//! takes, stage by stage; how many lines each operation costs, next to the official Python SDKs'
//! generated layers when they are installed (`pip install azure-communication-chat==1.3.0
//! azure-communication-identity==1.5.0`); and how each stage's time grows with a spec's size.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use acs_codegen::manifest::Manifest;
use acs_codegen::{generate, GenerateOptions, StageTimes};

const RUNS: usize = 30;

pub fn run(repo: &Path, specs: &crate::specs::Specs) -> Result<(), String> {
    let mut manifests = Vec::new();
    for file in ["specs/specs.yaml", "specs/corpus.yaml"] {
        let text = std::fs::read_to_string(repo.join(file)).map_err(|e| format!("{file}: {e}"))?;
        manifests.push((file, Manifest::parse(&text, file).map_err(|e| e.to_string())?));
    }
    let mut totals = Vec::new();
    let mut stages = Vec::new();
    let mut last = Vec::new();
    for _ in 0..RUNS + 1 {
        let start = Instant::now();
        let mut times = StageTimes::default();
        last.clear();
        for (_, manifest) in &manifests {
            let generated = generate(manifest, |entry| specs.reader(&entry.files), &GenerateOptions::default())
                .map_err(|e| e.to_string())?;
            times.load += generated.times.load;
            times.upgrade += generated.times.upgrade;
            times.lower += generated.times.lower;
            times.emit += generated.times.emit;
            last.push(generated);
        }
        totals.push(start.elapsed());
        stages.push(times);
    }
    // The first run warms the file cache; it is not counted.
    totals.remove(0);
    stages.remove(0);
    let files: usize = last.iter().map(|g| g.files.len()).sum();
    let services: usize = manifests.iter().map(|(_, m)| m.services.len()).sum();
    println!("regen of specs/specs.yaml and specs/corpus.yaml together ({services} specs, {files} files; {RUNS} runs, release build)");
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
    println!("| manifest    | service       | spec size | operations | models | Rust lines | Rust lines/op | Python lines/op |");
    println!("|-------------|---------------|-----------|------------|--------|------------|---------------|-----------------|");
    for ((file, manifest), generated) in manifests.iter().zip(&last) {
        let short = file.trim_start_matches("specs/");
        for (key, entry) in &manifest.services {
            let crate_files = |f: &&acs_codegen::GeneratedFile| {
                f.path.contains(&format!("/{}/", entry.models_crate))
                    || entry.rest_crate.as_ref().is_some_and(|r| f.path.contains(&format!("/{r}/")))
            };
            let lines: usize = generated
                .files
                .iter()
                .filter(|f| f.path.ends_with(".rs") && !f.path.ends_with("example_tests.rs"))
                .filter(crate_files)
                .map(|f| f.contents.lines().count())
                .sum();
            let stats = generated
                .stats
                .iter()
                .filter(|s| s.name == entry.models_crate || Some(&s.name) == entry.rest_crate.as_ref());
            let (operations, models) = stats.fold((0, 0), |(o, m), s| (o + s.operations, m + s.models));
            let spec_size: usize =
                entry.files.keys().map(|f| specs.reader(&entry.files).read(f).map_or(0, |t| t.len())).sum();
            let per_op = lines.checked_div(operations).map_or_else(|| "-".to_string(), |n| n.to_string());
            let python = match python_generated_lines(key) {
                Some((lines, ops)) if ops > 0 => format!("{}", lines / ops),
                _ => "-".to_string(),
            };
            println!(
                "| {short:<11} | {key:<13} | {:>6} KB | {operations:>10} | {models:>6} | {lines:>10} | {per_op:>13} | {python:>15} |",
                spec_size / 1024
            );
        }
    }
    println!();
    scaling()
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

/// Synthetic specs of growing size, for how each stage's time grows: models in `allOf` chains 30
/// deep (each inherits the one before), and independent models each with an operation.
pub fn scaling() -> Result<(), String> {
    println!("lowering time by spec size (release build, median of 5 runs)");
    println!("| spec                  | models | load     | upgrade  | lower    | emit     | total    |");
    println!("|-----------------------|--------|----------|----------|----------|----------|----------|");
    for (shape, make) in [("allOf chains, 30 deep", all_of_chains as fn(usize) -> String), ("1 op per model", wide)] {
        for size in [1_000, 2_000, 4_000] {
            let text = make(size);
            let mut runs = Vec::new();
            for _ in 0..5 {
                let mut times = StageTimes::default();
                let reader = |path: &str| if path == "spec.json" { Ok(text.clone()) } else { Err("none".to_string()) };
                let start = Instant::now();
                let (service, examples, _) =
                    acs_codegen::lower_spec(&reader, "spec.json", &Default::default(), &[], &mut times)
                        .map_err(|e| e.to_string())?;
                let emit_start = Instant::now();
                acs_codegen::fixture::emit_lowered("bench", &service, &examples).map_err(|e| e.to_string())?;
                times.emit = emit_start.elapsed();
                runs.push((times, start.elapsed()));
            }
            runs.sort_by_key(|(_, total)| *total);
            let (times, total) = &runs[runs.len() / 2];
            println!(
                "| {shape:<21} | {size:>6} | {:>8.2?} | {:>8.2?} | {:>8.2?} | {:>8.2?} | {:>8.2?} |",
                times.load, times.upgrade, times.lower, times.emit, total
            );
        }
    }
    Ok(())
}

/// `count` models in `allOf` chains 30 deep (the generator refuses chains over 32).
fn all_of_chains(count: usize) -> String {
    let definitions: Vec<String> = (0..count)
        .map(|i| {
            let parent = if i % 30 == 0 {
                String::new()
            } else {
                format!(r##""allOf": [{{ "$ref": "#/definitions/A{}" }}], "##, i - 1)
            };
            format!(r#""A{i}": {{ {parent}"type": "object", "properties": {{ "p{i}": {{ "type": "integer" }} }} }}"#)
        })
        .collect();
    format!(
        r#"{{ "swagger": "2.0", "info": {{ "title": "t", "version": "1" }}, "paths": {{}}, "definitions": {{ {} }} }}"#,
        definitions.join(",")
    )
}

fn wide(count: usize) -> String {
    let definitions: Vec<String> = (0..count)
        .map(|i| format!(r#""M{i}": {{ "type": "object", "properties": {{ "a": {{ "type": "string" }}, "b": {{ "type": "integer" }} }} }}"#))
        .collect();
    let paths: Vec<String> = (0..count)
        .map(|i| {
            format!(
                r##""/m{i}/{{id}}": {{ "get": {{ "operationId": "M{i}_Get", "parameters": [{{ "name": "id", "in": "path", "required": true, "type": "string" }}], "responses": {{ "200": {{ "description": "ok", "schema": {{ "$ref": "#/definitions/M{i}" }} }} }} }} }}"##
            )
        })
        .collect();
    format!(
        r#"{{ "swagger": "2.0", "info": {{ "title": "t", "version": "1" }}, "host": "example.com", "paths": {{ {} }}, "definitions": {{ {} }} }}"#,
        paths.join(","),
        definitions.join(",")
    )
}
