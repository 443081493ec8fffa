// otlp-check.js FILE: check every line of an OTLP/JSON file (as the
// OpenTelemetry collector's otlpjsonfile receiver reads it) against the
// official protobuf definitions, strictly.
//
// Each line must be one ExportTraceServiceRequest ({"resourceSpans":...})
// or ExportMetricsServiceRequest ({"resourceMetrics":...}).  The line is
// decoded with fromObject of the generated code of
// @opentelemetry/otlp-transformer and encoded back; beyond what
// fromObject checks, a key the definitions do not know (at any level),
// an enum given by name, a 64-bit integer given as a JSON number or as
// anything but its decimal string, and an id that is not 32 (trace) or
// 16 (span) lowercase hex digits are faults, since the collector drops
// or misreads them silently.  Exits 1 naming the line and the path of the
// first fault; 0 when every line is good.
'use strict';

const fs = require('fs');
const root = require(
    '@opentelemetry/otlp-transformer/build/src/generated/root.js');
const proto = root.opentelemetry.proto;
const requests = {
	resourceSpans: proto.collector.trace.v1.ExportTraceServiceRequest,
	resourceMetrics: proto.collector.metrics.v1.ExportMetricsServiceRequest,
};
// The bytes fields OTLP/JSON writes as hex, and their length in digits.
const hexIds = { traceId: 32, spanId: 16, parentSpanId: 16 };

class Fault extends Error {}

function fault(path, what) {
	throw new Fault(`${path || '(top)'}: ${what}`);
}

// Replace the hex ids of V (a copy) by their bytes, checking them.
function idsToBytes(v, path) {
	if (Array.isArray(v))
		return v.map((e, i) => idsToBytes(e, `${path}[${i}]`));
	if (v === null || typeof v !== 'object')
		return v;
	const out = {};
	for (const [k, e] of Object.entries(v)) {
		const p = path ? `${path}.${k}` : k;
		if (k in hexIds) {
			const n = hexIds[k];
			if (typeof e !== 'string' || !new RegExp(`^[0-9a-f]{${n}}$`).test(e))
				fault(p, `not ${n} lowercase hex digits: ${JSON.stringify(e)}`);
			if (/^0+$/.test(e))
				fault(p, 'all zeros');
			out[k] = Buffer.from(e, 'hex');
		} else {
			out[k] = idsToBytes(e, p);
		}
	}
	return out;
}

// Compare the input IN with DECODED, the message decoded and written back
// with every default field (toObject, defaults: true, longs and enums as
// String and Number): every input key must be a field there, and each
// leaf must have the JSON type OTLP/JSON gives it.
function compare(input, decoded, path) {
	if (Array.isArray(input)) {
		if (!Array.isArray(decoded) || decoded.length !== input.length)
			fault(path, 'not a repeated field');
		input.forEach((e, i) => compare(e, decoded[i], `${path}[${i}]`));
		return;
	}
	if (input !== null && typeof input === 'object') {
		if (decoded === null || typeof decoded !== 'object' ||
		    Array.isArray(decoded))
			fault(path, 'an object where the definition has no message');
		for (const [k, e] of Object.entries(input)) {
			const p = path ? `${path}.${k}` : k;
			if (!Object.prototype.hasOwnProperty.call(decoded, k))
				fault(p, 'unknown key');
			if (k in hexIds)
				continue;
			compare(e, decoded[k], p);
		}
		return;
	}
	if (typeof decoded === 'string' && typeof input !== 'string')
		fault(path, `a 64-bit integer as a JSON ${typeof input}, ` +
		    'not a decimal string');
	if (typeof decoded === 'string' && /^-?[0-9]+$/.test(decoded) &&
	    input !== decoded)
		fault(path, `not the decimal string of ${decoded}: ` +
		    JSON.stringify(input));
	if (typeof decoded === 'number' && typeof input !== 'number')
		fault(path, `a ${typeof input} where the definition has a ` +
		    `number (an enum by name?): ${JSON.stringify(input)}`);
	if (typeof decoded === 'boolean' && typeof input !== 'boolean')
		fault(path, 'not a boolean');
}

function checkLine(text) {
	let obj;
	try {
		obj = JSON.parse(text);
	} catch (e) {
		fault('', `not JSON: ${e.message}`);
	}
	if (obj === null || typeof obj !== 'object' || Array.isArray(obj))
		fault('', 'not an object');
	const keys = Object.keys(obj);
	if (keys.length !== 1 || !(keys[0] in requests))
		fault('', 'not one resourceSpans or resourceMetrics request');
	const type = requests[keys[0]];
	let message;
	try {
		message = type.fromObject(idsToBytes(obj, ''));
	} catch (e) {
		if (e instanceof Fault)
			throw e;
		fault('', e.message);
	}
	const err = type.verify(message);
	if (err)
		fault('', err);
	const again = type.decode(type.encode(message).finish());
	const decoded = type.toObject(again, {
		longs: String, enums: Number, bytes: String, defaults: true,
	});
	compare(obj, decoded, '');
	return keys[0];
}

function main() {
	if (process.argv.length !== 3) {
		process.stderr.write('usage: otlp-check.js FILE\n');
		process.exit(2);
	}
	const file = process.argv[2];
	const lines = fs.readFileSync(file, 'utf8').split('\n');
	if (lines.pop() !== '') {
		process.stderr.write(`otlp-check: ${file}: no final newline\n`);
		process.exit(1);
	}
	const counts = { resourceSpans: 0, resourceMetrics: 0 };
	lines.forEach((text, i) => {
		try {
			counts[checkLine(text)]++;
		} catch (e) {
			if (!(e instanceof Fault))
				throw e;
			process.stderr.write(`otlp-check: ${file}:${i + 1}: ` +
			    `${e.message}\n`);
			process.exit(1);
		}
	});
	process.stdout.write(`${counts.resourceSpans} trace requests, ` +
	    `${counts.resourceMetrics} metric requests\n`);
}

main();
