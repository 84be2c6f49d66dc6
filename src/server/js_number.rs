//! JavaScript's `Number.prototype.toString()` for finite and special values.
//!
//! Needed because the server's validator (Ajv with `coerceTypes: true`)
//! turns a number parameter into its JavaScript string before `Date.parse`
//! sees it: `2020` becomes `"2020"` (a valid date), `1e21` becomes `"1e+21"`
//! (not one). The shortest round-trip digits (zmij, the formatter
//! serde_json uses) are the digits ECMAScript's Number::toString picks;
//! only the layout differs.

/// Formats `x` exactly as JavaScript's `String(x)` does.
///
/// # Example
/// ```
/// use chats_per_department::internals::js_number::to_js_string;
/// assert_eq!(to_js_string(2020.0), "2020");
/// assert_eq!(to_js_string(1e21), "1e+21");
/// assert_eq!(to_js_string(0.000001), "0.000001");
/// assert_eq!(to_js_string(1e-7), "1e-7");
/// assert_eq!(to_js_string(-0.0), "0");
/// ```
#[cfg(target_arch = "wasm32")]
pub fn to_js_string(x: f64) -> String {
    // Radix 10 never throws.
    js_sys::Number::from(x).to_string_with_radix(10).map(String::from).unwrap_or_default()
}

/// Formats `x` exactly as JavaScript's `String(x)` does.
///
/// # Example
/// ```
/// use chats_per_department::internals::js_number::to_js_string;
/// assert_eq!(to_js_string(2020.0), "2020");
/// assert_eq!(to_js_string(1e21), "1e+21");
/// assert_eq!(to_js_string(0.000001), "0.000001");
/// assert_eq!(to_js_string(1e-7), "1e-7");
/// assert_eq!(to_js_string(-0.0), "0");
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub fn to_js_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let (digits, n) = shortest_digits(x.abs());
    let k = digits.len() as i64;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        let (int, frac) = digits.split_at(n as usize);
        format!("{int}.{frac}")
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let e_sign = if e < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        if rest.is_empty() {
            format!("{first}e{e_sign}{}", e.abs())
        } else {
            format!("{first}.{rest}e{e_sign}{}", e.abs())
        }
    };
    format!("{sign}{body}")
}

/// The shortest round-trip digits of `x > 0` (no leading or trailing
/// zeros) and `n`, the decimal point's position: `x = 0.digits × 10^n`.
#[cfg(not(target_arch = "wasm32"))]
fn shortest_digits(x: f64) -> (String, i64) {
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format(x);
    let (mantissa, exponent) = text.split_once(['e', 'E']).unwrap_or((text, "0"));
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all: String = int.chars().chain(frac.chars()).collect();
    let leading = all.len() - all.trim_start_matches('0').len();
    let digits = all.trim_start_matches('0').trim_end_matches('0').to_owned();
    let n = int.len() as i64 + exponent.trim_start_matches('+').parse::<i64>().unwrap_or(0) - leading as i64;
    (digits, n)
}

#[cfg(test)]
mod tests {
    use super::to_js_string;

    #[test]
    fn matches_javascript_layout() {
        let cases = [
            (5.0, "5"),
            (-5.5, "-5.5"),
            (0.1, "0.1"),
            (123456789012345680000.0, "123456789012345680000"),
            (1e21, "1e+21"),
            (1.5e300, "1.5e+300"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (0.000001234, "0.000001234"),
            (0.0000001234, "1.234e-7"),
            (f64::NEG_INFINITY, "-Infinity"),
            (f64::NAN, "NaN"),
        ];
        for (x, js) in cases {
            assert_eq!(to_js_string(x), js, "{x:e}");
        }
    }
}
