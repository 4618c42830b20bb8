//! Project automation: regenerate and check `generated/`, pin specs, run the corpus of real specs,
//! keep the golden fixture crates, and benchmark the generator.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod bench;
mod corpus;
mod fixtures;
mod pin;
mod regen;
mod specs;
mod sync;
mod workspace;

use specs::{Specs, SpecsArgs};

const USAGE: &str = "\
usage: cargo xtask regen [--check] [--report FILE] [--manifest FILE] [--out DIR] [SPECS]
       cargo xtask pin SERVICE SPEC_PATH [--commit SHA] [--manifest FILE] [SPECS]
       cargo xtask pin --check [--manifest FILE] [SPECS]
       cargo xtask corpus [--manifest FILE] [SPECS]
       cargo xtask fixtures [--check]
       cargo run --release -p xtask -- bench [SPECS]

  regen             write generated/ from the specs pinned in specs/specs.yaml, and print the
                    API-change report (each change patch, minor or major; refuses to write when
                    the declared crate version is too small a bump for the changes)
    --check         write nothing; print a diff and the report, and fail if generated/ would
                    change or a version is too small
    --report FILE   also write the report as Markdown
    --manifest FILE the manifest to use (default specs/specs.yaml)
    --out DIR       the folder that holds generated/ (default: the repository)
  pin               point SERVICE of the manifest at SPEC_PATH (below the specs root) and pin every
                    file it reads with its sha256 and commit (--commit SHA, else the commit of an
                    existing pin, of the git checkout, or of the root's SOURCES.md)
    --check         fail when a pinned file is no longer read or a read file is not pinned
  corpus            generate every spec of specs/corpus.yaml into target/corpus, then lint, build
                    and test it (examples and doc tests), one line per spec and a total
  fixtures          write codegen/golden (the golden crates of codegen/tests/fixtures)
    --check         print a diff and fail if codegen/golden would change
  bench             time a regen of every service and the corpus, stage by stage, and count
                    generated lines per operation

SPECS: where the pinned spec files are read from:
  --specs-root DIR  a checkout of Azure/azure-rest-api-specs (else $AZURE_REST_API_SPECS, else
                    ../shared/specs beside the repository, else fetched by commit:)
  --specs-url URL   the base of raw files by commit (default $ACS_SPECS_URL, else
                    https://raw.githubusercontent.com/Azure/azure-rest-api-specs); fetched files
                    are checked against their sha256 and cached in target/specs-cache";

enum Command {
    Regen(regen::RegenArgs),
    Pin { service: String, spec: String, commit: Option<String>, manifest: Option<PathBuf> },
    PinCheck { manifest: Option<PathBuf> },
    Corpus { manifest: Option<PathBuf> },
    Fixtures { check: bool },
    Bench,
}

fn parse_args() -> Result<(Command, SpecsArgs), String> {
    let mut args = std::env::args().skip(1);
    let command = args.next().ok_or_else(|| USAGE.to_string())?;
    let mut specs = SpecsArgs::default();
    let mut check = false;
    let mut manifest = None;
    let mut out = None;
    let mut commit = None;
    let mut report = None;
    let mut positional = Vec::new();
    while let Some(arg) = args.next() {
        if specs.take(&arg, &mut args)? {
            continue;
        }
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value\n\n{USAGE}"));
        match arg.as_str() {
            "--check" => check = true,
            "--manifest" => manifest = Some(PathBuf::from(value("--manifest")?)),
            "--out" => out = Some(PathBuf::from(value("--out")?)),
            "--commit" => commit = Some(value("--commit")?),
            "--report" => report = Some(PathBuf::from(value("--report")?)),
            "-h" | "--help" => return Err(USAGE.to_string()),
            other if other.starts_with('-') => return Err(format!("unknown argument `{other}`\n\n{USAGE}")),
            other => positional.push(other.to_string()),
        }
    }
    let no_positional = |positional: &[String]| {
        positional.first().map_or(Ok(()), |p| Err(format!("unexpected argument `{p}`\n\n{USAGE}")))
    };
    let command = match command.as_str() {
        "regen" => {
            no_positional(&positional)?;
            Command::Regen(regen::RegenArgs { check, manifest, out, report })
        }
        "pin" if check => {
            no_positional(&positional)?;
            Command::PinCheck { manifest }
        }
        "pin" => match positional.as_slice() {
            [service, spec] => Command::Pin { service: service.clone(), spec: spec.clone(), commit, manifest },
            _ => return Err(format!("pin takes a service and a spec path\n\n{USAGE}")),
        },
        "corpus" => {
            no_positional(&positional)?;
            Command::Corpus { manifest }
        }
        "fixtures" => {
            no_positional(&positional)?;
            Command::Fixtures { check }
        }
        "bench" => Command::Bench,
        "-h" | "--help" | "help" => return Err(USAGE.to_string()),
        other => return Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    Ok((command, specs))
}

fn main() -> ExitCode {
    let (command, specs_args) = match parse_args() {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let repo = repo_root();
    let specs = Specs::resolve(&specs_args, &repo);
    let manifest_or = |manifest: Option<PathBuf>, default: &str| manifest.unwrap_or_else(|| repo.join(default));
    let outcome = match command {
        Command::Regen(args) => regen::run(&repo, &args, &specs),
        Command::Pin { service, spec, commit, manifest } => {
            pin::pin(&manifest_or(manifest, "specs/specs.yaml"), &service, &spec, commit.as_deref(), &specs)
                .map(|()| true)
        }
        Command::PinCheck { manifest } => pin::check(&manifest_or(manifest, "specs/specs.yaml"), &specs),
        Command::Corpus { manifest } => {
            corpus::run(&repo, &manifest_or(manifest, "specs/corpus.yaml"), &specs).map(|()| true)
        }
        Command::Fixtures { check } => fixtures::run(&repo, check),
        Command::Bench => bench::run(&repo, &specs).map(|()| true),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the repository").to_path_buf()
}
