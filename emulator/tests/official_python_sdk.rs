//! Runs the scenario suite of `emulator/tests/python` (the official Azure SDKs for Python:
//! azure-communication-identity 1.5.0, azure-communication-chat 1.3.0) against a freshly started
//! emulator binary serving HTTPS.
//!
//! When the Python packages are missing, the test prints how to install them and passes, unless
//! the `CI` environment variable is set: then it fails.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn python() -> String {
    std::env::var("PYTHON").unwrap_or_else(|_| "python3".to_owned())
}

fn packages_installed() -> bool {
    Command::new(python())
        .args(["-c", "import azure.communication.chat, azure.communication.identity, pytest"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn official_python_sdks_against_the_emulator_binary() {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python");
    if !packages_installed() {
        let message = format!(
            "the official Python SDKs are not installed: run `{} -m pip install -r {}`",
            python(),
            suite.join("requirements.txt").display()
        );
        if std::env::var_os("CI").is_some() {
            panic!("{message}");
        }
        eprintln!("SKIPPED official_python_sdks_against_the_emulator_binary: {message}");
        return;
    }

    let ca_path: PathBuf = std::env::temp_dir().join(format!("acs-emulator-pytest-{}-ca.pem", std::process::id()));
    let child = Command::new(env!("CARGO_BIN_EXE_acs_emulator"))
        .args(["--tls", "--port", "0", "--log", "warn", "--ca-out"])
        .arg(&ca_path)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the emulator binary starts");
    let mut child = KillOnDrop(child);
    let stdout = child.0.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut printed = HashMap::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if line == "ACS_EMULATOR_READY=1" {
            break;
        }
        if let Some((key, value)) = line.split_once('=') {
            printed.insert(key.to_owned(), value.to_owned());
        }
    }
    let endpoint = printed.get("ACS_EMULATOR_ENDPOINT").expect("endpoint printed").clone();
    let connection_string = printed.get("ACS_EMULATOR_CONNECTION_STRING").expect("connection string printed").clone();
    let ca = printed.get("ACS_EMULATOR_CA_CERT").expect("CA path printed").clone();
    assert!(endpoint.starts_with("https://127.0.0.1:"), "{endpoint}");
    assert!(connection_string.starts_with(&format!("endpoint={endpoint};accesskey=")), "{connection_string}");
    assert_eq!(Path::new(&ca), ca_path.as_path());

    let status = Command::new(python())
        .args(["-m", "pytest", "-q", "-p", "no:cacheprovider"])
        .arg(&suite)
        .env("ACS_EMULATOR_ENDPOINT", &endpoint)
        .env("ACS_EMULATOR_CONNECTION_STRING", &connection_string)
        .env("REQUESTS_CA_BUNDLE", &ca)
        .env("SSL_CERT_FILE", &ca)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .status()
        .expect("pytest runs");
    drop(child);
    let _ = std::fs::remove_file(&ca_path);
    assert!(status.success(), "the official-SDK scenario suite failed ({status})");
}
