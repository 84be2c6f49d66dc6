//! The `ChatIndex` class: each method decodes its arguments, calls the
//! core's [`ChatIndex`], and encodes the answer.

use crate::bindings::convert::{self, chart_body};
use crate::bindings::errors::rooms_error;
use crate::bindings::options;
use crate::chart::index::{ChatIndex, StreamLoad};
use crate::server::zone::LocalZone;
use js_sys::{Array, Float64Array, JSON};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

/// `ChatIndex` (declared in `packaging/types/api.d.ts`).
#[wasm_bindgen(js_name = ChatIndex, skip_typescript)]
pub struct ChatIndexHandle {
    index: RefCell<ChatIndex>,
    zone: Rc<dyn LocalZone>,
    /// The department names as a JavaScript array, for one grouping
    /// generation: converted once, not on every query.
    names: RefCell<Option<(u64, Array)>>,
    /// `countsInto`'s counts, reused from call to call.
    counts: RefCell<Vec<u64>>,
}

/// A stream being read by `addStream`: its rooms, staged.
#[wasm_bindgen(skip_typescript)]
pub struct PendingStream {
    load: StreamLoad,
}

#[wasm_bindgen(js_class = ChatIndex)]
impl ChatIndexHandle {
    /// `new ChatIndex(departments?, options?)`.
    #[wasm_bindgen(constructor)]
    pub fn new(departments: JsValue, options: JsValue) -> Result<ChatIndexHandle, JsValue> {
        let zone: Rc<dyn LocalZone> = options::zone(&options)?;
        let index = match convert::departments(&departments) {
            Ok(departments) => ChatIndex::new(departments),
            Err(error) => ChatIndex::with_departments_error(error),
        };
        Ok(handle(index, zone))
    }

