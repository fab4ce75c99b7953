//! Rebuilds the test kit when any recorded fixture changes: `include_dir!` embeds
//! `fixtures/`, and cargo does not notice new files there on its own.

fn main() {
    println!("cargo:rerun-if-changed=../fixtures");
}
