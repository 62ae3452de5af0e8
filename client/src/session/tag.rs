//! Command tags: a random four-letter prefix and a counter, as imaplib
//! makes them (`Int2AP` of a random number, then `1`, `2`, ...).

use crate::codec::encode::Decimal;

/// Writes `n` in base 16 with the digits `A`..`P` (imaplib's `Int2AP`).
///
/// ```
/// assert_eq!(typed_imap::session::int2ap(0), "");
/// assert_eq!(typed_imap::session::int2ap(1), "B");
/// assert_eq!(typed_imap::session::int2ap(0x1f), "BP");
/// ```
pub fn int2ap(mut n: u64) -> String {
    let mut digits = Vec::new();
    while n > 0 {
        // n % 16 < 16, so the digit is within A..=P.
        digits.push(char::from(b'A' + (n % 16) as u8));
        n /= 16;
    }
    digits.iter().rev().collect()
}

/// Makes the tags of one connection: `KJEL1`, `KJEL2`, ...
#[derive(Clone, Debug)]
pub struct TagGenerator {
    prefix: String,
    counter: u64,
}

impl TagGenerator {
    /// A generator with a random four-letter prefix.
    pub fn new() -> Self {
        let mut random = [0u8; 2];
        // A fixed prefix only makes tags guessable, never wrong.
        if getrandom::getrandom(&mut random).is_err() {
            random = [0x5a, 0x5a];
        }
        // imaplib draws from 4096..=65535 so that the prefix has 4 letters.
        let n = u64::from(u16::from_be_bytes(random)).max(4096);
        TagGenerator::with_prefix(int2ap(n))
    }

    /// A generator with a fixed `prefix` (tests, reproducible traces).
    pub fn with_prefix(prefix: impl Into<String>) -> Self {
        TagGenerator {
            prefix: prefix.into(),
            counter: 0,
        }
    }

    /// The prefix shared by every tag.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The next tag.
    pub fn next_tag(&mut self) -> String {
        let tag = self.upcoming();
        self.advance();
        tag
    }

    /// The tag [`next_tag`](Self::next_tag) will return, without taking
    /// it: the session encodes a command behind its tag and takes the tag
    /// only once the command is accepted.
    pub(crate) fn upcoming(&self) -> String {
        // The digits by hand into a String of the right size: `format!`
        // goes through the formatting machinery and grows its buffer, once
        // per command. (Measured: pushing the ASCII digits as chars costs
        // less than a `from_utf8` of them.)
        let digits = Decimal::new(self.counter.saturating_add(1));
        let digits = digits.as_bytes();
        let mut tag = String::with_capacity(self.prefix.len() + digits.len());
        tag.push_str(&self.prefix);
        for &digit in digits {
            tag.push(char::from(digit));
        }
        tag
    }

    /// Takes the tag [`upcoming`](Self::upcoming) returned.
    pub(crate) fn advance(&mut self) {
        self.counter = self.counter.saturating_add(1);
    }
}

impl Default for TagGenerator {
    fn default() -> Self {
        TagGenerator::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn int2ap_uses_letters_a_to_p_as_hex_digits() {
        assert_eq!(int2ap(0x0123), "BCD");
        assert_eq!(int2ap(0xffff), "PPPP");
        assert_eq!(int2ap(4096), "BAAA");
    }

    #[test]
    fn random_prefix_has_four_letters_a_to_p() {
        for _ in 0..50 {
            let generator = TagGenerator::new();
            assert_eq!(generator.prefix().len(), 4);
            assert!(generator
                .prefix()
                .bytes()
                .all(|b| (b'A'..=b'P').contains(&b)));
        }
    }

    #[test]
    fn tags_count_up_from_one() {
        let mut tags = TagGenerator::with_prefix("ABCD");
        assert_eq!(tags.next_tag(), "ABCD1");
        assert_eq!(tags.next_tag(), "ABCD2");
    }
}
