import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 776:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

module.exports = __nccwpck_require__(4488);


/***/ }),

/***/ 4488:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

var __webpack_unused_export__;


var net = __nccwpck_require__(9278);
var tls = __nccwpck_require__(4756);
var http = __nccwpck_require__(8611);
var https = __nccwpck_require__(5692);
var events = __nccwpck_require__(4434);
var assert = __nccwpck_require__(2613);
var util = __nccwpck_require__(9023);


exports.httpOverHttp = httpOverHttp;
exports.httpsOverHttp = httpsOverHttp;
exports.httpOverHttps = httpOverHttps;
exports.httpsOverHttps = httpsOverHttps;


function httpOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  return agent;
}

function httpsOverHttp(options) {
  var agent = new TunnelingAgent(options);
  agent.request = http.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}

function httpOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  return agent;
}

function httpsOverHttps(options) {
  var agent = new TunnelingAgent(options);
  agent.request = https.request;
  agent.createSocket = createSecureSocket;
  agent.defaultPort = 443;
  return agent;
}


function TunnelingAgent(options) {
  var self = this;
  self.options = options || {};
  self.proxyOptions = self.options.proxy || {};
  self.maxSockets = self.options.maxSockets || http.Agent.defaultMaxSockets;
  self.requests = [];
  self.sockets = [];

  self.on('free', function onFree(socket, host, port, localAddress) {
    var options = toOptions(host, port, localAddress);
    for (var i = 0, len = self.requests.length; i < len; ++i) {
      var pending = self.requests[i];
      if (pending.host === options.host && pending.port === options.port) {
        // Detect the request to connect same origin server,
        // reuse the connection.
        self.requests.splice(i, 1);
        pending.request.onSocket(socket);
        return;
      }
    }
    socket.destroy();
    self.removeSocket(socket);
  });
}
util.inherits(TunnelingAgent, events.EventEmitter);

TunnelingAgent.prototype.addRequest = function addRequest(req, host, port, localAddress) {
  var self = this;
  var options = mergeOptions({request: req}, self.options, toOptions(host, port, localAddress));

  if (self.sockets.length >= this.maxSockets) {
    // We are over limit so we'll add it to the queue.
    self.requests.push(options);
    return;
  }

  // If we are under maxSockets create a new one.
  self.createSocket(options, function(socket) {
    socket.on('free', onFree);
    socket.on('close', onCloseOrRemove);
    socket.on('agentRemove', onCloseOrRemove);
    req.onSocket(socket);

    function onFree() {
      self.emit('free', socket, options);
    }

    function onCloseOrRemove(err) {
      self.removeSocket(socket);
      socket.removeListener('free', onFree);
      socket.removeListener('close', onCloseOrRemove);
      socket.removeListener('agentRemove', onCloseOrRemove);
    }
  });
};

TunnelingAgent.prototype.createSocket = function createSocket(options, cb) {
  var self = this;
  var placeholder = {};
  self.sockets.push(placeholder);

  var connectOptions = mergeOptions({}, self.proxyOptions, {
    method: 'CONNECT',
    path: options.host + ':' + options.port,
    agent: false,
    headers: {
      host: options.host + ':' + options.port
    }
  });
  if (options.localAddress) {
    connectOptions.localAddress = options.localAddress;
  }
  if (connectOptions.proxyAuth) {
    connectOptions.headers = connectOptions.headers || {};
    connectOptions.headers['Proxy-Authorization'] = 'Basic ' +
        new Buffer(connectOptions.proxyAuth).toString('base64');
  }

  debug('making CONNECT request');
  var connectReq = self.request(connectOptions);
  connectReq.useChunkedEncodingByDefault = false; // for v0.6
  connectReq.once('response', onResponse); // for v0.6
  connectReq.once('upgrade', onUpgrade);   // for v0.6
  connectReq.once('connect', onConnect);   // for v0.7 or later
  connectReq.once('error', onError);
  connectReq.end();

  function onResponse(res) {
    // Very hacky. This is necessary to avoid http-parser leaks.
    res.upgrade = true;
  }

  function onUpgrade(res, socket, head) {
    // Hacky.
    process.nextTick(function() {
      onConnect(res, socket, head);
    });
  }

  function onConnect(res, socket, head) {
    connectReq.removeAllListeners();
    socket.removeAllListeners();

    if (res.statusCode !== 200) {
      debug('tunneling socket could not be established, statusCode=%d',
        res.statusCode);
      socket.destroy();
      var error = new Error('tunneling socket could not be established, ' +
        'statusCode=' + res.statusCode);
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    if (head.length > 0) {
      debug('got illegal response body from proxy');
      socket.destroy();
      var error = new Error('got illegal response body from proxy');
      error.code = 'ECONNRESET';
      options.request.emit('error', error);
      self.removeSocket(placeholder);
      return;
    }
    debug('tunneling connection has established');
    self.sockets[self.sockets.indexOf(placeholder)] = socket;
    return cb(socket);
  }

  function onError(cause) {
    connectReq.removeAllListeners();

    debug('tunneling socket could not be established, cause=%s\n',
          cause.message, cause.stack);
    var error = new Error('tunneling socket could not be established, ' +
                          'cause=' + cause.message);
    error.code = 'ECONNRESET';
    options.request.emit('error', error);
    self.removeSocket(placeholder);
  }
};

TunnelingAgent.prototype.removeSocket = function removeSocket(socket) {
  var pos = this.sockets.indexOf(socket)
  if (pos === -1) {
    return;
  }
  this.sockets.splice(pos, 1);

  var pending = this.requests.shift();
  if (pending) {
    // If we have pending requests and a socket gets closed a new one
    // needs to be created to take over in the pool for the one that closed.
    this.createSocket(pending, function(socket) {
      pending.request.onSocket(socket);
    });
  }
};

function createSecureSocket(options, cb) {
  var self = this;
  TunnelingAgent.prototype.createSocket.call(self, options, function(socket) {
    var hostHeader = options.request.getHeader('host');
    var tlsOptions = mergeOptions({}, self.options, {
      socket: socket,
      servername: hostHeader ? hostHeader.replace(/:.*$/, '') : options.host
    });

    // 0 is dummy port for v0.6
    var secureSocket = tls.connect(0, tlsOptions);
    self.sockets[self.sockets.indexOf(socket)] = secureSocket;
    cb(secureSocket);
  });
}


function toOptions(host, port, localAddress) {
  if (typeof host === 'string') { // since v0.10
    return {
      host: host,
      port: port,
      localAddress: localAddress
    };
  }
  return host; // for v0.11 or later
}

function mergeOptions(target) {
  for (var i = 1, len = arguments.length; i < len; ++i) {
    var overrides = arguments[i];
    if (typeof overrides === 'object') {
      var keys = Object.keys(overrides);
      for (var j = 0, keyLen = keys.length; j < keyLen; ++j) {
        var k = keys[j];
        if (overrides[k] !== undefined) {
          target[k] = overrides[k];
        }
      }
    }
  }
  return target;
}


var debug;
if (process.env.NODE_DEBUG && /\btunnel\b/.test(process.env.NODE_DEBUG)) {
  debug = function() {
    var args = Array.prototype.slice.call(arguments);
    if (typeof args[0] === 'string') {
      args[0] = 'TUNNEL: ' + args[0];
    } else {
      args.unshift('TUNNEL:');
    }
    console.error.apply(console, args);
  }
} else {
  debug = function() {};
}
__webpack_unused_export__ = debug; // for test


/***/ }),

/***/ 9646:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3676);
/* harmony import */ var _shared_log_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(9509);
/* harmony import */ var _post_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(2929);
/* harmony import */ var _shared_secrets_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(7158);
/** Entry point of the post step (runs.post): it can only cancel what the main step saved, never start anything. */




try {
    await (0,_post_js__WEBPACK_IMPORTED_MODULE_2__/* .run */ .e)();
}
catch (error) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setFailed */ .C1((0,_shared_log_js__WEBPACK_IMPORTED_MODULE_1__/* .neutralise */ .$0)((0,_shared_secrets_js__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E$)(error instanceof Error ? error.message : String(error))));
}

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 2929:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

// EXTERNAL MODULE: ../node_modules/@actions/core/lib/core.js + 18 modules
var lib_core = __nccwpck_require__(3676);
;// CONCATENATED MODULE: ./src/api/flow-plan-hints.ts
/**
 * What to do about a failed flow or plan call, for `ApiError`'s hint. A 403 or 404 on the run call of a flow or
 * plan that exists means the edition does not run them through the API (Standard editions offer only job groups).
 */
/** The hint for a flow or plan call (their ids are in the path); undefined for any other call or status. */
function flowPlanHint(status, method, path) {
    const run = /^\/v4\/(flows|plans)\/(\d+)\/run$/.exec(path);
    if (method === 'POST' && run)
        return runHint(status, run[1] === 'flows' ? 'flow' : 'plan', run[2]);
    const read = /^\/v4\/(flowRuns|planSnapshotRuns|plans)\/(\d+)/.exec(path);
    if (!read)
        return undefined;
    const what = { flowRuns: 'Flow run', planSnapshotRuns: 'Plan run', plans: 'Plan' }[read[1]];
    if (status === 404)
        return `${what} ${read[2]} was not found: check that api-url points at the instance and region that ran it.`;
    if (status === 403)
        return `The token's user lacks permission on ${what.toLowerCase()} ${read[2]} or its workspace.`;
    return undefined;
}
function runHint(status, what, id) {
    switch (status) {
        case 403:
        case 404:
            return (`If ${what} ${id} exists, this edition does not allow running ${what}s through the API; Enterprise/Premium ` +
                `do (elsewhere, run each recipe with recipe-id). Otherwise check ${what}-id` +
                `${what === 'flow' ? ' (in the app, /flows/10 means flow-id 10)' : ''} and that the ${what} is shared ` +
                `with the token's user.`);
        case 400:
            return what === 'flow'
                ? "The server rejected the request: check flow-recipes (recipe ids of this flow's outputs), " +
                    'overrides (keyed by output name) and run-parameters.'
                : 'The server rejected the request: check plan-id.';
        default:
            return undefined;
    }
}

// EXTERNAL MODULE: ./src/shared/secrets.ts
var secrets = __nccwpck_require__(7158);
;// CONCATENATED MODULE: ./src/shared/format.ts
/** Small text helpers shared by the log, the errors and the report. */

/** `1h02m03s`-style rendering used in messages and logs. */
function format_formatMs(ms) {
    if (ms < 1000)
        return `${Math.round(ms)}ms`;
    let s = Math.round(ms / 1000);
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    s -= m * 60;
    if (h > 0)
        return `${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
    if (m > 0)
        return `${m}m${String(s).padStart(2, '0')}s`;
    return `${s}s`;
}
/**
 * White space folded to single spaces, cut to `max` characters with an ellipsis. Secrets are redacted first: the
 * redaction matches whole secrets only, so one the cut split in two would leave its first part.
 */
function format_oneLine(text, max) {
    const folded = (0,secrets/* redact */.E$)(text).replace(/\s+/g, ' ').trim();
    return folded.length > max ? `${folded.slice(0, max - 1)}…` : folded;
}

;// CONCATENATED MODULE: ./src/api/api-error.ts
/**
 * API errors a user can act on: the call, the HTTP status, the server's own `exception` words, the
 * `x-trifacta-request-id` that support asks for, and a sentence on the likely cause and fix.
 */


const STATUS_TEXT = {
    304: 'Not Modified',
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    410: 'Gone',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout'
};
class ApiError extends Error {
    method;
    path;
    status;
    headers;
    requestId;
    exception;
    /** A short, cleaned extract of a body that was not a JSON exception (an HTML page from a proxy, say). */
    snippet;
    hint;
    constructor(init) {
        const exception = parseException(init.body);
        const snippet = exception ? undefined : cleanSnippet(init.body);
        const requestId = init.headers['x-trifacta-request-id'] ?? '';
        const hint = addressHint(init.status, init.body, exception) ?? hintFor(init.status, init.method, init.path, init.subject);
        super(describeError(init, exception, snippet, requestId, hint));
        this.name = 'ApiError';
        this.method = init.method;
        this.path = init.path;
        this.status = init.status;
        this.headers = init.headers;
        this.requestId = requestId;
        this.exception = exception;
        this.snippet = snippet;
        this.hint = hint;
    }
}
function describeError(init, exception, snippet, requestId, hint) {
    const parts = [
        `${init.method} ${init.path} answered HTTP ` +
            `${init.status}${STATUS_TEXT[init.status] ? ` ${STATUS_TEXT[init.status]}` : ''}`
    ];
    if (exception) {
        const said = [exception.name, exception.message ? `"${exception.message}"` : undefined].filter(Boolean).join(': ');
        if (said)
            parts[0] += `: ${said}`;
        if (exception.details)
            parts.push(`Details: ${format_oneLine(exception.details, 500)}`);
    }
    else if (snippet) {
        parts[0] += ` with a non-JSON answer: "${snippet}"`;
    }
    parts[0] += '.';
    parts.push(requestId
        ? `Request id: ${requestId}.`
        : 'No x-trifacta-request-id came back (the answer may come from a proxy, not the API).');
    if (hint)
        parts.push(hint);
    return parts.join(' ');
}
/** The `{exception:{name,message,details}}` body, if that is what came back. */
function parseException(body) {
    try {
        const parsed = JSON.parse(body);
        const exception = parsed?.exception;
        if (typeof exception !== 'object' || exception === null)
            return undefined;
        const e = exception;
        const text = (v) => v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
        return { name: text(e.name), message: text(e.message), details: text(e.details) };
    }
    catch {
        return undefined;
    }
}
/** Tags, scripts and styles removed, white space folded, cut to `max` characters. */
function cleanSnippet(body, max = 200) {
    const text = body
        .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
        .replace(/<[^>]*>/g, ' ')
        .replace(/&nbsp;/g, ' ');
    const folded = format_oneLine(text, max);
    return folded || undefined;
}
const KNOWN_API_HOSTS = 'the API is at https://api.clouddataprep.com for Dataprep, https://<region>.alteryxcloud.com (us1, eu1, au1, …) ' +
    "for Alteryx Analytics Cloud, and the instance's base URL (e.g. https://trifacta.example.com:3005) when self-managed";
/** Why an answer that is not the API's own went wrong: a web page, or a path the API does not have. */
function addressHint(status, body, exception) {
    if (status >= 500 || exception)
        return undefined;
    if (/^\s*(<!doctype html|<html)/i.test(body)) {
        return `The answer is an HTML page, so api-url looks like the web app's address, not the API's: ${KNOWN_API_HOSTS}.`;
    }
    if (status === 404) {
        return (`Nothing answers at this path (a 404 without the API's error body): check that api-url is the API's base ` +
            `URL; ${KNOWN_API_HOSTS}.`);
    }
    return undefined;
}
const UNAUTHORIZED_HINT = 'The API refused the token as invalid or expired. If api-token is a static token, create a new access token in ' +
    'the app (User menu → Preferences/Settings → API access tokens) and update the secret. With refresh-token or ' +
    'client-secret, the action already renewed it once: look for an earlier sign-in or write-back error above, and ' +
    'check that api-url is the region the OAuth client belongs to.';
function hintFor(status, method, path, subject = {}) {
    const flowOrPlan = flowPlanHint(status, method, path);
    if (flowOrPlan !== undefined)
        return flowOrPlan;
    const isTrigger = method === 'POST' && /\/v4\/jobGroups$/.test(path);
    switch (status) {
        case 401:
            return UNAUTHORIZED_HINT;
        case 403:
            return isTrigger
                ? `The token's user lacks permission to run recipe ${subject.recipeId ?? ''} or to use its workspace: share ` +
                    `the flow with that user, or use a token of a user who can run it.`
                : "The token's user lacks permission on this job group or its workspace: use a token of a user who can see it.";
        case 404:
            if (isTrigger) {
                return (`Recipe ${subject.recipeId ?? ''} was not found: check recipe-id (in the flow view, ` +
                    `/flows/10?recipe=7 means recipe-id 7) and that api-url points at the instance and region that hold the flow.`);
            }
            return (`Job group ${subject.jobId ?? ''} was not found: check job-id and that api-url points at the instance ` +
                `and region that ran it.`);
        case 410:
            return 'The resource has been deleted.';
        case 415:
            return ('The server rejected the Content-Type or Accept header. If api-url goes through a proxy, check that it ' +
                'passes JSON requests on unchanged.');
        case 400:
            return isTrigger
                ? 'The server rejected the request: check recipe-id, overrides and run-parameters against the recipe.'
                : undefined;
        case 429:
            return 'The API rate limit stayed exhausted; try again later or spread out the runs.';
        default:
            return status >= 500
                ? 'The server had an error; it usually goes away on retry. If it persists, contact support with the request id.'
                : undefined;
    }
}

;// CONCATENATED MODULE: ./src/http/transport-failures.ts
/**
 * Transport failures: what went wrong with a request, named by whether it can have reached the server, with what
 * the user can do about it. The transport classifies every failure here.
 */
const NOT_SENT = [
    'refused',
    'dns',
    'no-host',
    'tls',
    'proxy',
    'invalid',
    'redirect',
    'withheld'
];
class TransportError extends Error {
    kind;
    /** The HTTP status, when the answer's head arrived before the failure (its body was cut or too large). */
    status;
    constructor(kind, message, status) {
        super(message);
        this.name = 'TransportError';
        this.kind = kind;
        this.status = status;
    }
    /** Certain that the request did not reach the API. */
    get notSent() {
        return NOT_SENT.includes(this.kind);
    }
}
/** Node's TLS errors and OpenSSL's verify codes, e.g. UNABLE_TO_VERIFY_LEAF_SIGNATURE for a leaf of an unknown CA. */
const TLS_CODE = /CERT|SSL|TLS|EPROTO|ERR_OSSL|^UNABLE_TO_|CRL|^INVALID_(CA|PURPOSE)$|PATH_LENGTH|HOSTNAME_MISMATCH/;
/** A failure of the request, named, with what the user can do about it. */
function classify(error, host = 'the API host') {
    if (error instanceof TransportError)
        return error;
    const code = error.code ?? '';
    const message = error.message ?? String(error);
    if (code === 'ECONNREFUSED')
        return refusedFailure(error, host);
    if (code === 'ENOTFOUND')
        return new TransportError('no-host', `the host ${host} does not exist (${code}); check api-url for a typo`);
    if (code === 'EAI_AGAIN')
        return new TransportError('dns', `the host name could not be looked up just now (${message})`);
    if (/tunneling socket could not be established/.test(message))
        return proxyFailure(message);
    if (TLS_CODE.test(code))
        return tlsFailure(code, message, host);
    if (/^ERR_INVALID_(CHAR|HEADER_VALUE|HTTP_TOKEN)$/.test(code)) {
        return new TransportError('invalid', `the request could not be sent: ${message} (a token or header holds a character HTTP forbids)`);
    }
    if (/^Request timeout/.test(message) || code === 'ETIMEDOUT')
        return new TransportError('timeout', message);
    if (code === 'ECONNRESET' || code === 'EPIPE' || /socket hang up/i.test(message)) {
        return new TransportError('reset', `connection reset (${message})`);
    }
    return new TransportError('other', message);
}
/** Nothing accepts connections at the address: name it (host and port) and the likely causes. */
function refusedFailure(error, host) {
    const address = error.address && error.port ? `${error.address}:${error.port}` : undefined;
    const at = address && !host.endsWith(`:${error.port}`) ? `${host} (${address})` : host;
    return new TransportError('refused', `connection refused by ${at}: nothing accepts connections there. Likely causes: a wrong port in the URL, a ` +
        'firewall that refuses the connection, or a self-hosted runner without access to that host');
}
function proxyFailure(message) {
    const status = /statusCode=(\d+)/.exec(message)?.[1];
    const why = status === '407'
        ? 'the proxy asks for credentials (407): put them in the proxy URL, e.g. ' +
            'https_proxy=http://user:password@proxy:3128'
        : `the proxy refused to connect to the API${status ? ` (HTTP ${status})` : ''}: check https_proxy and no_proxy`;
    return new TransportError('proxy', `${why}. Nothing reached the API (${message})`);
}
function tlsFailure(code, message, host) {
    if (/EPROTO|WRONG_VERSION/.test(code) || /wrong version number/.test(message)) {
        return new TransportError('tls', `no TLS handshake with ${host} (${code}): is this an https port? Use the URL the API serves`);
    }
    const fix = code === 'ERR_TLS_CERT_ALTNAME_INVALID'
        ? `the certificate is not for ${host}: use the host name it names in api-url`
        : "the API's certificate is not trusted. If an internal CA signed it, give the runner that CA: set " +
            'NODE_EXTRA_CA_CERTS to its PEM file in the step or job env';
    return new TransportError('tls', `the TLS handshake with ${host} failed (${code}: ${message.split(';')[0]}); ${fix}`);
}

;// CONCATENATED MODULE: ./src/api/retry-policy.ts
/**
 * Retry policy: the one place that decides what is retried, how long to wait before the next attempt, and when
 * to give up. Reads and cancel are retried on transient failures; the trigger has its own table, because sending
 * it twice can run a job twice.
 */



/** An answer that may well be different next time: a record not visible yet, a status in an odd shape. */
class TransientError extends Error {
    constructor(message) {
        super(message);
        this.name = 'TransientError';
    }
}
const TRANSIENT_STATUSES = [429, 500, 502, 503, 504];
const BACKOFF_BASE_MS = 1000;
const BACKOFF_CAP_MS = 30_000;
/** No retry comes sooner than this after the previous attempt, whatever the server's headers say. */
const MIN_RETRY_DELAY_MS = 1000;
/** Nor later than this: a longer wait is taken in several steps (each attempt may be told to wait again). */
const MAX_RETRY_DELAY_MS = 5 * 60_000;
/** Connections refused on every try for this long (an address mistake) end the retries, persistence or not. */
const REFUSED_MS = 30_000;
/** While waiting for a job, failures end the wait only when no good answer came for this long. */
const PERSISTENT_FAILURE_MS = 5 * 60_000;
/** A 2xx answer that came back but cannot be read (not JSON, compressed, cut short, too large, an odd shape). */
function isUnreadableAnswer(error) {
    const status = answeredStatus(error);
    return status !== undefined && status >= 200 && status < 300;
}
/** The HTTP status of the answer behind a failure, when one came (also one whose body was cut or too large). */
function answeredStatus(error) {
    if (error instanceof ApiError)
        return error.status;
    if (error instanceof TransportError && (error.kind === 'reset' || error.kind === 'too-large'))
        return error.status;
    return undefined;
}
/**
 * A read or cancel that failed this way is worth sending again (an unreadable answer too: the next may be fine; a
 * redirect elsewhere or a proxy's refusal too, from a gateway that misbehaves for a while).
 */
function isTransient(error) {
    if (isUnreadableAnswer(error) || error instanceof TransientError)
        return true;
    const status = answeredStatus(error);
    if (status !== undefined)
        return TRANSIENT_STATUSES.includes(status);
    if (error instanceof TransportError) {
        return ['refused', 'dns', 'reset', 'timeout', 'redirect', 'proxy', 'other'].includes(error.kind);
    }
    return false;
}
/**
 * What to do after a failed start (`POST /v4/jobGroups`, a flow or plan run):
 * - `resend`: the server certainly did not act (429, or refused / not looked up before sending): send again.
 * - `settle`: the server acted (a 2xx whose body cannot be read): find what it started; never send again.
 * - `reconcile`: the outcome is unknown (5xx, reset, timeout): find what it started, else send again.
 * - `fail`: a definite answer (4xx), or a failure that retrying cannot mend (nothing was sent: TLS, proxy, no host).
 */
function triggerDecision(error) {
    if (isUnreadableAnswer(error))
        return 'settle';
    const status = answeredStatus(error);
    if (status !== undefined) {
        if (status === 429)
            return 'resend';
        return status >= 500 ? 'reconcile' : 'fail';
    }
    if (error instanceof TransportError) {
        if (error.kind === 'refused' || error.kind === 'dns')
            return 'resend';
        if (error.kind === 'reset' || error.kind === 'timeout' || error.kind === 'other')
            return 'reconcile';
    }
    return 'fail';
}
/**
 * Delay before attempt `attempt + 1` (0-based `attempt` of the failed one): `x-retry-after` seconds when present,
 * else the rate-limit reset headers (epoch seconds or milliseconds), else exponential backoff with full jitter.
 */
function retryDelayMs(error, attempt, now, random = Math.random) {
    return Math.min(MAX_RETRY_DELAY_MS, Math.max(MIN_RETRY_DELAY_MS, serverDelayMs(error, now) ?? backoffMs(attempt, random)));
}
/** What the server asks for: `x-retry-after` seconds, else the latest rate-limit reset, else nothing. */
function serverDelayMs(error, now) {
    const headers = error instanceof ApiError ? error.headers : {};
    const retryAfter = Number(headers['x-retry-after']);
    if (headers['x-retry-after'] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) {
        return Math.ceil(retryAfter * 1000);
    }
    const resets = [headers['x-rate-limit-user-reset'], headers['x-rate-limit-workspace-reset']]
        .map(epochMs)
        .filter((t) => t !== undefined);
    if (resets.length > 0) {
        const wait = Math.max(...resets) - now;
        if (wait > 0)
            return wait;
    }
    return undefined;
}
/** Full jitter: uniform in [0, min(cap, base·2^attempt)]. */
function backoffMs(attempt, random = Math.random) {
    const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 30));
    return Math.floor(random() * ceiling);
}
/** A reset header as epoch milliseconds: values below 10^11 are taken as seconds (the docs say both). */
function epochMs(value) {
    if (value === undefined || value.trim() === '')
        return undefined;
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
        return undefined;
    return n < 1e11 ? n * 1000 : n;
}
/**
 * The one retry loop: run `attempt` until it succeeds, a failure is not retryable, `beforeRetry` settles it, or
 * the budget is spent (then the last error is thrown).
 */
async function withRetries(attempt, options) {
    const retryable = options.retryable ?? isTransient;
    let firstFailureAt;
    let allRefused = true;
    for (let n = 0;; n++) {
        try {
            return await attempt(n);
        }
        catch (error) {
            if (!retryable(error) || options.halt?.aborted)
                throw error;
            const failure = error;
            const settled = await options.beforeRetry?.(failure);
            if (settled !== undefined)
                return settled;
            const now = options.clock.now();
            firstFailureAt ??= now;
            allRefused &&= error instanceof TransportError && error.kind === 'refused';
            const delay = Math.min(MAX_RETRY_DELAY_MS, Math.max(MIN_RETRY_DELAY_MS, options.serverDelayMs?.(failure, now) ?? retryDelayMs(failure, n, now, options.random)));
            if (now + delay > options.deadline || now + delay - firstFailureAt > options.persistMs)
                throw error;
            const refusedFor = options.refusedMs !== undefined && allRefused ? options.refusedMs : undefined;
            if (refusedFor !== undefined && now + delay - firstFailureAt > refusedFor)
                throw error;
            const message = options.describe?.(failure, delay, n) ??
                `${options.what} failed (${reason(failure)}); retry ${n + 1} in ${format_formatMs(delay)}`;
            // Refused connections: one warning (at the second failure), then only debug lines until they give up.
            options.onRetry(message, refusedFor !== undefined ? n === 1 : n >= 2);
            const signals = [options.signal, options.halt].filter((s) => s !== undefined);
            await options.clock.sleep(delay, signals.length > 1 ? AbortSignal.any(signals) : signals[0]);
        }
    }
}
function reason(error) {
    if (error instanceof ApiError) {
        const name = error.exception?.name ? ` ${error.exception.name}` : '';
        return `HTTP ${error.status}${name}${error.requestId ? `, request id ${error.requestId}` : ''}`;
    }
    return error.message;
}

;// CONCATENATED MODULE: ./src/api/api-client.ts
/**
 * API client: requests to the Trifacta / Designer Cloud / Dataprep v4 API over the one transport, with the
 * bearer token from a token source, JSON in and out, and errors turned into `ApiError`s that quote the server.
 * Reads and idempotent posts (cancel) go through the one retry policy; a start is one attempt, whose resending
 * is the caller's decision. Knows nothing about the action's inputs.
 */


const staticToken = (token) => ({ token: () => Promise.resolve(token) });
/** What a binary download accepts: the archive, or an error as JSON. */
const BINARY_ACCEPT = 'application/zip, application/octet-stream, application/json;q=0.5, */*;q=0.1';
class ApiClient {
    options;
    /** The API has answered at least once (any status). */
    answered = false;
    constructor(options) {
        this.options = options;
    }
    /** `GET path`, retried on transient failures within the budget; the answer's JSON. */
    async read(path, budget, subject) {
        return (await this.readResponse(path, budget, subject)).data;
    }
    /** `GET path` like `read`, with the answer's status and headers. */
    readResponse(path, budget, subject) {
        return this.retrying(`GET ${path}`, budget, () => this.send('GET', path, { subject, signal: budget.signal, deadline: budget.deadline }));
    }
    /** `GET path` of a binary answer (an archive), at most `maxBytes` of it, retried like a read. */
    download(path, budget, options) {
        const { maxBytes, subject } = options;
        const send = () => this.send('GET', path, {
            subject,
            signal: budget.signal,
            deadline: budget.deadline,
            binary: { maxBytes }
        });
        return this.retrying(`GET ${path}`, budget, async () => (await send()).data);
    }
    /** A POST that is harmless to repeat (a cancel), retried like a read. */
    postRetrying(path, body, budget, subject) {
        return this.retrying(`POST ${path}`, budget, () => this.send('POST', path, { body, subject, signal: budget.signal, deadline: budget.deadline }));
    }
    /** One request. A 401 renews the token once, when the token source can, and repeats the call. */
    async send(method, path, options = {}) {
        const { signal, deadline } = options;
        const token = await this.options.tokens.token(signal, deadline);
        try {
            return await this.sendWith(token, method, path, options);
        }
        catch (error) {
            const renew = this.options.tokens.renewAfterUnauthorized;
            if (!(error instanceof ApiError && error.status === 401 && renew))
                throw error;
            if (!(await renew.call(this.options.tokens, token, signal, deadline)))
                throw error;
            return this.sendWith(await this.options.tokens.token(signal, deadline), method, path, options);
        }
    }
    get clock() {
        return this.options.clock;
    }
    /** `attempt` under the one retry policy, within the budget. */
    retrying(what, budget, attempt) {
        return withRetries(attempt, {
            what,
            clock: this.options.clock,
            deadline: budget.deadline,
            persistMs: budget.persistMs ?? PERSISTENT_FAILURE_MS,
            // Until the API has answered once, refused connections mean a wrong address: they fail fast.
            refusedMs: this.answered ? undefined : REFUSED_MS,
            signal: budget.signal,
            onRetry: this.options.onRetry
        });
    }
    async sendWith(token, method, path, options) {
        const headers = {
            Authorization: `Bearer ${token}`,
            Accept: options.binary ? BINARY_ACCEPT : 'application/json',
            'User-Agent': this.options.userAgent,
            ...options.headers
        };
        if (options.body !== undefined)
            headers['Content-Type'] = 'application/json';
        const response = await this.options.transport({
            method,
            url: `${this.options.apiUrl}${path}`,
            headers,
            body: options.body === undefined ? undefined : JSON.stringify(options.body),
            timeoutMs: requestTimeout(this.options.requestTimeoutMs, options.deadline, this.options.clock.now()),
            signal: options.signal,
            binary: options.binary
        });
        this.answered = true;
        const requestId = response.headers['x-trifacta-request-id'] ?? '';
        const answer = { status: response.status, requestId, headers: response.headers };
        const fail = () => new ApiError({ method, path: path.split('?')[0], ...answer, body: textOf(response), subject: options.subject });
        if (response.status === 304 && options.allow304)
            return { ...answer, data: undefined };
        if (response.status < 200 || response.status >= 300)
            throw fail();
        if (options.binary)
            return {
                ...answer,
                data: { bytes: response.bytes ?? Buffer.from(response.body), truncated: !!response.truncated }
            };
        if (response.body.trim() === '')
            return { ...answer, data: undefined };
        try {
            // A leading byte-order mark is no part of the JSON (some gateways add one).
            return { ...answer, data: JSON.parse(response.body.replace(/^\uFEFF/, '')) };
        }
        catch {
            throw fail();
        }
    }
}
/** An answer's text, also of a binary one (an error answered as JSON or HTML), for its error message. */
function textOf(response) {
    return response.bytes ? response.bytes.subarray(0, 64 * 1024).toString('utf8') : response.body;
}
/** The request timeout, shortened so that no request outlives its budget's deadline (at least 1 s). */
function requestTimeout(requestTimeoutMs, deadline, now) {
    return deadline === undefined ? requestTimeoutMs : Math.min(requestTimeoutMs, Math.max(1000, deadline - now));
}

// EXTERNAL MODULE: ./src/shared/log.ts
var shared_log = __nccwpck_require__(9509);
;// CONCATENATED MODULE: ./src/runner/file-commands.ts
/**
 * The runner's command files (GITHUB_OUTPUT, GITHUB_STATE): every write goes through `write`, which never throws.
 * A file that cannot be written (a full disk, a missing file) must not stop the step from supervising a run it
 * started: the failure is kept, with the file and the cause, and the step ends with an error naming them.
 */

const failures = new Map();
/** Runs a write to `file`; a failure is kept (the first per file) and told once as a warning, never thrown. */
function file_commands_write(file, what, fn) {
    try {
        fn();
        return true;
    }
    catch (error) {
        if (failures.has(file))
            return false;
        const failure = { file, path: process.env[file] ?? '', what, cause: error.message ?? String(error) };
        failures.set(file, failure);
        shared_log/* log */.Rm.warning(`${describeFileFailure(failure)} The step goes on, and fails at its end.`, { title: file });
        return false;
    }
}
/** The failures so far, one per file. */
function fileFailures() {
    return [...failures.values()];
}
/** `Could not write the output job-id to GITHUB_OUTPUT (/dev/full): ENOSPC: …`. Pure. */
function describeFileFailure(failure) {
    const consequence = failure.file === 'GITHUB_STATE'
        ? 'the post step cannot see this run, so this step itself waits for it and cancels it as the inputs say'
        : 'later steps will not see the outputs this step could not write';
    return (`Could not write ${failure.what} to ${failure.file} (${failure.path || 'not set'}): ${failure.cause}; ` +
        `${consequence}.`);
}
/** Only for tests: forget the failures. */
function resetFileFailures() {
    failures.clear();
}

;// CONCATENATED MODULE: ./src/runner/state.ts
/**
 * State: the only place that saves or reads what the main step leaves for the post step, through named
 * operations. The post step trusts nothing it reads: anything missing or malformed means "do nothing".
 */



/** A GITHUB_STATE that cannot be written is kept as a failure of the step (file-commands.ts), never thrown. */
const save = (key, value) => void write('GITHUB_STATE', 'the state', () => core.saveState(key, value));
const KEY = {
    kind: 'kind',
    runId: 'runId',
    jobId: 'jobId',
    jobIds: 'jobIds',
    triggered: 'triggered',
    requestId: 'requestId',
    waiting: 'waiting',
    settled: 'settled',
    accessToken: 'accessToken'
};
const KINDS = ['recipe', 'job-group', 'flow', 'plan'];
/** The run exists: saved at once, so that the post step can cancel it if the main step is killed. */
function saveStarted(ref, options) {
    save(KEY.requestId, redact(options.requestId));
    save(KEY.kind, ref.kind);
    save(KEY.runId, String(ref.id));
    save(KEY.jobId, String(ref.jobGroupIds[0] ?? ref.id));
    save(KEY.jobIds, ref.jobGroupIds.join(','));
    save(KEY.triggered, String(options.triggered));
    save(KEY.waiting, String(options.waiting));
}
/** The main step has dealt with the run's ending: the post step must leave it alone. */
function saveSettled() {
    save(KEY.settled, 'true');
}
/**
 * The saved run, or undefined (with the reason) when nothing usable was saved. Ids must be safe positive
 * integers and flags exactly `true` or `false`. Pure but for the getter.
 */
function readSavedRun(getState) {
    const kind = getState(KEY.kind);
    if (!getState(KEY.runId))
        return { why: 'no run was saved' };
    if (!KINDS.includes(kind))
        return { why: `the saved kind '${kind}' is unknown` };
    const id = positiveId(getState(KEY.runId));
    const jobGroupIds = getState(KEY.jobIds) === '' ? [] : getState(KEY.jobIds).split(',').map(positiveId);
    if (id === undefined || jobGroupIds.some((j) => j === undefined))
        return { why: 'the saved ids are malformed' };
    const flags = [KEY.triggered, KEY.waiting].map((key) => getState(key));
    if (flags.some((f) => f !== 'true' && f !== 'false'))
        return { why: 'the saved flags are malformed' };
    return {
        run: {
            ref: { kind, id, jobGroupIds: jobGroupIds },
            triggered: flags[0] === 'true',
            waiting: flags[1] === 'true',
            requestId: getState(KEY.requestId).slice(0, 100),
            settled: getState(KEY.settled) === 'true'
        }
    };
}
/**
 * The post step cancels only a run this step started and was waiting for, that it never saw finish, and only
 * when `cancel-on-workflow-cancel` is true: then the main step was killed before it could cancel. Pure.
 */
function postStepShouldCancel(run, cancelOnWorkflowCancel) {
    return run.triggered && run.waiting && !run.settled && cancelOnWorkflowCancel;
}
/**
 * The access token in use (OAuth 2.0 sign-in), saved each time it changes, so that the post step can cancel with
 * it after the main step was killed, without refreshing (which would rotate the refresh token). It is masked.
 */
function saveAccessToken(token) {
    save(KEY.accessToken, token);
}
/** The access token the main step saved last, or '' when none. Pure but for the getter. */
function readSavedAccessToken(getState) {
    const token = getState(KEY.accessToken).trim();
    return /^[\x21-\x7e]+$/.test(token) ? token : '';
}
function positiveId(text) {
    const n = Number(text);
    return /^\d+$/.test(text) && Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

;// CONCATENATED MODULE: ./src/auth/saved-token.ts
/**
 * The post step's token. It never signs in anew: with OAuth 2.0 it uses the access token the main step saved
 * (a refresh would rotate the refresh token, and the new one would have nowhere safe to go), else the static
 * `api-token`.
 */



function postStepToken(config, getState) {
    const s = config.signIn;
    if (s.mode === 'static')
        return staticToken(s.token);
    const saved = readSavedAccessToken(getState);
    (0,secrets/* registerSecret */.cl)(saved);
    return staticToken(saved || (s.mode === 'refresh-token' ? (s.accessToken ?? '') : ''));
}

;// CONCATENATED MODULE: ./src/run/cancellation.ts


/** The SIGINT → SIGTERM → kill schedule leaves 7.5 s; the cancel request must be sent well within it. */
const SIGINT_CLEANUP_MS = 5_000;
const SIGTERM_CLEANUP_MS = 2_000;
/** After a cancel, the status is read once more for the report, within this long: it only adds a detail. */
const STATUS_AFTER_CANCEL_MS = 5_000;
/**
 * Calls `onStop` once, on the first SIGINT or SIGTERM (also one caught before this was called: the handlers are
 * installed as the step starts, see shared/signals.ts); later signals are only reported. Returns a function that
 * removes the handlers (so a finished step exits at once).
 */
function onWorkflowCancel(onStop) {
    let stopped = false;
    return listenForSignals((signal) => {
        if (stopped)
            return log.info(`${signal} received again; already stopping.`);
        stopped = true;
        onStop(signal);
    });
}
const ALLOWED_BY = {
    timeout: 'cancel-on-timeout',
    'workflow-cancel': 'cancel-on-workflow-cancel',
    'post-step': 'cancel-on-workflow-cancel'
};
/** Cancel the run or leave it running, as the options say; the sentence tells which, and why. */
async function endRun(kind, ref, options) {
    const { subject, url } = options;
    const input = ALLOWED_BY[options.reason];
    if (options.attached) {
        return {
            cancelled: false,
            failed: false,
            text: `${cap(subject)} keeps running: it was started elsewhere (job-id), so this step does not cancel it.`
        };
    }
    if (!options.allowed)
        return { cancelled: false, failed: false, text: `${cap(subject)} keeps running (${input} is false): ${url}` };
    return describeCancel(await kind.cancel(ref, options.budget), options.reason, subject);
}
function describeCancel(outcome, reason, subject) {
    switch (outcome.kind) {
        case 'cancelled': {
            const by = reason === 'post-step'
                ? ' by the post step: the main step was stopped before it could cancel it'
                : ` (${ALLOWED_BY[reason]})`;
            const text = `${cap(subject)} was cancelled${by}.${outcome.partial ? ` ${outcome.partial}` : ''}`;
            if (outcome.partial)
                shared_log/* log */.Rm.warning(text, { title: 'Cancel incomplete' });
            else
                shared_log/* log */.Rm.info(`${text}${outcome.requestId ? ` Request id ${outcome.requestId}.` : ''}`);
            return { cancelled: true, failed: false, text };
        }
        case 'unsupported': {
            const text = `This edition cannot cancel jobs through the API (the cancel call answered 404): ${subject} ` +
                `keeps running. Cancel it in the app if needed.`;
            shared_log/* log */.Rm.warning(text, { title: 'Cancel not supported' });
            return { cancelled: false, failed: false, text };
        }
        case 'failed': {
            const text = `Cancelling ${subject} failed: ${outcome.error.message} The job may keep running; cancel it in ` +
                `the app if needed.`;
            shared_log/* log */.Rm.warning(text, { title: 'Cancel failed' });
            return { cancelled: false, failed: true, text };
        }
    }
}
const cap = (text) => text.charAt(0).toUpperCase() + text.slice(1);

;// CONCATENATED MODULE: ./src/shared/clock.ts
/** Time, behind one seam so the waiter and the retry policy run on a fake clock in tests and the benchmark. */
const realClock = {
    now: () => Date.now(),
    sleep: (ms, signal) => new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(abortReason(signal));
        const onAbort = () => {
            clearTimeout(timer);
            reject(abortReason(signal));
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, Math.max(0, ms));
        signal?.addEventListener('abort', onAbort, { once: true });
    })
};
function abortReason(signal) {
    return signal.reason instanceof Error ? signal.reason : new AbortedError(String(signal.reason ?? 'aborted'));
}
/** The wait or request was given up on purpose (workflow cancelled). */
class AbortedError extends Error {
    constructor(message = 'aborted') {
        super(message);
        this.name = 'AbortedError';
    }
}

;// CONCATENATED MODULE: ./src/inputs/action-spec.ts
/**
 * The names of the action's inputs and outputs, as action.yml declares them. Code refers to these constants only,
 * and a unit test checks that action.yml declares exactly these. The defaults live in action.yml alone;
 * `action-defaults.ts` is generated from it (`npm run gen`).
 */
const INPUT = {
    apiUrl: 'api-url',
    apiToken: 'api-token',
    refreshToken: 'refresh-token',
    clientId: 'client-id',
    tokenEndpoint: 'token-endpoint',
    clientSecret: 'client-secret',
    refreshTokenSecret: 'refresh-token-secret',
    secretsToken: 'secrets-token',
    recipeId: 'recipe-id',
    jobId: 'job-id',
    flowId: 'flow-id',
    flowRecipes: 'flow-recipes',
    planId: 'plan-id',
    overrides: 'overrides',
    runParameters: 'run-parameters',
    dryRun: 'dry-run',
    qualityGate: 'quality-gate',
    baseline: 'baseline',
    wait: 'wait',
    timeout: 'timeout',
    pollInterval: 'poll-interval',
    maxPollInterval: 'max-poll-interval',
    requestTimeout: 'request-timeout',
    schedule: 'schedule',
    queueTimeout: 'queue-timeout',
    failOnJobFailure: 'fail-on-job-failure',
    cancelOnTimeout: 'cancel-on-timeout',
    cancelOnWorkflowCancel: 'cancel-on-workflow-cancel',
    appUrl: 'app-url',
    logs: 'logs',
    logLines: 'log-lines',
    projectId: 'project-id',
    commentOnPr: 'comment-on-pr',
    githubToken: 'github-token'
};
const action_spec_OUTPUT = {
    jobId: 'job-id',
    status: 'status',
    requestId: 'request-id',
    jobUrl: 'job-url',
    durationSeconds: 'duration-seconds',
    jobs: 'jobs',
    written: 'written',
    quality: 'quality',
    jobIds: 'job-ids',
    flowRunId: 'flow-run-id',
    planRunId: 'plan-run-id',
    result: 'result',
    reportDir: 'report-dir',
    refreshToken: 'refresh-token'
};

;// CONCATENATED MODULE: ./src/inputs/aac-host.ts
/**
 * Alteryx Analytics Cloud hosts: `/v4` is served from `https://<region>.alteryxcloud.com`, while
 * `https://api.<region>.alteryxcloud.com` serves AAC's newer platform APIs (API-NOTES.md). The action's README
 * long recommended the latter, so an api-url naming it is sent to the `/v4` host, and the log says so. Pure.
 */
const PLATFORM_HOST = /^api\.([a-z0-9-]+)\.alteryxcloud\.com$/i;
/** The URL for `/v4` calls: `api.<region>.alteryxcloud.com` becomes `<region>.alteryxcloud.com`, with a warning. */
function v4ApiUrl(apiUrl, warnings) {
    const url = new URL(apiUrl);
    const region = PLATFORM_HOST.exec(url.hostname)?.[1];
    if (region === undefined)
        return apiUrl;
    url.hostname = `${region.toLowerCase()}.alteryxcloud.com`;
    const v4 = `${url.origin}${url.pathname}`.replace(/\/+$/, '');
    warnings.push(`api-url ${apiUrl} is the host of Alteryx Analytics Cloud's platform APIs; its /v4 API is served from ${v4}, ` +
        `so the calls go there. Set api-url to ${v4}.`);
    return v4;
}

;// CONCATENATED MODULE: ./src/inputs/action-defaults.ts
// Generated from action.yml by scripts/gen-action-defaults.ts (npm run gen): do not edit.
/** The defaults action.yml declares, used when an input is given empty (the runner fills them in otherwise). */
const INPUT_DEFAULTS = {
    'dry-run': 'false',
    wait: 'true',
    timeout: '6h',
    'poll-interval': '2s',
    'max-poll-interval': '60s',
    schedule: 'history',
    'request-timeout': '30s',
    'fail-on-job-failure': 'true',
    'cancel-on-timeout': 'true',
    'cancel-on-workflow-cancel': 'true',
    logs: 'on-failure',
    'log-lines': '50',
    'comment-on-pr': 'false'
};

;// CONCATENATED MODULE: ./src/inputs/input-values.ts
/**
 * Input values: the parsers for one input each (URLs, tokens, ids, booleans, durations). Each throws an
 * `InputError` naming the input and saying what is expected. Pure.
 */
/** One bad input: names the input and says what is expected. */
class InputError extends Error {
    input;
    constructor(input, message) {
        super(`Input '${input}': ${message}`);
        this.name = 'InputError';
        this.input = input;
    }
}
/** Node's timers hold at most 2^31-1 ms (24.8 days); a week is more than any job wait needs. */
const MAX_DURATION_MS = 7 * 24 * 3600 * 1000;
/** `https://host[:port][/prefix]`, without a trailing slash or `/v4`. Plain http only for loopback hosts. */
/**
 * `https://host[:port][/prefix]`, without a trailing slash or `/v4`. A path that goes on into the API (`/v4`,
 * `/v4/jobGroups`, …) is cut off with a warning: which base was meant is clear, and the warning shows it.
 */
function parseApiUrl(text, warnings = []) {
    const url = parseHttpUrl('api-url', text);
    const base = url.replace(/\/v4(\/.*)?$/i, '');
    if (/\/v4\/./i.test(url)) {
        warnings.push(`api-url ends in an API path (${url.slice(base.length)}); using the base URL ${base}. Set api-url to it.`);
    }
    return base;
}
function parseHttpUrl(input, text) {
    const raw = text.trim();
    if (!raw)
        throw new InputError(input, 'is required, e.g. https://api.clouddataprep.com.');
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        throw new InputError(input, `'${raw}' is not a URL; expected e.g. https://api.clouddataprep.com.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new InputError(input, `must be an https URL (got a '${url.protocol}' URL).`);
    }
    if (url.username || url.password) {
        throw new InputError(input, 'must not contain credentials; put the token in api-token.');
    }
    if (url.search || url.hash) {
        throw new InputError(input, 'must not contain a query or fragment; give the base URL only.');
    }
    if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
        throw new InputError(input, `plain http is only allowed for loopback hosts; use ` +
            `https://${url.host}${url.pathname === '/' ? '' : url.pathname}.`);
    }
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
function isLoopbackHost(hostname) {
    const host = hostname.toLowerCase();
    if (host === 'localhost' || host === '[::1]')
        return true;
    return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
/**
 * Web app base URL derived from the API URL: `api.clouddataprep.com` → `clouddataprep.com`,
 * `api.<region>.alteryxcloud.com` → `<region>.alteryxcloud.com`, otherwise the API URL itself.
 */
function deriveAppUrl(apiUrl) {
    const url = new URL(apiUrl);
    const host = url.hostname.toLowerCase();
    if (host === 'api.clouddataprep.com' || /^api\.[a-z0-9-]+\.alteryxcloud\.com$/.test(host)) {
        url.hostname = host.slice('api.'.length);
    }
    return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
function parseToken(input, text, warnings) {
    let token = text.trim();
    if (!token)
        throw new InputError(input, 'is empty; pass the access token from a secret, e.g. ${{ secrets.TRIFACTA_TOKEN }}.');
    if (/^bearer\s+/i.test(token)) {
        token = token.replace(/^bearer\s+/i, '');
        warnings.push(`${input} starts with 'Bearer '; the prefix was removed (give the token alone).`);
    }
    if (/\s/.test(token))
        throw new InputError(input, 'contains white space or a line break; give the token alone.');
    return rejectInvisible(input, token, /[^\x21-\x7e]/);
}
/**
 * Control and invisible characters (a zero-width space or byte-order mark picked up by copy and paste) would make
 * the server refuse the value with no visible cause; a header cannot carry non-ASCII ones at all. Say where the
 * character is, never what the value is.
 */
function rejectInvisible(input, text, odd = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u) {
    const found = odd.exec(text);
    if (!found)
        return text;
    const code = found[0].codePointAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new InputError(input, `contains a control, invisible or non-ASCII character (U+${code}) at position ${found.index + 1}; ` +
        'copy the value again without it.');
}
function parsePositiveInteger(input, text) {
    const raw = text.trim();
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n <= 0) {
        const hint = input === 'recipe-id' ? ' In the flow view, /flows/10?recipe=7 means recipe-id 7.' : '';
        throw new InputError(input, `must be a positive integer (got '${raw}').${hint}`);
    }
    return n;
}
function parseBoolean(input, text) {
    const raw = text.trim();
    if (['true', 'True', 'TRUE'].includes(raw))
        return true;
    if (['false', 'False', 'FALSE'].includes(raw))
        return false;
    throw new InputError(input, `must be true or false (got '${raw}').`);
}
/** One of `choices`, as written (the text is quoted, cut to size, in the error). */
function parseChoice(input, text, choices) {
    const raw = text.trim();
    if (choices.includes(raw))
        return raw;
    throw new InputError(input, `must be one of ${choices.join(', ')} (got '${raw.slice(0, 40)}').`);
}
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** `90` (seconds), `90s`, `30m`, `2h`, `1h30m`, `500ms`. Positive, at most 7 days. */
function parseDuration(input, text) {
    const raw = text.trim();
    const expected = `must be a positive duration: seconds (90) or with a unit (90s, 30m, 2h, 1h30m) (got ` + `'${text.trim()}').`;
    let ms;
    if (/^\d+(\.\d+)?$/.test(raw)) {
        ms = Number(raw) * 1000;
    }
    else if (/^(\d+(\.\d+)?(ms|s|m|h|d))+$/i.test(raw)) {
        ms = 0;
        for (const part of raw.toLowerCase().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
            ms += Number(part[1]) * UNIT_MS[part[2]];
        }
    }
    else {
        throw new InputError(input, expected);
    }
    ms = Math.round(ms);
    if (!(ms > 0))
        throw new InputError(input, expected);
    if (ms > MAX_DURATION_MS)
        throw new InputError(input, `must be at most 7d (got '${raw}'): longer waits than a week are not supported.`);
    return ms;
}
function isPlainObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function describe(value) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'an array';
    if (typeof value === 'object')
        return 'an object';
    if (typeof value === 'string')
        return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    return `${typeof value} ${String(value)}`;
}

;// CONCATENATED MODULE: ./src/shared/nearest.ts
/** Which known word a typed one is nearest to, by edit distance (Levenshtein). Pure. */
/** The known word nearest to a typo (edit distance ≤ 3, case as typed), if any: for "did you mean …?". */
function closest(word, candidates) {
    let best;
    let bestDistance = 4;
    for (const c of candidates) {
        const d = editDistance(word, c);
        if (d < bestDistance) {
            best = c;
            bestDistance = d;
        }
    }
    return best;
}
/**
 * The known word that `word` is almost certainly a misspelling of, if any: not one of them, but the same when
 * case is ignored, or within 1 edit of a word under 8 letters, or within 2 edits of a longer one. `writeSetting`,
 * `profilr` and `Publications` resemble `writeSettings`, `profiler` and `publications`; `custom` resembles none.
 */
function resembling(word, candidates) {
    if (candidates.includes(word))
        return undefined;
    const lower = word.toLowerCase();
    let best;
    let bestDistance = Infinity;
    for (const c of candidates) {
        const d = editDistance(lower, c.toLowerCase());
        if (d > (c.length < 8 ? 1 : 2))
            continue;
        // Between writesettings and writeSettings, the one whose case is nearer to what was typed.
        const rank = d * 1000 + editDistance(word, c);
        if (rank < bestDistance) {
            best = c;
            bestDistance = rank;
        }
    }
    return best;
}
function editDistance(a, b) {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++) {
            row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        prev = row;
    }
    return prev[b.length];
}

;// CONCATENATED MODULE: ./src/inputs/overrides.ts



/** The YAML parser: loaded (`loadYamlFor`) only when an `overrides` is not JSON, since it costs start-up time. */
let parseYaml;
/** Loads the YAML parser when `text` needs it (it is neither empty nor JSON), before the inputs are parsed. */
async function loadYamlFor(text) {
    if (parseYaml || !text.trim() || isJson(text))
        return;
    parseYaml = (await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 6637, 19))).parse;
}
function isJson(text) {
    try {
        JSON.parse(text);
        return true;
    }
    catch {
        return false;
    }
}
/** Known top-level keys of `overrides` (vendor docs and the AAC spec's output-object and flow-run requests). */
const KNOWN_OVERRIDE_KEYS = [
    'execution',
    'profiler',
    'isAdhoc',
    'ignoreRecipeErrors',
    'writesettings',
    'writeSettings',
    'publications',
    'sqlScripts',
    'outputObjectSchemaDriftOptions',
    'schemaDriftOptions',
    'sparkOptions',
    'databricksOptions'
];
/** Unknown override keys named in the warning, at most. */
const MAX_NAMED = 10;
/** No documented override nests deeper than a few levels; far deeper is a mistake (or an attack on the parser). */
const MAX_DEPTH = 64;
const WRITE_ACTIONS = ['create', 'append', 'overwrite'];
const WRITE_FORMATS = ['csv', 'json', 'avro', 'pqt', 'hyper'];
const WRITE_COMPRESSIONS = ['none', 'gzip', 'bzip2', 'snappy'];
const PUBLICATION_ACTIONS = ['create', 'load', 'createAndLoad', 'truncateAndLoad', 'dropAndLoad', 'upsert'];
/**
 * A mapping; known keys type-checked (the server does not validate overrides), unknown ones passed on with a
 * warning.
 */
function parseOverrides(text, warnings = []) {
    return checkOverrides(parseOverridesObject(text, '{"execution": "photon"} or, as YAML, execution: photon'), warnings);
}
/** The `overrides` input as a mapping, from YAML or JSON (`example` shows one in the error). */
function parseOverridesObject(text, example) {
    const value = parseMapping(text);
    if (!isPlainObject(value)) {
        throw new InputError('overrides', `must be a mapping, e.g. ${example} (got ${describe(value)}).`);
    }
    if (tooDeep(value)) {
        throw new InputError('overrides', `is nested deeper than ${MAX_DEPTH} levels; no override needs that.`);
    }
    return value;
}
/**
 * The checks of one job group's overrides (a recipe's, or one flow output's); `at` prefixes the key names in
 * messages, e.g. `Sales.` for the flow output named Sales. Returns `o`.
 */
function checkOverrides(o, warnings, at = '') {
    if ('execution' in o && typeof o.execution !== 'string') {
        throw new InputError('overrides', `'${at}execution' must be a string such as "photon" or "spark" (got ${describe(o.execution)}).`);
    }
    if ('profiler' in o && typeof o.profiler !== 'boolean') {
        throw new InputError('overrides', `'${at}profiler' must be true or false (got ${describe(o.profiler)}).`);
    }
    if ('ignoreRecipeErrors' in o && typeof o.ignoreRecipeErrors !== 'boolean') {
        throw new InputError('overrides', `'${at}ignoreRecipeErrors' must be true or false (got ${describe(o.ignoreRecipeErrors)}).`);
    }
    for (const key of ['writesettings', 'writeSettings']) {
        if (key in o)
            checkWriteSettings(`${at}${key}`, o[key], warnings);
    }
    if ('publications' in o)
        checkPublications(`${at}publications`, o.publications, warnings);
    // S1: testMode is a top-level field of the request; inside overrides the server may ignore it and run for real.
    if ('testMode' in o) {
        throw new InputError('overrides', `'${at}testMode' is not an override: inside overrides the server may ignore it and run the job for real. ` +
            'To check a run without starting it, set dry-run: true.');
    }
    const unknown = Object.keys(o).filter((k) => !KNOWN_OVERRIDE_KEYS.includes(k));
    const misspelt = unknown.flatMap((key) => {
        const known = resembling(key, KNOWN_OVERRIDE_KEYS);
        return known ? [`'${at}${format_oneLine(key, 40)}' (did you mean '${at}${known}'?)`] : [];
    });
    if (misspelt.length > 0)
        throw new InputError('overrides', misspeltKeysMessage(misspelt));
    if (unknown.length > 0)
        warnings.push(unknownKeysWarning(unknown, at));
    return o;
}
/** The error for keys that resemble known ones: the server would ignore them, so nothing is sent. */
function misspeltKeysMessage(named) {
    const keys = named.length === 1 ? 'key' : 'keys';
    const more = named.length > MAX_NAMED ? ` and ${named.length - MAX_NAMED} more` : '';
    return (`unknown ${keys} ${named.slice(0, MAX_NAMED).join(', ')}${more}: the server ignores a key it does not know, and ` +
        'the job would run without it (with its usual outputs, for a misspelt writesettings). Fix the spelling; ' +
        'nothing was sent.');
}
/**
 * JSON, else YAML, as people write mappings in a workflow file (JSON is YAML too; JSON is tried first since it
 * is exact and fast). The error says what was tried and shows the line YAML stumbled on.
 */
function parseMapping(text) {
    let jsonError = '';
    try {
        return JSON.parse(text);
    }
    catch (e) {
        jsonError = e.message;
    }
    // A programming error, not an input's: every caller loads the parser first (loadYamlFor).
    if (!parseYaml)
        throw new Error('overrides: the YAML parser was not loaded');
    try {
        return parseYaml(text, { maxAliasCount: 20, uniqueKeys: true });
    }
    catch (e) {
        // The YAML parser reports its own stack overflow as a parse error.
        if (e instanceof RangeError || /Maximum call stack/.test(e.message)) {
            throw new InputError('overrides', 'is nested too deeply to read.');
        }
        const line = e.linePos?.[0]?.line;
        const shown = line ? ` at line ${line}: ${format_oneLine(text.split(/\r?\n/)[line - 1] ?? '', 80)}` : '';
        const yamlError = format_oneLine(e.message.split('\n')[0], 200);
        const tried = text.startsWith('{') ? `JSON (${format_oneLine(jsonError, 120)}) nor YAML` : 'YAML';
        throw new InputError('overrides', `is not valid ${tried} (${yamlError})${shown}.`);
    }
}
/** One line naming at most `MAX_NAMED` unknown keys, each with the known key it is nearest to, if any. */
function unknownKeysWarning(unknown, at) {
    const named = unknown.slice(0, MAX_NAMED).map((key) => {
        const near = closest(key, KNOWN_OVERRIDE_KEYS);
        return `'${at}${format_oneLine(key, 40)}'${near ? ` (did you mean '${at}${near}'?)` : ''}`;
    });
    const more = unknown.length > MAX_NAMED ? ` and ${unknown.length - MAX_NAMED} more` : '';
    const keys = unknown.length === 1 ? 'unknown key' : `${unknown.length} unknown keys`;
    return `overrides: ${keys} ${named.join(', ')}${more} passed on as given.`;
}
/** Nesting deeper than `MAX_DEPTH`, found without recursion (a deep value must not exhaust the stack). */
function tooDeep(value) {
    const stack = [[value, 1]];
    while (stack.length > 0) {
        const [item, depth] = stack.pop();
        if (typeof item !== 'object' || item === null)
            continue;
        if (depth > MAX_DEPTH)
            return true;
        for (const child of Object.values(item))
            stack.push([child, depth + 1]);
    }
    return false;
}
function checkWriteSettings(key, value, warnings) {
    const items = objectArray('overrides', key, value);
    items.forEach((item, i) => {
        const where = `'${key}[${i}]'`;
        if ('path' in item && typeof item.path !== 'string')
            throw new InputError('overrides', `${where}.path must be a string.`);
        if ('action' in item && !WRITE_ACTIONS.includes(item.action)) {
            throw new InputError('overrides', `${where}.action must be one of ${WRITE_ACTIONS.join(', ')} (got ${describe(item.action)}).`);
        }
        if ('format' in item && !WRITE_FORMATS.includes(item.format)) {
            warnings.push(`overrides: ${where}.format ${describe(item.format)} is not one of ${WRITE_FORMATS.join(', ')}; passed on ` +
                `as given.`);
        }
        if ('compression' in item && !WRITE_COMPRESSIONS.includes(item.compression)) {
            warnings.push(`overrides: ${where}.compression ${describe(item.compression)} is not one of ` +
                `${WRITE_COMPRESSIONS.join(', ')}; passed on as given.`);
        }
    });
}
function checkPublications(key, value, warnings) {
    objectArray('overrides', key, value).forEach((item, i) => {
        if ('action' in item && !PUBLICATION_ACTIONS.includes(item.action)) {
            warnings.push(`overrides: '${key}[${i}]'.action ${describe(item.action)} is not one of ${PUBLICATION_ACTIONS.join(', ')}; ` +
                `passed on as given.`);
        }
    });
}
function objectArray(input, key, value) {
    if (!Array.isArray(value) || !value.every(isPlainObject)) {
        throw new InputError(input, `'${key}' must be an array of objects (got ${describe(value)}).`);
    }
    return value;
}

;// CONCATENATED MODULE: ./src/inputs/flow-inputs.ts
/**
 * The flow inputs: `flow-recipes` (recipe ids) and `overrides` given with `flow-id`, split into the flow-run
 * request's top-level fields (`execution`, `ignoreRecipeErrors`, `sparkOptions`, …) and per-output overrides. Pure.
 */



/**
 * Top-level fields of the flow-run request: the first three are documented for runFlow, the other two are in the
 * AAC spec's LFlowRunRequest. Every other key of the `overrides` input names an output.
 */
const flow_inputs_FLOW_RUN_FIELDS = [
    'execution',
    'ignoreRecipeErrors',
    'sparkOptions',
    'schemaDriftOptions',
    'databricksOptions'
];
/**
 * `flow-recipes`: recipe ids separated by commas, spaces or new lines, or a JSON array; duplicates are dropped.
 * Empty text means every output (`[]`).
 */
function parseFlowRecipes(text) {
    const raw = text.trim();
    if (!raw)
        return [];
    let items = raw.split(/[\s,]+/).filter(Boolean);
    if (raw.startsWith('[')) {
        try {
            items = JSON.parse(raw);
        }
        catch (e) {
            throw new InputError(INPUT.flowRecipes, `is not a valid JSON array (${e.message}).`);
        }
        if (!Array.isArray(items) || items.length === 0)
            throw new InputError(INPUT.flowRecipes, 'must list at least one recipe id, or be left empty to run every output.');
    }
    return [...new Set(items.map((item) => parsePositiveInteger(INPUT.flowRecipes, String(item))))];
}
/**
 * The `overrides` input given with `flow-id`: the known top-level fields checked, and every other key taken as an
 * output name whose object is checked as a recipe's overrides are (unknown keys pass with a warning).
 */
function parseFlowOverrides(text, warnings) {
    const o = parseOverridesObject(text, '{"execution": "spark", "Sales by region": {"profiler": true}}');
    if ('execution' in o && typeof o.execution !== 'string')
        throw new InputError(INPUT.overrides, `'execution' must be a string such as "photon" or "spark".`);
    if ('ignoreRecipeErrors' in o && typeof o.ignoreRecipeErrors !== 'boolean')
        throw new InputError(INPUT.overrides, `'ignoreRecipeErrors' must be true or false (got ${describe(o.ignoreRecipeErrors)}).`);
    if ('sparkOptions' in o)
        checkSparkOptions(o.sparkOptions);
    for (const [name, value] of Object.entries(o)) {
        if (flow_inputs_FLOW_RUN_FIELDS.includes(name))
            continue;
        if (!isPlainObject(value)) {
            throw new InputError(INPUT.overrides, `'${name}' is not an output's overrides (an object; got ${describe(value)}): with flow-id, overrides are ` +
                `keyed by output name, e.g. {"<output name>": {"${name}": …}}, beside the top-level fields ` +
                `${flow_inputs_FLOW_RUN_FIELDS.join(', ')}.`);
        }
        checkOverrides(value, warnings, `${name}.`);
    }
    return o;
}
function checkSparkOptions(value) {
    const ok = Array.isArray(value) && value.every((item) => isPlainObject(item) && typeof item.key === 'string');
    if (!ok) {
        throw new InputError(INPUT.overrides, `'sparkOptions' must be an array of {"key": …, "value": …} objects (got ${describe(value)}).`);
    }
}

;// CONCATENATED MODULE: ./src/inputs/target.ts
/**
 * What a step runs: a recipe, a job group (attach), a flow or a plan; none for a dry run that only signs in, which
 * the `dry-run` input allows only with a refresh token. Pure.
 */


/** `recipe 7`, `job 4100`, `flow 7`, `plan 5`. Pure. */
function targetLabel(target) {
    switch (target.kind) {
        case 'recipe':
            return `recipe ${target.recipeId}`;
        case 'job':
            return `job ${target.jobId}`;
        case 'flow':
            return `flow ${target.flowId}`;
        case 'plan':
            return `plan ${target.planId}`;
        case 'none':
            return 'the sign-in';
    }
}
/** The target when none of recipe-id, flow-id, plan-id and job-id is given, for a dry run: none, or an error. */
function noRunTarget(dry) {
    if (dry.refreshing)
        return { kind: 'none' };
    throw new InputError(INPUT.dryRun, 'needs a run target: give recipe-id, flow-id, plan-id or job-id. Only with refresh-token may it have none: ' +
        'then it only signs in, which renews the refresh token.');
}

// EXTERNAL MODULE: ../node_modules/yaml/dist/index.js
var dist = __nccwpck_require__(6637);
;// CONCATENATED MODULE: ./src/quality/gate.ts
/**
 * The `quality-gate` input: which checks the data must pass, read from YAML or JSON. Unknown checks, bad limits
 * and invalid YAML are errors (`GateError`, which the inputs turn into an input error before anything is sent).
 * Pure.
 *
 *   rules: pass            every data-quality rule passes (`invalid` counts as not passing)
 *   mismatched: 0.5%       per column, at most this share (with %) or count (without) of mismatched values
 *   missing: 5%            the same for missing (empty) values
 *   min-rows: 1000         per output
 *   max-row-change: 20%    against the baseline, up or down
 *   columns:               per-column limits that replace the general ones
 *     email: { missing: 0 }
 */


class GateError extends Error {
    constructor(message) {
        super(message);
        this.name = 'GateError';
    }
}
const GATE_CHECKS = ['rules', 'mismatched', 'missing', 'min-rows', 'max-row-change', 'columns'];
const COLUMN_CHECKS = ['mismatched', 'missing'];
const EXAMPLE = 'e.g. "rules: pass" or {"mismatched": "0.5%", "min-rows": 1000}';
const MAX_TEXT = 20_000;
const MAX_GATE_COLUMNS = 500;
/** The gate; undefined for empty text. Throws `GateError` naming what is wrong. */
function parseQualityGate(text) {
    if (text.trim() === '')
        return undefined;
    if (text.length > MAX_TEXT)
        throw new GateError(`is ${text.length} characters long; a gate needs far fewer.`);
    const value = parseText(text);
    if (!isMapping(value))
        throw new GateError(`must be a mapping of checks, ${EXAMPLE} (got ${kindOf(value)}).`);
    const unknown = Object.keys(value).filter((key) => !GATE_CHECKS.includes(key));
    if (unknown.length > 0)
        throw new GateError(unknownChecks(unknown, GATE_CHECKS, ''));
    if (Object.keys(value).length === 0)
        throw new GateError(`names no check; ${EXAMPLE}.`);
    return {
        rules: parseRules(value.rules),
        ...optional('mismatched', value.mismatched, (v) => parseLimit('mismatched', v)),
        ...optional('missing', value.missing, (v) => parseLimit('missing', v)),
        ...optional('minRows', value['min-rows'], (v) => parseWhole('min-rows', v)),
        // Rows may grow more than twofold: a change is no share of a whole, so it may exceed 100%.
        ...optional('maxRowChange', value['max-row-change'], (v) => parseLimit('max-row-change', v, Infinity)),
        columns: parseColumns(value.columns)
    };
}
/** JSON first (exact), else YAML; the YAML error names the line. */
function parseText(text) {
    let json;
    try {
        json = JSON.parse(text);
    }
    catch {
        // not JSON: YAML below
    }
    // JSON.parse keeps the last of two equal keys; a gate that names a check twice is refused, as in YAML.
    if (json !== undefined) {
        const twice = (0,dist.parseDocument)(text, { uniqueKeys: true }).errors.find((e) => e.code === 'DUPLICATE_KEY');
        if (twice)
            throw new GateError(`names a key twice (${format_oneLine(twice.message.split('\n')[0], 120)}).`);
        return json;
    }
    try {
        return (0,dist.parse)(text, { maxAliasCount: 20, uniqueKeys: true });
    }
    catch (e) {
        if (e instanceof RangeError || /Maximum call stack/.test(e.message))
            throw new GateError('is nested too deeply to read.');
        const line = e.linePos?.[0]?.line;
        const shown = line ? ` at line ${line}: ${format_oneLine(text.split(/\r?\n/)[line - 1] ?? '', 80)}` : '';
        throw new GateError(`is not valid YAML or JSON (${format_oneLine(e.message.split('\n')[0], 200)})${shown}.`);
    }
}
function optional(key, value, parse) {
    return value === undefined || value === null ? {} : { [key]: parse(value) };
}
function parseRules(value) {
    if (value === undefined || value === null)
        return false;
    if (value === 'pass')
        return true;
    throw new GateError(`'rules' can only be 'pass' (every data-quality rule passes; got ${kindOf(value)}).`);
}
/** `0.5%` (a share, 0–`maxPercent`%) or `12` (a count of values). */
function parseLimit(check, value, maxPercent = 100) {
    const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : undefined;
    const share = text === undefined ? null : /^(\d+(?:\.\d+)?)\s*%$/.exec(text);
    if (share) {
        const p = Number(share[1]);
        if (p > maxPercent)
            throw new GateError(`'${check}' is a share over 100% (got '${text}').`);
        if (!Number.isFinite(p))
            throw new GateError(`'${check}' is no finite share (got '${format_oneLine(text, 40)}').`);
        return { kind: 'share', percent: p, text: `${share[1]}%` };
    }
    const count = text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
    if (count !== undefined && Number.isSafeInteger(count))
        return { kind: 'count', count, text: String(count) };
    throw new GateError(`'${check}' must be a share with % (e.g. 0.5%) or a whole count of values (e.g. 0) (got ${kindOf(value)}).`);
}
function parseWhole(check, value) {
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < 0)
        throw new GateError(`'${check}' must be a whole number (got ${kindOf(value)}).`);
    return n;
}
function parseColumns(value) {
    const columns = new Map();
    if (value === undefined || value === null)
        return columns;
    if (!isMapping(value))
        throw new GateError(`'columns' must map column names to limits, e.g. {"email": {"missing": 0}} (got ${kindOf(value)}).`);
    const entries = Object.entries(value);
    if (entries.length > MAX_GATE_COLUMNS)
        throw new GateError(`'columns' names ${entries.length} columns; at most ${MAX_GATE_COLUMNS}.`);
    for (const [name, limits] of entries) {
        const at = `columns.${format_oneLine(name, 60)}`;
        if (!isMapping(limits))
            throw new GateError(`'${at}' must be a mapping such as {missing: 0} (got ${kindOf(limits)}).`);
        const unknown = Object.keys(limits).filter((key) => !COLUMN_CHECKS.includes(key));
        if (unknown.length > 0)
            throw new GateError(unknownChecks(unknown, COLUMN_CHECKS, `${at}.`));
        if (Object.keys(limits).length === 0)
            throw new GateError(`'${at}' names no limit; give mismatched or missing.`);
        columns.set(name, {
            ...optional('mismatched', limits.mismatched, (v) => parseLimit(`${at}.mismatched`, v)),
            ...optional('missing', limits.missing, (v) => parseLimit(`${at}.missing`, v))
        });
    }
    return columns;
}
function unknownChecks(unknown, known, at) {
    const named = unknown.slice(0, 5).map((key) => {
        const bare = key.toLowerCase().replace(/[-_ ]/g, '');
        const near = known.find((k) => {
            const name = k.replace(/-/g, '');
            return name === bare || (bare.length >= 4 && (name.startsWith(bare) || bare.startsWith(name)));
        });
        return `'${at}${format_oneLine(key, 40)}'${near ? ` (did you mean '${at}${near}'?)` : ''}`;
    });
    const more = unknown.length > 5 ? ` and ${unknown.length - 5} more` : '';
    return `has unknown check${unknown.length > 1 ? 's' : ''} ${named.join(', ')}${more}; known: ${known.join(', ')}.`;
}
function isMapping(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function kindOf(value) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'a list';
    if (typeof value === 'object')
        return 'a mapping';
    if (typeof value === 'string')
        return `'${format_oneLine(value, 40)}'`;
    return `${typeof value} ${String(value)}`;
}

;// CONCATENATED MODULE: ./src/quality/baseline.ts
/**
 * The `baseline` input, and the choice of the baseline among past job groups: the last `Complete` one of the same
 * recipe that ran from a schedule (`scheduled`: production), or the last `Complete` one before this run (`last`),
 * or a job group named by id. Nothing is guessed: a row is taken only if its own fields say so (the server may
 * not have honoured the filters), and a full page that is not sorted newest first settles nothing. Pure.
 */

/** `scheduled`, `last` or a job group id; empty text: none. Throws `GateError`. */
function parseBaseline(text) {
    const raw = text.trim();
    if (raw === '')
        return undefined;
    if (raw === 'scheduled' || raw === 'last')
        return { kind: raw };
    const id = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (Number.isSafeInteger(id) && id > 0)
        return { kind: 'job', jobId: id };
    throw new GateError(`must be 'scheduled' (the last scheduled run of the recipe), 'last' (the last completed one) or a job group id ` +
        `(got '${raw.slice(0, 40)}').`);
}
/** `scheduled`, `last`, `job 4090`: how the summary names the choice. */
function describeBaseline(baseline) {
    return baseline.kind === 'job' ? `job ${baseline.jobId}` : baseline.kind;
}
const createdMs = (run) => (typeof run.createdAt === 'string' ? Date.parse(run.createdAt) : NaN);
/**
 * The baseline among the rows of one page, or why there is none. `full`: the page was full, so older rows may
 * follow; then the rows must be newest first for the newest match to be the last one.
 */
function pickBaseline(rows, wanted, full) {
    const matching = rows.filter((run) => run.wrangledDataset?.id === wanted.recipeId &&
        run.status === 'Complete' &&
        (wanted.kind === 'last' || run.ranfrom === 'schedule') &&
        !wanted.exclude.has(run.id) &&
        Number.isFinite(createdMs(run)) &&
        (wanted.before === undefined || createdMs(run) < wanted.before));
    const what = wanted.kind === 'scheduled' ? 'scheduled run' : 'completed run';
    const times = rows.map(createdMs);
    const sorted = times.every((t, i) => i === 0 || !(t > times[i - 1]));
    if (full && !sorted)
        return { none: `the job library answered unsorted, so the last ${what} cannot be told`, readMore: false };
    if (matching.length === 0)
        return { none: `no earlier ${what} of recipe ${wanted.recipeId} was found`, readMore: full };
    const newest = matching.reduce((a, b) => (createdMs(b) > createdMs(a) ? b : a));
    return { found: newest };
}

;// CONCATENATED MODULE: ./src/inputs/quality-inputs.ts
/**
 * The `quality-gate` and `baseline` inputs, and what a gate asks of the run: a profile. With `recipe-id` the
 * gate sets `profiler: true` in the overrides unless the user set it; `profiler: false` with a gate is an error.
 * Pure.
 */





function parseQualityInputs(c, target, overrides) {
    const qualityGate = parsed(c, INPUT.qualityGate, parseQualityGate);
    const baseline = parsed(c, INPUT.baseline, parseBaseline);
    const composite = target?.kind === 'flow' || target?.kind === 'plan';
    if (baseline?.kind === 'job' && composite) {
        c.fail(INPUT.baseline, 'a job group id compares one job group; a flow or plan runs several: use scheduled or last.');
    }
    if (qualityGate?.maxRowChange && !c.get(INPUT.baseline)) {
        c.fail(INPUT.qualityGate, "'max-row-change' needs a baseline: give baseline: scheduled, last or a job group id.");
    }
    if (qualityGate && /^false$/i.test(c.get(INPUT.wait))) {
        c.fail(INPUT.qualityGate, 'needs wait: true: the data is checked once the run has completed.');
    }
    if (!qualityGate)
        return { baseline, overrides };
    return { qualityGate, baseline, overrides: profiled(c, target, overrides) };
}
function parsed(c, input, parse) {
    try {
        return parse(c.get(input));
    }
    catch (error) {
        if (!(error instanceof GateError))
            throw error;
        c.fail(input, error.message);
        return undefined;
    }
}
const PROFILER_OFF = "'profiler' is false, but quality-gate needs a profile: remove it or set it to true.";
/** The overrides with profiling on, where the action can set it; an error where the user turned it off. */
function profiled(c, target, overrides) {
    if (target?.kind === 'recipe') {
        if (overrides?.profiler === false)
            c.fail(INPUT.overrides, PROFILER_OFF);
        return overrides?.profiler === true ? overrides : { ...overrides, profiler: true };
    }
    if (target?.kind !== 'flow')
        return overrides;
    const outputs = Object.entries(overrides ?? {}).filter(([name, value]) => !flow_inputs_FLOW_RUN_FIELDS.includes(name) && isPlainObject(value));
    for (const [name, value] of outputs) {
        if (value.profiler === false)
            c.fail(INPUT.overrides, `'${name}.${PROFILER_OFF.slice(1)}`);
    }
    if (!outputs.some(([, value]) => value.profiler === true)) {
        c.warnings.push('quality-gate: with flow-id the action cannot turn profiling on for you (outputs are named per flow); set ' +
            'overrides {"<output name>": {"profiler": true}} or profiling in the outputs\' settings, or the gate fails ' +
            'for want of a profile.');
    }
    return overrides;
}

;// CONCATENATED MODULE: ./src/inputs/results-inputs.ts
/** The inputs of what is read after the run and how it is linked: `logs`, `log-lines`, `project-id`. Pure. */


const LOGS_POLICIES = ['on-failure', 'always', 'never'];
const MAX_LOG_LINES = 1000;
/** A Google Cloud project id (6 to 30 of a-z, 0-9 and -), or one of the older `domain:project` ids. */
const PROJECT_ID = /^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
function parseLogs(text) {
    return parseChoice(INPUT.logs, text, LOGS_POLICIES);
}
function parseLogLines(text) {
    const lines = parsePositiveInteger(INPUT.logLines, text);
    if (lines > MAX_LOG_LINES)
        throw new InputError(INPUT.logLines, `must be at most ${MAX_LOG_LINES} (got ${lines}).`);
    return lines;
}
/** `?projectId=<id>` for the app's links, or '' without a project id. */
function parseProjectId(text) {
    const value = text.trim();
    if (value === '')
        return '';
    if (!PROJECT_ID.test(value)) {
        throw new InputError(INPUT.projectId, `must be a Google Cloud project id: 6 to 30 lower-case letters, digits and hyphens, starting with a letter ` +
            `(got '${value.slice(0, 60)}'). The Dataprep app shows it in its links as ?projectId=….`);
    }
    return `?projectId=${encodeURIComponent(value)}`;
}
/** A page of the app: `appUrl` + `path` + the project's query. Pure. */
function results_inputs_appLink(links, path) {
    return `${links.appUrl}${path}${links.appQuery}`;
}

;// CONCATENATED MODULE: ./src/inputs/run-parameters.ts
/**
 * The `run-parameters` input: values for the dataset's variables, as `key=value` lines or a JSON object of
 * strings. Pure.
 */

/** `key=value` lines (blank lines and `#` comments ignored, `=` allowed in the value) or a JSON object of strings. */
function parseRunParameters(text) {
    const raw = text.trim();
    if (!raw)
        return [];
    if (raw.startsWith('{') || raw.startsWith('['))
        return parseRunParametersJson(raw);
    const params = [];
    const seen = new Map();
    raw.split(/\r?\n/).forEach((line, index) => {
        const lineNo = index + 1;
        const trimmed = line.trim();
        if (!trimmed || trimmed.startsWith('#'))
            return;
        const eq = trimmed.indexOf('=');
        if (eq < 0)
            throw new InputError('run-parameters', `line ${lineNo} has no '=': expected key=value.`);
        const key = trimmed.slice(0, eq).trim();
        if (!key)
            throw new InputError('run-parameters', `line ${lineNo} has an empty key: expected key=value.`);
        const first = seen.get(key);
        if (first !== undefined)
            throw new InputError('run-parameters', `key '${key}' is given twice (lines ${first} and ${lineNo}).`);
        seen.set(key, lineNo);
        params.push({ key, value: trimmed.slice(eq + 1).trim() });
    });
    return params;
}
function parseRunParametersJson(raw) {
    let value;
    try {
        value = JSON.parse(raw);
    }
    catch (e) {
        throw new InputError('run-parameters', `is not valid JSON (${e.message}); give a JSON object of strings or key=value lines.`);
    }
    if (!isPlainObject(value))
        throw new InputError('run-parameters', 'must be a JSON object of strings, e.g. {"country": "Germany"}.');
    return Object.entries(value).map(([key, v]) => {
        if (!key.trim())
            throw new InputError('run-parameters', 'has an empty key.');
        if (typeof v !== 'string') {
            throw new InputError('run-parameters', `value of '${key}' must be a string (got ${describe(v)}); quote it, e.g. "${key}": "${String(v)}".`);
        }
        return { key, value: v };
    });
}

;// CONCATENATED MODULE: ./src/shared/jwt.ts
/**
 * JWT claims, read without verifying the signature: the action only takes defaults (`iss`, `client_id`) and an
 * expiry (`exp`, `iat`) from tokens the user or the token endpoint gave it, and the API still checks every token.
 * Pure.
 */
/** The claims of a JWT (`header.payload.signature`), or undefined when `token` is not one. */
function jwtClaims(token) {
    const parts = token.split('.');
    if (parts.length !== 3 || !/^[A-Za-z0-9_-]+$/.test(parts[1] ?? ''))
        return undefined;
    let payload;
    try {
        payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    }
    catch {
        return undefined;
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
        return undefined;
    const p = payload;
    const text = (v) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
    const time = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    return { iss: text(p.iss), client_id: text(p.client_id), exp: time(p.exp), iat: time(p.iat) };
}

;// CONCATENATED MODULE: ./src/inputs/sign-in-inputs.ts
/**
 * Sign-in inputs: which one of the three ways to sign in the inputs choose (a static `api-token`, an Alteryx
 * Analytics Cloud OAuth 2.0 `refresh-token`, or a service principal), their defaults taken from the `api-token`'s
 * JWT claims, and where a rotated refresh token is written back. Anything ambiguous is an input error naming the
 * inputs, so that a run never guesses how to sign in. Pure.
 */



/** The inputs that hold secrets: masked before any input is parsed. */
const SECRET_INPUTS = [
    INPUT.apiToken,
    INPUT.refreshToken,
    INPUT.clientSecret,
    INPUT.secretsToken,
    INPUT.githubToken
];
const PAGE = 'Profile → User Preferences → OAuth 2.0 API Tokens';
const MODES = 'api-token (a static token), refresh-token (Alteryx Analytics Cloud), or client-id, client-secret and ' +
    'token-endpoint (a service principal)';
/** The chosen sign-in, or undefined when an error was recorded. */
function parseSignIn(c) {
    const [apiToken, refreshToken, clientSecret] = [INPUT.apiToken, INPUT.refreshToken, INPUT.clientSecret].map((n) => secretInput(c, n));
    if (apiToken === undefined || refreshToken === undefined || clientSecret === undefined)
        return undefined;
    if (refreshToken && clientSecret) {
        const both = "give refresh-token (a user's OAuth 2.0 API token) or client-secret (a service principal), not both.";
        c.fail(INPUT.refreshToken, both);
        return undefined;
    }
    if (refreshToken)
        return refreshing(c, apiToken, refreshToken);
    const why = clientSecret ? "a service principal's tokens do not rotate" : 'a static api-token does not rotate';
    for (const name of [INPUT.refreshTokenSecret, INPUT.secretsToken]) {
        if (c.get(name))
            c.fail(name, `is only used with refresh-token (${why}); remove it.`);
    }
    if (clientSecret)
        return servicePrincipal(c, apiToken, clientSecret);
    for (const name of [INPUT.clientId, INPUT.tokenEndpoint]) {
        if (c.get(name))
            c.fail(name, 'is only used with refresh-token or client-secret.');
    }
    if (!apiToken)
        c.fail(INPUT.apiToken, `is empty, and no other way to sign in is given: give ${MODES}.`);
    return apiToken ? { mode: 'static', token: apiToken } : undefined;
}
/** A secret input's value ('' when not given), or undefined when it is malformed (the error is recorded). */
function secretInput(c, name) {
    const text = c.get(name);
    return text ? c.attempt(() => parseToken(name, text, c.warnings)) : '';
}
function servicePrincipal(c, apiToken, clientSecret) {
    if (apiToken)
        c.fail(INPUT.apiToken, 'cannot be used with client-secret: a service principal gets its own tokens.');
    const clientId = c.get(INPUT.clientId);
    const endpoint = c.get(INPUT.tokenEndpoint);
    if (!clientId)
        c.fail(INPUT.clientId, "is required with client-secret: the service principal's Client ID.");
    if (!endpoint)
        c.fail(INPUT.tokenEndpoint, "is required with client-secret: the service principal's Token Endpoint.");
    const tokenEndpoint = endpoint ? c.attempt(() => parseTokenEndpoint(endpoint)) : undefined;
    const id = clientId ? c.attempt(() => parseClientId(clientId)) : undefined;
    if (!id || !tokenEndpoint || apiToken)
        return undefined;
    return { mode: 'client-credentials', clientId: id, clientSecret, tokenEndpoint };
}
function refreshing(c, apiToken, refreshToken) {
    const writeBack = parseWriteBack(c);
    const claims = apiToken ? jwtClaims(apiToken) : undefined;
    const missing = (claim) => 'is required with refresh-token: ' +
        (apiToken
            ? `the api-token given has no ${claim} claim to take it from. Copy it from ${PAGE}.`
            : `copy it from ${PAGE}, or give the access token of the pair as api-token.`);
    const clientIdText = c.get(INPUT.clientId) || claims?.client_id;
    const endpointText = c.get(INPUT.tokenEndpoint);
    if (!clientIdText)
        c.fail(INPUT.clientId, missing('client_id'));
    if (!endpointText && !claims?.iss)
        c.fail(INPUT.tokenEndpoint, missing('iss'));
    const clientId = clientIdText ? c.attempt(() => parseClientId(clientIdText)) : undefined;
    const tokenEndpoint = c.attempt(() => endpointText ? parseTokenEndpoint(endpointText) : claims?.iss ? endpointFromClaims(claims) : undefined);
    if (!writeBack.given) {
        c.warnings.push('refresh-token is given without refresh-token-secret: every refresh rotates it, so the stored one stops ' +
            'working. Set refresh-token-secret and secrets-token to write the new one back, or store the refresh-token ' +
            'output yourself.');
    }
    if (!clientId || !tokenEndpoint)
        return undefined;
    const accessToken = apiToken || undefined;
    return { mode: 'refresh-token', refreshToken, clientId, tokenEndpoint, accessToken, writeBack: writeBack.value };
}
function parseWriteBack(c) {
    const text = c.get(INPUT.refreshTokenSecret);
    const token = secretInput(c, INPUT.secretsToken);
    if (!text && !token)
        return { given: token === undefined };
    if (!text) {
        c.fail(INPUT.refreshTokenSecret, 'is required with secrets-token: the secret to write, NAME or environment/NAME.');
    }
    if (token === '') {
        c.fail(INPUT.secretsToken, 'is required with refresh-token-secret: a fine-grained personal access token or GitHub App token with the ' +
            'repository permission "Secrets: read and write" (the workflow\'s GITHUB_TOKEN cannot write secrets).');
    }
    const place = text ? c.attempt(() => parseSecretName(text)) : undefined;
    return { given: true, value: place && token ? { ...place, token } : undefined };
}
/** `NAME` or `environment/NAME`, with GitHub's rule for secret names. */
function parseSecretName(text) {
    const slash = text.lastIndexOf('/');
    const name = text.slice(slash + 1).trim();
    const environment = slash < 0 ? undefined : text.slice(0, slash).trim();
    if (environment === '')
        throw new InputError(INPUT.refreshTokenSecret, `'${text}' has an empty environment name.`);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || /^GITHUB_/i.test(name)) {
        throw new InputError(INPUT.refreshTokenSecret, `'${name}' is not a secret name: letters, digits and underscores, not starting with a digit or GITHUB_ ` +
            '(e.g. AAC_REFRESH_TOKEN, or production/AAC_REFRESH_TOKEN for an environment secret).');
    }
    return environment === undefined ? { name } : { name, environment };
}
/** The token endpoint: https (plain http only for loopback), `/token` appended unless the URL ends with it. */
function parseTokenEndpoint(text, input = INPUT.tokenEndpoint) {
    if (!URL.canParse(text)) {
        throw new InputError(input, `'${text}' is not a URL; expected e.g. https://pingauth.alteryxcloud.com/as/token.`);
    }
    const url = parseHttpUrl(input, text);
    return /\/token$/i.test(url) ? url : `${url}/token`;
}
function endpointFromClaims(claims) {
    try {
        return parseTokenEndpoint(claims.iss);
    }
    catch (error) {
        const why = error.message.replace(/^Input '[^']+': /, '');
        throw new InputError(INPUT.tokenEndpoint, `is not given, and the iss claim of api-token cannot be used: ${why}`);
    }
}
function parseClientId(text) {
    if (/\s/.test(text))
        throw new InputError(INPUT.clientId, 'contains white space; give the Client ID alone.');
    return rejectInvisible(INPUT.clientId, text);
}

;// CONCATENATED MODULE: ./src/inputs/inputs.ts
/**
 * Inputs: every action input parsed and validated, once, into one typed object before any request is sent.
 * Pure: `parseInputs` reads through a getter, so tests call it without a runner. Empty inputs take the defaults
 * of action.yml (generated into `action-defaults.ts`), as the runner does for inputs that are not given.
 */













const SCHEDULES = ['history', 'backoff', 'fixed'];
/** Every bad input found, reported together so one run shows them all. */
class InputErrors extends Error {
    errors;
    constructor(errors) {
        super(errors.map((e) => e.message).join('\n'));
        this.name = 'InputErrors';
        this.errors = errors;
    }
}
/** Collects input errors, so that one run reports them all. */
class Collector {
    errors = [];
    warnings = [];
    getter;
    constructor(getter) {
        this.getter = getter;
    }
    /** The input's text, trimmed; an empty input takes action.yml's default. */
    get(name) {
        return this.getter(name).trim() || INPUT_DEFAULTS[name] || '';
    }
    attempt(fn) {
        try {
            return fn();
        }
        catch (e) {
            if (!(e instanceof InputError))
                throw e;
            this.errors.push(e);
            return undefined;
        }
    }
    fail(input, message) {
        this.errors.push(new InputError(input, message));
    }
}
/** Parse and validate all inputs. Throws `InputErrors` listing every bad input. */
function parseInputs(get) {
    const c = new Collector(get);
    const apiUrl = c.attempt(() => v4ApiUrl(parseApiUrl(c.get(INPUT.apiUrl), c.warnings), c.warnings));
    const appUrlText = c.get(INPUT.appUrl);
    const signIn = parseSignIn(c);
    const dryRun = c.attempt(() => parseBoolean(INPUT.dryRun, c.get(INPUT.dryRun)));
    const run = parseRun(c, { dryRun: dryRun === true, refreshing: signIn?.mode === 'refresh-token' });
    const config = {
        apiUrl,
        apiToken: signIn?.mode === 'static' ? signIn.token : '',
        signIn,
        dryRun,
        ...run,
        ...parseQualityInputs(c, run.target, run.overrides),
        ...parseWaiting(c),
        failOnJobFailure: c.attempt(() => parseBoolean(INPUT.failOnJobFailure, c.get(INPUT.failOnJobFailure))),
        cancelOnTimeout: c.attempt(() => parseBoolean(INPUT.cancelOnTimeout, c.get(INPUT.cancelOnTimeout))),
        cancelOnWorkflowCancel: c.attempt(() => parseBoolean(INPUT.cancelOnWorkflowCancel, c.get(INPUT.cancelOnWorkflowCancel))),
        appUrl: c.attempt(() => (appUrlText ? parseHttpUrl(INPUT.appUrl, appUrlText) : apiUrl ? deriveAppUrl(apiUrl) : '')),
        appQuery: c.attempt(() => parseProjectId(c.get(INPUT.projectId))),
        logs: c.attempt(() => parseLogs(c.get(INPUT.logs))),
        logLines: c.attempt(() => parseLogLines(c.get(INPUT.logLines))),
        commentOnPr: c.attempt(() => parseBoolean(INPUT.commentOnPr, c.get(INPUT.commentOnPr))),
        githubToken: c.get(INPUT.githubToken),
        warnings: c.warnings
    };
    if (config.commentOnPr && !config.githubToken) {
        c.fail(INPUT.githubToken, 'is empty, but comment-on-pr is true: give a token with pull-requests write permission.');
    }
    if (config.queueTimeoutMs !== undefined && (config.target?.kind === 'flow' || config.target?.kind === 'plan')) {
        c.warnings.push('queue-timeout is ignored for flow and plan runs: their status does not tell queued from running.');
    }
    if (c.errors.length > 0)
        throw new InputErrors(c.errors);
    // Every value is defined: an undefined one would have recorded an error above.
    return config;
}
/** What to run: the target and its request options. */
function parseRun(c, dry) {
    const target = c.attempt(() => parseTarget(c, dry));
    const overridesText = c.get(INPUT.overrides);
    const runParametersText = c.get(INPUT.runParameters);
    const refuse = (why) => {
        if (overridesText)
            c.fail(INPUT.overrides, why);
        if (runParametersText)
            c.fail(INPUT.runParameters, why);
    };
    if (target?.kind === 'job')
        refuse('cannot be used with job-id (the job already runs); remove it or give recipe-id instead.');
    if (target?.kind === 'plan')
        refuse('cannot be used with plan-id: plans take no overrides here; remove it.');
    if (target?.kind === 'none')
        refuse('has nothing to apply to: a dry run without a run target only signs in.');
    const parse = target?.kind === 'flow' ? parseFlowOverrides : parseOverrides;
    return {
        target: target,
        overrides: c.attempt(() => (overridesText ? parse(overridesText, c.warnings) : undefined)),
        runParameters: c.attempt(() => parseRunParameters(runParametersText)) ?? []
    };
}
function parseWaiting(c) {
    const duration = (name) => c.attempt(() => parseDuration(name, c.get(name)));
    const pollIntervalMs = duration(INPUT.pollInterval);
    const maxPollIntervalMs = duration(INPUT.maxPollInterval);
    if (pollIntervalMs !== undefined && pollIntervalMs < 1000) {
        c.fail(INPUT.pollInterval, `must be at least 1s (got '${c.get(INPUT.pollInterval)}').`);
    }
    if (pollIntervalMs !== undefined && maxPollIntervalMs !== undefined && pollIntervalMs > maxPollIntervalMs) {
        const values = `(${format_formatMs(pollIntervalMs)}) must not be larger than max-poll-interval ` + `(${format_formatMs(maxPollIntervalMs)}).`;
        c.fail(INPUT.pollInterval, values);
    }
    return {
        wait: c.attempt(() => parseBoolean(INPUT.wait, c.get(INPUT.wait))),
        timeoutMs: duration(INPUT.timeout),
        pollIntervalMs: pollIntervalMs,
        maxPollIntervalMs: maxPollIntervalMs,
        requestTimeoutMs: duration(INPUT.requestTimeout),
        schedule: c.attempt(() => parseChoice(INPUT.schedule, c.get(INPUT.schedule), SCHEDULES)),
        queueTimeoutMs: c.get(INPUT.queueTimeout) ? duration(INPUT.queueTimeout) : undefined
    };
}
const TARGET_INPUTS = [INPUT.recipeId, INPUT.flowId, INPUT.planId, INPUT.jobId];
/** Exactly one of recipe-id, flow-id, plan-id and job-id (or, in a dry run, none); flow-recipes only with flow-id. */
function parseTarget(c, dry) {
    const given = TARGET_INPUTS.filter((name) => c.get(name));
    const flowRecipes = c.get(INPUT.flowRecipes);
    if (flowRecipes && !given.includes(INPUT.flowId))
        c.fail(INPUT.flowRecipes, "can only be used with flow-id (it selects which of the flow's outputs run).");
    if (given.length > 1) {
        const names = given.join(', ');
        throw new InputError(given[0], `give exactly one of ${TARGET_INPUTS.join(', ')} (got ${names}).`);
    }
    const id = (name) => parsePositiveInteger(name, c.get(name));
    switch (given[0]) {
        case INPUT.recipeId:
            return { kind: 'recipe', recipeId: id(INPUT.recipeId) };
        case INPUT.jobId:
            return { kind: 'job', jobId: id(INPUT.jobId) };
        case INPUT.flowId:
            return { kind: 'flow', flowId: id(INPUT.flowId), recipeIds: c.attempt(() => parseFlowRecipes(flowRecipes)) ?? [] };
        case INPUT.planId:
            return { kind: 'plan', planId: id(INPUT.planId) };
        default:
            if (dry.dryRun)
                return noRunTarget(dry);
            throw new InputError(INPUT.recipeId, 'is required (or give flow-id or plan-id to run a flow or a plan, ' +
                'or job-id to wait on a job group that already runs).');
    }
}

// EXTERNAL MODULE: ./src/shared/credentials.ts
var credentials = __nccwpck_require__(9065);
;// CONCATENATED MODULE: ./src/api/lists.ts
/**
 * The API's lists: the vendor's overview and the AAC spec wrap every list as `{data: […]}`, inside objects too;
 * some answers and older editions give a plain array. Both are read alike, at every level. Pure.
 */
/** The items of a list given as `[…]` or `{data: […]}`; [] for anything else. */
function listOf(value) {
    if (Array.isArray(value))
        return value;
    const data = field(value, 'data');
    return Array.isArray(data) ? data : [];
}
/** A field of a parsed JSON value, without trusting its shape (undefined where `value` is no object). */
function field(value, key) {
    return typeof value === 'object' && value !== null && !Array.isArray(value)
        ? value[key]
        : undefined;
}
/** An id from an answer: a positive safe integer, else undefined. */
function idOf(value) {
    return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}

;// CONCATENATED MODULE: ./src/api/job-outputs.ts
/**
 * What a job group wrote, read from `GET /v4/jobGroups/{id}/outputs` (the AAC spec's
 * LJobFilesAndTablesOutputListResponse): files `{uri, fileType, isPrimaryOutput}` and tables `{vendor,
 * databaseConnectString, relationalPath, table, action, query}`. Only readable entries are kept: a file by its uri
 * (a DIRECTORY marked as one), a table by the name its path and table make (`analytics.public.sales`), with its
 * vendor and action. A connection string, a query and any field not named here are never read, so they cannot
 * reach an output, the summary, the log or the state; credentials inside the kept text are removed. Pure.
 */


/** Longest uri or table name kept; longer server text is cut. */
const MAX_NAME = 1000;
const MAX_WORD = 100;
/** The readable entries of an outputs answer; lists enveloped or bare, entries without a name left out. */
function parseOutputs(answer) {
    return {
        files: listOf(field(answer, 'files')).flatMap((item) => {
            const file = fileOf(item);
            return file ? [file] : [];
        }),
        tables: listOf(field(answer, 'tables')).flatMap((item) => {
            const table = tableOf(item);
            return table ? [table] : [];
        })
    };
}
/** What several job groups wrote, together; undefined when none says. */
function mergeWritten(all) {
    const some = all.filter((w) => w !== undefined);
    if (some.length === 0)
        return undefined;
    return { files: some.flatMap((w) => w.files), tables: some.flatMap((w) => w.tables) };
}
function fileOf(item) {
    const uri = job_outputs_text(field(item, 'uri'), MAX_NAME);
    if (uri === undefined)
        return undefined;
    const file = { uri, kind: field(item, 'fileType') === 'DIRECTORY' ? 'directory' : 'file' };
    const primary = field(item, 'isPrimaryOutput');
    if (typeof primary === 'boolean')
        file.primary = primary;
    return file;
}
function tableOf(item) {
    const path = field(item, 'relationalPath');
    const parts = [...(typeof path === 'string' ? [path] : listOf(path)), field(item, 'table')];
    const words = parts.flatMap((part) => {
        const word = job_outputs_text(part, MAX_NAME);
        return word === undefined ? [] : [word];
    });
    const table = job_outputs_text(field(item, 'table'), MAX_NAME);
    if (table === undefined)
        return undefined;
    const entry = { name: cut(words.join('.'), MAX_NAME) };
    const vendor = job_outputs_text(field(item, 'vendor'), MAX_WORD);
    const action = job_outputs_text(field(item, 'action'), MAX_WORD);
    if (vendor !== undefined)
        entry.vendor = vendor;
    if (action !== undefined)
        entry.action = action;
    return entry;
}
/** A non-empty string without credentials, on one line, at most `max` characters; else undefined. */
function job_outputs_text(value, max) {
    if (typeof value !== 'string')
        return undefined;
    const clean = (0,credentials/* withoutCredentials */.r)(value).replace(/\s+/g, ' ').trim();
    return clean === '' ? undefined : cut(clean, max);
}
function cut(value, max) {
    return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

;// CONCATENATED MODULE: ./src/api/job-groups.ts





const TERMINAL_STATUSES = ['Complete', 'Failed', 'Canceled'];
const RUNNING_STATUSES = (/* unused pure expression or super */ null && (['Created', 'Pending', 'Queued', 'InProgress']));
/** An id from the server that may go into a URL, an output or a cancel: a safe positive integer. */
const isId = (value) => idOf(value) !== undefined;
const isTerminal = (status) => status !== undefined && TERMINAL_STATUSES.includes(status);
class JobGroupsApi {
    /** Set once `/status` answered 404 for an existing job group: a legacy edition, read the job group instead. */
    legacyStatus = false;
    /** Also what the flow and plan calls go through. */
    client;
    onNotice;
    constructor(client, onNotice) {
        this.client = client;
        this.onNotice = onNotice;
    }
    /** One attempt at `POST /v4/jobGroups`: whether and how to send it again is the start's decision. */
    run(body, executionId, deadline, signal) {
        const headers = { 'x-execution-id': executionId };
        const subject = { recipeId: body.wrangledDataset.id };
        return this.client.send('POST', '/v4/jobGroups', { body, headers, subject, signal, deadline, allow304: true });
    }
    /**
     * The job group's status, retried as the budget allows. An answer that cannot be read is retried, after one
     * look at the job group's own `status` field; a 404 is retried too while the job group is new (`newUntil`, epoch
     * ms), since a read replica may not know it yet. On a legacy edition without `/status`, the `status` field.
     */
    status(jobId, budget, newUntil = 0) {
        return this.client.retrying(`GET /v4/jobGroups/${jobId}/status`, budget, () => this.statusOnce(jobId, budget, newUntil));
    }
    async statusOnce(jobId, budget, newUntil) {
        const once = { subject: { jobId }, signal: budget.signal, deadline: budget.deadline };
        const fromRecord = async () => statusOf((await this.client.send('GET', `/v4/jobGroups/${jobId}`, once)).data, jobId);
        if (this.legacyStatus)
            return fromRecord();
        try {
            const { data } = await this.client.send('GET', `/v4/jobGroups/${jobId}/status`, once);
            return isStatus(data) ? data : await fromRecord();
        }
        catch (error) {
            // A 2xx whose body cannot be parsed (plain text, HTML): the status field of the record instead.
            if (error instanceof ApiError && isUnreadableAnswer(error))
                return fromRecord();
            if (!(error instanceof ApiError && error.status === 404))
                throw error;
            // The record exists where /status does not: a legacy edition. Neither found, right after creation: a lagging
            // read.
            const status = await fromRecord().catch((e) => {
                if (e instanceof ApiError && e.status === 404 && this.client.clock.now() < newUntil) {
                    throw new TransientError(`job group ${jobId} is not found yet (404 right after it was created)`);
                }
                throw e;
            });
            this.legacyStatus = true;
            this.onNotice(`GET /v4/jobGroups/${jobId}/status is not available on this edition (404); ` +
                `reading GET /v4/jobGroups/${jobId} for the status from now on.`);
            return status;
        }
    }
    get(jobId, budget) {
        return this.client.read(`/v4/jobGroups/${jobId}`, budget, { jobId });
    }
    async stages(jobId, budget) {
        const list = await this.client.read(`/v4/jobGroups/${jobId}/jobs`, budget, { jobId });
        return listOf(list).filter((stage) => typeof stage === 'object' && stage !== null);
    }
    /** What the job group wrote: readable entries only (job-outputs.ts), never a connection string. */
    async outputs(jobId, budget) {
        return parseOutputs(await this.client.read(`/v4/jobGroups/${jobId}/outputs`, budget, { jobId }));
    }
    /** `POST /v4/jobGroups/{id}/cancel`. */
    cancel(jobId, budget) {
        return cancelOutcome(() => this.client.postRetrying(`/v4/jobGroups/${jobId}/cancel`, {}, budget, { jobId }));
    }
    /**
     * A page of job groups from `GET /v4/jobLibrary` or the older `GET /v4/jobGroups`, and the server's clock when
     * it answered (its `Date` header, epoch ms), to compare creation times with this machine's clock.
     */
    async list(endpoint, query, budget) {
        const path = `${endpoint}?${new URLSearchParams(query).toString()}`;
        const response = await this.client.readResponse(path, budget);
        const serverNow = Date.parse(response.headers.date ?? '');
        const rows = listOf(response.data);
        const groups = rows.filter((g) => isId(g?.id));
        return { groups, rows: rows.length, serverNow: Number.isFinite(serverNow) ? serverNow : undefined };
    }
}
/**
 * A cancel call's outcome; a 404 means this edition cannot cancel through the API (it is not retried). `partial`
 * reads from the answer what could not be cancelled.
 */
async function cancelOutcome(call, partial) {
    try {
        const response = await call();
        const outcome = { kind: 'cancelled', requestId: response.requestId };
        const missed = partial?.(response.data);
        return missed ? { ...outcome, partial: missed } : outcome;
    }
    catch (error) {
        if (error instanceof ApiError && error.status === 404)
            return { kind: 'unsupported', requestId: error.requestId };
        return { kind: 'failed', error: error };
    }
}
/** Any non-empty string is a status (an unknown one is waited on, with a warning); anything else cannot be read. */
const isStatus = (value) => typeof value === 'string' && value.trim() !== '';
function statusOf(group, jobId) {
    if (isStatus(group?.status))
        return group.status;
    const seen = format_oneLine(JSON.stringify(group?.status) ?? 'nothing', 80);
    throw new TransientError(`neither GET /v4/jobGroups/${jobId}/status nor GET /v4/jobGroups/${jobId} gave a status (got ${seen})`);
}

;// CONCATENATED MODULE: ./src/report/run-parts.ts
/**
 * Runs of several job groups (a flow's outputs, a plan's tasks): their parts, the overall status, and how the
 * report names them. Pure.
 */


/**
 * The run's times for the report, each pair on one clock: the duration on the runner's (from the start's answer to
 * the end of the wait, `seenAt` to `endedAt`), since the server's may be hours off; the start and end as the server
 * recorded them when it gave both, else as this step saw them. Pure.
 */
function runTimes(details, attached, seenAt, endedAt) {
    const { createdAt, finishedAt } = details;
    const onServer = !attached && createdAt !== undefined && finishedAt !== undefined;
    return {
        startedAt: onServer ? createdAt : seenAt,
        finishedAt: onServer ? finishedAt : endedAt,
        durationMs: Math.max(0, endedAt - seenAt)
    };
}
/**
 * The overall status of the parts: while any part runs, `InProgress` (or the running status they share);
 * then `Complete` only if every part completed, `Failed` if any failed, else `Canceled`.
 */
function overallStatus(statuses) {
    const running = statuses.filter((s) => !isTerminal(s));
    if (running.length > 0)
        return running.every((s) => s === running[0]) ? running[0] : 'InProgress';
    if (statuses.includes('Failed'))
        return 'Failed';
    return statuses.includes('Canceled') ? 'Canceled' : 'Complete';
}
/** A job group as a part of a run. */
function partOf(group, task) {
    const recipe = group.wrangledDataset;
    const ms = Date.parse(group.updatedAt ?? '') - Date.parse(group.createdAt ?? '');
    return {
        task,
        name: typeof recipe?.name === 'string' ? recipe.name : undefined,
        recipeId: typeof recipe?.id === 'number' ? recipe.id : undefined,
        jobGroupId: group.id,
        status: group.status,
        durationMs: isTerminal(group.status) && Number.isFinite(ms) && ms >= 0 ? ms : undefined
    };
}
/** `output 'Sales'`, `recipe 71`: what a part runs, or '' when unknown. */
function partName(part) {
    return part.name ? `output '${part.name}'` : part.recipeId !== undefined ? `recipe ${part.recipeId}` : '';
}
/** `task 'Load', output 'Sales' (job 4100)`: a part, as messages name it. */
function describePart(part) {
    const words = [part.task !== undefined ? `task '${part.task}'` : '', partName(part)].filter(Boolean);
    const job = part.jobGroupId !== undefined ? `job ${part.jobGroupId}` : '';
    if (words.length === 0)
        return job;
    return `${words.join(', ')}${job ? ` (${job})` : ''}`;
}
/** `: output 'Sales' (job 4101)` — the parts that ended as the whole run did, for the failure message. */
function partsEndedAs(run, status) {
    const ended = run?.parts.filter((p) => p.status === status) ?? [];
    if (ended.length === 0)
        return '';
    const more = ended.length > 5 ? ` and ${ended.length - 5} more` : '';
    return `: ${ended.slice(0, 5).map(describePart).join('; ')}${more}`;
}
/** A flow's or plan's page in the app: `/flows/{id}` as the app shows flows; `/plans/{id}` by analogy. */
function pageUrl(links, what, id) {
    return results_inputs_appLink(links, `/${what}/${id}`);
}
/** `flow run 2001, job groups 4100, 4101`, `plan run 3001`: what a start created, for the log. */
function describeStart(started) {
    const ids = started.ref.jobGroupIds;
    const run = started.flowRunId
        ? `flow run ${started.flowRunId}`
        : started.planRunId
            ? `plan run ${started.planRunId}`
            : '';
    const groups = ids.length > 0 ? `job group${ids.length > 1 ? 's' : ''} ${listed(ids, 10)}` : '';
    return [run, groups].filter(Boolean).join(', ');
}
/** `a, b, c and 7 more`: at most `max` items named. Pure. */
function listed(items, max = 5) {
    return items.slice(0, max).join(', ') + (items.length > max ? ` and ${items.length - max} more` : '');
}

;// CONCATENATED MODULE: ./src/report/report.ts
/**
 * The report: what is known about the run's ending, gathered by `run.ts` and told by `publish.ts` (outputs) and
 * `summary.ts` (the step summary). The functions here are pure.
 */





/** Stages kept for the summary and the `jobs` output; a run with more is cut, with a note. */
const report_MAX_STAGES = 200;
/** Files and tables kept for the `written` output, of each. */
const MAX_WRITTEN = 500;
function boundedWritten(written) {
    return { files: written.files.slice(0, MAX_WRITTEN), tables: written.tables.slice(0, MAX_WRITTEN) };
}
/** An empty report for the configured run. */
function newReport(config) {
    return {
        ending: 'error',
        recipeId: config.target.kind === 'recipe' ? config.target.recipeId : undefined,
        attached: false,
        adopted: false,
        requestId: '',
        engine: typeof config.overrides?.execution === 'string' ? config.overrides.execution : undefined,
        runParameters: config.runParameters,
        stages: [],
        notes: [],
        runUrl: workflowRunUrl(),
        composite: compositeOf(config)
    };
}
/** A flow's or plan's parts as the final reads found them; the first job group becomes job-id if none was known. */
function addParts(report, details, links) {
    const { composite } = report;
    if (!composite || !details.parts)
        return;
    Object.assign(composite, { parts: details.parts, startedAt: details.createdAt, finishedAt: details.finishedAt });
    const ids = details.parts.flatMap((p) => (p.jobGroupId === undefined ? [] : [p.jobGroupId]));
    if (ids.length === 0)
        return;
    report.jobGroupIds = ids;
    report.jobId ??= ids[0];
    report.jobUrl ??= appLink(links, `/jobs/${report.jobId}`);
}
/** For a flow or plan: its subject and page, before anything runs. */
function compositeOf(config) {
    const { target, appUrl, appQuery } = config;
    if (target.kind !== 'flow' && target.kind !== 'plan')
        return undefined;
    const url = target.kind === 'flow' ? pageUrl(config, 'flows', target.flowId) : pageUrl(config, 'plans', target.planId);
    return { subject: targetLabel(target), url, jobsUrl: `${appUrl}/jobs`, linkQuery: appQuery, parts: [] };
}
/** What messages call the run: `flow 7`, `plan 5`, or `job 4100`. Pure. */
function subjectOf(report) {
    return report.composite?.subject ?? `job ${report.jobId}`;
}
/** The link messages give: the flow's or plan's page, else the job's. */
function linkOf(report) {
    return report.composite?.url ?? report.jobUrl;
}
/** Whether the summary lists what was written per job group (a flow's or plan's), not all together. Pure. */
function writtenPerJobGroup(report) {
    return report.composite !== undefined && (report.jobGroups?.length ?? 0) > 0;
}
/** `Job 4100`, `Flow 7`: a subject at the start of a sentence. */
const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);
function endingOf(status) {
    return status === 'Complete' ? 'complete' : status === 'Failed' ? 'failed' : 'canceled';
}
function workflowRunUrl() {
    const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_RUN_ID: runId, GITHUB_RUN_ATTEMPT: attempt } = process.env;
    if (!server || !repo || !runId)
        return undefined;
    return `${server}/${repo}/actions/runs/${runId}${attempt && attempt !== '1' ? `/attempts/${attempt}` : ''}`;
}
/** The action's outputs for a report. Pure. */
function reportOutputs(report) {
    return {
        [OUTPUT.jobId]: report.jobId === undefined ? '' : String(report.jobId),
        [OUTPUT.status]: report.status ?? '',
        [OUTPUT.requestId]: report.requestId,
        [OUTPUT.jobUrl]: report.jobUrl ?? '',
        [OUTPUT.durationSeconds]: report.durationMs === undefined ? '' : String(Math.round(report.durationMs / 1000)),
        [OUTPUT.jobs]: JSON.stringify(report.stages.map((s) => ({ id: s.id, type: s.jobType, status: s.status }))),
        [OUTPUT.written]: report.written ? JSON.stringify(boundedWritten(report.written)) : '',
        [OUTPUT.quality]: report.quality?.verdict.status ?? 'not-checked',
        [OUTPUT.jobIds]: JSON.stringify(report.jobGroupIds ?? (report.jobId === undefined ? [] : [report.jobId])),
        [OUTPUT.flowRunId]: String(report.composite?.flowRunId ?? ''),
        [OUTPUT.planRunId]: String(report.composite?.planRunId ?? '')
    };
}
/** `Job 4100: InProgress after 1m20s (wrangle InProgress, filewriter Pending)`; a subject for flows and plans. Pure. */
function progressLine(jobId, status, elapsedMs, stages = []) {
    const detail = stages.length > 0 ? ` (${stages.map((s) => `${s.jobType} ${s.status}`).join(', ')})` : '';
    const who = typeof jobId === 'number' ? `Job ${jobId}` : capitalised(jobId);
    return `${who}: ${status} after ${formatMs(elapsedMs)}${detail}`;
}

;// CONCATENATED MODULE: ./src/report/summary.ts
/**
 * The step summary: Markdown with HTML tables, rendered purely from the report. Everything that came from the
 * server is escaped (and cut when long) before it is written, and every secret is removed.
 */




const MAX_CELL = 300;
const summary_MAX_WRITTEN = 50;
const MAX_PARTS = 50;
/** Server text made safe for the summary's Markdown and HTML: escaped, on one line, cut to `max` characters. */
function escapeText(text, max = MAX_CELL) {
    return format_oneLine((0,secrets/* redact */.E$)(text), max).replace(/[&<>"'`|*_[\]\\#~!()$]/g, (c) => `&#${c.charCodeAt(0)};`);
}
function escapeAttr(url) {
    return (0,secrets/* redact */.E$)(url).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
const HEADLINE = {
    complete: '✅ completed',
    failed: '❌ failed',
    canceled: '🚫 was canceled',
    timeout: '⏱️ timed out',
    'workflow-cancelled': '🛑 stopped: the workflow was cancelled',
    'not-waited': '▶️ is running (not waited for)',
    'lost-contact': '⚠️ lost contact with the API',
    'unknown-start': '⚠️ may have started: its start could not be confirmed',
    error: '⚠️ could not be run'
};
/** The step summary, as Markdown with HTML tables; `sections` (Markdown lines) follow the details. Pure. */
function renderSummary(report, sections = []) {
    const lines = [];
    const subject = report.composite
        ? capitalised(report.composite.subject)
        : report.jobId !== undefined
            ? `Job ${report.jobId}`
            : report.recipeId !== undefined
                ? `Recipe ${report.recipeId}`
                : 'Job';
    const gate = report.quality?.verdict.status === 'failed' ? ' · ❌ the data failed its quality gate' : '';
    lines.push(`### ${subject} ${HEADLINE[report.ending]}${gate}`, '');
    if (report.error)
        lines.push(`<p>${escapeText(report.error, 2000)}</p>`, '');
    for (const note of report.notes)
        lines.push(`<p>${escapeText(note, 1000)}</p>`, '');
    lines.push(detailsTable(report), '', ...sections);
    if (report.composite?.parts.length)
        lines.push(...partsSection(report.composite));
    if (report.stages.length > 0)
        lines.push('#### Stages', '', stagesTable(report.stages), '');
    if (report.stagesOmitted)
        lines.push(`<p>… and ${report.stagesOmitted} more stages, not shown.</p>`, '');
    const written = report.written && !writtenPerJobGroup(report) ? writtenList(report.written) : '';
    if (written)
        lines.push('#### Written', '', written, '');
    return lines.join('\n');
}
function detailsTable(report) {
    const rows = [];
    if (report.jobId !== undefined) {
        const id = escapeText(String(report.jobId), 30);
        rows.push(['Job', report.jobUrl ? `<a href="${escapeAttr(report.jobUrl)}">${id}</a>` : id]);
    }
    if (report.recipeId !== undefined)
        rows.push(['Recipe', escapeText(String(report.recipeId), 30)]);
    if (report.composite)
        rows.push(...compositeRows(report.composite));
    if (report.status)
        rows.push(['Status', `<b>${escapeText(report.status, 60)}</b>`]);
    if (report.durationMs !== undefined)
        rows.push(['Duration', format_formatMs(report.durationMs)]);
    if (report.engine)
        rows.push(['Engine', escapeText(report.engine, 60)]);
    if (report.runParameters.length > 0) {
        rows.push([
            'Run parameters',
            report.runParameters
                .map((p) => `<code>${escapeText(p.key, 100)}</code> = ${escapeText(p.value, 200)}`)
                .join('<br>')
        ]);
    }
    if (report.attached)
        rows.push(['Started by', 'another run (attached with job-id)']);
    if (report.adopted)
        rows.push(['Started by', 'this step (found in the job history after the trigger answer was lost)']);
    if (report.requestId)
        rows.push(['Request id', `<code>${escapeText(report.requestId, 100)}</code>`]);
    if (report.runUrl)
        rows.push(['Workflow run', `<a href="${escapeAttr(report.runUrl)}">${escapeText(report.runUrl, 200)}</a>`]);
    return `<table>\n${rows.map(([k, v]) => `<tr><th align="left">${k}</th><td>${v}</td></tr>`).join('\n')}\n</table>`;
}
function compositeRows(run) {
    const rows = [];
    if (run.flowRunId !== undefined)
        rows.push(['Flow run', String(run.flowRunId)]);
    if (run.planRunId !== undefined)
        rows.push(['Plan run', String(run.planRunId)]);
    for (const [name, ms] of [
        ['Started', run.startedAt],
        ['Finished', run.finishedAt]
    ])
        if (ms !== undefined)
            rows.push([name, new Date(ms).toISOString()]);
    return rows;
}
/** One row per job group (a plan's under their tasks), at most `MAX_PARTS` of them. */
function partsSection(run) {
    const tasks = run.parts.some((p) => p.task !== undefined);
    const head = `<tr>${tasks ? '<th>Task</th>' : ''}<th>Output</th><th>Job</th><th>Status</th><th>Duration</th></tr>`;
    const rows = run.parts.slice(0, MAX_PARTS).map((p) => {
        const id = p.jobGroupId;
        const cells = [
            ...(tasks ? [escapeText(p.task ?? '', 100)] : []),
            escapeText(p.name ?? (p.recipeId === undefined ? '' : `recipe ${p.recipeId}`), 200),
            id === undefined ? '' : `<a href="${escapeAttr(`${run.jobsUrl}/${id}${run.linkQuery ?? ''}`)}">${id}</a>`,
            escapeText(p.status ?? (id === undefined ? 'not started' : ''), 60),
            p.durationMs === undefined ? '' : format_formatMs(p.durationMs)
        ];
        return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    });
    const more = run.parts.length - MAX_PARTS;
    if (more > 0)
        rows.push(`<tr><td colspan="${tasks ? 5 : 4}">… and ${more} more (see the job-ids output)</td></tr>`);
    const table = `<table>\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
    return [`#### ${tasks ? 'Tasks' : 'Job groups'}`, '', table, ''];
}
function stagesTable(stages) {
    const head = '<tr><th>Stage</th><th>Type</th><th>Status</th><th>Duration</th><th>Error</th></tr>';
    const rows = stages.map((s) => {
        const cells = [
            escapeText(String(s.id), 30),
            escapeText(String(s.jobType ?? ''), 60),
            escapeText(String(s.status ?? ''), 60),
            stageDuration(s),
            escapeText(summary_errorText(s.errorMessage))
        ];
        return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
    });
    return `<table>\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}
function stageDuration(stage) {
    if (!['Complete', 'Failed', 'Canceled'].includes(stage.status))
        return '';
    const ms = Date.parse(stage.updatedAt ?? '') - Date.parse(stage.createdAt ?? '');
    return Number.isFinite(ms) && ms >= 0 ? format_formatMs(ms) : '';
}
/** Fields of a stage's `errorMessage` object that carry its text, in the order they are looked for. */
const ERROR_TEXT_FIELDS = ['message', 'errorMessage', 'details', 'description', 'reason', 'error'];
/**
 * A stage's `errorMessage`: a string, or an object (the AAC spec's type) carrying one; an object without a text
 * field is told by its plain fields, `code: E42`, never as raw JSON.
 */
function summary_errorText(value) {
    if (value === undefined || value === null || value === '')
        return '';
    if (typeof value !== 'object')
        return String(value);
    const o = value;
    const text = ERROR_TEXT_FIELDS.map((key) => o[key]).find((v) => typeof v === 'string' && v.trim() !== '');
    if (typeof text === 'string')
        return text;
    const plain = Object.entries(o).filter(([, v]) => typeof v === 'string' || typeof v === 'number');
    if (plain.length === 0)
        return 'an error without a message';
    return plain
        .slice(0, 5)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join(', ');
}
/** The files and tables written, at most `MAX_WRITTEN` of them (the `written` output has them all). */
function writtenList(written) {
    const items = [
        ...written.files.map((f) => `${f.kind === 'directory' ? 'folder' : 'file'} <code>${escapeText(f.uri, 300)}</code>`),
        ...written.tables.map((t) => {
            const how = [t.vendor, t.action].filter((w) => w !== undefined).join(', ');
            return `table <code>${escapeText(t.name, 300)}</code>${how ? ` (${escapeText(how, 120)})` : ''}`;
        })
    ];
    if (items.length === 0)
        return '';
    const shown = items.slice(0, summary_MAX_WRITTEN).map((i) => `<li>${i}</li>`);
    if (items.length > summary_MAX_WRITTEN)
        shown.push(`<li>… and ${items.length - summary_MAX_WRITTEN} more (see the <code>written</code> output)</li>`);
    return `<ul>\n${shown.join('\n')}\n</ul>`;
}
/** The summary of a step whose inputs are invalid: what is wrong with each, and that nothing was sent. Pure. */
function renderInputErrors(errors) {
    const rows = errors.map((e) => `<tr><td><code>${escapeText(e.input, 60)}</code></td><td>${escapeText(e.message, 500)}</td></tr>`);
    return [
        `### ⚠️ Invalid input${errors.length === 1 ? '' : 's'}: nothing was sent`,
        '',
        `<table>\n<thead><tr><th>Input</th><th>Problem</th></tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
        ''
    ].join('\n');
}
/** Appends `markdown` to the step summary, when the runner gives one. */
async function appendSummary(markdown) {
    if (process.env.GITHUB_STEP_SUMMARY)
        await lib_core/* summary */.z.addRaw(fitSummary(markdown), true).write();
}
/** GitHub refuses a step summary over 1 MiB; this leaves room for what other steps write. */
const MAX_SUMMARY_BYTES = 512 * 1024;
/** The summary within `max` bytes: cut at a line end, with a note. Pure. */
function fitSummary(markdown, max = MAX_SUMMARY_BYTES) {
    if (Buffer.byteLength(markdown, 'utf8') <= max)
        return markdown;
    const note = "\n\n<p>… the rest of this summary was cut to keep it within GitHub's size limit.</p>\n";
    let cut = markdown.slice(0, max - note.length * 2);
    while (Buffer.byteLength(cut, 'utf8') > max - note.length * 2)
        cut = cut.slice(0, Math.floor(cut.length * 0.9));
    const end = cut.lastIndexOf('\n');
    return `${end > 0 ? cut.slice(0, end) : cut}${note}`;
}
/** The summary appended to the step summary file (when the runner gives one); returns it. */
async function writeSummary(report, sections = []) {
    const markdown = fitSummary(renderSummary(report, sections));
    await appendSummary(markdown);
    return markdown;
}

;// CONCATENATED MODULE: ./src/quality/profile.ts
/**
 * A job group's profile read into figures: per output the row count, per column how many values are valid,
 * missing (empty) and mismatched, and the results of the data-quality rules. The answer is server text: every
 * count is checked (a count that is no finite, non-negative number is unreadable, never guessed), names are cut
 * to one line, and the work is bounded however wide the table. Pure.
 *
 * Shapes (PROFILE-AND-RESULTS.md, S1 `LJobGroupFlowNodeProfile`, S5): `profilerTypeCheckHistograms` column →
 * `[{key: VALID|EMPTY|INVALID, count}]`; `profilerRules` column → `[{description, status, passCount, failCount}]`;
 * `/profileResults` is a map of output key → one such profile.
 */

/** Columns read of one output, at most; a wider table is read this far, and says so. */
const MAX_COLUMNS = 5_000;
/** Rules read of one output, at most. */
const MAX_RULES = 1_000;
/** Outputs read of one job group, at most. */
const MAX_OUTPUTS = 50;
/** Names (columns, rules, output keys) are cut to this many characters. */
const profile_MAX_NAME = 120;
const isObject = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A count as the server sent it: a whole, non-negative number (a safe integer), else undefined. */
function countOf(value) {
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
/** A name from the server, on one line and cut. */
const nameOf = (value) => oneLine(typeof value === 'string' ? value : String(value), profile_MAX_NAME);
/** Whether a value looks like one output's profile rather than a map of them. */
function isOutputProfile(value) {
    return isObject(value) && ('profilerTypeCheckHistograms' in value || 'profilerRules' in value);
}
/**
 * The outputs of an answer of /profileResults (a map of profiles) or /profile (one profile). Entries that are no
 * profile are skipped; at most `MAX_OUTPUTS`.
 */
function readProfileAnswer(answer) {
    if (isOutputProfile(answer))
        return [readOutputProfile('', answer)];
    if (!isObject(answer))
        return [];
    return Object.entries(answer)
        .filter(([, value]) => isOutputProfile(value))
        .slice(0, MAX_OUTPUTS)
        .map(([key, value]) => readOutputProfile(nameOf(key), value));
}
/** One output's profile. */
function readOutputProfile(key, value) {
    const profile = isObject(value) ? value : {};
    const histograms = isObject(profile.profilerTypeCheckHistograms) ? profile.profilerTypeCheckHistograms : {};
    const types = isObject(profile.columnTypes) ? profile.columnTypes : {};
    const names = Object.keys(histograms);
    const columns = [];
    const unreadable = [];
    for (const name of names.slice(0, MAX_COLUMNS)) {
        const figures = columnFigures(nameOf(name), histograms[name], types[name]);
        if ('unreadable' in figures)
            unreadable.push(figures);
        else
            columns.push(figures);
    }
    const { rules, omitted } = readRules(profile.profilerRules);
    const totals = columns.map((c) => c.total);
    return {
        key,
        rows: totals.length > 0 ? Math.max(...totals) : undefined,
        columns,
        unreadable,
        rules,
        columnsOmitted: Math.max(0, names.length - MAX_COLUMNS),
        rulesOmitted: omitted
    };
}
const KEYS = { VALID: 'valid', EMPTY: 'missing', INVALID: 'mismatched' };
function columnFigures(name, histogram, types) {
    if (!Array.isArray(histogram))
        return { name, unreadable: true };
    const sums = { valid: 0, missing: 0, mismatched: 0 };
    let seen = 0;
    for (const entry of histogram.slice(0, 10)) {
        const field = isObject(entry) && typeof entry.key === 'string' ? KEYS[entry.key] : undefined;
        if (field === undefined)
            continue;
        const count = countOf(entry.count);
        if (count === undefined)
            return { name, unreadable: true };
        sums[field] += count;
        seen += 1;
    }
    const total = sums.valid + sums.missing + sums.mismatched;
    if (seen === 0 || !Number.isSafeInteger(total))
        return { name, unreadable: true };
    const type = Array.isArray(types) && typeof types[0] === 'string' ? nameOf(types[0]) : undefined;
    return { name, ...(type !== undefined && { type }), ...sums, total };
}
function readRules(value) {
    const rules = [];
    let omitted = 0;
    if (!isObject(value))
        return { rules, omitted };
    for (const [column, list] of Object.entries(value)) {
        for (const rule of Array.isArray(list) ? list : []) {
            if (!isObject(rule))
                continue;
            if (rules.length >= MAX_RULES) {
                omitted += 1;
                continue;
            }
            rules.push(ruleFigures(nameOf(column), rule));
        }
    }
    return { rules, omitted };
}
function ruleFigures(column, rule) {
    const status = rule.status === 'pass' || rule.status === 'fail' ? rule.status : 'invalid';
    const described = [rule.description, rule.comment, rule.type].find((v) => typeof v === 'string' && v.trim());
    const passCount = countOf(rule.passCount);
    const failCount = countOf(rule.failCount);
    return {
        column,
        description: described === undefined ? `rule ${nameOf(rule.id ?? '?')}` : nameOf(described),
        status,
        ...(passCount !== undefined && { passCount }),
        ...(failCount !== undefined && { failCount })
    };
}
/** A share of a count, 0 when there is nothing to share. */
const profile_shareOf = (count, total) => (total > 0 ? count / total : 0);
/** `4.2%`, `0.05%`, `<0.01%`: a share for people. */
function profile_percent(share) {
    if (share === 0)
        return '0%';
    const p = share * 100;
    if (p < 0.01)
        return '<0.01%';
    return `${p.toFixed(p >= 10 ? 1 : 2)}%`.replace(/\.?0+%$/, '%');
}

;// CONCATENATED MODULE: ./src/quality/compare.ts
/**
 * A profile against its baseline's: per output the rows now and before, the columns whose mismatched or missing
 * share moved most, and the rules whose status changed. Bounded (the worst `MAX_MOVED` columns, the first
 * `MAX_RULE_CHANGES` rules, with counts of the rest). Pure.
 */

const compare_MAX_MOVED = 20;
const MAX_RULE_CHANGES = 20;
/**
 * The outputs of both sides paired: by key, or the only output of each side with the other's only output (a
 * recipe's run has one, whatever its key).
 */
function compareProfiles(now, before) {
    if (now.length === 1 && before.length === 1)
        return [compareOutput(now[0], before[0])];
    const byKey = new Map(before.map((o) => [o.key, o]));
    return now.flatMap((output) => {
        const old = byKey.get(output.key);
        return old ? [compareOutput(output, old)] : [];
    });
}
function compareOutput(now, before) {
    const old = new Map(before.columns.map((c) => [c.name, c]));
    const current = new Set(now.columns.map((c) => c.name));
    const moved = [];
    for (const column of now.columns) {
        const was = old.get(column.name);
        if (!was)
            continue;
        for (const measure of ['mismatched', 'missing']) {
            const shares = { before: share(was, measure), now: share(column, measure) };
            if (shares.now !== shares.before)
                moved.push({ name: column.name, measure, ...shares });
        }
    }
    moved.sort((a, b) => Math.abs(b.now - b.before) - Math.abs(a.now - a.before) || a.name.localeCompare(b.name));
    const changes = ruleChanges(now, before);
    return {
        key: now.key,
        rowsNow: now.rows,
        rowsBefore: before.rows,
        moved: moved.slice(0, compare_MAX_MOVED),
        movedOmitted: Math.max(0, moved.length - compare_MAX_MOVED),
        ruleChanges: changes.slice(0, MAX_RULE_CHANGES),
        ruleChangesOmitted: Math.max(0, changes.length - MAX_RULE_CHANGES),
        added: now.columns.filter((c) => !old.has(c.name)).length,
        removed: before.columns.filter((c) => !current.has(c.name)).length
    };
}
const share = (column, measure) => shareOf(column[measure], column.total);
/** Rules matched by column and description; one only on one side reads as `absent` on the other. */
function ruleChanges(now, before) {
    const id = (r) => JSON.stringify([r.column, r.description]);
    const old = new Map(before.rules.map((r) => [id(r), r.status]));
    const changes = [];
    const seen = new Set();
    for (const rule of now.rules) {
        seen.add(id(rule));
        const was = old.get(id(rule)) ?? 'absent';
        if (was !== rule.status)
            changes.push({ column: rule.column, description: rule.description, before: was, now: rule.status });
    }
    for (const rule of before.rules) {
        if (!seen.has(id(rule)))
            changes.push({ column: rule.column, description: rule.description, before: rule.status, now: 'absent' });
    }
    return changes;
}
/** The change of rows, as a count and (when there were rows before) a share; undefined when either is unknown. */
function compare_rowChange(now, before) {
    if (now === undefined || before === undefined)
        return undefined;
    const delta = now - before;
    return before > 0 ? { delta, share: delta / before } : { delta };
}

;// CONCATENATED MODULE: ./src/quality/verdict.ts
/**
 * The gate's verdict on the data: every check of the `quality-gate` against every output of every job group, and
 * every check that fails, named (the output, the column, the figure and the limit). Nothing is guessed: a job
 * group without a profile, a column whose counts cannot be read, or a missing baseline fails the checks that need
 * them. Pure.
 */



/** Why a verdict without a gate is `not-checked`. */
const NO_GATE = 'no quality-gate was given';
/** `job 4100, column email: 60 missing (6%), more than missing: 5%`: one failure on one line. Pure. */
function verdict_describeFailure(f) {
    return `${f.output}${f.column !== undefined ? `, column '${f.column}'` : ''}: ${f.figure}; ${f.check}: ${f.limit}`;
}
/** The verdict of `gate` on the job groups' data; `completed` false (the run did not complete): not checked. */
function judge(gate, jobs, completed) {
    if (!gate)
        return { status: 'not-checked', failures: [], why: NO_GATE };
    if (!completed)
        return { status: 'not-checked', failures: [], why: 'the run did not complete' };
    const failures = [];
    if (jobs.length === 0)
        failures.push({ output: 'the run', check: 'profile', figure: 'no job group', limit: 'nothing to check' });
    const seenColumns = new Set();
    for (const job of jobs) {
        if (job.profile.kind !== 'profiled') {
            failures.push({ output: job.label, check: 'profile', figure: 'no profile', limit: job.profile.why });
            continue;
        }
        const { outputs } = job.profile;
        if (outputs.length === 0)
            failures.push({ output: job.label, check: 'profile', figure: 'no output', limit: 'the profile holds no output' });
        for (const output of outputs) {
            const label = outputLabel(job, output, outputs.length);
            for (const c of output.columns)
                seenColumns.add(c.name);
            for (const c of output.unreadable)
                seenColumns.add(c.name);
            failures.push(...outputFailures(gate, label, output), ...rowChangeFailures(gate, label, job, output));
        }
    }
    for (const name of gate.columns.keys()) {
        if (!seenColumns.has(name) && jobs.some((j) => j.profile.kind === 'profiled'))
            failures.push({
                output: 'the profile',
                column: name,
                check: `columns`,
                figure: 'no such column',
                limit: 'named in the gate'
            });
    }
    return { status: failures.length > 0 ? 'failed' : 'passed', failures };
}
function outputFailures(gate, output, profile) {
    const failures = [];
    for (const column of profile.columns)
        failures.push(...columnFailures(gate, output, column));
    for (const column of profile.unreadable) {
        const limits = limitsFor(gate, column.name);
        if (limits.mismatched || limits.missing) {
            const check = limits.mismatched ? 'mismatched' : 'missing';
            failures.push({
                output,
                column: column.name,
                check,
                figure: 'counts unreadable',
                limit: 'the profile gave no valid counts'
            });
        }
    }
    if (gate.rules) {
        for (const rule of profile.rules.filter((r) => r.status !== 'pass')) {
            const counts = rule.failCount !== undefined && rule.passCount !== undefined
                ? ` (${rule.failCount} of ${rule.failCount + rule.passCount} rows fail)`
                : '';
            const figure = `rule '${rule.description}' is ${rule.status}${counts}`;
            failures.push({ output, column: rule.column, check: 'rules', figure, limit: 'pass' });
        }
        if (profile.rulesOmitted > 0)
            failures.push({
                output,
                check: 'rules',
                figure: `${profile.rulesOmitted} rules not read`,
                limit: 'too many to check'
            });
    }
    if (gate.minRows !== undefined) {
        const rows = profile.rows;
        if (rows === undefined)
            failures.push({ output, check: 'min-rows', figure: 'row count unreadable', limit: String(gate.minRows) });
        else if (rows < gate.minRows)
            failures.push({ output, check: 'min-rows', figure: `${rows} rows`, limit: String(gate.minRows) });
    }
    if (profile.columnsOmitted > 0 && (gate.mismatched || gate.missing))
        failures.push({
            output,
            check: 'columns',
            figure: `${profile.columnsOmitted} columns not read`,
            limit: 'too many to check'
        });
    return failures;
}
/** The column's own limits, each replacing the general one of its measure. */
function limitsFor(gate, column) {
    const own = gate.columns.get(column);
    return { mismatched: own?.mismatched ?? gate.mismatched, missing: own?.missing ?? gate.missing };
}
function columnFailures(gate, output, column) {
    const limits = limitsFor(gate, column.name);
    const failures = [];
    for (const measure of ['mismatched', 'missing']) {
        const limit = limits[measure];
        if (!limit || !exceeds(column[measure], column.total, limit))
            continue;
        const share = column.total > 0 ? ` (${percent(column[measure] / column.total)})` : '';
        failures.push({
            output,
            column: column.name,
            check: measure,
            figure: `${column[measure]} ${measure}${share}`,
            limit: limit.text
        });
    }
    return failures;
}
/** Whether `count` of `total` is over the limit: a share compared exactly in percent, a count as it is. */
function exceeds(count, total, limit) {
    if (limit.kind === 'count')
        return count > limit.count;
    return count * 100 > limit.percent * total * (1 + 1e-12);
}
function rowChangeFailures(gate, output, job, profile) {
    const limit = gate.maxRowChange;
    if (!limit)
        return [];
    const check = 'max-row-change';
    const baseline = job.baseline;
    if (!baseline || baseline.kind === 'missing')
        return [{ output, check, figure: 'no baseline', limit: baseline?.why ?? 'no baseline was asked for' }];
    if (baseline.profile.kind !== 'profiled')
        return [
            { output, check, figure: `baseline job ${baseline.jobGroupId} has no profile`, limit: baseline.profile.why }
        ];
    const pair = job.comparisons.find((c) => c.key === profile.key);
    const change = rowChange(pair?.rowsNow, pair?.rowsBefore);
    if (!pair || !change)
        return [{ output, check, figure: 'rows not comparable', limit: `no matching output in job ${baseline.jobGroupId}` }];
    const before = pair.rowsBefore;
    if (!exceeds(Math.abs(change.delta), before, limit))
        return [];
    const by = change.share === undefined ? '' : ` (${change.delta < 0 ? '-' : '+'}${percent(Math.abs(change.share))})`;
    const figure = `rows ${before} → ${pair.rowsNow} against job ${baseline.jobGroupId}, a change of ${change.delta}${by}`;
    return [{ output, check, figure, limit: limit.text }];
}

;// CONCATENATED MODULE: ./src/quality/figures.ts
/**
 * The data's figures as JSON for a workflow to read (the `quality` field of the `result` output): the verdict with
 * every failing check,
 * and per job group and output the rows, the worst columns, the rules and the comparison with the baseline.
 * Bounded like the summary. Pure.
 */



const MAX_LISTED = 20;
const MAX_FAILURES = 100;
/** Outputs of one job group listed, at most. */
const MAX_OUTPUTS_LISTED = 10;
const round = (share) => Math.round(share * 1e6) / 1e6;
function outputFigures(output) {
    const dirty = output.columns
        .filter((c) => c.mismatched > 0 || c.missing > 0)
        .map((c) => ({
        name: c.name,
        mismatched: c.mismatched,
        mismatchedShare: round(shareOf(c.mismatched, c.total)),
        missing: c.missing,
        missingShare: round(shareOf(c.missing, c.total))
    }))
        .sort((a, b) => Math.max(b.mismatchedShare, b.missingShare) - Math.max(a.mismatchedShare, a.missingShare));
    return {
        key: output.key,
        rows: output.rows ?? null,
        columnCount: output.columns.length + output.unreadable.length + output.columnsOmitted,
        worstColumns: dirty.slice(0, MAX_LISTED),
        moreColumns: Math.max(0, dirty.length - MAX_LISTED),
        rules: output.rules.slice(0, MAX_LISTED).map((r) => ({
            column: r.column,
            rule: r.description,
            status: r.status,
            passCount: r.passCount ?? null,
            failCount: r.failCount ?? null
        })),
        moreRules: Math.max(0, output.rules.length - MAX_LISTED) + output.rulesOmitted
    };
}
function jobFigures(job) {
    const profile = job.profile.kind === 'profiled'
        ? {
            outputs: job.profile.outputs.slice(0, MAX_OUTPUTS_LISTED).map(outputFigures),
            moreOutputs: Math.max(0, job.profile.outputs.length - MAX_OUTPUTS_LISTED)
        }
        : { outputs: [], none: job.profile.why };
    const b = job.baseline;
    const baseline = b === undefined
        ? undefined
        : b.kind === 'missing'
            ? { jobId: null, none: b.why }
            : {
                jobId: b.jobGroupId,
                ...(b.profile.kind !== 'profiled' && { none: b.profile.why }),
                outputs: job.comparisons.slice(0, MAX_OUTPUTS_LISTED).map((c) => ({
                    key: c.key,
                    rowsNow: c.rowsNow ?? null,
                    rowsBefore: c.rowsBefore ?? null,
                    rowChange: rowChange(c.rowsNow, c.rowsBefore)?.delta ?? null,
                    moved: c.moved.slice(0, MAX_MOVED).map((m) => ({ ...m, before: round(m.before), now: round(m.now) })),
                    ruleChanges: c.ruleChanges
                }))
            };
    return { jobId: job.jobGroupId, label: job.label, ...profile, ...(baseline && { baseline }) };
}
/** The `quality` field of the `result` output. */
function figures_qualityFigures(quality) {
    const { verdict } = quality;
    return {
        quality: verdict.status,
        failures: verdict.failures.slice(0, MAX_FAILURES).map(describeFailure),
        moreFailures: Math.max(0, verdict.failures.length - MAX_FAILURES),
        jobs: quality.jobs.map(jobFigures)
    };
}

;// CONCATENATED MODULE: ./src/report/result.ts




/** Raised only if a field ever had to change its meaning; adding fields keeps it. */
const RESULT_VERSION = 1;
/** A stage's error text is cut to this many characters (the report folder's stages.json has it whole). */
const RESULT_ERROR_CHARS = 2000;
/** The result of a run. Pure. */
function buildResult(report, context) {
    const { target } = context;
    const composite = report.composite;
    return {
        version: RESULT_VERSION,
        kind: result_kindOf(target),
        ending: report.ending,
        status: report.status ?? null,
        failed: context.failure !== undefined,
        ids: {
            recipeId: report.recipeId ?? null,
            jobGroupId: report.jobId ?? null,
            jobGroupIds: report.jobGroupIds ?? (report.jobId === undefined ? [] : [report.jobId]),
            flowId: target.kind === 'flow' ? target.flowId : null,
            flowRunId: composite?.flowRunId ?? null,
            planId: target.kind === 'plan' ? target.planId : null,
            planRunId: composite?.planRunId ?? null
        },
        requestId: report.requestId || null,
        timings: {
            startedAt: iso(report.startedAt),
            finishedAt: iso(report.finishedAt),
            durationSeconds: seconds(report.durationMs)
        },
        urls: {
            job: report.jobUrl ?? null,
            flow: target.kind === 'flow' ? (composite?.url ?? null) : null,
            plan: target.kind === 'plan' ? (composite?.url ?? null) : null,
            workflowRun: report.runUrl ?? null
        },
        error: context.failure ?? (report.error ? { title: report.errorTitle ?? '', message: report.error } : null),
        notes: [...report.notes],
        inputErrors: [],
        jobGroups: jobGroupsOf(report),
        outputs: bounded(report.written),
        publications: (report.jobGroups ?? []).flatMap((g) => publicationsOf(g.id, g.publications?.items) ?? []),
        reportDir: context.reportDir ?? null,
        quality: report.quality ? qualityFigures(report.quality) : null,
        dryRun: false
    };
}
/** What ran; null for none (a dry run that only signs in). */
function result_kindOf(target) {
    return target.kind === 'none' ? null : target.kind === 'job' ? 'job-group' : target.kind;
}
/** One entry per job group: the detailed ones with stages, the others (of a large flow) with their status. */
function jobGroupsOf(report) {
    const parts = report.composite?.parts ?? [];
    const detailed = new Map((report.jobGroups ?? []).map((g) => [g.id, g]));
    const ids = report.jobGroupIds ?? (report.jobId === undefined ? [] : [report.jobId]);
    return ids.map((id) => {
        const part = parts.find((p) => p.jobGroupId === id);
        const group = detailed.get(id);
        const stages = group?.stages ?? [];
        const shown = stages.slice(0, MAX_STAGES);
        return {
            id,
            status: group?.status ?? part?.status ?? (id === report.jobId && !report.composite ? report.status : undefined) ?? null,
            name: part?.name ?? null,
            task: part?.task ?? null,
            recipeId: part?.recipeId ?? (report.composite ? null : (report.recipeId ?? null)),
            url: group?.url ?? null,
            durationSeconds: seconds(part?.durationMs ?? (report.composite ? undefined : report.durationMs)),
            stages: shown.map(stageOf),
            stagesOmitted: stages.length - shown.length,
            outputs: group?.written ? bounded(group.written) : null,
            publications: publicationsOf(id, group?.publications?.items) ?? null,
            logs: logsOf(group?.logs)
        };
    });
}
function stageOf(stage) {
    const error = errorText(stage.errorMessage);
    return {
        id: stage.id,
        type: String(stage.jobType ?? ''),
        status: String(stage.status ?? ''),
        // Redacted before the cut: a secret across it goes whole, not half.
        error: error ? result_cut(redact(error), RESULT_ERROR_CHARS) : null
    };
}
function publicationsOf(jobGroupId, items) {
    return items?.map((p) => ({ jobGroupId, target: p.target, table: p.table, action: p.action }));
}
function logsOf(logs) {
    if (!logs)
        return { state: 'not-requested', stages: [], archive: null, notes: [] };
    return {
        state: logs.state,
        stages: logs.stages.map((s) => ({ id: s.stageId, lines: s.lineCount, file: s.file ?? null })),
        archive: logs.archive ?? null,
        notes: [...logs.notes, ...(logs.detail ? [logs.detail] : [])]
    };
}
/** Files and tables kept, of each. */
const result_MAX_OUTPUTS = 500;
function bounded(written) {
    return { files: written?.files.slice(0, result_MAX_OUTPUTS) ?? [], tables: written?.tables.slice(0, result_MAX_OUTPUTS) ?? [] };
}
function result_cut(text, max) {
    return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
function iso(ms) {
    return ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}
function seconds(ms) {
    return ms === undefined ? null : Math.round(ms / 1000);
}

;// CONCATENATED MODULE: ./src/report/result-invalid.ts
/** The `result` of a step whose inputs are invalid: the same fields, nothing sent, every bad input listed. */

/** The result of a step whose inputs are invalid: nothing was sent. Pure. */
function invalidInputResult(errors, reportDir) {
    return {
        version: RESULT_VERSION,
        kind: null,
        ending: 'invalid-input',
        status: null,
        failed: true,
        ids: {
            recipeId: null,
            jobGroupId: null,
            jobGroupIds: [],
            flowId: null,
            flowRunId: null,
            planId: null,
            planRunId: null
        },
        requestId: null,
        timings: { startedAt: null, finishedAt: null, durationSeconds: null },
        urls: { job: null, flow: null, plan: null, workflowRun: null },
        error: { title: 'Invalid input', message: 'Nothing was sent: the inputs are invalid.' },
        notes: [],
        inputErrors: errors.map(({ input, message }) => ({ input, message })),
        jobGroups: [],
        outputs: { files: [], tables: [] },
        publications: [],
        reportDir: reportDir ?? null,
        quality: null,
        dryRun: false
    };
}

;// CONCATENATED MODULE: ./src/report/result-json.ts

/** The `result` output stays within this many bytes (GitHub allows 1 MB per output). */
const MAX_RESULT_BYTES = 512 * 1024;
/**
 * The result as JSON within `max` bytes: when larger, stage errors are cut to 200 characters, then the stages
 * of job groups that did not fail are left out (counted in `stagesOmitted`), then every stage list. Pure.
 */
function resultJson(result, max = MAX_RESULT_BYTES) {
    const steps = [
        (r) => r,
        (r) => mapGroups(r, (g) => ({ ...g, stages: g.stages.map((s) => ({ ...s, error: s.error && s.error.slice(0, 200) })) })),
        (r) => mapGroups(r, (g) => (g.status === 'Failed' ? g : withoutStages(g))),
        (r) => mapGroups(r, withoutStages)
    ];
    let current = result;
    for (const step of steps) {
        current = step(current);
        const json = JSON.stringify(current);
        if (Buffer.byteLength(json, 'utf8') <= max)
            return json;
    }
    return JSON.stringify({
        ...current,
        jobGroups: current.jobGroups.map((g) => ({ ...withoutStages(g), logs: { ...g.logs, stages: [], notes: [] } }))
    });
}
function mapGroups(result, fn) {
    return { ...result, jobGroups: result.jobGroups.map(fn) };
}
function withoutStages(group) {
    return { ...group, stages: [], stagesOmitted: group.stagesOmitted + group.stages.length };
}
/** The report folder's stages.json: every stage of every job group read, with its whole error text. Pure. */
function stagesDocument(report) {
    return {
        jobGroups: (report.jobGroups ?? []).map((group) => ({
            id: group.id,
            status: group.status ?? null,
            stages: group.stages.map((s) => ({
                id: s.id,
                type: s.jobType,
                status: s.status,
                percentComplete: s.percentComplete ?? null,
                executionLanguage: s.executionLanguage ?? null,
                createdAt: s.createdAt ?? null,
                updatedAt: s.updatedAt ?? null,
                error: summary_errorText(s.errorMessage) || null
            }))
        }))
    };
}

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./src/results/report-dir.ts
/**
 * The report folder (the `report-dir` output): a new folder under RUNNER_TEMP holding result.json, the stages and
 * the logs, for actions/upload-artifact. Only checked relative paths are written, always as new files inside the
 * folder, and within a byte budget. Whole files are cleaned of secrets here; what is streamed into a file, by its
 * writer (line by line, as it is unpacked).
 */




/** Everything the folder may hold together. */
const MAX_REPORT_DIR_BYTES = 256 * 1024 * 1024;
class ReportDir {
    path;
    written = 0;
    maxBytes;
    /** Set once the budget is spent or a write failed: what could not be written, for one warning. */
    problem;
    constructor(path, maxBytes) {
        this.path = path;
        this.maxBytes = maxBytes;
    }
    /** A new folder under RUNNER_TEMP (the system's temporary folder outside a runner); throws when it cannot be made. */
    static create(env = process.env, maxBytes = MAX_REPORT_DIR_BYTES) {
        const base = env.RUNNER_TEMP || (0,external_node_os_namespaceObject.tmpdir)();
        (0,external_node_fs_namespaceObject.mkdirSync)(base, { recursive: true });
        return new ReportDir((0,external_node_path_namespaceObject.resolve)((0,external_node_fs_namespaceObject.mkdtempSync)((0,external_node_path_namespaceObject.join)(base, 'trifacta-run-job-'))), maxBytes);
    }
    /** A new file at `segments` (checked names, e.g. from `entryPath`); never one outside the folder or existing. */
    open(segments, budgeted = true) {
        const file = (0,external_node_path_namespaceObject.resolve)(this.path, ...segments);
        if (!file.startsWith(this.path + external_node_path_namespaceObject.sep))
            throw new Error(`${segments.join('/')} is not inside the report folder`);
        (0,external_node_fs_namespaceObject.mkdirSync)((0,external_node_path_namespaceObject.resolve)(file, '..'), { recursive: true });
        const fd = (0,external_node_fs_namespaceObject.openSync)(file, 'wx');
        let open = true;
        let closed = false;
        return {
            write: (data) => {
                if (!open)
                    return;
                const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
                if (budgeted && this.written + bytes.length > this.maxBytes) {
                    // Full: nothing more goes in (no file gets a gap), and the folder says so once.
                    this.written = this.maxBytes;
                    this.problem ??= `the report folder reached its bound of ${this.maxBytes} bytes`;
                    return;
                }
                this.written += bytes.length;
                try {
                    (0,external_node_fs_namespaceObject.writeSync)(fd, bytes);
                }
                catch (error) {
                    // A full disk, say: the file stays as far as it got, and the reading goes on.
                    this.problem ??= `a write failed (${error.message})`;
                    open = false;
                }
            },
            close: () => {
                if (!closed)
                    (0,external_node_fs_namespaceObject.closeSync)(fd);
                open = false;
                closed = true;
            }
        };
    }
    /** Writes a whole file at once, secrets removed; outside the byte bound (result.json is bounded itself). */
    writeFile(segments, text) {
        const writer = this.open(segments, false);
        try {
            writer.write((0,secrets/* redact */.E$)(text));
        }
        finally {
            writer.close();
        }
    }
}

;// CONCATENATED MODULE: ./src/runner/outputs.ts
/**
 * Outputs: each written once, redacted before it is first written (a later different value is written again). A
 * GITHUB_OUTPUT that cannot be written is kept as a failure of the step (file-commands.ts), never thrown.
 */



const written = new Map();
function setOutput(name, value) {
    const safe = (0,secrets/* redact */.E$)(value);
    if (written.get(name) === safe)
        return;
    written.set(name, safe);
    file_commands_write('GITHUB_OUTPUT', `the output ${name}`, () => lib_core/* setOutput */.uH(name, safe));
}

;// CONCATENATED MODULE: ./src/run/result-output.ts
/**
 * The `result` and `report-dir` outputs and the report folder's files, set at every ending (invalid inputs too).
 * A folder that cannot be made or written is a warning, and `report-dir` stays empty; the result is unchanged.
 */





/** A new report folder, or undefined (with a warning) when none can be made. */
function openReportDir() {
    try {
        return ReportDir.create();
    }
    catch (error) {
        shared_log/* log */.Rm.warning(`Could not make the report folder (report-dir) under RUNNER_TEMP: ${error.message}`);
        return undefined;
    }
}
/** Writes the folder's files and sets both outputs; `result` names the folder only when it was written. */
function publishResult(result, dir, report) {
    const written = dir !== undefined && writeFiles(dir, result, report);
    const final = { ...result, reportDir: written ? dir.path : null };
    setOutput(action_spec_OUTPUT.result, resultJson(final));
    setOutput(action_spec_OUTPUT.reportDir, written ? dir.path : '');
    if (dir?.problem)
        shared_log/* log */.Rm.warning(`The report folder is incomplete: ${dir.problem}.`);
}
function writeFiles(dir, result, report) {
    try {
        if (report)
            dir.writeFile(['stages.json'], `${JSON.stringify(stagesDocument(report), null, 2)}\n`);
        const json = resultJson({ ...result, reportDir: dir.path });
        dir.writeFile(['result.json'], `${JSON.stringify(JSON.parse(json), null, 2)}\n`);
        return true;
    }
    catch (error) {
        shared_log/* log */.Rm.warning(`Could not write the report folder (report-dir) ${dir.path}: ${error.message}`);
        return false;
    }
}

;// CONCATENATED MODULE: ./src/run/config.ts
/** The step's configuration: secrets masked first, then every input parsed once; invalid inputs fail the step. */










/**
 * The parsed inputs, or undefined (the step failed, nothing sent, the summary says why) when any is invalid.
 * `quiet` (the post step): no annotations, no summary.
 */
async function readConfig(options = {}) {
    for (const name of SECRET_INPUTS)
        (0,secrets/* registerSecret */.cl)(lib_core/* getInput */.V4(name));
    await loadYamlFor(lib_core/* getInput */.V4(INPUT.overrides));
    try {
        const config = parseInputs((name) => lib_core/* getInput */.V4(name));
        if (!options.quiet)
            for (const warning of config.warnings)
                shared_log/* log */.Rm.warning(warning, { title: 'Input warning' });
        return config;
    }
    catch (error) {
        if (!(error instanceof InputErrors))
            throw error;
        if (options.quiet)
            return undefined;
        for (const e of error.errors)
            shared_log/* log */.Rm.error(e.message, { title: `Invalid input: ${e.input}` });
        const count = error.errors.length === 1 ? 'An input is' : `${error.errors.length} inputs are`;
        lib_core/* setFailed */.C1(`${count} invalid; nothing was sent.`);
        await appendSummary(renderInputErrors(error.errors));
        publishResult(invalidInputResult(error.errors), openReportDir());
        return undefined;
    }
}

;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"1.0.0"};
;// CONCATENATED MODULE: ./src/shared/version.ts
/** The action's name and version, sent as the User-Agent; the version is package.json's (ncc bundles it into dist/). */

const ACTION_NAME = 'trifacta-run-job-action';
const VERSION = package_namespaceObject.rE;
const USER_AGENT = `${ACTION_NAME}/${VERSION}`;

;// CONCATENATED MODULE: ./src/run/connection.ts
/** The connection to the API for a configuration: client, token source and the log lines of its retries. */




/** `tokens`: the sign-in's token source; the static `api-token` by default. */
function connect(config, transport, clock, tokens = staticToken(config.apiToken)) {
    const client = new ApiClient({
        apiUrl: config.apiUrl,
        tokens,
        userAgent: USER_AGENT,
        transport,
        clock,
        requestTimeoutMs: config.requestTimeoutMs,
        onRetry: (message, persistent) => (persistent ? shared_log/* log */.Rm.warning(message, { title: 'API retries' }) : shared_log/* log */.Rm.debug(message))
    });
    return new JobGroupsApi(client, (message) => shared_log/* log */.Rm.info(message));
}

;// CONCATENATED MODULE: ./src/api/flow-request.ts
/**
 * The flow-run request (`POST /v4/flows/{id}/run`) from the inputs: `flow-recipes` → `wrangledDatasetIds`,
 * `run-parameters` → `runParameters`, and `overrides` split into the request's top-level fields and its
 * `overrides`, which a flow run keys by output name. Pure.
 */


/** The request body; empty parts are left out (every field is optional: an empty body runs every output). */
function flow_request_buildRunFlowRequest(recipeIds, overrides, runParameters) {
    const body = {};
    if (recipeIds.length > 0)
        body.wrangledDatasetIds = recipeIds;
    const parameters = runParametersBody(runParameters);
    if (parameters)
        body.runParameters = parameters;
    const byOutput = {};
    for (const [key, value] of Object.entries(overrides ?? {})) {
        if (FLOW_RUN_FIELDS.includes(key))
            body[key] = value;
        else
            byOutput[key] = value;
    }
    if (Object.keys(byOutput).length > 0)
        body.overrides = byOutput;
    return body;
}

;// CONCATENATED MODULE: ./src/api/flows-api.ts





class FlowsApi {
    client;
    constructor(client) {
        this.client = client;
    }
    /** One attempt at runFlow: whether and how to send it again is the start's decision. */
    runFlow(flowId, body, options) {
        return this.start(`/v4/flows/${flowId}/run`, body, { flowId }, options);
    }
    /** One attempt at runPlan (no body: plans take no overrides here). */
    runPlan(planId, options) {
        return this.start(`/v4/plans/${planId}/run`, {}, { planId }, options);
    }
    /**
     * `GET /v4/flowRuns/{id}/status`: a bare JSON string. Undefined when the answer is no status (not a string,
     * empty, null, or no JSON at all): the flow run's job groups tell it instead.
     */
    async flowRunStatus(flowRunId, budget) {
        try {
            const status = await this.client.read(`/v4/flowRuns/${flowRunId}/status`, budget);
            return isStatus(status) ? status : undefined;
        }
        catch (error) {
            if (error instanceof ApiError && isUnreadableAnswer(error))
                return undefined;
            throw error;
        }
    }
    /**
     * The flow run's job groups, each with its recipe's name where the server embeds it; a server that refuses the
     * embedding (400) is asked again without it.
     */
    async flowRunJobGroups(flowRunId, budget) {
        const path = `/v4/flowRuns/${flowRunId}/jobGroups`;
        let list;
        try {
            list = await this.client.read(`${path}?embed=wrangledDataset`, budget);
        }
        catch (error) {
            if (!(error instanceof ApiError && error.status === 400))
                throw error;
            list = await this.client.read(path, budget);
        }
        return listOf(list).filter((g) => isId(g?.id));
    }
    planRun(planRunId, budget) {
        return this.client.read(`/v4/planSnapshotRuns/${planRunId}`, budget);
    }
    /**
     * The plan snapshot run's status, retried as the budget allows, with the same tolerance as a job group's: an
     * answer without a status (null, empty, not a string) is read again, and so is a 404 while the run is new
     * (`newUntil`, epoch ms: a read replica may not know it yet).
     */
    planRunStatus(planRunId, budget, newUntil = 0) {
        const path = `/v4/planSnapshotRuns/${planRunId}`;
        return this.client.retrying(`GET ${path}`, budget, async () => {
            let run;
            try {
                run = (await this.client.send('GET', path, { signal: budget.signal, deadline: budget.deadline })).data;
            }
            catch (error) {
                if (error instanceof ApiError && error.status === 404 && this.client.clock.now() < newUntil) {
                    throw new TransientError(`plan run ${planRunId} is not found yet (404 right after it was started)`);
                }
                throw error;
            }
            if (isStatus(run?.status))
                return run.status;
            throw new TransientError(`GET ${path} answered no status (got ${format_oneLine(JSON.stringify(run?.status) ?? 'nothing', 80)})`);
        });
    }
    /** `POST /v4/planSnapshotRuns/{id}/cancel`; `failedToCancelSomeJobs` in the answer is reported. */
    cancelPlanRun(planRunId, budget) {
        return cancelOutcome(() => this.client.postRetrying(`/v4/planSnapshotRuns/${planRunId}/cancel`, {}, budget), (answer) => answer?.failedToCancelSomeJobs === true
            ? 'The server could not cancel some of its jobs (failedToCancelSomeJobs): they may keep running; ' +
                'cancel them in the app if needed.'
            : undefined);
    }
    /**
     * `GET /v4/plans/{id}/full`, as parsed JSON (plan-tasks.ts reads it). A snapshot plan is asked for with
     * `ensureOriginal=false`, as Saagie's connector does, so that the server answers the snapshot itself.
     */
    plan(planId, budget, snapshot) {
        return this.client.read(`/v4/plans/${planId}/full${snapshot ? '?ensureOriginal=false' : ''}`, budget);
    }
    start(path, body, subject, options) {
        const headers = { 'x-execution-id': options.executionId };
        const { signal, deadline } = options;
        return this.client.send('POST', path, { body, headers, subject, signal, deadline, allow304: true });
    }
}

;// CONCATENATED MODULE: ./src/targets/job-group-run.ts


/** For this long after this step created a job group, a 404 on it is a lagging read, not an answer. */
const NEW_JOB_GROUP_MS = 60_000;
class JobGroupRun {
    api;
    /** When this step created the job group (epoch ms); 0 for one it did not create. */
    createdAt = 0;
    /** A job group reads `Created` or `Pending` while it waits in the queue. */
    showsQueue = true;
    constructor(api) {
        this.api = api;
    }
    status(ref, budget) {
        return this.api.status(ref.id, budget, this.createdAt && this.createdAt + NEW_JOB_GROUP_MS);
    }
    cancel(ref, budget) {
        return this.api.cancel(ref.id, budget);
    }
    stages(ref, budget) {
        return this.api.stages(ref.id, budget);
    }
    async details(ref, budget, status) {
        const { group, stages, written } = await readJobGroup(this.api, ref.id, budget, status);
        const created = Date.parse(group?.createdAt ?? '');
        const updated = Date.parse(group?.updatedAt ?? '');
        return {
            status: group?.status,
            createdAt: Number.isFinite(created) ? created : undefined,
            finishedAt: isTerminal(group?.status) && Number.isFinite(updated) ? updated : undefined,
            stages,
            written,
            jobGroups: [{ id: ref.id, status: group?.status ?? status, stages, written }]
        };
    }
}
/** A job group's reads for the report: itself, its stages, and what it wrote once complete. Failures shorten it. */
async function readJobGroup(api, id, budget, status) {
    const read = await (0,shared_log/* quietly */.gd)(`GET /v4/jobGroups/${id} for the report`, () => api.get(id, budget));
    // A status that is no string (or no status at all) tells nothing: it never reaches the report.
    const group = read && { ...read, status: isStatus(read.status) ? read.status : undefined };
    const stages = (await (0,shared_log/* quietly */.gd)(`GET /v4/jobGroups/${id}/jobs`, () => api.stages(id, budget))) ?? [];
    // A failed job group may have written some of its outputs; a read that fails is said, and changes nothing else.
    const ended = status ?? group?.status;
    const written = ended === 'Complete' || ended === 'Failed'
        ? await api.outputs(id, budget).catch((error) => {
            shared_log/* log */.Rm.warning(`Could not read what job ${id} wrote (GET /v4/jobGroups/${id}/outputs): ${error.message}`);
            return undefined;
        })
        : undefined;
    return { group, stages, written };
}

;// CONCATENATED MODULE: ./src/targets/job-group-set.ts



class JobGroupSet {
    api;
    /** The last status read of each job group; a terminal one is final, so that job group needs no cancel. */
    seen = new Map();
    /** When this step created the job groups (epoch ms); 0 for ones it did not create (the post step's). */
    createdAt = 0;
    constructor(api) {
        this.api = api;
    }
    /** Every job group's status, read a few at a time, combined; a 404 right after creation is a lagging read. */
    async status(ref, budget) {
        const newUntil = this.createdAt && this.createdAt + NEW_JOB_GROUP_MS;
        const statuses = await inBatches(ref.jobGroupIds, (id) => this.api.status(id, budget, newUntil));
        ref.jobGroupIds.forEach((id, i) => this.seen.set(id, statuses[i]));
        return overallStatus(statuses);
    }
    /** Cancels, a few at a time, each job group not seen finished (cancelling a finished one would do nothing). */
    async cancel(ref, budget) {
        const running = ref.jobGroupIds.filter((id) => !isTerminal(this.seen.get(id)));
        const outcomes = await inBatches(running, (id) => this.api.cancel(id, budget));
        return combineCancels(running, outcomes);
    }
}
/** Requests under way at once for one run: a run of hundreds of job groups must not flood the API. */
const AT_ONCE = 8;
/** `fn` over `items`, at most `AT_ONCE` at a time, results in order. */
async function inBatches(items, fn) {
    const results = [];
    for (let i = 0; i < items.length; i += AT_ONCE)
        results.push(...(await Promise.all(items.slice(i, i + AT_ONCE).map(fn))));
    return results;
}
/** One outcome for several cancels: failed if any failed, unsupported if none could be, else cancelled. Pure. */
function combineCancels(ids, outcomes) {
    const failed = outcomes.flatMap((o, i) => (o.kind === 'failed' ? [`job ${ids[i]}: ${o.error.message}`] : []));
    if (failed.length > 0)
        return { kind: 'failed', error: new Error(listed(failed)) };
    const cancelled = outcomes.flatMap((o) => (o.kind === 'cancelled' ? [o] : []));
    const unsupported = ids.filter((_, i) => outcomes[i].kind === 'unsupported');
    const requestIds = outcomes.map((o) => ('requestId' in o ? o.requestId : '')).filter(Boolean);
    if (cancelled.length === 0 && unsupported.length > 0)
        return { kind: 'unsupported', requestId: requestIds[0] ?? '' };
    const partial = unsupported.length
        ? `Job groups ${listed(unsupported)} could not be cancelled through the API (404) and may keep running.`
        : undefined;
    return { kind: 'cancelled', requestId: listed(requestIds, 3), ...(partial && { partial }) };
}

;// CONCATENATED MODULE: ./src/api/history-pages.ts
/** Pages read at most before giving up on proof. */
const MAX_HISTORY_PAGES = 10;
/** Rows asked for per page: pages top out near 100 (REAL-API-SHAPES.md "GET /v4/jobLibrary"). */
const HISTORY_PAGE_ROWS = 100;
/**
 * The default page (S1, S4): a server may cap every page there whatever `limit` asks, so a page this long may not
 * be the last.
 */
const DEFAULT_PAGE_ROWS = 25;
/**
 * Whether the rows read so far, with this page, hold every row created at or after `since` (epoch ms): an empty
 * page ends the history, a row older than `since` ends the window. A `count` the server gives is not believed.
 */
function pageVerdict(page, since) {
    const times = page.rows.map(history_pages_createdMs);
    const first = times.findIndex((t) => !Number.isFinite(t));
    if (first >= 0)
        return { kind: 'unproven', why: `job group ${page.rows[first].id} has no readable createdAt` };
    const sequence = page.previousLast === undefined ? times : [page.previousLast, ...times];
    if (sequence.some((t, i) => i > 0 && t > sequence[i - 1])) {
        return { kind: 'unproven', why: 'the server did not list the job groups newest first, as asked' };
    }
    if (page.rows.length === 0)
        return { kind: 'complete' };
    if (times.at(-1) < since)
        return { kind: 'complete' };
    return { kind: 'more' };
}
/** Epoch ms of a row's createdAt; NaN when it has none. */
function history_pages_createdMs(group) {
    return typeof group.createdAt === 'string' ? Date.parse(group.createdAt) : NaN;
}

;// CONCATENATED MODULE: ./src/targets/past-runs.ts
/**
 * What a recipe's past runs say about when this run will end. One lookup in the job library (a second only when
 * the first page was full and still short of runs) of the last `Complete` job groups, kept to those of the
 * recipes asked about and not this step's own; their durations (`updatedAt` − `createdAt`, PROFILE-AND-RESULTS.md
 * "Past runs of the same recipe") give a robust centre and spread: the median and the median absolute deviation,
 * not the mean and standard deviation, so that one run that took three times as long does not move the window;
 * the spread has a floor, so that ten identical durations still leave a window. The server's sort and filters
 * are checked, not trusted (REAL-API-SHAPES.md "GET /v4/jobLibrary").
 */


/** At most this many past runs (the most recent) are used; fewer than MIN_RUNS mean no history. */
const MAX_RUNS = 10;
const MIN_RUNS = 3;
/** The spread is at least this share of the centre, and at least SPREAD_FLOOR_MS. */
const SPREAD_FLOOR_SHARE = 0.05;
const SPREAD_FLOOR_MS = 1_000;
/** The median absolute deviation times this estimates the standard deviation of normally spread durations. */
const MAD_TO_SD = 1.4826;
/** Lookups at most (pages of HISTORY_PAGE_ROWS). */
const MAX_LOOKUPS = 2;
/** A past duration longer than this (the longest timeout) is a broken record, not a run. */
const past_runs_MAX_DURATION_MS = 7 * 86_400_000;
/**
 * The expected end of a run of `recipeIds` (a flow's job groups run side by side, so the latest of its recipes'),
 * from their last Complete job groups, leaving out `ownIds`. Each lookup is one attempt (`budget.persistMs` 0);
 * a failure throws, for the caller to treat as no history.
 */
async function pastRuns(api, recipeIds, ownIds, budget) {
    if (recipeIds.length === 0)
        return { runs: 0 };
    const durations = new Map(recipeIds.map((id) => [id, []]));
    const seen = new Set(ownIds);
    let read = 0;
    for (let page = 0; page < MAX_LOOKUPS; page++) {
        const query = { ranfor: 'recipe', status: 'Complete', sort: '-createdAt', limit: String(HISTORY_PAGE_ROWS) };
        // The next page starts after the rows received, not after the rows asked for (the server may cap pages).
        const offset = page === 0 ? {} : { offset: String(read) };
        const { groups, rows } = await api.list('/v4/jobLibrary', { ...query, ...offset }, { ...budget, persistMs: 0 });
        read += rows;
        for (const group of groups) {
            const run = durationOf(group);
            const mine = durations.get(group.wrangledDataset?.id);
            if (run && mine && !seen.has(group.id))
                mine.push(run);
            seen.add(group.id);
        }
        if (rows < DEFAULT_PAGE_ROWS || [...durations.values()].every((d) => d.length >= MAX_RUNS))
            break;
    }
    const ends = [...durations.values()].map((runs) => expectedEnd(runs.sort((a, b) => b.at - a.at).map((r) => r.ms)));
    const runs = Math.min(...[...durations.values()].map((d) => Math.min(d.length, MAX_RUNS)));
    if (ends.some((e) => e === undefined))
        return { runs };
    return { expected: ends.reduce((a, b) => (b.centreMs > a.centreMs ? b : a)), runs };
}
/** A Complete job group's creation time and duration, when both are believable. */
function durationOf(group) {
    if (!isId(group.id) || group.status !== 'Complete')
        return undefined;
    if (typeof group.createdAt !== 'string' || typeof group.updatedAt !== 'string')
        return undefined;
    const at = Date.parse(group.createdAt);
    const ms = Date.parse(group.updatedAt) - at;
    return Number.isFinite(ms) && ms > 0 && ms <= past_runs_MAX_DURATION_MS ? { at, ms } : undefined;
}
/** From durations in ms, most recent first; undefined when fewer than MIN_RUNS are usable. */
function expectedEnd(durationsMs) {
    const recent = durationsMs.filter((d) => Number.isFinite(d) && d > 0).slice(0, MAX_RUNS);
    if (recent.length < MIN_RUNS)
        return undefined;
    const centreMs = median(recent);
    const mad = median(recent.map((d) => Math.abs(d - centreMs)));
    const spreadMs = Math.max(mad * MAD_TO_SD, centreMs * SPREAD_FLOOR_SHARE, SPREAD_FLOOR_MS);
    return { centreMs, spreadMs };
}
function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

;// CONCATENATED MODULE: ./src/targets/start-retries.ts




/** The start may have created a run, and it could not be settled whether it did: it is not sent again. */
class TriggerUnsettledError extends Error {
    constructor(message) {
        super(message);
        this.name = 'TriggerUnsettledError';
    }
}
/** `The <thing> may have started: <what>. … Look in <where> started after <time> before re-running.` */
function mayHaveStarted(unsettled, what, requestId) {
    const started = new Date(unsettled.stepStartedAt).toISOString();
    return new TriggerUnsettledError(`The ${unsettled.thing} may have started: ${what}. To avoid running it twice, the trigger is not sent again.` +
        `${requestId ? ` Request id: ${requestId}.` : ''}` +
        ` Look in ${unsettled.where} started after ${started} before re-running.`);
}
/** `attempt` in the one retry loop, within the step's deadline, logging persistent retries as warnings. */
function startWithRetries(ctx, what, attempt, hooks) {
    return withRetries(attempt, {
        what,
        clock: ctx.clock,
        deadline: ctx.deadline,
        persistMs: PERSISTENT_FAILURE_MS,
        refusedMs: REFUSED_MS,
        signal: ctx.signal,
        halt: ctx.halt,
        random: ctx.random,
        onRetry: (message, persistent) => (persistent ? ctx.log.warning(message) : ctx.log.debug(message)),
        ...hooks
    });
}
function requestIdOf(failure) {
    return failure instanceof ApiError ? failure.requestId : '';
}
/**
 * Send a start that no history can settle: again only when the server certainly did nothing (429, connection
 * refused, host not found). A lost, unreadable or 304 answer fails with "may have started" and where to look, and
 * nothing more is sent.
 */
function startOnce(ctx, start) {
    const unsettled = (what, requestId) => mayHaveStarted(start.unsettled, what, requestId);
    const attempt = async () => {
        let response;
        try {
            response = await start.send();
        }
        catch (error) {
            if (isUnreadableAnswer(error)) {
                const status = error.status;
                throw unsettled(`the server answered ${status} with an answer that could not be read`, requestIdOf(error));
            }
            if (error instanceof TransportError && error.kind === 'aborted')
                throw unsettled('the workflow was cancelled while the start was being sent', '');
            throw error;
        }
        if (response.status === 304) {
            const what = 'the server answered 304 Not Modified (a run with this execution id exists) without naming it';
            throw unsettled(what, response.requestId);
        }
        const started = start.read(response);
        if (!started)
            throw unsettled(`the server answered ${response.status} without naming the run`, response.requestId);
        return started;
    };
    return startWithRetries(ctx, start.what, attempt, {
        retryable: (error) => triggerDecision(error) !== 'fail',
        beforeRetry: (failure) => triggerDecision(failure) === 'reconcile' || triggerDecision(failure) === 'settle'
            ? Promise.reject(unsettled(`its answer was lost (${reason(failure)})`, requestIdOf(failure)))
            : Promise.resolve(undefined),
        describe: (failure, delay) => `${start.what} failed (${reason(failure)}); the server did not act on it, sending again in ${format_formatMs(delay)}`
    });
}

;// CONCATENATED MODULE: ./src/targets/flow.ts













/** A flow run of more job groups than this (one per output) is not followed: its answer is not believed. */
const MAX_JOB_GROUPS = 200;
/** A flow run's own status call that answered 404 is asked again after this long, and given up after this many. */
const FLOW_RUN_ASK_AGAIN_MS = 5_000;
const FLOW_RUN_404S = 3;
/** The report reads stages and outputs of at most this many job groups. */
const MAX_DETAILED_JOB_GROUPS = 10;
class flow_FlowRun extends JobGroupSet {
    label;
    flows;
    flowId;
    body;
    links;
    /** The flow run's id once its start named it; its own status call is used while that works. */
    flowRunId;
    /** After a 404, the flow run's own status call is not asked again before this time (epoch ms)… */
    flowRunStatusAfter = 0;
    /** …and after this many 404s, never again. */
    flowRunStatusNotFound = 0;
    constructor(api, flowId, body, links) {
        super(api);
        this.flows = new FlowsApi(api.client);
        this.flowId = flowId;
        this.body = body;
        this.links = links;
        this.label = `flow ${flowId}`;
    }
    start(ctx) {
        const [history, page] = [results_inputs_appLink(this.links, '/jobs'), pageUrl(this.links, 'flows', this.flowId)];
        const where = `the job history (${history}) and the flow's page (${page}) for a run of flow ${this.flowId}`;
        const unsettled = { thing: 'flow run', where, stepStartedAt: ctx.stepStartedAt };
        return startOnce(ctx, {
            what: `POST /v4/flows/${this.flowId}/run`,
            unsettled,
            send: () => this.flows.runFlow(this.flowId, this.body, ctx),
            read: (response) => {
                const count = listOf(response.data).length;
                if (count <= MAX_JOB_GROUPS)
                    return this.started(response);
                const what = `the server named ${count} job groups, more than the ${MAX_JOB_GROUPS} this action follows`;
                throw mayHaveStarted(unsettled, what, response.requestId);
            }
        });
    }
    async status(ref, budget) {
        const now = this.api.client.clock.now();
        if (this.ownRun(ref) && this.flowRunStatusNotFound < FLOW_RUN_404S && now >= this.flowRunStatusAfter) {
            try {
                // No status in the answer (not a string, empty, null, not JSON): the job groups tell it this time.
                const status = await this.flows.flowRunStatus(ref.id, budget);
                if (status !== undefined && !isTerminal(status))
                    return status;
            }
            catch (error) {
                if (!(error instanceof ApiError && error.status === 404))
                    throw error;
                this.notFound(ref.id, now);
            }
        }
        return super.status(ref, budget);
    }
    /** A 404 from the flow run's status call: a lagging replica or an edition without it; asked again a while later. */
    notFound(flowRunId, now) {
        this.flowRunStatusNotFound += 1;
        this.flowRunStatusAfter = now + FLOW_RUN_ASK_AGAIN_MS;
        const call = `GET /v4/flowRuns/${flowRunId}/status`;
        shared_log/* log */.Rm.info(this.flowRunStatusNotFound < FLOW_RUN_404S
            ? `${call} answered 404; reading the status of each job group, and asking it again in ` +
                `${format_formatMs(FLOW_RUN_ASK_AGAIN_MS)}.`
            : `${call} answered 404 ${FLOW_RUN_404S} times: it is not available; reading the status of each job ` +
                'group from now on.');
    }
    /** For progress lines: each job group as a stage named after its output. */
    async stages(ref, budget) {
        const groups = await this.jobGroups(ref, budget);
        groups.forEach((g) => g.status && this.seen.set(g.id, g.status));
        return groups.map((g) => ({ id: g.id, jobType: partLabel(partOf(g)), status: g.status ?? 'unknown' }));
    }
    async details(ref, budget) {
        const listed = await (0,shared_log/* quietly */.gd)('Reading the job groups of the flow run', () => this.jobGroups(ref, budget));
        const ids = listed?.map((g) => g.id) ?? ref.jobGroupIds;
        const reads = await Promise.all(ids.slice(0, MAX_DETAILED_JOB_GROUPS).map((id) => readJobGroup(this.api, id, budget)));
        const groups = ids.map((id, i) => ({ ...listed?.[i], ...reads[i]?.group, id, ...named(listed?.[i]) }));
        groups.forEach((g) => g.status && this.seen.set(g.id, g.status));
        const statuses = groups.map((g) => g.status);
        return {
            status: statuses.every((st) => st !== undefined) ? overallStatus(statuses) : undefined,
            ...spanOf(groups),
            stages: reads.flatMap((r) => r.stages),
            jobGroups: reads.map((r, i) => ({
                id: ids[i],
                status: groups[i]?.status,
                stages: r.stages,
                written: r.written
            })),
            written: mergeWritten(reads.map((r) => r.written)),
            parts: groups.map((g) => partOf(g))
        };
    }
    /**
     * Its recipes' last Complete runs, where that is cheap: the recipes named by flow-recipes, else as the flow
     * run's job groups show them (one call). Its job groups run side by side: the latest expected end counts.
     */
    async pastRuns(ref, budget) {
        const named = this.body.wrangledDatasetIds;
        const listed = named?.length ? [] : await this.jobGroups(ref, { ...budget, persistMs: 0 });
        const recipes = named?.length ? named : listed.map((g) => g.wrangledDataset?.id);
        if (recipes.length === 0 || !recipes.every(isId))
            return { runs: 0 };
        return pastRuns(this.api, [...new Set(recipes)], ref.jobGroupIds, budget);
    }
    ownRun(ref) {
        return this.flowRunId !== undefined && this.flowRunId === ref.id;
    }
    /** The flow run's job groups: listed in one call where the flow run is known, else read one by one. */
    async jobGroups(ref, budget) {
        if (this.ownRun(ref)) {
            const listed = await this.flows.flowRunJobGroups(ref.id, budget);
            if (listed.length > 0)
                return listed;
        }
        return inBatches(ref.jobGroupIds, (id) => this.api.get(id, budget));
    }
    started(response) {
        const data = listOf(response.data);
        const ids = data.map((item) => idOf(item?.id));
        if (ids.length === 0 || ids.some((id) => id === undefined))
            return undefined;
        const jobGroupIds = ids;
        this.createdAt = this.api.client.clock.now();
        this.flowRunId = idOf(response.data?.flowRunId) ?? idOf(data[0]?.flowRun?.id);
        return {
            ref: { kind: 'flow', id: this.flowRunId ?? jobGroupIds[0], jobGroupIds },
            requestId: response.requestId,
            adopted: false,
            attached: false,
            flowRunId: this.flowRunId
        };
    }
}
/** For progress lines: the output's name, or `job <id>`. */
function partLabel(part) {
    return part.name ?? `job ${part.jobGroupId}`;
}
/** The recipe as the list embedded it (with its name), which a plain read of the job group lacks. */
function named(listed) {
    return listed?.wrangledDataset ? { wrangledDataset: listed.wrangledDataset } : {};
}
/** From the first job group's creation to the last one's end, once all ended. */
function spanOf(groups) {
    const created = groups.map((g) => Date.parse(g.createdAt ?? '')).filter(Number.isFinite);
    const updated = groups.map((g) => Date.parse(g.updatedAt ?? '')).filter(Number.isFinite);
    const ended = groups.length > 0 && groups.every((g) => isTerminal(g.status)) && updated.length === groups.length;
    return {
        createdAt: created.length > 0 ? Math.min(...created) : undefined,
        finishedAt: ended ? Math.max(...updated) : undefined
    };
}

;// CONCATENATED MODULE: ./src/targets/job-group.ts
/**
 * Attach: wait on a job group that already runs (`job-id`). Nothing is started, and it is never cancelled here.
 * The job group is read once before the wait: one that does not exist fails the step at once, saying so, instead
 * of a wait that loses contact with a job that was never there.
 */


/** The job group named by job-id does not exist (or the token's user cannot see it). */
class JobGroupNotFoundError extends Error {
    jobId;
    constructor(jobId, error) {
        const rid = error.requestId ? ` (request id ${error.requestId})` : '';
        super(`Job group ${jobId} was not found: check job-id, the id of a job group that the token's user can see (in the ` +
            `app, the number in /jobs/<id>). GET /v4/jobGroups/${jobId} answered ${error.status}${rid}.`);
        this.name = 'JobGroupNotFoundError';
        this.jobId = jobId;
    }
}
class job_group_AttachedJobGroup extends JobGroupRun {
    label;
    jobId;
    constructor(api, jobId) {
        super(api);
        this.jobId = jobId;
        this.label = `job group ${jobId}`;
    }
    async start(ctx) {
        try {
            await this.api.get(this.jobId, { deadline: ctx.deadline, signal: ctx.signal });
        }
        catch (error) {
            if (error instanceof ApiError && error.status === 404)
                throw new JobGroupNotFoundError(this.jobId, error);
            throw error;
        }
        return {
            ref: { kind: 'job-group', id: this.jobId, jobGroupIds: [this.jobId] },
            requestId: '',
            adopted: false,
            attached: true
        };
    }
}

;// CONCATENATED MODULE: ./src/targets/plan-tasks.ts
/**
 * A plan run's tasks, read from `GET /v4/plans/{id}/full` of the plan the run was made on: its **snapshot**
 * (REAL-API-SHAPES.md, S2). Every list is read enveloped (`{data: […]}`) or bare, and only the task runs that name
 * this plan snapshot run are taken. Pure.
 */


/** Snapshots of a plan that are tried, at most, when the run does not name its own. */
const MAX_SNAPSHOTS_TRIED = 3;
const MAX_TASK_NAME = 200;
/** This run's parts on `plan`, in task order; `found` is false when no task of it ran in this run there. */
function planTaskRuns(plan, planRunId) {
    let found = false;
    const parts = listOf(field(plan, 'planNodes')).flatMap((node, i) => {
        const name = field(node, 'name');
        // A name is server text: on one line and cut, before it reaches a message.
        const task = typeof name === 'string' && name.trim() !== '' ? format_oneLine(name, MAX_TASK_NAME) : `task ${i + 1}`;
        const own = listOf(field(node, 'planTaskSnapshotRuns')).filter((run) => idOf(field(field(run, 'planSnapshotRun'), 'id')) === planRunId);
        if (own.length === 0)
            return [{ task }];
        found = true;
        return own.flatMap((run) => taskRunParts(task, run));
    });
    return { parts, found };
}
/** One task run's job groups as parts (the task run itself when it names none). */
function taskRunParts(task, run) {
    const taskStatus = statusText(field(run, 'status'));
    const groups = listOf(field(run, 'planFlowTaskRunResults')).flatMap((result) => {
        const group = field(result, 'jobGroup');
        const id = idOf(field(group, 'id'));
        return id === undefined ? [] : [{ task, jobGroupId: id, status: statusText(field(group, 'status')) ?? taskStatus }];
    });
    return groups.length > 0 ? groups : [{ task, status: taskStatus }];
}
/**
 * The snapshots of an original plan to look at for a run, newest first: `latestPlanSnapshot`, then
 * `planSnapshots.data` (the order S2 reads), without repeats, at most `MAX_SNAPSHOTS_TRIED`.
 */
function snapshotIds(plan) {
    const ids = [field(plan, 'latestPlanSnapshot'), ...listOf(field(plan, 'planSnapshots'))].map((s) => idOf(field(s, 'id')));
    return [...new Set(ids.filter((id) => id !== undefined))].slice(0, MAX_SNAPSHOTS_TRIED);
}
function statusText(value) {
    return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

;// CONCATENATED MODULE: ./src/targets/plan.ts










class plan_PlanRun {
    label;
    api;
    flows;
    /** Undefined in the post step, which only cancels the run and reads its own status. */
    planId;
    links;
    /** When this step started the plan run (epoch ms); 0 in the post step. */
    createdAt = 0;
    /** The snapshot plan the run was made on, once the run named it or its task runs were found there. */
    snapshotId;
    /** The run was asked which snapshot it was made on (it may name none). */
    snapshotAsked = false;
    constructor(api, planId, links) {
        this.api = api;
        this.flows = new FlowsApi(api.client);
        this.planId = planId;
        this.links = links;
        this.label = `plan ${planId}`;
    }
    start(ctx) {
        const planId = this.planId;
        return startOnce(ctx, {
            what: `POST /v4/plans/${planId}/run`,
            unsettled: {
                thing: 'plan run',
                where: `the runs of plan ${planId} (${pageUrl(this.links, 'plans', planId)}) for a run`,
                stepStartedAt: ctx.stepStartedAt
            },
            send: () => this.flows.runPlan(planId, ctx),
            read: (response) => this.started(planId, response)
        });
    }
    /** The plan run's status; once it ended, combined with its job groups' where the plan's tasks can be read. */
    async status(ref, budget) {
        const newUntil = this.createdAt && this.createdAt + NEW_JOB_GROUP_MS;
        const status = await this.flows.planRunStatus(ref.id, budget, newUntil);
        if (!isTerminal(status))
            return status;
        const parts = (await (0,shared_log/* quietly */.gd)("Reading the plan's tasks", () => this.parts(ref, budget))) ?? [];
        return overallStatus([status, ...parts.map((p) => p.status).filter(isTerminal)]);
    }
    cancel(ref, budget) {
        return this.flows.cancelPlanRun(ref.id, budget);
    }
    /** For progress lines: the tasks, each as a stage. */
    async stages(ref, budget) {
        const parts = await this.parts(ref, budget);
        const tasks = [...new Set(parts.map((p) => p.task))];
        return tasks.map((task, i) => {
            const statuses = parts.filter((p) => p.task === task).map((p) => p.status);
            const status = statuses.every((s) => s !== undefined) ? overallStatus(statuses) : 'not started';
            return { id: i + 1, jobType: task, status };
        });
    }
    async details(ref, budget) {
        const run = await (0,shared_log/* quietly */.gd)(`GET /v4/planSnapshotRuns/${ref.id}`, () => this.flows.planRun(ref.id, budget));
        if (run)
            this.learnSnapshot(run.plan?.id);
        const parts = (await (0,shared_log/* quietly */.gd)("Reading the plan's tasks", () => this.parts(ref, budget))) ?? [];
        const ids = parts.flatMap((p) => (p.jobGroupId === undefined ? [] : [p.jobGroupId]));
        const reads = await Promise.all(ids.slice(0, MAX_DETAILED_JOB_GROUPS).map((id) => readJobGroup(this.api, id, budget)));
        const read = (id) => {
            const group = id === undefined ? undefined : reads[ids.indexOf(id)]?.group;
            return group ? partOf(group) : undefined;
        };
        return {
            status: run?.status,
            createdAt: plan_epochMs(run?.startedAt ?? undefined),
            finishedAt: plan_epochMs(run?.finishedAt ?? undefined),
            stages: reads.flatMap((r) => r.stages),
            jobGroups: reads.map((r, i) => ({
                id: ids[i],
                status: r.group?.status ?? parts.find((p) => p.jobGroupId === ids[i])?.status,
                stages: r.stages,
                written: r.written
            })),
            written: mergeWritten(reads.map((r) => r.written)),
            parts: parts.map((p) => ({ ...p, ...read(p.jobGroupId), task: p.task }))
        };
    }
    /**
     * The plan's tasks with this run's job groups, from the snapshot plan the run was made on: the one it names, else
     * the first of the original plan and its latest snapshots that holds a task run of this run. A task without a job
     * group is a part of its own; [] when no plan read shows this run.
     */
    async parts(ref, budget) {
        if (this.planId === undefined)
            return [];
        const look = async (id, snapshot) => {
            const plan = await this.flows.plan(id, budget, snapshot);
            return { plan, ...planTaskRuns(plan, ref.id) };
        };
        if (!this.snapshotAsked)
            this.learnSnapshot((await this.flows.planRun(ref.id, budget))?.plan?.id);
        // The snapshot the run names is its own: its tasks are shown, also before any of them ran.
        if (this.snapshotId !== undefined)
            return (await look(this.snapshotId, true)).parts;
        const original = await look(this.planId, false);
        if (original.found)
            return original.parts;
        for (const id of snapshotIds(original.plan).filter((s) => s !== this.planId)) {
            const candidate = await look(id, true);
            if (candidate.found) {
                this.snapshotId = id;
                return candidate.parts;
            }
        }
        return [];
    }
    /** The plan id the run's answer names, as its snapshot when it is not the original plan's own. */
    learnSnapshot(id) {
        this.snapshotAsked = true;
        const snapshot = idOf(id);
        if (snapshot !== this.planId)
            this.snapshotId ??= snapshot;
    }
    started(planId, response) {
        const id = idOf(response.data?.planSnapshotRunId);
        if (response.data?.validationStatus === 'MissingFlowReferences') {
            throw new Error(`Plan ${planId} cannot run: the server answered validationStatus MissingFlowReferences, so the plan refers ` +
                `to a flow that was deleted or is not shared with the token's user, and nothing useful runs` +
                `${id ? ` (plan run ${id})` : ''}. Fix the plan's flow tasks or share their flows with that user: ` +
                `${pageUrl(this.links, 'plans', planId)}.${response.requestId ? ` Request id: ${response.requestId}.` : ''}`);
        }
        if (id === undefined)
            return undefined;
        this.createdAt = this.api.client.clock.now();
        return {
            ref: { kind: 'plan', id, jobGroupIds: [] },
            requestId: response.requestId,
            adopted: false,
            attached: false,
            planRunId: id
        };
    }
}
function plan_epochMs(text) {
    const t = Date.parse(text ?? '');
    return Number.isFinite(t) ? t : undefined;
}

;// CONCATENATED MODULE: ./src/targets/job-history.ts
/**
 * The job history, asked when a start's outcome is unknown: did this step's send create a job group? Only a job
 * group that is certainly this step's own is adopted: exactly one of this recipe, created between the first send
 * and now, in a history read far enough to prove there is no other. The lookup pages until the rows are older
 * than that window (or the history ends) and checks that they came newest first (history-pages.ts); where it
 * cannot prove it saw every candidate, nothing is guessed and nothing is sent again. Several candidates mean
 * another run started the same recipe meanwhile: the same. Tries `GET /v4/jobLibrary`, then the older
 * `GET /v4/jobGroups`.
 */




/**
 * The server's clock is read from its `Date` header (whole seconds) to place the first send on its time line;
 * this much is allowed for that rounding and the network. Without a `Date` header, a minute.
 */
const SKEW_MARGIN_MS = 2_000;
const UNKNOWN_SKEW_MS = 60_000;
/** A `Date` header further off than this is a gateway's or a broken clock's, not the server's: it is ignored. */
const MAX_TRUSTED_OFFSET_MS = 10 * 60_000;
/** When the history shows nothing, it is read again after these delays (a read replica may lag). */
const RECHECKS_MS = [0, 2_000, 5_000];
const LOOKUP_BUDGET_MS = 60_000;
/** At most this many candidates are named in an error. */
const job_history_MAX_LISTED = 10;
/**
 * The job group this step created, if the history proves it shows exactly one of this recipe created since the
 * first send; undefined if it proves there is none. Throws `TriggerUnsettledError` when there are several, when
 * it cannot prove there is no other, or when the history cannot be read.
 */
async function findOwnJobGroup(history, context, cause) {
    const { ctx } = history;
    const requestId = cause instanceof ApiError ? cause.requestId : '';
    let reading = { candidates: [] };
    // A history that lags shows nothing yet: it is asked again a little later before "nothing" is believed.
    for (const wait of RECHECKS_MS) {
        if (wait > 0)
            await ctx.clock.sleep(wait, ctx.signal);
        reading = await readHistory(history, context, requestId);
        if (reading.candidates.length > 0 || reading.unproven)
            break;
    }
    const { candidates, unproven } = reading;
    if (candidates.length > 1)
        throw several(history, context, candidates, requestId);
    if (unproven === undefined)
        return candidates[0];
    const [one] = candidates;
    const what = one
        ? `${context}; the job history shows job group ${one.id} of recipe ${history.recipeId}, but cannot prove ` +
            `that no other was created since then (${unproven}), so it is not adopted`
        : `${context}, and the job history cannot prove that no job group of recipe ${history.recipeId} was ` +
            `created since then (${unproven})`;
    throw unsettled(history, what, requestId);
}
function several(history, context, candidates, requestId) {
    const listed = candidates
        .slice(0, job_history_MAX_LISTED)
        .map((g) => `${g.id} (${history.historyUrl}/${g.id})`)
        .join(', ');
    history.ctx.log.debug(`Job groups of recipe ${history.recipeId} created since the first send: ${listed}`);
    return unsettled(history, `${context}, and the job history shows ${candidates.length} job groups of recipe ${history.recipeId} created ` +
        `since then, so another run may have started the same recipe: ${listed}. None is adopted or cancelled`, requestId);
}
/** One reading: the first list endpoint that answers, paged until it proves or cannot. */
async function readHistory(history, context, requestId) {
    const { ctx } = history;
    const deadline = Math.min(ctx.deadline, ctx.clock.now() + LOOKUP_BUDGET_MS);
    const budget = { deadline, persistMs: LOOKUP_BUDGET_MS, signal: ctx.signal };
    const query = { limit: String(HISTORY_PAGE_ROWS), sort: '-createdAt', ranfor: 'recipe' };
    const since = String(history.firstSentAt - UNKNOWN_SKEW_MS);
    let lastError;
    for (const [endpoint, extra] of [
        ['/v4/jobLibrary', { 'dateFilter[createdAt][gte]': since }],
        ['/v4/jobGroups', {}]
    ]) {
        try {
            return await readPages(history, (offset) => history.api.list(endpoint, { ...query, ...extra, offset: String(offset) }, budget));
        }
        catch (error) {
            lastError = error;
            ctx.log.debug(`Looking up job groups with GET ${endpoint} failed: ${error.message}`);
        }
    }
    const why = lastError instanceof ApiError ? reason(lastError) : lastError.message;
    throw unsettled(history, `${context}, and the job history could not be read to check (${why})`, requestId);
}
/** Pages from offset 0 until the rows are older than the window, the history ends, or proof fails. */
async function readPages(history, read) {
    const found = new Map();
    let offset = 0;
    let previousLast;
    let window;
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
        const { groups, rows, serverNow } = await read(offset);
        // The window is placed on the server's time line once, by its first answer.
        window ??= windowStart(history, serverNow, history.ctx.clock.now());
        for (const g of groups) {
            if (g.wrangledDataset?.id === history.recipeId && history_pages_createdMs(g) >= window)
                found.set(g.id, g);
        }
        // A row without a usable id could be any job group, this step's own too: nothing is proven past it.
        const unusable = rows - groups.length;
        const verdict = unusable > 0
            ? { kind: 'unproven', why: `${unusable} job group${unusable > 1 ? 's' : ''} without a valid id` }
            : pageVerdict({ rows: groups, previousLast }, window);
        if (verdict.kind !== 'more') {
            return { candidates: [...found.values()], unproven: verdict.kind === 'unproven' ? verdict.why : undefined };
        }
        offset += rows;
        previousLast = history_pages_createdMs(groups.at(-1));
    }
    const unproven = `${MAX_HISTORY_PAGES} pages (${offset} job groups) did not reach one older than the first send`;
    return { candidates: [...found.values()], unproven };
}
/** The first send on the server's time line, less the margin; a minute earlier without a trusted `Date`. */
function windowStart(history, serverNow, readAt) {
    const offset = serverNow === undefined ? undefined : serverNow - readAt;
    const trusted = offset !== undefined && Math.abs(offset) <= MAX_TRUSTED_OFFSET_MS;
    return history.firstSentAt + (trusted ? offset - SKEW_MARGIN_MS : -UNKNOWN_SKEW_MS);
}
function unsettled(history, what, requestId) {
    const where = `the job history (${history.historyUrl}) for a job of recipe ${history.recipeId}`;
    return mayHaveStarted({ thing: 'job', where, stepStartedAt: history.firstSentAt }, what, requestId);
}

;// CONCATENATED MODULE: ./src/targets/recipe.ts








const WHY_RESENT = { resend: 'the server did not act on it', reconcile: 'no job group was created by it' };
class recipe_RecipeRun extends JobGroupRun {
    label;
    recipeId;
    body;
    historyUrl;
    constructor(api, recipeId, body, historyUrl) {
        super(api);
        this.recipeId = recipeId;
        this.body = body;
        this.historyUrl = historyUrl;
        this.label = `recipe ${recipeId}`;
    }
    /** The recipe's last Complete runs, this step's own job group left out. */
    pastRuns(ref, budget) {
        return pastRuns(this.api, [this.recipeId], ref.jobGroupIds, budget);
    }
    async start(ctx) {
        const firstSentAt = ctx.clock.now();
        const history = { api: this.api, recipeId: this.recipeId, historyUrl: this.historyUrl, ctx, firstSentAt };
        const settle = (failure) => this.settle(history, failure);
        const attempt = async () => {
            const response = await this.api.run(this.body, ctx.executionId, ctx.deadline, ctx.signal);
            if (response.status === 304) {
                const found = await this.adopt(history, 'the server answered 304 Not Modified to a repeated send', response.requestId);
                if (found)
                    return found;
                const what = 'the server answered 304 (a job group with this execution id exists) but it is not in the history';
                throw unsettled(history, what, response.requestId);
            }
            const id = response.data?.id;
            if (isId(id))
                return this.started(ctx, id, response.requestId, false);
            const body = JSON.stringify(response.data) ?? '';
            return (await settle(new ApiError({ method: 'POST', path: '/v4/jobGroups', ...response, body })));
        };
        return startWithRetries(ctx, 'POST /v4/jobGroups', attempt, {
            retryable: (error) => triggerDecision(error) !== 'fail',
            beforeRetry: settle,
            describe: (failure, delay) => {
                const why = WHY_RESENT[triggerDecision(failure)];
                return `POST /v4/jobGroups failed (${reason(failure)}); ${why}, sending again in ${format_formatMs(delay)}`;
            }
        });
    }
    started(ctx, id, requestId, adopted) {
        this.createdAt = ctx.clock.now();
        return { ref: { kind: 'recipe', id, jobGroupIds: [id] }, requestId, adopted, attached: false };
    }
    /** After a failure: `settle` must find the job group; `reconcile` may send again if none was created. */
    async settle(history, failure) {
        const decision = triggerDecision(failure);
        if (decision === 'resend')
            return undefined;
        const why = `the trigger's answer was lost (${reason(failure)})`;
        const found = await this.adopt(history, why, requestIdOf(failure), failure);
        if (found || decision === 'reconcile')
            return found;
        const what = `the server acted on the trigger (${reason(failure)}) but no job group of it was found`;
        throw unsettled(history, what, requestIdOf(failure));
    }
    /** The job group found in the history, adopted; undefined if none; throws if it cannot be settled. */
    async adopt(history, why, requestId, failure) {
        const group = await findOwnJobGroup(history, why, failure);
        if (!group)
            return undefined;
        history.ctx.log.warning(`${why}; job group ${group.id} of recipe ${this.recipeId}, created at ${group.createdAt ?? 'an unknown time'}, ` +
            'was found in the job history and is used instead of sending the trigger again.');
        return this.started(history.ctx, group.id, requestId, true);
    }
}

;// CONCATENATED MODULE: ./src/targets/index.ts
/** The kind of run the inputs ask for, and the run a saved reference names (for the post step). */









function runKindFor(config, api) {
    const { target } = config;
    switch (target.kind) {
        case 'recipe': {
            const body = buildRunJobGroupRequest(target.recipeId, config.overrides, config.runParameters);
            return new RecipeRun(api, target.recipeId, body, appLink(config, '/jobs'));
        }
        case 'job':
            return new AttachedJobGroup(api, target.jobId);
        case 'flow': {
            const body = buildRunFlowRequest(target.recipeIds, config.overrides, config.runParameters);
            return new FlowRun(api, target.flowId, body, config);
        }
        case 'plan':
            return new PlanRun(api, target.planId, config);
        case 'none':
            throw new Error('No run target: a dry run without one only signs in, and runs nothing.');
    }
}
/** What the post step needs of a saved run: its cancel (a flow's: each of its saved job groups). */
function savedRun(ref, api) {
    switch (ref.kind) {
        case 'recipe':
        case 'job-group':
            return new JobGroupRun(api);
        case 'flow':
            return new JobGroupSet(api);
        case 'plan':
            return new plan_PlanRun(api, undefined, { appUrl: '', appQuery: '' });
    }
}

// EXTERNAL MODULE: ../node_modules/@actions/http-client/lib/index.js + 1 modules
var lib = __nccwpck_require__(8564);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __nccwpck_require__(7030);
// EXTERNAL MODULE: external "node:tls"
var external_node_tls_ = __nccwpck_require__(1692);
;// CONCATENATED MODULE: ./src/http/tls-probe.ts
/**
 * TLS probe: whether a port speaks TLS. Asked only after a plain-http request was reset without an answer: a TLS
 * server drops such a request unread, so when the port speaks TLS, the request certainly did not reach the API.
 */


const PROBE_MS = 2_000;
/** True when a TLS handshake with the URL's host and port succeeds (certificate unchecked: nothing is sent). */
function speaksTls(url) {
    return new Promise((resolve) => {
        const host = url.hostname.replace(/^\[|\]$/g, '');
        const port = Number(url.port || 80);
        const socket = (0,external_node_tls_.connect)({ host, port, rejectUnauthorized: false, servername: (0,external_node_net_.isIP)(host) ? undefined : host });
        const done = (result) => {
            clearTimeout(timer);
            socket.destroy();
            resolve(result);
        };
        const timer = setTimeout(() => done(false), PROBE_MS);
        socket.once('secureConnect', () => done(true));
        socket.once('error', () => done(false));
    });
}

;// CONCATENATED MODULE: ./src/http/transport.ts
/**
 * Transport: the one seam through which every HTTP request goes, built on @actions/http-client (which honours
 * the runner's proxy settings). It adds what the client lacks: a per-request timeout that covers the whole
 * answer, abort on a signal, a bounded answer size, IPv6 literal hosts, redirects followed only within the
 * origin of the request (the token never goes elsewhere), and a classification of failures by whether the
 * request can have reached the server.
 */




/** Answers larger than this are refused: no API answer the action reads comes near it. */
const MAX_BODY_BYTES = 8 * 1024 * 1024;
const REDIRECTS = [301, 302, 303, 307, 308];
const MAX_REDIRECTS = 5;
/** The production transport. */
function createHttpTransport(userAgent) {
    return async (request) => {
        let current = request;
        for (let hop = 0;; hop++) {
            const response = await sendOnce(userAgent, current);
            const location = response.headers.location;
            if (!REDIRECTS.includes(response.status) || !location)
                return response;
            if (hop >= MAX_REDIRECTS)
                throw new TransportError('redirect', `too many redirects (last to ${location})`);
            current = redirected(current, response.status, location);
        }
    };
}
/** The next request of a redirect: only to the same origin (scheme, host and port), else a `redirect` error. */
function redirected(request, status, location) {
    const from = new URL(request.url);
    const to = new URL(location, from);
    if (to.origin !== from.origin) {
        throw new TransportError('redirect', `the server redirected to ${to.origin}${to.pathname}, another origin than ${from.origin}; the token is only ` +
            `sent to api-url's origin, so the redirect was not followed. If that is the right API, set api-url to ` +
            `${to.origin}.`);
    }
    if (request.method !== 'GET' && status !== 307 && status !== 308) {
        throw new TransportError('redirect', `the server answered ${status} with a redirect to ${to.pathname} for a ${request.method}; ` +
            'set api-url to the final address.');
    }
    return { ...request, url: to.href };
}
const ipv6Literals = {
    prepareRequest(options) {
        if (options.host?.startsWith('['))
            options.host = options.host.slice(1, -1);
    },
    canHandleAuthentication: () => false,
    handleAuthentication: () => Promise.reject(new Error('not supported'))
};
function sendOnce(userAgent, request) {
    const options = { allowRedirects: false, allowRetries: false, keepAlive: false, socketTimeout: request.timeoutMs };
    const client = new lib/* HttpClient */.Qq(userAgent, [ipv6Literals], options);
    const what = `${request.method} ${new URL(request.url).pathname}`;
    return new Promise((resolve, reject) => {
        let settled = false;
        const finish = (error, response) => {
            if (settled)
                return;
            settled = true;
            clearTimeout(timer);
            request.signal?.removeEventListener('abort', onAbort);
            client.dispose();
            if (error)
                reject(error);
            else
                resolve(response);
        };
        const onAbort = () => finish(new TransportError('aborted', abortReason(request.signal).message));
        const seconds = Math.round(request.timeoutMs / 1000);
        const timer = setTimeout(() => finish(new TransportError('timeout', `no answer within ${seconds}s`)), request.timeoutMs);
        if (request.signal?.aborted) {
            return finish(new TransportError('withheld', `not sent: ${abortReason(request.signal).message}`));
        }
        request.signal?.addEventListener('abort', onAbort, { once: true });
        client
            .request(request.method, request.url, request.body ?? null, { ...request.headers })
            .then((res) => readBody(res.message, what, request.binary))
            .then(({ message, ...body }) => finish(undefined, { status: message.statusCode ?? 0, headers: flatHeaders(message), ...body }))
            .catch(async (error) => finish(await unread(classify(error, new URL(request.url).host), request.url)));
    });
}
/** A plain-http request reset unanswered by a port that speaks TLS was never read: nothing reached the API. */
async function unread(error, url) {
    const target = new URL(url);
    if (error.kind !== 'reset' || error.status !== undefined || target.protocol !== 'http:')
        return error;
    if (!(await speaksTls(target)))
        return error;
    return new TransportError('tls', `${target.host} speaks https, not plain http, so the request was dropped unread: ` +
        `use https://${target.host} in api-url`);
}
function readBody(message, what, binary) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        const status = message.statusCode;
        let cut = false;
        const done = (truncated) => {
            cut ||= truncated;
            const all = Buffer.concat(chunks);
            resolve(binary ? { message, body: '', bytes: all, truncated } : { message, body: all.toString('utf8') });
        };
        message.on('data', (chunk) => {
            if (cut)
                return;
            size += chunk.length;
            const max = binary?.maxBytes ?? MAX_BODY_BYTES;
            if (size <= max)
                return void chunks.push(chunk);
            if (binary) {
                // Kept up to the bound, then the rest is not read: resolved before the destroy's 'aborted'.
                chunks.push(chunk.subarray(0, chunk.length - (size - max)));
                done(true);
                return void message.destroy();
            }
            const large = `the answer to ${what} (HTTP ${status}) is larger than 8 MiB; it was not read`;
            // Rejected before the destroy, whose 'aborted' would otherwise call it cut short.
            reject(new TransportError('too-large', large, status));
            message.destroy();
        });
        message.on('end', () => done(false));
        message.on('error', () => reject(cutShort(what, status)));
        message.on('aborted', () => reject(cutShort(what, status)));
    });
}
function cutShort(what, status) {
    return new TransportError('reset', `the answer to ${what} (HTTP ${status}) was cut short`, status);
}
function flatHeaders(message) {
    const out = {};
    for (const [name, value] of Object.entries(message.headers)) {
        if (value !== undefined)
            out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    return out;
}

;// CONCATENATED MODULE: ./src/post.ts
/**
 * The post step, the backstop: when the main step was killed while waiting for a run it started (so it could
 * not cancel it itself), cancel that run. It only reads saved state and may cancel; it never starts anything.
 * With missing, malformed or unexpected state it does nothing and writes one debug line.
 */














const POST_BUDGET_MS = 20_000;
async function run(transport = createHttpTransport(USER_AGENT), clock = realClock) {
    const { run: saved, why } = readSavedRun((key) => lib_core/* getState */.Gu(key));
    if (!saved)
        return shared_log/* log */.Rm.debug(`Post step: nothing to clean up (${why}).`);
    const config = await readConfig({ quiet: true });
    if (!config)
        return shared_log/* log */.Rm.debug('Post step: the inputs are invalid; nothing to clean up.');
    const jobId = saved.ref.jobGroupIds[0] ?? (saved.ref.kind === 'plan' ? undefined : saved.ref.id);
    const composite = compositeOf(config);
    const subject = composite?.subject ?? `job ${jobId}`;
    if (!postStepShouldCancel(saved, config.cancelOnWorkflowCancel))
        return shared_log/* log */.Rm.debug(`Post step: nothing to clean up for ${subject}.`);
    shared_log/* log */.Rm.warning(`The main step stopped before ${subject} finished (the workflow was probably cancelled); cancelling it.`, {
        title: 'Cancelling job'
    });
    const tokens = postStepToken(config, (key) => lib_core/* getState */.Gu(key));
    const run = savedRun(saved.ref, connect(config, transport, clock, tokens));
    const budget = { deadline: clock.now() + POST_BUDGET_MS, persistMs: POST_BUDGET_MS };
    const jobUrl = jobId === undefined ? undefined : results_inputs_appLink(config, `/jobs/${jobId}`);
    const fate = await endRun(run, saved.ref, {
        reason: 'post-step',
        attached: false,
        allowed: true,
        subject,
        url: composite?.url ?? jobUrl,
        budget
    });
    const after = { deadline: Math.min(budget.deadline, clock.now() + STATUS_AFTER_CANCEL_MS), persistMs: POST_BUDGET_MS };
    const status = await (0,shared_log/* quietly */.gd)(`Post step: reading the status of ${subject}`, () => run.status(saved.ref, after));
    if (!fate.cancelled)
        shared_log/* log */.Rm.warning(fate.text, { title: 'Job not cancelled' });
    else if (status)
        shared_log/* log */.Rm.info(`Status now: ${status}.`);
    await writeSummary({
        ending: 'workflow-cancelled',
        jobId,
        attached: false,
        adopted: false,
        status,
        requestId: saved.requestId,
        jobUrl,
        runParameters: [],
        stages: [],
        notes: [fate.text],
        jobGroupIds: saved.ref.jobGroupIds,
        composite
    });
}


/***/ }),

/***/ 9065:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   r: () => (/* binding */ withoutCredentials)
/* harmony export */ });
/**
 * Credentials that server text can carry without being a registered secret: a URL's `user:password@`, and
 * `password=…`-style pairs of connection strings (JDBC, ODBC, SAS tokens). Removed from every text the action
 * prints or writes (through `redact`), and from what it keeps of an output's uri or a table's path. Written here,
 * not taken from a library: no well-kept one scrubs arbitrary connection-string dialects, and the rule needed is
 * small. A value ends only at `;`, `&`, white space or a quote, so a password with other punctuation is hidden
 * whole (and a closing bracket after it with it). Pure.
 */
/** `scheme://user:pass@host` → `scheme://host` (the userinfo may hold an `@` of its own). */
const USERINFO = /([a-z][a-z0-9+.-]{0,30}:\/\/)[^/\s?#]*@/gi;
/** Keys whose value is a credential in connection strings and signed URLs. */
const SECRET_KEYS = [
    'password',
    'passwd',
    'pwd',
    'pass',
    'secret',
    'token',
    'access[_-]?token',
    'api[_-]?key',
    'access[_-]?key',
    'secret[_-]?key',
    'account[_-]?key',
    'sharedaccesskey',
    'sig',
    'signature',
    'credentials?',
    'auth',
    'pvtkey',
    'private[_-]?key'
];
/** A key naming a credential, also behind a prefix (`trustStorePassword`, `private_key_pwd`, `OAuthPvtKey`). */
const KEY = `[a-z0-9_-]*?(?:${SECRET_KEYS.join('|')})`;
/** `password=…`, `pwd=…`, `password%3D…`, … up to the next `;`, `&`, white space or quote (or a quoted value whole). */
const SECRET_PAIR = new RegExp(`\\b(${KEY})(\\s*(?:=|%3d)\\s*)(\\\\?"[^"]*"|'[^']*'|[^;&\\s"']*)`, 'gi');
/**
 * `"password": "…"` of a JSON text, also one inside a JSON string (`\"password\": \"…\"`). Only JSON's double
 * quotes: the action's own messages name inputs as `'api-token': …`, which is no credential.
 */
const JSON_PAIR = new RegExp(`(\\\\?")(${KEY})\\1(\\s*:\\s*)(\\\\?"[^"]*"|[^,}\\s]*)`, 'gi');
/** Oracle's `user/password@host` (`jdbc:oracle:thin:scott/tiger@db`, `connect scott/tiger@orcl`). */
const SLASH_LOGIN = /(jdbc:oracle:[a-z]+:|^|[\s=(])[a-z][\w$#.]*\/[^\s/@"']+@/gi;
/** `text` without the credentials it names. */
function withoutCredentials(text) {
    return text
        .replace(USERINFO, '$1')
        .replace(SLASH_LOGIN, '$1')
        .replace(SECRET_PAIR, (_, key, sep) => `${key}${sep}***`)
        .replace(JSON_PAIR, (_, q, key, sep) => `${q}${key}${q}${sep}${q}***${q}`);
}


/***/ }),

/***/ 9509:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $0: () => (/* binding */ neutralise),
/* harmony export */   Rm: () => (/* binding */ log),
/* harmony export */   gd: () => (/* binding */ quietly)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3676);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(7158);
/**
 * The action's log, the one seam every line goes through: secrets are redacted, and no line can start a
 * workflow command, also not one carried inside server text. Every message is defused line by line: plain lines
 * would be read as commands, and the lines of an annotation or debug message (which @actions/core escapes) are
 * shown as lines again by the runner, so they too must not begin like one.
 */


const log = {
    info: (message) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(safe(message)),
    debug: (message) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .debug */ .Yz(safe(message)),
    notice: (message, annotation = {}) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .notice */ .lm(safe(message), clean(annotation)),
    warning: (message, annotation = {}) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(safe(message), clean(annotation)),
    error: (message, annotation = {}) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(safe(message), clean(annotation)),
    startGroup: (name) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .startGroup */ .Oh((0,_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(name)),
    endGroup: () => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .endGroup */ .N4()
};
/**
 * Every line that the runner would read as a command (`::name::`, or the older `##[name]` and `##vso[`) gets a
 * space after its first character, so it prints as text. Pure.
 */
function neutralise(text) {
    return text.replace(/(^|[\r\n])([ \t]*)(::|##)/g, (_, start, indent, mark) => `${start}${indent}${mark[0]} ${mark[1]}`);
}
/** `fn`'s value, or undefined with a debug line: for reads whose failure only shortens a report. */
async function quietly(what, fn) {
    try {
        return await fn();
    }
    catch (error) {
        log.debug(`${what} failed: ${error.message}`);
        return undefined;
    }
}
/** Redacted, and defused line by line. */
const safe = (text) => neutralise((0,_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E$)(text));
function clean(annotation) {
    return annotation.title ? { title: safe(annotation.title) } : {};
}


/***/ }),

/***/ 7158:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   E$: () => (/* binding */ redact),
/* harmony export */   cl: () => (/* binding */ registerSecret)
/* harmony export */ });
/* unused harmony export redactLine */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3676);
/* harmony import */ var _credentials_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(9065);
/**
 * Secrets: the tokens are masked in the runner log at once, and removed from every text the action prints or
 * writes (log lines, annotations, outputs, summary, PR comment), since servers sometimes echo what they received.
 */


const secrets = new Set();
/** Register a secret: `::add-mask::` for the runner, and redaction for everything written by the action. */
function registerSecret(value) {
    const pasted = value.trim();
    // Pasted as `Bearer <token>`: the bare token is what gets sent, and what a server may echo.
    for (const secret of new Set([pasted, pasted.replace(/^bearer\s+/i, '')])) {
        if (secret.length < 4 || secrets.has(secret))
            continue;
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setSecret */ .Pq(secret);
        for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])
            secrets.add(form);
    }
}
/**
 * `text` with every registered secret replaced by `***`, and the credentials it names (a URL's `user:password@`,
 * `password=…` pairs of connection strings) removed: server text can carry a database's.
 */
function redact(text) {
    let out = (0,_credentials_js__WEBPACK_IMPORTED_MODULE_1__/* .withoutCredentials */ .r)(text);
    for (const secret of secrets)
        out = out.split(secret).join('***');
    if (!BREAK.test(out))
        return out;
    // A secret cut by a line break (also an escaped one of a JSON text) loses both pieces.
    const parts = out.split(BREAKS);
    return parts.map((p, i) => (i % 2 === 1 ? p : withoutCutEnds(p, i > 0, i < parts.length - 1))).join('');
}
/** A line break, or one escaped inside a JSON string. */
const BREAK = /\r|\n|\\[rn]/;
const BREAKS = /(\r\n|\r|\n|\\r\\n|\\r|\\n)/;
/** Shortest piece of a secret taken for one cut by a line break. */
const MIN_CUT = 4;
/**
 * A log line redacted, and also without a piece of a secret that a line break cut: a line ending with the start
 * of a secret, or starting with its end, loses that piece (the other half is on the next or previous line).
 */
function redactLine(line) {
    return withoutCutEnds(redact(line), true, true);
}
/** `line` without a piece (of `MIN_CUT` characters or more) of a secret at its start or end, where asked. */
function withoutCutEnds(line, atStart, atEnd) {
    let out = line;
    for (const secret of secrets) {
        for (let n = secret.length - 1; n >= MIN_CUT; n--) {
            if (atEnd && out.endsWith(secret.slice(0, n)))
                out = `${out.slice(0, -n)}***`;
            if (atStart && out.startsWith(secret.slice(-n)))
                out = `***${out.slice(n)}`;
        }
    }
    return out;
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 7540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("process");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 3043:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var Scalar = __nccwpck_require__(1543);
var YAMLMap = __nccwpck_require__(1856);
var YAMLSeq = __nccwpck_require__(3013);
var resolveBlockMap = __nccwpck_require__(9573);
var resolveBlockSeq = __nccwpck_require__(1120);
var resolveFlowCollection = __nccwpck_require__(8884);

function resolveCollection(CN, ctx, token, onError, tagName, tag) {
    const coll = token.type === 'block-map'
        ? resolveBlockMap.resolveBlockMap(CN, ctx, token, onError, tag)
        : token.type === 'block-seq'
            ? resolveBlockSeq.resolveBlockSeq(CN, ctx, token, onError, tag)
            : resolveFlowCollection.resolveFlowCollection(CN, ctx, token, onError, tag);
    const Coll = coll.constructor;
    // If we got a tagName matching the class, or the tag name is '!',
    // then use the tagName from the node class used to create it.
    if (tagName === '!' || tagName === Coll.tagName) {
        coll.tag = Coll.tagName;
        return coll;
    }
    if (tagName)
        coll.tag = tagName;
    return coll;
}
function composeCollection(CN, ctx, token, props, onError) {
    const tagToken = props.tag;
    const tagName = !tagToken
        ? null
        : ctx.directives.tagName(tagToken.source, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg));
    if (token.type === 'block-seq') {
        const { anchor, newlineAfterProp: nl } = props;
        const lastProp = anchor && tagToken
            ? anchor.offset > tagToken.offset
                ? anchor
                : tagToken
            : (anchor ?? tagToken);
        if (lastProp && (!nl || nl.offset < lastProp.offset)) {
            const message = 'Missing newline after block sequence props';
            onError(lastProp, 'MISSING_CHAR', message);
        }
    }
    const expType = token.type === 'block-map'
        ? 'map'
        : token.type === 'block-seq'
            ? 'seq'
            : token.start.source === '{'
                ? 'map'
                : 'seq';
    // shortcut: check if it's a generic YAMLMap or YAMLSeq
    // before jumping into the custom tag logic.
    if (!tagToken ||
        !tagName ||
        tagName === '!' ||
        (tagName === YAMLMap.YAMLMap.tagName && expType === 'map') ||
        (tagName === YAMLSeq.YAMLSeq.tagName && expType === 'seq')) {
        return resolveCollection(CN, ctx, token, onError, tagName);
    }
    let tag = ctx.schema.tags.find(t => t.tag === tagName && t.collection === expType);
    if (!tag) {
        const kt = ctx.schema.knownTags[tagName];
        if (kt?.collection === expType) {
            ctx.schema.tags.push(Object.assign({}, kt, { default: false }));
            tag = kt;
        }
        else {
            if (kt) {
                onError(tagToken, 'BAD_COLLECTION_TYPE', `${kt.tag} used for ${expType} collection, but expects ${kt.collection ?? 'scalar'}`, true);
            }
            else {
                onError(tagToken, 'TAG_RESOLVE_FAILED', `Unresolved tag: ${tagName}`, true);
            }
            return resolveCollection(CN, ctx, token, onError, tagName);
        }
    }
    const coll = resolveCollection(CN, ctx, token, onError, tagName, tag);
    const res = tag.resolve?.(coll, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg), ctx.options) ?? coll;
    const node = identity.isNode(res)
        ? res
        : new Scalar.Scalar(res);
    node.range = coll.range;
    node.tag = tagName;
    if (tag?.format)
        node.format = tag.format;
    return node;
}

exports.composeCollection = composeCollection;


/***/ }),

/***/ 4153:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Document = __nccwpck_require__(3915);
var composeNode = __nccwpck_require__(7691);
var resolveEnd = __nccwpck_require__(2022);
var resolveProps = __nccwpck_require__(3121);

function composeDoc(options, directives, { offset, start, value, end }, onError) {
    const opts = Object.assign({ _directives: directives }, options);
    const doc = new Document.Document(undefined, opts);
    const ctx = {
        atKey: false,
        atRoot: true,
        directives: doc.directives,
        options: doc.options,
        schema: doc.schema
    };
    const props = resolveProps.resolveProps(start, {
        indicator: 'doc-start',
        next: value ?? end?.[0],
        offset,
        onError,
        parentIndent: 0,
        startOnNewline: true
    });
    if (props.found) {
        doc.directives.docStart = true;
        if (value &&
            (value.type === 'block-map' || value.type === 'block-seq') &&
            !props.hasNewline)
            onError(props.end, 'MISSING_CHAR', 'Block collection cannot start on same line with directives-end marker');
    }
    // @ts-expect-error If Contents is set, let's trust the user
    doc.contents = value
        ? composeNode.composeNode(ctx, value, props, onError)
        : composeNode.composeEmptyNode(ctx, props.end, start, null, props, onError);
    const contentEnd = doc.contents.range[2];
    const re = resolveEnd.resolveEnd(end, contentEnd, false, onError);
    if (re.comment)
        doc.comment = re.comment;
    doc.range = [offset, contentEnd, re.offset];
    return doc;
}

exports.composeDoc = composeDoc;


/***/ }),

/***/ 7691:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(7);
var identity = __nccwpck_require__(1737);
var composeCollection = __nccwpck_require__(3043);
var composeScalar = __nccwpck_require__(6547);
var resolveEnd = __nccwpck_require__(2022);
var utilEmptyScalarPosition = __nccwpck_require__(3933);

const CN = { composeNode, composeEmptyNode };
function composeNode(ctx, token, props, onError) {
    const atKey = ctx.atKey;
    const { spaceBefore, comment, anchor, tag } = props;
    let node;
    let isSrcToken = true;
    switch (token.type) {
        case 'alias':
            node = composeAlias(ctx, token, onError);
            if (anchor || tag)
                onError(token, 'ALIAS_PROPS', 'An alias node must not specify any properties');
            break;
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar':
        case 'block-scalar':
            node = composeScalar.composeScalar(ctx, token, tag, onError);
            if (anchor)
                node.anchor = anchor.source.substring(1);
            break;
        case 'block-map':
        case 'block-seq':
        case 'flow-collection':
            try {
                node = composeCollection.composeCollection(CN, ctx, token, props, onError);
                if (anchor)
                    node.anchor = anchor.source.substring(1);
            }
            catch (error) {
                // Almost certainly here due to a stack overflow
                const message = error instanceof Error ? error.message : String(error);
                onError(token, 'RESOURCE_EXHAUSTION', message);
            }
            break;
        default: {
            const message = token.type === 'error'
                ? token.message
                : `Unsupported token (type: ${token.type})`;
            onError(token, 'UNEXPECTED_TOKEN', message);
            isSrcToken = false;
        }
    }
    node ?? (node = composeEmptyNode(ctx, token.offset, undefined, null, props, onError));
    if (anchor && node.anchor === '')
        onError(anchor, 'BAD_ALIAS', 'Anchor cannot be an empty string');
    if (atKey &&
        ctx.options.stringKeys &&
        (!identity.isScalar(node) ||
            typeof node.value !== 'string' ||
            (node.tag && node.tag !== 'tag:yaml.org,2002:str'))) {
        const msg = 'With stringKeys, all keys must be strings';
        onError(tag ?? token, 'NON_STRING_KEY', msg);
    }
    if (spaceBefore)
        node.spaceBefore = true;
    if (comment) {
        if (token.type === 'scalar' && token.source === '')
            node.comment = comment;
        else
            node.commentBefore = comment;
    }
    // @ts-expect-error Type checking misses meaning of isSrcToken
    if (ctx.options.keepSourceTokens && isSrcToken)
        node.srcToken = token;
    return node;
}
function composeEmptyNode(ctx, offset, before, pos, { spaceBefore, comment, anchor, tag, end }, onError) {
    const token = {
        type: 'scalar',
        offset: utilEmptyScalarPosition.emptyScalarPosition(offset, before, pos),
        indent: -1,
        source: ''
    };
    const node = composeScalar.composeScalar(ctx, token, tag, onError);
    if (anchor) {
        node.anchor = anchor.source.substring(1);
        if (node.anchor === '')
            onError(anchor, 'BAD_ALIAS', 'Anchor cannot be an empty string');
    }
    if (spaceBefore)
        node.spaceBefore = true;
    if (comment) {
        node.comment = comment;
        node.range[2] = end;
    }
    return node;
}
function composeAlias({ options }, { offset, source, end }, onError) {
    const alias = new Alias.Alias(source.substring(1));
    if (alias.source === '')
        onError(offset, 'BAD_ALIAS', 'Alias cannot be an empty string');
    if (alias.source.endsWith(':'))
        onError(offset + source.length - 1, 'BAD_ALIAS', 'Alias ending in : is ambiguous', true);
    const valueEnd = offset + source.length;
    const re = resolveEnd.resolveEnd(end, valueEnd, options.strict, onError);
    alias.range = [offset, valueEnd, re.offset];
    if (re.comment)
        alias.comment = re.comment;
    return alias;
}

exports.composeEmptyNode = composeEmptyNode;
exports.composeNode = composeNode;


/***/ }),

/***/ 6547:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var Scalar = __nccwpck_require__(1543);
var resolveBlockScalar = __nccwpck_require__(1399);
var resolveFlowScalar = __nccwpck_require__(2976);

function composeScalar(ctx, token, tagToken, onError) {
    const { value, type, comment, range } = token.type === 'block-scalar'
        ? resolveBlockScalar.resolveBlockScalar(ctx, token, onError)
        : resolveFlowScalar.resolveFlowScalar(token, ctx.options.strict, onError);
    const tagName = tagToken
        ? ctx.directives.tagName(tagToken.source, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg))
        : null;
    let tag;
    if (ctx.options.stringKeys && ctx.atKey) {
        tag = ctx.schema[identity.SCALAR];
    }
    else if (tagName)
        tag = findScalarTagByName(ctx.schema, value, tagName, tagToken, onError);
    else if (token.type === 'scalar')
        tag = findScalarTagByTest(ctx, value, token, onError);
    else
        tag = ctx.schema[identity.SCALAR];
    let scalar;
    try {
        const res = tag.resolve(value, msg => onError(tagToken ?? token, 'TAG_RESOLVE_FAILED', msg), ctx.options);
        scalar = identity.isScalar(res) ? res : new Scalar.Scalar(res);
    }
    catch (error) {
        const msg = error instanceof Error ? error.message : String(error);
        onError(tagToken ?? token, 'TAG_RESOLVE_FAILED', msg);
        scalar = new Scalar.Scalar(value);
    }
    scalar.range = range;
    scalar.source = value;
    if (type)
        scalar.type = type;
    if (tagName)
        scalar.tag = tagName;
    if (tag.format)
        scalar.format = tag.format;
    if (comment)
        scalar.comment = comment;
    return scalar;
}
function findScalarTagByName(schema, value, tagName, tagToken, onError) {
    if (tagName === '!')
        return schema[identity.SCALAR]; // non-specific tag
    const matchWithTest = [];
    for (const tag of schema.tags) {
        if (!tag.collection && tag.tag === tagName) {
            if (tag.default && tag.test)
                matchWithTest.push(tag);
            else
                return tag;
        }
    }
    for (const tag of matchWithTest)
        if (tag.test?.test(value))
            return tag;
    const kt = schema.knownTags[tagName];
    if (kt && !kt.collection) {
        // Ensure that the known tag is available for stringifying,
        // but does not get used by default.
        schema.tags.push(Object.assign({}, kt, { default: false, test: undefined }));
        return kt;
    }
    onError(tagToken, 'TAG_RESOLVE_FAILED', `Unresolved tag: ${tagName}`, tagName !== 'tag:yaml.org,2002:str');
    return schema[identity.SCALAR];
}
function findScalarTagByTest({ atKey, directives, schema }, value, token, onError) {
    const tag = schema.tags.find(tag => (tag.default === true || (atKey && tag.default === 'key')) &&
        tag.test?.test(value)) || schema[identity.SCALAR];
    if (schema.compat) {
        const compat = schema.compat.find(tag => tag.default && tag.test?.test(value)) ??
            schema[identity.SCALAR];
        if (tag.tag !== compat.tag) {
            const ts = directives.tagString(tag.tag);
            const cs = directives.tagString(compat.tag);
            const msg = `Value may be parsed as either ${ts} or ${cs}`;
            onError(token, 'TAG_RESOLVE_FAILED', msg, true);
        }
    }
    return tag;
}

exports.composeScalar = composeScalar;


/***/ }),

/***/ 2814:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);
var directives = __nccwpck_require__(2768);
var Document = __nccwpck_require__(3915);
var errors = __nccwpck_require__(8450);
var identity = __nccwpck_require__(1737);
var composeDoc = __nccwpck_require__(4153);
var resolveEnd = __nccwpck_require__(2022);

function getErrorPos(src) {
    if (typeof src === 'number')
        return [src, src + 1];
    if (Array.isArray(src))
        return src.length === 2 ? src : [src[0], src[1]];
    const { offset, source } = src;
    return [offset, offset + (typeof source === 'string' ? source.length : 1)];
}
function parsePrelude(prelude) {
    let comment = '';
    let atComment = false;
    let afterEmptyLine = false;
    for (let i = 0; i < prelude.length; ++i) {
        const source = prelude[i];
        switch (source[0]) {
            case '#':
                comment +=
                    (comment === '' ? '' : afterEmptyLine ? '\n\n' : '\n') +
                        (source.substring(1) || ' ');
                atComment = true;
                afterEmptyLine = false;
                break;
            case '%':
                if (prelude[i + 1]?.[0] !== '#')
                    i += 1;
                atComment = false;
                break;
            default:
                // This may be wrong after doc-end, but in that case it doesn't matter
                if (!atComment)
                    afterEmptyLine = true;
                atComment = false;
        }
    }
    return { comment, afterEmptyLine };
}
/**
 * Compose a stream of CST nodes into a stream of YAML Documents.
 *
 * ```ts
 * import { Composer, Parser } from 'yaml'
 *
 * const src: string = ...
 * const tokens = new Parser().parse(src)
 * const docs = new Composer().compose(tokens)
 * ```
 */
class Composer {
    constructor(options = {}) {
        this.doc = null;
        this.atDirectives = false;
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
        this.onError = (source, code, message, warning) => {
            const pos = getErrorPos(source);
            if (warning)
                this.warnings.push(new errors.YAMLWarning(pos, code, message));
            else
                this.errors.push(new errors.YAMLParseError(pos, code, message));
        };
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
        this.directives = new directives.Directives({ version: options.version || '1.2' });
        this.options = options;
    }
    decorate(doc, afterDoc) {
        const { comment, afterEmptyLine } = parsePrelude(this.prelude);
        //console.log({ dc: doc.comment, prelude, comment })
        if (comment) {
            const dc = doc.contents;
            if (afterDoc) {
                doc.comment = doc.comment ? `${doc.comment}\n${comment}` : comment;
            }
            else if (afterEmptyLine || doc.directives.docStart || !dc) {
                doc.commentBefore = comment;
            }
            else if (identity.isCollection(dc) && !dc.flow && dc.items.length > 0) {
                let it = dc.items[0];
                if (identity.isPair(it))
                    it = it.key;
                const cb = it.commentBefore;
                it.commentBefore = cb ? `${comment}\n${cb}` : comment;
            }
            else {
                const cb = dc.commentBefore;
                dc.commentBefore = cb ? `${comment}\n${cb}` : comment;
            }
        }
        if (afterDoc) {
            for (let i = 0; i < this.errors.length; ++i)
                doc.errors.push(this.errors[i]);
            for (let i = 0; i < this.warnings.length; ++i)
                doc.warnings.push(this.warnings[i]);
        }
        else {
            doc.errors = this.errors;
            doc.warnings = this.warnings;
        }
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
    }
    /**
     * Current stream status information.
     *
     * Mostly useful at the end of input for an empty stream.
     */
    streamInfo() {
        return {
            comment: parsePrelude(this.prelude).comment,
            directives: this.directives,
            errors: this.errors,
            warnings: this.warnings
        };
    }
    /**
     * Compose tokens into documents.
     *
     * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
     * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
     */
    *compose(tokens, forceDoc = false, endOffset = -1) {
        for (const token of tokens)
            yield* this.next(token);
        yield* this.end(forceDoc, endOffset);
    }
    /** Advance the composer by one CST token. */
    *next(token) {
        if (node_process.env.LOG_STREAM)
            console.dir(token, { depth: null });
        switch (token.type) {
            case 'directive':
                this.directives.add(token.source, (offset, message, warning) => {
                    const pos = getErrorPos(token);
                    pos[0] += offset;
                    this.onError(pos, 'BAD_DIRECTIVE', message, warning);
                });
                this.prelude.push(token.source);
                this.atDirectives = true;
                break;
            case 'document': {
                const doc = composeDoc.composeDoc(this.options, this.directives, token, this.onError);
                if (this.atDirectives && !doc.directives.docStart)
                    this.onError(token, 'MISSING_CHAR', 'Missing directives-end/doc-start indicator line');
                this.decorate(doc, false);
                if (this.doc)
                    yield this.doc;
                this.doc = doc;
                this.atDirectives = false;
                break;
            }
            case 'byte-order-mark':
            case 'space':
                break;
            case 'comment':
            case 'newline':
                this.prelude.push(token.source);
                break;
            case 'error': {
                const msg = token.source
                    ? `${token.message}: ${JSON.stringify(token.source)}`
                    : token.message;
                const error = new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', msg);
                if (this.atDirectives || !this.doc)
                    this.errors.push(error);
                else
                    this.doc.errors.push(error);
                break;
            }
            case 'doc-end': {
                if (!this.doc) {
                    const msg = 'Unexpected doc-end without preceding document';
                    this.errors.push(new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', msg));
                    break;
                }
                this.doc.directives.docEnd = true;
                const end = resolveEnd.resolveEnd(token.end, token.offset + token.source.length, this.doc.options.strict, this.onError);
                this.decorate(this.doc, true);
                if (end.comment) {
                    const dc = this.doc.comment;
                    this.doc.comment = dc ? `${dc}\n${end.comment}` : end.comment;
                }
                this.doc.range[2] = end.offset;
                break;
            }
            default:
                this.errors.push(new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', `Unsupported token ${token.type}`));
        }
    }
    /**
     * Call at end of input to yield any remaining document.
     *
     * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
     * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
     */
    *end(forceDoc = false, endOffset = -1) {
        if (this.doc) {
            this.decorate(this.doc, true);
            yield this.doc;
            this.doc = null;
        }
        else if (forceDoc) {
            const opts = Object.assign({ _directives: this.directives }, this.options);
            const doc = new Document.Document(undefined, opts);
            if (this.atDirectives)
                this.onError(endOffset, 'MISSING_CHAR', 'Missing directives-end indicator line');
            doc.range = [0, endOffset, endOffset];
            this.decorate(doc, false);
            yield doc;
        }
    }
}

exports.Composer = Composer;


/***/ }),

/***/ 9573:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Pair = __nccwpck_require__(7567);
var YAMLMap = __nccwpck_require__(1856);
var resolveProps = __nccwpck_require__(3121);
var utilContainsNewline = __nccwpck_require__(7865);
var utilFlowIndentCheck = __nccwpck_require__(5637);
var utilMapIncludes = __nccwpck_require__(1117);

const startColMsg = 'All mapping items must start at the same column';
function resolveBlockMap({ composeNode, composeEmptyNode }, ctx, bm, onError, tag) {
    const NodeClass = tag?.nodeClass ?? YAMLMap.YAMLMap;
    const map = new NodeClass(ctx.schema);
    if (ctx.atRoot)
        ctx.atRoot = false;
    let offset = bm.offset;
    let commentEnd = null;
    for (const collItem of bm.items) {
        const { start, key, sep, value } = collItem;
        // key properties
        const keyProps = resolveProps.resolveProps(start, {
            indicator: 'explicit-key-ind',
            next: key ?? sep?.[0],
            offset,
            onError,
            parentIndent: bm.indent,
            startOnNewline: true
        });
        const implicitKey = !keyProps.found;
        if (implicitKey) {
            if (key) {
                if (key.type === 'block-seq')
                    onError(offset, 'BLOCK_AS_IMPLICIT_KEY', 'A block sequence may not be used as an implicit map key');
                else if ('indent' in key && key.indent !== bm.indent)
                    onError(offset, 'BAD_INDENT', startColMsg);
            }
            if (!keyProps.anchor && !keyProps.tag && !sep) {
                commentEnd = keyProps.end;
                if (keyProps.comment) {
                    if (map.comment)
                        map.comment += '\n' + keyProps.comment;
                    else
                        map.comment = keyProps.comment;
                }
                continue;
            }
            if (keyProps.newlineAfterProp || utilContainsNewline.containsNewline(key)) {
                onError(key ?? start[start.length - 1], 'MULTILINE_IMPLICIT_KEY', 'Implicit keys need to be on a single line');
            }
        }
        else if (keyProps.found?.indent !== bm.indent) {
            onError(offset, 'BAD_INDENT', startColMsg);
        }
        // key value
        ctx.atKey = true;
        const keyStart = keyProps.end;
        const keyNode = key
            ? composeNode(ctx, key, keyProps, onError)
            : composeEmptyNode(ctx, keyStart, start, null, keyProps, onError);
        if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bm.indent, key, onError);
        ctx.atKey = false;
        if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
            onError(keyStart, 'DUPLICATE_KEY', 'Map keys must be unique');
        // value properties
        const valueProps = resolveProps.resolveProps(sep ?? [], {
            indicator: 'map-value-ind',
            next: value,
            offset: keyNode.range[2],
            onError,
            parentIndent: bm.indent,
            startOnNewline: !key || key.type === 'block-scalar'
        });
        offset = valueProps.end;
        if (valueProps.found) {
            if (implicitKey) {
                if (value?.type === 'block-map' && !valueProps.hasNewline)
                    onError(offset, 'BLOCK_AS_IMPLICIT_KEY', 'Nested mappings are not allowed in compact mappings');
                if (ctx.options.strict &&
                    keyProps.start < valueProps.found.offset - 1024)
                    onError(keyNode.range, 'KEY_OVER_1024_CHARS', 'The : indicator must be at most 1024 chars after the start of an implicit block mapping key');
            }
            // value value
            const valueNode = value
                ? composeNode(ctx, value, valueProps, onError)
                : composeEmptyNode(ctx, offset, sep, null, valueProps, onError);
            if (ctx.schema.compat)
                utilFlowIndentCheck.flowIndentCheck(bm.indent, value, onError);
            offset = valueNode.range[2];
            const pair = new Pair.Pair(keyNode, valueNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            map.items.push(pair);
        }
        else {
            // key with no value
            if (implicitKey)
                onError(keyNode.range, 'MISSING_CHAR', 'Implicit map keys need to be followed by map values');
            if (valueProps.comment) {
                if (keyNode.comment)
                    keyNode.comment += '\n' + valueProps.comment;
                else
                    keyNode.comment = valueProps.comment;
            }
            const pair = new Pair.Pair(keyNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            map.items.push(pair);
        }
    }
    if (commentEnd && commentEnd < offset)
        onError(commentEnd, 'IMPOSSIBLE', 'Map comment with trailing content');
    map.range = [bm.offset, offset, commentEnd ?? offset];
    return map;
}

exports.resolveBlockMap = resolveBlockMap;


/***/ }),

/***/ 1399:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(1543);

function resolveBlockScalar(ctx, scalar, onError) {
    const start = scalar.offset;
    const header = parseBlockScalarHeader(scalar, ctx.options.strict, onError);
    if (!header)
        return { value: '', type: null, comment: '', range: [start, start, start] };
    const type = header.mode === '>' ? Scalar.Scalar.BLOCK_FOLDED : Scalar.Scalar.BLOCK_LITERAL;
    const lines = scalar.source ? splitLines(scalar.source) : [];
    // determine the end of content & start of chomping
    let chompStart = lines.length;
    for (let i = lines.length - 1; i >= 0; --i) {
        const content = lines[i][1];
        if (content === '' || content === '\r')
            chompStart = i;
        else
            break;
    }
    // shortcut for empty contents
    if (chompStart === 0) {
        const value = header.chomp === '+' && lines.length > 0
            ? '\n'.repeat(Math.max(1, lines.length - 1))
            : '';
        let end = start + header.length;
        if (scalar.source)
            end += scalar.source.length;
        return { value, type, comment: header.comment, range: [start, end, end] };
    }
    // find the indentation level to trim from start
    let trimIndent = scalar.indent + header.indent;
    let offset = scalar.offset + header.length;
    let contentStart = 0;
    for (let i = 0; i < chompStart; ++i) {
        const [indent, content] = lines[i];
        if (content === '' || content === '\r') {
            if (header.indent === 0 && indent.length > trimIndent)
                trimIndent = indent.length;
        }
        else {
            if (indent.length < trimIndent) {
                const message = 'Block scalars with more-indented leading empty lines must use an explicit indentation indicator';
                onError(offset + indent.length, 'MISSING_CHAR', message);
            }
            if (header.indent === 0)
                trimIndent = indent.length;
            contentStart = i;
            if (trimIndent === 0 && !ctx.atRoot) {
                const message = 'Block scalar values in collections must be indented';
                onError(offset, 'BAD_INDENT', message);
            }
            break;
        }
        offset += indent.length + content.length + 1;
    }
    // include trailing more-indented empty lines in content
    for (let i = lines.length - 1; i >= chompStart; --i) {
        if (lines[i][0].length > trimIndent)
            chompStart = i + 1;
    }
    let value = '';
    let sep = '';
    let prevMoreIndented = false;
    // leading whitespace is kept intact
    for (let i = 0; i < contentStart; ++i)
        value += lines[i][0].slice(trimIndent) + '\n';
    for (let i = contentStart; i < chompStart; ++i) {
        let [indent, content] = lines[i];
        offset += indent.length + content.length + 1;
        const crlf = content[content.length - 1] === '\r';
        if (crlf)
            content = content.slice(0, -1);
        /* istanbul ignore if already caught in lexer */
        if (content && indent.length < trimIndent) {
            const src = header.indent
                ? 'explicit indentation indicator'
                : 'first line';
            const message = `Block scalar lines must not be less indented than their ${src}`;
            onError(offset - content.length - (crlf ? 2 : 1), 'BAD_INDENT', message);
            indent = '';
        }
        if (type === Scalar.Scalar.BLOCK_LITERAL) {
            value += sep + indent.slice(trimIndent) + content;
            sep = '\n';
        }
        else if (indent.length > trimIndent || content[0] === '\t') {
            // more-indented content within a folded block
            if (sep === ' ')
                sep = '\n';
            else if (!prevMoreIndented && sep === '\n')
                sep = '\n\n';
            value += sep + indent.slice(trimIndent) + content;
            sep = '\n';
            prevMoreIndented = true;
        }
        else if (content === '') {
            // empty line
            if (sep === '\n')
                value += '\n';
            else
                sep = '\n';
        }
        else {
            value += sep + content;
            sep = ' ';
            prevMoreIndented = false;
        }
    }
    switch (header.chomp) {
        case '-':
            break;
        case '+':
            for (let i = chompStart; i < lines.length; ++i)
                value += '\n' + lines[i][0].slice(trimIndent);
            if (value[value.length - 1] !== '\n')
                value += '\n';
            break;
        default:
            value += '\n';
    }
    const end = start + header.length + scalar.source.length;
    return { value, type, comment: header.comment, range: [start, end, end] };
}
function parseBlockScalarHeader({ offset, props }, strict, onError) {
    /* istanbul ignore if should not happen */
    if (props[0].type !== 'block-scalar-header') {
        onError(props[0], 'IMPOSSIBLE', 'Block scalar header not found');
        return null;
    }
    const { source } = props[0];
    const mode = source[0];
    let indent = 0;
    let chomp = '';
    let error = -1;
    for (let i = 1; i < source.length; ++i) {
        const ch = source[i];
        if (!chomp && (ch === '-' || ch === '+'))
            chomp = ch;
        else {
            const n = Number(ch);
            if (!indent && n)
                indent = n;
            else if (error === -1)
                error = offset + i;
        }
    }
    if (error !== -1)
        onError(error, 'UNEXPECTED_TOKEN', `Block scalar header includes extra characters: ${source}`);
    let hasSpace = false;
    let comment = '';
    let length = source.length;
    for (let i = 1; i < props.length; ++i) {
        const token = props[i];
        switch (token.type) {
            case 'space':
                hasSpace = true;
            // fallthrough
            case 'newline':
                length += token.source.length;
                break;
            case 'comment':
                if (strict && !hasSpace) {
                    const message = 'Comments must be separated from other tokens by white space characters';
                    onError(token, 'MISSING_CHAR', message);
                }
                length += token.source.length;
                comment = token.source.substring(1);
                break;
            case 'error':
                onError(token, 'UNEXPECTED_TOKEN', token.message);
                length += token.source.length;
                break;
            /* istanbul ignore next should not happen */
            default: {
                const message = `Unexpected token in block scalar header: ${token.type}`;
                onError(token, 'UNEXPECTED_TOKEN', message);
                const ts = token.source;
                if (ts && typeof ts === 'string')
                    length += ts.length;
            }
        }
    }
    return { mode, indent, chomp, comment, length };
}
/** @returns Array of lines split up as `[indent, content]` */
function splitLines(source) {
    const split = source.split(/\n( *)/);
    const first = split[0];
    const m = first.match(/^( *)/);
    const line0 = m?.[1]
        ? [m[1], first.slice(m[1].length)]
        : ['', first];
    const lines = [line0];
    for (let i = 1; i < split.length; i += 2)
        lines.push([split[i], split[i + 1]]);
    return lines;
}

exports.resolveBlockScalar = resolveBlockScalar;


/***/ }),

/***/ 1120:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var YAMLSeq = __nccwpck_require__(3013);
var resolveProps = __nccwpck_require__(3121);
var utilFlowIndentCheck = __nccwpck_require__(5637);

function resolveBlockSeq({ composeNode, composeEmptyNode }, ctx, bs, onError, tag) {
    const NodeClass = tag?.nodeClass ?? YAMLSeq.YAMLSeq;
    const seq = new NodeClass(ctx.schema);
    if (ctx.atRoot)
        ctx.atRoot = false;
    if (ctx.atKey)
        ctx.atKey = false;
    let offset = bs.offset;
    let commentEnd = null;
    for (const { start, value } of bs.items) {
        const props = resolveProps.resolveProps(start, {
            indicator: 'seq-item-ind',
            next: value,
            offset,
            onError,
            parentIndent: bs.indent,
            startOnNewline: true
        });
        if (!props.found) {
            if (props.anchor || props.tag || value) {
                if (value?.type === 'block-seq')
                    onError(props.end, 'BAD_INDENT', 'All sequence items must start at the same column');
                else
                    onError(offset, 'MISSING_CHAR', 'Sequence item without - indicator');
            }
            else {
                commentEnd = props.end;
                if (props.comment)
                    seq.comment = props.comment;
                continue;
            }
        }
        const node = value
            ? composeNode(ctx, value, props, onError)
            : composeEmptyNode(ctx, props.end, start, null, props, onError);
        if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bs.indent, value, onError);
        offset = node.range[2];
        seq.items.push(node);
    }
    seq.range = [bs.offset, offset, commentEnd ?? offset];
    return seq;
}

exports.resolveBlockSeq = resolveBlockSeq;


/***/ }),

/***/ 2022:
/***/ ((__unused_webpack_module, exports) => {



function resolveEnd(end, offset, reqSpace, onError) {
    let comment = '';
    if (end) {
        let hasSpace = false;
        let sep = '';
        for (const token of end) {
            const { source, type } = token;
            switch (type) {
                case 'space':
                    hasSpace = true;
                    break;
                case 'comment': {
                    if (reqSpace && !hasSpace)
                        onError(token, 'MISSING_CHAR', 'Comments must be separated from other tokens by white space characters');
                    const cb = source.substring(1) || ' ';
                    if (!comment)
                        comment = cb;
                    else
                        comment += sep + cb;
                    sep = '';
                    break;
                }
                case 'newline':
                    if (comment)
                        sep += source;
                    hasSpace = true;
                    break;
                default:
                    onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${type} at node end`);
            }
            offset += source.length;
        }
    }
    return { comment, offset };
}

exports.resolveEnd = resolveEnd;


/***/ }),

/***/ 8884:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var Pair = __nccwpck_require__(7567);
var YAMLMap = __nccwpck_require__(1856);
var YAMLSeq = __nccwpck_require__(3013);
var resolveEnd = __nccwpck_require__(2022);
var resolveProps = __nccwpck_require__(3121);
var utilContainsNewline = __nccwpck_require__(7865);
var utilMapIncludes = __nccwpck_require__(1117);

const blockMsg = 'Block collections are not allowed within flow collections';
const isBlock = (token) => token && (token.type === 'block-map' || token.type === 'block-seq');
function resolveFlowCollection({ composeNode, composeEmptyNode }, ctx, fc, onError, tag) {
    const isMap = fc.start.source === '{';
    const fcName = isMap ? 'flow map' : 'flow sequence';
    const NodeClass = (tag?.nodeClass ?? (isMap ? YAMLMap.YAMLMap : YAMLSeq.YAMLSeq));
    const coll = new NodeClass(ctx.schema);
    coll.flow = true;
    const atRoot = ctx.atRoot;
    if (atRoot)
        ctx.atRoot = false;
    if (ctx.atKey)
        ctx.atKey = false;
    let offset = fc.offset + fc.start.source.length;
    for (let i = 0; i < fc.items.length; ++i) {
        const collItem = fc.items[i];
        const { start, key, sep, value } = collItem;
        const props = resolveProps.resolveProps(start, {
            flow: fcName,
            indicator: 'explicit-key-ind',
            next: key ?? sep?.[0],
            offset,
            onError,
            parentIndent: fc.indent,
            startOnNewline: false
        });
        if (!props.found) {
            if (!props.anchor && !props.tag && !sep && !value) {
                if (i === 0 && props.comma)
                    onError(props.comma, 'UNEXPECTED_TOKEN', `Unexpected , in ${fcName}`);
                else if (i < fc.items.length - 1)
                    onError(props.start, 'UNEXPECTED_TOKEN', `Unexpected empty item in ${fcName}`);
                if (props.comment) {
                    if (coll.comment)
                        coll.comment += '\n' + props.comment;
                    else
                        coll.comment = props.comment;
                }
                offset = props.end;
                continue;
            }
            if (!isMap && ctx.options.strict && utilContainsNewline.containsNewline(key))
                onError(key, // checked by containsNewline()
                'MULTILINE_IMPLICIT_KEY', 'Implicit keys of flow sequence pairs need to be on a single line');
        }
        if (i === 0) {
            if (props.comma)
                onError(props.comma, 'UNEXPECTED_TOKEN', `Unexpected , in ${fcName}`);
        }
        else {
            if (!props.comma)
                onError(props.start, 'MISSING_CHAR', `Missing , between ${fcName} items`);
            if (props.comment) {
                let prevItemComment = '';
                loop: for (const st of start) {
                    switch (st.type) {
                        case 'comma':
                        case 'space':
                            break;
                        case 'comment':
                            prevItemComment = st.source.substring(1);
                            break loop;
                        default:
                            break loop;
                    }
                }
                if (prevItemComment) {
                    let prev = coll.items[coll.items.length - 1];
                    if (identity.isPair(prev))
                        prev = prev.value ?? prev.key;
                    if (prev.comment)
                        prev.comment += '\n' + prevItemComment;
                    else
                        prev.comment = prevItemComment;
                    props.comment = props.comment.substring(prevItemComment.length + 1);
                }
            }
        }
        if (!isMap && !sep && !props.found) {
            // item is a value in a seq
            // → key & sep are empty, start does not include ? or :
            const valueNode = value
                ? composeNode(ctx, value, props, onError)
                : composeEmptyNode(ctx, props.end, sep, null, props, onError);
            coll.items.push(valueNode);
            offset = valueNode.range[2];
            if (isBlock(value))
                onError(valueNode.range, 'BLOCK_IN_FLOW', blockMsg);
        }
        else {
            // item is a key+value pair
            // key value
            ctx.atKey = true;
            const keyStart = props.end;
            const keyNode = key
                ? composeNode(ctx, key, props, onError)
                : composeEmptyNode(ctx, keyStart, start, null, props, onError);
            if (isBlock(key))
                onError(keyNode.range, 'BLOCK_IN_FLOW', blockMsg);
            ctx.atKey = false;
            // value properties
            const valueProps = resolveProps.resolveProps(sep ?? [], {
                flow: fcName,
                indicator: 'map-value-ind',
                next: value,
                offset: keyNode.range[2],
                onError,
                parentIndent: fc.indent,
                startOnNewline: false
            });
            if (valueProps.found) {
                if (!isMap && !props.found && ctx.options.strict) {
                    if (sep)
                        for (const st of sep) {
                            if (st === valueProps.found)
                                break;
                            if (st.type === 'newline') {
                                onError(st, 'MULTILINE_IMPLICIT_KEY', 'Implicit keys of flow sequence pairs need to be on a single line');
                                break;
                            }
                        }
                    if (props.start < valueProps.found.offset - 1024)
                        onError(valueProps.found, 'KEY_OVER_1024_CHARS', 'The : indicator must be at most 1024 chars after the start of an implicit flow sequence key');
                }
            }
            else if (value) {
                if ('source' in value && value.source?.[0] === ':')
                    onError(value, 'MISSING_CHAR', `Missing space after : in ${fcName}`);
                else
                    onError(valueProps.start, 'MISSING_CHAR', `Missing , or : between ${fcName} items`);
            }
            // value value
            const valueNode = value
                ? composeNode(ctx, value, valueProps, onError)
                : valueProps.found
                    ? composeEmptyNode(ctx, valueProps.end, sep, null, valueProps, onError)
                    : null;
            if (valueNode) {
                if (isBlock(value))
                    onError(valueNode.range, 'BLOCK_IN_FLOW', blockMsg);
            }
            else if (valueProps.comment) {
                if (keyNode.comment)
                    keyNode.comment += '\n' + valueProps.comment;
                else
                    keyNode.comment = valueProps.comment;
            }
            const pair = new Pair.Pair(keyNode, valueNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            if (isMap) {
                const map = coll;
                if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
                    onError(keyStart, 'DUPLICATE_KEY', 'Map keys must be unique');
                map.items.push(pair);
            }
            else {
                const map = new YAMLMap.YAMLMap(ctx.schema);
                map.flow = true;
                map.items.push(pair);
                const endRange = (valueNode ?? keyNode).range;
                map.range = [keyNode.range[0], endRange[1], endRange[2]];
                coll.items.push(map);
            }
            offset = valueNode ? valueNode.range[2] : valueProps.end;
        }
    }
    const expectedEnd = isMap ? '}' : ']';
    const [ce, ...ee] = fc.end;
    let cePos = offset;
    if (ce?.source === expectedEnd)
        cePos = ce.offset + ce.source.length;
    else {
        const name = fcName[0].toUpperCase() + fcName.substring(1);
        const msg = atRoot
            ? `${name} must end with a ${expectedEnd}`
            : `${name} in block collection must be sufficiently indented and end with a ${expectedEnd}`;
        onError(offset, atRoot ? 'MISSING_CHAR' : 'BAD_INDENT', msg);
        if (ce && ce.source.length !== 1)
            ee.unshift(ce);
    }
    if (ee.length > 0) {
        const end = resolveEnd.resolveEnd(ee, cePos, ctx.options.strict, onError);
        if (end.comment) {
            if (coll.comment)
                coll.comment += '\n' + end.comment;
            else
                coll.comment = end.comment;
        }
        coll.range = [fc.offset, cePos, end.offset];
    }
    else {
        coll.range = [fc.offset, cePos, cePos];
    }
    return coll;
}

exports.resolveFlowCollection = resolveFlowCollection;


/***/ }),

/***/ 2976:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(1543);
var resolveEnd = __nccwpck_require__(2022);

function resolveFlowScalar(scalar, strict, onError) {
    const { offset, type, source, end } = scalar;
    let _type;
    let value;
    const _onError = (rel, code, msg) => onError(offset + rel, code, msg);
    switch (type) {
        case 'scalar':
            _type = Scalar.Scalar.PLAIN;
            value = plainValue(source, _onError);
            break;
        case 'single-quoted-scalar':
            _type = Scalar.Scalar.QUOTE_SINGLE;
            value = singleQuotedValue(source, _onError);
            break;
        case 'double-quoted-scalar':
            _type = Scalar.Scalar.QUOTE_DOUBLE;
            value = doubleQuotedValue(source, _onError);
            break;
        /* istanbul ignore next should not happen */
        default:
            onError(scalar, 'UNEXPECTED_TOKEN', `Expected a flow scalar value, but found: ${type}`);
            return {
                value: '',
                type: null,
                comment: '',
                range: [offset, offset + source.length, offset + source.length]
            };
    }
    const valueEnd = offset + source.length;
    const re = resolveEnd.resolveEnd(end, valueEnd, strict, onError);
    return {
        value,
        type: _type,
        comment: re.comment,
        range: [offset, valueEnd, re.offset]
    };
}
function plainValue(source, onError) {
    let badChar = '';
    switch (source[0]) {
        /* istanbul ignore next should not happen */
        case '\t':
            badChar = 'a tab character';
            break;
        case ',':
            badChar = 'flow indicator character ,';
            break;
        case '%':
            badChar = 'directive indicator character %';
            break;
        case '|':
        case '>': {
            badChar = `block scalar indicator ${source[0]}`;
            break;
        }
        case '@':
        case '`': {
            badChar = `reserved character ${source[0]}`;
            break;
        }
    }
    if (badChar)
        onError(0, 'BAD_SCALAR_START', `Plain value cannot start with ${badChar}`);
    return unfoldLines(source);
}
function singleQuotedValue(source, onError) {
    if (source[source.length - 1] !== "'" || source.length === 1)
        onError(source.length, 'MISSING_CHAR', "Missing closing 'quote");
    return unfoldLines(source.slice(1, -1)).replace(/''/g, "'");
}
function unfoldLines(source) {
    const line = /(.*?)\r?\n/sy;
    let match = line.exec(source);
    if (!match)
        return source;
    /**
     * The negative lookbehinds in these RegExps are to
     * prevent causing a polynomial search time in certain cases.
     *
     * The try-catch is for Safari < 16.4 and other old browsers:
     * https://caniuse.com/js-regexp-lookbehind
     */
    let trimEnd, trimBoth;
    try {
        trimEnd = new RegExp('(?<![ \t])[ \t]+$');
        trimBoth = new RegExp('^[ \t]+|(?<![ \t])[ \t]+$', 'g');
    }
    catch {
        trimEnd = /[ \t]+$/;
        trimBoth = /^[ \t]+|[ \t]+$/g;
    }
    let res = match[1].replace(trimEnd, '');
    let sep = ' ';
    let pos = line.lastIndex;
    while ((match = line.exec(source))) {
        const lm = match[1].replace(trimBoth, '');
        if (lm === '') {
            if (sep === '\n')
                res += sep;
            else
                sep = '\n';
        }
        else {
            res += sep + lm;
            sep = ' ';
        }
        pos = line.lastIndex;
    }
    const last = /[ \t]*(.*)/sy;
    last.lastIndex = pos;
    match = last.exec(source);
    return res + sep + (match?.[1] ?? '');
}
function doubleQuotedValue(source, onError) {
    let res = '';
    for (let i = 1; i < source.length - 1; ++i) {
        const ch = source[i];
        if (ch === '\r' && source[i + 1] === '\n')
            continue;
        if (ch === '\n') {
            const { fold, offset } = foldNewline(source, i);
            res += fold;
            i = offset;
        }
        else if (ch === '\\') {
            let next = source[++i];
            const cc = escapeCodes[next];
            if (cc)
                res += cc;
            else if (next === '\n') {
                // skip escaped newlines, but still trim the following line
                next = source[i + 1];
                while (next === ' ' || next === '\t')
                    next = source[++i + 1];
            }
            else if (next === '\r' && source[i + 1] === '\n') {
                // skip escaped CRLF newlines, but still trim the following line
                next = source[++i + 1];
                while (next === ' ' || next === '\t')
                    next = source[++i + 1];
            }
            else if (next === 'x' || next === 'u' || next === 'U') {
                const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
                res += parseCharCode(source, i + 1, length, onError);
                i += length;
            }
            else {
                const raw = source.substr(i - 1, 2);
                onError(i - 1, 'BAD_DQ_ESCAPE', `Invalid escape sequence ${raw}`);
                res += raw;
            }
        }
        else if (ch === ' ' || ch === '\t') {
            // trim trailing whitespace
            const wsStart = i;
            let next = source[i + 1];
            while (next === ' ' || next === '\t')
                next = source[++i + 1];
            if (next !== '\n' && !(next === '\r' && source[i + 2] === '\n'))
                res += i > wsStart ? source.slice(wsStart, i + 1) : ch;
        }
        else {
            res += ch;
        }
    }
    if (source[source.length - 1] !== '"' || source.length === 1)
        onError(source.length, 'MISSING_CHAR', 'Missing closing "quote');
    return res;
}
/**
 * Fold a single newline into a space, multiple newlines to N - 1 newlines.
 * Presumes `source[offset] === '\n'`
 */
function foldNewline(source, offset) {
    let fold = '';
    let ch = source[offset + 1];
    while (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
        if (ch === '\r' && source[offset + 2] !== '\n')
            break;
        if (ch === '\n')
            fold += '\n';
        offset += 1;
        ch = source[offset + 1];
    }
    if (!fold)
        fold = ' ';
    return { fold, offset };
}
const escapeCodes = {
    '0': '\0', // null character
    a: '\x07', // bell character
    b: '\b', // backspace
    e: '\x1b', // escape character
    f: '\f', // form feed
    n: '\n', // line feed
    r: '\r', // carriage return
    t: '\t', // horizontal tab
    v: '\v', // vertical tab
    N: '\u0085', // Unicode next line
    _: '\u00a0', // Unicode non-breaking space
    L: '\u2028', // Unicode line separator
    P: '\u2029', // Unicode paragraph separator
    ' ': ' ',
    '"': '"',
    '/': '/',
    '\\': '\\',
    '\t': '\t'
};
function parseCharCode(source, offset, length, onError) {
    const cc = source.substr(offset, length);
    const ok = cc.length === length && /^[0-9a-fA-F]+$/.test(cc);
    const code = ok ? parseInt(cc, 16) : NaN;
    try {
        return String.fromCodePoint(code);
    }
    catch {
        const raw = source.substr(offset - 2, length + 2);
        onError(offset - 2, 'BAD_DQ_ESCAPE', `Invalid escape sequence ${raw}`);
        return raw;
    }
}

exports.resolveFlowScalar = resolveFlowScalar;


/***/ }),

/***/ 3121:
/***/ ((__unused_webpack_module, exports) => {



function resolveProps(tokens, { flow, indicator, next, offset, onError, parentIndent, startOnNewline }) {
    let spaceBefore = false;
    let atNewline = startOnNewline;
    let hasSpace = startOnNewline;
    let comment = '';
    let commentSep = '';
    let hasNewline = false;
    let reqSpace = false;
    let tab = null;
    let anchor = null;
    let tag = null;
    let newlineAfterProp = null;
    let comma = null;
    let found = null;
    let start = null;
    for (const token of tokens) {
        if (reqSpace) {
            if (token.type !== 'space' &&
                token.type !== 'newline' &&
                token.type !== 'comma')
                onError(token.offset, 'MISSING_CHAR', 'Tags and anchors must be separated from the next token by white space');
            reqSpace = false;
        }
        if (tab) {
            if (atNewline && token.type !== 'comment' && token.type !== 'newline') {
                onError(tab, 'TAB_AS_INDENT', 'Tabs are not allowed as indentation');
            }
            tab = null;
        }
        switch (token.type) {
            case 'space':
                // At the doc level, tabs at line start may be parsed
                // as leading white space rather than indentation.
                // In a flow collection, only the parser handles indent.
                if (!flow &&
                    (indicator !== 'doc-start' || next?.type !== 'flow-collection') &&
                    token.source.includes('\t')) {
                    tab = token;
                }
                hasSpace = true;
                break;
            case 'comment': {
                if (!hasSpace)
                    onError(token, 'MISSING_CHAR', 'Comments must be separated from other tokens by white space characters');
                const cb = token.source.substring(1) || ' ';
                if (!comment)
                    comment = cb;
                else
                    comment += commentSep + cb;
                commentSep = '';
                atNewline = false;
                break;
            }
            case 'newline':
                if (atNewline) {
                    if (comment)
                        comment += token.source;
                    else if (!found || indicator !== 'seq-item-ind')
                        spaceBefore = true;
                }
                else
                    commentSep += token.source;
                atNewline = true;
                hasNewline = true;
                if (anchor || tag)
                    newlineAfterProp = token;
                hasSpace = true;
                break;
            case 'anchor':
                if (anchor)
                    onError(token, 'MULTIPLE_ANCHORS', 'A node can have at most one anchor');
                if (token.source.endsWith(':'))
                    onError(token.offset + token.source.length - 1, 'BAD_ALIAS', 'Anchor ending in : is ambiguous', true);
                anchor = token;
                start ?? (start = token.offset);
                atNewline = false;
                hasSpace = false;
                reqSpace = true;
                break;
            case 'tag': {
                if (tag)
                    onError(token, 'MULTIPLE_TAGS', 'A node can have at most one tag');
                tag = token;
                start ?? (start = token.offset);
                atNewline = false;
                hasSpace = false;
                reqSpace = true;
                break;
            }
            case indicator:
                // Could here handle preceding comments differently
                if (anchor || tag)
                    onError(token, 'BAD_PROP_ORDER', `Anchors and tags must be after the ${token.source} indicator`);
                if (found)
                    onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${token.source} in ${flow ?? 'collection'}`);
                found = token;
                atNewline =
                    indicator === 'seq-item-ind' || indicator === 'explicit-key-ind';
                hasSpace = false;
                break;
            case 'comma':
                if (flow) {
                    if (comma)
                        onError(token, 'UNEXPECTED_TOKEN', `Unexpected , in ${flow}`);
                    comma = token;
                    atNewline = false;
                    hasSpace = false;
                    break;
                }
            // else fallthrough
            default:
                onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${token.type} token`);
                atNewline = false;
                hasSpace = false;
        }
    }
    const last = tokens[tokens.length - 1];
    const end = last ? last.offset + last.source.length : offset;
    if (reqSpace &&
        next &&
        next.type !== 'space' &&
        next.type !== 'newline' &&
        next.type !== 'comma' &&
        (next.type !== 'scalar' || next.source !== '')) {
        onError(next.offset, 'MISSING_CHAR', 'Tags and anchors must be separated from the next token by white space');
    }
    if (tab &&
        ((atNewline && tab.indent <= parentIndent) ||
            next?.type === 'block-map' ||
            next?.type === 'block-seq'))
        onError(tab, 'TAB_AS_INDENT', 'Tabs are not allowed as indentation');
    return {
        comma,
        found,
        spaceBefore,
        comment,
        hasNewline,
        anchor,
        tag,
        newlineAfterProp,
        end,
        start: start ?? end
    };
}

exports.resolveProps = resolveProps;


/***/ }),

/***/ 7865:
/***/ ((__unused_webpack_module, exports) => {



function containsNewline(key) {
    if (!key)
        return null;
    switch (key.type) {
        case 'alias':
        case 'scalar':
        case 'double-quoted-scalar':
        case 'single-quoted-scalar':
            if (key.source.includes('\n'))
                return true;
            if (key.end)
                for (const st of key.end)
                    if (st.type === 'newline')
                        return true;
            return false;
        case 'flow-collection':
            for (const it of key.items) {
                for (const st of it.start)
                    if (st.type === 'newline')
                        return true;
                if (it.sep)
                    for (const st of it.sep)
                        if (st.type === 'newline')
                            return true;
                if (containsNewline(it.key) || containsNewline(it.value))
                    return true;
            }
            return false;
        default:
            return true;
    }
}

exports.containsNewline = containsNewline;


/***/ }),

/***/ 3933:
/***/ ((__unused_webpack_module, exports) => {



function emptyScalarPosition(offset, before, pos) {
    if (before) {
        pos ?? (pos = before.length);
        for (let i = pos - 1; i >= 0; --i) {
            let st = before[i];
            switch (st.type) {
                case 'space':
                case 'comment':
                case 'newline':
                    offset -= st.source.length;
                    continue;
            }
            // Technically, an empty scalar is immediately after the last non-empty
            // node, but it's more useful to place it after any whitespace.
            st = before[++i];
            while (st?.type === 'space') {
                offset += st.source.length;
                st = before[++i];
            }
            break;
        }
    }
    return offset;
}

exports.emptyScalarPosition = emptyScalarPosition;


/***/ }),

/***/ 5637:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var utilContainsNewline = __nccwpck_require__(7865);

function flowIndentCheck(indent, fc, onError) {
    if (fc?.type === 'flow-collection') {
        const end = fc.end[0];
        if (end.indent === indent &&
            (end.source === ']' || end.source === '}') &&
            utilContainsNewline.containsNewline(fc)) {
            const msg = 'Flow end indicator should be more indented than parent';
            onError(end, 'BAD_INDENT', msg, true);
        }
    }
}

exports.flowIndentCheck = flowIndentCheck;


/***/ }),

/***/ 1117:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);

function mapIncludes(ctx, items, search) {
    const { uniqueKeys } = ctx.options;
    if (uniqueKeys === false)
        return false;
    const isEqual = typeof uniqueKeys === 'function'
        ? uniqueKeys
        : (a, b) => a === b || (identity.isScalar(a) && identity.isScalar(b) && a.value === b.value);
    return items.some(pair => isEqual(pair.key, search));
}

exports.mapIncludes = mapIncludes;


/***/ }),

/***/ 3915:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(7);
var Collection = __nccwpck_require__(935);
var identity = __nccwpck_require__(1737);
var Pair = __nccwpck_require__(7567);
var toJS = __nccwpck_require__(445);
var Schema = __nccwpck_require__(7878);
var stringifyDocument = __nccwpck_require__(9255);
var anchors = __nccwpck_require__(9030);
var applyReviver = __nccwpck_require__(6767);
var createNode = __nccwpck_require__(1126);
var directives = __nccwpck_require__(2768);

class Document {
    constructor(value, replacer, options) {
        /** A comment before this Document */
        this.commentBefore = null;
        /** A comment immediately after this Document */
        this.comment = null;
        /** Errors encountered during parsing. */
        this.errors = [];
        /** Warnings encountered during parsing. */
        this.warnings = [];
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.DOC });
        let _replacer = null;
        if (typeof replacer === 'function' || Array.isArray(replacer)) {
            _replacer = replacer;
        }
        else if (options === undefined && replacer) {
            options = replacer;
            replacer = undefined;
        }
        const opt = Object.assign({
            intAsBigInt: false,
            keepSourceTokens: false,
            logLevel: 'warn',
            prettyErrors: true,
            strict: true,
            stringKeys: false,
            uniqueKeys: true,
            version: '1.2'
        }, options);
        this.options = opt;
        let { version } = opt;
        if (options?._directives) {
            this.directives = options._directives.atDocument();
            if (this.directives.yaml.explicit)
                version = this.directives.yaml.version;
        }
        else
            this.directives = new directives.Directives({ version });
        this.setSchema(version, options);
        // @ts-expect-error We can't really know that this matches Contents.
        this.contents =
            value === undefined ? null : this.createNode(value, _replacer, options);
    }
    /**
     * Create a deep copy of this Document and its contents.
     *
     * Custom Node values that inherit from `Object` still refer to their original instances.
     */
    clone() {
        const copy = Object.create(Document.prototype, {
            [identity.NODE_TYPE]: { value: identity.DOC }
        });
        copy.commentBefore = this.commentBefore;
        copy.comment = this.comment;
        copy.errors = this.errors.slice();
        copy.warnings = this.warnings.slice();
        copy.options = Object.assign({}, this.options);
        if (this.directives)
            copy.directives = this.directives.clone();
        copy.schema = this.schema.clone();
        // @ts-expect-error We can't really know that this matches Contents.
        copy.contents = identity.isNode(this.contents)
            ? this.contents.clone(copy.schema)
            : this.contents;
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /** Adds a value to the document. */
    add(value) {
        if (assertCollection(this.contents))
            this.contents.add(value);
    }
    /** Adds a value to the document. */
    addIn(path, value) {
        if (assertCollection(this.contents))
            this.contents.addIn(path, value);
    }
    /**
     * Create a new `Alias` node, ensuring that the target `node` has the required anchor.
     *
     * If `node` already has an anchor, `name` is ignored.
     * Otherwise, the `node.anchor` value will be set to `name`,
     * or if an anchor with that name is already present in the document,
     * `name` will be used as a prefix for a new unique anchor.
     * If `name` is undefined, the generated anchor will use 'a' as a prefix.
     */
    createAlias(node, name) {
        if (!node.anchor) {
            const prev = anchors.anchorNames(this);
            node.anchor =
                // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
                !name || prev.has(name) ? anchors.findNewAnchor(name || 'a', prev) : name;
        }
        return new Alias.Alias(node.anchor);
    }
    createNode(value, replacer, options) {
        let _replacer = undefined;
        if (typeof replacer === 'function') {
            value = replacer.call({ '': value }, '', value);
            _replacer = replacer;
        }
        else if (Array.isArray(replacer)) {
            const keyToStr = (v) => typeof v === 'number' || v instanceof String || v instanceof Number;
            const asStr = replacer.filter(keyToStr).map(String);
            if (asStr.length > 0)
                replacer = replacer.concat(asStr);
            _replacer = replacer;
        }
        else if (options === undefined && replacer) {
            options = replacer;
            replacer = undefined;
        }
        const { aliasDuplicateObjects, anchorPrefix, flow, keepUndefined, onTagObj, tag } = options ?? {};
        const { onAnchor, setAnchors, sourceObjects } = anchors.createNodeAnchors(this, 
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
        anchorPrefix || 'a');
        const ctx = {
            aliasDuplicateObjects: aliasDuplicateObjects ?? true,
            keepUndefined: keepUndefined ?? false,
            onAnchor,
            onTagObj,
            replacer: _replacer,
            schema: this.schema,
            sourceObjects
        };
        const node = createNode.createNode(value, tag, ctx);
        if (flow && identity.isCollection(node))
            node.flow = true;
        setAnchors();
        return node;
    }
    /**
     * Convert a key and a value into a `Pair` using the current schema,
     * recursively wrapping all values as `Scalar` or `Collection` nodes.
     */
    createPair(key, value, options = {}) {
        const k = this.createNode(key, null, options);
        const v = this.createNode(value, null, options);
        return new Pair.Pair(k, v);
    }
    /**
     * Removes a value from the document.
     * @returns `true` if the item was found and removed.
     */
    delete(key) {
        return assertCollection(this.contents) ? this.contents.delete(key) : false;
    }
    /**
     * Removes a value from the document.
     * @returns `true` if the item was found and removed.
     */
    deleteIn(path) {
        if (Collection.isEmptyPath(path)) {
            if (this.contents == null)
                return false;
            // @ts-expect-error Presumed impossible if Strict extends false
            this.contents = null;
            return true;
        }
        return assertCollection(this.contents)
            ? this.contents.deleteIn(path)
            : false;
    }
    /**
     * Returns item at `key`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    get(key, keepScalar) {
        return identity.isCollection(this.contents)
            ? this.contents.get(key, keepScalar)
            : undefined;
    }
    /**
     * Returns item at `path`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    getIn(path, keepScalar) {
        if (Collection.isEmptyPath(path))
            return !keepScalar && identity.isScalar(this.contents)
                ? this.contents.value
                : this.contents;
        return identity.isCollection(this.contents)
            ? this.contents.getIn(path, keepScalar)
            : undefined;
    }
    /**
     * Checks if the document includes a value with the key `key`.
     */
    has(key) {
        return identity.isCollection(this.contents) ? this.contents.has(key) : false;
    }
    /**
     * Checks if the document includes a value at `path`.
     */
    hasIn(path) {
        if (Collection.isEmptyPath(path))
            return this.contents !== undefined;
        return identity.isCollection(this.contents) ? this.contents.hasIn(path) : false;
    }
    /**
     * Sets a value in this document. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    set(key, value) {
        if (this.contents == null) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = Collection.collectionFromPath(this.schema, [key], value);
        }
        else if (assertCollection(this.contents)) {
            this.contents.set(key, value);
        }
    }
    /**
     * Sets a value in this document. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    setIn(path, value) {
        if (Collection.isEmptyPath(path)) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = value;
        }
        else if (this.contents == null) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = Collection.collectionFromPath(this.schema, Array.from(path), value);
        }
        else if (assertCollection(this.contents)) {
            this.contents.setIn(path, value);
        }
    }
    /**
     * Change the YAML version and schema used by the document.
     * A `null` version disables support for directives, explicit tags, anchors, and aliases.
     * It also requires the `schema` option to be given as a `Schema` instance value.
     *
     * Overrides all previously set schema options.
     */
    setSchema(version, options = {}) {
        if (typeof version === 'number')
            version = String(version);
        let opt;
        switch (version) {
            case '1.1':
                if (this.directives)
                    this.directives.yaml.version = '1.1';
                else
                    this.directives = new directives.Directives({ version: '1.1' });
                opt = { resolveKnownTags: false, schema: 'yaml-1.1' };
                break;
            case '1.2':
            case 'next':
                if (this.directives)
                    this.directives.yaml.version = version;
                else
                    this.directives = new directives.Directives({ version });
                opt = { resolveKnownTags: true, schema: 'core' };
                break;
            case null:
                if (this.directives)
                    delete this.directives;
                opt = null;
                break;
            default: {
                const sv = JSON.stringify(version);
                throw new Error(`Expected '1.1', '1.2' or null as first argument, but found: ${sv}`);
            }
        }
        // Not using `instanceof Schema` to allow for duck typing
        if (options.schema instanceof Object)
            this.schema = options.schema;
        else if (opt)
            this.schema = new Schema.Schema(Object.assign(opt, options));
        else
            throw new Error(`With a null YAML version, the { schema: Schema } option is required`);
    }
    // json & jsonArg are only used from toJSON()
    toJS({ json, jsonArg, mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        const ctx = {
            anchors: new Map(),
            doc: this,
            keep: !json,
            mapAsMap: mapAsMap === true,
            mapKeyWarned: false,
            maxAliasCount: typeof maxAliasCount === 'number' ? maxAliasCount : 100
        };
        const res = toJS.toJS(this.contents, jsonArg ?? '', ctx);
        if (typeof onAnchor === 'function')
            for (const { count, res } of ctx.anchors.values())
                onAnchor(res, count);
        return typeof reviver === 'function'
            ? applyReviver.applyReviver(reviver, { '': res }, '', res)
            : res;
    }
    /**
     * A JSON representation of the document `contents`.
     *
     * @param jsonArg Used by `JSON.stringify` to indicate the array index or
     *   property name.
     */
    toJSON(jsonArg, onAnchor) {
        return this.toJS({ json: true, jsonArg, mapAsMap: false, onAnchor });
    }
    /** A YAML representation of the document. */
    toString(options = {}) {
        if (this.errors.length > 0)
            throw new Error('Document with errors cannot be stringified');
        if ('indent' in options &&
            (!Number.isInteger(options.indent) || Number(options.indent) <= 0)) {
            const s = JSON.stringify(options.indent);
            throw new Error(`"indent" option must be a positive integer, not ${s}`);
        }
        return stringifyDocument.stringifyDocument(this, options);
    }
}
function assertCollection(contents) {
    if (identity.isCollection(contents))
        return true;
    throw new Error('Expected a YAML collection as document contents');
}

exports.Document = Document;


/***/ }),

/***/ 9030:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var visit = __nccwpck_require__(4190);

/**
 * Verify that the input string is a valid anchor.
 *
 * Will throw on errors.
 */
function anchorIsValid(anchor) {
    if (/[\x00-\x19\s,[\]{}]/.test(anchor)) {
        const sa = JSON.stringify(anchor);
        const msg = `Anchor must not contain whitespace or control characters: ${sa}`;
        throw new Error(msg);
    }
    return true;
}
function anchorNames(root) {
    const anchors = new Set();
    visit.visit(root, {
        Value(_key, node) {
            if (node.anchor)
                anchors.add(node.anchor);
        }
    });
    return anchors;
}
/** Find a new anchor name with the given `prefix` and a one-indexed suffix. */
function findNewAnchor(prefix, exclude) {
    for (let i = 1; true; ++i) {
        const name = `${prefix}${i}`;
        if (!exclude.has(name))
            return name;
    }
}
function createNodeAnchors(doc, prefix) {
    const aliasObjects = [];
    const sourceObjects = new Map();
    let prevAnchors = null;
    return {
        onAnchor: (source) => {
            aliasObjects.push(source);
            prevAnchors ?? (prevAnchors = anchorNames(doc));
            const anchor = findNewAnchor(prefix, prevAnchors);
            prevAnchors.add(anchor);
            return anchor;
        },
        /**
         * With circular references, the source node is only resolved after all
         * of its child nodes are. This is why anchors are set only after all of
         * the nodes have been created.
         */
        setAnchors: () => {
            for (const source of aliasObjects) {
                const ref = sourceObjects.get(source);
                if (typeof ref === 'object' &&
                    ref.anchor &&
                    (identity.isScalar(ref.node) || identity.isCollection(ref.node))) {
                    ref.node.anchor = ref.anchor;
                }
                else {
                    const error = new Error('Failed to resolve repeated object (this should not happen)');
                    error.source = source;
                    throw error;
                }
            }
        },
        sourceObjects
    };
}

exports.anchorIsValid = anchorIsValid;
exports.anchorNames = anchorNames;
exports.createNodeAnchors = createNodeAnchors;
exports.findNewAnchor = findNewAnchor;


/***/ }),

/***/ 6767:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Applies the JSON.parse reviver algorithm as defined in the ECMA-262 spec,
 * in section 24.5.1.1 "Runtime Semantics: InternalizeJSONProperty" of the
 * 2021 edition: https://tc39.es/ecma262/#sec-json.parse
 *
 * Includes extensions for handling Map and Set objects.
 */
function applyReviver(reviver, obj, key, val) {
    if (val && typeof val === 'object') {
        if (Array.isArray(val)) {
            for (let i = 0, len = val.length; i < len; ++i) {
                const v0 = val[i];
                const v1 = applyReviver(reviver, val, String(i), v0);
                // eslint-disable-next-line @typescript-eslint/no-array-delete
                if (v1 === undefined)
                    delete val[i];
                else if (v1 !== v0)
                    val[i] = v1;
            }
        }
        else if (val instanceof Map) {
            for (const k of Array.from(val.keys())) {
                const v0 = val.get(k);
                const v1 = applyReviver(reviver, val, k, v0);
                if (v1 === undefined)
                    val.delete(k);
                else if (v1 !== v0)
                    val.set(k, v1);
            }
        }
        else if (val instanceof Set) {
            for (const v0 of Array.from(val)) {
                const v1 = applyReviver(reviver, val, v0, v0);
                if (v1 === undefined)
                    val.delete(v0);
                else if (v1 !== v0) {
                    val.delete(v0);
                    val.add(v1);
                }
            }
        }
        else {
            for (const [k, v0] of Object.entries(val)) {
                const v1 = applyReviver(reviver, val, k, v0);
                if (v1 === undefined)
                    delete val[k];
                else if (v1 !== v0)
                    val[k] = v1;
            }
        }
    }
    return reviver.call(obj, key, val);
}

exports.applyReviver = applyReviver;


/***/ }),

/***/ 1126:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(7);
var identity = __nccwpck_require__(1737);
var Scalar = __nccwpck_require__(1543);

const defaultTagPrefix = 'tag:yaml.org,2002:';
function findTagObject(value, tagName, tags) {
    if (tagName) {
        const match = tags.filter(t => t.tag === tagName);
        const tagObj = match.find(t => !t.format) ?? match[0];
        if (!tagObj)
            throw new Error(`Tag ${tagName} not found`);
        return tagObj;
    }
    return tags.find(t => t.identify?.(value) && !t.format);
}
function createNode(value, tagName, ctx) {
    if (identity.isDocument(value))
        value = value.contents;
    if (identity.isNode(value))
        return value;
    if (identity.isPair(value)) {
        const map = ctx.schema[identity.MAP].createNode?.(ctx.schema, null, ctx);
        map.items.push(value);
        return map;
    }
    if (value instanceof String ||
        value instanceof Number ||
        value instanceof Boolean ||
        (typeof BigInt !== 'undefined' && value instanceof BigInt) // not supported everywhere
    ) {
        // https://tc39.es/ecma262/#sec-serializejsonproperty
        value = value.valueOf();
    }
    const { aliasDuplicateObjects, onAnchor, onTagObj, schema, sourceObjects } = ctx;
    // Detect duplicate references to the same object & use Alias nodes for all
    // after first. The `ref` wrapper allows for circular references to resolve.
    let ref = undefined;
    if (aliasDuplicateObjects && value && typeof value === 'object') {
        ref = sourceObjects.get(value);
        if (ref) {
            ref.anchor ?? (ref.anchor = onAnchor(value));
            return new Alias.Alias(ref.anchor);
        }
        else {
            ref = { anchor: null, node: null };
            sourceObjects.set(value, ref);
        }
    }
    if (tagName?.startsWith('!!'))
        tagName = defaultTagPrefix + tagName.slice(2);
    let tagObj = findTagObject(value, tagName, schema.tags);
    if (!tagObj) {
        if (value && typeof value.toJSON === 'function') {
            // eslint-disable-next-line @typescript-eslint/no-unsafe-call
            value = value.toJSON();
        }
        if (!value || typeof value !== 'object') {
            const node = new Scalar.Scalar(value);
            if (ref)
                ref.node = node;
            return node;
        }
        tagObj =
            value instanceof Map
                ? schema[identity.MAP]
                : Symbol.iterator in Object(value)
                    ? schema[identity.SEQ]
                    : schema[identity.MAP];
    }
    if (onTagObj) {
        onTagObj(tagObj);
        delete ctx.onTagObj;
    }
    const node = tagObj?.createNode
        ? tagObj.createNode(ctx.schema, value, ctx)
        : typeof tagObj?.nodeClass?.from === 'function'
            ? tagObj.nodeClass.from(ctx.schema, value, ctx)
            : new Scalar.Scalar(value);
    if (tagName)
        node.tag = tagName;
    else if (!tagObj.default)
        node.tag = tagObj.tag;
    if (ref)
        ref.node = node;
    return node;
}

exports.createNode = createNode;


/***/ }),

/***/ 2768:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var visit = __nccwpck_require__(4190);

const escapeChars = {
    '!': '%21',
    ',': '%2C',
    '[': '%5B',
    ']': '%5D',
    '{': '%7B',
    '}': '%7D'
};
const escapeTagName = (tn) => tn.replace(/[!,[\]{}]/g, ch => escapeChars[ch]);
class Directives {
    constructor(yaml, tags) {
        /**
         * The directives-end/doc-start marker `---`. If `null`, a marker may still be
         * included in the document's stringified representation.
         */
        this.docStart = null;
        /** The doc-end marker `...`.  */
        this.docEnd = false;
        this.yaml = Object.assign({}, Directives.defaultYaml, yaml);
        this.tags = Object.assign({}, Directives.defaultTags, tags);
    }
    clone() {
        const copy = new Directives(this.yaml, this.tags);
        copy.docStart = this.docStart;
        return copy;
    }
    /**
     * During parsing, get a Directives instance for the current document and
     * update the stream state according to the current version's spec.
     */
    atDocument() {
        const res = new Directives(this.yaml, this.tags);
        switch (this.yaml.version) {
            case '1.1':
                this.atNextDocument = true;
                break;
            case '1.2':
                this.atNextDocument = false;
                this.yaml = {
                    explicit: Directives.defaultYaml.explicit,
                    version: '1.2'
                };
                this.tags = Object.assign({}, Directives.defaultTags);
                break;
        }
        return res;
    }
    /**
     * @param onError - May be called even if the action was successful
     * @returns `true` on success
     */
    add(line, onError) {
        if (this.atNextDocument) {
            this.yaml = { explicit: Directives.defaultYaml.explicit, version: '1.1' };
            this.tags = Object.assign({}, Directives.defaultTags);
            this.atNextDocument = false;
        }
        const parts = line.trim().split(/[ \t]+/);
        const name = parts.shift();
        switch (name) {
            case '%TAG': {
                if (parts.length !== 2) {
                    onError(0, '%TAG directive should contain exactly two parts');
                    if (parts.length < 2)
                        return false;
                }
                const [handle, prefix] = parts;
                this.tags[handle] = prefix;
                return true;
            }
            case '%YAML': {
                this.yaml.explicit = true;
                if (parts.length !== 1) {
                    onError(0, '%YAML directive should contain exactly one part');
                    return false;
                }
                const [version] = parts;
                if (version === '1.1' || version === '1.2') {
                    this.yaml.version = version;
                    return true;
                }
                else {
                    const isValid = /^\d+\.\d+$/.test(version);
                    onError(6, `Unsupported YAML version ${version}`, isValid);
                    return false;
                }
            }
            default:
                onError(0, `Unknown directive ${name}`, true);
                return false;
        }
    }
    /**
     * Resolves a tag, matching handles to those defined in %TAG directives.
     *
     * @returns Resolved tag, which may also be the non-specific tag `'!'` or a
     *   `'!local'` tag, or `null` if unresolvable.
     */
    tagName(source, onError) {
        if (source === '!')
            return '!'; // non-specific tag
        if (source[0] !== '!') {
            onError(`Not a valid tag: ${source}`);
            return null;
        }
        if (source[1] === '<') {
            const verbatim = source.slice(2, -1);
            if (verbatim === '!' || verbatim === '!!') {
                onError(`Verbatim tags aren't resolved, so ${source} is invalid.`);
                return null;
            }
            if (source[source.length - 1] !== '>')
                onError('Verbatim tags must end with a >');
            return verbatim;
        }
        const [, handle, suffix] = source.match(/^(.*!)([^!]*)$/s);
        if (!suffix)
            onError(`The ${source} tag has no suffix`);
        const prefix = this.tags[handle];
        if (prefix) {
            try {
                return prefix + decodeURIComponent(suffix);
            }
            catch (error) {
                onError(String(error));
                return null;
            }
        }
        if (handle === '!')
            return source; // local tag
        onError(`Could not resolve tag: ${source}`);
        return null;
    }
    /**
     * Given a fully resolved tag, returns its printable string form,
     * taking into account current tag prefixes and defaults.
     */
    tagString(tag) {
        for (const [handle, prefix] of Object.entries(this.tags)) {
            if (tag.startsWith(prefix))
                return handle + escapeTagName(tag.substring(prefix.length));
        }
        return tag[0] === '!' ? tag : `!<${tag}>`;
    }
    toString(doc) {
        const lines = this.yaml.explicit
            ? [`%YAML ${this.yaml.version || '1.2'}`]
            : [];
        const tagEntries = Object.entries(this.tags);
        let tagNames;
        if (doc && tagEntries.length > 0 && identity.isNode(doc.contents)) {
            const tags = {};
            visit.visit(doc.contents, (_key, node) => {
                if (identity.isNode(node) && node.tag)
                    tags[node.tag] = true;
            });
            tagNames = Object.keys(tags);
        }
        else
            tagNames = [];
        for (const [handle, prefix] of tagEntries) {
            if (handle === '!!' && prefix === 'tag:yaml.org,2002:')
                continue;
            if (!doc || tagNames.some(tn => tn.startsWith(prefix)))
                lines.push(`%TAG ${handle} ${prefix}`);
        }
        return lines.join('\n');
    }
}
Directives.defaultYaml = { explicit: false, version: '1.2' };
Directives.defaultTags = { '!!': 'tag:yaml.org,2002:' };

exports.Directives = Directives;


/***/ }),

/***/ 8450:
/***/ ((__unused_webpack_module, exports) => {



class YAMLError extends Error {
    constructor(name, pos, code, message) {
        super();
        this.name = name;
        this.code = code;
        this.message = message;
        this.pos = pos;
    }
}
class YAMLParseError extends YAMLError {
    constructor(pos, code, message) {
        super('YAMLParseError', pos, code, message);
    }
}
class YAMLWarning extends YAMLError {
    constructor(pos, code, message) {
        super('YAMLWarning', pos, code, message);
    }
}
const prettifyError = (src, lc) => (error) => {
    if (error.pos[0] === -1)
        return;
    error.linePos = error.pos.map(pos => lc.linePos(pos));
    const { line, col } = error.linePos[0];
    error.message += ` at line ${line}, column ${col}`;
    let ci = col - 1;
    let lineStr = src
        .substring(lc.lineStarts[line - 1], lc.lineStarts[line])
        .replace(/[\n\r]+$/, '');
    // Trim to max 80 chars, keeping col position near the middle
    if (ci >= 60 && lineStr.length > 80) {
        const trimStart = Math.min(ci - 39, lineStr.length - 79);
        lineStr = '…' + lineStr.substring(trimStart);
        ci -= trimStart - 1;
    }
    if (lineStr.length > 80)
        lineStr = lineStr.substring(0, 79) + '…';
    // Include previous line in context if pointing at line start
    if (line > 1 && /^ *$/.test(lineStr.substring(0, ci))) {
        // Regexp won't match if start is trimmed
        let prev = src.substring(lc.lineStarts[line - 2], lc.lineStarts[line - 1]);
        if (prev.length > 80)
            prev = prev.substring(0, 79) + '…\n';
        lineStr = prev + lineStr;
    }
    if (/[^ ]/.test(lineStr)) {
        let count = 1;
        const end = error.linePos[1];
        if (end?.line === line && end.col > col) {
            count = Math.max(1, Math.min(end.col - col, 80 - ci));
        }
        const pointer = ' '.repeat(ci) + '^'.repeat(count);
        error.message += `:\n\n${lineStr}\n${pointer}\n`;
    }
};

exports.YAMLError = YAMLError;
exports.YAMLParseError = YAMLParseError;
exports.YAMLWarning = YAMLWarning;
exports.prettifyError = prettifyError;


/***/ }),

/***/ 6637:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var composer = __nccwpck_require__(2814);
var Document = __nccwpck_require__(3915);
var Schema = __nccwpck_require__(7878);
var errors = __nccwpck_require__(8450);
var Alias = __nccwpck_require__(7);
var identity = __nccwpck_require__(1737);
var Pair = __nccwpck_require__(7567);
var Scalar = __nccwpck_require__(1543);
var YAMLMap = __nccwpck_require__(1856);
var YAMLSeq = __nccwpck_require__(3013);
var cst = __nccwpck_require__(1475);
var lexer = __nccwpck_require__(7371);
var lineCounter = __nccwpck_require__(1242);
var parser = __nccwpck_require__(8238);
var publicApi = __nccwpck_require__(9901);
var visit = __nccwpck_require__(4190);



exports.Composer = composer.Composer;
exports.Document = Document.Document;
exports.Schema = Schema.Schema;
exports.YAMLError = errors.YAMLError;
exports.YAMLParseError = errors.YAMLParseError;
exports.YAMLWarning = errors.YAMLWarning;
exports.Alias = Alias.Alias;
exports.isAlias = identity.isAlias;
exports.isCollection = identity.isCollection;
exports.isDocument = identity.isDocument;
exports.isMap = identity.isMap;
exports.isNode = identity.isNode;
exports.isPair = identity.isPair;
exports.isScalar = identity.isScalar;
exports.isSeq = identity.isSeq;
exports.Pair = Pair.Pair;
exports.Scalar = Scalar.Scalar;
exports.YAMLMap = YAMLMap.YAMLMap;
exports.YAMLSeq = YAMLSeq.YAMLSeq;
exports.CST = cst;
exports.Lexer = lexer.Lexer;
exports.LineCounter = lineCounter.LineCounter;
exports.Parser = parser.Parser;
exports.parse = publicApi.parse;
exports.parseAllDocuments = publicApi.parseAllDocuments;
exports.parseDocument = publicApi.parseDocument;
exports.stringify = publicApi.stringify;
exports.visit = visit.visit;
exports.visitAsync = visit.visitAsync;


/***/ }),

/***/ 8195:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);

function debug(logLevel, ...messages) {
    if (logLevel === 'debug')
        console.log(...messages);
}
function warn(logLevel, warning) {
    if (logLevel === 'debug' || logLevel === 'warn') {
        if (typeof node_process.emitWarning === 'function')
            node_process.emitWarning(warning);
        else
            console.warn(warning);
    }
}

exports.debug = debug;
exports.warn = warn;


/***/ }),

/***/ 7:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var anchors = __nccwpck_require__(9030);
var visit = __nccwpck_require__(4190);
var identity = __nccwpck_require__(1737);
var Node = __nccwpck_require__(9447);
var toJS = __nccwpck_require__(445);

class Alias extends Node.NodeBase {
    constructor(source) {
        super(identity.ALIAS);
        this.source = source;
        Object.defineProperty(this, 'tag', {
            set() {
                throw new Error('Alias nodes cannot have tags');
            }
        });
    }
    /**
     * Resolve the value of this alias within `doc`, finding the last
     * instance of the `source` anchor before this node.
     */
    resolve(doc, ctx) {
        if (ctx?.maxAliasCount === 0)
            throw new ReferenceError('Alias resolution is disabled');
        let nodes;
        if (ctx?.aliasResolveCache) {
            nodes = ctx.aliasResolveCache;
        }
        else {
            nodes = [];
            visit.visit(doc, {
                Node: (_key, node) => {
                    if (identity.isAlias(node) || identity.hasAnchor(node))
                        nodes.push(node);
                }
            });
            if (ctx)
                ctx.aliasResolveCache = nodes;
        }
        let found = undefined;
        for (const node of nodes) {
            if (node === this)
                break;
            if (node.anchor === this.source)
                found = node;
        }
        if (found && ctx) {
            const { anchors, doc, maxAliasCount } = ctx;
            let data = anchors.get(found);
            if (!data) {
                // Resolve anchors for Node.prototype.toJS()
                toJS.toJS(found, null, ctx);
                data = anchors.get(found);
            }
            /* istanbul ignore if */
            if (data?.res === undefined) {
                const msg = 'This should not happen: Alias anchor was not resolved?';
                throw new ReferenceError(msg);
            }
            if (maxAliasCount >= 0) {
                data.count += 1;
                if (data.aliasCount === 0)
                    data.aliasCount = getAliasCount(doc, found, anchors);
                if (data.count * data.aliasCount > maxAliasCount) {
                    const msg = 'Excessive alias count indicates a resource exhaustion attack';
                    throw new ReferenceError(msg);
                }
            }
        }
        return found;
    }
    toJSON(_arg, ctx) {
        if (!ctx)
            return { source: this.source };
        const source = this.resolve(ctx.doc, ctx);
        if (!source) {
            const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
            throw new ReferenceError(msg);
        }
        return ctx.anchors.get(source).res;
    }
    toString(ctx, _onComment, _onChompKeep) {
        const src = `*${this.source}`;
        if (ctx) {
            anchors.anchorIsValid(this.source);
            if (ctx.options.verifyAliasOrder && !ctx.anchors.has(this.source)) {
                const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
                throw new Error(msg);
            }
            if (ctx.implicitKey)
                return `${src} `;
        }
        return src;
    }
}
function getAliasCount(doc, node, anchors) {
    if (identity.isAlias(node)) {
        const source = node.resolve(doc);
        const anchor = anchors && source && anchors.get(source);
        return anchor ? anchor.count * anchor.aliasCount : 0;
    }
    else if (identity.isCollection(node)) {
        let count = 0;
        for (const item of node.items) {
            const c = getAliasCount(doc, item, anchors);
            if (c > count)
                count = c;
        }
        return count;
    }
    else if (identity.isPair(node)) {
        const kc = getAliasCount(doc, node.key, anchors);
        const vc = getAliasCount(doc, node.value, anchors);
        return Math.max(kc, vc);
    }
    return 1;
}

exports.Alias = Alias;


/***/ }),

/***/ 935:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(1126);
var identity = __nccwpck_require__(1737);
var Node = __nccwpck_require__(9447);

function collectionFromPath(schema, path, value) {
    let v = value;
    for (let i = path.length - 1; i >= 0; --i) {
        const k = path[i];
        if (typeof k === 'number' && Number.isInteger(k) && k >= 0) {
            const a = [];
            a[k] = v;
            v = a;
        }
        else {
            v = new Map([[k, v]]);
        }
    }
    return createNode.createNode(v, undefined, {
        aliasDuplicateObjects: false,
        keepUndefined: false,
        onAnchor: () => {
            throw new Error('This should not happen, please report a bug.');
        },
        schema,
        sourceObjects: new Map()
    });
}
// Type guard is intentionally a little wrong so as to be more useful,
// as it does not cover untypable empty non-string iterables (e.g. []).
const isEmptyPath = (path) => path == null ||
    (typeof path === 'object' && !!path[Symbol.iterator]().next().done);
class Collection extends Node.NodeBase {
    constructor(type, schema) {
        super(type);
        Object.defineProperty(this, 'schema', {
            value: schema,
            configurable: true,
            enumerable: false,
            writable: true
        });
    }
    /**
     * Create a copy of this collection.
     *
     * @param schema - If defined, overwrites the original's schema
     */
    clone(schema) {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (schema)
            copy.schema = schema;
        copy.items = copy.items.map(it => identity.isNode(it) || identity.isPair(it) ? it.clone(schema) : it);
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /**
     * Adds a value to the collection. For `!!map` and `!!omap` the value must
     * be a Pair instance or a `{ key, value }` object, which may not have a key
     * that already exists in the map.
     */
    addIn(path, value) {
        if (isEmptyPath(path))
            this.add(value);
        else {
            const [key, ...rest] = path;
            const node = this.get(key, true);
            if (identity.isCollection(node))
                node.addIn(rest, value);
            else if (node === undefined && this.schema)
                this.set(key, collectionFromPath(this.schema, rest, value));
            else
                throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
    }
    /**
     * Removes a value from the collection.
     * @returns `true` if the item was found and removed.
     */
    deleteIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
            return this.delete(key);
        const node = this.get(key, true);
        if (identity.isCollection(node))
            return node.deleteIn(rest);
        else
            throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
    }
    /**
     * Returns item at `key`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    getIn(path, keepScalar) {
        const [key, ...rest] = path;
        const node = this.get(key, true);
        if (rest.length === 0)
            return !keepScalar && identity.isScalar(node) ? node.value : node;
        else
            return identity.isCollection(node) ? node.getIn(rest, keepScalar) : undefined;
    }
    hasAllNullValues(allowScalar) {
        return this.items.every(node => {
            if (!identity.isPair(node))
                return false;
            const n = node.value;
            return (n == null ||
                (allowScalar &&
                    identity.isScalar(n) &&
                    n.value == null &&
                    !n.commentBefore &&
                    !n.comment &&
                    !n.tag));
        });
    }
    /**
     * Checks if the collection includes a value with the key `key`.
     */
    hasIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
            return this.has(key);
        const node = this.get(key, true);
        return identity.isCollection(node) ? node.hasIn(rest) : false;
    }
    /**
     * Sets a value in this collection. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    setIn(path, value) {
        const [key, ...rest] = path;
        if (rest.length === 0) {
            this.set(key, value);
        }
        else {
            const node = this.get(key, true);
            if (identity.isCollection(node))
                node.setIn(rest, value);
            else if (node === undefined && this.schema)
                this.set(key, collectionFromPath(this.schema, rest, value));
            else
                throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
    }
}

exports.Collection = Collection;
exports.collectionFromPath = collectionFromPath;
exports.isEmptyPath = isEmptyPath;


/***/ }),

/***/ 9447:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var applyReviver = __nccwpck_require__(6767);
var identity = __nccwpck_require__(1737);
var toJS = __nccwpck_require__(445);

class NodeBase {
    constructor(type) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: type });
    }
    /** Create a copy of this node.  */
    clone() {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /** A plain JavaScript representation of this node. */
    toJS(doc, { mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        if (!identity.isDocument(doc))
            throw new TypeError('A document argument is required');
        const ctx = {
            anchors: new Map(),
            doc,
            keep: true,
            mapAsMap: mapAsMap === true,
            mapKeyWarned: false,
            maxAliasCount: typeof maxAliasCount === 'number' ? maxAliasCount : 100
        };
        const res = toJS.toJS(this, '', ctx);
        if (typeof onAnchor === 'function')
            for (const { count, res } of ctx.anchors.values())
                onAnchor(res, count);
        return typeof reviver === 'function'
            ? applyReviver.applyReviver(reviver, { '': res }, '', res)
            : res;
    }
}

exports.NodeBase = NodeBase;


/***/ }),

/***/ 7567:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(1126);
var stringifyPair = __nccwpck_require__(8070);
var addPairToJSMap = __nccwpck_require__(8374);
var identity = __nccwpck_require__(1737);

function createPair(key, value, ctx) {
    const k = createNode.createNode(key, undefined, ctx);
    const v = createNode.createNode(value, undefined, ctx);
    return new Pair(k, v);
}
class Pair {
    constructor(key, value = null) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.PAIR });
        this.key = key;
        this.value = value;
    }
    clone(schema) {
        let { key, value } = this;
        if (identity.isNode(key))
            key = key.clone(schema);
        if (identity.isNode(value))
            value = value.clone(schema);
        return new Pair(key, value);
    }
    toJSON(_, ctx) {
        const pair = ctx?.mapAsMap ? new Map() : {};
        return addPairToJSMap.addPairToJSMap(ctx, pair, this);
    }
    toString(ctx, onComment, onChompKeep) {
        return ctx?.doc
            ? stringifyPair.stringifyPair(this, ctx, onComment, onChompKeep)
            : JSON.stringify(this);
    }
}

exports.Pair = Pair;
exports.createPair = createPair;


/***/ }),

/***/ 1543:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var Node = __nccwpck_require__(9447);
var toJS = __nccwpck_require__(445);

const isScalarValue = (value) => !value || (typeof value !== 'function' && typeof value !== 'object');
class Scalar extends Node.NodeBase {
    constructor(value) {
        super(identity.SCALAR);
        this.value = value;
    }
    toJSON(arg, ctx) {
        return ctx?.keep ? this.value : toJS.toJS(this.value, arg, ctx);
    }
    toString() {
        return String(this.value);
    }
}
Scalar.BLOCK_FOLDED = 'BLOCK_FOLDED';
Scalar.BLOCK_LITERAL = 'BLOCK_LITERAL';
Scalar.PLAIN = 'PLAIN';
Scalar.QUOTE_DOUBLE = 'QUOTE_DOUBLE';
Scalar.QUOTE_SINGLE = 'QUOTE_SINGLE';

exports.Scalar = Scalar;
exports.isScalarValue = isScalarValue;


/***/ }),

/***/ 1856:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyCollection = __nccwpck_require__(486);
var addPairToJSMap = __nccwpck_require__(8374);
var Collection = __nccwpck_require__(935);
var identity = __nccwpck_require__(1737);
var Pair = __nccwpck_require__(7567);
var Scalar = __nccwpck_require__(1543);

function findPair(items, key) {
    const k = identity.isScalar(key) ? key.value : key;
    for (const it of items) {
        if (identity.isPair(it)) {
            if (it.key === key || it.key === k)
                return it;
            if (identity.isScalar(it.key) && it.key.value === k)
                return it;
        }
    }
    return undefined;
}
class YAMLMap extends Collection.Collection {
    static get tagName() {
        return 'tag:yaml.org,2002:map';
    }
    constructor(schema) {
        super(identity.MAP, schema);
        this.items = [];
    }
    /**
     * A generic collection parsing method that can be extended
     * to other node classes that inherit from YAMLMap
     */
    static from(schema, obj, ctx) {
        const { keepUndefined, replacer } = ctx;
        const map = new this(schema);
        const add = (key, value) => {
            if (typeof replacer === 'function')
                value = replacer.call(obj, key, value);
            else if (Array.isArray(replacer) && !replacer.includes(key))
                return;
            if (value !== undefined || keepUndefined)
                map.items.push(Pair.createPair(key, value, ctx));
        };
        if (obj instanceof Map) {
            for (const [key, value] of obj)
                add(key, value);
        }
        else if (obj && typeof obj === 'object') {
            for (const key of Object.keys(obj))
                add(key, obj[key]);
        }
        if (typeof schema.sortMapEntries === 'function') {
            map.items.sort(schema.sortMapEntries);
        }
        return map;
    }
    /**
     * Adds a value to the collection.
     *
     * @param overwrite - If not set `true`, using a key that is already in the
     *   collection will throw. Otherwise, overwrites the previous value.
     */
    add(pair, overwrite) {
        let _pair;
        if (identity.isPair(pair))
            _pair = pair;
        else if (!pair || typeof pair !== 'object' || !('key' in pair)) {
            // In TypeScript, this never happens.
            _pair = new Pair.Pair(pair, pair?.value);
        }
        else
            _pair = new Pair.Pair(pair.key, pair.value);
        const prev = findPair(this.items, _pair.key);
        const sortEntries = this.schema?.sortMapEntries;
        if (prev) {
            if (!overwrite)
                throw new Error(`Key ${_pair.key} already set`);
            // For scalars, keep the old node & its comments and anchors
            if (identity.isScalar(prev.value) && Scalar.isScalarValue(_pair.value))
                prev.value.value = _pair.value;
            else
                prev.value = _pair.value;
        }
        else if (sortEntries) {
            const i = this.items.findIndex(item => sortEntries(_pair, item) < 0);
            if (i === -1)
                this.items.push(_pair);
            else
                this.items.splice(i, 0, _pair);
        }
        else {
            this.items.push(_pair);
        }
    }
    delete(key) {
        const it = findPair(this.items, key);
        if (!it)
            return false;
        const del = this.items.splice(this.items.indexOf(it), 1);
        return del.length > 0;
    }
    get(key, keepScalar) {
        const it = findPair(this.items, key);
        const node = it?.value;
        return (!keepScalar && identity.isScalar(node) ? node.value : node) ?? undefined;
    }
    has(key) {
        return !!findPair(this.items, key);
    }
    set(key, value) {
        this.add(new Pair.Pair(key, value), true);
    }
    /**
     * @param ctx - Conversion context, originally set in Document#toJS()
     * @param {Class} Type - If set, forces the returned collection type
     * @returns Instance of Type, Map, or Object
     */
    toJSON(_, ctx, Type) {
        const map = Type ? new Type() : ctx?.mapAsMap ? new Map() : {};
        if (ctx?.onCreate)
            ctx.onCreate(map);
        for (const item of this.items)
            addPairToJSMap.addPairToJSMap(ctx, map, item);
        return map;
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        for (const item of this.items) {
            if (!identity.isPair(item))
                throw new Error(`Map items must all be pairs; found ${JSON.stringify(item)} instead`);
        }
        if (!ctx.allNullValues && this.hasAllNullValues(false))
            ctx = Object.assign({}, ctx, { allNullValues: true });
        return stringifyCollection.stringifyCollection(this, ctx, {
            blockItemPrefix: '',
            flowChars: { start: '{', end: '}' },
            itemIndent: ctx.indent || '',
            onChompKeep,
            onComment
        });
    }
}

exports.YAMLMap = YAMLMap;
exports.findPair = findPair;


/***/ }),

/***/ 3013:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(1126);
var stringifyCollection = __nccwpck_require__(486);
var Collection = __nccwpck_require__(935);
var identity = __nccwpck_require__(1737);
var Scalar = __nccwpck_require__(1543);
var toJS = __nccwpck_require__(445);

class YAMLSeq extends Collection.Collection {
    static get tagName() {
        return 'tag:yaml.org,2002:seq';
    }
    constructor(schema) {
        super(identity.SEQ, schema);
        this.items = [];
    }
    add(value) {
        this.items.push(value);
    }
    /**
     * Removes a value from the collection.
     *
     * `key` must contain a representation of an integer for this to succeed.
     * It may be wrapped in a `Scalar`.
     *
     * @returns `true` if the item was found and removed.
     */
    delete(key) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            return false;
        const del = this.items.splice(idx, 1);
        return del.length > 0;
    }
    get(key, keepScalar) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            return undefined;
        const it = this.items[idx];
        return !keepScalar && identity.isScalar(it) ? it.value : it;
    }
    /**
     * Checks if the collection includes a value with the key `key`.
     *
     * `key` must contain a representation of an integer for this to succeed.
     * It may be wrapped in a `Scalar`.
     */
    has(key) {
        const idx = asItemIndex(key);
        return typeof idx === 'number' && idx < this.items.length;
    }
    /**
     * Sets a value in this collection. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     *
     * If `key` does not contain a representation of an integer, this will throw.
     * It may be wrapped in a `Scalar`.
     */
    set(key, value) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            throw new Error(`Expected a valid index, not ${key}.`);
        const prev = this.items[idx];
        if (identity.isScalar(prev) && Scalar.isScalarValue(value))
            prev.value = value;
        else
            this.items[idx] = value;
    }
    toJSON(_, ctx) {
        const seq = [];
        if (ctx?.onCreate)
            ctx.onCreate(seq);
        let i = 0;
        for (const item of this.items)
            seq.push(toJS.toJS(item, String(i++), ctx));
        return seq;
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        return stringifyCollection.stringifyCollection(this, ctx, {
            blockItemPrefix: '- ',
            flowChars: { start: '[', end: ']' },
            itemIndent: (ctx.indent || '') + '  ',
            onChompKeep,
            onComment
        });
    }
    static from(schema, obj, ctx) {
        const { replacer } = ctx;
        const seq = new this(schema);
        if (obj && Symbol.iterator in Object(obj)) {
            let i = 0;
            for (let it of obj) {
                if (typeof replacer === 'function') {
                    const key = obj instanceof Set ? it : String(i++);
                    it = replacer.call(obj, key, it);
                }
                seq.items.push(createNode.createNode(it, undefined, ctx));
            }
        }
        return seq;
    }
}
function asItemIndex(key) {
    let idx = identity.isScalar(key) ? key.value : key;
    if (idx && typeof idx === 'string')
        idx = Number(idx);
    return typeof idx === 'number' && Number.isInteger(idx) && idx >= 0
        ? idx
        : null;
}

exports.YAMLSeq = YAMLSeq;


/***/ }),

/***/ 8374:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var log = __nccwpck_require__(8195);
var merge = __nccwpck_require__(5970);
var stringify = __nccwpck_require__(5474);
var identity = __nccwpck_require__(1737);
var toJS = __nccwpck_require__(445);

function addPairToJSMap(ctx, map, { key, value }) {
    if (identity.isNode(key) && key.addToJSMap)
        key.addToJSMap(ctx, map, value);
    // TODO: Should drop this special case for bare << handling
    else if (merge.isMergeKey(ctx, key))
        merge.addMergeToJSMap(ctx, map, value);
    else {
        const jsKey = toJS.toJS(key, '', ctx);
        if (map instanceof Map) {
            map.set(jsKey, toJS.toJS(value, jsKey, ctx));
        }
        else if (map instanceof Set) {
            map.add(jsKey);
        }
        else {
            const stringKey = stringifyKey(key, jsKey, ctx);
            const jsValue = toJS.toJS(value, stringKey, ctx);
            if (stringKey in map)
                Object.defineProperty(map, stringKey, {
                    value: jsValue,
                    writable: true,
                    enumerable: true,
                    configurable: true
                });
            else
                map[stringKey] = jsValue;
        }
    }
    return map;
}
function stringifyKey(key, jsKey, ctx) {
    if (jsKey === null)
        return '';
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    if (typeof jsKey !== 'object')
        return String(jsKey);
    if (identity.isNode(key) && ctx?.doc) {
        const strCtx = stringify.createStringifyContext(ctx.doc, {});
        strCtx.anchors = new Set();
        for (const node of ctx.anchors.keys())
            strCtx.anchors.add(node.anchor);
        strCtx.inFlow = true;
        strCtx.inStringifyKey = true;
        const strKey = key.toString(strCtx);
        if (!ctx.mapKeyWarned) {
            let jsonStr = JSON.stringify(strKey);
            if (jsonStr.length > 40)
                jsonStr = jsonStr.substring(0, 36) + '..."';
            log.warn(ctx.doc.options.logLevel, `Keys with collection values will be stringified due to JS Object restrictions: ${jsonStr}. Set mapAsMap: true to use object keys.`);
            ctx.mapKeyWarned = true;
        }
        return strKey;
    }
    return JSON.stringify(jsKey);
}

exports.addPairToJSMap = addPairToJSMap;


/***/ }),

/***/ 1737:
/***/ ((__unused_webpack_module, exports) => {



const ALIAS = Symbol.for('yaml.alias');
const DOC = Symbol.for('yaml.document');
const MAP = Symbol.for('yaml.map');
const PAIR = Symbol.for('yaml.pair');
const SCALAR = Symbol.for('yaml.scalar');
const SEQ = Symbol.for('yaml.seq');
const NODE_TYPE = Symbol.for('yaml.node.type');
const isAlias = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === ALIAS;
const isDocument = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === DOC;
const isMap = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === MAP;
const isPair = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === PAIR;
const isScalar = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === SCALAR;
const isSeq = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === SEQ;
function isCollection(node) {
    if (node && typeof node === 'object')
        switch (node[NODE_TYPE]) {
            case MAP:
            case SEQ:
                return true;
        }
    return false;
}
function isNode(node) {
    if (node && typeof node === 'object')
        switch (node[NODE_TYPE]) {
            case ALIAS:
            case MAP:
            case SCALAR:
            case SEQ:
                return true;
        }
    return false;
}
const hasAnchor = (node) => (isScalar(node) || isCollection(node)) && !!node.anchor;

exports.ALIAS = ALIAS;
exports.DOC = DOC;
exports.MAP = MAP;
exports.NODE_TYPE = NODE_TYPE;
exports.PAIR = PAIR;
exports.SCALAR = SCALAR;
exports.SEQ = SEQ;
exports.hasAnchor = hasAnchor;
exports.isAlias = isAlias;
exports.isCollection = isCollection;
exports.isDocument = isDocument;
exports.isMap = isMap;
exports.isNode = isNode;
exports.isPair = isPair;
exports.isScalar = isScalar;
exports.isSeq = isSeq;


/***/ }),

/***/ 445:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);

/**
 * Recursively convert any node or its contents to native JavaScript
 *
 * @param value - The input value
 * @param arg - If `value` defines a `toJSON()` method, use this
 *   as its first argument
 * @param ctx - Conversion context, originally set in Document#toJS(). If
 *   `{ keep: true }` is not set, output should be suitable for JSON
 *   stringification.
 */
function toJS(value, arg, ctx) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return
    if (Array.isArray(value))
        return value.map((v, i) => toJS(v, String(i), ctx));
    if (value && typeof value.toJSON === 'function') {
        // eslint-disable-next-line @typescript-eslint/no-unsafe-call
        if (!ctx || !identity.hasAnchor(value))
            return value.toJSON(arg, ctx);
        const data = { aliasCount: 0, count: 1, res: undefined };
        ctx.anchors.set(value, data);
        ctx.onCreate = res => {
            data.res = res;
            delete ctx.onCreate;
        };
        const res = value.toJSON(arg, ctx);
        if (ctx.onCreate)
            ctx.onCreate(res);
        return res;
    }
    if (typeof value === 'bigint' && !ctx?.keep)
        return Number(value);
    return value;
}

exports.toJS = toJS;


/***/ }),

/***/ 1588:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var resolveBlockScalar = __nccwpck_require__(1399);
var resolveFlowScalar = __nccwpck_require__(2976);
var errors = __nccwpck_require__(8450);
var stringifyString = __nccwpck_require__(4387);

function resolveAsScalar(token, strict = true, onError) {
    if (token) {
        const _onError = (pos, code, message) => {
            const offset = typeof pos === 'number' ? pos : Array.isArray(pos) ? pos[0] : pos.offset;
            if (onError)
                onError(offset, code, message);
            else
                throw new errors.YAMLParseError([offset, offset + 1], code, message);
        };
        switch (token.type) {
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return resolveFlowScalar.resolveFlowScalar(token, strict, _onError);
            case 'block-scalar':
                return resolveBlockScalar.resolveBlockScalar({ options: { strict } }, token, _onError);
        }
    }
    return null;
}
/**
 * Create a new scalar token with `value`
 *
 * Values that represent an actual string but may be parsed as a different type should use a `type` other than `'PLAIN'`,
 * as this function does not support any schema operations and won't check for such conflicts.
 *
 * @param value The string representation of the value, which will have its content properly indented.
 * @param context.end Comments and whitespace after the end of the value, or after the block scalar header. If undefined, a newline will be added.
 * @param context.implicitKey Being within an implicit key may affect the resolved type of the token's value.
 * @param context.indent The indent level of the token.
 * @param context.inFlow Is this scalar within a flow collection? This may affect the resolved type of the token's value.
 * @param context.offset The offset position of the token.
 * @param context.type The preferred type of the scalar token. If undefined, the previous type of the `token` will be used, defaulting to `'PLAIN'`.
 */
function createScalarToken(value, context) {
    const { implicitKey = false, indent, inFlow = false, offset = -1, type = 'PLAIN' } = context;
    const source = stringifyString.stringifyString({ type, value }, {
        implicitKey,
        indent: indent > 0 ? ' '.repeat(indent) : '',
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
    });
    const end = context.end ?? [
        { type: 'newline', offset: -1, indent, source: '\n' }
    ];
    switch (source[0]) {
        case '|':
        case '>': {
            const he = source.indexOf('\n');
            const head = source.substring(0, he);
            const body = source.substring(he + 1) + '\n';
            const props = [
                { type: 'block-scalar-header', offset, indent, source: head }
            ];
            if (!addEndtoBlockProps(props, end))
                props.push({ type: 'newline', offset: -1, indent, source: '\n' });
            return { type: 'block-scalar', offset, indent, props, source: body };
        }
        case '"':
            return { type: 'double-quoted-scalar', offset, indent, source, end };
        case "'":
            return { type: 'single-quoted-scalar', offset, indent, source, end };
        default:
            return { type: 'scalar', offset, indent, source, end };
    }
}
/**
 * Set the value of `token` to the given string `value`, overwriting any previous contents and type that it may have.
 *
 * Best efforts are made to retain any comments previously associated with the `token`,
 * though all contents within a collection's `items` will be overwritten.
 *
 * Values that represent an actual string but may be parsed as a different type should use a `type` other than `'PLAIN'`,
 * as this function does not support any schema operations and won't check for such conflicts.
 *
 * @param token Any token. If it does not include an `indent` value, the value will be stringified as if it were an implicit key.
 * @param value The string representation of the value, which will have its content properly indented.
 * @param context.afterKey In most cases, values after a key should have an additional level of indentation.
 * @param context.implicitKey Being within an implicit key may affect the resolved type of the token's value.
 * @param context.inFlow Being within a flow collection may affect the resolved type of the token's value.
 * @param context.type The preferred type of the scalar token. If undefined, the previous type of the `token` will be used, defaulting to `'PLAIN'`.
 */
function setScalarValue(token, value, context = {}) {
    let { afterKey = false, implicitKey = false, inFlow = false, type } = context;
    let indent = 'indent' in token ? token.indent : null;
    if (afterKey && typeof indent === 'number')
        indent += 2;
    if (!type)
        switch (token.type) {
            case 'single-quoted-scalar':
                type = 'QUOTE_SINGLE';
                break;
            case 'double-quoted-scalar':
                type = 'QUOTE_DOUBLE';
                break;
            case 'block-scalar': {
                const header = token.props[0];
                if (header.type !== 'block-scalar-header')
                    throw new Error('Invalid block scalar header');
                type = header.source[0] === '>' ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL';
                break;
            }
            default:
                type = 'PLAIN';
        }
    const source = stringifyString.stringifyString({ type, value }, {
        implicitKey: implicitKey || indent === null,
        indent: indent !== null && indent > 0 ? ' '.repeat(indent) : '',
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
    });
    switch (source[0]) {
        case '|':
        case '>':
            setBlockScalarValue(token, source);
            break;
        case '"':
            setFlowScalarValue(token, source, 'double-quoted-scalar');
            break;
        case "'":
            setFlowScalarValue(token, source, 'single-quoted-scalar');
            break;
        default:
            setFlowScalarValue(token, source, 'scalar');
    }
}
function setBlockScalarValue(token, source) {
    const he = source.indexOf('\n');
    const head = source.substring(0, he);
    const body = source.substring(he + 1) + '\n';
    if (token.type === 'block-scalar') {
        const header = token.props[0];
        if (header.type !== 'block-scalar-header')
            throw new Error('Invalid block scalar header');
        header.source = head;
        token.source = body;
    }
    else {
        const { offset } = token;
        const indent = 'indent' in token ? token.indent : -1;
        const props = [
            { type: 'block-scalar-header', offset, indent, source: head }
        ];
        if (!addEndtoBlockProps(props, 'end' in token ? token.end : undefined))
            props.push({ type: 'newline', offset: -1, indent, source: '\n' });
        for (const key of Object.keys(token))
            if (key !== 'type' && key !== 'offset')
                delete token[key];
        Object.assign(token, { type: 'block-scalar', indent, props, source: body });
    }
}
/** @returns `true` if last token is a newline */
function addEndtoBlockProps(props, end) {
    if (end)
        for (const st of end)
            switch (st.type) {
                case 'space':
                case 'comment':
                    props.push(st);
                    break;
                case 'newline':
                    props.push(st);
                    return true;
            }
    return false;
}
function setFlowScalarValue(token, source, type) {
    switch (token.type) {
        case 'scalar':
        case 'double-quoted-scalar':
        case 'single-quoted-scalar':
            token.type = type;
            token.source = source;
            break;
        case 'block-scalar': {
            const end = token.props.slice(1);
            let oa = source.length;
            if (token.props[0].type === 'block-scalar-header')
                oa -= token.props[0].source.length;
            for (const tok of end)
                tok.offset += oa;
            delete token.props;
            Object.assign(token, { type, source, end });
            break;
        }
        case 'block-map':
        case 'block-seq': {
            const offset = token.offset + source.length;
            const nl = { type: 'newline', offset, indent: token.indent, source: '\n' };
            delete token.items;
            Object.assign(token, { type, source, end: [nl] });
            break;
        }
        default: {
            const indent = 'indent' in token ? token.indent : -1;
            const end = 'end' in token && Array.isArray(token.end)
                ? token.end.filter(st => st.type === 'space' ||
                    st.type === 'comment' ||
                    st.type === 'newline')
                : [];
            for (const key of Object.keys(token))
                if (key !== 'type' && key !== 'offset')
                    delete token[key];
            Object.assign(token, { type, indent, source, end });
        }
    }
}

exports.createScalarToken = createScalarToken;
exports.resolveAsScalar = resolveAsScalar;
exports.setScalarValue = setScalarValue;


/***/ }),

/***/ 751:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Stringify a CST document, token, or collection item
 *
 * Fair warning: This applies no validation whatsoever, and
 * simply concatenates the sources in their logical order.
 */
const stringify = (cst) => 'type' in cst ? stringifyToken(cst) : stringifyItem(cst);
function stringifyToken(token) {
    switch (token.type) {
        case 'block-scalar': {
            let res = '';
            for (const tok of token.props)
                res += stringifyToken(tok);
            return res + token.source;
        }
        case 'block-map':
        case 'block-seq': {
            let res = '';
            for (const item of token.items)
                res += stringifyItem(item);
            return res;
        }
        case 'flow-collection': {
            let res = token.start.source;
            for (const item of token.items)
                res += stringifyItem(item);
            for (const st of token.end)
                res += st.source;
            return res;
        }
        case 'document': {
            let res = stringifyItem(token);
            if (token.end)
                for (const st of token.end)
                    res += st.source;
            return res;
        }
        default: {
            let res = token.source;
            if ('end' in token && token.end)
                for (const st of token.end)
                    res += st.source;
            return res;
        }
    }
}
function stringifyItem({ start, key, sep, value }) {
    let res = '';
    for (const st of start)
        res += st.source;
    if (key)
        res += stringifyToken(key);
    if (sep)
        for (const st of sep)
            res += st.source;
    if (value)
        res += stringifyToken(value);
    return res;
}

exports.stringify = stringify;


/***/ }),

/***/ 1:
/***/ ((__unused_webpack_module, exports) => {



const BREAK = Symbol('break visit');
const SKIP = Symbol('skip children');
const REMOVE = Symbol('remove item');
/**
 * Apply a visitor to a CST document or item.
 *
 * Walks through the tree (depth-first) starting from the root, calling a
 * `visitor` function with two arguments when entering each item:
 *   - `item`: The current item, which included the following members:
 *     - `start: SourceToken[]` – Source tokens before the key or value,
 *       possibly including its anchor or tag.
 *     - `key?: Token | null` – Set for pair values. May then be `null`, if
 *       the key before the `:` separator is empty.
 *     - `sep?: SourceToken[]` – Source tokens between the key and the value,
 *       which should include the `:` map value indicator if `value` is set.
 *     - `value?: Token` – The value of a sequence item, or of a map pair.
 *   - `path`: The steps from the root to the current node, as an array of
 *     `['key' | 'value', number]` tuples.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this token, continue with
 *      next sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current item, then continue with the next one
 *   - `number`: Set the index of the next step. This is useful especially if
 *     the index of the current token has changed.
 *   - `function`: Define the next visitor for this item. After the original
 *     visitor is called on item entry, next visitors are called after handling
 *     a non-empty `key` and when exiting the item.
 */
function visit(cst, visitor) {
    if ('type' in cst && cst.type === 'document')
        cst = { start: cst.start, value: cst.value };
    _visit(Object.freeze([]), cst, visitor);
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visit.BREAK = BREAK;
/** Do not visit the children of the current item */
visit.SKIP = SKIP;
/** Remove the current item */
visit.REMOVE = REMOVE;
/** Find the item at `path` from `cst` as the root */
visit.itemAtPath = (cst, path) => {
    let item = cst;
    for (const [field, index] of path) {
        const tok = item?.[field];
        if (tok && 'items' in tok) {
            item = tok.items[index];
        }
        else
            return undefined;
    }
    return item;
};
/**
 * Get the immediate parent collection of the item at `path` from `cst` as the root.
 *
 * Throws an error if the collection is not found, which should never happen if the item itself exists.
 */
visit.parentCollection = (cst, path) => {
    const parent = visit.itemAtPath(cst, path.slice(0, -1));
    const field = path[path.length - 1][0];
    const coll = parent?.[field];
    if (coll && 'items' in coll)
        return coll;
    throw new Error('Parent collection not found');
};
function _visit(path, item, visitor) {
    let ctrl = visitor(item, path);
    if (typeof ctrl === 'symbol')
        return ctrl;
    for (const field of ['key', 'value']) {
        const token = item[field];
        if (token && 'items' in token) {
            for (let i = 0; i < token.items.length; ++i) {
                const ci = _visit(Object.freeze(path.concat([[field, i]])), token.items[i], visitor);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    token.items.splice(i, 1);
                    i -= 1;
                }
            }
            if (typeof ctrl === 'function' && field === 'key')
                ctrl = ctrl(item, path);
        }
    }
    return typeof ctrl === 'function' ? ctrl(item, path) : ctrl;
}

exports.visit = visit;


/***/ }),

/***/ 1475:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var cstScalar = __nccwpck_require__(1588);
var cstStringify = __nccwpck_require__(751);
var cstVisit = __nccwpck_require__(1);

/** The byte order mark */
const BOM = '\u{FEFF}';
/** Start of doc-mode */
const DOCUMENT = '\x02'; // C0: Start of Text
/** Unexpected end of flow-mode */
const FLOW_END = '\x18'; // C0: Cancel
/** Next token is a scalar value */
const SCALAR = '\x1f'; // C0: Unit Separator
/** @returns `true` if `token` is a flow or block collection */
const isCollection = (token) => !!token && 'items' in token;
/** @returns `true` if `token` is a flow or block scalar; not an alias */
const isScalar = (token) => !!token &&
    (token.type === 'scalar' ||
        token.type === 'single-quoted-scalar' ||
        token.type === 'double-quoted-scalar' ||
        token.type === 'block-scalar');
/* istanbul ignore next */
/** Get a printable representation of a lexer token */
function prettyToken(token) {
    switch (token) {
        case BOM:
            return '<BOM>';
        case DOCUMENT:
            return '<DOC>';
        case FLOW_END:
            return '<FLOW_END>';
        case SCALAR:
            return '<SCALAR>';
        default:
            return JSON.stringify(token);
    }
}
/** Identify the type of a lexer token. May return `null` for unknown tokens. */
function tokenType(source) {
    switch (source) {
        case BOM:
            return 'byte-order-mark';
        case DOCUMENT:
            return 'doc-mode';
        case FLOW_END:
            return 'flow-error-end';
        case SCALAR:
            return 'scalar';
        case '---':
            return 'doc-start';
        case '...':
            return 'doc-end';
        case '':
        case '\n':
        case '\r\n':
            return 'newline';
        case '-':
            return 'seq-item-ind';
        case '?':
            return 'explicit-key-ind';
        case ':':
            return 'map-value-ind';
        case '{':
            return 'flow-map-start';
        case '}':
            return 'flow-map-end';
        case '[':
            return 'flow-seq-start';
        case ']':
            return 'flow-seq-end';
        case ',':
            return 'comma';
    }
    switch (source[0]) {
        case ' ':
        case '\t':
            return 'space';
        case '#':
            return 'comment';
        case '%':
            return 'directive-line';
        case '*':
            return 'alias';
        case '&':
            return 'anchor';
        case '!':
            return 'tag';
        case "'":
            return 'single-quoted-scalar';
        case '"':
            return 'double-quoted-scalar';
        case '|':
        case '>':
            return 'block-scalar-header';
    }
    return null;
}

exports.createScalarToken = cstScalar.createScalarToken;
exports.resolveAsScalar = cstScalar.resolveAsScalar;
exports.setScalarValue = cstScalar.setScalarValue;
exports.stringify = cstStringify.stringify;
exports.visit = cstVisit.visit;
exports.BOM = BOM;
exports.DOCUMENT = DOCUMENT;
exports.FLOW_END = FLOW_END;
exports.SCALAR = SCALAR;
exports.isCollection = isCollection;
exports.isScalar = isScalar;
exports.prettyToken = prettyToken;
exports.tokenType = tokenType;


/***/ }),

/***/ 7371:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var cst = __nccwpck_require__(1475);

/*
START -> stream

stream
  directive -> line-end -> stream
  indent + line-end -> stream
  [else] -> line-start

line-end
  comment -> line-end
  newline -> .
  input-end -> END

line-start
  doc-start -> doc
  doc-end -> stream
  [else] -> indent -> block-start

block-start
  seq-item-start -> block-start
  explicit-key-start -> block-start
  map-value-start -> block-start
  [else] -> doc

doc
  line-end -> line-start
  spaces -> doc
  anchor -> doc
  tag -> doc
  flow-start -> flow -> doc
  flow-end -> error -> doc
  seq-item-start -> error -> doc
  explicit-key-start -> error -> doc
  map-value-start -> doc
  alias -> doc
  quote-start -> quoted-scalar -> doc
  block-scalar-header -> line-end -> block-scalar(min) -> line-start
  [else] -> plain-scalar(false, min) -> doc

flow
  line-end -> flow
  spaces -> flow
  anchor -> flow
  tag -> flow
  flow-start -> flow -> flow
  flow-end -> .
  seq-item-start -> error -> flow
  explicit-key-start -> flow
  map-value-start -> flow
  alias -> flow
  quote-start -> quoted-scalar -> flow
  comma -> flow
  [else] -> plain-scalar(true, 0) -> flow

quoted-scalar
  quote-end -> .
  [else] -> quoted-scalar

block-scalar(min)
  newline + peek(indent < min) -> .
  [else] -> block-scalar(min)

plain-scalar(is-flow, min)
  scalar-end(is-flow) -> .
  peek(newline + (indent < min)) -> .
  [else] -> plain-scalar(min)
*/
function isEmpty(ch) {
    switch (ch) {
        case undefined:
        case ' ':
        case '\n':
        case '\r':
        case '\t':
            return true;
        default:
            return false;
    }
}
const hexDigits = new Set('0123456789ABCDEFabcdef');
const tagChars = new Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#;/?:@&=+$_.!~*'()");
const flowIndicatorChars = new Set(',[]{}');
const invalidAnchorChars = new Set(' ,[]{}\n\r\t');
const isNotAnchorChar = (ch) => !ch || invalidAnchorChars.has(ch);
/**
 * Splits an input string into lexical tokens, i.e. smaller strings that are
 * easily identifiable by `tokens.tokenType()`.
 *
 * Lexing starts always in a "stream" context. Incomplete input may be buffered
 * until a complete token can be emitted.
 *
 * In addition to slices of the original input, the following control characters
 * may also be emitted:
 *
 * - `\x02` (Start of Text): A document starts with the next token
 * - `\x18` (Cancel): Unexpected end of flow-mode (indicates an error)
 * - `\x1f` (Unit Separator): Next token is a scalar value
 * - `\u{FEFF}` (Byte order mark): Emitted separately outside documents
 */
class Lexer {
    constructor() {
        /**
         * Flag indicating whether the end of the current buffer marks the end of
         * all input
         */
        this.atEnd = false;
        /**
         * Explicit indent set in block scalar header, as an offset from the current
         * minimum indent, so e.g. set to 1 from a header `|2+`. Set to -1 if not
         * explicitly set.
         */
        this.blockScalarIndent = -1;
        /**
         * Block scalars that include a + (keep) chomping indicator in their header
         * include trailing empty lines, which are otherwise excluded from the
         * scalar's contents.
         */
        this.blockScalarKeep = false;
        /** Current input */
        this.buffer = '';
        /**
         * Flag noting whether the map value indicator : can immediately follow this
         * node within a flow context.
         */
        this.flowKey = false;
        /** Count of surrounding flow collection levels. */
        this.flowLevel = 0;
        /**
         * Minimum level of indentation required for next lines to be parsed as a
         * part of the current scalar value.
         */
        this.indentNext = 0;
        /** Indentation level of the current line. */
        this.indentValue = 0;
        /** Position of the next \n character. */
        this.lineEndPos = null;
        /** Stores the state of the lexer if reaching the end of incpomplete input */
        this.next = null;
        /** A pointer to `buffer`; the current position of the lexer. */
        this.pos = 0;
    }
    /**
     * Generate YAML tokens from the `source` string. If `incomplete`,
     * a part of the last line may be left as a buffer for the next call.
     *
     * @returns A generator of lexical tokens
     */
    *lex(source, incomplete = false) {
        if (source) {
            if (typeof source !== 'string')
                throw TypeError('source is not a string');
            this.buffer = this.buffer ? this.buffer + source : source;
            this.lineEndPos = null;
        }
        this.atEnd = !incomplete;
        let next = this.next ?? 'stream';
        while (next && (incomplete || this.hasChars(1)))
            next = yield* this.parseNext(next);
    }
    atLineEnd() {
        let i = this.pos;
        let ch = this.buffer[i];
        while (ch === ' ' || ch === '\t')
            ch = this.buffer[++i];
        if (!ch || ch === '#' || ch === '\n')
            return true;
        if (ch === '\r')
            return this.buffer[i + 1] === '\n';
        return false;
    }
    charAt(n) {
        return this.buffer[this.pos + n];
    }
    continueScalar(offset) {
        let ch = this.buffer[offset];
        if (this.indentNext > 0) {
            let indent = 0;
            while (ch === ' ')
                ch = this.buffer[++indent + offset];
            if (ch === '\r') {
                const next = this.buffer[indent + offset + 1];
                if (next === '\n' || (!next && !this.atEnd))
                    return offset + indent + 1;
            }
            return ch === '\n' || indent >= this.indentNext || (!ch && !this.atEnd)
                ? offset + indent
                : -1;
        }
        if (ch === '-' || ch === '.') {
            const dt = this.buffer.substr(offset, 3);
            if ((dt === '---' || dt === '...') && isEmpty(this.buffer[offset + 3]))
                return -1;
        }
        return offset;
    }
    getLine() {
        let end = this.lineEndPos;
        if (typeof end !== 'number' || (end !== -1 && end < this.pos)) {
            end = this.buffer.indexOf('\n', this.pos);
            this.lineEndPos = end;
        }
        if (end === -1)
            return this.atEnd ? this.buffer.substring(this.pos) : null;
        if (this.buffer[end - 1] === '\r')
            end -= 1;
        return this.buffer.substring(this.pos, end);
    }
    hasChars(n) {
        return this.pos + n <= this.buffer.length;
    }
    setNext(state) {
        this.buffer = this.buffer.substring(this.pos);
        this.pos = 0;
        this.lineEndPos = null;
        this.next = state;
        return null;
    }
    peek(n) {
        return this.buffer.substr(this.pos, n);
    }
    *parseNext(next) {
        switch (next) {
            case 'stream':
                return yield* this.parseStream();
            case 'line-start':
                return yield* this.parseLineStart();
            case 'block-start':
                return yield* this.parseBlockStart();
            case 'doc':
                return yield* this.parseDocument();
            case 'flow':
                return yield* this.parseFlowCollection();
            case 'quoted-scalar':
                return yield* this.parseQuotedScalar();
            case 'block-scalar':
                return yield* this.parseBlockScalar();
            case 'plain-scalar':
                return yield* this.parsePlainScalar();
        }
    }
    *parseStream() {
        let line = this.getLine();
        if (line === null)
            return this.setNext('stream');
        if (line[0] === cst.BOM) {
            yield* this.pushCount(1);
            line = line.substring(1);
        }
        if (line[0] === '%') {
            let dirEnd = line.length;
            let cs = line.indexOf('#');
            while (cs !== -1) {
                const ch = line[cs - 1];
                if (ch === ' ' || ch === '\t') {
                    dirEnd = cs - 1;
                    break;
                }
                else {
                    cs = line.indexOf('#', cs + 1);
                }
            }
            while (true) {
                const ch = line[dirEnd - 1];
                if (ch === ' ' || ch === '\t')
                    dirEnd -= 1;
                else
                    break;
            }
            const n = (yield* this.pushCount(dirEnd)) + (yield* this.pushSpaces(true));
            yield* this.pushCount(line.length - n); // possible comment
            this.pushNewline();
            return 'stream';
        }
        if (this.atLineEnd()) {
            const sp = yield* this.pushSpaces(true);
            yield* this.pushCount(line.length - sp);
            yield* this.pushNewline();
            return 'stream';
        }
        yield cst.DOCUMENT;
        return yield* this.parseLineStart();
    }
    *parseLineStart() {
        const ch = this.charAt(0);
        if (!ch && !this.atEnd)
            return this.setNext('line-start');
        if (ch === '-' || ch === '.') {
            if (!this.atEnd && !this.hasChars(4))
                return this.setNext('line-start');
            const s = this.peek(3);
            if ((s === '---' || s === '...') && isEmpty(this.charAt(3))) {
                yield* this.pushCount(3);
                this.indentValue = 0;
                this.indentNext = 0;
                return s === '---' ? 'doc' : 'stream';
            }
        }
        this.indentValue = yield* this.pushSpaces(false);
        if (this.indentNext > this.indentValue && !isEmpty(this.charAt(1)))
            this.indentNext = this.indentValue;
        return yield* this.parseBlockStart();
    }
    *parseBlockStart() {
        const [ch0, ch1] = this.peek(2);
        if (!ch1 && !this.atEnd)
            return this.setNext('block-start');
        if ((ch0 === '-' || ch0 === '?' || ch0 === ':') && isEmpty(ch1)) {
            const n = (yield* this.pushCount(1)) + (yield* this.pushSpaces(true));
            this.indentNext = this.indentValue + 1;
            this.indentValue += n;
            return 'block-start';
        }
        return 'doc';
    }
    *parseDocument() {
        yield* this.pushSpaces(true);
        const line = this.getLine();
        if (line === null)
            return this.setNext('doc');
        let n = yield* this.pushIndicators();
        switch (line[n]) {
            case '#':
                yield* this.pushCount(line.length - n);
            // fallthrough
            case undefined:
                yield* this.pushNewline();
                return yield* this.parseLineStart();
            case '{':
            case '[':
                yield* this.pushCount(1);
                this.flowKey = false;
                this.flowLevel = 1;
                return 'flow';
            case '}':
            case ']':
                // this is an error
                yield* this.pushCount(1);
                return 'doc';
            case '*':
                yield* this.pushUntil(isNotAnchorChar);
                return 'doc';
            case '"':
            case "'":
                return yield* this.parseQuotedScalar();
            case '|':
            case '>':
                n += yield* this.parseBlockScalarHeader();
                n += yield* this.pushSpaces(true);
                yield* this.pushCount(line.length - n);
                yield* this.pushNewline();
                return yield* this.parseBlockScalar();
            default:
                return yield* this.parsePlainScalar();
        }
    }
    *parseFlowCollection() {
        let nl, sp;
        let indent = -1;
        do {
            nl = yield* this.pushNewline();
            if (nl > 0) {
                sp = yield* this.pushSpaces(false);
                this.indentValue = indent = sp;
            }
            else {
                sp = 0;
            }
            sp += yield* this.pushSpaces(true);
        } while (nl + sp > 0);
        const line = this.getLine();
        if (line === null)
            return this.setNext('flow');
        if ((indent !== -1 && indent < this.indentNext && line[0] !== '#') ||
            (indent === 0 &&
                (line.startsWith('---') || line.startsWith('...')) &&
                isEmpty(line[3]))) {
            // Allowing for the terminal ] or } at the same (rather than greater)
            // indent level as the initial [ or { is technically invalid, but
            // failing here would be surprising to users.
            const atFlowEndMarker = indent === this.indentNext - 1 &&
                this.flowLevel === 1 &&
                (line[0] === ']' || line[0] === '}');
            if (!atFlowEndMarker) {
                // this is an error
                this.flowLevel = 0;
                yield cst.FLOW_END;
                return yield* this.parseLineStart();
            }
        }
        let n = 0;
        while (line[n] === ',') {
            n += yield* this.pushCount(1);
            n += yield* this.pushSpaces(true);
            this.flowKey = false;
        }
        n += yield* this.pushIndicators();
        switch (line[n]) {
            case undefined:
                return 'flow';
            case '#':
                yield* this.pushCount(line.length - n);
                return 'flow';
            case '{':
            case '[':
                yield* this.pushCount(1);
                this.flowKey = false;
                this.flowLevel += 1;
                return 'flow';
            case '}':
            case ']':
                yield* this.pushCount(1);
                this.flowKey = true;
                this.flowLevel -= 1;
                return this.flowLevel ? 'flow' : 'doc';
            case '*':
                yield* this.pushUntil(isNotAnchorChar);
                return 'flow';
            case '"':
            case "'":
                this.flowKey = true;
                return yield* this.parseQuotedScalar();
            case ':': {
                const next = this.charAt(1);
                if (this.flowKey || isEmpty(next) || next === ',') {
                    this.flowKey = false;
                    yield* this.pushCount(1);
                    yield* this.pushSpaces(true);
                    return 'flow';
                }
            }
            // fallthrough
            default:
                this.flowKey = false;
                return yield* this.parsePlainScalar();
        }
    }
    *parseQuotedScalar() {
        const quote = this.charAt(0);
        let end = this.buffer.indexOf(quote, this.pos + 1);
        if (quote === "'") {
            while (end !== -1 && this.buffer[end + 1] === "'")
                end = this.buffer.indexOf("'", end + 2);
        }
        else {
            // double-quote
            while (end !== -1) {
                let n = 0;
                while (this.buffer[end - 1 - n] === '\\')
                    n += 1;
                if (n % 2 === 0)
                    break;
                end = this.buffer.indexOf('"', end + 1);
            }
        }
        // Only looking for newlines within the quotes
        const qb = this.buffer.substring(0, end);
        let nl = qb.indexOf('\n', this.pos);
        if (nl !== -1) {
            while (nl !== -1) {
                const cs = this.continueScalar(nl + 1);
                if (cs === -1)
                    break;
                nl = qb.indexOf('\n', cs);
            }
            if (nl !== -1) {
                // this is an error caused by an unexpected unindent
                end = nl - (qb[nl - 1] === '\r' ? 2 : 1);
            }
        }
        if (end === -1) {
            if (!this.atEnd)
                return this.setNext('quoted-scalar');
            end = this.buffer.length;
        }
        yield* this.pushToIndex(end + 1, false);
        return this.flowLevel ? 'flow' : 'doc';
    }
    *parseBlockScalarHeader() {
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        let i = this.pos;
        while (true) {
            const ch = this.buffer[++i];
            if (ch === '+')
                this.blockScalarKeep = true;
            else if (ch > '0' && ch <= '9')
                this.blockScalarIndent = Number(ch) - 1;
            else if (ch !== '-')
                break;
        }
        return yield* this.pushUntil(ch => isEmpty(ch) || ch === '#');
    }
    *parseBlockScalar() {
        let nl = this.pos - 1; // may be -1 if this.pos === 0
        let indent = 0;
        let ch;
        loop: for (let i = this.pos; (ch = this.buffer[i]); ++i) {
            switch (ch) {
                case ' ':
                    indent += 1;
                    break;
                case '\n':
                    nl = i;
                    indent = 0;
                    break;
                case '\r': {
                    const next = this.buffer[i + 1];
                    if (!next && !this.atEnd)
                        return this.setNext('block-scalar');
                    if (next === '\n')
                        break;
                } // fallthrough
                default:
                    break loop;
            }
        }
        if (!ch && !this.atEnd)
            return this.setNext('block-scalar');
        if (indent >= this.indentNext) {
            if (this.blockScalarIndent === -1)
                this.indentNext = indent;
            else {
                this.indentNext =
                    this.blockScalarIndent + (this.indentNext === 0 ? 1 : this.indentNext);
            }
            do {
                const cs = this.continueScalar(nl + 1);
                if (cs === -1)
                    break;
                nl = this.buffer.indexOf('\n', cs);
            } while (nl !== -1);
            if (nl === -1) {
                if (!this.atEnd)
                    return this.setNext('block-scalar');
                nl = this.buffer.length;
            }
        }
        // Trailing insufficiently indented tabs are invalid.
        // To catch that during parsing, we include them in the block scalar value.
        let i = nl + 1;
        ch = this.buffer[i];
        while (ch === ' ')
            ch = this.buffer[++i];
        if (ch === '\t') {
            while (ch === '\t' || ch === ' ' || ch === '\r' || ch === '\n')
                ch = this.buffer[++i];
            nl = i - 1;
        }
        else if (!this.blockScalarKeep) {
            do {
                let i = nl - 1;
                let ch = this.buffer[i];
                if (ch === '\r')
                    ch = this.buffer[--i];
                const lastChar = i; // Drop the line if last char not more indented
                while (ch === ' ')
                    ch = this.buffer[--i];
                if (ch === '\n' && i >= this.pos && i + 1 + indent > lastChar)
                    nl = i;
                else
                    break;
            } while (true);
        }
        yield cst.SCALAR;
        yield* this.pushToIndex(nl + 1, true);
        return yield* this.parseLineStart();
    }
    *parsePlainScalar() {
        const inFlow = this.flowLevel > 0;
        let end = this.pos - 1;
        let i = this.pos - 1;
        let ch;
        while ((ch = this.buffer[++i])) {
            if (ch === ':') {
                const next = this.buffer[i + 1];
                if (isEmpty(next) || (inFlow && flowIndicatorChars.has(next)))
                    break;
                end = i;
            }
            else if (isEmpty(ch)) {
                let next = this.buffer[i + 1];
                if (ch === '\r') {
                    if (next === '\n') {
                        i += 1;
                        ch = '\n';
                        next = this.buffer[i + 1];
                    }
                    else
                        end = i;
                }
                if (next === '#' || (inFlow && flowIndicatorChars.has(next)))
                    break;
                if (ch === '\n') {
                    const cs = this.continueScalar(i + 1);
                    if (cs === -1)
                        break;
                    i = Math.max(i, cs - 2); // to advance, but still account for ' #'
                }
            }
            else {
                if (inFlow && flowIndicatorChars.has(ch))
                    break;
                end = i;
            }
        }
        if (!ch && !this.atEnd)
            return this.setNext('plain-scalar');
        yield cst.SCALAR;
        yield* this.pushToIndex(end + 1, true);
        return inFlow ? 'flow' : 'doc';
    }
    *pushCount(n) {
        if (n > 0) {
            yield this.buffer.substr(this.pos, n);
            this.pos += n;
            return n;
        }
        return 0;
    }
    *pushToIndex(i, allowEmpty) {
        const s = this.buffer.slice(this.pos, i);
        if (s) {
            yield s;
            this.pos += s.length;
            return s.length;
        }
        else if (allowEmpty)
            yield '';
        return 0;
    }
    *pushIndicators() {
        let n = 0;
        loop: while (true) {
            switch (this.charAt(0)) {
                case '!':
                    n += yield* this.pushTag();
                    n += yield* this.pushSpaces(true);
                    continue loop;
                case '&':
                    n += yield* this.pushUntil(isNotAnchorChar);
                    n += yield* this.pushSpaces(true);
                    continue loop;
                case '-': // this is an error
                case '?': // this is an error outside flow collections
                case ':': {
                    const inFlow = this.flowLevel > 0;
                    const ch1 = this.charAt(1);
                    if (isEmpty(ch1) || (inFlow && flowIndicatorChars.has(ch1))) {
                        if (!inFlow)
                            this.indentNext = this.indentValue + 1;
                        else if (this.flowKey)
                            this.flowKey = false;
                        n += yield* this.pushCount(1);
                        n += yield* this.pushSpaces(true);
                        continue loop;
                    }
                }
            }
            break loop;
        }
        return n;
    }
    *pushTag() {
        if (this.charAt(1) === '<') {
            let i = this.pos + 2;
            let ch = this.buffer[i];
            while (!isEmpty(ch) && ch !== '>')
                ch = this.buffer[++i];
            return yield* this.pushToIndex(ch === '>' ? i + 1 : i, false);
        }
        else {
            let i = this.pos + 1;
            let ch = this.buffer[i];
            while (ch) {
                if (tagChars.has(ch))
                    ch = this.buffer[++i];
                else if (ch === '%' &&
                    hexDigits.has(this.buffer[i + 1]) &&
                    hexDigits.has(this.buffer[i + 2])) {
                    ch = this.buffer[(i += 3)];
                }
                else
                    break;
            }
            return yield* this.pushToIndex(i, false);
        }
    }
    *pushNewline() {
        const ch = this.buffer[this.pos];
        if (ch === '\n')
            return yield* this.pushCount(1);
        else if (ch === '\r' && this.charAt(1) === '\n')
            return yield* this.pushCount(2);
        else
            return 0;
    }
    *pushSpaces(allowTabs) {
        let i = this.pos - 1;
        let ch;
        do {
            ch = this.buffer[++i];
        } while (ch === ' ' || (allowTabs && ch === '\t'));
        const n = i - this.pos;
        if (n > 0) {
            yield this.buffer.substr(this.pos, n);
            this.pos = i;
        }
        return n;
    }
    *pushUntil(test) {
        let i = this.pos;
        let ch = this.buffer[i];
        while (!test(ch))
            ch = this.buffer[++i];
        return yield* this.pushToIndex(i, false);
    }
}

exports.Lexer = Lexer;


/***/ }),

/***/ 1242:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Tracks newlines during parsing in order to provide an efficient API for
 * determining the one-indexed `{ line, col }` position for any offset
 * within the input.
 */
class LineCounter {
    constructor() {
        this.lineStarts = [];
        /**
         * Should be called in ascending order. Otherwise, call
         * `lineCounter.lineStarts.sort()` before calling `linePos()`.
         */
        this.addNewLine = (offset) => this.lineStarts.push(offset);
        /**
         * Performs a binary search and returns the 1-indexed { line, col }
         * position of `offset`. If `line === 0`, `addNewLine` has never been
         * called or `offset` is before the first known newline.
         */
        this.linePos = (offset) => {
            let low = 0;
            let high = this.lineStarts.length;
            while (low < high) {
                const mid = (low + high) >> 1; // Math.floor((low + high) / 2)
                if (this.lineStarts[mid] < offset)
                    low = mid + 1;
                else
                    high = mid;
            }
            if (this.lineStarts[low] === offset)
                return { line: low + 1, col: 1 };
            if (low === 0)
                return { line: 0, col: offset };
            const start = this.lineStarts[low - 1];
            return { line: low, col: offset - start + 1 };
        };
    }
}

exports.LineCounter = LineCounter;


/***/ }),

/***/ 8238:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);
var cst = __nccwpck_require__(1475);
var lexer = __nccwpck_require__(7371);

function includesToken(list, type) {
    for (let i = 0; i < list.length; ++i)
        if (list[i].type === type)
            return true;
    return false;
}
function findNonEmptyIndex(list) {
    for (let i = 0; i < list.length; ++i) {
        switch (list[i].type) {
            case 'space':
            case 'comment':
            case 'newline':
                break;
            default:
                return i;
        }
    }
    return -1;
}
function isFlowToken(token) {
    switch (token?.type) {
        case 'alias':
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar':
        case 'flow-collection':
            return true;
        default:
            return false;
    }
}
function getPrevProps(parent) {
    switch (parent.type) {
        case 'document':
            return parent.start;
        case 'block-map': {
            const it = parent.items[parent.items.length - 1];
            return it.sep ?? it.start;
        }
        case 'block-seq':
            return parent.items[parent.items.length - 1].start;
        /* istanbul ignore next should not happen */
        default:
            return [];
    }
}
/** Note: May modify input array */
function getFirstKeyStartProps(prev) {
    if (prev.length === 0)
        return [];
    let i = prev.length;
    loop: while (--i >= 0) {
        switch (prev[i].type) {
            case 'doc-start':
            case 'explicit-key-ind':
            case 'map-value-ind':
            case 'seq-item-ind':
            case 'newline':
                break loop;
        }
    }
    while (prev[++i]?.type === 'space') {
        /* loop */
    }
    return prev.splice(i, prev.length);
}
function arrayPushArray(target, source) {
    // May exhaust call stack with large `source` array
    if (source.length < 1e5)
        Array.prototype.push.apply(target, source);
    else
        for (let i = 0; i < source.length; ++i)
            target.push(source[i]);
}
function fixFlowSeqItems(fc) {
    if (fc.start.type === 'flow-seq-start') {
        for (const it of fc.items) {
            if (it.sep &&
                !it.value &&
                !includesToken(it.start, 'explicit-key-ind') &&
                !includesToken(it.sep, 'map-value-ind')) {
                if (it.key)
                    it.value = it.key;
                delete it.key;
                if (isFlowToken(it.value)) {
                    if (it.value.end)
                        arrayPushArray(it.value.end, it.sep);
                    else
                        it.value.end = it.sep;
                }
                else
                    arrayPushArray(it.start, it.sep);
                delete it.sep;
            }
        }
    }
}
/**
 * A YAML concrete syntax tree (CST) parser
 *
 * ```ts
 * const src: string = ...
 * for (const token of new Parser().parse(src)) {
 *   // token: Token
 * }
 * ```
 *
 * To use the parser with a user-provided lexer:
 *
 * ```ts
 * function* parse(source: string, lexer: Lexer) {
 *   const parser = new Parser()
 *   for (const lexeme of lexer.lex(source))
 *     yield* parser.next(lexeme)
 *   yield* parser.end()
 * }
 *
 * const src: string = ...
 * const lexer = new Lexer()
 * for (const token of parse(src, lexer)) {
 *   // token: Token
 * }
 * ```
 */
class Parser {
    /**
     * @param onNewLine - If defined, called separately with the start position of
     *   each new line (in `parse()`, including the start of input).
     */
    constructor(onNewLine) {
        /** If true, space and sequence indicators count as indentation */
        this.atNewLine = true;
        /** If true, next token is a scalar value */
        this.atScalar = false;
        /** Current indentation level */
        this.indent = 0;
        /** Current offset since the start of parsing */
        this.offset = 0;
        /** On the same line with a block map key */
        this.onKeyLine = false;
        /** Top indicates the node that's currently being built */
        this.stack = [];
        /** The source of the current token, set in parse() */
        this.source = '';
        /** The type of the current token, set in parse() */
        this.type = '';
        // Must be defined after `next()`
        this.lexer = new lexer.Lexer();
        this.onNewLine = onNewLine;
    }
    /**
     * Parse `source` as a YAML stream.
     * If `incomplete`, a part of the last line may be left as a buffer for the next call.
     *
     * Errors are not thrown, but yielded as `{ type: 'error', message }` tokens.
     *
     * @returns A generator of tokens representing each directive, document, and other structure.
     */
    *parse(source, incomplete = false) {
        if (this.onNewLine && this.offset === 0)
            this.onNewLine(0);
        for (const lexeme of this.lexer.lex(source, incomplete))
            yield* this.next(lexeme);
        if (!incomplete)
            yield* this.end();
    }
    /**
     * Advance the parser by the `source` of one lexical token.
     */
    *next(source) {
        this.source = source;
        if (node_process.env.LOG_TOKENS)
            console.log('|', cst.prettyToken(source));
        if (this.atScalar) {
            this.atScalar = false;
            yield* this.step();
            this.offset += source.length;
            return;
        }
        const type = cst.tokenType(source);
        if (!type) {
            const message = `Not a YAML token: ${source}`;
            yield* this.pop({ type: 'error', offset: this.offset, message, source });
            this.offset += source.length;
        }
        else if (type === 'scalar') {
            this.atNewLine = false;
            this.atScalar = true;
            this.type = 'scalar';
        }
        else {
            this.type = type;
            yield* this.step();
            switch (type) {
                case 'newline':
                    this.atNewLine = true;
                    this.indent = 0;
                    if (this.onNewLine)
                        this.onNewLine(this.offset + source.length);
                    break;
                case 'space':
                    if (this.atNewLine && source[0] === ' ')
                        this.indent += source.length;
                    break;
                case 'explicit-key-ind':
                case 'map-value-ind':
                case 'seq-item-ind':
                    if (this.atNewLine)
                        this.indent += source.length;
                    break;
                case 'doc-mode':
                case 'flow-error-end':
                    return;
                default:
                    this.atNewLine = false;
            }
            this.offset += source.length;
        }
    }
    /** Call at end of input to push out any remaining constructions */
    *end() {
        while (this.stack.length > 0)
            yield* this.pop();
    }
    get sourceToken() {
        const st = {
            type: this.type,
            offset: this.offset,
            indent: this.indent,
            source: this.source
        };
        return st;
    }
    *step() {
        const top = this.peek(1);
        if (this.type === 'doc-end' && top?.type !== 'doc-end') {
            while (this.stack.length > 0)
                yield* this.pop();
            this.stack.push({
                type: 'doc-end',
                offset: this.offset,
                source: this.source
            });
            return;
        }
        if (!top)
            return yield* this.stream();
        switch (top.type) {
            case 'document':
                return yield* this.document(top);
            case 'alias':
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return yield* this.scalar(top);
            case 'block-scalar':
                return yield* this.blockScalar(top);
            case 'block-map':
                return yield* this.blockMap(top);
            case 'block-seq':
                return yield* this.blockSequence(top);
            case 'flow-collection':
                return yield* this.flowCollection(top);
            case 'doc-end':
                return yield* this.documentEnd(top);
        }
        /* istanbul ignore next should not happen */
        yield* this.pop();
    }
    peek(n) {
        return this.stack[this.stack.length - n];
    }
    *pop(error) {
        const token = error ?? this.stack.pop();
        /* istanbul ignore if should not happen */
        if (!token) {
            const message = 'Tried to pop an empty stack';
            yield { type: 'error', offset: this.offset, source: '', message };
        }
        else if (this.stack.length === 0) {
            yield token;
        }
        else {
            const top = this.peek(1);
            if (token.type === 'block-scalar') {
                // Block scalars use their parent rather than header indent
                token.indent = 'indent' in top ? top.indent : 0;
            }
            else if (token.type === 'flow-collection' && top.type === 'document') {
                // Ignore all indent for top-level flow collections
                token.indent = 0;
            }
            if (token.type === 'flow-collection')
                fixFlowSeqItems(token);
            switch (top.type) {
                case 'document':
                    top.value = token;
                    break;
                case 'block-scalar':
                    top.props.push(token); // error
                    break;
                case 'block-map': {
                    const it = top.items[top.items.length - 1];
                    if (it.value) {
                        top.items.push({ start: [], key: token, sep: [] });
                        this.onKeyLine = true;
                        return;
                    }
                    else if (it.sep) {
                        it.value = token;
                    }
                    else {
                        Object.assign(it, { key: token, sep: [] });
                        this.onKeyLine = !it.explicitKey;
                        return;
                    }
                    break;
                }
                case 'block-seq': {
                    const it = top.items[top.items.length - 1];
                    if (it.value)
                        top.items.push({ start: [], value: token });
                    else
                        it.value = token;
                    break;
                }
                case 'flow-collection': {
                    const it = top.items[top.items.length - 1];
                    if (!it || it.value)
                        top.items.push({ start: [], key: token, sep: [] });
                    else if (it.sep)
                        it.value = token;
                    else
                        Object.assign(it, { key: token, sep: [] });
                    return;
                }
                /* istanbul ignore next should not happen */
                default:
                    yield* this.pop();
                    yield* this.pop(token);
            }
            if ((top.type === 'document' ||
                top.type === 'block-map' ||
                top.type === 'block-seq') &&
                (token.type === 'block-map' || token.type === 'block-seq')) {
                const last = token.items[token.items.length - 1];
                if (last &&
                    !last.sep &&
                    !last.value &&
                    last.start.length > 0 &&
                    findNonEmptyIndex(last.start) === -1 &&
                    (token.indent === 0 ||
                        last.start.every(st => st.type !== 'comment' || st.indent < token.indent))) {
                    if (top.type === 'document')
                        top.end = last.start;
                    else
                        top.items.push({ start: last.start });
                    token.items.splice(-1, 1);
                }
            }
        }
    }
    *stream() {
        switch (this.type) {
            case 'directive-line':
                yield { type: 'directive', offset: this.offset, source: this.source };
                return;
            case 'byte-order-mark':
            case 'space':
            case 'comment':
            case 'newline':
                yield this.sourceToken;
                return;
            case 'doc-mode':
            case 'doc-start': {
                const doc = {
                    type: 'document',
                    offset: this.offset,
                    start: []
                };
                if (this.type === 'doc-start')
                    doc.start.push(this.sourceToken);
                this.stack.push(doc);
                return;
            }
        }
        yield {
            type: 'error',
            offset: this.offset,
            message: `Unexpected ${this.type} token in YAML stream`,
            source: this.source
        };
    }
    *document(doc) {
        if (doc.value)
            return yield* this.lineEnd(doc);
        switch (this.type) {
            case 'doc-start': {
                if (findNonEmptyIndex(doc.start) !== -1) {
                    yield* this.pop();
                    yield* this.step();
                }
                else
                    doc.start.push(this.sourceToken);
                return;
            }
            case 'anchor':
            case 'tag':
            case 'space':
            case 'comment':
            case 'newline':
                doc.start.push(this.sourceToken);
                return;
        }
        const bv = this.startBlockValue(doc);
        if (bv)
            this.stack.push(bv);
        else {
            yield {
                type: 'error',
                offset: this.offset,
                message: `Unexpected ${this.type} token in YAML document`,
                source: this.source
            };
        }
    }
    *scalar(scalar) {
        if (this.type === 'map-value-ind') {
            const prev = getPrevProps(this.peek(2));
            const start = getFirstKeyStartProps(prev);
            let sep;
            if (scalar.end) {
                sep = scalar.end;
                sep.push(this.sourceToken);
                delete scalar.end;
            }
            else
                sep = [this.sourceToken];
            const map = {
                type: 'block-map',
                offset: scalar.offset,
                indent: scalar.indent,
                items: [{ start, key: scalar, sep }]
            };
            this.onKeyLine = true;
            this.stack[this.stack.length - 1] = map;
        }
        else
            yield* this.lineEnd(scalar);
    }
    *blockScalar(scalar) {
        switch (this.type) {
            case 'space':
            case 'comment':
            case 'newline':
                scalar.props.push(this.sourceToken);
                return;
            case 'scalar':
                scalar.source = this.source;
                // block-scalar source includes trailing newline
                this.atNewLine = true;
                this.indent = 0;
                if (this.onNewLine) {
                    let nl = this.source.indexOf('\n') + 1;
                    while (nl !== 0) {
                        this.onNewLine(this.offset + nl);
                        nl = this.source.indexOf('\n', nl) + 1;
                    }
                }
                yield* this.pop();
                break;
            /* istanbul ignore next should not happen */
            default:
                yield* this.pop();
                yield* this.step();
        }
    }
    *blockMap(map) {
        const it = map.items[map.items.length - 1];
        // it.sep is true-ish if pair already has key or : separator
        switch (this.type) {
            case 'newline':
                this.onKeyLine = false;
                if (it.value) {
                    const end = 'end' in it.value ? it.value.end : undefined;
                    const last = Array.isArray(end) ? end[end.length - 1] : undefined;
                    if (last?.type === 'comment')
                        end?.push(this.sourceToken);
                    else
                        map.items.push({ start: [this.sourceToken] });
                }
                else if (it.sep) {
                    it.sep.push(this.sourceToken);
                }
                else {
                    it.start.push(this.sourceToken);
                }
                return;
            case 'space':
            case 'comment':
                if (it.value) {
                    map.items.push({ start: [this.sourceToken] });
                }
                else if (it.sep) {
                    it.sep.push(this.sourceToken);
                }
                else {
                    if (this.atIndentedComment(it.start, map.indent)) {
                        const prev = map.items[map.items.length - 2];
                        const end = prev?.value?.end;
                        if (Array.isArray(end)) {
                            arrayPushArray(end, it.start);
                            end.push(this.sourceToken);
                            map.items.pop();
                            return;
                        }
                    }
                    it.start.push(this.sourceToken);
                }
                return;
        }
        if (this.indent >= map.indent) {
            const atMapIndent = !this.onKeyLine && this.indent === map.indent;
            const atNextItem = atMapIndent &&
                (it.sep || it.explicitKey) &&
                this.type !== 'seq-item-ind';
            // For empty nodes, assign newline-separated not indented empty tokens to following node
            let start = [];
            if (atNextItem && it.sep && !it.value) {
                const nl = [];
                for (let i = 0; i < it.sep.length; ++i) {
                    const st = it.sep[i];
                    switch (st.type) {
                        case 'newline':
                            nl.push(i);
                            break;
                        case 'space':
                            break;
                        case 'comment':
                            if (st.indent > map.indent)
                                nl.length = 0;
                            break;
                        default:
                            nl.length = 0;
                    }
                }
                if (nl.length >= 2)
                    start = it.sep.splice(nl[1]);
            }
            switch (this.type) {
                case 'anchor':
                case 'tag':
                    if (atNextItem || it.value) {
                        start.push(this.sourceToken);
                        map.items.push({ start });
                        this.onKeyLine = true;
                    }
                    else if (it.sep) {
                        it.sep.push(this.sourceToken);
                    }
                    else {
                        it.start.push(this.sourceToken);
                    }
                    return;
                case 'explicit-key-ind':
                    if (!it.sep && !it.explicitKey) {
                        it.start.push(this.sourceToken);
                        it.explicitKey = true;
                    }
                    else if (atNextItem || it.value) {
                        start.push(this.sourceToken);
                        map.items.push({ start, explicitKey: true });
                    }
                    else {
                        this.stack.push({
                            type: 'block-map',
                            offset: this.offset,
                            indent: this.indent,
                            items: [{ start: [this.sourceToken], explicitKey: true }]
                        });
                    }
                    this.onKeyLine = true;
                    return;
                case 'map-value-ind':
                    if (it.explicitKey) {
                        if (!it.sep) {
                            if (includesToken(it.start, 'newline')) {
                                Object.assign(it, { key: null, sep: [this.sourceToken] });
                            }
                            else {
                                const start = getFirstKeyStartProps(it.start);
                                this.stack.push({
                                    type: 'block-map',
                                    offset: this.offset,
                                    indent: this.indent,
                                    items: [{ start, key: null, sep: [this.sourceToken] }]
                                });
                            }
                        }
                        else if (it.value) {
                            map.items.push({ start: [], key: null, sep: [this.sourceToken] });
                        }
                        else if (includesToken(it.sep, 'map-value-ind')) {
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start, key: null, sep: [this.sourceToken] }]
                            });
                        }
                        else if (isFlowToken(it.key) &&
                            !includesToken(it.sep, 'newline')) {
                            const start = getFirstKeyStartProps(it.start);
                            const key = it.key;
                            const sep = it.sep;
                            sep.push(this.sourceToken);
                            // @ts-expect-error type guard is wrong here
                            delete it.key;
                            // @ts-expect-error type guard is wrong here
                            delete it.sep;
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start, key, sep }]
                            });
                        }
                        else if (start.length > 0) {
                            // Not actually at next item
                            it.sep = it.sep.concat(start, this.sourceToken);
                        }
                        else {
                            it.sep.push(this.sourceToken);
                        }
                    }
                    else {
                        if (!it.sep) {
                            Object.assign(it, { key: null, sep: [this.sourceToken] });
                        }
                        else if (it.value || atNextItem) {
                            map.items.push({ start, key: null, sep: [this.sourceToken] });
                        }
                        else if (includesToken(it.sep, 'map-value-ind')) {
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start: [], key: null, sep: [this.sourceToken] }]
                            });
                        }
                        else {
                            it.sep.push(this.sourceToken);
                        }
                    }
                    this.onKeyLine = true;
                    return;
                case 'alias':
                case 'scalar':
                case 'single-quoted-scalar':
                case 'double-quoted-scalar': {
                    const fs = this.flowScalar(this.type);
                    if (atNextItem || it.value) {
                        map.items.push({ start, key: fs, sep: [] });
                        this.onKeyLine = true;
                    }
                    else if (it.sep) {
                        this.stack.push(fs);
                    }
                    else {
                        Object.assign(it, { key: fs, sep: [] });
                        this.onKeyLine = true;
                    }
                    return;
                }
                default: {
                    const bv = this.startBlockValue(map);
                    if (bv) {
                        if (bv.type === 'block-seq') {
                            if (!it.explicitKey &&
                                it.sep &&
                                !includesToken(it.sep, 'newline')) {
                                yield* this.pop({
                                    type: 'error',
                                    offset: this.offset,
                                    message: 'Unexpected block-seq-ind on same line with key',
                                    source: this.source
                                });
                                return;
                            }
                        }
                        else if (atMapIndent) {
                            map.items.push({ start });
                        }
                        this.stack.push(bv);
                        return;
                    }
                }
            }
        }
        yield* this.pop();
        yield* this.step();
    }
    *blockSequence(seq) {
        const it = seq.items[seq.items.length - 1];
        switch (this.type) {
            case 'newline':
                if (it.value) {
                    const end = 'end' in it.value ? it.value.end : undefined;
                    const last = Array.isArray(end) ? end[end.length - 1] : undefined;
                    if (last?.type === 'comment')
                        end?.push(this.sourceToken);
                    else
                        seq.items.push({ start: [this.sourceToken] });
                }
                else
                    it.start.push(this.sourceToken);
                return;
            case 'space':
            case 'comment':
                if (it.value)
                    seq.items.push({ start: [this.sourceToken] });
                else {
                    if (this.atIndentedComment(it.start, seq.indent)) {
                        const prev = seq.items[seq.items.length - 2];
                        const end = prev?.value?.end;
                        if (Array.isArray(end)) {
                            arrayPushArray(end, it.start);
                            end.push(this.sourceToken);
                            seq.items.pop();
                            return;
                        }
                    }
                    it.start.push(this.sourceToken);
                }
                return;
            case 'anchor':
            case 'tag':
                if (it.value || this.indent <= seq.indent)
                    break;
                it.start.push(this.sourceToken);
                return;
            case 'seq-item-ind':
                if (this.indent !== seq.indent)
                    break;
                if (it.value || includesToken(it.start, 'seq-item-ind'))
                    seq.items.push({ start: [this.sourceToken] });
                else
                    it.start.push(this.sourceToken);
                return;
        }
        if (this.indent > seq.indent) {
            const bv = this.startBlockValue(seq);
            if (bv) {
                this.stack.push(bv);
                return;
            }
        }
        yield* this.pop();
        yield* this.step();
    }
    *flowCollection(fc) {
        const it = fc.items[fc.items.length - 1];
        if (this.type === 'flow-error-end') {
            let top;
            do {
                yield* this.pop();
                top = this.peek(1);
            } while (top?.type === 'flow-collection');
        }
        else if (fc.end.length === 0) {
            switch (this.type) {
                case 'comma':
                case 'explicit-key-ind':
                    if (!it || it.sep)
                        fc.items.push({ start: [this.sourceToken] });
                    else
                        it.start.push(this.sourceToken);
                    return;
                case 'map-value-ind':
                    if (!it || it.value)
                        fc.items.push({ start: [], key: null, sep: [this.sourceToken] });
                    else if (it.sep)
                        it.sep.push(this.sourceToken);
                    else
                        Object.assign(it, { key: null, sep: [this.sourceToken] });
                    return;
                case 'space':
                case 'comment':
                case 'newline':
                case 'anchor':
                case 'tag':
                    if (!it || it.value)
                        fc.items.push({ start: [this.sourceToken] });
                    else if (it.sep)
                        it.sep.push(this.sourceToken);
                    else
                        it.start.push(this.sourceToken);
                    return;
                case 'alias':
                case 'scalar':
                case 'single-quoted-scalar':
                case 'double-quoted-scalar': {
                    const fs = this.flowScalar(this.type);
                    if (!it || it.value)
                        fc.items.push({ start: [], key: fs, sep: [] });
                    else if (it.sep)
                        this.stack.push(fs);
                    else
                        Object.assign(it, { key: fs, sep: [] });
                    return;
                }
                case 'flow-map-end':
                case 'flow-seq-end':
                    fc.end.push(this.sourceToken);
                    return;
            }
            const bv = this.startBlockValue(fc);
            /* istanbul ignore else should not happen */
            if (bv)
                this.stack.push(bv);
            else {
                yield* this.pop();
                yield* this.step();
            }
        }
        else {
            const parent = this.peek(2);
            if (parent.type === 'block-map' &&
                ((this.type === 'map-value-ind' && parent.indent === fc.indent) ||
                    (this.type === 'newline' &&
                        !parent.items[parent.items.length - 1].sep))) {
                yield* this.pop();
                yield* this.step();
            }
            else if (this.type === 'map-value-ind' &&
                parent.type !== 'flow-collection') {
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                fixFlowSeqItems(fc);
                const sep = fc.end.splice(1, fc.end.length);
                sep.push(this.sourceToken);
                const map = {
                    type: 'block-map',
                    offset: fc.offset,
                    indent: fc.indent,
                    items: [{ start, key: fc, sep }]
                };
                this.onKeyLine = true;
                this.stack[this.stack.length - 1] = map;
            }
            else {
                yield* this.lineEnd(fc);
            }
        }
    }
    flowScalar(type) {
        if (this.onNewLine) {
            let nl = this.source.indexOf('\n') + 1;
            while (nl !== 0) {
                this.onNewLine(this.offset + nl);
                nl = this.source.indexOf('\n', nl) + 1;
            }
        }
        return {
            type,
            offset: this.offset,
            indent: this.indent,
            source: this.source
        };
    }
    startBlockValue(parent) {
        switch (this.type) {
            case 'alias':
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return this.flowScalar(this.type);
            case 'block-scalar-header':
                return {
                    type: 'block-scalar',
                    offset: this.offset,
                    indent: this.indent,
                    props: [this.sourceToken],
                    source: ''
                };
            case 'flow-map-start':
            case 'flow-seq-start':
                return {
                    type: 'flow-collection',
                    offset: this.offset,
                    indent: this.indent,
                    start: this.sourceToken,
                    items: [],
                    end: []
                };
            case 'seq-item-ind':
                return {
                    type: 'block-seq',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: [this.sourceToken] }]
                };
            case 'explicit-key-ind': {
                this.onKeyLine = true;
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                start.push(this.sourceToken);
                return {
                    type: 'block-map',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, explicitKey: true }]
                };
            }
            case 'map-value-ind': {
                this.onKeyLine = true;
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                return {
                    type: 'block-map',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, key: null, sep: [this.sourceToken] }]
                };
            }
        }
        return null;
    }
    atIndentedComment(start, indent) {
        if (this.type !== 'comment')
            return false;
        if (this.indent <= indent)
            return false;
        return start.every(st => st.type === 'newline' || st.type === 'space');
    }
    *documentEnd(docEnd) {
        if (this.type !== 'doc-mode') {
            if (docEnd.end)
                docEnd.end.push(this.sourceToken);
            else
                docEnd.end = [this.sourceToken];
            if (this.type === 'newline')
                yield* this.pop();
        }
    }
    *lineEnd(token) {
        switch (this.type) {
            case 'comma':
            case 'doc-start':
            case 'doc-end':
            case 'flow-seq-end':
            case 'flow-map-end':
            case 'map-value-ind':
                yield* this.pop();
                yield* this.step();
                break;
            case 'newline':
                this.onKeyLine = false;
            // fallthrough
            case 'space':
            case 'comment':
            default:
                // all other values are errors
                if (token.end)
                    token.end.push(this.sourceToken);
                else
                    token.end = [this.sourceToken];
                if (this.type === 'newline')
                    yield* this.pop();
        }
    }
}

exports.Parser = Parser;


/***/ }),

/***/ 9901:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var composer = __nccwpck_require__(2814);
var Document = __nccwpck_require__(3915);
var errors = __nccwpck_require__(8450);
var log = __nccwpck_require__(8195);
var identity = __nccwpck_require__(1737);
var lineCounter = __nccwpck_require__(1242);
var parser = __nccwpck_require__(8238);

function parseOptions(options) {
    const prettyErrors = options.prettyErrors !== false;
    const lineCounter$1 = options.lineCounter || (prettyErrors && new lineCounter.LineCounter()) || null;
    return { lineCounter: lineCounter$1, prettyErrors };
}
/**
 * Parse the input as a stream of YAML documents.
 *
 * Documents should be separated from each other by `...` or `---` marker lines.
 *
 * @returns If an empty `docs` array is returned, it will be of type
 *   EmptyStream and contain additional stream information. In
 *   TypeScript, you should use `'empty' in docs` as a type guard for it.
 */
function parseAllDocuments(source, options = {}) {
    const { lineCounter, prettyErrors } = parseOptions(options);
    const parser$1 = new parser.Parser(lineCounter?.addNewLine);
    const composer$1 = new composer.Composer(options);
    const docs = Array.from(composer$1.compose(parser$1.parse(source)));
    if (prettyErrors && lineCounter)
        for (const doc of docs) {
            doc.errors.forEach(errors.prettifyError(source, lineCounter));
            doc.warnings.forEach(errors.prettifyError(source, lineCounter));
        }
    if (docs.length > 0)
        return docs;
    return Object.assign([], { empty: true }, composer$1.streamInfo());
}
/** Parse an input string into a single YAML.Document */
function parseDocument(source, options = {}) {
    const { lineCounter, prettyErrors } = parseOptions(options);
    const parser$1 = new parser.Parser(lineCounter?.addNewLine);
    const composer$1 = new composer.Composer(options);
    // `doc` is always set by compose.end(true) at the very latest
    let doc = null;
    for (const _doc of composer$1.compose(parser$1.parse(source), true, source.length)) {
        if (!doc)
            doc = _doc;
        else if (doc.options.logLevel !== 'silent') {
            doc.errors.push(new errors.YAMLParseError(_doc.range.slice(0, 2), 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
            break;
        }
    }
    if (prettyErrors && lineCounter) {
        doc.errors.forEach(errors.prettifyError(source, lineCounter));
        doc.warnings.forEach(errors.prettifyError(source, lineCounter));
    }
    return doc;
}
function parse(src, reviver, options) {
    let _reviver = undefined;
    if (typeof reviver === 'function') {
        _reviver = reviver;
    }
    else if (options === undefined && reviver && typeof reviver === 'object') {
        options = reviver;
    }
    const doc = parseDocument(src, options);
    if (!doc)
        return null;
    doc.warnings.forEach(warning => log.warn(doc.options.logLevel, warning));
    if (doc.errors.length > 0) {
        if (doc.options.logLevel !== 'silent')
            throw doc.errors[0];
        else
            doc.errors = [];
    }
    return doc.toJS(Object.assign({ reviver: _reviver }, options));
}
function stringify(value, replacer, options) {
    let _replacer = null;
    if (typeof replacer === 'function' || Array.isArray(replacer)) {
        _replacer = replacer;
    }
    else if (options === undefined && replacer) {
        options = replacer;
    }
    if (typeof options === 'string')
        options = options.length;
    if (typeof options === 'number') {
        const indent = Math.round(options);
        options = indent < 1 ? undefined : indent > 8 ? { indent: 8 } : { indent };
    }
    if (value === undefined) {
        const { keepUndefined } = options ?? replacer ?? {};
        if (!keepUndefined)
            return undefined;
    }
    if (identity.isDocument(value) && !_replacer)
        return value.toString(options);
    return new Document.Document(value, _replacer, options).toString(options);
}

exports.parse = parse;
exports.parseAllDocuments = parseAllDocuments;
exports.parseDocument = parseDocument;
exports.stringify = stringify;


/***/ }),

/***/ 7878:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var map = __nccwpck_require__(773);
var seq = __nccwpck_require__(1744);
var string = __nccwpck_require__(2678);
var tags = __nccwpck_require__(8904);

const sortMapEntriesByKey = (a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
class Schema {
    constructor({ compat, customTags, merge, resolveKnownTags, schema, sortMapEntries, toStringDefaults }) {
        this.compat = Array.isArray(compat)
            ? tags.getTags(compat, 'compat')
            : compat
                ? tags.getTags(null, compat)
                : null;
        this.name = (typeof schema === 'string' && schema) || 'core';
        this.knownTags = resolveKnownTags ? tags.coreKnownTags : {};
        this.tags = tags.getTags(customTags, this.name, merge);
        this.toStringOptions = toStringDefaults ?? null;
        Object.defineProperty(this, identity.MAP, { value: map.map });
        Object.defineProperty(this, identity.SCALAR, { value: string.string });
        Object.defineProperty(this, identity.SEQ, { value: seq.seq });
        // Used by createMap()
        this.sortMapEntries =
            typeof sortMapEntries === 'function'
                ? sortMapEntries
                : sortMapEntries === true
                    ? sortMapEntriesByKey
                    : null;
    }
    clone() {
        const copy = Object.create(Schema.prototype, Object.getOwnPropertyDescriptors(this));
        copy.tags = this.tags.slice();
        return copy;
    }
}

exports.Schema = Schema;


/***/ }),

/***/ 773:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var YAMLMap = __nccwpck_require__(1856);

const map = {
    collection: 'map',
    default: true,
    nodeClass: YAMLMap.YAMLMap,
    tag: 'tag:yaml.org,2002:map',
    resolve(map, onError) {
        if (!identity.isMap(map))
            onError('Expected a mapping for this tag');
        return map;
    },
    createNode: (schema, obj, ctx) => YAMLMap.YAMLMap.from(schema, obj, ctx)
};

exports.map = map;


/***/ }),

/***/ 5410:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(1543);

const nullTag = {
    identify: value => value == null,
    createNode: () => new Scalar.Scalar(null),
    default: true,
    tag: 'tag:yaml.org,2002:null',
    test: /^(?:~|[Nn]ull|NULL)?$/,
    resolve: () => new Scalar.Scalar(null),
    stringify: ({ source }, ctx) => typeof source === 'string' && nullTag.test.test(source)
        ? source
        : ctx.options.nullStr
};

exports.nullTag = nullTag;


/***/ }),

/***/ 1744:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var YAMLSeq = __nccwpck_require__(3013);

const seq = {
    collection: 'seq',
    default: true,
    nodeClass: YAMLSeq.YAMLSeq,
    tag: 'tag:yaml.org,2002:seq',
    resolve(seq, onError) {
        if (!identity.isSeq(seq))
            onError('Expected a sequence for this tag');
        return seq;
    },
    createNode: (schema, obj, ctx) => YAMLSeq.YAMLSeq.from(schema, obj, ctx)
};

exports.seq = seq;


/***/ }),

/***/ 2678:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyString = __nccwpck_require__(4387);

const string = {
    identify: value => typeof value === 'string',
    default: true,
    tag: 'tag:yaml.org,2002:str',
    resolve: str => str,
    stringify(item, ctx, onComment, onChompKeep) {
        ctx = Object.assign({ actualString: true }, ctx);
        return stringifyString.stringifyString(item, ctx, onComment, onChompKeep);
    }
};

exports.string = string;


/***/ }),

/***/ 8437:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(1543);

const boolTag = {
    identify: value => typeof value === 'boolean',
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
    resolve: str => new Scalar.Scalar(str[0] === 't' || str[0] === 'T'),
    stringify({ source, value }, ctx) {
        if (source && boolTag.test.test(source)) {
            const sv = source[0] === 't' || source[0] === 'T';
            if (value === sv)
                return source;
        }
        return value ? ctx.options.trueStr : ctx.options.falseStr;
    }
};

exports.boolTag = boolTag;


/***/ }),

/***/ 2859:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(1543);
var stringifyNumber = __nccwpck_require__(2827);

const floatNaN = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: str => str.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : str[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY,
    stringify: stringifyNumber.stringifyNumber
};
const floatExp = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'EXP',
    test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
    resolve: str => parseFloat(str),
    stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
    }
};
const float = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
    resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str));
        const dot = str.indexOf('.');
        if (dot !== -1 && str[str.length - 1] === '0')
            node.minFractionDigits = str.length - dot - 1;
        return node;
    },
    stringify: stringifyNumber.stringifyNumber
};

exports.float = float;
exports.floatExp = floatExp;
exports.floatNaN = floatNaN;


/***/ }),

/***/ 4044:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(2827);

const intIdentify = (value) => typeof value === 'bigint' || Number.isInteger(value);
const intResolve = (str, offset, radix, { intAsBigInt }) => (intAsBigInt ? BigInt(str) : parseInt(str.substring(offset), radix));
function intStringify(node, radix, prefix) {
    const { value } = node;
    if (intIdentify(value) && value >= 0)
        return prefix + value.toString(radix);
    return stringifyNumber.stringifyNumber(node);
}
const intOct = {
    identify: value => intIdentify(value) && value >= 0,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'OCT',
    test: /^0o[0-7]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 8, opt),
    stringify: node => intStringify(node, 8, '0o')
};
const int = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^[-+]?[0-9]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
    stringify: stringifyNumber.stringifyNumber
};
const intHex = {
    identify: value => intIdentify(value) && value >= 0,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'HEX',
    test: /^0x[0-9a-fA-F]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
    stringify: node => intStringify(node, 16, '0x')
};

exports.int = int;
exports.intHex = intHex;
exports.intOct = intOct;


/***/ }),

/***/ 1946:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(773);
var _null = __nccwpck_require__(5410);
var seq = __nccwpck_require__(1744);
var string = __nccwpck_require__(2678);
var bool = __nccwpck_require__(8437);
var float = __nccwpck_require__(2859);
var int = __nccwpck_require__(4044);

const schema = [
    map.map,
    seq.seq,
    string.string,
    _null.nullTag,
    bool.boolTag,
    int.intOct,
    int.int,
    int.intHex,
    float.floatNaN,
    float.floatExp,
    float.float
];

exports.schema = schema;


/***/ }),

/***/ 9605:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(1543);
var map = __nccwpck_require__(773);
var seq = __nccwpck_require__(1744);

function intIdentify(value) {
    return typeof value === 'bigint' || Number.isInteger(value);
}
const stringifyJSON = ({ value }) => JSON.stringify(value);
const jsonScalars = [
    {
        identify: value => typeof value === 'string',
        default: true,
        tag: 'tag:yaml.org,2002:str',
        resolve: str => str,
        stringify: stringifyJSON
    },
    {
        identify: value => value == null,
        createNode: () => new Scalar.Scalar(null),
        default: true,
        tag: 'tag:yaml.org,2002:null',
        test: /^null$/,
        resolve: () => null,
        stringify: stringifyJSON
    },
    {
        identify: value => typeof value === 'boolean',
        default: true,
        tag: 'tag:yaml.org,2002:bool',
        test: /^true$|^false$/,
        resolve: str => str === 'true',
        stringify: stringifyJSON
    },
    {
        identify: intIdentify,
        default: true,
        tag: 'tag:yaml.org,2002:int',
        test: /^-?(?:0|[1-9][0-9]*)$/,
        resolve: (str, _onError, { intAsBigInt }) => intAsBigInt ? BigInt(str) : parseInt(str, 10),
        stringify: ({ value }) => intIdentify(value) ? value.toString() : JSON.stringify(value)
    },
    {
        identify: value => typeof value === 'number',
        default: true,
        tag: 'tag:yaml.org,2002:float',
        test: /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/,
        resolve: str => parseFloat(str),
        stringify: stringifyJSON
    }
];
const jsonError = {
    default: true,
    tag: '',
    test: /^/,
    resolve(str, onError) {
        onError(`Unresolved plain scalar ${JSON.stringify(str)}`);
        return str;
    }
};
const schema = [map.map, seq.seq].concat(jsonScalars, jsonError);

exports.schema = schema;


/***/ }),

/***/ 8904:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(773);
var _null = __nccwpck_require__(5410);
var seq = __nccwpck_require__(1744);
var string = __nccwpck_require__(2678);
var bool = __nccwpck_require__(8437);
var float = __nccwpck_require__(2859);
var int = __nccwpck_require__(4044);
var schema = __nccwpck_require__(1946);
var schema$1 = __nccwpck_require__(9605);
var binary = __nccwpck_require__(6737);
var merge = __nccwpck_require__(5970);
var omap = __nccwpck_require__(8781);
var pairs = __nccwpck_require__(9751);
var schema$2 = __nccwpck_require__(3019);
var set = __nccwpck_require__(1314);
var timestamp = __nccwpck_require__(5994);

const schemas = new Map([
    ['core', schema.schema],
    ['failsafe', [map.map, seq.seq, string.string]],
    ['json', schema$1.schema],
    ['yaml11', schema$2.schema],
    ['yaml-1.1', schema$2.schema]
]);
const tagsByName = {
    binary: binary.binary,
    bool: bool.boolTag,
    float: float.float,
    floatExp: float.floatExp,
    floatNaN: float.floatNaN,
    floatTime: timestamp.floatTime,
    int: int.int,
    intHex: int.intHex,
    intOct: int.intOct,
    intTime: timestamp.intTime,
    map: map.map,
    merge: merge.merge,
    null: _null.nullTag,
    omap: omap.omap,
    pairs: pairs.pairs,
    seq: seq.seq,
    set: set.set,
    timestamp: timestamp.timestamp
};
const coreKnownTags = {
    'tag:yaml.org,2002:binary': binary.binary,
    'tag:yaml.org,2002:merge': merge.merge,
    'tag:yaml.org,2002:omap': omap.omap,
    'tag:yaml.org,2002:pairs': pairs.pairs,
    'tag:yaml.org,2002:set': set.set,
    'tag:yaml.org,2002:timestamp': timestamp.timestamp
};
function getTags(customTags, schemaName, addMergeTag) {
    const schemaTags = schemas.get(schemaName);
    if (schemaTags && !customTags) {
        return addMergeTag && !schemaTags.includes(merge.merge)
            ? schemaTags.concat(merge.merge)
            : schemaTags.slice();
    }
    let tags = schemaTags;
    if (!tags) {
        if (Array.isArray(customTags))
            tags = [];
        else {
            const keys = Array.from(schemas.keys())
                .filter(key => key !== 'yaml11')
                .map(key => JSON.stringify(key))
                .join(', ');
            throw new Error(`Unknown schema "${schemaName}"; use one of ${keys} or define customTags array`);
        }
    }
    if (Array.isArray(customTags)) {
        for (const tag of customTags)
            tags = tags.concat(tag);
    }
    else if (typeof customTags === 'function') {
        tags = customTags(tags.slice());
    }
    if (addMergeTag)
        tags = tags.concat(merge.merge);
    return tags.reduce((tags, tag) => {
        const tagObj = typeof tag === 'string' ? tagsByName[tag] : tag;
        if (!tagObj) {
            const tagName = JSON.stringify(tag);
            const keys = Object.keys(tagsByName)
                .map(key => JSON.stringify(key))
                .join(', ');
            throw new Error(`Unknown custom tag ${tagName}; use one of ${keys}`);
        }
        if (!tags.includes(tagObj))
            tags.push(tagObj);
        return tags;
    }, []);
}

exports.coreKnownTags = coreKnownTags;
exports.getTags = getTags;


/***/ }),

/***/ 6737:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_buffer = __nccwpck_require__(181);
var Scalar = __nccwpck_require__(1543);
var stringifyString = __nccwpck_require__(4387);

const binary = {
    identify: value => value instanceof Uint8Array, // Buffer inherits from Uint8Array
    default: false,
    tag: 'tag:yaml.org,2002:binary',
    /**
     * Returns a Buffer in node and an Uint8Array in browsers
     *
     * To use the resulting buffer as an image, you'll want to do something like:
     *
     *   const blob = new Blob([buffer], { type: 'image/jpeg' })
     *   document.querySelector('#photo').src = URL.createObjectURL(blob)
     */
    resolve(src, onError) {
        if (typeof node_buffer.Buffer === 'function') {
            return node_buffer.Buffer.from(src, 'base64');
        }
        else if (typeof atob === 'function') {
            // On IE 11, atob() can't handle newlines
            const str = atob(src.replace(/[\n\r]/g, ''));
            const buffer = new Uint8Array(str.length);
            for (let i = 0; i < str.length; ++i)
                buffer[i] = str.charCodeAt(i);
            return buffer;
        }
        else {
            onError('This environment does not support reading binary tags; either Buffer or atob is required');
            return src;
        }
    },
    stringify({ comment, type, value }, ctx, onComment, onChompKeep) {
        if (!value)
            return '';
        const buf = value; // checked earlier by binary.identify()
        let str;
        if (typeof node_buffer.Buffer === 'function') {
            str =
                buf instanceof node_buffer.Buffer
                    ? buf.toString('base64')
                    : node_buffer.Buffer.from(buf.buffer).toString('base64');
        }
        else if (typeof btoa === 'function') {
            let s = '';
            for (let i = 0; i < buf.length; ++i)
                s += String.fromCharCode(buf[i]);
            str = btoa(s);
        }
        else {
            throw new Error('This environment does not support writing binary tags; either Buffer or btoa is required');
        }
        type ?? (type = Scalar.Scalar.BLOCK_LITERAL);
        if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
            const lineWidth = Math.max(ctx.options.lineWidth - ctx.indent.length, ctx.options.minContentWidth);
            const n = Math.ceil(str.length / lineWidth);
            const lines = new Array(n);
            for (let i = 0, o = 0; i < n; ++i, o += lineWidth) {
                lines[i] = str.substr(o, lineWidth);
            }
            str = lines.join(type === Scalar.Scalar.BLOCK_LITERAL ? '\n' : ' ');
        }
        return stringifyString.stringifyString({ comment, type, value: str }, ctx, onComment, onChompKeep);
    }
};

exports.binary = binary;


/***/ }),

/***/ 2348:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(1543);

function boolStringify({ value, source }, ctx) {
    const boolObj = value ? trueTag : falseTag;
    if (source && boolObj.test.test(source))
        return source;
    return value ? ctx.options.trueStr : ctx.options.falseStr;
}
const trueTag = {
    identify: value => value === true,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
    resolve: () => new Scalar.Scalar(true),
    stringify: boolStringify
};
const falseTag = {
    identify: value => value === false,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
    resolve: () => new Scalar.Scalar(false),
    stringify: boolStringify
};

exports.falseTag = falseTag;
exports.trueTag = trueTag;


/***/ }),

/***/ 7292:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(1543);
var stringifyNumber = __nccwpck_require__(2827);

const floatNaN = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: (str) => str.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : str[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY,
    stringify: stringifyNumber.stringifyNumber
};
const floatExp = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'EXP',
    test: /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
    resolve: (str) => parseFloat(str.replace(/_/g, '')),
    stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
    }
};
const float = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
    resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str.replace(/_/g, '')));
        const dot = str.indexOf('.');
        if (dot !== -1) {
            const f = str.substring(dot + 1).replace(/_/g, '');
            if (f[f.length - 1] === '0')
                node.minFractionDigits = f.length;
        }
        return node;
    },
    stringify: stringifyNumber.stringifyNumber
};

exports.float = float;
exports.floatExp = floatExp;
exports.floatNaN = floatNaN;


/***/ }),

/***/ 7851:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(2827);

const intIdentify = (value) => typeof value === 'bigint' || Number.isInteger(value);
function intResolve(str, offset, radix, { intAsBigInt }) {
    const sign = str[0];
    if (sign === '-' || sign === '+')
        offset += 1;
    str = str.substring(offset).replace(/_/g, '');
    if (intAsBigInt) {
        switch (radix) {
            case 2:
                str = `0b${str}`;
                break;
            case 8:
                str = `0o${str}`;
                break;
            case 16:
                str = `0x${str}`;
                break;
        }
        const n = BigInt(str);
        return sign === '-' ? BigInt(-1) * n : n;
    }
    const n = parseInt(str, radix);
    return sign === '-' ? -1 * n : n;
}
function intStringify(node, radix, prefix) {
    const { value } = node;
    if (intIdentify(value)) {
        const str = value.toString(radix);
        return value < 0 ? '-' + prefix + str.substr(1) : prefix + str;
    }
    return stringifyNumber.stringifyNumber(node);
}
const intBin = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'BIN',
    test: /^[-+]?0b[0-1_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 2, opt),
    stringify: node => intStringify(node, 2, '0b')
};
const intOct = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'OCT',
    test: /^[-+]?0[0-7_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 1, 8, opt),
    stringify: node => intStringify(node, 8, '0')
};
const int = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^[-+]?[0-9][0-9_]*$/,
    resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
    stringify: stringifyNumber.stringifyNumber
};
const intHex = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'HEX',
    test: /^[-+]?0x[0-9a-fA-F_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
    stringify: node => intStringify(node, 16, '0x')
};

exports.int = int;
exports.intBin = intBin;
exports.intHex = intHex;
exports.intOct = intOct;


/***/ }),

/***/ 5970:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var Scalar = __nccwpck_require__(1543);

// If the value associated with a merge key is a single mapping node, each of
// its key/value pairs is inserted into the current mapping, unless the key
// already exists in it. If the value associated with the merge key is a
// sequence, then this sequence is expected to contain mapping nodes and each
// of these nodes is merged in turn according to its order in the sequence.
// Keys in mapping nodes earlier in the sequence override keys specified in
// later mapping nodes. -- http://yaml.org/type/merge.html
const MERGE_KEY = '<<';
const merge = {
    identify: value => value === MERGE_KEY ||
        (typeof value === 'symbol' && value.description === MERGE_KEY),
    default: 'key',
    tag: 'tag:yaml.org,2002:merge',
    test: /^<<$/,
    resolve: () => Object.assign(new Scalar.Scalar(Symbol(MERGE_KEY)), {
        addToJSMap: addMergeToJSMap
    }),
    stringify: () => MERGE_KEY
};
const isMergeKey = (ctx, key) => (merge.identify(key) ||
    (identity.isScalar(key) &&
        (!key.type || key.type === Scalar.Scalar.PLAIN) &&
        merge.identify(key.value))) &&
    ctx?.doc.schema.tags.some(tag => tag.tag === merge.tag && tag.default);
function addMergeToJSMap(ctx, map, value) {
    const source = resolveAliasValue(ctx, value);
    if (identity.isSeq(source))
        for (const it of source.items)
            mergeValue(ctx, map, it);
    else if (Array.isArray(source))
        for (const it of source)
            mergeValue(ctx, map, it);
    else
        mergeValue(ctx, map, source);
}
function mergeValue(ctx, map, value) {
    const source = resolveAliasValue(ctx, value);
    if (!identity.isMap(source))
        throw new Error('Merge sources must be maps or map aliases');
    const srcMap = source.toJSON(null, ctx, Map);
    for (const [key, value] of srcMap) {
        if (map instanceof Map) {
            if (!map.has(key))
                map.set(key, value);
        }
        else if (map instanceof Set) {
            map.add(key);
        }
        else if (!Object.prototype.hasOwnProperty.call(map, key)) {
            Object.defineProperty(map, key, {
                value,
                writable: true,
                enumerable: true,
                configurable: true
            });
        }
    }
    return map;
}
function resolveAliasValue(ctx, value) {
    return ctx && identity.isAlias(value) ? value.resolve(ctx.doc, ctx) : value;
}

exports.addMergeToJSMap = addMergeToJSMap;
exports.isMergeKey = isMergeKey;
exports.merge = merge;


/***/ }),

/***/ 8781:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var toJS = __nccwpck_require__(445);
var YAMLMap = __nccwpck_require__(1856);
var YAMLSeq = __nccwpck_require__(3013);
var pairs = __nccwpck_require__(9751);

class YAMLOMap extends YAMLSeq.YAMLSeq {
    constructor() {
        super();
        this.add = YAMLMap.YAMLMap.prototype.add.bind(this);
        this.delete = YAMLMap.YAMLMap.prototype.delete.bind(this);
        this.get = YAMLMap.YAMLMap.prototype.get.bind(this);
        this.has = YAMLMap.YAMLMap.prototype.has.bind(this);
        this.set = YAMLMap.YAMLMap.prototype.set.bind(this);
        this.tag = YAMLOMap.tag;
    }
    /**
     * If `ctx` is given, the return type is actually `Map<unknown, unknown>`,
     * but TypeScript won't allow widening the signature of a child method.
     */
    toJSON(_, ctx) {
        if (!ctx)
            return super.toJSON(_);
        const map = new Map();
        if (ctx?.onCreate)
            ctx.onCreate(map);
        for (const pair of this.items) {
            let key, value;
            if (identity.isPair(pair)) {
                key = toJS.toJS(pair.key, '', ctx);
                value = toJS.toJS(pair.value, key, ctx);
            }
            else {
                key = toJS.toJS(pair, '', ctx);
            }
            if (map.has(key))
                throw new Error('Ordered maps must not include duplicate keys');
            map.set(key, value);
        }
        return map;
    }
    static from(schema, iterable, ctx) {
        const pairs$1 = pairs.createPairs(schema, iterable, ctx);
        const omap = new this();
        omap.items = pairs$1.items;
        return omap;
    }
}
YAMLOMap.tag = 'tag:yaml.org,2002:omap';
const omap = {
    collection: 'seq',
    identify: value => value instanceof Map,
    nodeClass: YAMLOMap,
    default: false,
    tag: 'tag:yaml.org,2002:omap',
    resolve(seq, onError) {
        const pairs$1 = pairs.resolvePairs(seq, onError);
        const seenKeys = [];
        for (const { key } of pairs$1.items) {
            if (identity.isScalar(key)) {
                if (seenKeys.includes(key.value)) {
                    onError(`Ordered maps must not include duplicate keys: ${key.value}`);
                }
                else {
                    seenKeys.push(key.value);
                }
            }
        }
        return Object.assign(new YAMLOMap(), pairs$1);
    },
    createNode: (schema, iterable, ctx) => YAMLOMap.from(schema, iterable, ctx)
};

exports.YAMLOMap = YAMLOMap;
exports.omap = omap;


/***/ }),

/***/ 9751:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var Pair = __nccwpck_require__(7567);
var Scalar = __nccwpck_require__(1543);
var YAMLSeq = __nccwpck_require__(3013);

function resolvePairs(seq, onError) {
    if (identity.isSeq(seq)) {
        for (let i = 0; i < seq.items.length; ++i) {
            let item = seq.items[i];
            if (identity.isPair(item))
                continue;
            else if (identity.isMap(item)) {
                if (item.items.length > 1)
                    onError('Each pair must have its own sequence indicator');
                const pair = item.items[0] || new Pair.Pair(new Scalar.Scalar(null));
                if (item.commentBefore)
                    pair.key.commentBefore = pair.key.commentBefore
                        ? `${item.commentBefore}\n${pair.key.commentBefore}`
                        : item.commentBefore;
                if (item.comment) {
                    const cn = pair.value ?? pair.key;
                    cn.comment = cn.comment
                        ? `${item.comment}\n${cn.comment}`
                        : item.comment;
                }
                item = pair;
            }
            seq.items[i] = identity.isPair(item) ? item : new Pair.Pair(item);
        }
    }
    else
        onError('Expected a sequence for this tag');
    return seq;
}
function createPairs(schema, iterable, ctx) {
    const { replacer } = ctx;
    const pairs = new YAMLSeq.YAMLSeq(schema);
    pairs.tag = 'tag:yaml.org,2002:pairs';
    let i = 0;
    if (iterable && Symbol.iterator in Object(iterable))
        for (let it of iterable) {
            if (typeof replacer === 'function')
                it = replacer.call(iterable, String(i++), it);
            let key, value;
            if (Array.isArray(it)) {
                if (it.length === 2) {
                    key = it[0];
                    value = it[1];
                }
                else
                    throw new TypeError(`Expected [key, value] tuple: ${it}`);
            }
            else if (it && it instanceof Object) {
                const keys = Object.keys(it);
                if (keys.length === 1) {
                    key = keys[0];
                    value = it[key];
                }
                else {
                    throw new TypeError(`Expected tuple with one key, not ${keys.length} keys`);
                }
            }
            else {
                key = it;
            }
            pairs.items.push(Pair.createPair(key, value, ctx));
        }
    return pairs;
}
const pairs = {
    collection: 'seq',
    default: false,
    tag: 'tag:yaml.org,2002:pairs',
    resolve: resolvePairs,
    createNode: createPairs
};

exports.createPairs = createPairs;
exports.pairs = pairs;
exports.resolvePairs = resolvePairs;


/***/ }),

/***/ 3019:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(773);
var _null = __nccwpck_require__(5410);
var seq = __nccwpck_require__(1744);
var string = __nccwpck_require__(2678);
var binary = __nccwpck_require__(6737);
var bool = __nccwpck_require__(2348);
var float = __nccwpck_require__(7292);
var int = __nccwpck_require__(7851);
var merge = __nccwpck_require__(5970);
var omap = __nccwpck_require__(8781);
var pairs = __nccwpck_require__(9751);
var set = __nccwpck_require__(1314);
var timestamp = __nccwpck_require__(5994);

const schema = [
    map.map,
    seq.seq,
    string.string,
    _null.nullTag,
    bool.trueTag,
    bool.falseTag,
    int.intBin,
    int.intOct,
    int.int,
    int.intHex,
    float.floatNaN,
    float.floatExp,
    float.float,
    binary.binary,
    merge.merge,
    omap.omap,
    pairs.pairs,
    set.set,
    timestamp.intTime,
    timestamp.floatTime,
    timestamp.timestamp
];

exports.schema = schema;


/***/ }),

/***/ 1314:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var Pair = __nccwpck_require__(7567);
var YAMLMap = __nccwpck_require__(1856);

class YAMLSet extends YAMLMap.YAMLMap {
    constructor(schema) {
        super(schema);
        this.tag = YAMLSet.tag;
    }
    add(key) {
        let pair;
        if (identity.isPair(key))
            pair = key;
        else if (key &&
            typeof key === 'object' &&
            'key' in key &&
            'value' in key &&
            key.value === null)
            pair = new Pair.Pair(key.key, null);
        else
            pair = new Pair.Pair(key, null);
        const prev = YAMLMap.findPair(this.items, pair.key);
        if (!prev)
            this.items.push(pair);
    }
    /**
     * If `keepPair` is `true`, returns the Pair matching `key`.
     * Otherwise, returns the value of that Pair's key.
     */
    get(key, keepPair) {
        const pair = YAMLMap.findPair(this.items, key);
        return !keepPair && identity.isPair(pair)
            ? identity.isScalar(pair.key)
                ? pair.key.value
                : pair.key
            : pair;
    }
    set(key, value) {
        if (typeof value !== 'boolean')
            throw new Error(`Expected boolean value for set(key, value) in a YAML set, not ${typeof value}`);
        const prev = YAMLMap.findPair(this.items, key);
        if (prev && !value) {
            this.items.splice(this.items.indexOf(prev), 1);
        }
        else if (!prev && value) {
            this.items.push(new Pair.Pair(key));
        }
    }
    toJSON(_, ctx) {
        return super.toJSON(_, ctx, Set);
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        if (this.hasAllNullValues(true))
            return super.toString(Object.assign({}, ctx, { allNullValues: true }), onComment, onChompKeep);
        else
            throw new Error('Set items must all have null values');
    }
    static from(schema, iterable, ctx) {
        const { replacer } = ctx;
        const set = new this(schema);
        if (iterable && Symbol.iterator in Object(iterable))
            for (let value of iterable) {
                if (typeof replacer === 'function')
                    value = replacer.call(iterable, value, value);
                set.items.push(Pair.createPair(value, null, ctx));
            }
        return set;
    }
}
YAMLSet.tag = 'tag:yaml.org,2002:set';
const set = {
    collection: 'map',
    identify: value => value instanceof Set,
    nodeClass: YAMLSet,
    default: false,
    tag: 'tag:yaml.org,2002:set',
    createNode: (schema, iterable, ctx) => YAMLSet.from(schema, iterable, ctx),
    resolve(map, onError) {
        if (identity.isMap(map)) {
            if (map.hasAllNullValues(true))
                return Object.assign(new YAMLSet(), map);
            else
                onError('Set items must all have null values');
        }
        else
            onError('Expected a mapping for this tag');
        return map;
    }
};

exports.YAMLSet = YAMLSet;
exports.set = set;


/***/ }),

/***/ 5994:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(2827);

/** Internal types handle bigint as number, because TS can't figure it out. */
function parseSexagesimal(str, asBigInt) {
    const sign = str[0];
    const parts = sign === '-' || sign === '+' ? str.substring(1) : str;
    const num = (n) => asBigInt ? BigInt(n) : Number(n);
    const res = parts
        .replace(/_/g, '')
        .split(':')
        .reduce((res, p) => res * num(60) + num(p), num(0));
    return (sign === '-' ? num(-1) * res : res);
}
/**
 * hhhh:mm:ss.sss
 *
 * Internal types handle bigint as number, because TS can't figure it out.
 */
function stringifySexagesimal(node) {
    let { value } = node;
    let num = (n) => n;
    if (typeof value === 'bigint')
        num = n => BigInt(n);
    else if (isNaN(value) || !isFinite(value))
        return stringifyNumber.stringifyNumber(node);
    let sign = '';
    if (value < 0) {
        sign = '-';
        value *= num(-1);
    }
    const _60 = num(60);
    const parts = [value % _60]; // seconds, including ms
    if (value < 60) {
        parts.unshift(0); // at least one : is required
    }
    else {
        value = (value - parts[0]) / _60;
        parts.unshift(value % _60); // minutes
        if (value >= 60) {
            value = (value - parts[0]) / _60;
            parts.unshift(value); // hours
        }
    }
    return (sign +
        parts
            .map(n => String(n).padStart(2, '0'))
            .join(':')
            .replace(/000000\d*$/, '') // % 60 may introduce error
    );
}
const intTime = {
    identify: value => typeof value === 'bigint' || Number.isInteger(value),
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'TIME',
    test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
    resolve: (str, _onError, { intAsBigInt }) => parseSexagesimal(str, intAsBigInt),
    stringify: stringifySexagesimal
};
const floatTime = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'TIME',
    test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
    resolve: str => parseSexagesimal(str, false),
    stringify: stringifySexagesimal
};
const timestamp = {
    identify: value => value instanceof Date,
    default: true,
    tag: 'tag:yaml.org,2002:timestamp',
    // If the time zone is omitted, the timestamp is assumed to be specified in UTC. The time part
    // may be omitted altogether, resulting in a date format. In such a case, the time part is
    // assumed to be 00:00:00Z (start of day, UTC).
    test: RegExp('^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})' + // YYYY-Mm-Dd
        '(?:' + // time is optional
        '(?:t|T|[ \\t]+)' + // t | T | whitespace
        '([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)' + // Hh:Mm:Ss(.ss)?
        '(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?' + // Z | +5 | -03:30
        ')?$'),
    resolve(str) {
        const match = str.match(timestamp.test);
        if (!match)
            throw new Error('!!timestamp expects a date, starting with yyyy-mm-dd');
        const [, year, month, day, hour, minute, second] = match.map(Number);
        const millisec = match[7] ? Number((match[7] + '00').substr(1, 3)) : 0;
        let date = Date.UTC(year, month - 1, day, hour || 0, minute || 0, second || 0, millisec);
        const tz = match[8];
        if (tz && tz !== 'Z') {
            let d = parseSexagesimal(tz, false);
            if (Math.abs(d) < 30)
                d *= 60;
            date -= 60000 * d;
        }
        return new Date(date);
    },
    stringify: ({ value }) => value?.toISOString().replace(/(T00:00:00)?\.000Z$/, '') ?? ''
};

exports.floatTime = floatTime;
exports.intTime = intTime;
exports.timestamp = timestamp;


/***/ }),

/***/ 9777:
/***/ ((__unused_webpack_module, exports) => {



const FOLD_FLOW = 'flow';
const FOLD_BLOCK = 'block';
const FOLD_QUOTED = 'quoted';
/**
 * Tries to keep input at up to `lineWidth` characters, splitting only on spaces
 * not followed by newlines or spaces unless `mode` is `'quoted'`. Lines are
 * terminated with `\n` and started with `indent`.
 */
function foldFlowLines(text, indent, mode = 'flow', { indentAtStart, lineWidth = 80, minContentWidth = 20, onFold, onOverflow } = {}) {
    if (!lineWidth || lineWidth < 0)
        return text;
    if (lineWidth < minContentWidth)
        minContentWidth = 0;
    const endStep = Math.max(1 + minContentWidth, 1 + lineWidth - indent.length);
    if (text.length <= endStep)
        return text;
    const folds = [];
    const escapedFolds = {};
    let end = lineWidth - indent.length;
    if (typeof indentAtStart === 'number') {
        if (indentAtStart > lineWidth - Math.max(2, minContentWidth))
            folds.push(0);
        else
            end = lineWidth - indentAtStart;
    }
    let split = undefined;
    let prev = undefined;
    let overflow = false;
    let i = -1;
    let escStart = -1;
    let escEnd = -1;
    if (mode === FOLD_BLOCK) {
        i = consumeMoreIndentedLines(text, i, indent.length);
        if (i !== -1)
            end = i + endStep;
    }
    for (let ch; (ch = text[(i += 1)]);) {
        if (mode === FOLD_QUOTED && ch === '\\') {
            escStart = i;
            switch (text[i + 1]) {
                case 'x':
                    i += 3;
                    break;
                case 'u':
                    i += 5;
                    break;
                case 'U':
                    i += 9;
                    break;
                default:
                    i += 1;
            }
            escEnd = i;
        }
        if (ch === '\n') {
            if (mode === FOLD_BLOCK)
                i = consumeMoreIndentedLines(text, i, indent.length);
            end = i + indent.length + endStep;
            split = undefined;
        }
        else {
            if (ch === ' ' &&
                prev &&
                prev !== ' ' &&
                prev !== '\n' &&
                prev !== '\t') {
                // space surrounded by non-space can be replaced with newline + indent
                const next = text[i + 1];
                if (next && next !== ' ' && next !== '\n' && next !== '\t')
                    split = i;
            }
            if (i >= end) {
                if (split) {
                    folds.push(split);
                    end = split + endStep;
                    split = undefined;
                }
                else if (mode === FOLD_QUOTED) {
                    // white-space collected at end may stretch past lineWidth
                    while (prev === ' ' || prev === '\t') {
                        prev = ch;
                        ch = text[(i += 1)];
                        overflow = true;
                    }
                    // Account for newline escape, but don't break preceding escape
                    const j = i > escEnd + 1 ? i - 2 : escStart - 1;
                    // Bail out if lineWidth & minContentWidth are shorter than an escape string
                    if (escapedFolds[j])
                        return text;
                    folds.push(j);
                    escapedFolds[j] = true;
                    end = j + endStep;
                    split = undefined;
                }
                else {
                    overflow = true;
                }
            }
        }
        prev = ch;
    }
    if (overflow && onOverflow)
        onOverflow();
    if (folds.length === 0)
        return text;
    if (onFold)
        onFold();
    let res = text.slice(0, folds[0]);
    for (let i = 0; i < folds.length; ++i) {
        const fold = folds[i];
        const end = folds[i + 1] || text.length;
        if (fold === 0)
            res = `\n${indent}${text.slice(0, end)}`;
        else {
            if (mode === FOLD_QUOTED && escapedFolds[fold])
                res += `${text[fold]}\\`;
            res += `\n${indent}${text.slice(fold + 1, end)}`;
        }
    }
    return res;
}
/**
 * Presumes `i + 1` is at the start of a line
 * @returns index of last newline in more-indented block
 */
function consumeMoreIndentedLines(text, i, indent) {
    let end = i;
    let start = i + 1;
    let ch = text[start];
    while (ch === ' ' || ch === '\t') {
        if (i < start + indent) {
            ch = text[++i];
        }
        else {
            do {
                ch = text[++i];
            } while (ch && ch !== '\n');
            end = i;
            start = i + 1;
            ch = text[start];
        }
    }
    return end;
}

exports.FOLD_BLOCK = FOLD_BLOCK;
exports.FOLD_FLOW = FOLD_FLOW;
exports.FOLD_QUOTED = FOLD_QUOTED;
exports.foldFlowLines = foldFlowLines;


/***/ }),

/***/ 5474:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var anchors = __nccwpck_require__(9030);
var identity = __nccwpck_require__(1737);
var stringifyComment = __nccwpck_require__(2005);
var stringifyString = __nccwpck_require__(4387);

function createStringifyContext(doc, options) {
    const opt = Object.assign({
        blockQuote: true,
        commentString: stringifyComment.stringifyComment,
        defaultKeyType: null,
        defaultStringType: 'PLAIN',
        directives: null,
        doubleQuotedAsJSON: false,
        doubleQuotedMinMultiLineLength: 40,
        falseStr: 'false',
        flowCollectionPadding: true,
        indentSeq: true,
        lineWidth: 80,
        minContentWidth: 20,
        nullStr: 'null',
        simpleKeys: false,
        singleQuote: null,
        trailingComma: false,
        trueStr: 'true',
        verifyAliasOrder: true
    }, doc.schema.toStringOptions, options);
    let inFlow;
    switch (opt.collectionStyle) {
        case 'block':
            inFlow = false;
            break;
        case 'flow':
            inFlow = true;
            break;
        default:
            inFlow = null;
    }
    return {
        anchors: new Set(),
        doc,
        flowCollectionPadding: opt.flowCollectionPadding ? ' ' : '',
        indent: '',
        indentStep: typeof opt.indent === 'number' ? ' '.repeat(opt.indent) : '  ',
        inFlow,
        options: opt
    };
}
function getTagObject(tags, item) {
    if (item.tag) {
        const match = tags.filter(t => t.tag === item.tag);
        if (match.length > 0)
            return match.find(t => t.format === item.format) ?? match[0];
    }
    let tagObj = undefined;
    let obj;
    if (identity.isScalar(item)) {
        obj = item.value;
        let match = tags.filter(t => t.identify?.(obj));
        if (match.length > 1) {
            const testMatch = match.filter(t => t.test);
            if (testMatch.length > 0)
                match = testMatch;
        }
        tagObj =
            match.find(t => t.format === item.format) ?? match.find(t => !t.format);
    }
    else {
        obj = item;
        tagObj = tags.find(t => t.nodeClass && obj instanceof t.nodeClass);
    }
    if (!tagObj) {
        const name = obj?.constructor?.name ?? (obj === null ? 'null' : typeof obj);
        throw new Error(`Tag not resolved for ${name} value`);
    }
    return tagObj;
}
// needs to be called before value stringifier to allow for circular anchor refs
function stringifyProps(node, tagObj, { anchors: anchors$1, doc }) {
    if (!doc.directives)
        return '';
    const props = [];
    const anchor = (identity.isScalar(node) || identity.isCollection(node)) && node.anchor;
    if (anchor && anchors.anchorIsValid(anchor)) {
        anchors$1.add(anchor);
        props.push(`&${anchor}`);
    }
    const tag = node.tag ?? (tagObj.default ? null : tagObj.tag);
    if (tag)
        props.push(doc.directives.tagString(tag));
    return props.join(' ');
}
function stringify(item, ctx, onComment, onChompKeep) {
    if (identity.isPair(item))
        return item.toString(ctx, onComment, onChompKeep);
    if (identity.isAlias(item)) {
        if (ctx.doc.directives)
            return item.toString(ctx);
        if (ctx.resolvedAliases?.has(item)) {
            throw new TypeError(`Cannot stringify circular structure without alias nodes`);
        }
        else {
            if (ctx.resolvedAliases)
                ctx.resolvedAliases.add(item);
            else
                ctx.resolvedAliases = new Set([item]);
            item = item.resolve(ctx.doc);
        }
    }
    let tagObj = undefined;
    const node = identity.isNode(item)
        ? item
        : ctx.doc.createNode(item, { onTagObj: o => (tagObj = o) });
    tagObj ?? (tagObj = getTagObject(ctx.doc.schema.tags, node));
    const props = stringifyProps(node, tagObj, ctx);
    if (props.length > 0)
        ctx.indentAtStart = (ctx.indentAtStart ?? 0) + props.length + 1;
    const str = typeof tagObj.stringify === 'function'
        ? tagObj.stringify(node, ctx, onComment, onChompKeep)
        : identity.isScalar(node)
            ? stringifyString.stringifyString(node, ctx, onComment, onChompKeep)
            : node.toString(ctx, onComment, onChompKeep);
    if (!props)
        return str;
    return identity.isScalar(node) || str[0] === '{' || str[0] === '['
        ? `${props} ${str}`
        : `${props}\n${ctx.indent}${str}`;
}

exports.createStringifyContext = createStringifyContext;
exports.stringify = stringify;


/***/ }),

/***/ 486:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var stringify = __nccwpck_require__(5474);
var stringifyComment = __nccwpck_require__(2005);

function stringifyCollection(collection, ctx, options) {
    const flow = ctx.inFlow ?? collection.flow;
    const stringify = flow ? stringifyFlowCollection : stringifyBlockCollection;
    return stringify(collection, ctx, options);
}
function stringifyBlockCollection({ comment, items }, ctx, { blockItemPrefix, flowChars, itemIndent, onChompKeep, onComment }) {
    const { indent, options: { commentString } } = ctx;
    const itemCtx = Object.assign({}, ctx, { indent: itemIndent, type: null });
    let chompKeep = false; // flag for the preceding node's status
    const lines = [];
    for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity.isNode(item)) {
            if (!chompKeep && item.spaceBefore)
                lines.push('');
            addCommentBefore(ctx, lines, item.commentBefore, chompKeep);
            if (item.comment)
                comment = item.comment;
        }
        else if (identity.isPair(item)) {
            const ik = identity.isNode(item.key) ? item.key : null;
            if (ik) {
                if (!chompKeep && ik.spaceBefore)
                    lines.push('');
                addCommentBefore(ctx, lines, ik.commentBefore, chompKeep);
            }
        }
        chompKeep = false;
        let str = stringify.stringify(item, itemCtx, () => (comment = null), () => (chompKeep = true));
        if (comment)
            str += stringifyComment.lineComment(str, itemIndent, commentString(comment));
        if (chompKeep && comment)
            chompKeep = false;
        lines.push(blockItemPrefix + str);
    }
    let str;
    if (lines.length === 0) {
        str = flowChars.start + flowChars.end;
    }
    else {
        str = lines[0];
        for (let i = 1; i < lines.length; ++i) {
            const line = lines[i];
            str += line ? `\n${indent}${line}` : '\n';
        }
    }
    if (comment) {
        str += '\n' + stringifyComment.indentComment(commentString(comment), indent);
        if (onComment)
            onComment();
    }
    else if (chompKeep && onChompKeep)
        onChompKeep();
    return str;
}
function stringifyFlowCollection({ items }, ctx, { flowChars, itemIndent }) {
    const { indent, indentStep, flowCollectionPadding: fcPadding, options: { commentString } } = ctx;
    itemIndent += indentStep;
    const itemCtx = Object.assign({}, ctx, {
        indent: itemIndent,
        inFlow: true,
        type: null
    });
    let reqNewline = false;
    let linesAtValue = 0;
    const lines = [];
    for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity.isNode(item)) {
            if (item.spaceBefore)
                lines.push('');
            addCommentBefore(ctx, lines, item.commentBefore, false);
            if (item.comment)
                comment = item.comment;
        }
        else if (identity.isPair(item)) {
            const ik = identity.isNode(item.key) ? item.key : null;
            if (ik) {
                if (ik.spaceBefore)
                    lines.push('');
                addCommentBefore(ctx, lines, ik.commentBefore, false);
                if (ik.comment)
                    reqNewline = true;
            }
            const iv = identity.isNode(item.value) ? item.value : null;
            if (iv) {
                if (iv.comment)
                    comment = iv.comment;
                if (iv.commentBefore)
                    reqNewline = true;
            }
            else if (item.value == null && ik?.comment) {
                comment = ik.comment;
            }
        }
        if (comment)
            reqNewline = true;
        let str = stringify.stringify(item, itemCtx, () => (comment = null));
        reqNewline || (reqNewline = lines.length > linesAtValue || str.includes('\n'));
        if (i < items.length - 1) {
            str += ',';
        }
        else if (ctx.options.trailingComma) {
            if (ctx.options.lineWidth > 0) {
                reqNewline || (reqNewline = lines.reduce((sum, line) => sum + line.length + 2, 2) +
                    (str.length + 2) >
                    ctx.options.lineWidth);
            }
            if (reqNewline) {
                str += ',';
            }
        }
        if (comment)
            str += stringifyComment.lineComment(str, itemIndent, commentString(comment));
        lines.push(str);
        linesAtValue = lines.length;
    }
    const { start, end } = flowChars;
    if (lines.length === 0) {
        return start + end;
    }
    else {
        if (!reqNewline) {
            const len = lines.reduce((sum, line) => sum + line.length + 2, 2);
            reqNewline = ctx.options.lineWidth > 0 && len > ctx.options.lineWidth;
        }
        if (reqNewline) {
            let str = start;
            for (const line of lines)
                str += line ? `\n${indentStep}${indent}${line}` : '\n';
            return `${str}\n${indent}${end}`;
        }
        else {
            return `${start}${fcPadding}${lines.join(' ')}${fcPadding}${end}`;
        }
    }
}
function addCommentBefore({ indent, options: { commentString } }, lines, comment, chompKeep) {
    if (comment && chompKeep)
        comment = comment.replace(/^\n+/, '');
    if (comment) {
        const ic = stringifyComment.indentComment(commentString(comment), indent);
        lines.push(ic.trimStart()); // Avoid double indent on first line
    }
}

exports.stringifyCollection = stringifyCollection;


/***/ }),

/***/ 2005:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Stringifies a comment.
 *
 * Empty comment lines are left empty,
 * lines consisting of a single space are replaced by `#`,
 * and all other lines are prefixed with a `#`.
 */
const stringifyComment = (str) => str.replace(/^(?!$)(?: $)?/gm, '#');
function indentComment(comment, indent) {
    if (/^\n+$/.test(comment))
        return comment.substring(1);
    return indent ? comment.replace(/^(?! *$)/gm, indent) : comment;
}
const lineComment = (str, indent, comment) => str.endsWith('\n')
    ? indentComment(comment, indent)
    : comment.includes('\n')
        ? '\n' + indentComment(comment, indent)
        : (str.endsWith(' ') ? '' : ' ') + comment;

exports.indentComment = indentComment;
exports.lineComment = lineComment;
exports.stringifyComment = stringifyComment;


/***/ }),

/***/ 9255:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var stringify = __nccwpck_require__(5474);
var stringifyComment = __nccwpck_require__(2005);

function stringifyDocument(doc, options) {
    const lines = [];
    let hasDirectives = options.directives === true;
    if (options.directives !== false && doc.directives) {
        const dir = doc.directives.toString(doc);
        if (dir) {
            lines.push(dir);
            hasDirectives = true;
        }
        else if (doc.directives.docStart)
            hasDirectives = true;
    }
    if (hasDirectives)
        lines.push('---');
    const ctx = stringify.createStringifyContext(doc, options);
    const { commentString } = ctx.options;
    if (doc.commentBefore) {
        if (lines.length !== 1)
            lines.unshift('');
        const cs = commentString(doc.commentBefore);
        lines.unshift(stringifyComment.indentComment(cs, ''));
    }
    let chompKeep = false;
    let contentComment = null;
    if (doc.contents) {
        if (identity.isNode(doc.contents)) {
            if (doc.contents.spaceBefore && hasDirectives)
                lines.push('');
            if (doc.contents.commentBefore) {
                const cs = commentString(doc.contents.commentBefore);
                lines.push(stringifyComment.indentComment(cs, ''));
            }
            // top-level block scalars need to be indented if followed by a comment
            ctx.forceBlockIndent = !!doc.comment;
            contentComment = doc.contents.comment;
        }
        const onChompKeep = contentComment ? undefined : () => (chompKeep = true);
        let body = stringify.stringify(doc.contents, ctx, () => (contentComment = null), onChompKeep);
        if (contentComment)
            body += stringifyComment.lineComment(body, '', commentString(contentComment));
        if ((body[0] === '|' || body[0] === '>') &&
            lines[lines.length - 1] === '---') {
            // Top-level block scalars with a preceding doc marker ought to use the
            // same line for their header.
            lines[lines.length - 1] = `--- ${body}`;
        }
        else
            lines.push(body);
    }
    else {
        lines.push(stringify.stringify(doc.contents, ctx));
    }
    if (doc.directives?.docEnd) {
        if (doc.comment) {
            const cs = commentString(doc.comment);
            if (cs.includes('\n')) {
                lines.push('...');
                lines.push(stringifyComment.indentComment(cs, ''));
            }
            else {
                lines.push(`... ${cs}`);
            }
        }
        else {
            lines.push('...');
        }
    }
    else {
        let dc = doc.comment;
        if (dc && chompKeep)
            dc = dc.replace(/^\n+/, '');
        if (dc) {
            if ((!chompKeep || contentComment) && lines[lines.length - 1] !== '')
                lines.push('');
            lines.push(stringifyComment.indentComment(commentString(dc), ''));
        }
    }
    return lines.join('\n') + '\n';
}

exports.stringifyDocument = stringifyDocument;


/***/ }),

/***/ 2827:
/***/ ((__unused_webpack_module, exports) => {



function stringifyNumber({ format, minFractionDigits, tag, value }) {
    if (typeof value === 'bigint')
        return String(value);
    const num = typeof value === 'number' ? value : Number(value);
    if (!isFinite(num))
        return isNaN(num) ? '.nan' : num < 0 ? '-.inf' : '.inf';
    let n = Object.is(value, -0) ? '-0' : JSON.stringify(value);
    if (!format &&
        minFractionDigits &&
        (!tag || tag === 'tag:yaml.org,2002:float') &&
        /^-?\d/.test(n) &&
        !n.includes('e')) {
        let i = n.indexOf('.');
        if (i < 0) {
            i = n.length;
            n += '.';
        }
        let d = minFractionDigits - (n.length - i - 1);
        while (d-- > 0)
            n += '0';
    }
    return n;
}

exports.stringifyNumber = stringifyNumber;


/***/ }),

/***/ 8070:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);
var Scalar = __nccwpck_require__(1543);
var stringify = __nccwpck_require__(5474);
var stringifyComment = __nccwpck_require__(2005);

function stringifyPair({ key, value }, ctx, onComment, onChompKeep) {
    const { allNullValues, doc, indent, indentStep, options: { commentString, indentSeq, simpleKeys } } = ctx;
    let keyComment = (identity.isNode(key) && key.comment) || null;
    if (simpleKeys) {
        if (keyComment) {
            throw new Error('With simple keys, key nodes cannot have comments');
        }
        if (identity.isCollection(key) || (!identity.isNode(key) && typeof key === 'object')) {
            const msg = 'With simple keys, collection cannot be used as a key value';
            throw new Error(msg);
        }
    }
    let explicitKey = !simpleKeys &&
        (!key ||
            (keyComment && value == null && !ctx.inFlow) ||
            identity.isCollection(key) ||
            (identity.isScalar(key)
                ? key.type === Scalar.Scalar.BLOCK_FOLDED || key.type === Scalar.Scalar.BLOCK_LITERAL
                : typeof key === 'object'));
    ctx = Object.assign({}, ctx, {
        allNullValues: false,
        implicitKey: !explicitKey && (simpleKeys || !allNullValues),
        indent: indent + indentStep
    });
    let keyCommentDone = false;
    let chompKeep = false;
    let str = stringify.stringify(key, ctx, () => (keyCommentDone = true), () => (chompKeep = true));
    if (!explicitKey && !ctx.inFlow && str.length > 1024) {
        if (simpleKeys)
            throw new Error('With simple keys, single line scalar must not span more than 1024 characters');
        explicitKey = true;
    }
    if (ctx.inFlow) {
        if (allNullValues || value == null) {
            if (keyCommentDone && onComment)
                onComment();
            return str === '' ? '?' : explicitKey ? `? ${str}` : str;
        }
    }
    else if ((allNullValues && !simpleKeys) || (value == null && explicitKey)) {
        str = `? ${str}`;
        if (keyComment && !keyCommentDone) {
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        }
        else if (chompKeep && onChompKeep)
            onChompKeep();
        return str;
    }
    if (keyCommentDone)
        keyComment = null;
    if (explicitKey) {
        if (keyComment)
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        str = `? ${str}\n${indent}:`;
    }
    else {
        str = `${str}:`;
        if (keyComment)
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
    }
    let vsb, vcb, valueComment;
    if (identity.isNode(value)) {
        vsb = !!value.spaceBefore;
        vcb = value.commentBefore;
        valueComment = value.comment;
    }
    else {
        vsb = false;
        vcb = null;
        valueComment = null;
        if (value && typeof value === 'object')
            value = doc.createNode(value);
    }
    ctx.implicitKey = false;
    if (!explicitKey && !keyComment && identity.isScalar(value))
        ctx.indentAtStart = str.length + 1;
    chompKeep = false;
    if (!indentSeq &&
        indentStep.length >= 2 &&
        !ctx.inFlow &&
        !explicitKey &&
        identity.isSeq(value) &&
        !value.flow &&
        !value.tag &&
        !value.anchor) {
        // If indentSeq === false, consider '- ' as part of indentation where possible
        ctx.indent = ctx.indent.substring(2);
    }
    let valueCommentDone = false;
    const valueStr = stringify.stringify(value, ctx, () => (valueCommentDone = true), () => (chompKeep = true));
    let ws = ' ';
    if (keyComment || vsb || vcb) {
        ws = vsb ? '\n' : '';
        if (vcb) {
            const cs = commentString(vcb);
            ws += `\n${stringifyComment.indentComment(cs, ctx.indent)}`;
        }
        if (valueStr === '' && !ctx.inFlow) {
            if (ws === '\n' && valueComment)
                ws = '\n\n';
        }
        else {
            ws += `\n${ctx.indent}`;
        }
    }
    else if (!explicitKey && identity.isCollection(value)) {
        const vs0 = valueStr[0];
        const nl0 = valueStr.indexOf('\n');
        const hasNewline = nl0 !== -1;
        const flow = ctx.inFlow ?? value.flow ?? value.items.length === 0;
        if (hasNewline || !flow) {
            let hasPropsLine = false;
            if (hasNewline && (vs0 === '&' || vs0 === '!')) {
                let sp0 = valueStr.indexOf(' ');
                if (vs0 === '&' &&
                    sp0 !== -1 &&
                    sp0 < nl0 &&
                    valueStr[sp0 + 1] === '!') {
                    sp0 = valueStr.indexOf(' ', sp0 + 1);
                }
                if (sp0 === -1 || nl0 < sp0)
                    hasPropsLine = true;
            }
            if (!hasPropsLine)
                ws = `\n${ctx.indent}`;
        }
    }
    else if (valueStr === '' || valueStr[0] === '\n') {
        ws = '';
    }
    str += ws + valueStr;
    if (ctx.inFlow) {
        if (valueCommentDone && onComment)
            onComment();
    }
    else if (valueComment && !valueCommentDone) {
        str += stringifyComment.lineComment(str, ctx.indent, commentString(valueComment));
    }
    else if (chompKeep && onChompKeep) {
        onChompKeep();
    }
    return str;
}

exports.stringifyPair = stringifyPair;


/***/ }),

/***/ 4387:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(1543);
var foldFlowLines = __nccwpck_require__(9777);

const getFoldOptions = (ctx, isBlock) => ({
    indentAtStart: isBlock ? ctx.indent.length : ctx.indentAtStart,
    lineWidth: ctx.options.lineWidth,
    minContentWidth: ctx.options.minContentWidth
});
// Also checks for lines starting with %, as parsing the output as YAML 1.1 will
// presume that's starting a new document.
const containsDocumentMarker = (str) => /^(%|---|\.\.\.)/m.test(str);
function lineLengthOverLimit(str, lineWidth, indentLength) {
    if (!lineWidth || lineWidth < 0)
        return false;
    const limit = lineWidth - indentLength;
    const strLen = str.length;
    if (strLen <= limit)
        return false;
    for (let i = 0, start = 0; i < strLen; ++i) {
        if (str[i] === '\n') {
            if (i - start > limit)
                return true;
            start = i + 1;
            if (strLen - start <= limit)
                return false;
        }
    }
    return true;
}
function doubleQuotedString(value, ctx) {
    const json = JSON.stringify(value);
    if (ctx.options.doubleQuotedAsJSON)
        return json;
    const { implicitKey } = ctx;
    const minMultiLineLength = ctx.options.doubleQuotedMinMultiLineLength;
    const indent = ctx.indent || (containsDocumentMarker(value) ? '  ' : '');
    let str = '';
    let start = 0;
    for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
        if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
            // space before newline needs to be escaped to not be folded
            str += json.slice(start, i) + '\\ ';
            i += 1;
            start = i;
            ch = '\\';
        }
        if (ch === '\\')
            switch (json[i + 1]) {
                case 'u':
                    {
                        str += json.slice(start, i);
                        const code = json.substr(i + 2, 4);
                        switch (code) {
                            case '0000':
                                str += '\\0';
                                break;
                            case '0007':
                                str += '\\a';
                                break;
                            case '000b':
                                str += '\\v';
                                break;
                            case '001b':
                                str += '\\e';
                                break;
                            case '0085':
                                str += '\\N';
                                break;
                            case '00a0':
                                str += '\\_';
                                break;
                            case '2028':
                                str += '\\L';
                                break;
                            case '2029':
                                str += '\\P';
                                break;
                            default:
                                if (code.substr(0, 2) === '00')
                                    str += '\\x' + code.substr(2);
                                else
                                    str += json.substr(i, 6);
                        }
                        i += 5;
                        start = i + 1;
                    }
                    break;
                case 'n':
                    if (implicitKey ||
                        json[i + 2] === '"' ||
                        json.length < minMultiLineLength) {
                        i += 1;
                    }
                    else {
                        // folding will eat first newline
                        str += json.slice(start, i) + '\n\n';
                        while (json[i + 2] === '\\' &&
                            json[i + 3] === 'n' &&
                            json[i + 4] !== '"') {
                            str += '\n';
                            i += 2;
                        }
                        str += indent;
                        // space after newline needs to be escaped to not be folded
                        if (json[i + 2] === ' ')
                            str += '\\';
                        i += 1;
                        start = i + 1;
                    }
                    break;
                default:
                    i += 1;
            }
    }
    str = start ? str + json.slice(start) : json;
    return implicitKey
        ? str
        : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_QUOTED, getFoldOptions(ctx, false));
}
function singleQuotedString(value, ctx) {
    if (ctx.options.singleQuote === false ||
        (ctx.implicitKey && value.includes('\n')) ||
        /[ \t]\n|\n[ \t]/.test(value) // single quoted string can't have leading or trailing whitespace around newline
    )
        return doubleQuotedString(value, ctx);
    const indent = ctx.indent || (containsDocumentMarker(value) ? '  ' : '');
    const res = "'" + value.replace(/'/g, "''").replace(/\n+/g, `$&\n${indent}`) + "'";
    return ctx.implicitKey
        ? res
        : foldFlowLines.foldFlowLines(res, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
}
function quotedString(value, ctx) {
    const { singleQuote } = ctx.options;
    let qs;
    if (singleQuote === false)
        qs = doubleQuotedString;
    else {
        const hasDouble = value.includes('"');
        const hasSingle = value.includes("'");
        if (hasDouble && !hasSingle)
            qs = singleQuotedString;
        else if (hasSingle && !hasDouble)
            qs = doubleQuotedString;
        else
            qs = singleQuote ? singleQuotedString : doubleQuotedString;
    }
    return qs(value, ctx);
}
// The negative lookbehind avoids a polynomial search,
// but isn't supported yet on Safari: https://caniuse.com/js-regexp-lookbehind
let blockEndNewlines;
try {
    blockEndNewlines = new RegExp('(^|(?<!\n))\n+(?!\n|$)', 'g');
}
catch {
    blockEndNewlines = /\n+(?!\n|$)/g;
}
function blockString({ comment, type, value }, ctx, onComment, onChompKeep) {
    const { blockQuote, commentString, lineWidth } = ctx.options;
    // 1. Block can't end in whitespace unless the last line is non-empty.
    // 2. Strings consisting of only whitespace are best rendered explicitly.
    if (!blockQuote || /\n[\t ]+$/.test(value)) {
        return quotedString(value, ctx);
    }
    const indent = ctx.indent ||
        (ctx.forceBlockIndent || containsDocumentMarker(value) ? '  ' : '');
    const literal = blockQuote === 'literal'
        ? true
        : blockQuote === 'folded' || type === Scalar.Scalar.BLOCK_FOLDED
            ? false
            : type === Scalar.Scalar.BLOCK_LITERAL
                ? true
                : !lineLengthOverLimit(value, lineWidth, indent.length);
    if (!value)
        return literal ? '|\n' : '>\n';
    // determine chomping from whitespace at value end
    let chomp;
    let endStart;
    for (endStart = value.length; endStart > 0; --endStart) {
        const ch = value[endStart - 1];
        if (ch !== '\n' && ch !== '\t' && ch !== ' ')
            break;
    }
    let end = value.substring(endStart);
    const endNlPos = end.indexOf('\n');
    if (endNlPos === -1) {
        chomp = '-'; // strip
    }
    else if (value === end || endNlPos !== end.length - 1) {
        chomp = '+'; // keep
        if (onChompKeep)
            onChompKeep();
    }
    else {
        chomp = ''; // clip
    }
    if (end) {
        value = value.slice(0, -end.length);
        if (end[end.length - 1] === '\n')
            end = end.slice(0, -1);
        end = end.replace(blockEndNewlines, `$&${indent}`);
    }
    // determine indent indicator from whitespace at value start
    let startWithSpace = false;
    let startEnd;
    let startNlPos = -1;
    for (startEnd = 0; startEnd < value.length; ++startEnd) {
        const ch = value[startEnd];
        if (ch === ' ')
            startWithSpace = true;
        else if (ch === '\n')
            startNlPos = startEnd;
        else
            break;
    }
    let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
    if (start) {
        value = value.substring(start.length);
        start = start.replace(/\n+/g, `$&${indent}`);
    }
    const indentSize = indent ? '2' : '1'; // root is at -1
    // Leading | or > is added later
    let header = (startWithSpace ? indentSize : '') + chomp;
    if (comment) {
        header += ' ' + commentString(comment.replace(/ ?[\r\n]+/g, ' '));
        if (onComment)
            onComment();
    }
    if (!literal) {
        const foldedValue = value
            .replace(/\n+/g, '\n$&')
            .replace(/(?:^|\n)([\t ].*)(?:([\n\t ]*)\n(?![\n\t ]))?/g, '$1$2') // more-indented lines aren't folded
            //                ^ more-ind. ^ empty     ^ capture next empty lines only at end of indent
            .replace(/\n+/g, `$&${indent}`);
        let literalFallback = false;
        const foldOptions = getFoldOptions(ctx, true);
        if (blockQuote !== 'folded' && type !== Scalar.Scalar.BLOCK_FOLDED) {
            foldOptions.onOverflow = () => {
                literalFallback = true;
            };
        }
        const body = foldFlowLines.foldFlowLines(`${start}${foldedValue}${end}`, indent, foldFlowLines.FOLD_BLOCK, foldOptions);
        if (!literalFallback)
            return `>${header}\n${indent}${body}`;
    }
    value = value.replace(/\n+/g, `$&${indent}`);
    return `|${header}\n${indent}${start}${value}${end}`;
}
function plainString(item, ctx, onComment, onChompKeep) {
    const { type, value } = item;
    const { actualString, implicitKey, indent, indentStep, inFlow } = ctx;
    if ((implicitKey && value.includes('\n')) ||
        (inFlow && /[[\]{},]/.test(value))) {
        return quotedString(value, ctx);
    }
    if (/^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/.test(value)) {
        // not allowed:
        // - '-' or '?'
        // - start with an indicator character (except [?:-]) or /[?-] /
        // - '\n ', ': ' or ' \n' anywhere
        // - '#' not preceded by a non-space char
        // - end with ' ' or ':'
        return implicitKey || inFlow || !value.includes('\n')
            ? quotedString(value, ctx)
            : blockString(item, ctx, onComment, onChompKeep);
    }
    if (!implicitKey &&
        !inFlow &&
        type !== Scalar.Scalar.PLAIN &&
        value.includes('\n')) {
        // Where allowed & type not set explicitly, prefer block style for multiline strings
        return blockString(item, ctx, onComment, onChompKeep);
    }
    if (containsDocumentMarker(value)) {
        if (indent === '') {
            ctx.forceBlockIndent = true;
            return blockString(item, ctx, onComment, onChompKeep);
        }
        else if (implicitKey && indent === indentStep) {
            return quotedString(value, ctx);
        }
    }
    const str = value.replace(/\n+/g, `$&\n${indent}`);
    // Verify that output will be parsed as a string, as e.g. plain numbers and
    // booleans get parsed with those types in v1.2 (e.g. '42', 'true' & '0.9e-3'),
    // and others in v1.1.
    if (actualString) {
        const test = (tag) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test?.test(str);
        const { compat, tags } = ctx.doc.schema;
        if (tags.some(test) || compat?.some(test))
            return quotedString(value, ctx);
    }
    return implicitKey
        ? str
        : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
}
function stringifyString(item, ctx, onComment, onChompKeep) {
    const { implicitKey, inFlow } = ctx;
    const ss = typeof item.value === 'string'
        ? item
        : Object.assign({}, item, { value: String(item.value) });
    let { type } = item;
    if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
        // force double quotes on control characters & unpaired surrogates
        if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u.test(ss.value))
            type = Scalar.Scalar.QUOTE_DOUBLE;
    }
    const _stringify = (_type) => {
        switch (_type) {
            case Scalar.Scalar.BLOCK_FOLDED:
            case Scalar.Scalar.BLOCK_LITERAL:
                return implicitKey || inFlow
                    ? quotedString(ss.value, ctx) // blocks are not valid inside flow containers
                    : blockString(ss, ctx, onComment, onChompKeep);
            case Scalar.Scalar.QUOTE_DOUBLE:
                return doubleQuotedString(ss.value, ctx);
            case Scalar.Scalar.QUOTE_SINGLE:
                return singleQuotedString(ss.value, ctx);
            case Scalar.Scalar.PLAIN:
                return plainString(ss, ctx, onComment, onChompKeep);
            default:
                return null;
        }
    };
    let res = _stringify(type);
    if (res === null) {
        const { defaultKeyType, defaultStringType } = ctx.options;
        const t = (implicitKey && defaultKeyType) || defaultStringType;
        res = _stringify(t);
        if (res === null)
            throw new Error(`Unsupported default string type ${t}`);
    }
    return res;
}

exports.stringifyString = stringifyString;


/***/ }),

/***/ 4190:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1737);

const BREAK = Symbol('break visit');
const SKIP = Symbol('skip children');
const REMOVE = Symbol('remove node');
/**
 * Apply a visitor to an AST node or document.
 *
 * Walks through the tree (depth-first) starting from `node`, calling a
 * `visitor` function with three arguments:
 *   - `key`: For sequence values and map `Pair`, the node's index in the
 *     collection. Within a `Pair`, `'key'` or `'value'`, correspondingly.
 *     `null` for the root node.
 *   - `node`: The current node.
 *   - `path`: The ancestry of the current node.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this node, continue with next
 *     sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current node, then continue with the next one
 *   - `Node`: Replace the current node, then continue by visiting it
 *   - `number`: While iterating the items of a sequence or map, set the index
 *     of the next step. This is useful especially if the index of the current
 *     node has changed.
 *
 * If `visitor` is a single function, it will be called with all values
 * encountered in the tree, including e.g. `null` values. Alternatively,
 * separate visitor functions may be defined for each `Map`, `Pair`, `Seq`,
 * `Alias` and `Scalar` node. To define the same visitor function for more than
 * one node type, use the `Collection` (map and seq), `Value` (map, seq & scalar)
 * and `Node` (alias, map, seq & scalar) targets. Of all these, only the most
 * specific defined one will be used for each node.
 */
function visit(node, visitor) {
    const visitor_ = initVisitor(visitor);
    if (identity.isDocument(node)) {
        const cd = visit_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
            node.contents = null;
    }
    else
        visit_(null, node, visitor_, Object.freeze([]));
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visit.BREAK = BREAK;
/** Do not visit the children of the current node */
visit.SKIP = SKIP;
/** Remove the current node */
visit.REMOVE = REMOVE;
function visit_(key, node, visitor, path) {
    const ctrl = callVisitor(key, node, visitor, path);
    if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visit_(key, ctrl, visitor, path);
    }
    if (typeof ctrl !== 'symbol') {
        if (identity.isCollection(node)) {
            path = Object.freeze(path.concat(node));
            for (let i = 0; i < node.items.length; ++i) {
                const ci = visit_(i, node.items[i], visitor, path);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    node.items.splice(i, 1);
                    i -= 1;
                }
            }
        }
        else if (identity.isPair(node)) {
            path = Object.freeze(path.concat(node));
            const ck = visit_('key', node.key, visitor, path);
            if (ck === BREAK)
                return BREAK;
            else if (ck === REMOVE)
                node.key = null;
            const cv = visit_('value', node.value, visitor, path);
            if (cv === BREAK)
                return BREAK;
            else if (cv === REMOVE)
                node.value = null;
        }
    }
    return ctrl;
}
/**
 * Apply an async visitor to an AST node or document.
 *
 * Walks through the tree (depth-first) starting from `node`, calling a
 * `visitor` function with three arguments:
 *   - `key`: For sequence values and map `Pair`, the node's index in the
 *     collection. Within a `Pair`, `'key'` or `'value'`, correspondingly.
 *     `null` for the root node.
 *   - `node`: The current node.
 *   - `path`: The ancestry of the current node.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `Promise`: Must resolve to one of the following values
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this node, continue with next
 *     sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current node, then continue with the next one
 *   - `Node`: Replace the current node, then continue by visiting it
 *   - `number`: While iterating the items of a sequence or map, set the index
 *     of the next step. This is useful especially if the index of the current
 *     node has changed.
 *
 * If `visitor` is a single function, it will be called with all values
 * encountered in the tree, including e.g. `null` values. Alternatively,
 * separate visitor functions may be defined for each `Map`, `Pair`, `Seq`,
 * `Alias` and `Scalar` node. To define the same visitor function for more than
 * one node type, use the `Collection` (map and seq), `Value` (map, seq & scalar)
 * and `Node` (alias, map, seq & scalar) targets. Of all these, only the most
 * specific defined one will be used for each node.
 */
async function visitAsync(node, visitor) {
    const visitor_ = initVisitor(visitor);
    if (identity.isDocument(node)) {
        const cd = await visitAsync_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
            node.contents = null;
    }
    else
        await visitAsync_(null, node, visitor_, Object.freeze([]));
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visitAsync.BREAK = BREAK;
/** Do not visit the children of the current node */
visitAsync.SKIP = SKIP;
/** Remove the current node */
visitAsync.REMOVE = REMOVE;
async function visitAsync_(key, node, visitor, path) {
    const ctrl = await callVisitor(key, node, visitor, path);
    if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visitAsync_(key, ctrl, visitor, path);
    }
    if (typeof ctrl !== 'symbol') {
        if (identity.isCollection(node)) {
            path = Object.freeze(path.concat(node));
            for (let i = 0; i < node.items.length; ++i) {
                const ci = await visitAsync_(i, node.items[i], visitor, path);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    node.items.splice(i, 1);
                    i -= 1;
                }
            }
        }
        else if (identity.isPair(node)) {
            path = Object.freeze(path.concat(node));
            const ck = await visitAsync_('key', node.key, visitor, path);
            if (ck === BREAK)
                return BREAK;
            else if (ck === REMOVE)
                node.key = null;
            const cv = await visitAsync_('value', node.value, visitor, path);
            if (cv === BREAK)
                return BREAK;
            else if (cv === REMOVE)
                node.value = null;
        }
    }
    return ctrl;
}
function initVisitor(visitor) {
    if (typeof visitor === 'object' &&
        (visitor.Collection || visitor.Node || visitor.Value)) {
        return Object.assign({
            Alias: visitor.Node,
            Map: visitor.Node,
            Scalar: visitor.Node,
            Seq: visitor.Node
        }, visitor.Value && {
            Map: visitor.Value,
            Scalar: visitor.Value,
            Seq: visitor.Value
        }, visitor.Collection && {
            Map: visitor.Collection,
            Seq: visitor.Collection
        }, visitor);
    }
    return visitor;
}
function callVisitor(key, node, visitor, path) {
    if (typeof visitor === 'function')
        return visitor(key, node, path);
    if (identity.isMap(node))
        return visitor.Map?.(key, node, path);
    if (identity.isSeq(node))
        return visitor.Seq?.(key, node, path);
    if (identity.isPair(node))
        return visitor.Pair?.(key, node, path);
    if (identity.isScalar(node))
        return visitor.Scalar?.(key, node, path);
    if (identity.isAlias(node))
        return visitor.Alias?.(key, node, path);
    return undefined;
}
function replaceNode(key, path, node) {
    const parent = path[path.length - 1];
    if (identity.isCollection(parent)) {
        parent.items[key] = node;
    }
    else if (identity.isPair(parent)) {
        if (key === 'key')
            parent.key = node;
        else
            parent.value = node;
    }
    else if (identity.isDocument(parent)) {
        parent.contents = node;
    }
    else {
        const pt = identity.isAlias(parent) ? 'alias' : 'scalar';
        throw new Error(`Cannot replace node with ${pt} parent`);
    }
}

exports.visit = visit;
exports.visitAsync = visitAsync;


/***/ }),

/***/ 4512:
/***/ ((module, __unused_webpack_exports, __nccwpck_require__) => {

/* global module */

/**
 * `undici`, loaded only when used. @actions/core and @actions/http-client import it at start-up for a proxy agent
 * of `fetch` that only Octokit uses (the pull request comment); bundled whole, it would be two thirds of the
 * bundle, and parsing it most of the time before the first request. The build resolves `undici` to this module
 * (tsconfig.json `paths`), which forwards to the real one once `loadUndici()` has loaded it as a chunk of its own;
 * a use before that fails clearly instead of quietly doing without a proxy. CommonJS, so that the bundler keeps it
 * a module of its own (named by its path in the repository) rather than merging it into http-client's.
 */
let real

/** Loads the real undici; call before anything that may use it (Octokit). */
async function loadUndici() {
  real ??= await __nccwpck_require__.e(/* import() */ 734).then(__nccwpck_require__.t.bind(__nccwpck_require__, 734, 19))
}

function loaded() {
  if (!real) throw new Error('undici was used before loadUndici() loaded it')
  return real
}

/** Forwards to undici's ProxyAgent (a constructor that returns the real instance). */
class ProxyAgent {
  constructor(...args) {
    return new (loaded().ProxyAgent)(...args)
  }
}

const fetch = (...args) => loaded().fetch(...args)

module.exports = { loadUndici, ProxyAgent, fetch }


/***/ }),

/***/ 3676:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Yz: () => (/* binding */ core_debug),
  N4: () => (/* binding */ endGroup),
  z3: () => (/* binding */ error),
  V4: () => (/* binding */ getInput),
  Gu: () => (/* binding */ getState),
  pq: () => (/* binding */ info),
  lm: () => (/* binding */ notice),
  C1: () => (/* binding */ setFailed),
  uH: () => (/* binding */ setOutput),
  Pq: () => (/* binding */ core_setSecret),
  Oh: () => (/* binding */ startGroup),
  z: () => (/* reexport */ summary),
  $e: () => (/* binding */ warning)
});

// UNUSED EXPORTS: ExitCode, addPath, exportVariable, getBooleanInput, getIDToken, getMultilineInput, group, isDebug, markdownSummary, platform, saveState, setCommandEcho, toPlatformPath, toPosixPath, toWin32Path

;// CONCATENATED MODULE: external "os"
const external_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");
;// CONCATENATED MODULE: ../node_modules/@actions/core/lib/utils.js
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Sanitizes an input into a string so it can be passed into issueCommand safely
 * @param input input to sanitize into a string
 */
function utils_toCommandValue(input) {
    if (input === null || input === undefined) {
        return '';
    }
    else if (typeof input === 'string' || input instanceof String) {
        return input;
    }
    return JSON.stringify(input);
}
/**
 *
 * @param annotationProperties
 * @returns The command properties to send with the actual annotation command
 * See IssueCommandProperties: https://github.com/actions/runner/blob/main/src/Runner.Worker/ActionCommandManager.cs#L646
 */
function toCommandProperties(annotationProperties) {
    if (!Object.keys(annotationProperties).length) {
        return {};
    }
    return {
        title: annotationProperties.title,
        file: annotationProperties.file,
        line: annotationProperties.startLine,
        endLine: annotationProperties.endLine,
        col: annotationProperties.startColumn,
        endColumn: annotationProperties.endColumn
    };
}
//# sourceMappingURL=utils.js.map
;// CONCATENATED MODULE: ../node_modules/@actions/core/lib/command.js


/**
 * Issues a command to the GitHub Actions runner
 *
 * @param command - The command name to issue
 * @param properties - Additional properties for the command (key-value pairs)
 * @param message - The message to include with the command
 * @remarks
 * This function outputs a specially formatted string to stdout that the Actions
 * runner interprets as a command. These commands can control workflow behavior,
 * set outputs, create annotations, mask values, and more.
 *
 * Command Format:
 *   ::name key=value,key=value::message
 *
 * @example
 * ```typescript
 * // Issue a warning annotation
 * issueCommand('warning', {}, 'This is a warning message');
 * // Output: ::warning::This is a warning message
 *
 * // Set an environment variable
 * issueCommand('set-env', { name: 'MY_VAR' }, 'some value');
 * // Output: ::set-env name=MY_VAR::some value
 *
 * // Add a secret mask
 * issueCommand('add-mask', {}, 'secretValue123');
 * // Output: ::add-mask::secretValue123
 * ```
 *
 * @internal
 * This is an internal utility function that powers the public API functions
 * such as setSecret, warning, error, and exportVariable.
 */
function command_issueCommand(command, properties, message) {
    const cmd = new Command(command, properties, message);
    process.stdout.write(cmd.toString() + external_os_namespaceObject.EOL);
}
function command_issue(name, message = '') {
    command_issueCommand(name, {}, message);
}
const CMD_STRING = '::';
class Command {
    constructor(command, properties, message) {
        if (!command) {
            command = 'missing.command';
        }
        this.command = command;
        this.properties = properties;
        this.message = message;
    }
    toString() {
        let cmdStr = CMD_STRING + this.command;
        if (this.properties && Object.keys(this.properties).length > 0) {
            cmdStr += ' ';
            let first = true;
            for (const key in this.properties) {
                if (this.properties.hasOwnProperty(key)) {
                    const val = this.properties[key];
                    if (val) {
                        if (first) {
                            first = false;
                        }
                        else {
                            cmdStr += ',';
                        }
                        cmdStr += `${key}=${escapeProperty(val)}`;
                    }
                }
            }
        }
        cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
        return cmdStr;
    }
}
function escapeData(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A');
}
function escapeProperty(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A')
        .replace(/:/g, '%3A')
        .replace(/,/g, '%2C');
}
//# sourceMappingURL=command.js.map
;// CONCATENATED MODULE: external "crypto"
const external_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");
;// CONCATENATED MODULE: external "fs"
const external_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");
;// CONCATENATED MODULE: ../node_modules/@actions/core/lib/file-command.js
// For internal use, subject to change.
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */




function file_command_issueFileCommand(command, message) {
    const filePath = process.env[`GITHUB_${command}`];
    if (!filePath) {
        throw new Error(`Unable to find environment variable for file command ${command}`);
    }
    if (!external_fs_namespaceObject.existsSync(filePath)) {
        throw new Error(`Missing file at path: ${filePath}`);
    }
    external_fs_namespaceObject.appendFileSync(filePath, `${utils_toCommandValue(message)}${external_os_namespaceObject.EOL}`, {
        encoding: 'utf8'
    });
}
function file_command_prepareKeyValueMessage(key, value) {
    const delimiter = `ghadelimiter_${external_crypto_namespaceObject.randomUUID()}`;
    const convertedValue = utils_toCommandValue(value);
    // These should realistically never happen, but just in case someone finds a
    // way to exploit uuid generation let's not allow keys or values that contain
    // the delimiter.
    if (key.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (convertedValue.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    return `${key}<<${delimiter}${external_os_namespaceObject.EOL}${convertedValue}${external_os_namespaceObject.EOL}${delimiter}`;
}
//# sourceMappingURL=file-command.js.map
;// CONCATENATED MODULE: external "path"
const external_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");
// EXTERNAL MODULE: ../node_modules/@actions/http-client/lib/index.js + 1 modules
var lib = __nccwpck_require__(8564);
;// CONCATENATED MODULE: ../node_modules/@actions/http-client/lib/auth.js
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
class BasicCredentialHandler {
    constructor(username, password) {
        this.username = username;
        this.password = password;
    }
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class auth_BearerCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Bearer ${this.token}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class PersonalAccessTokenCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`PAT:${this.token}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
//# sourceMappingURL=auth.js.map
;// CONCATENATED MODULE: ../node_modules/@actions/core/lib/oidc-utils.js
var oidc_utils_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



class oidc_utils_OidcClient {
    static createHttpClient(allowRetry = true, maxRetry = 10) {
        const requestOptions = {
            allowRetries: allowRetry,
            maxRetries: maxRetry
        };
        return new HttpClient('actions/oidc-client', [new BearerCredentialHandler(oidc_utils_OidcClient.getRequestToken())], requestOptions);
    }
    static getRequestToken() {
        const token = process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
        if (!token) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable');
        }
        return token;
    }
    static getIDTokenUrl() {
        const runtimeUrl = process.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
        if (!runtimeUrl) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
        }
        return runtimeUrl;
    }
    static getCall(id_token_url) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            var _a;
            const httpclient = oidc_utils_OidcClient.createHttpClient();
            const res = yield httpclient
                .getJson(id_token_url)
                .catch(error => {
                throw new Error(`Failed to get ID Token. \n 
        Error Code : ${error.statusCode}\n 
        Error Message: ${error.message}`);
            });
            const id_token = (_a = res.result) === null || _a === void 0 ? void 0 : _a.value;
            if (!id_token) {
                throw new Error('Response json body do not have ID Token field');
            }
            return id_token;
        });
    }
    static getIDToken(audience) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            try {
                // New ID Token is requested from action service
                let id_token_url = oidc_utils_OidcClient.getIDTokenUrl();
                if (audience) {
                    const encodedAudience = encodeURIComponent(audience);
                    id_token_url = `${id_token_url}&audience=${encodedAudience}`;
                }
                debug(`ID token url is ${id_token_url}`);
                const id_token = yield oidc_utils_OidcClient.getCall(id_token_url);
                setSecret(id_token);
                return id_token;
            }
            catch (error) {
                throw new Error(`Error message: ${error.message}`);
            }
        });
    }
}
//# sourceMappingURL=oidc-utils.js.map
;// CONCATENATED MODULE: ../node_modules/@actions/core/lib/summary.js
var summary_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { access, appendFile, writeFile } = external_fs_namespaceObject.promises;
const SUMMARY_ENV_VAR = 'GITHUB_STEP_SUMMARY';
const SUMMARY_DOCS_URL = 'https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary';
class Summary {
    constructor() {
        this._buffer = '';
    }
    /**
     * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
     * Also checks r/w permissions.
     *
     * @returns step summary file path
     */
    filePath() {
        return summary_awaiter(this, void 0, void 0, function* () {
            if (this._filePath) {
                return this._filePath;
            }
            const pathFromEnv = process.env[SUMMARY_ENV_VAR];
            if (!pathFromEnv) {
                throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
            }
            try {
                yield access(pathFromEnv, external_fs_namespaceObject.constants.R_OK | external_fs_namespaceObject.constants.W_OK);
            }
            catch (_a) {
                throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
            }
            this._filePath = pathFromEnv;
            return this._filePath;
        });
    }
    /**
     * Wraps content in an HTML tag, adding any HTML attributes
     *
     * @param {string} tag HTML tag to wrap
     * @param {string | null} content content within the tag
     * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
     *
     * @returns {string} content wrapped in HTML element
     */
    wrap(tag, content, attrs = {}) {
        const htmlAttrs = Object.entries(attrs)
            .map(([key, value]) => ` ${key}="${value}"`)
            .join('');
        if (!content) {
            return `<${tag}${htmlAttrs}>`;
        }
        return `<${tag}${htmlAttrs}>${content}</${tag}>`;
    }
    /**
     * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
     *
     * @param {SummaryWriteOptions} [options] (optional) options for write operation
     *
     * @returns {Promise<Summary>} summary instance
     */
    write(options) {
        return summary_awaiter(this, void 0, void 0, function* () {
            const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
            const filePath = yield this.filePath();
            const writeFunc = overwrite ? writeFile : appendFile;
            yield writeFunc(filePath, this._buffer, { encoding: 'utf8' });
            return this.emptyBuffer();
        });
    }
    /**
     * Clears the summary buffer and wipes the summary file
     *
     * @returns {Summary} summary instance
     */
    clear() {
        return summary_awaiter(this, void 0, void 0, function* () {
            return this.emptyBuffer().write({ overwrite: true });
        });
    }
    /**
     * Returns the current summary buffer as a string
     *
     * @returns {string} string of summary buffer
     */
    stringify() {
        return this._buffer;
    }
    /**
     * If the summary buffer is empty
     *
     * @returns {boolen} true if the buffer is empty
     */
    isEmptyBuffer() {
        return this._buffer.length === 0;
    }
    /**
     * Resets the summary buffer without writing to summary file
     *
     * @returns {Summary} summary instance
     */
    emptyBuffer() {
        this._buffer = '';
        return this;
    }
    /**
     * Adds raw text to the summary buffer
     *
     * @param {string} text content to add
     * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
     *
     * @returns {Summary} summary instance
     */
    addRaw(text, addEOL = false) {
        this._buffer += text;
        return addEOL ? this.addEOL() : this;
    }
    /**
     * Adds the operating system-specific end-of-line marker to the buffer
     *
     * @returns {Summary} summary instance
     */
    addEOL() {
        return this.addRaw(external_os_namespaceObject.EOL);
    }
    /**
     * Adds an HTML codeblock to the summary buffer
     *
     * @param {string} code content to render within fenced code block
     * @param {string} lang (optional) language to syntax highlight code
     *
     * @returns {Summary} summary instance
     */
    addCodeBlock(code, lang) {
        const attrs = Object.assign({}, (lang && { lang }));
        const element = this.wrap('pre', this.wrap('code', code), attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML list to the summary buffer
     *
     * @param {string[]} items list of items to render
     * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
     *
     * @returns {Summary} summary instance
     */
    addList(items, ordered = false) {
        const tag = ordered ? 'ol' : 'ul';
        const listItems = items.map(item => this.wrap('li', item)).join('');
        const element = this.wrap(tag, listItems);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML table to the summary buffer
     *
     * @param {SummaryTableCell[]} rows table rows
     *
     * @returns {Summary} summary instance
     */
    addTable(rows) {
        const tableBody = rows
            .map(row => {
            const cells = row
                .map(cell => {
                if (typeof cell === 'string') {
                    return this.wrap('td', cell);
                }
                const { header, data, colspan, rowspan } = cell;
                const tag = header ? 'th' : 'td';
                const attrs = Object.assign(Object.assign({}, (colspan && { colspan })), (rowspan && { rowspan }));
                return this.wrap(tag, data, attrs);
            })
                .join('');
            return this.wrap('tr', cells);
        })
            .join('');
        const element = this.wrap('table', tableBody);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds a collapsable HTML details element to the summary buffer
     *
     * @param {string} label text for the closed state
     * @param {string} content collapsable content
     *
     * @returns {Summary} summary instance
     */
    addDetails(label, content) {
        const element = this.wrap('details', this.wrap('summary', label) + content);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML image tag to the summary buffer
     *
     * @param {string} src path to the image you to embed
     * @param {string} alt text description of the image
     * @param {SummaryImageOptions} options (optional) addition image attributes
     *
     * @returns {Summary} summary instance
     */
    addImage(src, alt, options) {
        const { width, height } = options || {};
        const attrs = Object.assign(Object.assign({}, (width && { width })), (height && { height }));
        const element = this.wrap('img', null, Object.assign({ src, alt }, attrs));
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML section heading element
     *
     * @param {string} text heading text
     * @param {number | string} [level=1] (optional) the heading level, default: 1
     *
     * @returns {Summary} summary instance
     */
    addHeading(text, level) {
        const tag = `h${level}`;
        const allowedTag = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].includes(tag)
            ? tag
            : 'h1';
        const element = this.wrap(allowedTag, text);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML thematic break (<hr>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addSeparator() {
        const element = this.wrap('hr', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML line break (<br>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addBreak() {
        const element = this.wrap('br', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML blockquote to the summary buffer
     *
     * @param {string} text quote text
     * @param {string} cite (optional) citation url
     *
     * @returns {Summary} summary instance
     */
    addQuote(text, cite) {
        const attrs = Object.assign({}, (cite && { cite }));
        const element = this.wrap('blockquote', text, attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML anchor tag to the summary buffer
     *
     * @param {string} text link text/content
     * @param {string} href hyperlink
     *
     * @returns {Summary} summary instance
     */
    addLink(text, href) {
        const element = this.wrap('a', text, { href });
        return this.addRaw(element).addEOL();
    }
}
const _summary = new Summary();
/**
 * @deprecated use `core.summary`
 */
const markdownSummary = (/* unused pure expression or super */ null && (_summary));
const summary = _summary;
//# sourceMappingURL=summary.js.map
;// CONCATENATED MODULE: ../node_modules/@actions/core/lib/path-utils.js

/**
 * toPosixPath converts the given path to the posix form. On Windows, \\ will be
 * replaced with /.
 *
 * @param pth. Path to transform.
 * @return string Posix path.
 */
function toPosixPath(pth) {
    return pth.replace(/[\\]/g, '/');
}
/**
 * toWin32Path converts the given path to the win32 form. On Linux, / will be
 * replaced with \\.
 *
 * @param pth. Path to transform.
 * @return string Win32 path.
 */
function toWin32Path(pth) {
    return pth.replace(/[/]/g, '\\');
}
/**
 * toPlatformPath converts the given path to a platform-specific path. It does
 * this by replacing instances of / and \ with the platform-specific path
 * separator.
 *
 * @param pth The path to platformize.
 * @return string The platform-specific path.
 */
function toPlatformPath(pth) {
    return pth.replace(/[/\\]/g, path.sep);
}
//# sourceMappingURL=path-utils.js.map
// EXTERNAL MODULE: external "string_decoder"
var external_string_decoder_ = __nccwpck_require__(3193);
// EXTERNAL MODULE: external "events"
var external_events_ = __nccwpck_require__(4434);
;// CONCATENATED MODULE: external "child_process"
const external_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");
// EXTERNAL MODULE: external "assert"
var external_assert_ = __nccwpck_require__(2613);
;// CONCATENATED MODULE: ../node_modules/@actions/io/lib/io-util.js
var io_util_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { chmod, copyFile, lstat, mkdir, open: io_util_open, readdir, rename, rm, rmdir, stat, symlink, unlink } = external_fs_namespaceObject.promises;
// export const {open} = 'fs'
const IS_WINDOWS = process.platform === 'win32';
/**
 * Custom implementation of readlink to ensure Windows junctions
 * maintain trailing backslash for backward compatibility with Node.js < 24
 *
 * In Node.js 20, Windows junctions (directory symlinks) always returned paths
 * with trailing backslashes. Node.js 24 removed this behavior, which breaks
 * code that relied on this format for path operations.
 *
 * This implementation restores the Node 20 behavior by adding a trailing
 * backslash to all junction results on Windows.
 */
function readlink(fsPath) {
    return io_util_awaiter(this, void 0, void 0, function* () {
        const result = yield fs.promises.readlink(fsPath);
        // On Windows, restore Node 20 behavior: add trailing backslash to all results
        // since junctions on Windows are always directory links
        if (IS_WINDOWS && !result.endsWith('\\')) {
            return `${result}\\`;
        }
        return result;
    });
}
// See https://github.com/nodejs/node/blob/d0153aee367422d0858105abec186da4dff0a0c5/deps/uv/include/uv/win.h#L691
const UV_FS_O_EXLOCK = 0x10000000;
const READONLY = external_fs_namespaceObject.constants.O_RDONLY;
function exists(fsPath) {
    return io_util_awaiter(this, void 0, void 0, function* () {
        try {
            yield stat(fsPath);
        }
        catch (err) {
            if (err.code === 'ENOENT') {
                return false;
            }
            throw err;
        }
        return true;
    });
}
function isDirectory(fsPath_1) {
    return io_util_awaiter(this, arguments, void 0, function* (fsPath, useStat = false) {
        const stats = useStat ? yield stat(fsPath) : yield lstat(fsPath);
        return stats.isDirectory();
    });
}
/**
 * On OSX/Linux, true if path starts with '/'. On Windows, true for paths like:
 * \, \hello, \\hello\share, C:, and C:\hello (and corresponding alternate separator cases).
 */
function isRooted(p) {
    p = normalizeSeparators(p);
    if (!p) {
        throw new Error('isRooted() parameter "p" cannot be empty');
    }
    if (IS_WINDOWS) {
        return (p.startsWith('\\') || /^[A-Z]:/i.test(p) // e.g. \ or \hello or \\hello
        ); // e.g. C: or C:\hello
    }
    return p.startsWith('/');
}
/**
 * Best effort attempt to determine whether a file exists and is executable.
 * @param filePath    file path to check
 * @param extensions  additional file extensions to try
 * @return if file exists and is executable, returns the file path. otherwise empty string.
 */
function tryGetExecutablePath(filePath, extensions) {
    return io_util_awaiter(this, void 0, void 0, function* () {
        let stats = undefined;
        try {
            // test file exists
            stats = yield stat(filePath);
        }
        catch (err) {
            if (err.code !== 'ENOENT') {
                // eslint-disable-next-line no-console
                console.log(`Unexpected error attempting to determine if executable file exists '${filePath}': ${err}`);
            }
        }
        if (stats && stats.isFile()) {
            if (IS_WINDOWS) {
                // on Windows, test for valid extension
                const upperExt = external_path_namespaceObject.extname(filePath).toUpperCase();
                if (extensions.some(validExt => validExt.toUpperCase() === upperExt)) {
                    return filePath;
                }
            }
            else {
                if (isUnixExecutable(stats)) {
                    return filePath;
                }
            }
        }
        // try each extension
        const originalFilePath = filePath;
        for (const extension of extensions) {
            filePath = originalFilePath + extension;
            stats = undefined;
            try {
                stats = yield stat(filePath);
            }
            catch (err) {
                if (err.code !== 'ENOENT') {
                    // eslint-disable-next-line no-console
                    console.log(`Unexpected error attempting to determine if executable file exists '${filePath}': ${err}`);
                }
            }
            if (stats && stats.isFile()) {
                if (IS_WINDOWS) {
                    // preserve the case of the actual file (since an extension was appended)
                    try {
                        const directory = external_path_namespaceObject.dirname(filePath);
                        const upperName = external_path_namespaceObject.basename(filePath).toUpperCase();
                        for (const actualName of yield readdir(directory)) {
                            if (upperName === actualName.toUpperCase()) {
                                filePath = external_path_namespaceObject.join(directory, actualName);
                                break;
                            }
                        }
                    }
                    catch (err) {
                        // eslint-disable-next-line no-console
                        console.log(`Unexpected error attempting to determine the actual case of the file '${filePath}': ${err}`);
                    }
                    return filePath;
                }
                else {
                    if (isUnixExecutable(stats)) {
                        return filePath;
                    }
                }
            }
        }
        return '';
    });
}
function normalizeSeparators(p) {
    p = p || '';
    if (IS_WINDOWS) {
        // convert slashes on Windows
        p = p.replace(/\//g, '\\');
        // remove redundant slashes
        return p.replace(/\\\\+/g, '\\');
    }
    // remove redundant slashes
    return p.replace(/\/\/+/g, '/');
}
// on Mac/Linux, test the execute bit
//     R   W  X  R  W X R W X
//   256 128 64 32 16 8 4 2 1
function isUnixExecutable(stats) {
    return ((stats.mode & 1) > 0 ||
        ((stats.mode & 8) > 0 &&
            process.getgid !== undefined &&
            stats.gid === process.getgid()) ||
        ((stats.mode & 64) > 0 &&
            process.getuid !== undefined &&
            stats.uid === process.getuid()));
}
// Get the path of cmd.exe in windows
function getCmdPath() {
    var _a;
    return (_a = process.env['COMSPEC']) !== null && _a !== void 0 ? _a : `cmd.exe`;
}
//# sourceMappingURL=io-util.js.map
;// CONCATENATED MODULE: ../node_modules/@actions/io/lib/io.js
var io_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



/**
 * Copies a file or folder.
 * Based off of shelljs - https://github.com/shelljs/shelljs/blob/9237f66c52e5daa40458f94f9565e18e8132f5a6/src/cp.js
 *
 * @param     source    source path
 * @param     dest      destination path
 * @param     options   optional. See CopyOptions.
 */
function cp(source_1, dest_1) {
    return io_awaiter(this, arguments, void 0, function* (source, dest, options = {}) {
        const { force, recursive, copySourceDirectory } = readCopyOptions(options);
        const destStat = (yield ioUtil.exists(dest)) ? yield ioUtil.stat(dest) : null;
        // Dest is an existing file, but not forcing
        if (destStat && destStat.isFile() && !force) {
            return;
        }
        // If dest is an existing directory, should copy inside.
        const newDest = destStat && destStat.isDirectory() && copySourceDirectory
            ? path.join(dest, path.basename(source))
            : dest;
        if (!(yield ioUtil.exists(source))) {
            throw new Error(`no such file or directory: ${source}`);
        }
        const sourceStat = yield ioUtil.stat(source);
        if (sourceStat.isDirectory()) {
            if (!recursive) {
                throw new Error(`Failed to copy. ${source} is a directory, but tried to copy without recursive flag.`);
            }
            else {
                yield cpDirRecursive(source, newDest, 0, force);
            }
        }
        else {
            if (path.relative(source, newDest) === '') {
                // a file cannot be copied to itself
                throw new Error(`'${newDest}' and '${source}' are the same file`);
            }
            yield io_copyFile(source, newDest, force);
        }
    });
}
/**
 * Moves a path.
 *
 * @param     source    source path
 * @param     dest      destination path
 * @param     options   optional. See MoveOptions.
 */
function mv(source_1, dest_1) {
    return io_awaiter(this, arguments, void 0, function* (source, dest, options = {}) {
        if (yield ioUtil.exists(dest)) {
            let destExists = true;
            if (yield ioUtil.isDirectory(dest)) {
                // If dest is directory copy src into dest
                dest = path.join(dest, path.basename(source));
                destExists = yield ioUtil.exists(dest);
            }
            if (destExists) {
                if (options.force == null || options.force) {
                    yield rmRF(dest);
                }
                else {
                    throw new Error('Destination already exists');
                }
            }
        }
        yield mkdirP(path.dirname(dest));
        yield ioUtil.rename(source, dest);
    });
}
/**
 * Remove a path recursively with force
 *
 * @param inputPath path to remove
 */
function rmRF(inputPath) {
    return io_awaiter(this, void 0, void 0, function* () {
        if (ioUtil.IS_WINDOWS) {
            // Check for invalid characters
            // https://docs.microsoft.com/en-us/windows/win32/fileio/naming-a-file
            if (/[*"<>|]/.test(inputPath)) {
                throw new Error('File path must not contain `*`, `"`, `<`, `>` or `|` on Windows');
            }
        }
        try {
            // note if path does not exist, error is silent
            yield ioUtil.rm(inputPath, {
                force: true,
                maxRetries: 3,
                recursive: true,
                retryDelay: 300
            });
        }
        catch (err) {
            throw new Error(`File was unable to be removed ${err}`);
        }
    });
}
/**
 * Make a directory.  Creates the full path with folders in between
 * Will throw if it fails
 *
 * @param   fsPath        path to create
 * @returns Promise<void>
 */
function mkdirP(fsPath) {
    return io_awaiter(this, void 0, void 0, function* () {
        ok(fsPath, 'a path argument must be provided');
        yield ioUtil.mkdir(fsPath, { recursive: true });
    });
}
/**
 * Returns path of a tool had the tool actually been invoked.  Resolves via paths.
 * If you check and the tool does not exist, it will throw.
 *
 * @param     tool              name of the tool
 * @param     check             whether to check if tool exists
 * @returns   Promise<string>   path to tool
 */
function which(tool, check) {
    return io_awaiter(this, void 0, void 0, function* () {
        if (!tool) {
            throw new Error("parameter 'tool' is required");
        }
        // recursive when check=true
        if (check) {
            const result = yield which(tool, false);
            if (!result) {
                if (IS_WINDOWS) {
                    throw new Error(`Unable to locate executable file: ${tool}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also verify the file has a valid extension for an executable file.`);
                }
                else {
                    throw new Error(`Unable to locate executable file: ${tool}. Please verify either the file path exists or the file can be found within a directory specified by the PATH environment variable. Also check the file mode to verify the file is executable.`);
                }
            }
            return result;
        }
        const matches = yield findInPath(tool);
        if (matches && matches.length > 0) {
            return matches[0];
        }
        return '';
    });
}
/**
 * Returns a list of all occurrences of the given tool on the system path.
 *
 * @returns   Promise<string[]>  the paths of the tool
 */
function findInPath(tool) {
    return io_awaiter(this, void 0, void 0, function* () {
        if (!tool) {
            throw new Error("parameter 'tool' is required");
        }
        // build the list of extensions to try
        const extensions = [];
        if (IS_WINDOWS && process.env['PATHEXT']) {
            for (const extension of process.env['PATHEXT'].split(external_path_namespaceObject.delimiter)) {
                if (extension) {
                    extensions.push(extension);
                }
            }
        }
        // if it's rooted, return it if exists. otherwise return empty.
        if (isRooted(tool)) {
            const filePath = yield tryGetExecutablePath(tool, extensions);
            if (filePath) {
                return [filePath];
            }
            return [];
        }
        // if any path separators, return empty
        if (tool.includes(external_path_namespaceObject.sep)) {
            return [];
        }
        // build the list of directories
        //
        // Note, technically "where" checks the current directory on Windows. From a toolkit perspective,
        // it feels like we should not do this. Checking the current directory seems like more of a use
        // case of a shell, and the which() function exposed by the toolkit should strive for consistency
        // across platforms.
        const directories = [];
        if (process.env.PATH) {
            for (const p of process.env.PATH.split(external_path_namespaceObject.delimiter)) {
                if (p) {
                    directories.push(p);
                }
            }
        }
        // find all matches
        const matches = [];
        for (const directory of directories) {
            const filePath = yield tryGetExecutablePath(external_path_namespaceObject.join(directory, tool), extensions);
            if (filePath) {
                matches.push(filePath);
            }
        }
        return matches;
    });
}
function readCopyOptions(options) {
    const force = options.force == null ? true : options.force;
    const recursive = Boolean(options.recursive);
    const copySourceDirectory = options.copySourceDirectory == null
        ? true
        : Boolean(options.copySourceDirectory);
    return { force, recursive, copySourceDirectory };
}
function cpDirRecursive(sourceDir, destDir, currentDepth, force) {
    return io_awaiter(this, void 0, void 0, function* () {
        // Ensure there is not a run away recursive copy
        if (currentDepth >= 255)
            return;
        currentDepth++;
        yield mkdirP(destDir);
        const files = yield ioUtil.readdir(sourceDir);
        for (const fileName of files) {
            const srcFile = `${sourceDir}/${fileName}`;
            const destFile = `${destDir}/${fileName}`;
            const srcFileStat = yield ioUtil.lstat(srcFile);
            if (srcFileStat.isDirectory()) {
                // Recurse
                yield cpDirRecursive(srcFile, destFile, currentDepth, force);
            }
            else {
                yield io_copyFile(srcFile, destFile, force);
            }
        }
        // Change the mode for the newly created directory
        yield ioUtil.chmod(destDir, (yield ioUtil.stat(sourceDir)).mode);
    });
}
// Buffered file copy
function io_copyFile(srcFile, destFile, force) {
    return io_awaiter(this, void 0, void 0, function* () {
        if ((yield ioUtil.lstat(srcFile)).isSymbolicLink()) {
            // unlink/re-link it
            try {
                yield ioUtil.lstat(destFile);
                yield ioUtil.unlink(destFile);
            }
            catch (e) {
                // Try to override file permission
                if (e.code === 'EPERM') {
                    yield ioUtil.chmod(destFile, '0666');
                    yield ioUtil.unlink(destFile);
                }
                // other errors = it doesn't exist, no work to do
            }
            // Copy over symlink
            const symlinkFull = yield ioUtil.readlink(srcFile);
            yield ioUtil.symlink(symlinkFull, destFile, ioUtil.IS_WINDOWS ? 'junction' : null);
        }
        else if (!(yield ioUtil.exists(destFile)) || force) {
            yield ioUtil.copyFile(srcFile, destFile);
        }
    });
}
//# sourceMappingURL=io.js.map
;// CONCATENATED MODULE: external "timers"
const external_timers_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");
;// CONCATENATED MODULE: ../node_modules/@actions/exec/lib/toolrunner.js
var toolrunner_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};







/* eslint-disable @typescript-eslint/unbound-method */
const toolrunner_IS_WINDOWS = process.platform === 'win32';
/*
 * Class for running command line tools. Handles quoting and arg parsing in a platform agnostic way.
 */
class ToolRunner extends external_events_.EventEmitter {
    constructor(toolPath, args, options) {
        super();
        if (!toolPath) {
            throw new Error("Parameter 'toolPath' cannot be null or empty.");
        }
        this.toolPath = toolPath;
        this.args = args || [];
        this.options = options || {};
    }
    _debug(message) {
        if (this.options.listeners && this.options.listeners.debug) {
            this.options.listeners.debug(message);
        }
    }
    _getCommandString(options, noPrefix) {
        const toolPath = this._getSpawnFileName();
        const args = this._getSpawnArgs(options);
        let cmd = noPrefix ? '' : '[command]'; // omit prefix when piped to a second tool
        if (toolrunner_IS_WINDOWS) {
            // Windows + cmd file
            if (this._isCmdFile()) {
                cmd += toolPath;
                for (const a of args) {
                    cmd += ` ${a}`;
                }
            }
            // Windows + verbatim
            else if (options.windowsVerbatimArguments) {
                cmd += `"${toolPath}"`;
                for (const a of args) {
                    cmd += ` ${a}`;
                }
            }
            // Windows (regular)
            else {
                cmd += this._windowsQuoteCmdArg(toolPath);
                for (const a of args) {
                    cmd += ` ${this._windowsQuoteCmdArg(a)}`;
                }
            }
        }
        else {
            // OSX/Linux - this can likely be improved with some form of quoting.
            // creating processes on Unix is fundamentally different than Windows.
            // on Unix, execvp() takes an arg array.
            cmd += toolPath;
            for (const a of args) {
                cmd += ` ${a}`;
            }
        }
        return cmd;
    }
    _processLineBuffer(data, strBuffer, onLine) {
        try {
            let s = strBuffer + data.toString();
            let n = s.indexOf(external_os_namespaceObject.EOL);
            while (n > -1) {
                const line = s.substring(0, n);
                onLine(line);
                // the rest of the string ...
                s = s.substring(n + external_os_namespaceObject.EOL.length);
                n = s.indexOf(external_os_namespaceObject.EOL);
            }
            return s;
        }
        catch (err) {
            // streaming lines to console is best effort.  Don't fail a build.
            this._debug(`error processing line. Failed with error ${err}`);
            return '';
        }
    }
    _getSpawnFileName() {
        if (toolrunner_IS_WINDOWS) {
            if (this._isCmdFile()) {
                return process.env['COMSPEC'] || 'cmd.exe';
            }
        }
        return this.toolPath;
    }
    _getSpawnArgs(options) {
        if (toolrunner_IS_WINDOWS) {
            if (this._isCmdFile()) {
                let argline = `/D /S /C "${this._windowsQuoteCmdArg(this.toolPath)}`;
                for (const a of this.args) {
                    argline += ' ';
                    argline += options.windowsVerbatimArguments
                        ? a
                        : this._windowsQuoteCmdArg(a);
                }
                argline += '"';
                return [argline];
            }
        }
        return this.args;
    }
    _endsWith(str, end) {
        return str.endsWith(end);
    }
    _isCmdFile() {
        const upperToolPath = this.toolPath.toUpperCase();
        return (this._endsWith(upperToolPath, '.CMD') ||
            this._endsWith(upperToolPath, '.BAT'));
    }
    _windowsQuoteCmdArg(arg) {
        // for .exe, apply the normal quoting rules that libuv applies
        if (!this._isCmdFile()) {
            return this._uvQuoteCmdArg(arg);
        }
        // otherwise apply quoting rules specific to the cmd.exe command line parser.
        // the libuv rules are generic and are not designed specifically for cmd.exe
        // command line parser.
        //
        // for a detailed description of the cmd.exe command line parser, refer to
        // http://stackoverflow.com/questions/4094699/how-does-the-windows-command-interpreter-cmd-exe-parse-scripts/7970912#7970912
        // need quotes for empty arg
        if (!arg) {
            return '""';
        }
        // determine whether the arg needs to be quoted
        const cmdSpecialChars = [
            ' ',
            '\t',
            '&',
            '(',
            ')',
            '[',
            ']',
            '{',
            '}',
            '^',
            '=',
            ';',
            '!',
            "'",
            '+',
            ',',
            '`',
            '~',
            '|',
            '<',
            '>',
            '"'
        ];
        let needsQuotes = false;
        for (const char of arg) {
            if (cmdSpecialChars.some(x => x === char)) {
                needsQuotes = true;
                break;
            }
        }
        // short-circuit if quotes not needed
        if (!needsQuotes) {
            return arg;
        }
        // the following quoting rules are very similar to the rules that by libuv applies.
        //
        // 1) wrap the string in quotes
        //
        // 2) double-up quotes - i.e. " => ""
        //
        //    this is different from the libuv quoting rules. libuv replaces " with \", which unfortunately
        //    doesn't work well with a cmd.exe command line.
        //
        //    note, replacing " with "" also works well if the arg is passed to a downstream .NET console app.
        //    for example, the command line:
        //          foo.exe "myarg:""my val"""
        //    is parsed by a .NET console app into an arg array:
        //          [ "myarg:\"my val\"" ]
        //    which is the same end result when applying libuv quoting rules. although the actual
        //    command line from libuv quoting rules would look like:
        //          foo.exe "myarg:\"my val\""
        //
        // 3) double-up slashes that precede a quote,
        //    e.g.  hello \world    => "hello \world"
        //          hello\"world    => "hello\\""world"
        //          hello\\"world   => "hello\\\\""world"
        //          hello world\    => "hello world\\"
        //
        //    technically this is not required for a cmd.exe command line, or the batch argument parser.
        //    the reasons for including this as a .cmd quoting rule are:
        //
        //    a) this is optimized for the scenario where the argument is passed from the .cmd file to an
        //       external program. many programs (e.g. .NET console apps) rely on the slash-doubling rule.
        //
        //    b) it's what we've been doing previously (by deferring to node default behavior) and we
        //       haven't heard any complaints about that aspect.
        //
        // note, a weakness of the quoting rules chosen here, is that % is not escaped. in fact, % cannot be
        // escaped when used on the command line directly - even though within a .cmd file % can be escaped
        // by using %%.
        //
        // the saving grace is, on the command line, %var% is left as-is if var is not defined. this contrasts
        // the line parsing rules within a .cmd file, where if var is not defined it is replaced with nothing.
        //
        // one option that was explored was replacing % with ^% - i.e. %var% => ^%var^%. this hack would
        // often work, since it is unlikely that var^ would exist, and the ^ character is removed when the
        // variable is used. the problem, however, is that ^ is not removed when %* is used to pass the args
        // to an external program.
        //
        // an unexplored potential solution for the % escaping problem, is to create a wrapper .cmd file.
        // % can be escaped within a .cmd file.
        let reverse = '"';
        let quoteHit = true;
        for (let i = arg.length; i > 0; i--) {
            // walk the string in reverse
            reverse += arg[i - 1];
            if (quoteHit && arg[i - 1] === '\\') {
                reverse += '\\'; // double the slash
            }
            else if (arg[i - 1] === '"') {
                quoteHit = true;
                reverse += '"'; // double the quote
            }
            else {
                quoteHit = false;
            }
        }
        reverse += '"';
        return reverse.split('').reverse().join('');
    }
    _uvQuoteCmdArg(arg) {
        // Tool runner wraps child_process.spawn() and needs to apply the same quoting as
        // Node in certain cases where the undocumented spawn option windowsVerbatimArguments
        // is used.
        //
        // Since this function is a port of quote_cmd_arg from Node 4.x (technically, lib UV,
        // see https://github.com/nodejs/node/blob/v4.x/deps/uv/src/win/process.c for details),
        // pasting copyright notice from Node within this function:
        //
        //      Copyright Joyent, Inc. and other Node contributors. All rights reserved.
        //
        //      Permission is hereby granted, free of charge, to any person obtaining a copy
        //      of this software and associated documentation files (the "Software"), to
        //      deal in the Software without restriction, including without limitation the
        //      rights to use, copy, modify, merge, publish, distribute, sublicense, and/or
        //      sell copies of the Software, and to permit persons to whom the Software is
        //      furnished to do so, subject to the following conditions:
        //
        //      The above copyright notice and this permission notice shall be included in
        //      all copies or substantial portions of the Software.
        //
        //      THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
        //      IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
        //      FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
        //      AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
        //      LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
        //      FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
        //      IN THE SOFTWARE.
        if (!arg) {
            // Need double quotation for empty argument
            return '""';
        }
        if (!arg.includes(' ') && !arg.includes('\t') && !arg.includes('"')) {
            // No quotation needed
            return arg;
        }
        if (!arg.includes('"') && !arg.includes('\\')) {
            // No embedded double quotes or backslashes, so I can just wrap
            // quote marks around the whole thing.
            return `"${arg}"`;
        }
        // Expected input/output:
        //   input : hello"world
        //   output: "hello\"world"
        //   input : hello""world
        //   output: "hello\"\"world"
        //   input : hello\world
        //   output: hello\world
        //   input : hello\\world
        //   output: hello\\world
        //   input : hello\"world
        //   output: "hello\\\"world"
        //   input : hello\\"world
        //   output: "hello\\\\\"world"
        //   input : hello world\
        //   output: "hello world\\" - note the comment in libuv actually reads "hello world\"
        //                             but it appears the comment is wrong, it should be "hello world\\"
        let reverse = '"';
        let quoteHit = true;
        for (let i = arg.length; i > 0; i--) {
            // walk the string in reverse
            reverse += arg[i - 1];
            if (quoteHit && arg[i - 1] === '\\') {
                reverse += '\\';
            }
            else if (arg[i - 1] === '"') {
                quoteHit = true;
                reverse += '\\';
            }
            else {
                quoteHit = false;
            }
        }
        reverse += '"';
        return reverse.split('').reverse().join('');
    }
    _cloneExecOptions(options) {
        options = options || {};
        const result = {
            cwd: options.cwd || process.cwd(),
            env: options.env || process.env,
            silent: options.silent || false,
            windowsVerbatimArguments: options.windowsVerbatimArguments || false,
            failOnStdErr: options.failOnStdErr || false,
            ignoreReturnCode: options.ignoreReturnCode || false,
            delay: options.delay || 10000
        };
        result.outStream = options.outStream || process.stdout;
        result.errStream = options.errStream || process.stderr;
        return result;
    }
    _getSpawnOptions(options, toolPath) {
        options = options || {};
        const result = {};
        result.cwd = options.cwd;
        result.env = options.env;
        result['windowsVerbatimArguments'] =
            options.windowsVerbatimArguments || this._isCmdFile();
        if (options.windowsVerbatimArguments) {
            result.argv0 = `"${toolPath}"`;
        }
        return result;
    }
    /**
     * Exec a tool.
     * Output will be streamed to the live console.
     * Returns promise with return code
     *
     * @param     tool     path to tool to exec
     * @param     options  optional exec options.  See ExecOptions
     * @returns   number
     */
    exec() {
        return toolrunner_awaiter(this, void 0, void 0, function* () {
            // root the tool path if it is unrooted and contains relative pathing
            if (!isRooted(this.toolPath) &&
                (this.toolPath.includes('/') ||
                    (toolrunner_IS_WINDOWS && this.toolPath.includes('\\')))) {
                // prefer options.cwd if it is specified, however options.cwd may also need to be rooted
                this.toolPath = external_path_namespaceObject.resolve(process.cwd(), this.options.cwd || process.cwd(), this.toolPath);
            }
            // if the tool is only a file name, then resolve it from the PATH
            // otherwise verify it exists (add extension on Windows if necessary)
            this.toolPath = yield which(this.toolPath, true);
            return new Promise((resolve, reject) => toolrunner_awaiter(this, void 0, void 0, function* () {
                this._debug(`exec tool: ${this.toolPath}`);
                this._debug('arguments:');
                for (const arg of this.args) {
                    this._debug(`   ${arg}`);
                }
                const optionsNonNull = this._cloneExecOptions(this.options);
                if (!optionsNonNull.silent && optionsNonNull.outStream) {
                    optionsNonNull.outStream.write(this._getCommandString(optionsNonNull) + external_os_namespaceObject.EOL);
                }
                const state = new ExecState(optionsNonNull, this.toolPath);
                state.on('debug', (message) => {
                    this._debug(message);
                });
                if (this.options.cwd && !(yield exists(this.options.cwd))) {
                    return reject(new Error(`The cwd: ${this.options.cwd} does not exist!`));
                }
                const fileName = this._getSpawnFileName();
                const cp = external_child_process_namespaceObject.spawn(fileName, this._getSpawnArgs(optionsNonNull), this._getSpawnOptions(this.options, fileName));
                let stdbuffer = '';
                if (cp.stdout) {
                    cp.stdout.on('data', (data) => {
                        if (this.options.listeners && this.options.listeners.stdout) {
                            this.options.listeners.stdout(data);
                        }
                        if (!optionsNonNull.silent && optionsNonNull.outStream) {
                            optionsNonNull.outStream.write(data);
                        }
                        stdbuffer = this._processLineBuffer(data, stdbuffer, (line) => {
                            if (this.options.listeners && this.options.listeners.stdline) {
                                this.options.listeners.stdline(line);
                            }
                        });
                    });
                }
                let errbuffer = '';
                if (cp.stderr) {
                    cp.stderr.on('data', (data) => {
                        state.processStderr = true;
                        if (this.options.listeners && this.options.listeners.stderr) {
                            this.options.listeners.stderr(data);
                        }
                        if (!optionsNonNull.silent &&
                            optionsNonNull.errStream &&
                            optionsNonNull.outStream) {
                            const s = optionsNonNull.failOnStdErr
                                ? optionsNonNull.errStream
                                : optionsNonNull.outStream;
                            s.write(data);
                        }
                        errbuffer = this._processLineBuffer(data, errbuffer, (line) => {
                            if (this.options.listeners && this.options.listeners.errline) {
                                this.options.listeners.errline(line);
                            }
                        });
                    });
                }
                cp.on('error', (err) => {
                    state.processError = err.message;
                    state.processExited = true;
                    state.processClosed = true;
                    state.CheckComplete();
                });
                cp.on('exit', (code) => {
                    state.processExitCode = code;
                    state.processExited = true;
                    this._debug(`Exit code ${code} received from tool '${this.toolPath}'`);
                    state.CheckComplete();
                });
                cp.on('close', (code) => {
                    state.processExitCode = code;
                    state.processExited = true;
                    state.processClosed = true;
                    this._debug(`STDIO streams have closed for tool '${this.toolPath}'`);
                    state.CheckComplete();
                });
                state.on('done', (error, exitCode) => {
                    if (stdbuffer.length > 0) {
                        this.emit('stdline', stdbuffer);
                    }
                    if (errbuffer.length > 0) {
                        this.emit('errline', errbuffer);
                    }
                    cp.removeAllListeners();
                    if (error) {
                        reject(error);
                    }
                    else {
                        resolve(exitCode);
                    }
                });
                if (this.options.input) {
                    if (!cp.stdin) {
                        throw new Error('child process missing stdin');
                    }
                    cp.stdin.end(this.options.input);
                }
            }));
        });
    }
}
/**
 * Convert an arg string to an array of args. Handles escaping
 *
 * @param    argString   string of arguments
 * @returns  string[]    array of arguments
 */
function argStringToArray(argString) {
    const args = [];
    let inQuotes = false;
    let escaped = false;
    let arg = '';
    function append(c) {
        // we only escape double quotes.
        if (escaped && c !== '"') {
            arg += '\\';
        }
        arg += c;
        escaped = false;
    }
    for (let i = 0; i < argString.length; i++) {
        const c = argString.charAt(i);
        if (c === '"') {
            if (!escaped) {
                inQuotes = !inQuotes;
            }
            else {
                append(c);
            }
            continue;
        }
        if (c === '\\' && escaped) {
            append(c);
            continue;
        }
        if (c === '\\' && inQuotes) {
            escaped = true;
            continue;
        }
        if (c === ' ' && !inQuotes) {
            if (arg.length > 0) {
                args.push(arg);
                arg = '';
            }
            continue;
        }
        append(c);
    }
    if (arg.length > 0) {
        args.push(arg.trim());
    }
    return args;
}
class ExecState extends external_events_.EventEmitter {
    constructor(options, toolPath) {
        super();
        this.processClosed = false; // tracks whether the process has exited and stdio is closed
        this.processError = '';
        this.processExitCode = 0;
        this.processExited = false; // tracks whether the process has exited
        this.processStderr = false; // tracks whether stderr was written to
        this.delay = 10000; // 10 seconds
        this.done = false;
        this.timeout = null;
        if (!toolPath) {
            throw new Error('toolPath must not be empty');
        }
        this.options = options;
        this.toolPath = toolPath;
        if (options.delay) {
            this.delay = options.delay;
        }
    }
    CheckComplete() {
        if (this.done) {
            return;
        }
        if (this.processClosed) {
            this._setResult();
        }
        else if (this.processExited) {
            this.timeout = (0,external_timers_namespaceObject.setTimeout)(ExecState.HandleTimeout, this.delay, this);
        }
    }
    _debug(message) {
        this.emit('debug', message);
    }
    _setResult() {
        // determine whether there is an error
        let error;
        if (this.processExited) {
            if (this.processError) {
                error = new Error(`There was an error when attempting to execute the process '${this.toolPath}'. This may indicate the process failed to start. Error: ${this.processError}`);
            }
            else if (this.processExitCode !== 0 && !this.options.ignoreReturnCode) {
                error = new Error(`The process '${this.toolPath}' failed with exit code ${this.processExitCode}`);
            }
            else if (this.processStderr && this.options.failOnStdErr) {
                error = new Error(`The process '${this.toolPath}' failed because one or more lines were written to the STDERR stream`);
            }
        }
        // clear the timeout
        if (this.timeout) {
            clearTimeout(this.timeout);
            this.timeout = null;
        }
        this.done = true;
        this.emit('done', error, this.processExitCode);
    }
    static HandleTimeout(state) {
        if (state.done) {
            return;
        }
        if (!state.processClosed && state.processExited) {
            const message = `The STDIO streams did not close within ${state.delay / 1000} seconds of the exit event from process '${state.toolPath}'. This may indicate a child process inherited the STDIO streams and has not yet exited.`;
            state._debug(message);
        }
        state._setResult();
    }
}
//# sourceMappingURL=toolrunner.js.map
;// CONCATENATED MODULE: ../node_modules/@actions/exec/lib/exec.js
var exec_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


/**
 * Exec a command.
 * Output will be streamed to the live console.
 * Returns promise with return code
 *
 * @param     commandLine        command to execute (can include additional args). Must be correctly escaped.
 * @param     args               optional arguments for tool. Escaping is handled by the lib.
 * @param     options            optional exec options.  See ExecOptions
 * @returns   Promise<number>    exit code
 */
function exec_exec(commandLine, args, options) {
    return exec_awaiter(this, void 0, void 0, function* () {
        const commandArgs = tr.argStringToArray(commandLine);
        if (commandArgs.length === 0) {
            throw new Error(`Parameter 'commandLine' cannot be null or empty.`);
        }
        // Path to tool to execute should be first arg
        const toolPath = commandArgs[0];
        args = commandArgs.slice(1).concat(args || []);
        const runner = new tr.ToolRunner(toolPath, args, options);
        return runner.exec();
    });
}
/**
 * Exec a command and get the output.
 * Output will be streamed to the live console.
 * Returns promise with the exit code and collected stdout and stderr
 *
 * @param     commandLine           command to execute (can include additional args). Must be correctly escaped.
 * @param     args                  optional arguments for tool. Escaping is handled by the lib.
 * @param     options               optional exec options.  See ExecOptions
 * @returns   Promise<ExecOutput>   exit code, stdout, and stderr
 */
function getExecOutput(commandLine, args, options) {
    return exec_awaiter(this, void 0, void 0, function* () {
        var _a, _b;
        let stdout = '';
        let stderr = '';
        //Using string decoder covers the case where a mult-byte character is split
        const stdoutDecoder = new StringDecoder('utf8');
        const stderrDecoder = new StringDecoder('utf8');
        const originalStdoutListener = (_a = options === null || options === void 0 ? void 0 : options.listeners) === null || _a === void 0 ? void 0 : _a.stdout;
        const originalStdErrListener = (_b = options === null || options === void 0 ? void 0 : options.listeners) === null || _b === void 0 ? void 0 : _b.stderr;
        const stdErrListener = (data) => {
            stderr += stderrDecoder.write(data);
            if (originalStdErrListener) {
                originalStdErrListener(data);
            }
        };
        const stdOutListener = (data) => {
            stdout += stdoutDecoder.write(data);
            if (originalStdoutListener) {
                originalStdoutListener(data);
            }
        };
        const listeners = Object.assign(Object.assign({}, options === null || options === void 0 ? void 0 : options.listeners), { stdout: stdOutListener, stderr: stdErrListener });
        const exitCode = yield exec_exec(commandLine, args, Object.assign(Object.assign({}, options), { listeners }));
        //flush any remaining characters
        stdout += stdoutDecoder.end();
        stderr += stderrDecoder.end();
        return {
            exitCode,
            stdout,
            stderr
        };
    });
}
//# sourceMappingURL=exec.js.map
;// CONCATENATED MODULE: ../node_modules/@actions/core/lib/platform.js
var platform_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const getWindowsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout: version } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Version"', undefined, {
        silent: true
    });
    const { stdout: name } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Caption"', undefined, {
        silent: true
    });
    return {
        name: name.trim(),
        version: version.trim()
    };
});
const getMacOsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    var _a, _b, _c, _d;
    const { stdout } = yield exec.getExecOutput('sw_vers', undefined, {
        silent: true
    });
    const version = (_b = (_a = stdout.match(/ProductVersion:\s*(.+)/)) === null || _a === void 0 ? void 0 : _a[1]) !== null && _b !== void 0 ? _b : '';
    const name = (_d = (_c = stdout.match(/ProductName:\s*(.+)/)) === null || _c === void 0 ? void 0 : _c[1]) !== null && _d !== void 0 ? _d : '';
    return {
        name,
        version
    };
});
const getLinuxInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout } = yield exec.getExecOutput('lsb_release', ['-i', '-r', '-s'], {
        silent: true
    });
    const [name, version] = stdout.trim().split('\n');
    return {
        name,
        version
    };
});
const platform = external_os_namespaceObject.platform();
const arch = external_os_namespaceObject.arch();
const isWindows = platform === 'win32';
const isMacOS = platform === 'darwin';
const isLinux = platform === 'linux';
function getDetails() {
    return platform_awaiter(this, void 0, void 0, function* () {
        return Object.assign(Object.assign({}, (yield (isWindows
            ? getWindowsInfo()
            : isMacOS
                ? getMacOsInfo()
                : getLinuxInfo()))), { platform,
            arch,
            isWindows,
            isMacOS,
            isLinux });
    });
}
//# sourceMappingURL=platform.js.map
;// CONCATENATED MODULE: ../node_modules/@actions/core/lib/core.js
var core_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};






/**
 * The code to exit an action
 */
var ExitCode;
(function (ExitCode) {
    /**
     * A code indicating that the action was successful
     */
    ExitCode[ExitCode["Success"] = 0] = "Success";
    /**
     * A code indicating that the action was a failure
     */
    ExitCode[ExitCode["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
//-----------------------------------------------------------------------
// Variables
//-----------------------------------------------------------------------
/**
 * Sets env variable for this action and future actions in the job
 * @param name the name of the variable to set
 * @param val the value of the variable. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function exportVariable(name, val) {
    const convertedVal = toCommandValue(val);
    process.env[name] = convertedVal;
    const filePath = process.env['GITHUB_ENV'] || '';
    if (filePath) {
        return issueFileCommand('ENV', prepareKeyValueMessage(name, val));
    }
    issueCommand('set-env', { name }, convertedVal);
}
/**
 * Registers a secret which will get masked from logs
 *
 * @param secret - Value of the secret to be masked
 * @remarks
 * This function instructs the Actions runner to mask the specified value in any
 * logs produced during the workflow run. Once registered, the secret value will
 * be replaced with asterisks (***) whenever it appears in console output, logs,
 * or error messages.
 *
 * This is useful for protecting sensitive information such as:
 * - API keys
 * - Access tokens
 * - Authentication credentials
 * - URL parameters containing signatures (SAS tokens)
 *
 * Note that masking only affects future logs; any previous appearances of the
 * secret in logs before calling this function will remain unmasked.
 *
 * @example
 * ```typescript
 * // Register an API token as a secret
 * const apiToken = "abc123xyz456";
 * setSecret(apiToken);
 *
 * // Now any logs containing this value will show *** instead
 * console.log(`Using token: ${apiToken}`); // Outputs: "Using token: ***"
 * ```
 */
function core_setSecret(secret) {
    command_issueCommand('add-mask', {}, secret);
}
/**
 * Prepends inputPath to the PATH (for this action and future actions)
 * @param inputPath
 */
function addPath(inputPath) {
    const filePath = process.env['GITHUB_PATH'] || '';
    if (filePath) {
        issueFileCommand('PATH', inputPath);
    }
    else {
        issueCommand('add-path', {}, inputPath);
    }
    process.env['PATH'] = `${inputPath}${path.delimiter}${process.env['PATH']}`;
}
/**
 * Gets the value of an input.
 * Unless trimWhitespace is set to false in InputOptions, the value is also trimmed.
 * Returns an empty string if the value is not defined.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string
 */
function getInput(name, options) {
    const val = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    if (options && options.required && !val) {
        throw new Error(`Input required and not supplied: ${name}`);
    }
    if (options && options.trimWhitespace === false) {
        return val;
    }
    return val.trim();
}
/**
 * Gets the values of an multiline input.  Each value is also trimmed.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string[]
 *
 */
function getMultilineInput(name, options) {
    const inputs = getInput(name, options)
        .split('\n')
        .filter(x => x !== '');
    if (options && options.trimWhitespace === false) {
        return inputs;
    }
    return inputs.map(input => input.trim());
}
/**
 * Gets the input value of the boolean type in the YAML 1.2 "core schema" specification.
 * Support boolean input list: `true | True | TRUE | false | False | FALSE` .
 * The return value is also in boolean type.
 * ref: https://yaml.org/spec/1.2/spec.html#id2804923
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   boolean
 */
function getBooleanInput(name, options) {
    const trueValue = ['true', 'True', 'TRUE'];
    const falseValue = ['false', 'False', 'FALSE'];
    const val = getInput(name, options);
    if (trueValue.includes(val))
        return true;
    if (falseValue.includes(val))
        return false;
    throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}\n` +
        `Support boolean input list: \`true | True | TRUE | false | False | FALSE\``);
}
/**
 * Sets the value of an output.
 *
 * @param     name     name of the output to set
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function setOutput(name, value) {
    const filePath = process.env['GITHUB_OUTPUT'] || '';
    if (filePath) {
        return file_command_issueFileCommand('OUTPUT', file_command_prepareKeyValueMessage(name, value));
    }
    process.stdout.write(external_os_namespaceObject.EOL);
    command_issueCommand('set-output', { name }, utils_toCommandValue(value));
}
/**
 * Enables or disables the echoing of commands into stdout for the rest of the step.
 * Echoing is disabled by default if ACTIONS_STEP_DEBUG is not set.
 *
 */
function setCommandEcho(enabled) {
    issue('echo', enabled ? 'on' : 'off');
}
//-----------------------------------------------------------------------
// Results
//-----------------------------------------------------------------------
/**
 * Sets the action status to failed.
 * When the action exits it will be with an exit code of 1
 * @param message add error issue message
 */
function setFailed(message) {
    process.exitCode = ExitCode.Failure;
    error(message);
}
//-----------------------------------------------------------------------
// Logging Commands
//-----------------------------------------------------------------------
/**
 * Gets whether Actions Step Debug is on or not
 */
function isDebug() {
    return process.env['RUNNER_DEBUG'] === '1';
}
/**
 * Writes debug message to user log
 * @param message debug message
 */
function core_debug(message) {
    command_issueCommand('debug', {}, message);
}
/**
 * Adds an error issue
 * @param message error issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function error(message, properties = {}) {
    command_issueCommand('error', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a warning issue
 * @param message warning issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function warning(message, properties = {}) {
    command_issueCommand('warning', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a notice issue
 * @param message notice issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function notice(message, properties = {}) {
    command_issueCommand('notice', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Writes info to log with console.log.
 * @param message info message
 */
function info(message) {
    process.stdout.write(message + external_os_namespaceObject.EOL);
}
/**
 * Begin an output group.
 *
 * Output until the next `groupEnd` will be foldable in this group
 *
 * @param name The name of the output group
 */
function startGroup(name) {
    command_issue('group', name);
}
/**
 * End an output group.
 */
function endGroup() {
    command_issue('endgroup');
}
/**
 * Wrap an asynchronous function call in a group.
 *
 * Returns the same type as the function itself.
 *
 * @param name The name of the group
 * @param fn The function to wrap in the group
 */
function group(name, fn) {
    return core_awaiter(this, void 0, void 0, function* () {
        startGroup(name);
        let result;
        try {
            result = yield fn();
        }
        finally {
            endGroup();
        }
        return result;
    });
}
//-----------------------------------------------------------------------
// Wrapper action state
//-----------------------------------------------------------------------
/**
 * Saves state for current action, the state can only be retrieved by this action's post job execution.
 *
 * @param     name     name of the state to store
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function saveState(name, value) {
    const filePath = process.env['GITHUB_STATE'] || '';
    if (filePath) {
        return issueFileCommand('STATE', prepareKeyValueMessage(name, value));
    }
    issueCommand('save-state', { name }, toCommandValue(value));
}
/**
 * Gets the value of an state set by this action's main execution.
 *
 * @param     name     name of the state to get
 * @returns   string
 */
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
function getIDToken(aud) {
    return core_awaiter(this, void 0, void 0, function* () {
        return yield OidcClient.getIDToken(aud);
    });
}
/**
 * Summary exports
 */

/**
 * @deprecated use core.summary
 */

/**
 * Path exports
 */

/**
 * Platform utilities exports
 */

//# sourceMappingURL=core.js.map

/***/ }),

/***/ 8564:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Qq: () => (/* binding */ HttpClient)
});

// UNUSED EXPORTS: Headers, HttpClientError, HttpClientResponse, HttpCodes, MediaTypes, getProxyUrl, isHttps

// EXTERNAL MODULE: external "http"
var external_http_ = __nccwpck_require__(8611);
var external_http_namespaceObject = /*#__PURE__*/__nccwpck_require__.t(external_http_, 2);
// EXTERNAL MODULE: external "https"
var external_https_ = __nccwpck_require__(5692);
var external_https_namespaceObject = /*#__PURE__*/__nccwpck_require__.t(external_https_, 2);
;// CONCATENATED MODULE: ../node_modules/@actions/http-client/lib/proxy.js
function getProxyUrl(reqUrl) {
    const usingSsl = reqUrl.protocol === 'https:';
    if (checkBypass(reqUrl)) {
        return undefined;
    }
    const proxyVar = (() => {
        if (usingSsl) {
            return process.env['https_proxy'] || process.env['HTTPS_PROXY'];
        }
        else {
            return process.env['http_proxy'] || process.env['HTTP_PROXY'];
        }
    })();
    if (proxyVar) {
        try {
            return new DecodedURL(proxyVar);
        }
        catch (_a) {
            if (!proxyVar.startsWith('http://') && !proxyVar.startsWith('https://'))
                return new DecodedURL(`http://${proxyVar}`);
        }
    }
    else {
        return undefined;
    }
}
function checkBypass(reqUrl) {
    if (!reqUrl.hostname) {
        return false;
    }
    const reqHost = reqUrl.hostname;
    if (isLoopbackAddress(reqHost)) {
        return true;
    }
    const noProxy = process.env['no_proxy'] || process.env['NO_PROXY'] || '';
    if (!noProxy) {
        return false;
    }
    // Determine the request port
    let reqPort;
    if (reqUrl.port) {
        reqPort = Number(reqUrl.port);
    }
    else if (reqUrl.protocol === 'http:') {
        reqPort = 80;
    }
    else if (reqUrl.protocol === 'https:') {
        reqPort = 443;
    }
    // Format the request hostname and hostname with port
    const upperReqHosts = [reqUrl.hostname.toUpperCase()];
    if (typeof reqPort === 'number') {
        upperReqHosts.push(`${upperReqHosts[0]}:${reqPort}`);
    }
    // Compare request host against noproxy
    for (const upperNoProxyItem of noProxy
        .split(',')
        .map(x => x.trim().toUpperCase())
        .filter(x => x)) {
        if (upperNoProxyItem === '*' ||
            upperReqHosts.some(x => x === upperNoProxyItem ||
                x.endsWith(`.${upperNoProxyItem}`) ||
                (upperNoProxyItem.startsWith('.') &&
                    x.endsWith(`${upperNoProxyItem}`)))) {
            return true;
        }
    }
    return false;
}
function isLoopbackAddress(host) {
    const hostLower = host.toLowerCase();
    return (hostLower === 'localhost' ||
        hostLower.startsWith('127.') ||
        hostLower.startsWith('[::1]') ||
        hostLower.startsWith('[0:0:0:0:0:0:0:1]'));
}
class DecodedURL extends URL {
    constructor(url, base) {
        super(url, base);
        this._decodedUsername = decodeURIComponent(super.username);
        this._decodedPassword = decodeURIComponent(super.password);
    }
    get username() {
        return this._decodedUsername;
    }
    get password() {
        return this._decodedPassword;
    }
}
//# sourceMappingURL=proxy.js.map
// EXTERNAL MODULE: ../node_modules/tunnel/index.js
var tunnel = __nccwpck_require__(776);
// EXTERNAL MODULE: ./src/http/undici-lazy.cjs
var undici_lazy = __nccwpck_require__(4512);
;// CONCATENATED MODULE: ../node_modules/@actions/http-client/lib/index.js
/* eslint-disable @typescript-eslint/no-explicit-any */
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};





var HttpCodes;
(function (HttpCodes) {
    HttpCodes[HttpCodes["OK"] = 200] = "OK";
    HttpCodes[HttpCodes["MultipleChoices"] = 300] = "MultipleChoices";
    HttpCodes[HttpCodes["MovedPermanently"] = 301] = "MovedPermanently";
    HttpCodes[HttpCodes["ResourceMoved"] = 302] = "ResourceMoved";
    HttpCodes[HttpCodes["SeeOther"] = 303] = "SeeOther";
    HttpCodes[HttpCodes["NotModified"] = 304] = "NotModified";
    HttpCodes[HttpCodes["UseProxy"] = 305] = "UseProxy";
    HttpCodes[HttpCodes["SwitchProxy"] = 306] = "SwitchProxy";
    HttpCodes[HttpCodes["TemporaryRedirect"] = 307] = "TemporaryRedirect";
    HttpCodes[HttpCodes["PermanentRedirect"] = 308] = "PermanentRedirect";
    HttpCodes[HttpCodes["BadRequest"] = 400] = "BadRequest";
    HttpCodes[HttpCodes["Unauthorized"] = 401] = "Unauthorized";
    HttpCodes[HttpCodes["PaymentRequired"] = 402] = "PaymentRequired";
    HttpCodes[HttpCodes["Forbidden"] = 403] = "Forbidden";
    HttpCodes[HttpCodes["NotFound"] = 404] = "NotFound";
    HttpCodes[HttpCodes["MethodNotAllowed"] = 405] = "MethodNotAllowed";
    HttpCodes[HttpCodes["NotAcceptable"] = 406] = "NotAcceptable";
    HttpCodes[HttpCodes["ProxyAuthenticationRequired"] = 407] = "ProxyAuthenticationRequired";
    HttpCodes[HttpCodes["RequestTimeout"] = 408] = "RequestTimeout";
    HttpCodes[HttpCodes["Conflict"] = 409] = "Conflict";
    HttpCodes[HttpCodes["Gone"] = 410] = "Gone";
    HttpCodes[HttpCodes["TooManyRequests"] = 429] = "TooManyRequests";
    HttpCodes[HttpCodes["InternalServerError"] = 500] = "InternalServerError";
    HttpCodes[HttpCodes["NotImplemented"] = 501] = "NotImplemented";
    HttpCodes[HttpCodes["BadGateway"] = 502] = "BadGateway";
    HttpCodes[HttpCodes["ServiceUnavailable"] = 503] = "ServiceUnavailable";
    HttpCodes[HttpCodes["GatewayTimeout"] = 504] = "GatewayTimeout";
})(HttpCodes || (HttpCodes = {}));
var Headers;
(function (Headers) {
    Headers["Accept"] = "accept";
    Headers["ContentType"] = "content-type";
})(Headers || (Headers = {}));
var MediaTypes;
(function (MediaTypes) {
    MediaTypes["ApplicationJson"] = "application/json";
})(MediaTypes || (MediaTypes = {}));
/**
 * Returns the proxy URL, depending upon the supplied url and proxy environment variables.
 * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
 */
function lib_getProxyUrl(serverUrl) {
    const proxyUrl = pm.getProxyUrl(new URL(serverUrl));
    return proxyUrl ? proxyUrl.href : '';
}
const HttpRedirectCodes = [
    HttpCodes.MovedPermanently,
    HttpCodes.ResourceMoved,
    HttpCodes.SeeOther,
    HttpCodes.TemporaryRedirect,
    HttpCodes.PermanentRedirect
];
const HttpResponseRetryCodes = [
    HttpCodes.BadGateway,
    HttpCodes.ServiceUnavailable,
    HttpCodes.GatewayTimeout
];
const RetryableHttpVerbs = ['OPTIONS', 'GET', 'DELETE', 'HEAD'];
const ExponentialBackoffCeiling = 10;
const ExponentialBackoffTimeSlice = 5;
class HttpClientError extends Error {
    constructor(message, statusCode) {
        super(message);
        this.name = 'HttpClientError';
        this.statusCode = statusCode;
        Object.setPrototypeOf(this, HttpClientError.prototype);
    }
}
class HttpClientResponse {
    constructor(message) {
        this.message = message;
    }
    readBody() {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
                let output = Buffer.alloc(0);
                this.message.on('data', (chunk) => {
                    output = Buffer.concat([output, chunk]);
                });
                this.message.on('end', () => {
                    resolve(output.toString());
                });
            }));
        });
    }
    readBodyBuffer() {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve) => __awaiter(this, void 0, void 0, function* () {
                const chunks = [];
                this.message.on('data', (chunk) => {
                    chunks.push(chunk);
                });
                this.message.on('end', () => {
                    resolve(Buffer.concat(chunks));
                });
            }));
        });
    }
}
function isHttps(requestUrl) {
    const parsedUrl = new URL(requestUrl);
    return parsedUrl.protocol === 'https:';
}
class HttpClient {
    constructor(userAgent, handlers, requestOptions) {
        this._ignoreSslError = false;
        this._allowRedirects = true;
        this._allowRedirectDowngrade = false;
        this._maxRedirects = 50;
        this._allowRetries = false;
        this._maxRetries = 1;
        this._keepAlive = false;
        this._disposed = false;
        this.userAgent = this._getUserAgentWithOrchestrationId(userAgent);
        this.handlers = handlers || [];
        this.requestOptions = requestOptions;
        if (requestOptions) {
            if (requestOptions.ignoreSslError != null) {
                this._ignoreSslError = requestOptions.ignoreSslError;
            }
            this._socketTimeout = requestOptions.socketTimeout;
            if (requestOptions.allowRedirects != null) {
                this._allowRedirects = requestOptions.allowRedirects;
            }
            if (requestOptions.allowRedirectDowngrade != null) {
                this._allowRedirectDowngrade = requestOptions.allowRedirectDowngrade;
            }
            if (requestOptions.maxRedirects != null) {
                this._maxRedirects = Math.max(requestOptions.maxRedirects, 0);
            }
            if (requestOptions.keepAlive != null) {
                this._keepAlive = requestOptions.keepAlive;
            }
            if (requestOptions.allowRetries != null) {
                this._allowRetries = requestOptions.allowRetries;
            }
            if (requestOptions.maxRetries != null) {
                this._maxRetries = requestOptions.maxRetries;
            }
        }
    }
    options(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('OPTIONS', requestUrl, null, additionalHeaders || {});
        });
    }
    get(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('GET', requestUrl, null, additionalHeaders || {});
        });
    }
    del(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('DELETE', requestUrl, null, additionalHeaders || {});
        });
    }
    post(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('POST', requestUrl, data, additionalHeaders || {});
        });
    }
    patch(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('PATCH', requestUrl, data, additionalHeaders || {});
        });
    }
    put(requestUrl, data, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('PUT', requestUrl, data, additionalHeaders || {});
        });
    }
    head(requestUrl, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request('HEAD', requestUrl, null, additionalHeaders || {});
        });
    }
    sendStream(verb, requestUrl, stream, additionalHeaders) {
        return __awaiter(this, void 0, void 0, function* () {
            return this.request(verb, requestUrl, stream, additionalHeaders);
        });
    }
    /**
     * Gets a typed object from an endpoint
     * Be aware that not found returns a null.  Other errors (4xx, 5xx) reject the promise
     */
    getJson(requestUrl_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, additionalHeaders = {}) {
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            const res = yield this.get(requestUrl, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    postJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.post(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    putJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.put(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    patchJson(requestUrl_1, obj_1) {
        return __awaiter(this, arguments, void 0, function* (requestUrl, obj, additionalHeaders = {}) {
            const data = JSON.stringify(obj, null, 2);
            additionalHeaders[Headers.Accept] = this._getExistingOrDefaultHeader(additionalHeaders, Headers.Accept, MediaTypes.ApplicationJson);
            additionalHeaders[Headers.ContentType] =
                this._getExistingOrDefaultContentTypeHeader(additionalHeaders, MediaTypes.ApplicationJson);
            const res = yield this.patch(requestUrl, data, additionalHeaders);
            return this._processResponse(res, this.requestOptions);
        });
    }
    /**
     * Makes a raw http request.
     * All other methods such as get, post, patch, and request ultimately call this.
     * Prefer get, del, post and patch
     */
    request(verb, requestUrl, data, headers) {
        return __awaiter(this, void 0, void 0, function* () {
            if (this._disposed) {
                throw new Error('Client has already been disposed.');
            }
            const parsedUrl = new URL(requestUrl);
            let info = this._prepareRequest(verb, parsedUrl, headers);
            // Only perform retries on reads since writes may not be idempotent.
            const maxTries = this._allowRetries && RetryableHttpVerbs.includes(verb)
                ? this._maxRetries + 1
                : 1;
            let numTries = 0;
            let response;
            do {
                response = yield this.requestRaw(info, data);
                // Check if it's an authentication challenge
                if (response &&
                    response.message &&
                    response.message.statusCode === HttpCodes.Unauthorized) {
                    let authenticationHandler;
                    for (const handler of this.handlers) {
                        if (handler.canHandleAuthentication(response)) {
                            authenticationHandler = handler;
                            break;
                        }
                    }
                    if (authenticationHandler) {
                        return authenticationHandler.handleAuthentication(this, info, data);
                    }
                    else {
                        // We have received an unauthorized response but have no handlers to handle it.
                        // Let the response return to the caller.
                        return response;
                    }
                }
                let redirectsRemaining = this._maxRedirects;
                while (response.message.statusCode &&
                    HttpRedirectCodes.includes(response.message.statusCode) &&
                    this._allowRedirects &&
                    redirectsRemaining > 0) {
                    const redirectUrl = response.message.headers['location'];
                    if (!redirectUrl) {
                        // if there's no location to redirect to, we won't
                        break;
                    }
                    const parsedRedirectUrl = new URL(redirectUrl);
                    if (parsedUrl.protocol === 'https:' &&
                        parsedUrl.protocol !== parsedRedirectUrl.protocol &&
                        !this._allowRedirectDowngrade) {
                        throw new Error('Redirect from HTTPS to HTTP protocol. This downgrade is not allowed for security reasons. If you want to allow this behavior, set the allowRedirectDowngrade option to true.');
                    }
                    // we need to finish reading the response before reassigning response
                    // which will leak the open socket.
                    yield response.readBody();
                    // strip authorization header if redirected to a different hostname
                    if (parsedRedirectUrl.hostname !== parsedUrl.hostname) {
                        for (const header in headers) {
                            // header names are case insensitive
                            if (header.toLowerCase() === 'authorization') {
                                delete headers[header];
                            }
                        }
                    }
                    // let's make the request with the new redirectUrl
                    info = this._prepareRequest(verb, parsedRedirectUrl, headers);
                    response = yield this.requestRaw(info, data);
                    redirectsRemaining--;
                }
                if (!response.message.statusCode ||
                    !HttpResponseRetryCodes.includes(response.message.statusCode)) {
                    // If not a retry code, return immediately instead of retrying
                    return response;
                }
                numTries += 1;
                if (numTries < maxTries) {
                    yield response.readBody();
                    yield this._performExponentialBackoff(numTries);
                }
            } while (numTries < maxTries);
            return response;
        });
    }
    /**
     * Needs to be called if keepAlive is set to true in request options.
     */
    dispose() {
        if (this._agent) {
            this._agent.destroy();
        }
        this._disposed = true;
    }
    /**
     * Raw request.
     * @param info
     * @param data
     */
    requestRaw(info, data) {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve, reject) => {
                function callbackForResult(err, res) {
                    if (err) {
                        reject(err);
                    }
                    else if (!res) {
                        // If `err` is not passed, then `res` must be passed.
                        reject(new Error('Unknown error'));
                    }
                    else {
                        resolve(res);
                    }
                }
                this.requestRawWithCallback(info, data, callbackForResult);
            });
        });
    }
    /**
     * Raw request with callback.
     * @param info
     * @param data
     * @param onResult
     */
    requestRawWithCallback(info, data, onResult) {
        if (typeof data === 'string') {
            if (!info.options.headers) {
                info.options.headers = {};
            }
            info.options.headers['Content-Length'] = Buffer.byteLength(data, 'utf8');
        }
        let callbackCalled = false;
        function handleResult(err, res) {
            if (!callbackCalled) {
                callbackCalled = true;
                onResult(err, res);
            }
        }
        const req = info.httpModule.request(info.options, (msg) => {
            const res = new HttpClientResponse(msg);
            handleResult(undefined, res);
        });
        let socket;
        req.on('socket', sock => {
            socket = sock;
        });
        // If we ever get disconnected, we want the socket to timeout eventually
        req.setTimeout(this._socketTimeout || 3 * 60000, () => {
            if (socket) {
                socket.end();
            }
            handleResult(new Error(`Request timeout: ${info.options.path}`));
        });
        req.on('error', function (err) {
            // err has statusCode property
            // res should have headers
            handleResult(err);
        });
        if (data && typeof data === 'string') {
            req.write(data, 'utf8');
        }
        if (data && typeof data !== 'string') {
            data.on('close', function () {
                req.end();
            });
            data.pipe(req);
        }
        else {
            req.end();
        }
    }
    /**
     * Gets an http agent. This function is useful when you need an http agent that handles
     * routing through a proxy server - depending upon the url and proxy environment variables.
     * @param serverUrl  The server URL where the request will be sent. For example, https://api.github.com
     */
    getAgent(serverUrl) {
        const parsedUrl = new URL(serverUrl);
        return this._getAgent(parsedUrl);
    }
    getAgentDispatcher(serverUrl) {
        const parsedUrl = new URL(serverUrl);
        const proxyUrl = getProxyUrl(parsedUrl);
        const useProxy = proxyUrl && proxyUrl.hostname;
        if (!useProxy) {
            return;
        }
        return this._getProxyAgentDispatcher(parsedUrl, proxyUrl);
    }
    _prepareRequest(method, requestUrl, headers) {
        const info = {};
        info.parsedUrl = requestUrl;
        const usingSsl = info.parsedUrl.protocol === 'https:';
        info.httpModule = usingSsl ? external_https_namespaceObject : external_http_namespaceObject;
        const defaultPort = usingSsl ? 443 : 80;
        info.options = {};
        info.options.host = info.parsedUrl.hostname;
        info.options.port = info.parsedUrl.port
            ? parseInt(info.parsedUrl.port)
            : defaultPort;
        info.options.path =
            (info.parsedUrl.pathname || '') + (info.parsedUrl.search || '');
        info.options.method = method;
        info.options.headers = this._mergeHeaders(headers);
        if (this.userAgent != null) {
            info.options.headers['user-agent'] = this.userAgent;
        }
        info.options.agent = this._getAgent(info.parsedUrl);
        // gives handlers an opportunity to participate
        if (this.handlers) {
            for (const handler of this.handlers) {
                handler.prepareRequest(info.options);
            }
        }
        return info;
    }
    _mergeHeaders(headers) {
        if (this.requestOptions && this.requestOptions.headers) {
            return Object.assign({}, lowercaseKeys(this.requestOptions.headers), lowercaseKeys(headers || {}));
        }
        return lowercaseKeys(headers || {});
    }
    /**
     * Gets an existing header value or returns a default.
     * Handles converting number header values to strings since HTTP headers must be strings.
     * Note: This returns string | string[] since some headers can have multiple values.
     * For headers that must always be a single string (like Content-Type), use the
     * specialized _getExistingOrDefaultContentTypeHeader method instead.
     */
    _getExistingOrDefaultHeader(additionalHeaders, header, _default) {
        let clientHeader;
        if (this.requestOptions && this.requestOptions.headers) {
            const headerValue = lowercaseKeys(this.requestOptions.headers)[header];
            if (headerValue) {
                clientHeader =
                    typeof headerValue === 'number' ? headerValue.toString() : headerValue;
            }
        }
        const additionalValue = additionalHeaders[header];
        if (additionalValue !== undefined) {
            return typeof additionalValue === 'number'
                ? additionalValue.toString()
                : additionalValue;
        }
        if (clientHeader !== undefined) {
            return clientHeader;
        }
        return _default;
    }
    /**
     * Specialized version of _getExistingOrDefaultHeader for Content-Type header.
     * Always returns a single string (not an array) since Content-Type should be a single value.
     * Converts arrays to comma-separated strings and numbers to strings to ensure type safety.
     * This was split from _getExistingOrDefaultHeader to provide stricter typing for callers
     * that assign the result to places expecting a string (e.g., additionalHeaders[Headers.ContentType]).
     */
    _getExistingOrDefaultContentTypeHeader(additionalHeaders, _default) {
        let clientHeader;
        if (this.requestOptions && this.requestOptions.headers) {
            const headerValue = lowercaseKeys(this.requestOptions.headers)[Headers.ContentType];
            if (headerValue) {
                if (typeof headerValue === 'number') {
                    clientHeader = String(headerValue);
                }
                else if (Array.isArray(headerValue)) {
                    clientHeader = headerValue.join(', ');
                }
                else {
                    clientHeader = headerValue;
                }
            }
        }
        const additionalValue = additionalHeaders[Headers.ContentType];
        // Return the first non-undefined value, converting numbers or arrays to strings if necessary
        if (additionalValue !== undefined) {
            if (typeof additionalValue === 'number') {
                return String(additionalValue);
            }
            else if (Array.isArray(additionalValue)) {
                return additionalValue.join(', ');
            }
            else {
                return additionalValue;
            }
        }
        if (clientHeader !== undefined) {
            return clientHeader;
        }
        return _default;
    }
    _getAgent(parsedUrl) {
        let agent;
        const proxyUrl = getProxyUrl(parsedUrl);
        const useProxy = proxyUrl && proxyUrl.hostname;
        if (this._keepAlive && useProxy) {
            agent = this._proxyAgent;
        }
        if (!useProxy) {
            agent = this._agent;
        }
        // if agent is already assigned use that agent.
        if (agent) {
            return agent;
        }
        const usingSsl = parsedUrl.protocol === 'https:';
        let maxSockets = 100;
        if (this.requestOptions) {
            maxSockets = this.requestOptions.maxSockets || external_http_.globalAgent.maxSockets;
        }
        // This is `useProxy` again, but we need to check `proxyURl` directly for TypeScripts's flow analysis.
        if (proxyUrl && proxyUrl.hostname) {
            const agentOptions = {
                maxSockets,
                keepAlive: this._keepAlive,
                proxy: Object.assign(Object.assign({}, ((proxyUrl.username || proxyUrl.password) && {
                    proxyAuth: `${proxyUrl.username}:${proxyUrl.password}`
                })), { host: proxyUrl.hostname, port: proxyUrl.port })
            };
            let tunnelAgent;
            const overHttps = proxyUrl.protocol === 'https:';
            if (usingSsl) {
                tunnelAgent = overHttps ? tunnel.httpsOverHttps : tunnel.httpsOverHttp;
            }
            else {
                tunnelAgent = overHttps ? tunnel.httpOverHttps : tunnel.httpOverHttp;
            }
            agent = tunnelAgent(agentOptions);
            this._proxyAgent = agent;
        }
        // if tunneling agent isn't assigned create a new agent
        if (!agent) {
            const options = { keepAlive: this._keepAlive, maxSockets };
            agent = usingSsl ? new external_https_.Agent(options) : new external_http_.Agent(options);
            this._agent = agent;
        }
        if (usingSsl && this._ignoreSslError) {
            // we don't want to set NODE_TLS_REJECT_UNAUTHORIZED=0 since that will affect request for entire process
            // http.RequestOptions doesn't expose a way to modify RequestOptions.agent.options
            // we have to cast it to any and change it directly
            agent.options = Object.assign(agent.options || {}, {
                rejectUnauthorized: false
            });
        }
        return agent;
    }
    _getProxyAgentDispatcher(parsedUrl, proxyUrl) {
        let proxyAgent;
        if (this._keepAlive) {
            proxyAgent = this._proxyAgentDispatcher;
        }
        // if agent is already assigned use that agent.
        if (proxyAgent) {
            return proxyAgent;
        }
        const usingSsl = parsedUrl.protocol === 'https:';
        proxyAgent = new undici_lazy.ProxyAgent(Object.assign({ uri: proxyUrl.href, pipelining: !this._keepAlive ? 0 : 1 }, ((proxyUrl.username || proxyUrl.password) && {
            token: `Basic ${Buffer.from(`${proxyUrl.username}:${proxyUrl.password}`).toString('base64')}`
        })));
        this._proxyAgentDispatcher = proxyAgent;
        if (usingSsl && this._ignoreSslError) {
            // we don't want to set NODE_TLS_REJECT_UNAUTHORIZED=0 since that will affect request for entire process
            // http.RequestOptions doesn't expose a way to modify RequestOptions.agent.options
            // we have to cast it to any and change it directly
            proxyAgent.options = Object.assign(proxyAgent.options.requestTls || {}, {
                rejectUnauthorized: false
            });
        }
        return proxyAgent;
    }
    _getUserAgentWithOrchestrationId(userAgent) {
        const baseUserAgent = userAgent || 'actions/http-client';
        const orchId = process.env['ACTIONS_ORCHESTRATION_ID'];
        if (orchId) {
            // Sanitize the orchestration ID to ensure it contains only valid characters
            // Valid characters: 0-9, a-z, _, -, .
            const sanitizedId = orchId.replace(/[^a-z0-9_.-]/gi, '_');
            return `${baseUserAgent} actions_orchestration_id/${sanitizedId}`;
        }
        return baseUserAgent;
    }
    _performExponentialBackoff(retryNumber) {
        return __awaiter(this, void 0, void 0, function* () {
            retryNumber = Math.min(ExponentialBackoffCeiling, retryNumber);
            const ms = ExponentialBackoffTimeSlice * Math.pow(2, retryNumber);
            return new Promise(resolve => setTimeout(() => resolve(), ms));
        });
    }
    _processResponse(res, options) {
        return __awaiter(this, void 0, void 0, function* () {
            return new Promise((resolve, reject) => __awaiter(this, void 0, void 0, function* () {
                const statusCode = res.message.statusCode || 0;
                const response = {
                    statusCode,
                    result: null,
                    headers: {}
                };
                // not found leads to null obj returned
                if (statusCode === HttpCodes.NotFound) {
                    resolve(response);
                }
                // get the result from the body
                function dateTimeDeserializer(key, value) {
                    if (typeof value === 'string') {
                        const a = new Date(value);
                        if (!isNaN(a.valueOf())) {
                            return a;
                        }
                    }
                    return value;
                }
                let obj;
                let contents;
                try {
                    contents = yield res.readBody();
                    if (contents && contents.length > 0) {
                        if (options && options.deserializeDates) {
                            obj = JSON.parse(contents, dateTimeDeserializer);
                        }
                        else {
                            obj = JSON.parse(contents);
                        }
                        response.result = obj;
                    }
                    response.headers = res.message.headers;
                }
                catch (err) {
                    // Invalid resource (contents not json);  leaving result obj null
                }
                // note that 3xx redirects are handled by the http layer.
                if (statusCode > 299) {
                    let msg;
                    // if exception/error in body, attempt to get better error
                    if (obj && obj.message) {
                        msg = obj.message;
                    }
                    else if (contents && contents.length > 0) {
                        // it may be the case that the exception is in the body message as string
                        msg = contents;
                    }
                    else {
                        msg = `Failed request: (${statusCode})`;
                    }
                    const err = new HttpClientError(msg, statusCode);
                    err.result = response.result;
                    reject(err);
                }
                else {
                    resolve(response);
                }
            }));
        });
    }
}
const lowercaseKeys = (obj) => Object.keys(obj).reduce((c, k) => ((c[k.toLowerCase()] = obj[k]), c), {});
//# sourceMappingURL=index.js.map

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(9646);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
