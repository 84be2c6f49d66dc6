// Helpers shared by the bindings' JavaScript (read.js) and the package's
// guards (packaging/freed.js, which build.sh gives a copy of this file):
// what a value is, in words, and the brand checks that hold across realms.
// Never throws.

const typedArrayName = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag).get;

/** A typed array's brand ('Uint8Array', …) of any realm, or undefined for any other value. */
function typedArrayBrand(value) {
  try {
    return typedArrayName.call(value);
  } catch {
    return undefined;
  }
}

/** Whether `value` is a Uint8Array of any realm (a brand check, not `instanceof`). */
export function isUint8Array(value) {
  return typedArrayBrand(value) === 'Uint8Array';
}

const lengthOfTypedArray = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'length').get;

/** A typed array's length, by the intrinsic getter (which no subclass or own property changes). */
export function typedArrayLength(value) {
  return lengthOfTypedArray.call(value);
}

/** Whether `value` is a Float64Array of any realm (a brand check, not `instanceof`). */
export function isFloat64Array(value) {
  return typedArrayBrand(value) === 'Float64Array';
}

/** What a value is, for messages ("a string", "an ArrayBuffer", "null"). */
export function describe(value) {
  try {
    if (value === null || value === undefined) return String(value);
    if (typeof value !== 'object') return `a ${typeof value}`;
    const name = Object.prototype.toString.call(value).slice(8, -1);
    return `${/^[AEIO]/.test(name) ? 'an' : 'a'} ${name}`;
  } catch {
    return 'an unreadable value';
  }
}
