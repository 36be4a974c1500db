// Checks recorded exchanges of deskboard-server against docs/openapi.yaml.
//
//   node validate.js <openapi.yaml> <exchanges.jsonl> [--coverage]
//   node validate.js --check-spec <openapi.yaml>
//
// Each line of exchanges.jsonl is one answer the server gave:
//   {"method":"GET","path":"/api/dashboard/state/history/3","status":200,
//    "headers":{"content-type":"application/json; charset=utf-8", ...},"body":<parsed JSON or null>}
// `path` may carry a query (ignored). Header names are compared case-insensitively; a value may be
// a string or an array of strings. `body` is the parsed JSON body, null (or absent) when there was
// none; for `text/event-stream` it may be the raw stream text (a string), whose `data:` lines are
// then checked against the media type's `x-event-data-schema`.
//
// For each exchange: the path matches a path template, the method is an operation of it (else the
// answer must be the router's 405, components.responses.MethodNotAllowed; an unknown path must be
// the router's 404, components.responses.NotFound), the status is documented for the operation,
// the documented required headers are present and their values match their schemas, the content
// type is one of the documented media types (Deskboard's JSON answers must say charset=utf-8), and
// the body validates against the media type's schema (Ajv, with OpenAPI 3.0 `nullable` turned into
// JSON Schema). One line per failure; exit 1 on any failure, 0 with a summary otherwise, 2 on bad
// usage or an unreadable spec.
//
// --check-spec validates the spec itself: OpenAPI 3.0 structure and references (swagger-parser),
// every schema compiles with Ajv, every example matches its schema, and Deskboard's conventions
// (every answer declares Cache-Control and X-Request-Id; the router's 404 and 405 exist).
'use strict';

const fs = require('fs');
const SwaggerParser = require('@apidevtools/swagger-parser');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const OAS_ONLY_KEYWORDS = new Set(['nullable', 'discriminator', 'xml', 'externalDocs', 'example', 'deprecated']);
const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

// --- OpenAPI 3.0 Schema Object -> JSON Schema (draft-07) for Ajv --------------------------------

// Converts `nullable: true` (to a type list, or anyOf with null), boolean exclusiveMinimum /
// exclusiveMaximum (draft-04 style) to numbers, and drops OpenAPI-only keywords. Walks schema
// positions only (never enum values or examples). Shared and circular subschemas (from
// dereferencing) are converted once.
function toJsonSchema(schema, memo = new Map()) {
    if (schema === null || typeof schema !== 'object') return schema;  // booleans stay
    if (memo.has(schema)) return memo.get(schema);
    const out = {};
    memo.set(schema, out);
    for (const [key, value] of Object.entries(schema)) {
        if (OAS_ONLY_KEYWORDS.has(key) || key.startsWith('x-')) continue;
        switch (key) {
        case 'properties':
        case 'patternProperties':
            out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v, memo)]));
            break;
        case 'items':
            out[key] = Array.isArray(value) ? value.map((v) => toJsonSchema(v, memo)) : toJsonSchema(value, memo);
            break;
        case 'additionalProperties':
        case 'not':
            out[key] = toJsonSchema(value, memo);
            break;
        case 'allOf':
        case 'anyOf':
        case 'oneOf':
            out[key] = value.map((v) => toJsonSchema(v, memo));
            break;
        default:
            out[key] = value;
        }
    }
    for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']]) {
        if (typeof out[flag] === 'boolean') {
            if (out[flag] && bound in out) out[flag] = out[bound];
            else delete out[flag];
            if (typeof out[flag] === 'number') delete out[bound];
        }
    }
    if (schema.nullable === true) {
        if (typeof out.type === 'string') {
            out.type = [out.type, 'null'];
            if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
        } else if (out.type === undefined) {
            const inner = { ...out };
            for (const k of Object.keys(out)) delete out[k];
            out.anyOf = [inner, { type: 'null' }];
        }
    }
    return out;
}

