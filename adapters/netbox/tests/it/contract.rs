//! placeholder until the real NetBox lands
