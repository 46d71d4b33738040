//! Integration tests: one binary (keeps link time down), one module per command.

mod alerts;
mod architecture;
mod check;
mod config;
mod credit;
mod explain;
mod hostile;
mod init;
mod inputs;
mod lang;
mod overview;
mod privacy;
mod score;
mod scoring;
mod shell;
mod voice;
mod workdir;
mod xlsx;
