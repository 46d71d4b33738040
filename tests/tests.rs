//! Integration tests: one binary (keeps link time down), one module per command.

mod alerts;
mod check;
mod hostile;
mod init;
mod overview;
mod score;
mod scoring;
mod workdir;
mod xlsx;
