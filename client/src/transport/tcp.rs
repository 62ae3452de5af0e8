//! Plain TCP with connect, read and write timeouts.

use std::io;
use std::net::{TcpStream, ToSocketAddrs};

use super::Timeouts;
use crate::error::Error;

/// Connects to `host:port`, trying each resolved address in turn.
pub(super) fn connect(host: &str, port: u16, timeouts: &Timeouts) -> Result<TcpStream, Error> {
    timeouts.validate()?;
    let mut last_error = None;
    for address in (host, port).to_socket_addrs()? {
        let attempt = match timeouts.connect {
            Some(timeout) => TcpStream::connect_timeout(&address, timeout),
            None => TcpStream::connect(address),
        };
        match attempt {
            Ok(stream) => return configure(stream, timeouts),
            Err(error) => last_error = Some(error),
        }
    }
    Err(Error::Io(last_error.unwrap_or_else(|| {
        io::Error::new(
            io::ErrorKind::NotFound,
            format!("{host}:{port} resolved to no address"),
        )
    })))
}

fn configure(stream: TcpStream, timeouts: &Timeouts) -> Result<TcpStream, Error> {
    stream.set_read_timeout(timeouts.read)?;
    stream.set_write_timeout(timeouts.write)?;
    // Commands are small and each waits for an answer: Nagle only adds
    // latency (an APPEND per round trip goes from ~40 ms to ~4 ms).
    stream.set_nodelay(true)?;
    Ok(stream)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;
    use std::time::Duration;

    #[test]
    fn connects_and_applies_timeouts() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let timeouts = Timeouts {
            read: Some(Duration::from_millis(1500)),
            ..Timeouts::default()
        };
        let stream = connect("127.0.0.1", port, &timeouts).unwrap();
        assert_eq!(
            stream.read_timeout().unwrap(),
            Some(Duration::from_millis(1500))
        );
        assert!(stream.nodelay().unwrap());
    }

    #[test]
    fn refused_connection_is_an_io_error() {
        let port = {
            let listener = TcpListener::bind("127.0.0.1:0").unwrap();
            listener.local_addr().unwrap().port()
        };
        assert!(matches!(
            connect("127.0.0.1", port, &Timeouts::default()),
            Err(Error::Io(_))
        ));
    }
}
