//! Persistence for development use (`--data-dir`): the store is mirrored into one `redb` file, so
//! that a developer's users, tokens (their signing key and revocations), threads, messages,
//! participants, read receipts and event subscriptions survive a restart.
//!
//! Every request that changed the store writes what it changed in one transaction before its
//! lock is released (see [`Store::flush`]): the users, thread headers and messages it touched,
//! never the whole store. Messages are keyed by thread and sequence number, so appending one
//! writes one record.
//!
//! `redb` rather than SQLite: it is pure Rust (nothing to compile in C on a developer's machine or
//! in CI), it stores typed key/value tables, which is the shape of this store, and it commits
//! crash-safely.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use redb::{Database, ReadableTable, TableDefinition, TableHandle};
use serde::{de::DeserializeOwned, Serialize};

use super::{MessageRecord, Store, ThreadRecord, UserRecord};
use crate::EmulatorError;

const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
const USERS: TableDefinition<&str, &[u8]> = TableDefinition::new("users");
const THREADS: TableDefinition<&str, &[u8]> = TableDefinition::new("threads");
const MESSAGES: TableDefinition<(&str, u64), &[u8]> = TableDefinition::new("messages");
const REPEATABILITY: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("repeatability");
const ASSIGNMENTS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("assignments");
const SUBSCRIPTIONS: TableDefinition<u64, &[u8]> = TableDefinition::new("event_subscriptions");

/// The file's mark: what wrote it, and the layout's version.
const FORMAT: &[u8] = b"acs_emulator data 1";
/// The file in the data folder.
pub(crate) const FILE_NAME: &str = "acs_emulator.redb";

/// What changed since the last flush.
#[derive(Debug, Default)]
pub(crate) struct Dirty {
    pub(super) users: BTreeSet<String>,
    pub(super) threads: BTreeSet<String>,
    pub(super) counter: bool,
    pub(super) repeatability: BTreeSet<(String, String)>,
    pub(super) assignments: bool,
}

impl Dirty {
    fn is_empty(&self) -> bool {
        self.users.is_empty()
            && self.threads.is_empty()
            && !self.counter
            && self.repeatability.is_empty()
            && !self.assignments
    }
}

/// The open data file.
pub(crate) struct Disk {
    db: Database,
    path: PathBuf,
}

impl std::fmt::Debug for Disk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Disk").field("path", &self.path).finish()
    }
}

/// The settings kept beside the store: they make tokens and the connection string outlive a restart.
#[derive(Debug, Default)]
pub(crate) struct Kept {
    /// The token signing secret.
    pub(crate) signing_secret: Option<[u8; 32]>,
    /// The access key of the connection string.
    pub(crate) access_key: Option<String>,
    /// The event subscriptions, as JSON.
    pub(crate) subscriptions: Vec<serde_json::Value>,
}

fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    // The records are plain data (strings, numbers, maps with string keys): this cannot fail.
    serde_json::to_vec(value).unwrap_or_default()
}

fn from_json<T: DeserializeOwned>(path: &Path, what: &str, bytes: &[u8]) -> Result<T, EmulatorError> {
    serde_json::from_slice(bytes)
        .map_err(|e| EmulatorError::Config(format!("{}: a stored {what} is unreadable ({e})", path.display())))
}

fn storage(path: &Path) -> impl Fn(redb::Error) -> EmulatorError + '_ {
    move |e| EmulatorError::Config(format!("{}: {e}", path.display()))
}

