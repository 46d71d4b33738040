//! Integration tests: one binary (keeps link time down), one module per command.

mod check;
mod credit;
mod explain;
mod hostile;
mod init;
mod score;
mod scoring;
mod workdir;
mod xlsx;
