//! The ports crate's integration tests: one module per concern.

mod boundaries;
mod roles;