impl Store {
    /// Opens (or creates) the data file in `dir` and loads the store from it. A `resource_id`
    /// that differs from the file's is refused.
    pub(crate) fn open(dir: &Path, resource_id: Option<String>) -> Result<(Store, Kept), EmulatorError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| EmulatorError::Config(format!("cannot create the data folder {}: {e}", dir.display())))?;
        let path = dir.join(FILE_NAME);
        let db = Database::create(&path).map_err(|e| {
            let why = match e {
                redb::DatabaseError::DatabaseAlreadyOpen => "another emulator is using it".to_owned(),
                other => format!("it is not an acs_emulator data file, or it is damaged ({other})"),
            };
            EmulatorError::Config(format!("cannot open {}: {why}", path.display()))
        })?;
        let fail = storage(&path);
        let read = db.begin_read().map_err(|e| fail(e.into()))?;
        let tables: Vec<String> =
            read.list_tables().map_err(|e| fail(e.into()))?.map(|t| t.name().to_owned()).collect();
        if tables.is_empty() {
            drop(read);
            let resource_id = resource_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            let mut store = Store::new(resource_id.clone());
            let write = db.begin_write().map_err(|e| fail(e.into()))?;
            {
                let mut meta = write.open_table(META).map_err(|e| fail(e.into()))?;
                meta.insert("format", FORMAT).map_err(|e| fail(e.into()))?;
                meta.insert("resource_id", resource_id.as_bytes()).map_err(|e| fail(e.into()))?;
            }
            write.commit().map_err(|e| fail(e.into()))?;
            store.disk = Some(Disk { db, path: path.clone() });
            return Ok((store, Kept::default()));
        }
        let meta = read.open_table(META).map_err(|_| foreign(&path))?;
        let text = |key: &str| -> Result<Option<Vec<u8>>, EmulatorError> {
            Ok(meta.get(key).map_err(|e| fail(e.into()))?.map(|v| v.value().to_vec()))
        };
        if text("format")?.as_deref() != Some(FORMAT) {
            return Err(foreign(&path));
        }
        let stored_id = String::from_utf8(text("resource_id")?.unwrap_or_default()).unwrap_or_default();
        if let Some(wanted) = resource_id.filter(|wanted| *wanted != stored_id) {
            return Err(EmulatorError::Config(format!(
                "{} holds the resource {stored_id}, not {wanted}: use another data folder",
                path.display()
            )));
        }
        let mut store = Store::new(stored_id);
        let mut kept = Kept::default();
        if let Some(counter) = text("thread_counter")? {
            store.thread_counter = from_json(&path, "counter", &counter)?;
        }
        if let Some(secret) = text("signing_secret")? {
            kept.signing_secret = Some(from_json(&path, "signing secret", &secret)?);
        }
        if let Some(key) = text("access_key")? {
            kept.access_key = Some(from_json(&path, "access key", &key)?);
        }
        let table_names: BTreeSet<&str> = tables.iter().map(String::as_str).collect();
        if table_names.contains(USERS.name()) {
            for entry in read.open_table(USERS).map_err(|e| fail(e.into()))?.iter().map_err(|e| fail(e.into()))? {
                let (id, user) = entry.map_err(|e| fail(e.into()))?;
                store.users.insert(id.value().to_owned(), from_json::<UserRecord>(&path, "user", user.value())?);
            }
        }
        if table_names.contains(THREADS.name()) {
            for entry in read.open_table(THREADS).map_err(|e| fail(e.into()))?.iter().map_err(|e| fail(e.into()))? {
                let (id, thread) = entry.map_err(|e| fail(e.into()))?;
                store
                    .threads
                    .insert(id.value().to_owned(), from_json::<ThreadRecord>(&path, "thread", thread.value())?);
            }
        }
        if table_names.contains(MESSAGES.name()) {
            let messages = read.open_table(MESSAGES).map_err(|e| fail(e.into()))?;
            for entry in messages.iter().map_err(|e| fail(e.into()))? {
                let (key, message) = entry.map_err(|e| fail(e.into()))?;
                let (thread_id, _) = key.value();
                let record: MessageRecord = from_json(&path, "message", message.value())?;
                let Some(thread) = store.threads.get_mut(thread_id) else {
                    return Err(EmulatorError::Config(format!(
                        "{}: a message of the unknown thread {thread_id}",
                        path.display()
                    )));
                };
                thread.message_index.insert(record.message.id.clone(), thread.messages.len());
                thread.messages.push(record);
            }
        }
        if table_names.contains(REPEATABILITY.name()) {
            let table = read.open_table(REPEATABILITY).map_err(|e| fail(e.into()))?;
            for entry in table.iter().map_err(|e| fail(e.into()))? {
                let (key, result) = entry.map_err(|e| fail(e.into()))?;
                let (caller, id) = key.value();
                store.repeatability.insert(
                    (caller.to_owned(), id.to_owned()),
                    from_json(&path, "repeatability result", result.value())?,
                );
            }
        }
        if table_names.contains(ASSIGNMENTS.name()) {
            let table = read.open_table(ASSIGNMENTS).map_err(|e| fail(e.into()))?;
            for entry in table.iter().map_err(|e| fail(e.into()))? {
                let (key, body) = entry.map_err(|e| fail(e.into()))?;
                let (tenant, object) = key.value();
                store
                    .assignments
                    .insert((tenant.to_owned(), object.to_owned()), from_json(&path, "assignment", body.value())?);
            }
        }
        if table_names.contains(SUBSCRIPTIONS.name()) {
            let table = read.open_table(SUBSCRIPTIONS).map_err(|e| fail(e.into()))?;
            for entry in table.iter().map_err(|e| fail(e.into()))? {
                let (_, subscription) = entry.map_err(|e| fail(e.into()))?;
                kept.subscriptions.push(from_json(&path, "event subscription", subscription.value())?);
            }
        }
        drop(read);
        tracing::info!(
            path = %path.display(),
            users = store.users.len(),
            threads = store.threads.len(),
            "loaded the emulator's data"
        );
        store.disk = Some(Disk { db, path: path.clone() });
        Ok((store, kept))
    }

    /// Writes the settings kept beside the store (no-op without a data file).
    pub(crate) fn keep(&mut self, kept: &Kept) -> Result<(), EmulatorError> {
        let Some(disk) = &self.disk else { return Ok(()) };
        let fail = storage(&disk.path);
        let write = disk.db.begin_write().map_err(|e| fail(e.into()))?;
        {
            let mut meta = write.open_table(META).map_err(|e| fail(e.into()))?;
            if let Some(secret) = &kept.signing_secret {
                meta.insert("signing_secret", to_json(secret).as_slice()).map_err(|e| fail(e.into()))?;
            }
            if let Some(key) = &kept.access_key {
                meta.insert("access_key", to_json(key).as_slice()).map_err(|e| fail(e.into()))?;
            }
            write.delete_table(SUBSCRIPTIONS).map_err(|e| fail(e.into()))?;
            let mut subscriptions = write.open_table(SUBSCRIPTIONS).map_err(|e| fail(e.into()))?;
            for (index, subscription) in kept.subscriptions.iter().enumerate() {
                subscriptions.insert(index as u64, to_json(subscription).as_slice()).map_err(|e| fail(e.into()))?;
            }
        }
        write.commit().map_err(|e| fail(e.into()))
    }

    /// Writes what changed since the last flush, in one transaction (no-op without a data file).
    /// On failure the changes stay marked, and the next flush tries them again.
    pub(crate) fn flush(&mut self) -> Result<(), EmulatorError> {
        let Some(disk) = &self.disk else {
            for id in std::mem::take(&mut self.dirty.threads) {
                if let Some(thread) = self.threads.get_mut(&id) {
                    thread.changed_messages.clear();
                }
            }
            self.dirty = Dirty::default();
            return Ok(());
        };
        if self.dirty.is_empty() {
            return Ok(());
        }
        let fail = storage(&disk.path);
        let write = disk.db.begin_write().map_err(|e| fail(e.into()))?;
        let mut written_messages: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        {
            let mut users = write.open_table(USERS).map_err(|e| fail(e.into()))?;
            for id in &self.dirty.users {
                if let Some(user) = self.users.get(id) {
                    users.insert(id.as_str(), to_json(user).as_slice()).map_err(|e| fail(e.into()))?;
                }
            }
            let mut threads = write.open_table(THREADS).map_err(|e| fail(e.into()))?;
            let mut messages = write.open_table(MESSAGES).map_err(|e| fail(e.into()))?;
            for id in &self.dirty.threads {
                let Some(thread) = self.threads.get(id) else { continue };
                threads.insert(id.as_str(), to_json(thread).as_slice()).map_err(|e| fail(e.into()))?;
                for &index in &thread.changed_messages {
                    let record = &thread.messages[index];
                    messages
                        .insert((id.as_str(), record.seq), to_json(record).as_slice())
                        .map_err(|e| fail(e.into()))?;
                }
                written_messages.insert(id.clone(), thread.changed_messages.iter().copied().collect());
            }
            let mut meta = write.open_table(META).map_err(|e| fail(e.into()))?;
            if self.dirty.counter {
                meta.insert("thread_counter", to_json(&self.thread_counter).as_slice()).map_err(|e| fail(e.into()))?;
            }
            let mut repeatability = write.open_table(REPEATABILITY).map_err(|e| fail(e.into()))?;
            for key in &self.dirty.repeatability {
                if let Some(result) = self.repeatability.get(key) {
                    repeatability
                        .insert((key.0.as_str(), key.1.as_str()), to_json(result).as_slice())
                        .map_err(|e| fail(e.into()))?;
                }
            }
            if self.dirty.assignments {
                let mut assignments = write.open_table(ASSIGNMENTS).map_err(|e| fail(e.into()))?;
                let stored: Vec<(String, String)> = assignments
                    .iter()
                    .map_err(|e| fail(e.into()))?
                    .filter_map(Result::ok)
                    .map(|(key, _)| {
                        let (tenant, object) = key.value();
                        (tenant.to_owned(), object.to_owned())
                    })
                    .collect();
                for key in stored.iter().filter(|key| !self.assignments.contains_key(*key)) {
                    assignments.remove((key.0.as_str(), key.1.as_str())).map_err(|e| fail(e.into()))?;
                }
                for (key, body) in &self.assignments {
                    assignments
                        .insert((key.0.as_str(), key.1.as_str()), to_json(body).as_slice())
                        .map_err(|e| fail(e.into()))?;
                }
            }
        }
        write.commit().map_err(|e| fail(e.into()))?;
        for (id, indexes) in written_messages {
            if let Some(thread) = self.threads.get_mut(&id) {
                for index in indexes {
                    thread.changed_messages.remove(&index);
                }
            }
        }
        self.dirty = Dirty::default();
        Ok(())
    }
}

fn foreign(path: &Path) -> EmulatorError {
    EmulatorError::Config(format!(
        "{} is a redb database of something else (or of another acs_emulator version): use another data folder",
        path.display()
    ))
}
