pub mod curve;
pub mod engine;
pub mod validate;