    /// `ChatIndex.fromBytes(bytes, options?)`: an index saved by `toBytes()`.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: JsValue, options: JsValue) -> Result<ChatIndexHandle, JsValue> {
        let zone: Rc<dyn LocalZone> = options::zone(&options)?;
        let bytes = convert::snapshot(&bytes)?;
        let index = ChatIndex::from_bytes(&bytes).map_err(|error| JsValue::from(js_sys::Error::new(&error.to_string())))?;
        Ok(handle(index, zone))
    }

    /// `index.toBytes()`: a snapshot for `ChatIndex.fromBytes`.
    #[wasm_bindgen(js_name = toBytes)]
    pub fn to_bytes(&self) -> Result<Vec<u8>, JsValue> {
        Ok(self.index_mut()?.to_bytes())
    }

    /// `index.add(rooms)`. The caller's objects are read before the index
    /// is borrowed: a getter that calls this index meanwhile finds it free.
    pub fn add(&self, rooms: JsValue) -> Result<f64, JsValue> {
        let zone = &*self.zone;
        let input = convert::rooms_input(&rooms);
        let page = ChatIndex::read_page(|page| input.read_into(zone, page)).map_err(rooms_error)?;
        Ok(self.index_mut()?.add_page(page) as f64)
    }

    /// `index.remove(ids)`.
    pub fn remove(&self, ids: JsValue) -> Result<f64, JsValue> {
        let ids = convert::ids(&ids, "remove")?;
        Ok(self.index_mut()?.remove(ids.iter().map(String::as_str)) as f64)
    }

    /// `index.retain(ids)`.
    pub fn retain(&self, ids: JsValue) -> Result<f64, JsValue> {
        let ids = convert::ids(&ids, "retain")?;
        Ok(self.index_mut()?.retain(ids.iter().map(String::as_str)) as f64)
    }

    /// `index.retainCreated(ids, startMs, endMs)`.
    #[wasm_bindgen(js_name = retainCreated)]
    pub fn retain_created(&self, ids: JsValue, start_ms: f64, end_ms: f64) -> Result<f64, JsValue> {
        let ids = convert::ids(&ids, "retainCreated")?;
        if !(start_ms.is_finite() && end_ms.is_finite()) {
            return Err(js_sys::TypeError::new("retainCreated: startMs and endMs must be finite numbers (epoch milliseconds)").into());
        }
        Ok(self.index_mut()?.retain_created(ids.iter().map(String::as_str), start_ms.floor() as i64, end_ms.floor() as i64) as f64)
    }

    /// `index.setDepartments(departments)`.
    #[wasm_bindgen(js_name = setDepartments)]
    pub fn set_departments(&self, departments: JsValue) -> Result<(), JsValue> {
        let departments = convert::departments(&departments);
        self.index_mut()?.set_departments(departments);
        Ok(())
    }

    /// `index.addStream(stream)` is driven from JavaScript
    /// (`packaging/freed.js`), which reads the stream and hands each chunk
    /// to [`ChatIndexHandle::stream_push`]: a loop of awaits in Rust took
    /// the futures runtime into the module (9 KB), and JavaScript reads a
    /// stream natively. The rooms go to the stream's own index (see
    /// `StreamLoad`), which joins this one only in
    /// [`ChatIndexHandle::stream_finish`], so a failed stream adds nothing.
    #[wasm_bindgen(js_name = __streamBegin)]
    pub fn stream_begin(&self) -> PendingStream {
        PendingStream { load: ChatIndex::begin_stream() }
    }

    /// Reads one piece of a stream (JavaScript cuts chunks into pieces of
    /// at most 1 MiB, so a huge chunk never needs a huge copy).
    #[wasm_bindgen(js_name = __streamPush)]
    pub fn stream_push(&self, stream: &mut PendingStream, piece: &[u8]) -> Result<(), JsValue> {
        stream.load.push(piece, &*self.zone).map_err(rooms_error)
    }

    /// Ends a stream: its rooms added, all or nothing; the count of records.
    #[wasm_bindgen(js_name = __streamFinish)]
    pub fn stream_finish(&self, stream: PendingStream) -> Result<f64, JsValue> {
        let added = self.index_mut()?.finish_stream(stream.load, &*self.zone).map_err(rooms_error)?;
        Ok(added as f64)
    }

    /// `index.query(params)`.
    pub fn query(&self, params: JsValue) -> Result<JsValue, JsValue> {
        let params = convert::params(&params)?;
        let mut index = self.index_mut()?;
        let (generation, counts) = match index.query_groups(&params, &*self.zone) {
            Ok(result) => result,
            Err(failure) => return Ok(failure_body(&failure)),
        };
        let names = self.names_of(&mut index, generation)?;
        Ok(chart_body(&names, &numbers(counts)))
    }

    /// `index.countsInto(startMs, endMs, out, departmentId?)` and
    /// `index.chartNames()`, whose arguments `packaging/freed.js` checks:
    /// `query`'s counts for a range already parsed, written into the
    /// caller's `Float64Array` when it has room for them, with nothing
    /// allocated on the JavaScript heap unless the answer is a 400 body.
    /// Returns the chart's keys (the cached, frozen array: `out` needs two
    /// numbers per key), or the body. `room` is `out`'s length, read by
    /// the caller with the intrinsic getter: JavaScript that throws while
    /// this call runs would leave the index borrowed for good, and writing
    /// a typed array's elements runs none.
    #[wasm_bindgen(js_name = __countsInto)]
    pub fn counts_into(
        &self,
        start_ms: f64,
        end_ms: f64,
        out: &Float64Array,
        room: u32,
        department_id: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let room = room as usize;
        let mut index = self.index_mut()?;
        let mut counts = self.counts.try_borrow_mut().map_err(|_| busy())?;
        // `as` truncates toward zero, as TimeClip does.
        let generation = match index.counts_between(start_ms as i64, end_ms as i64, department_id.as_deref(), &mut counts) {
            Ok(generation) => generation,
            Err(failure) => return Ok(failure_body(&failure)),
        };
        let names = self.names_of(&mut index, generation)?;
        if counts.len() <= room {
            for (i, &count) in counts.iter().enumerate() {
                out.set_index(i as u32, count as f64);
            }
        }
        Ok(names.into())
    }

    /// `index.queryJson(params)`.
    #[wasm_bindgen(js_name = queryJson)]
    pub fn query_json(&self, params: JsValue) -> Result<String, JsValue> {
        let params = convert::params(&params)?;
        Ok(self.index_mut()?.query(&params, &*self.zone).to_json())
    }

    /// `index.series(params, { bucket, timeZone? })`: the chart per day or
    /// week; buckets split in `timeZone` (default: the index's zone).
    pub fn series(&self, params: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let params = convert::params(&params)?;
        let (bucket, bucket_zone) = options::series(&options)?;
        let mut index = self.index_mut()?;
        let bucket_zone: &dyn LocalZone = bucket_zone.as_deref().unwrap_or(&*self.zone);
        let (spans, cells) = match index.series_counts(&params, bucket, &*self.zone, bucket_zone) {
            Ok(result) => result,
            Err(failure) => return Ok(failure_body(&failure)),
        };
        let bounds: Vec<f64> = spans.iter().flat_map(|span| [span.start as f64, span.end as f64]).collect();
        let cells: Vec<f64> =
            cells.iter().flat_map(|cell| [cell.bucket as f64, cell.group as f64, cell.open as f64, cell.closed as f64]).collect();
        Ok(convert::series_body(&names_array(&mut index), &bounds, &cells))
    }

    /// `index.timeRange()`: `{ first, last }` (ms) of the countable rooms, or `null`.
    #[wasm_bindgen(js_name = timeRange)]
    pub fn time_range(&self) -> Result<JsValue, JsValue> {
        let range = self.index_mut()?.time_range();
        Ok(range.map_or(JsValue::NULL, |(first, last)| convert::time_range(first as f64, last as f64)))
    }

    /// `index.countable`: rooms held that some query can count.
    #[wasm_bindgen(getter)]
    pub fn countable(&self) -> f64 {
        self.index.try_borrow().map_or(f64::NAN, |index| index.countable() as f64)
    }

    /// `index.departments()`: `[{ _id, name }]` (unordered), from the list or the rooms.
    pub fn departments(&self) -> Result<Array, JsValue> {
        let index = self.index.try_borrow().map_err(|_| busy())?;
        Ok(index.departments_unordered().map(|(id, name)| convert::department_record(id, name)).collect())
    }

    /// `index.merge(other)`: `other`'s rooms added to this index (the core's
    /// `merge`); `other` is consumed (freed) by the call.
    pub fn merge(&self, other: ChatIndexHandle) -> Result<f64, JsValue> {
        let other = std::mem::take(&mut *other.index_mut()?);
        Ok(self.index_mut()?.merge(other) as f64)
    }

    /// `index.settle()`.
    pub fn settle(&self) -> Result<(), JsValue> {
        self.index_mut()?.settle();
        Ok(())
    }

    /// `index.size`.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.index.try_borrow().map_or(f64::NAN, |index| index.size() as f64)
    }

    /// `index.memoryBytes`.
    #[wasm_bindgen(getter, js_name = memoryBytes)]
    pub fn memory_bytes(&self) -> f64 {
        self.index.try_borrow().map_or(f64::NAN, |index| index.memory_bytes() as f64)
    }
}

