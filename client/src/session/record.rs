//! What the server said outside the commands' results: the queue of
//! unsolicited responses (imaplib's `untagged_responses`, in order and
//! bounded) and the latest response of each name (imaplib's
//! `response(name)`).
//!
//! Every entry gets a serial number, so that a reader can ask for what
//! arrived after a moment (IDLE yields only what the server pushed while
//! it ran) and `response(name)` can tell the newest of two stores apart.

use std::collections::VecDeque;

use super::Unsolicited;
use crate::response::{Status, StatusResponse};
use crate::{Code, Data};

/// How many names the latest-response store keeps; names are the
/// server's to choose, so the store is bounded like the queue.
const MAX_NAMES: usize = 64;

/// A response with the serial number of its arrival.
#[derive(Clone, Debug)]
struct Entry {
    serial: u64,
    response: Unsolicited,
    /// A tagged response's code: named by its code only (a tagged OK is
    /// no untagged `OK`).
    tagged: bool,
}

/// The session's record of untagged responses.
#[derive(Debug)]
pub(super) struct Record {
    /// Untagged responses no command took, and every untagged status.
    queue: VecDeque<Entry>,
    /// The newest of each name that a command took as its data (EXISTS,
    /// FLAGS during SELECT ...) or that came in a tagged response's code.
    latest: Vec<Entry>,
    next_serial: u64,
    dropped: u64,
    max: usize,
}

impl Record {
    /// An empty record keeping at most `max` queued responses.
    pub(super) fn new(max: usize) -> Self {
        Record {
            queue: VecDeque::new(),
            latest: Vec::new(),
            next_serial: 0,
            dropped: 0,
            max,
        }
    }

    /// The serial number the next response will get: what arrives from
    /// now on is [`after`](Self::next_after) it.
    pub(super) fn mark(&self) -> u64 {
        self.next_serial
    }

    /// Queues a response; the oldest goes when the queue is full. A status
    /// response's text is copied: kept for long, a slice of its frame
    /// would keep the frame's whole read block alive.
    pub(super) fn push(&mut self, response: Unsolicited) {
        let response = match response {
            Unsolicited::Status(status) => Unsolicited::Status(StatusResponse {
                text: bytes::Bytes::copy_from_slice(&status.text),
                ..status
            }),
            data => data,
        };
        let serial = self.serial();
        if self.max == 0 {
            self.dropped += 1;
            return;
        }
        while self.queue.len() >= self.max {
            self.queue.pop_front();
            self.dropped += 1;
        }
        self.queue.push_back(Entry {
            serial,
            response,
            tagged: false,
        });
    }

    /// Remembers data a command took as the latest of its name, for
    /// [`take_named`](Self::take_named).
    pub(super) fn remember(&mut self, data: Data) {
        self.keep_latest(Unsolicited::Data(data), false);
    }

    /// Remembers the code of a tagged response (`[READ-ONLY]` of
    /// EXAMINE), named by its code.
    pub(super) fn remember_tagged(&mut self, status: StatusResponse<Code>) {
        self.keep_latest(Unsolicited::Status(status), true);
    }

    fn keep_latest(&mut self, response: Unsolicited, tagged: bool) {
        let response = match response {
            Unsolicited::Status(status) => Unsolicited::Status(StatusResponse {
                text: bytes::Bytes::copy_from_slice(&status.text),
                ..status
            }),
            data => data,
        };
        let serial = self.serial();
        let entry = Entry {
            serial,
            response,
            tagged,
        };
        let names: Vec<String> = entry.names().map(str::to_ascii_uppercase).collect();
        self.latest.retain(|old| {
            !old.names()
                .any(|name| names.iter().any(|new| new.eq_ignore_ascii_case(name)))
        });
        if self.latest.len() >= MAX_NAMES {
            self.latest.remove(0);
        }
        self.latest.push(entry);
    }

    /// The queued responses, oldest first.
    pub(super) fn queued(&self) -> impl Iterator<Item = &Unsolicited> {
        self.queue.iter().map(|entry| &entry.response)
    }

    /// Takes every queued response.
    pub(super) fn take_queued(&mut self) -> Vec<Unsolicited> {
        self.queue.drain(..).map(|entry| entry.response).collect()
    }

    /// Takes the oldest queued response.
    pub(super) fn next(&mut self) -> Option<Unsolicited> {
        self.queue.pop_front().map(|entry| entry.response)
    }

    /// Takes the oldest queued response that arrived at or after `mark`,
    /// leaving older ones queued.
    pub(super) fn next_after(&mut self, mark: u64) -> Option<Unsolicited> {
        let index = self.queue.iter().position(|entry| entry.serial >= mark)?;
        self.queue.remove(index).map(|entry| entry.response)
    }

    /// Whether a response that arrived at or after `mark` is queued.
    pub(super) fn has_after(&self, mark: u64) -> bool {
        self.queue.iter().any(|entry| entry.serial >= mark)
    }

