//! A bounded text writer for status output: no `core::fmt` (its code lives
//! in the precompiled core library, which the kernel object may not link).

pub struct Writer<'a> {
    buf: &'a mut [u8],
    len: usize,
}

impl<'a> Writer<'a> {
    pub fn new(buf: &'a mut [u8]) -> Self {
        Writer { buf, len: 0 }
    }

    /// Appends as much of `s` as fits, keeping one byte for the final NUL.
    pub fn str(&mut self, s: &[u8]) -> &mut Self {
        for &c in s {
            if self.len + 1 >= self.buf.len() {
                break;
            }
            if let Some(slot) = self.buf.get_mut(self.len) {
                *slot = c;
                self.len += 1;
            }
        }
        self
    }

    pub fn num(&mut self, mut v: u64) -> &mut Self {
        let mut digits = [0u8; 20];
        let mut i = digits.len();
        loop {
            i -= 1;
            if let Some(d) = digits.get_mut(i) {
                *d = b'0' + (v % 10) as u8;
            }
            v /= 10;
            if v == 0 || i == 0 {
                break;
            }
        }
        let tail = digits.get(i..).unwrap_or(&[]);
        self.str(tail)
    }

    /// NUL-terminates and returns the length without the NUL.
    pub fn finish(self) -> usize {
        if let Some(slot) = self.buf.get_mut(self.len) {
            *slot = 0;
        }
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_truncation() {
        let mut buf = [0xffu8; 32];
        let mut w = Writer::new(&mut buf);
        w.str(b"a(").num(0).str(b") b(").num(u64::MAX).str(b")");
        let n = w.finish();
        assert_eq!(&buf[..n], b"a(0) b(18446744073709551615)"[..n].as_ref());
        assert_eq!(n, 28);
        assert_eq!(buf[n], 0);
        let mut small = [0u8; 4];
        let mut w = Writer::new(&mut small);
        w.str(b"hello");
        assert_eq!(w.finish(), 3);
        assert_eq!(&small, b"hel\0");
    }
}
