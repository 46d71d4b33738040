//! One module per subcommand, each with one entry function; what they share (the plan, the
//! scoring run) is `crate::pipeline`.

pub mod alerts;
pub mod check;
pub mod explain;
pub mod init;
pub mod overview;
pub mod score;
pub mod shell;
