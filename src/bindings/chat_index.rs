//! The `ChatIndex` class: each method decodes its arguments, calls the
//! core's [`ChatIndex`], and encodes the answer.

use crate::bindings::convert::{self, chart_body, json_bytes};
use crate::bindings::errors::{rooms_error, type_error};
use crate::bindings::options;
use crate::chart::index::ChatIndex;
use crate::server::zone::LocalZone;
use js_sys::{Array, Function, Promise, Reflect, Uint8Array, JSON};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

/// `ChatIndex` (declared in `types.d.ts`). Shared (`Rc`) so that
/// `addStream` can keep loading across awaits.
#[wasm_bindgen(js_name = ChatIndex, skip_typescript)]
pub struct ChatIndexHandle {
    index: Rc<RefCell<ChatIndex>>,
    zone: Rc<dyn LocalZone>,
    /// The department names as a JavaScript array, for one grouping
    /// generation: converted once, not on every query.
    names: RefCell<Option<(u64, Array)>>,
}

/// Chunks of a stream are copied into wasm memory this much at a time, so a
/// huge chunk never needs a huge buffer.
const STREAM_SLICE: u32 = 1 << 20;

#[wasm_bindgen(js_class = ChatIndex)]
impl ChatIndexHandle {
    /// `new ChatIndex(departments?, options?)`.
    #[wasm_bindgen(constructor)]
    pub fn new(departments: JsValue, options: JsValue) -> Result<ChatIndexHandle, JsValue> {
        let zone: Rc<dyn LocalZone> = options::zone(&options)?.into();
        let index = match convert::departments(&departments) {
            Ok(departments) => ChatIndex::new(departments),
            Err(error) => ChatIndex::with_departments_error(error),
        };
        Ok(ChatIndexHandle { index: Rc::new(RefCell::new(index)), zone, names: RefCell::new(None) })
    }

    /// `index.add(rooms)`.
    pub fn add(&self, rooms: JsValue) -> Result<f64, JsValue> {
        let mut index = self.index.borrow_mut();
        let zone = &*self.zone;
        let added = match json_bytes(&rooms) {
            Some(bytes) => index.add_json(&bytes, zone),
            None => index.load(|page| convert::rooms_into(&rooms, zone, page)),
        };
        added.map(|n| n as f64).map_err(rooms_error)
    }

    /// `index.remove(ids)`.
    pub fn remove(&self, ids: JsValue) -> Result<f64, JsValue> {
        let ids = id_strings(&ids, "remove")?;
        Ok(self.index.borrow_mut().remove(ids.iter().map(String::as_str)) as f64)
    }

    /// `index.retain(ids)`.
    pub fn retain(&self, ids: JsValue) -> Result<f64, JsValue> {
        let ids = id_strings(&ids, "retain")?;
        Ok(self.index.borrow_mut().retain(ids.iter().map(String::as_str)) as f64)
    }

    /// `index.setDepartments(departments)`.
    #[wasm_bindgen(js_name = setDepartments)]
    pub fn set_departments(&self, departments: JsValue) {
        self.index.borrow_mut().set_departments(convert::departments(&departments));
    }

    /// `index.addStream(stream)`.
    #[wasm_bindgen(js_name = addStream)]
    pub fn add_stream(&self, stream: JsValue) -> Promise {
        let index = Rc::clone(&self.index);
        let zone = Rc::clone(&self.zone);
        future_to_promise(async move {
            let reader = call(&stream, "getReader")?;
            let mut load = ChatIndex::begin_stream();
            let mut buffer = Vec::new();
            loop {
                let step = JsFuture::from(call(&reader, "read")?.dyn_into::<Promise>()?).await?;
                if Reflect::get(&step, &"done".into())?.is_truthy() {
                    break;
                }
                let chunk: Uint8Array = Reflect::get(&step, &"value".into())?.dyn_into()?;
                let mut at = 0;
                while at < chunk.length() {
                    let end = (at + STREAM_SLICE).min(chunk.length());
                    buffer.resize((end - at) as usize, 0);
                    chunk.subarray(at, end).copy_to(&mut buffer);
                    if let Err(error) = load.push(&buffer, &*zone) {
                        let _ = call(&reader, "cancel");
                        return Err(rooms_error(error));
                    }
                    at = end;
                }
            }
            let added = index.borrow_mut().finish_stream(load).map_err(rooms_error)?;
            Ok(JsValue::from(added as f64))
        })
    }

    /// `index.query(params)`.
    pub fn query(&self, params: JsValue) -> JsValue {
        let mut index = self.index.borrow_mut();
        let (generation, counts) = match index.query_groups(&convert::params(&params), &*self.zone) {
            Ok(result) => result,
            Err(failure) => return JSON::parse(&failure.to_json()).unwrap_or(JsValue::NULL),
        };
        let mut names = self.names.borrow_mut();
        if names.as_ref().map(|(g, _)| *g) != Some(generation) {
            let array: Array = index.group_names().into_iter().map(JsValue::from_str).collect();
            *names = Some((generation, array));
        }
        let counts: Vec<f64> = counts.into_iter().map(|c| c as f64).collect();
        names.as_ref().map_or(JsValue::NULL, |(_, array)| chart_body(array, &counts))
    }

    /// `index.queryJson(params)`.
    #[wasm_bindgen(js_name = queryJson)]
    pub fn query_json(&self, params: JsValue) -> String {
        self.index.borrow_mut().query(&convert::params(&params), &*self.zone).to_json()
    }

    /// `index.settle()`.
    pub fn settle(&self) {
        self.index.borrow_mut().settle();
    }

    /// `index.size`.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> f64 {
        self.index.borrow().size() as f64
    }

    /// `index.memoryBytes`.
    #[wasm_bindgen(getter, js_name = memoryBytes)]
    pub fn memory_bytes(&self) -> f64 {
        self.index.borrow().memory_bytes() as f64
    }
}

/// An array of room `_id` strings, or a `TypeError` naming `method`.
fn id_strings(ids: &JsValue, method: &str) -> Result<Vec<String>, JsValue> {
    if !Array::is_array(ids) {
        return Err(type_error(&format!("{method}(ids): ids must be an array of room _id strings")));
    }
    let ids: Option<Vec<String>> = Array::from(ids).iter().map(|id| id.as_string()).collect();
    ids.ok_or_else(|| type_error(&format!("{method}(ids): every id must be a string")))
}

/// `object[method]()`.
fn call(object: &JsValue, method: &str) -> Result<JsValue, JsValue> {
    let function: Function = Reflect::get(object, &JsValue::from_str(method))?.dyn_into()?;
    function.call0(object)
}
