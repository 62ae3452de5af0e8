//! Test support: private IMAP servers on 127.0.0.1 and scripted hostile servers.
