//! C `atoi`, which upstream uses for port numbers and configfs names.

/// C `atoi`: optional blanks and sign, then digits; 0 if none; wraps like
/// the usual implementation on overflow.
pub(crate) fn atoi(s: &[u8]) -> i32 {
    let s = &s[s
        .iter()
        .take_while(|b| b" \t\n\x0b\x0c\r".contains(b))
        .count()..];
    let (negative, digits) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let n = digits
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .fold(0i64, |n, d| {
            n.wrapping_mul(10).wrapping_add(i64::from(d - b'0'))
        });
    (if negative { n.wrapping_neg() } else { n }) as i32
}
