// k8s-check.js DIR...: check every manifest (*.json) hx-sched wrote into
// each DIR against the Kubernetes OpenAPI schemas, with the validate()
// of kubernetes-models' class for its kind (ajv), and for fields no
// schema has: those schemas allow unknown members, so a typo'd field
// passes validate().  The unknown-field check walks the manifest along
// the TypeScript declarations kubernetes-models generates from the same
// schemas (.d.ts: one interface a type, with its members and the types
// they import).  Prints one line a manifest; exits 1 when one fails.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = process.env.NODE_PATH;
const kinds = {
	"batch/v1 Job": "kubernetes-models/batch/v1/Job",
	"apps/v1 Deployment": "kubernetes-models/apps/v1/Deployment",
	"v1 Service": "kubernetes-models/v1/Service",
	"v1 Secret": "kubernetes-models/v1/Secret",
};

// The members of the first interface of a .d.ts file, and its imports.
const declarations = new Map();
function declaration(file) {
	if (declarations.has(file))
		return declarations.get(file);
	const text = fs.readFileSync(file, "utf8");
	const imports = new Map();
	for (const m of text.matchAll(/^import \{ ([^}]+) \} from "([^"]+)";/gm))
		for (const name of m[1].split(","))
			imports.set(name.trim(), m[2]);
	const start = text.search(/^export interface \w+/m);
	let members = null;
	if (start >= 0) {
		const open = text.indexOf("{", start) + 1;
		const body = text.slice(open, text.indexOf("\n}\n", open));
		members = new Map();
		for (const m of body.matchAll(/^ {4}"([^"]+)"\??: (.+?);?$/gm))
			members.set(m[1], m[2]);
	}
	const d = { members, imports, dir: path.dirname(file) };
	declarations.set(file, d);
	return d;
}

// The .d.ts file an import specifier names.
function resolve(spec, dir) {
	const base = spec.startsWith(".") ? path.resolve(dir, spec) :
	    path.join(root, spec);
	return base.replace(/\.js$/, "") + ".d.ts";
}

// Push onto ERRORS the path of each member of VALUE that the type
// declared in FILE does not have.
function unknown(value, file, where, errors) {
	const d = declaration(file);
	if (d.members === null || typeof value !== "object" || value === null ||
	    Array.isArray(value))
		return;
	for (const [key, v] of Object.entries(value)) {
		if (!d.members.has(key))
			errors.push(where + key);
		else
			member(v, d.members.get(key), d, where + key, errors);
	}
}

function member(value, type, d, where, errors) {
	const array = type.match(/^Array<(.+)>$/);
	if (array) {
		if (Array.isArray(value))
			value.forEach((x, i) => member(x, array[1], d,
			    `${where}[${i}]`, errors));
		return;
	}
	const name = type.split("|")[0].trim();
	if (d.imports.has(name))
		unknown(value, resolve(d.imports.get(name), d.dir), where + ".",
		    errors);
}

let failed = false;
for (const dir of process.argv.slice(2)) {
	for (const name of fs.readdirSync(dir).filter((n) => n.endsWith(".json")).sort()) {
		const file = path.join(dir, name);
		const manifest = JSON.parse(fs.readFileSync(file, "utf8"));
		const kind = `${manifest.apiVersion} ${manifest.kind}`;
		const module = kinds[kind];
		let verdict = `${name}: ${kind} valid`;
		if (module === undefined) {
			verdict = `${name}: unexpected kind ${kind}`;
		} else {
			const mod = await import(pathToFileURL(path.join(root,
			    module + ".js")));
			const cls = mod[manifest.kind];
			const errors = [];
			try {
				new cls(manifest).validate();
			} catch (e) {
				errors.push(e.message);
			}
			unknown(manifest, path.join(root, module + ".d.ts"), "",
			    errors);
			if (errors.length > 0)
				verdict = `${name}: ${kind} invalid: ${errors.join("; ")}`;
		}
		failed ||= !verdict.endsWith(" valid");
		console.log(verdict);
	}
}
process.exit(failed ? 1 : 0);
