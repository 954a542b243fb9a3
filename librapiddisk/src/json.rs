//! A small safe builder over jansson. Documents are dumped with
//! `json_dumps(root, 0)`, so every byte (separators, escapes, integer
//! format, insertion order) is jansson's own, as upstream prints it.

pub mod render;

use core::ffi::{c_char, CStr};
use jansson_sys as sys;
use std::ffi::CString;
use std::ptr::NonNull;

/// An owned jansson value (one reference).
struct Value(NonNull<sys::json_t>);

impl Value {
    /// Takes ownership of a new reference; `None` when jansson refused to
    /// create the value (invalid UTF-8, allocation failure).
    fn from_new(raw: *mut sys::json_t) -> Option<Self> {
        NonNull::new(raw).map(Value)
    }

    /// Gives the reference away (to a `*_set_new`/`*_append_new` call).
    fn into_raw(self) -> *mut sys::json_t {
        let raw = self.0.as_ptr();
        std::mem::forget(self);
        raw
    }

    /// A string value, or `None` if jansson refuses the bytes (not UTF-8).
    /// The bytes end at the first NUL, as the C string upstream passes does.
    fn string(bytes: &[u8]) -> Option<Self> {
        let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
        let c = CString::new(&bytes[..end]).expect("no NUL before end");
        // SAFETY: `c` is a valid NUL-terminated string for the call.
        Value::from_new(unsafe { sys::json_string(c.as_ptr()) })
    }

    fn integer(value: i64) -> Option<Self> {
        // SAFETY: no pointer arguments.
        Value::from_new(unsafe { sys::json_integer(value) })
    }
}

impl Drop for Value {
    fn drop(&mut self) {
        // SAFETY: we own exactly one reference to a live value.
        unsafe { sys::json_decref(self.0.as_ptr()) }
    }
}

/// A JSON object whose keys keep insertion order.
pub struct Object(Value);

impl Object {
    pub fn new() -> Self {
        // SAFETY: no arguments; a null return is an allocation failure.
        Object(Value::from_new(unsafe { sys::json_object() }).expect("json_object: out of memory"))
    }

    fn set(&mut self, key: &CStr, value: Option<Value>) {
        // Like upstream's json_object_set_new(obj, key, json_string(..)):
        // a value jansson refused is simply not set, so the key is omitted.
        if let Some(value) = value {
            // SAFETY: object and key are valid; the call takes the reference
            // (and drops it itself on failure).
            unsafe { sys::json_object_set_new(self.raw(), key.as_ptr(), value.into_raw()) };
        }
    }

    /// Sets a string member (omitted if the bytes are not valid UTF-8).
    pub fn string(mut self, key: &CStr, value: impl AsRef<[u8]>) -> Self {
        self.set(key, Value::string(value.as_ref()));
        self
    }

    /// Sets an integer member.
    pub fn int(mut self, key: &CStr, value: i64) -> Self {
        self.set(key, Value::integer(value));
        self
    }

    /// Sets a boolean member.
    pub fn boolean(mut self, key: &CStr, value: bool) -> Self {
        // SAFETY: no arguments; each returns a new reference.
        let raw = unsafe {
            if value {
                sys::json_true()
            } else {
                sys::json_false()
            }
        };
        self.set(key, Value::from_new(raw));
        self
    }

    /// Sets an object member.
    pub fn object(mut self, key: &CStr, value: Object) -> Self {
        self.set(key, Some(value.0));
        self
    }

    /// Sets an array member.
    pub fn array(mut self, key: &CStr, value: Array) -> Self {
        self.set(key, Some(value.0));
        self
    }

    fn raw(&self) -> *mut sys::json_t {
        self.0 .0.as_ptr()
    }

    /// The compact text of this document (`json_dumps(root, 0)`), without
    /// a trailing newline.
    pub fn dump(&self) -> Vec<u8> {
        // SAFETY: the root is live; the result is a malloc'd C string that we
        // copy and free.
        unsafe {
            let text: *mut c_char = sys::json_dumps(self.raw(), 0);
            assert!(!text.is_null(), "json_dumps: out of memory");
            let bytes = CStr::from_ptr(text).to_bytes().to_vec();
            sys::json_dumps_free(text);
            bytes
        }
    }
}

impl Default for Object {
    fn default() -> Self {
        Object::new()
    }
}

/// A JSON array of objects.
pub struct Array(Value);

impl Array {
    pub fn new() -> Self {
        // SAFETY: no arguments; a null return is an allocation failure.
        Array(Value::from_new(unsafe { sys::json_array() }).expect("json_array: out of memory"))
    }

    /// Appends an object.
    pub fn push(self, item: Object) -> Self {
        // SAFETY: both values are live; the call takes the item's reference.
        unsafe { sys::json_array_append_new(self.0 .0.as_ptr(), item.0.into_raw()) };
        self
    }
}

impl Default for Array {
    fn default() -> Self {
        Array::new()
    }
}

impl FromIterator<Object> for Array {
    fn from_iter<I: IntoIterator<Item = Object>>(iter: I) -> Self {
        iter.into_iter().fold(Array::new(), Array::push)
    }
}

/// `{"key": [item]}`: upstream wraps every list in a one-member object.
pub fn wrap(key: &CStr, items: Array) -> Object {
    Object::new().array(key, items)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dump(o: &Object) -> String {
        String::from_utf8(o.dump()).unwrap()
    }

    #[test]
    fn members_keep_insertion_order_and_compact_separators() {
        let o = Object::new()
            .string(c"z", "1")
            .int(c"a", -2)
            .string(c"m", "x");
        assert_eq!(dump(&o), r#"{"z": "1", "a": -2, "m": "x"}"#);
    }

    #[test]
    fn empty_containers() {
        assert_eq!(dump(&Object::new()), "{}");
        assert_eq!(
            dump(&Object::new().array(c"a", Array::new())),
            r#"{"a": []}"#
        );
    }

    #[test]
    fn nested_arrays_of_objects() {
        let items: Array = (1..=2).map(|i| Object::new().int(c"i", i)).collect();
        let o = Object::new().array(c"l", Array::new().push(wrap(c"in", items)));
        assert_eq!(dump(&o), r#"{"l": [{"in": [{"i": 1}, {"i": 2}]}]}"#);
    }

    #[test]
    fn integer_extremes_are_signed_64_bit() {
        let o = Object::new()
            .int(c"min", i64::MIN)
            .int(c"max", i64::MAX)
            .int(c"u", (u64::MAX - 4) as i64);
        assert_eq!(
            dump(&o),
            r#"{"min": -9223372036854775808, "max": 9223372036854775807, "u": -5}"#
        );
    }

    #[test]
    fn string_escapes_match_jansson() {
        let o = Object::new().string(c"s", "\"\\/\u{8}\u{c}\n\r\t\u{1}\u{1f}é");
        assert_eq!(
            dump(&o),
            "{\"s\": \"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001F\u{e9}\"}"
        );
    }

    #[test]
    fn invalid_utf8_value_omits_the_key() {
        let o = Object::new()
            .string(c"device", "sda")
            .string(c"vendor", b"AT\xffA")
            .string(c"model", "VBOX");
        assert_eq!(dump(&o), r#"{"device": "sda", "model": "VBOX"}"#);
    }

    #[test]
    fn string_ends_at_first_nul_like_a_c_string() {
        let o = Object::new().string(c"s", b"ab\0cd");
        assert_eq!(dump(&o), r#"{"s": "ab"}"#);
    }

    #[test]
    fn dump_twice_gives_same_bytes() {
        let o = Object::new().string(c"k", "v");
        assert_eq!(o.dump(), o.dump());
    }
}
