//! SORT and THREAD (RFC 5256), each from its own spec file, end to end
//! against Dovecot on messages whose sort keys and references are known.

use typed_imap::chrono::{DateTime, FixedOffset};
use typed_imap::types::{
    Flag, SearchKey, SequenceSet, SortCriterion, SortKey, Thread, ThreadAlgorithm,
};
use typed_imap::{
    Append, Create, Error, Expunge, Select, Sort, Store, ThreadCommand, UidSort, UidThreadCommand,
};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::dovecot::{Dovecot, Options};
use typed_imap_tests::views::thread_tree;

both_clients!(
    sort_by_each_key_reverse_and_two_keys,
    sort_with_search_keys_and_uid_sort,
    sort_without_keys_is_refused_before_sending,
    thread_with_every_algorithm_dovecot_advertises,
    thread_with_search_keys_and_uid_thread,
    thread_needs_the_capability_of_its_algorithm,
);

/// A message with the headers the sort keys read, padded to about `size`
/// octets.
struct Mail {
    subject: &'static str,
    date_day: u32,
    from: &'static str,
    to: &'static str,
    cc: Option<&'static str>,
    arrival_day: u32,
    size: usize,
}

impl Mail {
    fn bytes(&self) -> Vec<u8> {
        let cc = self.cc.map_or(String::new(), |cc| format!("Cc: {cc}\r\n"));
        let mut text = format!(
            "From: {from}\r\nTo: {to}\r\n{cc}Subject: {subject}\r\n\
             Date: {day} Nov 2026 12:00:00 +0000\r\nMessage-ID: <{subject_id}-{day}@sort.invalid>\r\n\r\n",
            from = self.from,
            to = self.to,
            subject = self.subject,
            day = self.date_day,
            subject_id = self.subject.len(),
        );
        while text.len() < self.size {
            text.push_str("Sort me by size, please; this line pads the body.\r\n");
        }
        text.into_bytes()
    }

    fn arrival(&self) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(&format!("2026-11-{:02}T08:00:00+00:00", self.arrival_day))
            .unwrap()
    }
}

/// Five messages, sequence numbers 1 to 5, UIDs 2 to 6 (a first message
/// was expunged so that UIDs and sequence numbers differ).
const MAILS: [Mail; 5] = [
    Mail {
        subject: "Charlie",
        date_day: 3,
        from: "zed@example.org",
        to: "dave@example.org",
        cc: Some("xavier@example.org"),
        arrival_day: 5,
        size: 3000,
    },
    Mail {
        subject: "Re: Alpha",
        date_day: 4,
        from: "amy@example.org",
        to: "erin@example.org",
        cc: None,
        arrival_day: 3,
        size: 1000,
    },
    Mail {
        subject: "Bravo",
        date_day: 1,
        from: "mike@example.org",
        to: "bea@example.org",
        cc: Some("mona@example.org"),
        arrival_day: 1,
        size: 2000,
    },
    Mail {
        subject: "alpha",
        date_day: 2,
        from: "bob@example.org",
        to: "carol@example.org",
        cc: None,
        arrival_day: 4,
        size: 500,
    },
    Mail {
        subject: "Fwd: Bravo",
        date_day: 5,
        from: "carl@example.org",
        to: "al@example.org",
        cc: None,
        arrival_day: 2,
        size: 4000,
    },
];

fn sorted_mailbox<I: Imap>(server: &Dovecot) -> I {
    let mut imap = I::logged_in(server, "alice").unwrap();
    imap.run(Create::new("Sorted")).unwrap();
    imap.run(Append::new(
        "Sorted",
        b"Subject: gone\r\n\r\nx\r\n".to_vec(),
    ))
    .unwrap();
    for mail in &MAILS {
        imap.run(Append::new("Sorted", mail.bytes()).internal_date(mail.arrival()))
            .unwrap();
    }
    imap.run(Select::new("Sorted")).unwrap();
    imap.run(Store::new(1).add_flags(vec![Flag::Deleted]))
        .unwrap();
    imap.run(Expunge::new()).unwrap();
    imap
}

fn sort<I: Imap>(imap: &mut I, criteria: &[SortCriterion]) -> Vec<u32> {
    imap.run(Sort::new(criteria.to_vec(), "UTF-8", SearchKey::all()))
        .unwrap()
}

