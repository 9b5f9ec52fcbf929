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
/* harmony import */ var _post_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(5481);
/* harmony import */ var _shared_secrets_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(7158);
/** Entry point of the post step (runs.post): it can only cancel what the main step saved, never start anything. */




try {
    await (0,_post_js__WEBPACK_IMPORTED_MODULE_2__/* .run */ .e)();
}
catch (error) {
    _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .setFailed */ .C1((0,_shared_log_js__WEBPACK_IMPORTED_MODULE_1__/* .neutralise */ .$0)((0,_shared_secrets_js__WEBPACK_IMPORTED_MODULE_3__/* .redact */ .E)(error instanceof Error ? error.message : String(error))));
}

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 5481:
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
/** White space folded to single spaces, cut to `max` characters with an ellipsis. */
function oneLine(text, max) {
    const folded = text.replace(/\s+/g, ' ').trim();
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
            parts.push(`Details: ${oneLine(exception.details, 500)}`);
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
    const folded = oneLine(text, max);
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
        return new TransportError('refused', `connection refused (${message})`);
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
            const delay = retryDelayMs(failure, n, now, options.random);
            if (now + delay > options.deadline || now + delay - firstFailureAt > options.persistMs)
                throw error;
            const message = options.describe?.(failure, delay, n) ??
                `${options.what} failed (${reason(failure)}); retry ${n + 1} in ${format_formatMs(delay)}`;
            options.onRetry(message, n >= 2);
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
class ApiClient {
    options;
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
            signal: budget.signal,
            onRetry: this.options.onRetry
        });
    }
    async sendWith(token, method, path, options) {
        const headers = {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
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
            signal: options.signal
        });
        const requestId = response.headers['x-trifacta-request-id'] ?? '';
        const answer = { status: response.status, requestId, headers: response.headers };
        const fail = () => new ApiError({ method, path: path.split('?')[0], ...answer, body: response.body, subject: options.subject });
        if (response.status === 304 && options.allow304)
            return { ...answer, data: undefined };
        if (response.status < 200 || response.status >= 300)
            throw fail();
        if (response.body.trim() === '')
            return { ...answer, data: undefined };
        try {
            return { ...answer, data: JSON.parse(response.body) };
        }
        catch {
            throw fail();
        }
    }
}
/** The request timeout, shortened so that no request outlives its budget's deadline (at least 1 s). */
function requestTimeout(requestTimeoutMs, deadline, now) {
    return deadline === undefined ? requestTimeoutMs : Math.min(requestTimeoutMs, Math.max(1000, deadline - now));
}

// EXTERNAL MODULE: ./src/shared/secrets.ts
var secrets = __nccwpck_require__(7158);
;// CONCATENATED MODULE: ./src/runner/state.ts
/**
 * State: the only place that saves or reads what the main step leaves for the post step, through named
 * operations. The post step trusts nothing it reads: anything missing or malformed means "do nothing".
 */


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
    core.saveState(KEY.requestId, redact(options.requestId));
    core.saveState(KEY.kind, ref.kind);
    core.saveState(KEY.runId, String(ref.id));
    core.saveState(KEY.jobId, String(ref.jobGroupIds[0] ?? ref.id));
    core.saveState(KEY.jobIds, ref.jobGroupIds.join(','));
    core.saveState(KEY.triggered, String(options.triggered));
    core.saveState(KEY.waiting, String(options.waiting));
}
/** The main step has dealt with the run's ending: the post step must leave it alone. */
function saveSettled() {
    core.saveState(KEY.settled, 'true');
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
    core.saveState(KEY.accessToken, token);
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
    (0,secrets/* registerSecret */.c)(saved);
    return staticToken(saved || (s.mode === 'refresh-token' ? (s.accessToken ?? '') : ''));
}

// EXTERNAL MODULE: ./src/shared/log.ts
var shared_log = __nccwpck_require__(9509);
;// CONCATENATED MODULE: ./src/run/cancellation.ts

/** The SIGINT → SIGTERM → kill schedule leaves 7.5 s; the cancel request must be sent well within it. */
const SIGINT_CLEANUP_MS = 5_000;
const SIGTERM_CLEANUP_MS = 2_000;
/** After a cancel, the status is read once more for the report, within this long: it only adds a detail. */
const STATUS_AFTER_CANCEL_MS = 5_000;
/**
 * Calls `onStop` once, on the first SIGINT or SIGTERM; later signals are only reported. Returns a function that
 * removes the handlers (so a finished step exits at once).
 */
