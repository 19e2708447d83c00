//! Schemas of what a request's text fields take from a closed list (the
//! codes of an enum of the domain), so the OpenAPI document names the
//! list instead of "a string" and stays the same list as the code's.

use utoipa::openapi::schema::{Object, ObjectBuilder, Type};

/// A string that is one of `codes`, described by `about`: a field whose
/// schema comes from a function (`schema_with`) loses its doc comment in
/// utoipa, so what it would say is said here, once.
pub fn one_of<'a>(codes: impl IntoIterator<Item = &'a str>, about: &str) -> Object {
    ObjectBuilder::new().schema_type(Type::String).enum_values(Some(codes)).description(Some(about)).build()
}