fn sort_by_each_key_reverse_and_two_keys<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = sorted_mailbox::<I>(&server);
    assert!(imap.has_capability("SORT").unwrap());
    // Base subjects alpha (2, 4), bravo (3, 5), charlie (1); ties by number.
    assert_eq!(
        sort(&mut imap, &[SortKey::subject().into()]),
        [2, 4, 3, 5, 1]
    );
    assert_eq!(sort(&mut imap, &[SortKey::date().into()]), [3, 4, 1, 2, 5]);
    assert_eq!(
        sort(&mut imap, &[SortKey::date().reverse()]),
        [5, 2, 1, 4, 3]
    );
    assert_eq!(
        sort(&mut imap, &[SortKey::arrival().into()]),
        [3, 5, 2, 4, 1]
    );
    assert_eq!(sort(&mut imap, &[SortKey::size().into()]), [4, 2, 3, 1, 5]);
    assert_eq!(sort(&mut imap, &[SortKey::from().into()]), [2, 4, 5, 3, 1]);
    assert_eq!(sort(&mut imap, &[SortKey::to().into()]), [5, 3, 4, 1, 2]);
    // No Cc sorts as the empty string, first.
    assert_eq!(sort(&mut imap, &[SortKey::cc().into()]), [2, 4, 5, 3, 1]);
    assert_eq!(
        sort(
            &mut imap,
            &[SortKey::subject().into(), SortKey::arrival().reverse()]
        ),
        [4, 2, 5, 3, 1]
    );
}

fn sort_with_search_keys_and_uid_sort<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = sorted_mailbox::<I>(&server);
    let alpha = imap
        .run(Sort::new(
            vec![SortKey::date().into()],
            "UTF-8",
            SearchKey::subject("alpha"),
        ))
        .unwrap();
    assert_eq!(alpha, [4, 2]);
    let small = imap
        .run(Sort::new(
            vec![SortKey::size().reverse()],
            "US-ASCII",
            SearchKey::smaller(2500u32).and(SearchKey::Set(SequenceSet::from(2..=5))),
        ))
        .unwrap();
    assert_eq!(small, [3, 2, 4]);
    // UIDs are sequence numbers plus one here.
    let uids = imap
        .run(UidSort::new(
            vec![SortKey::size().into()],
            "UTF-8",
            SearchKey::all(),
        ))
        .unwrap();
    assert_eq!(uids, [5, 3, 4, 2, 6]);
    let none = imap
        .run(Sort::new(
            vec![SortKey::size().into()],
            "UTF-8",
            SearchKey::subject("nothing"),
        ))
        .unwrap();
    assert!(none.is_empty());
}

fn sort_without_keys_is_refused_before_sending<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = sorted_mailbox::<I>(&server);
    let error = imap
        .run(Sort::new(Vec::new(), "UTF-8", SearchKey::all()))
        .unwrap_err();
    assert!(
        matches!(error, typed_imap::Error::InvalidArgument { .. }),
        "{error:?}"
    );
    // The session is still usable.
    assert_eq!(sort(&mut imap, &[SortKey::size().into()]), [4, 2, 3, 1, 5]);
}

/// A message of a discussion: its Message-ID, the IDs it answers (the
/// last one is In-Reply-To), subject and day of November.
struct Post {
    id: &'static str,
    references: &'static [&'static str],
    subject: &'static str,
    day: u32,
}

impl Post {
    fn bytes(&self) -> Vec<u8> {
        let mut headers = format!(
            "From: poster@example.org\r\nSubject: {}\r\n\
             Date: {} Nov 2026 09:00:00 +0000\r\nMessage-ID: <{}@thread.invalid>\r\n",
            self.subject, self.day, self.id
        );
        if let Some(parent) = self.references.last() {
            let all: Vec<String> = self
                .references
                .iter()
                .map(|r| format!("<{r}@thread.invalid>"))
                .collect();
            headers.push_str(&format!(
                "In-Reply-To: <{parent}@thread.invalid>\r\nReferences: {}\r\n",
                all.join(" ")
            ));
        }
        headers.push_str("\r\nbody\r\n");
        headers.into_bytes()
    }
}

/// Sequence numbers 1 to 9 (UIDs 2 to 10): a discussion where 2, 4 and,
/// last of all, 9 answer 1 and 3 answers 2; two unrelated messages; two
/// answers to a message that is not in the mailbox.
const POSTS: [Post; 9] = [
    Post {
        id: "a",
        references: &[],
        subject: "Plan",
        day: 1,
    },
    Post {
        id: "b",
        references: &["a"],
        subject: "Re: Plan",
        day: 2,
    },
    Post {
        id: "c",
        references: &["a", "b"],
        subject: "Re: Plan",
        day: 3,
    },
    Post {
        id: "d",
        references: &["a"],
        subject: "Re: Plan",
        day: 4,
    },
    Post {
        id: "e",
        references: &[],
        subject: "Lunch",
        day: 5,
    },
    Post {
        id: "f",
        references: &[],
        subject: "Other",
        day: 6,
    },
    Post {
        id: "g",
        references: &["missing"],
        subject: "Ghost",
        day: 7,
    },
    Post {
        id: "h",
        references: &["missing"],
        subject: "Ghost",
        day: 8,
    },
    Post {
        id: "i",
        references: &["a"],
        subject: "Re: Plan",
        day: 9,
    },
];

