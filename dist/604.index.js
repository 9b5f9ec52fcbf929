export const id = 604;
export const ids = [604];
export const modules = {

/***/ 9604:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   commentOnPullRequest: () => (/* binding */ commentOnPullRequest)
/* harmony export */ });
/* unused harmony exports fitComment, commentMarker */
/* harmony import */ var _inputs_inputs_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6329);
/* harmony import */ var _shared_log_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(9509);
/* harmony import */ var _shared_secrets_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7158);
/* harmony import */ var _http_undici_lazy_cjs__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(4512);
/* harmony import */ var _http_undici_lazy_cjs__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__webpack_require__.n(_http_undici_lazy_cjs__WEBPACK_IMPORTED_MODULE_3__);
/**
 * Pull request comment (opt-in): one comment per pull request, workflow job and recipe, found again by a hidden
 * marker and updated in place on re-runs. Loaded only when `comment-on-pr` is true, so ordinary runs do not pay
 * for Octokit. Works on GitHub Enterprise Server (`GITHUB_API_URL`). A failure is a warning, never a failed step.
 */




/** GitHub's limit on the length of a comment body. */
const MAX_COMMENT_CHARS = 65_536;
/** All calls to the GitHub API together get this long. */
const GITHUB_BUDGET_MS = 60_000;
/** The comment body within GitHub's limit: the marker, the summary cut at a line end if needed, and a pointer. Pure. */
function fitComment(marker, summary, runUrl, max = MAX_COMMENT_CHARS) {
    const full = `${marker}\n${summary}`;
    if (full.length <= max)
        return full;
    const where = runUrl ? ` of <a href="${runUrl}">the workflow run</a>` : '';
    const tail = `\n\n<p>… cut to fit GitHub's comment limit; the full report is in the step summary${where}.</p>\n`;
    const room = max - marker.length - 1 - tail.length;
    const cut = summary.lastIndexOf('\n', room);
    return `${marker}\n${summary.slice(0, cut > 0 ? cut : room)}${tail}`;
}
/** The hidden marker that identifies this step's comment. Pure. */
function commentMarker(workflow, job, target) {
    const clean = (s) => s.replace(/[^A-Za-z0-9_.:/ -]/g, '_');
    return `<!-- trifacta-run-job-action workflow="${clean(workflow)}" job="${clean(job)}" target="${clean(target)}" -->`;
}
async function commentOnPullRequest(config, report, summary) {
    try {
        await (0,_http_undici_lazy_cjs__WEBPACK_IMPORTED_MODULE_3__.loadUndici)();
        const github = await __webpack_require__.e(/* import() */ 75).then(__webpack_require__.bind(__webpack_require__, 1075));
        const { context } = github;
        const pull = context.payload.pull_request;
        if (!pull || !['pull_request', 'pull_request_target'].includes(context.eventName)) {
            _shared_log_js__WEBPACK_IMPORTED_MODULE_1__/* .log */ .Rm.info(`comment-on-pr: this is a '${context.eventName}' event, not a pull request; no comment written.`);
            return;
        }
        const marker = commentMarker(context.workflow, context.job, (0,_inputs_inputs_js__WEBPACK_IMPORTED_MODULE_0__/* .targetLabel */ .Op)(config.target));
        const body = fitComment(marker, (0,_shared_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .redact */ .E)(summary), report.runUrl);
        const octokit = github.getOctokit(config.githubToken);
        // Octokit has no timeout of its own, and paginate() drops per-call options: a hook bounds every request.
        const signal = AbortSignal.timeout(GITHUB_BUDGET_MS);
        octokit.hook.before('request', (options) => {
            options.request = { ...options.request, signal };
        });
        const { owner, repo } = context.repo;
        const comments = await octokit.paginate(octokit.rest.issues.listComments, {
            owner,
            repo,
            issue_number: pull.number,
            per_page: 100
        });
        const mine = comments.find((c) => c.body?.startsWith(marker));
        if (mine) {
            await octokit.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
            _shared_log_js__WEBPACK_IMPORTED_MODULE_1__/* .log */ .Rm.info(`Updated the comment on pull request #${pull.number}: ${mine.html_url}`);
        }
        else {
            const created = await octokit.rest.issues.createComment({ owner, repo, issue_number: pull.number, body });
            _shared_log_js__WEBPACK_IMPORTED_MODULE_1__/* .log */ .Rm.info(`Commented on pull request #${pull.number}: ${created.data.html_url}`);
        }
    }
    catch (error) {
        const status = error.response
            ? error.status
            : undefined;
        const hint = status === 403 || status === 404
            ? ' Give the workflow `permissions: pull-requests: write` (or pass a github-token that has it).'
            : '';
        _shared_log_js__WEBPACK_IMPORTED_MODULE_1__/* .log */ .Rm.warning(`Could not comment on the pull request${status ? ` (HTTP ${status})` : ''}: ${error.message}.${hint}`, { title: 'PR comment' });
    }
}


/***/ })

};
