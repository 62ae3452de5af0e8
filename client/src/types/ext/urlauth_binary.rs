//! URLAUTH=BINARY (RFC 5524): URLFETCH's options and what it returns for
//! a URL asked with them.

use bytes::Bytes;

use crate::types::BodyStructure;

/// The form URLFETCH returns a part's data in (RFC 5524 section 3,
/// `url-fetch-args`' `"BINARY" / "BODY"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UrlFetchForm {
    /// `BINARY`: the part with its content-transfer-encoding undone
    /// (base64 or quoted-printable decoded); it may hold NUL.
    Binary,
    /// `BODY`: the part as stored, as RFC 4467's URLFETCH returns it.
    Body,
}

impl UrlFetchForm {
    /// The wire name.
    pub fn name(self) -> &'static str {
        match self {
            UrlFetchForm::Binary => "BINARY",
            UrlFetchForm::Body => "BODY",
        }
    }

    /// `BINARY` (the constructor behind `UrlFetch::binary`).
    pub fn binary() -> Self {
        UrlFetchForm::Binary
    }

    /// `BODY` (the constructor behind `UrlFetch::body`).
    pub fn body() -> Self {
        UrlFetchForm::Body
    }
}

/// What URLFETCH returned for one URL: RFC 4467's `nstring`, or, for a
/// URL asked with RFC 5524's options, the items it asked for.
///
/// ```text
/// urldata-simple      = url-full SP nstring
/// urldata-ext         = url-full url-metadata
/// url-metadata        = 1*(SP "(" url-metadata-el ")")
/// url-metadata-el     = url-meta-bodystruct / url-meta-body / url-meta-binary
/// url-meta-bodystruct = "BODYPARTSTRUCTURE" SP body
/// url-meta-binary     = "BINARY" SP (nstring / literal8)
/// url-meta-body       = "BODY" SP nstring
/// ```
///
/// (RFC 5524 section 5; this is what follows the URL.) Each item comes in
/// parentheses of its own, `(BODYPARTSTRUCTURE (...)) (BINARY ~{3}...)`;
/// Dovecot puts them in one list, `(BODYPARTSTRUCTURE (...) BINARY
/// ~{3}...)`, which is read too.
#[derive(Clone, Debug, Default)]
pub struct UrlFetchData {
    /// The data: as stored (RFC 4467's form, or `BODY`), or decoded
    /// (`BINARY`, see `form`). `None` when the server sent NIL (a URL it
    /// could not resolve, a part it could not decode) or when only the
    /// structure was asked.
    pub content: Option<Bytes>,
    /// Which of `BINARY` and `BODY` the data came as; `None` for RFC
    /// 4467's form (as stored) and when no data came.
    pub form: Option<UrlFetchForm>,
    /// The part's `BODYPARTSTRUCTURE`, when it was asked for and the
    /// server gave one (it may send NIL).
    pub body_part_structure: Option<BodyStructure>,
}