fn threaded_mailbox<I: Imap>(server: &Dovecot) -> I {
    let mut imap = I::logged_in(server, "alice").unwrap();
    imap.run(Create::new("Threads")).unwrap();
    imap.run(Append::new(
        "Threads",
        b"Subject: gone\r\n\r\nx\r\n".to_vec(),
    ))
    .unwrap();
    for post in &POSTS {
        imap.run(Append::new("Threads", post.bytes())).unwrap();
    }
    imap.run(Select::new("Threads")).unwrap();
    imap.run(Store::new(1).add_flags(vec![Flag::Deleted]))
        .unwrap();
    imap.run(Expunge::new()).unwrap();
    imap
}

fn trees(threads: &[Thread]) -> Vec<String> {
    threads.iter().map(thread_tree).collect()
}

fn thread_with_every_algorithm_dovecot_advertises<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = threaded_mailbox::<I>(&server);
    for algorithm in ["REFERENCES", "REFS", "ORDEREDSUBJECT"] {
        assert!(
            imap.has_capability(&format!("THREAD={algorithm}")).unwrap(),
            "{algorithm}"
        );
    }
    let references = imap
        .run(ThreadCommand::new(
            ThreadAlgorithm::References,
            "UTF-8",
            SearchKey::all(),
        ))
        .unwrap();
    assert_eq!(trees(&references), ["1[2[3],4,9]", "5", "6", "?[7,8]"]);
    let subjects = imap
        .run(ThreadCommand::new(
            ThreadAlgorithm::OrderedSubject,
            "UTF-8",
            SearchKey::all(),
        ))
        .unwrap();
    assert_eq!(trees(&subjects), ["1[2,3,4,9]", "5", "6", "7[8]"]);
    let refs = imap
        .run(ThreadCommand::new(
            ThreadAlgorithm::Refs,
            "UTF-8",
            SearchKey::all(),
        ))
        .unwrap();
    // The same trees, but REFS orders threads by their latest message:
    // the discussion's last answer (day 9) puts it last.
    assert_eq!(trees(&refs), ["5", "6", "?[7,8]", "1[2[3],4,9]"]);
}

fn thread_with_search_keys_and_uid_thread<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let mut imap = threaded_mailbox::<I>(&server);
    let plan = imap
        .run(ThreadCommand::new(
            ThreadAlgorithm::References,
            "UTF-8",
            SearchKey::subject("plan"),
        ))
        .unwrap();
    assert_eq!(trees(&plan), ["1[2[3],4,9]"]);
    // Without its root, the discussion hangs from a missing parent.
    let replies = imap
        .run(ThreadCommand::new(
            ThreadAlgorithm::References,
            "US-ASCII",
            SearchKey::Set(SequenceSet::from(2..=4)),
        ))
        .unwrap();
    assert_eq!(trees(&replies), ["?[2[3],4]"]);
    let uids = imap
        .run(UidThreadCommand::new(
            ThreadAlgorithm::References,
            "UTF-8",
            SearchKey::all(),
        ))
        .unwrap();
    assert_eq!(trees(&uids), ["2[3[4],5,10]", "6", "7", "?[8,9]"]);
    let none = imap
        .run(ThreadCommand::new(
            ThreadAlgorithm::References,
            "UTF-8",
            SearchKey::subject("nothing"),
        ))
        .unwrap();
    assert!(none.is_empty());
}

/// The capability each algorithm needs is its own `THREAD=<name>`: Dovecot
/// told to advertise only `THREAD=REFERENCES` (as a deployment may) is
/// sent THREAD REFERENCES, and the other algorithms, which it would run,
/// are refused before they are sent.
fn thread_needs_the_capability_of_its_algorithm<I: Imap>() {
    let server = Dovecot::start_with(Options {
        extra_config: "imap_capability = IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE SORT \
                       THREAD=REFERENCES\n"
            .to_owned(),
        ..Options::default()
    })
    .unwrap();
    let mut imap = threaded_mailbox::<I>(&server);
    assert!(!imap.has_capability("THREAD=ORDEREDSUBJECT").unwrap());
    for algorithm in [
        ThreadAlgorithm::OrderedSubject,
        ThreadAlgorithm::Refs,
        ThreadAlgorithm::Other("X-NOSUCH".into()),
    ] {
        let wanted = format!("THREAD={algorithm}");
        match imap.run(ThreadCommand::new(algorithm, "UTF-8", SearchKey::all())) {
            Err(Error::MissingCapability { capability, .. }) => assert_eq!(capability, wanted),
            other => panic!("{wanted}: expected MissingCapability, got {other:?}"),
        }
    }
    let references = imap
        .run(ThreadCommand::new(
            ThreadAlgorithm::References,
            "UTF-8",
            SearchKey::all(),
        ))
        .unwrap();
    assert_eq!(trees(&references), ["1[2[3],4,9]", "5", "6", "?[7,8]"]);
}
