// bench/trace-sdk.js SPANS OUT: the peer of bench/trace: the span records
// of SPANS converted to OTLP/JSON by the OpenTelemetry JS SDK's own
// serializer (JsonTraceSerializer of @opentelemetry/otlp-transformer), in
// requests of 512 spans (the BatchSpanProcessor's default), written to
// OUT.  Prints "parse S build S serialize S write S spans N": the CPU
// seconds taken to parse the records, to make them the SDK's ReadableSpans
// (a resource object per service and host, as the SDK shares them), to
// serialize them (serializeRequest: the requests' JSON text in memory, as
// bytes) and to write the text to OUT.
'use strict';

const fs = require('fs');
const { JsonTraceSerializer } = require('@opentelemetry/otlp-transformer');

const KINDS = { internal: 0, server: 1, client: 2 };	// api SpanKind
const BATCH = 512;

// The CPU time (user and system, every thread) since T0, in seconds:
// the measure that a machine busy with other work disturbs least.
function seconds(t0) {
	const d = process.cpuUsage(t0);
	return (d.user + d.system) / 1e6;
}

// An HrTime [seconds, nanoseconds] from the decimal NS (beyond 2^53).
function hrTime(ns) {
	const n = BigInt(ns);
	return [Number(n / 1000000000n), Number(n % 1000000000n)];
}

function main() {
	const [spansPath, outPath] = process.argv.slice(2);
	const lines = fs.readFileSync(spansPath, 'utf8').split('\n');
	let t0 = process.cpuUsage();
	const records = [];
	for (const line of lines) {
		if (line === '')
			continue;
		const r = JSON.parse(line);
		if (r.type !== 'span')
			continue;
		// JSON.parse rounds integers past 2^53: the times as written.
		r.start = /"start_ns":([0-9]+)/.exec(line)[1];
		r.end = /"end_ns":([0-9]+)/.exec(line)[1];
		records.push(r);
	}
	const parse = seconds(t0);

	t0 = process.cpuUsage();
	const resources = new Map();
	const scope = { name: 'hx-trace', version: '0.1.0' };
	const spans = records.map(r => {
		const key = `${r.service}\0${r.host || ''}`;
		let resource = resources.get(key);
		if (!resource) {
			const attributes = { 'service.name': r.service };
			if (r.host)
				attributes['host.name'] = r.host;
			resource = { attributes };
			resources.set(key, resource);
		}
		const attributes = Object.assign({}, r.attrs);
		for (const [k, v] of Object.entries(r.counters || {}))
			if (v !== null)
				attributes[`hx.counter.${k}`] = v;
		const ctx = { traceId: r.trace_id, spanId: r.span_id,
		    traceFlags: 1 };
		const startTime = hrTime(r.start), endTime = hrTime(r.end);
		return {
			name: r.name,
			kind: KINDS[r.kind],
			spanContext: () => ctx,
			parentSpanContext: r.parent_id ?
			    { traceId: r.trace_id, spanId: r.parent_id,
			    traceFlags: 1 } : undefined,
			startTime, endTime,
			status: r.status === 'error' ?
			    { code: 2, message: r.message } : { code: 1 },
			attributes, links: [], events: [],
			duration: [endTime[0] - startTime[0],
			    endTime[1] - startTime[1]],
			ended: true, resource, instrumentationScope: scope,
			droppedAttributesCount: 0, droppedEventsCount: 0,
			droppedLinksCount: 0,
		};
	});
	const build = seconds(t0);

	let serialize = 0, write = 0;
	const fd = fs.openSync(outPath, 'w');
	const newline = Buffer.from('\n');
	for (let i = 0; i < spans.length; i += BATCH) {
		const batch = spans.slice(i, i + BATCH);
		t0 = process.cpuUsage();
		const text = JsonTraceSerializer.serializeRequest(batch);
		serialize += seconds(t0);
		t0 = process.cpuUsage();
		fs.writeSync(fd, text);
		fs.writeSync(fd, newline);
		write += seconds(t0);
	}
	t0 = process.cpuUsage();
	fs.closeSync(fd);
	write += seconds(t0);
	process.stdout.write(`parse ${parse.toFixed(6)} build ` +
	    `${build.toFixed(6)} serialize ${serialize.toFixed(6)} ` +
	    `write ${write.toFixed(6)} spans ${spans.length}\n`);
}

main();
