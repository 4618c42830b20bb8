//! Sending requests on `azure_core`: the parts a generated client calls.

pub mod body;
pub mod client;
pub mod errors;
pub mod form;
mod guard;
pub mod headers;
pub mod limits;
pub mod lro;
pub mod operation;
pub mod paging;
pub mod repeatability;
mod send;
pub mod url;
