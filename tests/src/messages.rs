//! Sample messages for fills, demos and benchmarks.

/// A plain-text RFC 5322 message, numbered `n`, about `size` bytes long
/// (never shorter than its headers), with CRLF line ends.
///
/// Subjects and senders vary with `n` so that SEARCH has something to find:
/// every third message is from `bob@example.org`, the others from
/// `alice@example.org`; the subject is `Sample message n`.
pub fn sample_message(n: usize, size: usize) -> Vec<u8> {
    let from = if n.is_multiple_of(3) {
        "Bob <bob@example.org>"
    } else {
        "Alice <alice@example.org>"
    };
    let mut message = format!(
        "From: {from}\r\n\
         To: Carol <carol@example.org>\r\n\
         Subject: Sample message {n}\r\n\
         Date: Mon, 2 Nov 2026 10:{:02}:00 +0100\r\n\
         Message-ID: <sample-{n}@typed-imap.invalid>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n",
        n % 60
    )
    .into_bytes();
    let line = b"The quick brown fox jumps over the lazy dog, again and again.\r\n";
    while message.len() + line.len() <= size {
        message.extend_from_slice(line);
    }
    message
}