function makeAjv() {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    for (const format of ['password', 'int32', 'int64', 'float', 'double', 'byte', 'binary']) {
        if (!ajv.formats[format]) ajv.addFormat(format, true);
    }
    return ajv;
}

class SchemaChecker {
    constructor() {
        this.ajv = makeAjv();
        this.memo = new Map();
        this.compiled = new Map();
    }

    validator(schema) {
        let fn = this.compiled.get(schema);
        if (!fn) {
            fn = this.ajv.compile(toJsonSchema(schema, this.memo));
            this.compiled.set(schema, fn);
        }
        return fn;
    }

    // Returns a list of error texts (empty when valid).
    check(schema, value, what) {
        const validate = this.validator(schema);
        if (validate(value)) return [];
        return validate.errors.map((e) => {
            const where = `${what}${e.instancePath || ''}`;
            const extra = e.params && e.params.additionalProperty !== undefined
                ? ` ('${e.params.additionalProperty}')`
                : e.params && e.params.allowedValues ? ` (${JSON.stringify(e.params.allowedValues)})` : '';
            return `${where} ${e.message}${extra}`;
        });
    }
}

// --- HTTP helpers ---------------------------------------------------------------------------------

function parseMediaType(text) {
    const [type, ...params] = String(text).split(';');
    const parameters = {};
    for (const p of params) {
        const eq = p.indexOf('=');
        if (eq < 0) continue;
        const name = p.slice(0, eq).trim().toLowerCase();
        let value = p.slice(eq + 1).trim();
        if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
        parameters[name] = value;
    }
    return { type: type.trim().toLowerCase(), parameters };
}

function isJsonMediaType(type) {
    return type === 'application/json' || /^application\/[^/]+\+json$/.test(type);
}

// Does the answer's Content-Type satisfy the documented media type key? Types compare exactly
// (or by range such as text/*), and every parameter the key names must be present and equal.
function mediaTypeMatches(key, actual) {
    const want = parseMediaType(key);
    const [wantMain, wantSub] = want.type.split('/');
    const [main, sub] = actual.type.split('/');
    if (wantMain !== '*' && wantMain !== main) return false;
    if (wantSub !== '*' && wantSub !== sub) return false;
    for (const [name, value] of Object.entries(want.parameters)) {
        const got = actual.parameters[name];
        if (got === undefined) return false;
        if (name === 'charset' ? got.toLowerCase() !== value.toLowerCase() : got !== value) return false;
    }
    return true;
}

function headerValues(headers, name) {
    if (!headers || typeof headers !== 'object') return undefined;
    const lower = name.toLowerCase();
    for (const [k, v] of Object.entries(headers)) {
        if (k.toLowerCase() !== lower) continue;
        if (v === null || v === undefined) return undefined;
        return Array.isArray(v) ? v.map(String) : [String(v)];
    }
    return undefined;
}