function onWorkflowCancel(onStop) {
    let stopped = false;
    const handler = (signal) => {
        if (stopped)
            return log.info(`${signal} received again; already stopping.`);
        stopped = true;
        onStop(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
    };
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
    jobIds: 'job-ids',
    flowRunId: 'flow-run-id',
    planRunId: 'plan-run-id',
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
    parseYaml = (await __nccwpck_require__.e(/* import() */ 637).then(__nccwpck_require__.t.bind(__nccwpck_require__, 6637, 19))).parse;
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
    for (const key of ['writesettings', 'writeSettings']) {
        if (key in o)
            checkWriteSettings(`${at}${key}`, o[key], warnings);
    }
    if ('publications' in o)
        checkPublications(`${at}publications`, o.publications, warnings);
    const unknown = Object.keys(o).filter((k) => !KNOWN_OVERRIDE_KEYS.includes(k));
    const misspelt = unknown.flatMap((key) => {
        const known = resembling(key, KNOWN_OVERRIDE_KEYS);
        return known ? [`'${at}${oneLine(key, 40)}' (did you mean '${at}${known}'?)`] : [];
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
        const shown = line ? ` at line ${line}: ${oneLine(text.split(/\r?\n/)[line - 1] ?? '', 80)}` : '';
        const yamlError = oneLine(e.message.split('\n')[0], 200);
        const tried = text.startsWith('{') ? `JSON (${oneLine(jsonError, 120)}) nor YAML` : 'YAML';
        throw new InputError('overrides', `is not valid ${tried} (${yamlError})${shown}.`);
    }
}
/** One line naming at most `MAX_NAMED` unknown keys, each with the known key it is nearest to, if any. */
function unknownKeysWarning(unknown, at) {
    const named = unknown.slice(0, MAX_NAMED).map((key) => {
        const near = closest(key, KNOWN_OVERRIDE_KEYS);
        return `'${at}${oneLine(key, 40)}'${near ? ` (did you mean '${at}${near}'?)` : ''}`;
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

;// CONCATENATED MODULE: ./src/inputs/dry-run-inputs.ts
/** The `dry-run` input's rule for the run target: a dry run may have none only with a refresh token. Pure. */


/** The target when none of recipe-id, flow-id, plan-id and job-id is given, for a dry run: none, or an error. */
function noRunTarget(dry) {
    if (dry.refreshing)
        return { kind: 'none' };
    throw new InputError(INPUT.dryRun, 'needs a run target: give recipe-id, flow-id, plan-id or job-id. Only with refresh-token may it have none: ' +
        'then it only signs in, which renews the refresh token.');
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
    const config = {
        apiUrl,
        apiToken: signIn?.mode === 'static' ? signIn.token : '',
        signIn,
        dryRun,
        ...parseRun(c, { dryRun: dryRun === true, refreshing: signIn?.mode === 'refresh-token' }),
        ...parseWaiting(c),
        failOnJobFailure: c.attempt(() => parseBoolean(INPUT.failOnJobFailure, c.get(INPUT.failOnJobFailure))),
        cancelOnTimeout: c.attempt(() => parseBoolean(INPUT.cancelOnTimeout, c.get(INPUT.cancelOnTimeout))),
        cancelOnWorkflowCancel: c.attempt(() => parseBoolean(INPUT.cancelOnWorkflowCancel, c.get(INPUT.cancelOnWorkflowCancel))),
        appUrl: c.attempt(() => (appUrlText ? parseHttpUrl(INPUT.appUrl, appUrlText) : apiUrl ? deriveAppUrl(apiUrl) : '')),
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
/**
 * Exactly one of recipe-id, flow-id, plan-id and job-id (none only for a dry run with a refresh token);
 * flow-recipes only with flow-id.
 */
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

;// CONCATENATED MODULE: ./src/api/job-groups.ts



const TERMINAL_STATUSES = ['Complete', 'Failed', 'Canceled'];
const RUNNING_STATUSES = (/* unused pure expression or super */ null && (['Created', 'Pending', 'Queued', 'InProgress']));
/** An id from the server that may go into a URL, an output or a cancel: a safe positive integer. */
const isId = (value) => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
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
    /** The job group's status; on a legacy edition without `/status`, the job group's `status` field. */
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
        return Array.isArray(list?.data) ? list.data : [];
    }
    async outputs(jobId, budget) {
        const out = await this.client.read(`/v4/jobGroups/${jobId}/outputs`, budget, { jobId });
        return { files: Array.isArray(out?.files) ? out.files : [], tables: Array.isArray(out?.tables) ? out.tables : [] };
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
        const groups = Array.isArray(response.data?.data) ? response.data.data : [];
        return { groups: groups.filter((g) => isId(g?.id)), serverNow: Number.isFinite(serverNow) ? serverNow : undefined };
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
    const seen = oneLine(JSON.stringify(group?.status) ?? 'nothing', 80);
    throw new TransientError(`neither GET /v4/jobGroups/${jobId}/status nor GET /v4/jobGroups/${jobId} gave a status (got ${seen})`);
}

;// CONCATENATED MODULE: ./src/report/run-parts.ts
/**
 * Runs of several job groups (a flow's outputs, a plan's tasks): their parts, the overall status, and how the
 * report names them. Pure.
 */

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
/** What several job groups wrote, together; undefined when none says. */
function mergeWritten(all) {
    const some = all.filter((w) => w !== undefined);
    if (some.length === 0)
        return undefined;
    return { files: some.flatMap((w) => w.files), tables: some.flatMap((w) => w.tables) };
}
/** An id from an answer: a positive safe integer, else undefined. */
function positive(value) {
    return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
/** A flow's or plan's page in the app: `/flows/{id}` as the app shows flows; `/plans/{id}` by analogy. */
function pageUrl(appUrl, what, id) {
    return `${appUrl}/${what}/${id}`;
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
const MAX_STAGES = 200;
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
function addParts(report, details, appUrl) {
    const { composite } = report;
    if (!composite || !details.parts)
        return;
    Object.assign(composite, { parts: details.parts, startedAt: details.createdAt, finishedAt: details.finishedAt });
    const ids = details.parts.flatMap((p) => (p.jobGroupId === undefined ? [] : [p.jobGroupId]));
    if (ids.length === 0)
        return;
    report.jobGroupIds = ids;
    report.jobId ??= ids[0];
    report.jobUrl ??= `${appUrl}/jobs/${report.jobId}`;
}
/** For a flow or plan: its subject and page, before anything runs. */
function compositeOf({ target, appUrl }) {
    if (target.kind !== 'flow' && target.kind !== 'plan')
        return undefined;
    const url = target.kind === 'flow' ? pageUrl(appUrl, 'flows', target.flowId) : pageUrl(appUrl, 'plans', target.planId);
    return { subject: targetLabel(target), url, jobsUrl: `${appUrl}/jobs`, parts: [] };
}
/** What messages call the run: `flow 7`, `plan 5`, or `job 4100`. Pure. */
function subjectOf(report) {
    return report.composite?.subject ?? `job ${report.jobId}`;
}
/** The link messages give: the flow's or plan's page, else the job's. */
function linkOf(report) {
    return report.composite?.url ?? report.jobUrl;
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
/** The action's outputs for a report. Pure. The refresh token is set by the sign-in alone, as it rotates. */
function reportOutputs(report) {
    return {
        [OUTPUT.jobId]: report.jobId === undefined ? '' : String(report.jobId),
        [OUTPUT.status]: report.status ?? '',
        [OUTPUT.requestId]: report.requestId,
        [OUTPUT.jobUrl]: report.jobUrl ?? '',
        [OUTPUT.durationSeconds]: report.durationMs === undefined ? '' : String(Math.round(report.durationMs / 1000)),
        [OUTPUT.jobs]: JSON.stringify(report.stages.map((s) => ({ id: s.id, type: s.jobType, status: s.status }))),
        [OUTPUT.written]: report.written ? JSON.stringify(boundedWritten(report.written)) : '',
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
    return oneLine((0,secrets/* redact */.E)(text), max).replace(/[&<>"'`|*_[\]\\#~!()$]/g, (c) => `&#${c.charCodeAt(0)};`);
}
function escapeAttr(url) {
    return (0,secrets/* redact */.E)(url).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
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
/** The step summary, as Markdown with HTML tables. Pure. */
function renderSummary(report) {
    const lines = [];
    const subject = report.composite
        ? capitalised(report.composite.subject)
        : report.jobId !== undefined
            ? `Job ${report.jobId}`
            : report.recipeId !== undefined
                ? `Recipe ${report.recipeId}`
                : 'Job';
    lines.push(`### ${subject} ${HEADLINE[report.ending]}`, '');
    if (report.error)
        lines.push(`<p>${escapeText(report.error, 2000)}</p>`, '');
    for (const note of report.notes)
        lines.push(`<p>${escapeText(note, 1000)}</p>`, '');
    lines.push(detailsTable(report), '');
    if (report.composite?.parts.length)
        lines.push(...partsSection(report.composite));
    if (report.stages.length > 0)
        lines.push('#### Stages', '', stagesTable(report.stages), '');
    if (report.stagesOmitted)
        lines.push(`<p>… and ${report.stagesOmitted} more stages, not shown.</p>`, '');
    const written = report.written ? writtenList(report.written) : '';
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
            id === undefined ? '' : `<a href="${escapeAttr(`${run.jobsUrl}/${id}`)}">${id}</a>`,
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
            escapeText(errorText(s.errorMessage))
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
/** A stage's `errorMessage`: a string, or an object carrying one. */
function errorText(value) {
    if (value === undefined || value === null || value === '')
        return '';
    if (typeof value === 'string')
        return value;
    const message = value.message;
    return typeof message === 'string' ? message : JSON.stringify(value);
}
/** The files and tables written, at most `MAX_WRITTEN` of them (the `written` output has them all). */
function writtenList(written) {
    const items = [
        ...written.files.map((f) => `file <code>${escapeText(describeFile(f), 300)}</code>`),
        ...written.tables.map((t) => `table <code>${escapeText(describeTable(t), 300)}</code>`)
    ];
    if (items.length === 0)
        return '';
    const shown = items.slice(0, summary_MAX_WRITTEN).map((i) => `<li>${i}</li>`);
    if (items.length > summary_MAX_WRITTEN)
        shown.push(`<li>… and ${items.length - summary_MAX_WRITTEN} more (see the <code>written</code> output)</li>`);
    return `<ul>\n${shown.join('\n')}\n</ul>`;
}
function describeFile(file) {
    const name = [file.path, file.uri, file.fileUri, file.name].find((v) => typeof v === 'string');
    return typeof name === 'string' ? name : JSON.stringify(file);
}
function describeTable(table) {
    const path = Array.isArray(table.path) ? table.path.join('.') : typeof table.path === 'string' ? table.path : '';
    const name = [table.tableName, table.name].find((v) => typeof v === 'string');
    const full = [path, name].filter(Boolean).join('.');
    return full || JSON.stringify(table);
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
async function writeSummary(report) {
    const markdown = fitSummary(renderSummary(report));
    await appendSummary(markdown);
    return markdown;
}

;// CONCATENATED MODULE: ./src/run/config.ts
/** The step's configuration: secrets masked first, then every input parsed once; invalid inputs fail the step. */








/**
 * The parsed inputs, or undefined (the step failed, nothing sent, the summary says why) when any is invalid.
 * `quiet` (the post step): no annotations, no summary.
 */
async function readConfig(options = {}) {
    for (const name of SECRET_INPUTS)
        (0,secrets/* registerSecret */.c)(lib_core/* getInput */.V4(name));
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
    /** `GET /v4/flowRuns/{id}/status`: a bare JSON string. */
    async flowRunStatus(flowRunId, budget) {
        const status = await this.client.read(`/v4/flowRuns/${flowRunId}/status`, budget);
        if (typeof status !== 'string')
            throw new Error(`GET /v4/flowRuns/${flowRunId}/status answered no status.`);
        return status;
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
        return Array.isArray(list?.data) ? list.data : [];
    }
    planRun(planRunId, budget) {
        return this.client.read(`/v4/planSnapshotRuns/${planRunId}`, budget);
    }
    /** `POST /v4/planSnapshotRuns/{id}/cancel`; `failedToCancelSomeJobs` in the answer is reported. */
    cancelPlanRun(planRunId, budget) {
        return cancelOutcome(() => this.client.postRetrying(`/v4/planSnapshotRuns/${planRunId}/cancel`, {}, budget), (answer) => answer?.failedToCancelSomeJobs === true
            ? 'The server could not cancel some of its jobs (failedToCancelSomeJobs): they may keep running; ' +
                'cancel them in the app if needed.'
            : undefined);
    }
    /** The plan's tasks with their runs (`GET /v4/plans/{id}/full`). */
    async planNodes(planId, budget) {
        const plan = await this.client.read(`/v4/plans/${planId}/full`, budget);
        return Array.isArray(plan?.planNodes) ? plan.planNodes : [];
    }
    start(path, body, subject, options) {
        const headers = { 'x-execution-id': options.executionId };
        const { signal, deadline } = options;
        return this.client.send('POST', path, { body, headers, subject, signal, deadline, allow304: true });
    }
}

;// CONCATENATED MODULE: ./src/targets/job-group-set.ts


class JobGroupSet {
    api;
    /** The last status read of each job group; a terminal one is final, so that job group needs no cancel. */
    seen = new Map();
    constructor(api) {
        this.api = api;
    }
    /** Every job group's status, read a few at a time, combined. */
    async status(ref, budget) {
        const statuses = await inBatches(ref.jobGroupIds, (id) => this.api.status(id, budget));
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
            written
        };
    }
}
/** A job group's reads for the report: itself, its stages, and what it wrote once complete. Failures shorten it. */
async function readJobGroup(api, id, budget, status) {
    const read = await (0,shared_log/* quietly */.gd)(`GET /v4/jobGroups/${id} for the report`, () => api.get(id, budget));
    // A status that is no string (or no status at all) tells nothing: it never reaches the report.
    const group = read && { ...read, status: isStatus(read.status) ? read.status : undefined };
    const stages = (await (0,shared_log/* quietly */.gd)(`GET /v4/jobGroups/${id}/jobs`, () => api.stages(id, budget))) ?? [];
    const written = (status ?? group?.status) === 'Complete'
        ? await (0,shared_log/* quietly */.gd)(`GET /v4/jobGroups/${id}/outputs`, () => api.outputs(id, budget))
        : undefined;
    return { group, stages, written };
}

;// CONCATENATED MODULE: ./src/targets/past-runs.ts

/** At most this many past runs (the most recent) are used; fewer than MIN_RUNS mean no history. */
const MAX_RUNS = 10;
const MIN_RUNS = 3;
/** The spread is at least this share of the centre, and at least SPREAD_FLOOR_MS. */
const SPREAD_FLOOR_SHARE = 0.05;
const SPREAD_FLOOR_MS = 1_000;
/** The median absolute deviation times this estimates the standard deviation of normally spread durations. */
const MAD_TO_SD = 1.4826;
/** Rows asked for per lookup (pages top out near 100), and lookups at most. */
const PAGE_ROWS = 100;
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
    for (let page = 0; page < MAX_LOOKUPS; page++) {
        const query = { ranfor: 'recipe', status: 'Complete', sort: '-createdAt', limit: String(PAGE_ROWS) };
        const offset = page === 0 ? {} : { offset: String(page * PAGE_ROWS) };
        const { groups } = await api.list('/v4/jobLibrary', { ...query, ...offset }, { ...budget, persistMs: 0 });
        for (const group of groups) {
            const run = durationOf(group);
            const mine = durations.get(group.wrangledDataset?.id);
            if (run && mine && !seen.has(group.id))
                mine.push(run);
            seen.add(group.id);
        }
        if (groups.length < PAGE_ROWS || [...durations.values()].every((d) => d.length >= MAX_RUNS))
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
/** The report reads stages and outputs of at most this many job groups. */
const MAX_DETAILED_JOB_GROUPS = 10;
class flow_FlowRun extends JobGroupSet {
    label;
    flows;
    flowId;
    body;
    appUrl;
    /** The flow run's id once its start named it; its own status call is used while that works. */
    flowRunId;
    flowRunStatusWorks = true;
    constructor(api, flowId, body, appUrl) {
        super(api);
        this.flows = new FlowsApi(api.client);
        this.flowId = flowId;
        this.body = body;
        this.appUrl = appUrl;
        this.label = `flow ${flowId}`;
    }
    start(ctx) {
        const page = pageUrl(this.appUrl, 'flows', this.flowId);
        const where = `the job history (${this.appUrl}/jobs) and the flow's page (${page}) for a run of flow ${this.flowId}`;
        const unsettled = { thing: 'flow run', where, stepStartedAt: ctx.stepStartedAt };
        return startOnce(ctx, {
            what: `POST /v4/flows/${this.flowId}/run`,
            unsettled,
            send: () => this.flows.runFlow(this.flowId, this.body, ctx),
            read: (response) => {
                const count = Array.isArray(response.data?.data) ? response.data.data.length : 0;
                if (count <= MAX_JOB_GROUPS)
                    return this.started(response);
                const what = `the server named ${count} job groups, more than the ${MAX_JOB_GROUPS} this action follows`;
                throw mayHaveStarted(unsettled, what, response.requestId);
            }
        });
    }
    async status(ref, budget) {
        if (this.ownRun(ref) && this.flowRunStatusWorks) {
            try {
                const status = await this.flows.flowRunStatus(ref.id, budget);
                if (!isTerminal(status))
                    return status;
            }
            catch (error) {
                if (!(error instanceof ApiError && error.status === 404))
                    throw error;
                this.flowRunStatusWorks = false;
                shared_log/* log */.Rm.info(`GET /v4/flowRuns/${ref.id}/status is not available (404); reading the status of each job group from now on.`);
            }
        }
        return super.status(ref, budget);
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
        const data = Array.isArray(response.data?.data) ? response.data.data : [];
        const ids = data.map((item) => positive(item?.id));
        if (ids.length === 0 || ids.some((id) => id === undefined))
            return undefined;
        const jobGroupIds = ids;
        this.flowRunId = positive(response.data?.flowRunId) ?? positive(data[0]?.flowRun?.id);
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

class job_group_AttachedJobGroup extends JobGroupRun {
    label;
    jobId;
    constructor(api, jobId) {
        super(api);
        this.jobId = jobId;
        this.label = `job group ${jobId}`;
    }
    start() {
        return Promise.resolve({
            ref: { kind: 'job-group', id: this.jobId, jobGroupIds: [this.jobId] },
            requestId: '',
            adopted: false,
            attached: true
        });
    }
}

;// CONCATENATED MODULE: ./src/targets/plan.ts







class plan_PlanRun {
    label;
    api;
    flows;
    /** Undefined in the post step, which only cancels the run and reads its own status. */
    planId;
    appUrl;
    constructor(api, planId, appUrl) {
        this.api = api;
        this.flows = new FlowsApi(api.client);
        this.planId = planId;
        this.appUrl = appUrl;
        this.label = `plan ${planId}`;
    }
    start(ctx) {
        const planId = this.planId;
        return startOnce(ctx, {
            what: `POST /v4/plans/${planId}/run`,
            unsettled: {
                thing: 'plan run',
                where: `the runs of plan ${planId} (${pageUrl(this.appUrl, 'plans', planId)}) for a run`,
                stepStartedAt: ctx.stepStartedAt
            },
            send: () => this.flows.runPlan(planId, ctx),
            read: (response) => this.started(planId, response)
        });
    }
    /** The plan run's status; once it ended, combined with its job groups' where the plan's tasks can be read. */
    async status(ref, budget) {
        const run = await this.flows.planRun(ref.id, budget);
        if (typeof run?.status !== 'string')
            throw new Error(`GET /v4/planSnapshotRuns/${ref.id} answered no status.`);
        if (!isTerminal(run.status))
            return run.status;
        const parts = (await (0,shared_log/* quietly */.gd)("Reading the plan's tasks", () => this.parts(ref, budget))) ?? [];
        return overallStatus([run.status, ...parts.map((p) => p.status).filter(isTerminal)]);
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
        const parts = (await (0,shared_log/* quietly */.gd)("Reading the plan's tasks", () => this.parts(ref, budget))) ?? [];
        const ids = parts.flatMap((p) => (p.jobGroupId === undefined ? [] : [p.jobGroupId]));
        const reads = await Promise.all(ids.slice(0, MAX_DETAILED_JOB_GROUPS).map((id) => readJobGroup(this.api, id, budget)));
        const read = (id) => {
            const group = id === undefined ? undefined : reads[ids.indexOf(id)]?.group;
            return group ? partOf(group) : undefined;
        };
        return {
            status: run?.status,
            createdAt: plan_epochMs(run?.startedAt),
            finishedAt: plan_epochMs(run?.finishedAt),
            stages: reads.flatMap((r) => r.stages),
            written: mergeWritten(reads.map((r) => r.written)),
            parts: parts.map((p) => ({ ...p, ...read(p.jobGroupId), task: p.task }))
        };
    }
    /** The plan's tasks with this run's job groups; a task without one is a part of its own. */
    async parts(ref, budget) {
        if (this.planId === undefined)
            return [];
        return planParts(await this.flows.planNodes(this.planId, budget), ref.id);
    }
    started(planId, response) {
        const id = positive(response.data?.planSnapshotRunId);
        if (response.data?.validationStatus === 'MissingFlowReferences') {
            throw new Error(`Plan ${planId} cannot run: the server answered validationStatus MissingFlowReferences, so the plan refers ` +
                `to a flow that was deleted or is not shared with the token's user, and nothing useful runs` +
                `${id ? ` (plan run ${id})` : ''}. Fix the plan's flow tasks or share their flows with that user: ` +
                `${pageUrl(this.appUrl, 'plans', planId)}.${response.requestId ? ` Request id: ${response.requestId}.` : ''}`);
        }
        if (id === undefined)
            return undefined;
        return {
            ref: { kind: 'plan', id, jobGroupIds: [] },
            requestId: response.requestId,
            adopted: false,
            attached: false,
            planRunId: id
        };
    }
}
/** Each task's job groups in this plan run, in task order. Pure. */
function planParts(nodes, planRunId) {
    return nodes.flatMap((node, i) => {
        const task = typeof node?.name === 'string' ? node.name : `task ${i + 1}`;
        const runs = Array.isArray(node?.planTaskSnapshotRuns) ? node.planTaskSnapshotRuns : [];
        const results = runs.find((r) => r?.planSnapshotRun?.id === planRunId)?.planFlowTaskRunResults;
        const groups = (Array.isArray(results) ? results : []).flatMap((r) => {
            const id = positive(r?.jobGroup?.id);
            return id === undefined ? [] : [{ task, jobGroupId: id, status: r.jobGroup?.status }];
        });
        return groups.length > 0 ? groups : [{ task }];
    });
}
function plan_epochMs(text) {
    const t = Date.parse(text ?? '');
    return Number.isFinite(t) ? t : undefined;
}

;// CONCATENATED MODULE: ./src/targets/job-history.ts
/**
 * The job history, asked when a start's outcome is unknown: did this step's send create a job group? Only a job
 * group that is certainly this step's own is adopted: exactly one of this recipe, created between the first send
 * and now. Several mean another run started the same recipe meanwhile; then nothing is guessed and nothing is
 * sent again. Tries `GET /v4/jobLibrary`, then the older `GET /v4/jobGroups`.
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
const MAX_LISTED = 10;
/**
 * The job group this step created, if the history shows exactly one of this recipe created since the first send;
 * undefined if it shows none. Throws `TriggerUnsettledError` when there are several, or the history cannot be read.
 */
async function findOwnJobGroup(history, context, cause) {
    const { ctx } = history;
    const requestId = cause instanceof ApiError ? cause.requestId : '';
    let candidates = [];
    // A history that lags shows nothing yet: it is asked again a little later before "nothing" is believed.
    for (const wait of RECHECKS_MS) {
        if (wait > 0)
            await ctx.clock.sleep(wait, ctx.signal);
        const page = await readHistory(history, context, requestId);
        const offset = page.serverNow === undefined ? undefined : page.serverNow - page.readAt;
        const trusted = offset !== undefined && Math.abs(offset) <= MAX_TRUSTED_OFFSET_MS;
        const since = history.firstSentAt + (trusted ? offset - SKEW_MARGIN_MS : -UNKNOWN_SKEW_MS);
        candidates = page.groups.filter((g) => g.wrangledDataset?.id === history.recipeId && createdMs(g) >= since);
        if (candidates.length > 0)
            break;
    }
    if (candidates.length <= 1)
        return candidates[0];
    const listed = candidates
        .slice(0, MAX_LISTED)
        .map((g) => `${g.id} (${history.historyUrl}/${g.id})`)
        .join(', ');
    ctx.log.debug(`Job groups of recipe ${history.recipeId} created since the first send: ${listed}`);
    throw unsettled(history, `${context}, and the job history shows ${candidates.length} job groups of recipe ${history.recipeId} created ` +
        `since then, so another run may have started the same recipe: ${listed}. None is adopted or cancelled`, requestId);
}
async function readHistory(history, context, requestId) {
    const { ctx } = history;
    const deadline = Math.min(ctx.deadline, ctx.clock.now() + LOOKUP_BUDGET_MS);
    const budget = { deadline, persistMs: LOOKUP_BUDGET_MS, signal: ctx.signal };
    const query = { limit: '100', sort: '-createdAt', ranfor: 'recipe' };
    const since = String(history.firstSentAt - UNKNOWN_SKEW_MS);
    let lastError;
    for (const [endpoint, extra] of [
        ['/v4/jobLibrary', { 'dateFilter[createdAt][gte]': since }],
        ['/v4/jobGroups', {}]
    ]) {
        try {
            const page = await history.api.list(endpoint, { ...query, ...extra }, budget);
            return { ...page, readAt: ctx.clock.now() };
        }
        catch (error) {
            lastError = error;
            ctx.log.debug(`Looking up job groups with GET ${endpoint} failed: ${error.message}`);
        }
    }
    const why = lastError instanceof ApiError ? reason(lastError) : lastError.message;
    throw unsettled(history, `${context}, and the job history could not be read to check (${why})`, requestId);
}
function createdMs(group) {
    const t = Date.parse(group.createdAt ?? '');
    return Number.isNaN(t) ? -Infinity : t;
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
            return new RecipeRun(api, target.recipeId, body, `${config.appUrl}/jobs`);
        }
        case 'job':
            return new AttachedJobGroup(api, target.jobId);
        case 'flow': {
            const body = buildRunFlowRequest(target.recipeIds, config.overrides, config.runParameters);
            return new FlowRun(api, target.flowId, body, config.appUrl);
        }
        case 'plan':
            return new PlanRun(api, target.planId, config.appUrl);
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
            return new plan_PlanRun(api, undefined, '');
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
            .then((res) => readBody(res.message, what))
            .then(({ message, body }) => finish(undefined, { status: message.statusCode ?? 0, headers: flatHeaders(message), body }))
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
function readBody(message, what) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        const status = message.statusCode;
        message.on('data', (chunk) => {
            size += chunk.length;
            if (size <= MAX_BODY_BYTES)
                return void chunks.push(chunk);
            const large = `the answer to ${what} (HTTP ${status}) is larger than 8 MiB; it was not read`;
            // Rejected before the destroy, whose 'aborted' would otherwise call it cut short.
            reject(new TransportError('too-large', large, status));
            message.destroy();
        });
        message.on('end', () => resolve({ message, body: Buffer.concat(chunks).toString('utf8') }));
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
    const jobUrl = jobId === undefined ? undefined : `${config.appUrl}/jobs/${jobId}`;
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
    warning: (message, annotation = {}) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .warning */ .$e(safe(message), clean(annotation)),
    error: (message, annotation = {}) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .error */ .z3(safe(message), clean(annotation)),
    startGroup: (name) => _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .startGroup */ .Oh((0,_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E)(name)),
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
const safe = (text) => neutralise((0,_secrets_js__WEBPACK_IMPORTED_MODULE_1__/* .redact */ .E)(text));
function clean(annotation) {
    return annotation.title ? { title: safe(annotation.title) } : {};
}


/***/ }),

/***/ 7158:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   E: () => (/* binding */ redact),
/* harmony export */   c: () => (/* binding */ registerSecret)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3676);
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
/** `text` with every registered secret replaced by `***`. */
function redact(text) {
    let out = text;
    for (const secret of secrets)
        out = out.split(secret).join('***');
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
  C1: () => (/* binding */ setFailed),
  Pq: () => (/* binding */ core_setSecret),
  Oh: () => (/* binding */ startGroup),
  z: () => (/* reexport */ summary),
  $e: () => (/* binding */ warning)
});

// UNUSED EXPORTS: ExitCode, addPath, exportVariable, getBooleanInput, getIDToken, getMultilineInput, group, isDebug, markdownSummary, notice, platform, saveState, setCommandEcho, setOutput, toPlatformPath, toPosixPath, toWin32Path

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
function utils_toCommandProperties(annotationProperties) {
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
    if (!fs.existsSync(filePath)) {
        throw new Error(`Missing file at path: ${filePath}`);
    }
    fs.appendFileSync(filePath, `${toCommandValue(message)}${os.EOL}`, {
        encoding: 'utf8'
    });
}
function file_command_prepareKeyValueMessage(key, value) {
    const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
    const convertedValue = toCommandValue(value);
    // These should realistically never happen, but just in case someone finds a
    // way to exploit uuid generation let's not allow keys or values that contain
    // the delimiter.
    if (key.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (convertedValue.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    return `${key}<<${delimiter}${os.EOL}${convertedValue}${os.EOL}${delimiter}`;
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
        return issueFileCommand('OUTPUT', prepareKeyValueMessage(name, value));
    }
    process.stdout.write(os.EOL);
    issueCommand('set-output', { name }, toCommandValue(value));
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
    command_issueCommand('error', utils_toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a warning issue
 * @param message warning issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function warning(message, properties = {}) {
    command_issueCommand('warning', utils_toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a notice issue
 * @param message notice issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function notice(message, properties = {}) {
    issueCommand('notice', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
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