impl ChatIndexHandle {
    /// The chart's keys for `generation`, converted once per grouping and
    /// frozen, so that a caller of `chartNames` cannot change what later
    /// bodies are built from.
    fn names_of(&self, index: &mut ChatIndex, generation: u64) -> Result<Array, JsValue> {
        let mut names = self.names.try_borrow_mut().map_err(|_| busy())?;
        match names.as_ref() {
            Some((cached, array)) if *cached == generation => Ok(array.clone()),
            _ => {
                let array = names_array(index);
                js_sys::Object::freeze(&array);
                *names = Some((generation, array.clone()));
                Ok(array)
            }
        }
    }
}

/// A handle around a new index.
#[inline(never)]
fn handle(index: ChatIndex, zone: Rc<dyn LocalZone>) -> ChatIndexHandle {
    ChatIndexHandle { index: RefCell::new(index), zone, names: RefCell::new(None), counts: RefCell::new(Vec::new()) }
}

/// A 400 body as a JavaScript object (the error path: one copy for all).
#[inline(never)]
fn failure_body(failure: &crate::chart::body::Body) -> JsValue {
    JSON::parse(&failure.to_json()).unwrap_or(JsValue::NULL)
}

/// The groups' body keys as a JavaScript array.
#[inline(never)]
fn names_array(index: &mut ChatIndex) -> Array {
    index.group_names().into_iter().map(JsValue::from_str).collect()
}

/// Counts as the numbers JavaScript receives.
#[inline(never)]
fn numbers(counts: Vec<u64>) -> Vec<f64> {
    counts.into_iter().map(|c| c as f64).collect()
}

/// The `Error` for a re-entrant call.
fn busy() -> JsValue {
    js_sys::Error::new("ChatIndex is busy: a call on this index is still running (a getter calling back into it?)").into()
}

impl ChatIndexHandle {
    /// The index, mutably, or a clear `Error` when a call on it is running.
    fn index_mut(&self) -> Result<std::cell::RefMut<'_, ChatIndex>, JsValue> {
        self.index.try_borrow_mut().map_err(|_| busy())
    }
}
