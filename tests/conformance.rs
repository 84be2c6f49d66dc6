//! Conformance table: the seed document's examples, Rocket.Chat's own
//! end-to-end case, and one case per rule of the server's behaviour
//! (the server's rules, docs/exactness.md), each as input and exact body.

use chats_per_department::internals::params::{ParamValue, Params};
use chats_per_department::internals::zone::{FixedOffset, Utc};
use chats_per_department::{chats_per_department_json, LocalZone};

struct Case {
    rule: &'static str,
    rooms: &'static str,
    departments: Option<&'static str>,
    params: Params,
    body: &'static str,
}

fn pairs(list: &[(&str, &str)]) -> Params {
    Params::from_pairs(list.iter().copied())
}

const DEPARTMENTS: &str = r#"[{"_id":"test","name":"Test"},{"_id":"sales","name":"Sales"},{"_id":"fin","name":"Finance"}]"#;
const SEPT: [(&str, &str); 2] = [("start", "2020-09-09T00:11:22.345Z"), ("end", "2020-09-10T23:59:22.345Z")];

fn cases() -> Vec<Case> {
    vec![
        Case {
            rule: "seed: success example (Test 1 open, Sales 9 closed, Finance 1 closed)",
            rooms: r#"[
                {"t":"l","open":true,"departmentId":"test","ts":"2020-09-10T10:00:00.000Z"},
                {"t":"l","departmentId":"sales","ts":"2020-09-09T01:00:00.000Z"},
                {"t":"l","departmentId":"sales","ts":"2020-09-09T02:00:00.000Z"},
                {"t":"l","departmentId":"sales","ts":"2020-09-09T03:00:00.000Z"},
                {"t":"l","departmentId":"sales","ts":"2020-09-09T04:00:00.000Z"},
                {"t":"l","departmentId":"sales","ts":"2020-09-09T05:00:00.000Z"},
                {"t":"l","departmentId":"sales","ts":"2020-09-09T06:00:00.000Z"},
                {"t":"l","departmentId":"sales","ts":"2020-09-09T07:00:00.000Z"},
                {"t":"l","departmentId":"sales","ts":"2020-09-09T08:00:00.000Z"},
                {"t":"l","departmentId":"sales","ts":"2020-09-09T09:00:00.000Z"},
                {"t":"l","departmentId":"fin","ts":"2020-09-10T09:00:00.000Z"}
            ]"#,
            departments: Some(DEPARTMENTS),
            params: pairs(&SEPT),
            body: r#"{"Finance":{"open":0,"closed":1},"Sales":{"open":0,"closed":9},"Test":{"open":1,"closed":0},"success":true}"#,
        },
        Case {
            rule: "seed example 1: missing start",
            rooms: "[]",
            departments: None,
            params: pairs(&[("end", "2020-09-09T00:11:22.345Z")]),
            body: r#"{"success":false,"error":"must have required property 'start' [invalid-params]","errorType":"invalid-params"}"#,
        },
        Case {
            rule: "seed example 2: start not a date",
            rooms: "[]",
            departments: None,
            params: pairs(&[("start", "yesterday"), ("end", "2020-09-09T00:11:22.345Z")]),
            body: r#"{"success":false,"error":"The \"start\" query parameter must be a valid date."}"#,
        },
        Case {
            rule: "seed example 3: missing end",
            rooms: "[]",
            departments: None,
            params: pairs(&[("start", "2020-09-10T23:59:22.345Z")]),
            body: r#"{"success":false,"error":"must have required property 'end' [invalid-params]","errorType":"invalid-params"}"#,
        },
        Case {
            rule: "seed example 4: end not a date",
            rooms: "[]",
            departments: None,
            params: pairs(&[("start", "2020-09-10T23:59:22.345Z"), ("end", "")]),
            body: r#"{"success":false,"error":"The \"end\" query parameter must be a valid date."}"#,
        },
        Case {
            rule: "Rocket.Chat e2e: a 2019 range with no rooms is 200 with success",
            rooms: "[]",
            departments: None,
            params: pairs(&[("start", "2019-10-25T15:08:17.248Z"), ("end", "2019-12-08T15:08:17.248Z")]),
            body: r#"{"success":true}"#,
        },
        Case {
            rule: "Rocket.Chat e2e: 7 rooms, 1 on hold, 2 closed (1 abandoned) -> open 5, closed 2",
            rooms: r#"[
                {"t":"l","open":true,"onHold":true,"servedBy":{"_id":"a"},"departmentId":"e2e","ts":"2024-05-01T10:00:00.000Z"},
                {"t":"l","open":true,"servedBy":{"_id":"a"},"departmentId":"e2e","ts":"2024-05-01T10:01:00.000Z"},
                {"t":"l","open":true,"servedBy":{"_id":"a"},"departmentId":"e2e","ts":"2024-05-01T10:02:00.000Z"},
                {"t":"l","open":true,"servedBy":{"_id":"a"},"departmentId":"e2e","ts":"2024-05-01T10:03:00.000Z"},
                {"t":"l","open":true,"servedBy":{"_id":"a"},"departmentId":"e2e","ts":"2024-05-01T10:04:00.000Z"},
                {"t":"l","closedAt":"2024-05-01T10:30:00.000Z","servedBy":{"_id":"a"},"departmentId":"e2e","ts":"2024-05-01T10:05:00.000Z"},
                {"t":"l","closedAt":"2024-05-01T10:40:00.000Z","closer":"visitor","servedBy":{"_id":"a"},"departmentId":"e2e","ts":"2024-05-01T10:06:00.000Z"}
            ]"#,
            departments: Some(r#"[{"_id":"e2e","name":"E2E department"}]"#),
            params: pairs(&[("start", "2024-04-30T11:00:00.000Z"), ("end", "2024-05-01T11:00:00.000Z"), ("departmentId", "e2e")]),
            body: r#"{"E2E department":{"open":5,"closed":2},"success":true}"#,
        },
        Case {
            rule: "open:false and open:null count as neither; non-livechat rooms never count",
            rooms: r#"[
                {"t":"l","open":false,"departmentId":"sales","ts":"2020-09-10T00:00:00Z"},
                {"t":"l","open":null,"departmentId":"sales","ts":"2020-09-10T00:00:00Z"},
                {"t":"c","open":true,"departmentId":"sales","ts":"2020-09-10T00:00:00Z"},
                {"open":true,"departmentId":"sales","ts":"2020-09-10T00:00:00Z"}
            ]"#,
            departments: Some(DEPARTMENTS),
            params: pairs(&SEPT),
            body: r#"{"success":true}"#,
        },
        Case {
            rule: "queued rooms (no servedBy) are open; closed is by the absent field, ts not closedAt",
            rooms: r#"[
                {"t":"l","open":true,"departmentId":"sales","ts":"2020-09-10T00:00:00Z"},
                {"t":"l","departmentId":"sales","ts":"2020-09-10T00:00:00Z","closedAt":"2021-01-01T00:00:00Z"}
            ]"#,
            departments: Some(DEPARTMENTS),
            params: pairs(&SEPT),
            body: r#"{"Sales":{"open":1,"closed":1},"success":true}"#,
        },
        Case {
            rule: "departmentId must be present; null counts under \"undefined\"; so do deleted departments",
            rooms: r#"[
                {"t":"l","open":true,"ts":"2020-09-10T00:00:00Z"},
                {"t":"l","open":true,"departmentId":null,"ts":"2020-09-10T00:00:00Z"},
                {"t":"l","departmentId":"deleted","ts":"2020-09-10T00:00:00Z"}
            ]"#,
            departments: Some(DEPARTMENTS),
            params: pairs(&SEPT),
            body: r#"{"undefined":{"open":1,"closed":1},"success":true}"#,
        },
        Case {
            rule: "start and end are inclusive; a room without ts or with null ts matches nothing",
            rooms: r#"[
                {"t":"l","open":true,"departmentId":"sales","ts":"2020-09-09T00:11:22.345Z"},
                {"t":"l","open":true,"departmentId":"sales","ts":"2020-09-10T23:59:22.345Z"},
                {"t":"l","open":true,"departmentId":"sales","ts":"2020-09-09T00:11:22.344Z"},
                {"t":"l","open":true,"departmentId":"sales","ts":"2020-09-10T23:59:22.346Z"},
                {"t":"l","open":true,"departmentId":"sales"},
                {"t":"l","open":true,"departmentId":"sales","ts":null}
            ]"#,
            departments: Some(DEPARTMENTS),
            params: pairs(&SEPT),
            body: r#"{"Sales":{"open":2,"closed":0},"success":true}"#,
        },
        Case {
            rule: "no check that start <= end: an inverted range matches nothing",
            rooms: r#"[{"t":"l","open":true,"departmentId":"sales","ts":"2020-09-10T00:00:00Z"}]"#,
            departments: Some(DEPARTMENTS),
            params: pairs(&[("start", "2020-09-11"), ("end", "2020-09-09")]),
            body: r#"{"success":true}"#,
        },
        Case {
            rule: "department filter: \"\" and \"undefined\" do not filter",
            rooms: r#"[{"t":"l","open":true,"departmentId":"sales","ts":"2020-09-10T00:00:00Z"},{"t":"l","open":true,"departmentId":"fin","ts":"2020-09-10T00:00:00Z"}]"#,
            departments: Some(DEPARTMENTS),
            params: pairs(&[SEPT[0], SEPT[1], ("departmentId", "undefined")]),
            body: r#"{"Finance":{"open":1,"closed":0},"Sales":{"open":1,"closed":0},"success":true}"#,
        },
        Case {
            rule: "department filter on an id keeps only that department",
            rooms: r#"[{"t":"l","open":true,"departmentId":"sales","ts":"2020-09-10T00:00:00Z"},{"t":"l","open":true,"departmentId":"fin","ts":"2020-09-10T00:00:00Z"}]"#,
            departments: Some(DEPARTMENTS),
            params: pairs(&[SEPT[0], SEPT[1], ("departmentId", "fin")]),
            body: r#"{"Finance":{"open":1,"closed":0},"success":true}"#,
        },
        Case {
            rule: "a department named success is overwritten by success: true",
            rooms: r#"[{"t":"l","open":true,"departmentId":"s","ts":"2020-09-10T00:00:00Z"}]"#,
            departments: Some(r#"[{"_id":"s","name":"success"}]"#),
            params: pairs(&SEPT),
            body: r#"{"success":true}"#,
        },
        Case {
            rule: "prototype names are plain keys (server bug not reproduced)",
            rooms: r#"[
                {"t":"l","departmentId":"p","ts":"2020-09-10T00:00:00Z"},
                {"t":"l","departmentId":"t","ts":"2020-09-10T00:00:00Z"},
                {"t":"l","open":true,"departmentId":"c","ts":"2020-09-10T00:00:00Z"}
            ]"#,
            departments: Some(r#"[{"_id":"p","name":"__proto__"},{"_id":"t","name":"toString"},{"_id":"c","name":"constructor"}]"#),
            params: pairs(&SEPT),
            body: r#"{"__proto__":{"open":0,"closed":1},"constructor":{"open":1,"closed":0},"toString":{"open":0,"closed":1},"success":true}"#,
        },
        Case {
            rule: "two departments with one name: counts are added (documented rule)",
            rooms: r#"[{"t":"l","open":true,"departmentId":"a","ts":"2020-09-10T00:00:00Z"},{"t":"l","departmentId":"b","ts":"2020-09-10T00:00:00Z"}]"#,
            departments: Some(r#"[{"_id":"a","name":"Sales"},{"_id":"b","name":"Sales"}]"#),
            params: pairs(&SEPT),
            body: r#"{"Sales":{"open":1,"closed":1},"success":true}"#,
        },
        Case {
            rule: "no departments list: names come from the rooms' embedded department",
            rooms: r#"[{"t":"l","open":true,"departmentId":"a","department":{"_id":"a","name":"Embedded"},"ts":"2020-09-10T00:00:00Z"},{"t":"l","departmentId":"a","ts":"2020-09-10T00:00:00Z"},{"t":"l","departmentId":"z","ts":"2020-09-10T00:00:00Z"}]"#,
            departments: None,
            params: pairs(&SEPT),
            body: r#"{"Embedded":{"open":1,"closed":1},"undefined":{"open":0,"closed":1},"success":true}"#,
        },
        Case {
            rule: "numeric department names come first, as JavaScript orders keys",
            rooms: r#"[{"t":"l","open":true,"departmentId":"a","ts":"2020-09-10T00:00:00Z"},{"t":"l","open":true,"departmentId":"b","ts":"2020-09-10T00:00:00Z"}]"#,
            departments: Some(r#"[{"_id":"a","name":"Alpha"},{"_id":"b","name":"2024"}]"#),
            params: pairs(&SEPT),
            body: r#"{"2024":{"open":1,"closed":0},"Alpha":{"open":1,"closed":0},"success":true}"#,
        },
        Case {
            rule: "extra parameters are rejected before types and dates",
            rooms: "[]",
            departments: None,
            params: pairs(&[("start", "x"), ("end", "y"), ("type", "z")]),
            body: r#"{"success":false,"error":"must NOT have additional properties [invalid-params]","errorType":"invalid-params"}"#,
        },
        Case {
            rule: "bad parameters win over bad data",
            rooms: "not json",
            departments: Some("also not json"),
            params: pairs(&[("start", "2020")]),
            body: r#"{"success":false,"error":"must have required property 'end' [invalid-params]","errorType":"invalid-params"}"#,
        },
        Case {
            rule: "bad room data is a 400 naming the record and field",
            rooms: r#"[{"t":"l","ts":"2020-09-10T00:00:00Z"},{"t":"l","ts":"whenever"}]"#,
            departments: None,
            params: pairs(&SEPT),
            body: r#"{"success":false,"error":"rooms[1].ts is not a date at line 1 column 64 [invalid-rooms]","errorType":"invalid-rooms"}"#,
        },
        Case {
            rule: "bad department data is a 400 naming the record and field",
            rooms: "[]",
            departments: Some(r#"[{"_id":"a","name":"A"},{"name":"B"}]"#),
            params: pairs(&SEPT),
            body: r#"{"success":false,"error":"departments[1]._id is missing [invalid-departments]","errorType":"invalid-departments"}"#,
        },
    ]
}

#[test]
fn conformance_table() {
    let mut failures = Vec::new();
    let all = cases();
    for case in &all {
        let body = chats_per_department_json(case.rooms.as_bytes(), case.departments.map(str::as_bytes), &case.params, &Utc).to_json();
        if body != case.body {
            failures.push(format!("{}\n  expected {}\n  actual   {}", case.rule, case.body, body));
        }
    }
    assert!(all.len() >= 20);
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), all.len(), failures.join("\n"));
}

