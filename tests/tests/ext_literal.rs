//! LITERAL+ and LITERAL- (RFC 7888) through the whole client: what goes on
//! the wire is recorded, by a proxy in front of Dovecot (LITERAL+) and by a
//! scripted server (LITERAL-, which no local server offers; Gmail does).

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

use typed_imap::blocking::ClientOptions;
use typed_imap::transport::Timeouts;
use typed_imap::{Append, Select};
use typed_imap_tests::both::Imap;
use typed_imap_tests::both_clients;
use typed_imap_tests::dovecot::Dovecot;
use typed_imap_tests::scripted::Script;

both_clients!(
    literal_plus_on_dovecot_sends_appends_without_waiting,
    literal_minus_sends_small_literals_at_once_and_waits_for_large_ones,
);

/// A one-connection TCP proxy recording what the client sends.
struct Recorder {
    addr: SocketAddr,
    sent: Arc<Mutex<Vec<u8>>>,
}

impl Recorder {
    fn to(server: SocketAddr) -> Recorder {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
        let addr = listener.local_addr().unwrap();
        let sent = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&sent);
        thread::spawn(move || {
            let (client, _) = listener.accept().unwrap();
            let upstream = TcpStream::connect(server).unwrap();
            let (mut client_r, mut upstream_w) =
                (client.try_clone().unwrap(), upstream.try_clone().unwrap());
            let down = thread::spawn(move || {
                let (mut upstream_r, mut client_w) = (upstream, client);
                let _ = std::io::copy(&mut upstream_r, &mut client_w);
            });
            let mut buf = [0u8; 65536];
            while let Ok(n @ 1..) = client_r.read(&mut buf) {
                record.lock().unwrap().extend_from_slice(&buf[..n]);
                if upstream_w.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            let _ = upstream_w.shutdown(std::net::Shutdown::Both);
            let _ = down.join();
        });
        Recorder { addr, sent }
    }

    fn sent(&self) -> String {
        String::from_utf8_lossy(&self.sent.lock().unwrap()).into_owned()
    }
}

fn literal_plus_on_dovecot_sends_appends_without_waiting<I: Imap>() {
    let server = Dovecot::start().unwrap();
    let proxy = Recorder::to(server.plain_addr());
    let mut imap = I::connect("127.0.0.1", proxy.addr.port(), ClientOptions::default()).unwrap();
    imap.login("alice", &server.user("alice").unwrap().password)
        .unwrap();
    assert!(imap.has_capability("LITERAL+").unwrap());
    let message = b"Subject: literal plus\r\n\r\nbody\r\n".to_vec();
    imap.run(Append::new("INBOX", message.clone())).unwrap();
    let selected = imap.run(Select::new("INBOX")).unwrap();
    assert_eq!(selected.exists, 1);
    imap.logout().unwrap();
    let sent = proxy.sent();
    let announced = format!("APPEND INBOX () {{{}+}}\r\n", message.len());
    assert!(sent.contains(&announced), "{sent}");
}

fn literal_minus_sends_small_literals_at_once_and_waits_for_large_ones<I: Imap>() {
    let small = vec![b'a'; 100];
    let large = vec![b'b'; 5000];
    let server = Script::new()
        .send("* OK [CAPABILITY IMAP4rev1 LITERAL- AUTH=PLAIN] ready\r\n")
        .expect_command("LOGIN")
        .reply("OK [CAPABILITY IMAP4rev1 LITERAL-] logged in")
        .expect_exact("APPEND INBOX () {100+}")
        .read_literal()
        .reply("OK appended")
        .expect_exact("APPEND INBOX () {5000}")
        .send("+ go ahead\r\n")
        .read_literal()
        .reply("OK appended")
        .serve()
        .unwrap();
    let options = ClientOptions {
        timeouts: Timeouts {
            read: Some(std::time::Duration::from_secs(5)),
            ..Timeouts::default()
        },
        ..ClientOptions::default()
    };
    let mut imap = I::connect("127.0.0.1", server.addr().port(), options).unwrap();
    imap.login("alice", "secret").unwrap();
    imap.run(Append::new("INBOX", small.clone())).unwrap();
    imap.run(Append::new("INBOX", large.clone())).unwrap();
    let transcript = server.finish().unwrap();
    assert_eq!(transcript.literals, [small, large]);
}
