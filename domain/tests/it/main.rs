//! Integration tests of the pure core: renderings and the crate's own boundaries.

mod boundaries;
mod render;