    /// imaplib's `response(name)`: the newest response named `name` (a
    /// data keyword, a status, or a response code; ASCII case-insensitive),
    /// taken with every older one of that name, queued or remembered.
    pub(super) fn take_named(&mut self, name: &str) -> Option<Unsolicited> {
        let matches = |entry: &Entry| entry.names().any(|n| n.eq_ignore_ascii_case(name));
        let mut newest: Option<Entry> = None;
        let mut keep = |entry: Entry| {
            if matches(&entry) {
                if newest
                    .as_ref()
                    .map_or(true, |found| found.serial < entry.serial)
                {
                    newest = Some(entry);
                }
                None
            } else {
                Some(entry)
            }
        };
        self.queue = std::mem::take(&mut self.queue)
            .into_iter()
            .filter_map(&mut keep)
            .collect();
        self.latest = std::mem::take(&mut self.latest)
            .into_iter()
            .filter_map(&mut keep)
            .collect();
        newest.map(|entry| entry.response)
    }

    /// How many queued responses were dropped because the queue was full.
    pub(super) fn dropped(&self) -> u64 {
        self.dropped
    }

    /// Forgets everything (what came before TLS is not trusted).
    pub(super) fn clear(&mut self) {
        self.queue.clear();
        self.latest.clear();
        self.dropped = 0;
    }

    fn serial(&mut self) -> u64 {
        let serial = self.next_serial;
        self.next_serial += 1;
        serial
    }
}

impl Entry {
    /// The names the response answers to in `response(name)`: the data's
    /// keyword, or an untagged status response's status and its code's
    /// name.
    fn names(&self) -> impl Iterator<Item = &str> {
        let (first, second) = match &self.response {
            Unsolicited::Data(data) => (Some(data.name()), None),
            Unsolicited::Status(status) => (
                (!self.tagged).then(|| status_name(status.status)),
                status.code.as_ref().map(|code| code.name()),
            ),
        };
        first.into_iter().chain(second)
    }
}

/// A status as imaplib names it.
fn status_name(status: Status) -> &'static str {
    match status {
        Status::Ok => "OK",
        Status::No => "NO",
        Status::Bad => "BAD",
        Status::PreAuth => "PREAUTH",
        Status::Bye => "BYE",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exists(n: u32) -> Unsolicited {
        Unsolicited::Data(Data::Exists(n))
    }

    fn status(code: Code) -> StatusResponse<Code> {
        StatusResponse {
            status: Status::Ok,
            code: Some(code),
            text: bytes::Bytes::new(),
        }
    }

    fn code(code: Code) -> Unsolicited {
        Unsolicited::Status(status(code))
    }

    #[test]
    fn take_named_gives_the_newest_and_takes_all_of_that_name() {
        let mut record = Record::new(10);
        record.push(exists(1));
        record.remember(Data::Exists(2));
        record.push(code(Code::UidNext(7)));
        assert!(matches!(
            record.take_named("exists"),
            Some(Unsolicited::Data(Data::Exists(2)))
        ));
        assert!(record.take_named("EXISTS").is_none());
        assert_eq!(record.queued().count(), 1);
    }

    #[test]
    fn a_status_answers_to_its_code_and_its_status() {
        let mut record = Record::new(10);
        record.push(code(Code::Alert));
        assert!(record.take_named("ALERT").is_some());
        record.push(code(Code::Alert));
        assert!(record.take_named("OK").is_some());
        assert!(record.take_named("ALERT").is_none());
    }

    #[test]
    fn remembering_a_name_replaces_the_older_one() {
        let mut record = Record::new(10);
        record.remember(Data::Exists(1));
        record.remember(Data::Exists(2));
        record.remember_tagged(status(Code::UidNext(3)));
        assert_eq!(record.latest.len(), 2);
    }

    #[test]
    fn a_tagged_code_answers_to_its_code_only() {
        let mut record = Record::new(10);
        record.remember_tagged(status(Code::ReadOnly));
        assert!(record.take_named("OK").is_none());
        assert!(record.take_named("READ-ONLY").is_some());
    }

    #[test]
    fn remembered_names_are_bounded() {
        let mut record = Record::new(10);
        for n in 0..(MAX_NAMES as u32 + 10) {
            record.remember(Data::Other(crate::response::RawData {
                keyword: format!("X{n}"),
                number: None,
                arguments: bytes::Bytes::new(),
            }));
        }
        assert_eq!(record.latest.len(), MAX_NAMES);
    }

    #[test]
    fn next_after_leaves_older_responses_queued() {
        let mut record = Record::new(10);
        record.push(exists(1));
        let mark = record.mark();
        record.push(exists(2));
        assert!(matches!(
            record.next_after(mark),
            Some(Unsolicited::Data(Data::Exists(2)))
        ));
        assert!(record.next_after(mark).is_none());
        assert!(!record.has_after(mark));
        assert!(matches!(
            record.next(),
            Some(Unsolicited::Data(Data::Exists(1)))
        ));
    }

    #[test]
    fn a_full_queue_drops_the_oldest_and_counts() {
        let mut record = Record::new(2);
        for n in 0..5 {
            record.push(exists(n));
        }
        assert_eq!(record.dropped(), 3);
        assert!(matches!(
            record.next(),
            Some(Unsolicited::Data(Data::Exists(3)))
        ));
    }

    #[test]
    fn clear_forgets_queue_latest_and_count() {
        let mut record = Record::new(1);
        record.push(exists(1));
        record.push(exists(2));
        record.remember(Data::Exists(3));
        record.clear();
        assert_eq!(record.queued().count(), 0);
        assert!(record.take_named("EXISTS").is_none());
        assert_eq!(record.dropped(), 0);
    }
}
