//! The bindings in a real JavaScript engine: run with
//! `wasm-pack test --node` and, with `WASM_BINDGEN_USE_BROWSER=1`,
//! `wasm-pack test --headless --chrome` (scripts/test.sh checks that the
//! browser run reports a non-zero number of passed tests).
#![cfg(target_arch = "wasm32")]

use chats_per_department::bindings::{chats_per_department, chats_per_department_json, date_parse};
use js_sys::{Array, Date, Object, Reflect, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn js(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

fn stringify(value: &JsValue) -> String {
    JSON::stringify(value).unwrap().as_string().unwrap()
}

const U: JsValue = JsValue::UNDEFINED;

const SEPT: &str = r#"{"start":"2020-09-09T00:11:22.345Z","end":"2020-09-10T23:59:22.345Z"}"#;

#[wasm_bindgen_test]
fn counts_js_objects() {
    let rooms =
        js(r#"[{"t":"l","open":true,"departmentId":"a","ts":"2020-09-10T00:00:00Z"},{"t":"l","departmentId":"a","ts":1599696000000}]"#);
    let body = chats_per_department(rooms, js(r#"[{"_id":"a","name":"Sales"}]"#), js(SEPT), U).unwrap();
    assert_eq!(stringify(&body), r#"{"Sales":{"open":1,"closed":1},"success":true}"#);
}

#[wasm_bindgen_test]
fn accepts_dates_bytes_and_envelopes() {
    let room = Object::new();
    Reflect::set(&room, &"t".into(), &"l".into()).unwrap();
    Reflect::set(&room, &"departmentId".into(), &JsValue::NULL).unwrap();
    Reflect::set(&room, &"ts".into(), &Date::new(&JsValue::from_f64(1_599_696_000_000.0))).unwrap();
    let envelope = Object::new();
    Reflect::set(&envelope, &"rooms".into(), &Array::of1(&room)).unwrap();
    let body = chats_per_department(envelope.into(), JsValue::NULL, js(SEPT), U).unwrap();
    assert_eq!(stringify(&body), r#"{"undefined":{"open":0,"closed":1},"success":true}"#);

    let ndjson = b"{\"t\":\"l\",\"open\":true,\"departmentId\":\"a\",\"ts\":{\"$date\":\"2020-09-10T00:00:00Z\"}}\n";
    let bytes = Uint8Array::from(&ndjson[..]);
    let body = chats_per_department(bytes.into(), JsValue::from_str(r#"{"departments":[{"_id":"a","name":"A"}]}"#), js(SEPT), U).unwrap();
    assert_eq!(stringify(&body), r#"{"A":{"open":1,"closed":0},"success":true}"#);
}

#[wasm_bindgen_test]
fn prototype_names_are_own_data_properties() {
    let rooms = js(r#"[{"t":"l","departmentId":"p","ts":"2020-09-10T00:00:00Z"}]"#);
    let body = chats_per_department(rooms, js(r#"[{"_id":"p","name":"__proto__"}]"#), js(SEPT), U).unwrap();
    let object: Object = body.clone().into();
    assert_eq!(Object::get_prototype_of(&body), Object::get_prototype_of(&Object::new().into()));
    assert!(Object::has_own(&object, &"__proto__".into()));
    assert_eq!(stringify(&body), r#"{"__proto__":{"open":0,"closed":1},"success":true}"#);
}

/// Number params are coerced to text by the host's own `Number#toString`
/// in wasm (the native builds format the digits themselves): `2020` is a
/// date, `1e21` ("1e+21") and `1e-7` ("1e-7") are not.
#[wasm_bindgen_test]
fn number_params_coerced_as_javascript_writes_them() {
    use chats_per_department::internals::js_number::to_js_string;
    for (x, text) in [(2020.0, "2020"), (1e21, "1e+21"), (1e-7, "1e-7"), (-0.0, "0"), (f64::NAN, "NaN"), (0.1 + 0.2, "0.30000000000000004")]
    {
        assert_eq!(to_js_string(x), text);
    }
    let text = chats_per_department_json(js("[]"), JsValue::NULL, js(r#"{"start":2020,"end":1e21}"#), U).unwrap();
    assert_eq!(text, r#"{"success":false,"error":"The \"end\" query parameter must be a valid date."}"#);
}

#[wasm_bindgen_test]
fn server_error_bodies() {
    let text = chats_per_department_json(js("[]"), JsValue::NULL, js(r#"{"end":"2020"}"#), U).unwrap();
    assert_eq!(text, r#"{"success":false,"error":"must have required property 'start' [invalid-params]","errorType":"invalid-params"}"#);
    let text = chats_per_department_json(js("[]"), JsValue::NULL, js(r#"{"start":"2020","end":"nope"}"#), U).unwrap();
    assert_eq!(text, r#"{"success":false,"error":"The \"end\" query parameter must be a valid date."}"#);
    let text = chats_per_department_json(JsValue::UNDEFINED, JsValue::NULL, js(SEPT), U).unwrap();
    assert!(text.contains("rooms must be an array"), "{text}");
    let text = chats_per_department_json(js(r#"[{"t":"l"},[]]"#), JsValue::NULL, js(SEPT), U).unwrap();
    assert_eq!(text, r#"{"success":false,"error":"rooms[1] is not an object [invalid-rooms]","errorType":"invalid-rooms"}"#);
    let text = chats_per_department_json(js("[]"), js(r#"[{"_id":1}]"#), js(SEPT), U).unwrap();
    assert_eq!(
        text,
        r#"{"success":false,"error":"departments[0]._id is not a string [invalid-departments]","errorType":"invalid-departments"}"#
    );
}

#[wasm_bindgen_test]
fn date_parse_matches_the_host_for_common_forms() {
    // In Node and Chromium the host is V8, so the two must agree exactly.
    for text in [
        "2020-09-10T23:59:22.345Z",
        "2020-09-10",
        "2020-09-10T10:00",
        "Sep 10 2020",
        "Thu, 10 Sep 2020 23:59:22 GMT",
        "2020/09/10 10:00",
        "garbage",
        "",
    ] {
        let ours = date_parse(JsValue::from_str(text), U).unwrap();
        let host = Date::parse(text);
        assert!(ours == host || (ours.is_nan() && host.is_nan()), "{text}: {ours} vs {host}");
    }
}

#[wasm_bindgen_test]
fn chat_index_matches_one_shot_and_rejects_bad_pages_whole() {
    use chats_per_department::bindings::ChatIndexHandle;
    let departments = r#"[{"_id":"a","name":"A"},{"_id":"b","name":"B"}]"#;
    let pages = [
        r#"[{"t":"l","open":true,"departmentId":"a","ts":"2020-09-10T00:00:00Z"},{"t":"l","departmentId":"b","ts":"2020-09-10T05:00:00Z"}]"#,
        r#"{"rooms":[{"t":"l","departmentId":"a","ts":"2020-09-09T01:00:00Z"},{"t":"l","open":true,"departmentId":null,"ts":"2020-09-10T01:00:00Z"}]}"#,
    ];
    let index = ChatIndexHandle::new(JsValue::from_str(departments), U).unwrap();
    for page in pages {
        index.add(js(page)).unwrap();
    }
    let all = r#"[{"t":"l","open":true,"departmentId":"a","ts":"2020-09-10T00:00:00Z"},{"t":"l","departmentId":"b","ts":"2020-09-10T05:00:00Z"},{"t":"l","departmentId":"a","ts":"2020-09-09T01:00:00Z"},{"t":"l","open":true,"departmentId":null,"ts":"2020-09-10T01:00:00Z"}]"#;
    for params in [SEPT, r#"{"start":"2020-09-10","end":"2020-09-10T01:00:00Z","departmentId":"a"}"#, r#"{"start":"x","end":"y"}"#] {
        let expected = chats_per_department_json(js(all), JsValue::from_str(departments), js(params), U).unwrap();
        assert_eq!(index.query_json(js(params)).unwrap(), expected, "{params}");
    }
    let before = index.query_json(js(SEPT)).unwrap();
    let error = index.add(js(r#"[{"t":"l","open":true,"departmentId":"a","ts":"2020-09-10T00:00:00Z"},{"ts":false}]"#)).unwrap_err();
    let body = Reflect::get(&error, &"body".into()).unwrap();
    assert_eq!(stringify(&body), r#"{"success":false,"error":"rooms[1].ts is not a date [invalid-rooms]","errorType":"invalid-rooms"}"#);
    assert_eq!(index.query_json(js(SEPT)).unwrap(), before);
    assert_eq!(index.size(), 4.0);
}

#[wasm_bindgen_test]
fn chat_index_object_equals_the_parsed_json_key_for_key() {
    use chats_per_department::bindings::ChatIndexHandle;
    // Names that exercise key order and prototype handling.
    let departments = r#"[{"_id":"a","name":"__proto__"},{"_id":"b","name":"2024"},{"_id":"c","name":"success"},{"_id":"d","name":"toString"},{"_id":"e","name":"Zed"},{"_id":"f","name":"10"}]"#;
    let rooms: Vec<String> = ["a", "b", "c", "d", "e", "f", "a", "e"]
        .iter()
        .enumerate()
        .map(|(i, id)| {
            format!(r#"{{"t":"l",{}"departmentId":"{id}","ts":"2020-09-10T0{i}:00:00Z"}}"#, if i % 2 == 0 { r#""open":true,"# } else { "" })
        })
        .collect();
    let index = ChatIndexHandle::new(JsValue::from_str(departments), U).unwrap();
    index.add(JsValue::from_str(&format!("[{}]", rooms.join(",")))).unwrap();
    for params in
        [SEPT, r#"{"start":"2020-09-10T02:00:00Z","end":"2020-09-10T05:00:00Z"}"#, r#"{"start":"2020","end":"2021","departmentId":"a"}"#]
    {
        let object = index.query(js(params)).unwrap();
        let text = index.query_json(js(params)).unwrap();
        assert_eq!(stringify(&object), text, "{params}");
        let keys: Vec<String> = Object::keys(object.unchecked_ref::<Object>()).iter().filter_map(|k| k.as_string()).collect();
        let parsed_keys: Vec<String> =
            Object::keys(JSON::parse(&text).unwrap().unchecked_ref::<Object>()).iter().filter_map(|k| k.as_string()).collect();
        assert_eq!(keys, parsed_keys);
        assert_eq!(Object::get_prototype_of(&object), Object::get_prototype_of(&Object::new().into()));
    }
}

#[wasm_bindgen_test]
fn room_objects_answer_like_the_same_rooms_as_json_text() {
    // Each document goes once as objects (JSON.parse'd: the JS column pass,
    // or its field-by-field fallback) and once as text (the JSON readers).
    let documents = [
        r#"[{"t":"l","open":true,"departmentId":"a","ts":"2020-09-10T00:00:00.000Z","department":{"_id":"a","name":"A"}},{"t":"l","departmentId":null,"ts":1599696000000}]"#,
        r#"[{"t":"l","departmentId":"a","ts":{"$date":{"$numberLong":"+1599696000000"}}},{"t":"l","departmentId":"a","ts":{"$date":"Sep 10 2020"}}]"#,
        r#"[{"t":"l","departmentId":"a","ts":"2020-09-10T00:00:00Z"},{"t":"l","departmentId":"a","ts":"whenever"}]"#,
        r#"[{"t":"l","departmentId":"a","ts":{"$date":null}}]"#,
        r#"[{"t":["l"],"ts":"2020-09-10T00:00:00Z"}]"#,
        r#"[{"t":"l","departmentId":7,"ts":"2020-09-10T00:00:00Z"}]"#,
        r#"[{"t":"l","departmentId":"a","ts":"2020-09-10T00:00:00Z","department":{"_id":5}}]"#,
        r#"[{"t":"l","open":"true","departmentId":"a","ts":8.64e15},{"t":"l","departmentId":"a","ts":8.7e15}]"#,
    ];
    let params = r#"{"start":"2020","end":"2021"}"#;
    for document in documents {
        let as_objects = chats_per_department_json(js(document), JsValue::NULL, js(params), U).unwrap();
        let as_text = chats_per_department_json(JsValue::from_str(document), JsValue::NULL, js(params), U).unwrap();
        // The text readers add serde's position (" at line L column C").
        let strip = |s: &str| match (s.find(" at line "), s.find(" [invalid-")) {
            (Some(from), Some(to)) if from < to => format!("{}{}", &s[..from], &s[to..]),
            _ => s.to_owned(),
        };
        assert_eq!(strip(&as_objects), strip(&as_text), "{document}");
    }
}
