//! Streams: a byte stream loaded as its chunks arrive, into an index of
//! the stream's own that joins the index only when the stream ends well.

use super::{ChatIndex, Page};
use crate::records::field::DataError;
use crate::records::stream::RoomStream;
use crate::server::zone::LocalZone;

/// A byte stream being loaded into a [`ChatIndex`]: records are parsed as
/// chunks arrive into an index of the stream's own that queries do not
/// see, and join the index only when [`ChatIndex::finish_stream`]
/// succeeds.
///
/// # Example
/// ```
/// use chats_per_department::{ChatIndex, Params, Utc};
/// let mut index = ChatIndex::new(None);
/// let mut stream = ChatIndex::begin_stream();
/// stream.push(br#"[{"t":"l","open":true,"departmentId":null,"ts":"2020-01-0"#, &Utc).unwrap();
/// stream.push(br#"1T00:00:00Z"}]"#, &Utc).unwrap();
/// assert_eq!(index.finish_stream(stream, &Utc).unwrap(), 1);
/// let body = index.query(&Params::from_pairs([("start", "2020"), ("end", "2021")]), &Utc);
/// assert_eq!(body.to_json(), r#"{"undefined":{"open":1,"closed":0},"success":true}"#);
/// ```
#[derive(Debug)]
pub struct StreamLoad {
    pub(super) rooms: RoomStream,
    /// Rooms read and not yet in `read`.
    pub(super) page: Page,
    /// The stream's rooms so far, in an index of their own: held as an
    /// index holds them (about 20 bytes a room with ids) rather than as
    /// read (about 50), and out of the queries' sight until the end:
    /// staging every room of a 10M-room stream took 1.5 GB of wasm memory.
    pub(super) read: ChatIndex,
    /// Records applied to `read`.
    pub(super) records: usize,
    /// Rooms a page holds before it is applied to `read`.
    pub(super) page_rooms: usize,
}

/// Rooms read before they are applied to a stream's own index: about
/// half a megabyte, held (and reused) until the stream ends.
pub(super) const STREAM_PAGE: usize = 1 << 13;

impl StreamLoad {
    /// Parses the records this chunk completes.
    pub fn push(&mut self, chunk: &[u8], zone: &dyn LocalZone) -> Result<(), DataError> {
        self.rooms.push(chunk, zone, &mut self.page)?;
        if self.page.rooms.len() >= self.page_rooms {
            self.records += self.read.apply(&mut self.page);
        }
        Ok(())
    }

    /// The same stream, its rooms applied to its own index every `rooms`
    /// rooms read (8,192 unless told): fewer holds less as read, more
    /// applies in larger steps. The result is the same either way.
    ///
    /// # Example
    /// ```
    /// use chats_per_department::{ChatIndex, Utc};
    /// let mut stream = ChatIndex::begin_stream().applying_every(1);
    /// stream.push(br#"[{"_id":"a","t":"l","ts":1},{"_id":"a","t":"l","ts":2}]"#, &Utc).unwrap();
    /// assert_eq!(ChatIndex::new(None).finish_stream(stream, &Utc), Ok(2));
    /// ```
    pub fn applying_every(self, rooms: usize) -> StreamLoad {
        StreamLoad { page_rooms: rooms.max(1), ..self }
    }

    /// Bytes of input held between chunks (at most one chunk and one record).
    pub fn buffered(&self) -> usize {
        self.rooms.buffered()
    }
}
