pub mod curve;
pub mod validate;