#[test]
fn coerced_number_parameters_are_dates_or_not_as_in_javascript() {
    let run = |start: ParamValue| {
        let params = Params::Object(vec![("start".into(), start), ("end".into(), ParamValue::from("2100"))]);
        chats_per_department_json(b"[]", None, &params, &Utc).to_json()
    };
    assert_eq!(run(ParamValue::Number(2020.0)), r#"{"success":true}"#);
    assert_eq!(run(ParamValue::Bool(true)), r#"{"success":false,"error":"The \"start\" query parameter must be a valid date."}"#);
    assert_eq!(run(ParamValue::Null), r#"{"success":false,"error":"The \"start\" query parameter must be a valid date."}"#);
    assert_eq!(run(ParamValue::Array), r#"{"success":false,"error":"must be string [invalid-params]","errorType":"invalid-params"}"#);
}

#[test]
fn local_time_parameters_follow_the_zone() {
    // "2020-09-10T00:00" is local: in Sao Paulo (-03:00) it starts at 03:00 UTC.
    let rooms = br#"[{"t":"l","open":true,"departmentId":null,"ts":"2020-09-10T02:00:00Z"}]"#;
    let params = Params::from_pairs([("start", "2020-09-10T00:00"), ("end", "2020-09-11T00:00")]);
    let count = |zone: &dyn LocalZone| chats_per_department_json(rooms, None, &params, zone).to_json();
    assert_eq!(count(&Utc), r#"{"undefined":{"open":1,"closed":0},"success":true}"#);
    assert_eq!(count(&FixedOffset::from_minutes(-180)), r#"{"success":true}"#);
}
