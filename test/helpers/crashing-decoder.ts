/**
 * Stands in for decode-probe-child.ts with a decoder that dies natively (abort) on
 * whatever it is given, as a poison photo makes a native decoder do.
 */
process.once('message', () => process.abort());
process.send?.({ ready: true });