function coerceHeader(schema, text) {
    const type = schema && schema.type;
    if ((type === 'integer' || type === 'number') && /^-?\d+(\.\d+)?$/.test(text.trim())) return Number(text.trim());
    if (type === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
    return text;
}

// Parses SSE text into events ({id, event, data}); comment lines are skipped.
function parseEventStream(text) {
    const events = [];
    let current = { data: [] };
    let hasField = false;
    for (const line of text.split(/\r\n|\r|\n/)) {
        if (line === '') {
            // As in a browser, a block without data lines (e.g. only `retry:`) is not an event.
            if (hasField && current.data.length > 0) events.push({ id: current.id, event: current.event || 'message', data: current.data.join('\n') });
            current = { data: [] };
            hasField = false;
            continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? '' : line.slice(colon + 1);
        if (value.startsWith(' ')) value = value.slice(1);
        hasField = true;
        if (field === 'data') current.data.push(value);
        else if (field === 'id') current.id = value;
        else if (field === 'event') current.event = value;
    }
    return events;  // an unterminated last event is not dispatched, as in a browser
}

// --- the spec ---------------------------------------------------------------------------------------

function compilePaths(paths) {
    const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return Object.keys(paths).map((template) => {
        let source = '^';
        let last = 0;
        let literal = template.length;
        for (const m of template.matchAll(/\{[^}/]+\}/g)) {
            source += escape(template.slice(last, m.index)) + '([^/]+)';
            last = m.index + m[0].length;
            literal -= m[0].length;
        }
        source += escape(template.slice(last)) + '$';
        return { template, regex: new RegExp(source), literal, item: paths[template] };
    }).sort((a, b) => b.literal - a.literal);  // concrete paths win over templated ones
}

function operationsOf(item) {
    return HTTP_METHODS.filter((m) => item[m]);
}

async function loadSpec(file) {
    // validate() checks the OpenAPI structure and returns the dereferenced document.
    return SwaggerParser.validate(file);
}

// --- checking exchanges -------------------------------------------------------------------------------

function checkResponse(checker, response, exchange, fail) {
    for (const [name, header] of Object.entries(response.headers || {})) {
        if (name.toLowerCase() === 'content-type') continue;  // described by `content`
        const values = headerValues(exchange.headers, name);
        if (values === undefined) {
            if (header.required) fail(`missing header ${name}`);
            continue;
        }
        if (!header.schema) continue;
        for (const v of values) {
            for (const e of checker.check(header.schema, coerceHeader(header.schema, v), `header ${name}`)) {
                fail(`${e} (value ${JSON.stringify(v)})`);
            }
        }
    }

    const body = exchange.body;
    const hasBody = body !== undefined && body !== null && body !== '';
    const content = response.content || {};
    const keys = Object.keys(content);
    if (keys.length === 0) {
        if (hasBody) fail('a body was sent where the spec documents none');
        return;
    }
    const contentType = headerValues(exchange.headers, 'content-type');
    if (contentType === undefined) {
        fail(`missing Content-Type (documented: ${keys.join(', ')})`);
        return;
    }
    const actual = parseMediaType(contentType[0]);
    const key = keys.find((k) => mediaTypeMatches(k, actual));
    if (key === undefined) {
        fail(`Content-Type ${JSON.stringify(contentType[0])} is not documented (documented: ${keys.join(', ')})`);
        return;
    }
    const media = content[key];
    if (isJsonMediaType(actual.type)) {
        const charset = actual.parameters.charset;
        if (!charset || charset.toLowerCase() !== 'utf-8') {
            fail(`Content-Type ${JSON.stringify(contentType[0])}: JSON answers must be charset=utf-8`);
        }
        if (body === undefined) {
            fail('no body recorded for a JSON answer');
            return;
        }
        if (media.schema) checker.check(media.schema, body, 'body').forEach(fail);
        return;
    }
    if (actual.type === 'text/event-stream' && typeof body === 'string' && media['x-event-data-schema']) {
        const events = parseEventStream(body);
        events.forEach((event, i) => {
            let data;
            try {
                data = JSON.parse(event.data);
            } catch (e) {
                fail(`event ${i}: data is not JSON: ${e.message}`);
                return;
            }
            checker.check(media['x-event-data-schema'], data, `event ${i} data`).forEach(fail);
            if (data && typeof data === 'object' && data.version !== undefined && event.id !== String(data.version)) {
                fail(`event ${i}: id ${JSON.stringify(event.id)} is not the data's version ${data.version}`);
            }
        });
        return;
    }
    if (hasBody && media.schema && media.schema.type === 'string' && typeof body !== 'string') {
        fail(`body of a ${actual.type} answer should be recorded as a string`);
    }
}

function checkExchange(ctx, exchange, fail) {
    if (!exchange || typeof exchange !== 'object' || Array.isArray(exchange)) {
        fail('not an exchange object');
        return;
    }
    const { method, path, status } = exchange;
    if (typeof method !== 'string' || typeof path !== 'string' || !path.startsWith('/') || !Number.isInteger(status)) {
        fail('an exchange needs "method" (string), "path" (starting with /) and "status" (integer)');
        return;
    }
    const bare = path.split(/[?#]/)[0];
    const route = ctx.routes.find((r) => r.regex.test(bare));
    const routerAnswer = (name, wantStatus, reason) => {
        if (status !== wantStatus) {
            fail(`${reason}: expected the router's ${wantStatus}, got ${status}`);
            return;
        }
        const response = ctx.api.components && ctx.api.components.responses && ctx.api.components.responses[name];
        if (!response) {
            fail(`${reason}: the spec has no components.responses.${name}`);
            return;
        }
        checkResponse(ctx.checker, response, exchange, fail);
    };
    if (!route) {
        routerAnswer('NotFound', 404, 'no path template matches');
        return;
    }
    const operation = route.item[method.toLowerCase()];
    if (!operation) {
        routerAnswer('MethodNotAllowed', 405, `${method.toUpperCase()} is not an operation of ${route.template} (operations: ${operationsOf(route.item).map((m) => m.toUpperCase()).join(', ')})`);
        return;
    }
    const responses = operation.responses || {};
    const code = String(status);
    const range = `${code[0]}XX`;
    const responseKey = code in responses ? code : range in responses ? range : 'default' in responses ? 'default' : undefined;
    if (responseKey === undefined) {
        fail(`status ${status} is not documented for ${method.toUpperCase()} ${route.template} (documented: ${Object.keys(responses).join(', ')})`);
        return;
    }
    ctx.covered.add(`${method.toUpperCase()} ${route.template} ${responseKey}`);
    checkResponse(ctx.checker, responses[responseKey], exchange, fail);
}

async function validateExchanges(specFile, exchangesFile, options) {
    const api = await loadSpec(specFile);
    const ctx = { api, routes: compilePaths(api.paths || {}), checker: new SchemaChecker(), covered: new Set() };
    const lines = fs.readFileSync(exchangesFile, 'utf8').split('\n');
    let checked = 0;
    let failures = 0;
    lines.forEach((line, index) => {
        if (line.trim() === '') return;
        const lineNo = index + 1;
        let exchange;
        let label = `line ${lineNo}`;
        const fail = (message) => {
            failures += 1;
            console.log(`FAIL ${label}: ${message}`);
        };
        try {
            exchange = JSON.parse(line);
        } catch (e) {
            fail(`not JSON: ${e.message}`);
            return;
        }
        if (exchange && typeof exchange === 'object') {
            label += ` ${String(exchange.method).toUpperCase()} ${exchange.path} -> ${exchange.status}`;
        }
        checked += 1;
        try {
            checkExchange(ctx, exchange, fail);
        } catch (e) {
            fail(`validator error: ${e.message}`);
        }
    });
    if (options.coverage) {
        for (const [template, item] of Object.entries(api.paths || {})) {
            for (const m of operationsOf(item)) {
                for (const code of Object.keys(item[m].responses || {})) {
                    const key = `${m.toUpperCase()} ${template} ${code}`;
                    if (!ctx.covered.has(key)) console.log(`not covered: ${key}`);
                }
            }
        }
    }
    if (checked === 0) {
        console.log(`FAIL ${exchangesFile}: no exchanges`);
        return EXIT_FAILED;
    }
    if (failures > 0) {
        console.log(`${failures} failure(s) in ${checked} exchange(s) checked against ${specFile}`);
        return EXIT_FAILED;
    }
    console.log(`ok: ${checked} exchange(s) match ${specFile} (${ctx.covered.size} operation/status pair(s) covered)`);
    return EXIT_OK;
}

// --- checking the spec ----------------------------------------------------------------------------------

async function checkSpec(specFile) {
    let api;
    try {
        api = await loadSpec(specFile);
    } catch (e) {
        console.log(`FAIL ${specFile}: ${e.message}`);
        return EXIT_FAILED;
    }
    const checker = new SchemaChecker();
    let failures = 0;
    const fail = (where, message) => {
        failures += 1;
        console.log(`FAIL ${where}: ${message}`);
    };
    const compile = (where, schema) => {
        try {
            checker.validator(schema);
            return true;
        } catch (e) {
            fail(where, `schema does not compile: ${e.message}`);
            return false;
        }
    };
    const checkExample = (where, schema, example) => {
        if (example === undefined || !compile(where, schema)) return;
        for (const e of checker.check(schema, example, 'example')) fail(where, e);
    };
    const checkMedia = (where, media) => {
        if (media.schema) {
            compile(where, media.schema);
            checkExample(where, media.schema, media.example);
            for (const [name, ex] of Object.entries(media.examples || {})) checkExample(`${where} example ${name}`, media.schema, ex.value);
        }
        if (media['x-event-data-schema']) compile(`${where} x-event-data-schema`, media['x-event-data-schema']);
    };
    const checkResponseConventions = (where, response) => {
        const names = Object.keys(response.headers || {}).map((n) => n.toLowerCase());
        for (const required of ['cache-control', 'x-request-id']) {
            if (!names.includes(required)) fail(where, `does not declare the ${required} header every answer carries`);
        }
        for (const [name, header] of Object.entries(response.headers || {})) {
            if (header.schema) compile(`${where} header ${name}`, header.schema);
        }
        for (const [type, media] of Object.entries(response.content || {})) checkMedia(`${where} ${type}`, media);
    };

    let operations = 0;
    let responses = 0;
    for (const [template, item] of Object.entries(api.paths || {})) {
        for (const m of operationsOf(item)) {
            operations += 1;
            const op = item[m];
            const where = `${m.toUpperCase()} ${template}`;
            if (!op.operationId) fail(where, 'has no operationId');
            for (const p of [...(item.parameters || []), ...(op.parameters || [])]) {
                if (p.schema) compile(`${where} parameter ${p.name}`, p.schema);
            }
            if (op.requestBody) {
                for (const [type, media] of Object.entries(op.requestBody.content || {})) checkMedia(`${where} request ${type}`, media);
            }
            for (const [code, response] of Object.entries(op.responses || {})) {
                responses += 1;
                checkResponseConventions(`${where} ${code}`, response);
            }
        }
    }
    const router = (api.components && api.components.responses) || {};
    for (const name of ['NotFound', 'MethodNotAllowed']) {
        if (!router[name]) fail(specFile, `components.responses.${name} (the router's answer) is missing`);
        else checkResponseConventions(`components.responses.${name}`, router[name]);
    }
    for (const [name, schema] of Object.entries((api.components && api.components.schemas) || {})) {
        if (schema.example === undefined) compile(`components.schemas.${name}`, schema);
        else checkExample(`components.schemas.${name}`, schema, schema.example);
    }
    if (failures > 0) {
        console.log(`${failures} problem(s) in ${specFile}`);
        return EXIT_FAILED;
    }
    const paths = Object.keys(api.paths || {}).length;
    console.log(`ok: ${specFile} is valid OpenAPI ${api.openapi} (${paths} paths, ${operations} operations, ${responses} responses)`);
    return EXIT_OK;
}

// --- main -----------------------------------------------------------------------------------------------

function usage() {
    console.error('usage: node validate.js <openapi.yaml> <exchanges.jsonl> [--coverage]\n' +
                  '       node validate.js --check-spec <openapi.yaml>');
    return EXIT_USAGE;
}

async function main(argv) {
    if (argv[0] === '--check-spec') {
        if (argv.length !== 2) return usage();
        return checkSpec(argv[1]);
    }
    const coverage = argv.includes('--coverage');
    const files = argv.filter((a) => a !== '--coverage');
    if (files.length !== 2 || files.some((f) => f.startsWith('--'))) return usage();
    try {
        return await validateExchanges(files[0], files[1], { coverage });
    } catch (e) {
        console.error(`validate.js: ${e.message}`);
        return EXIT_USAGE;
    }
}

main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
}, (e) => {
    console.error(`validate.js: ${e.stack || e}`);
    process.exitCode = EXIT_USAGE;
});
