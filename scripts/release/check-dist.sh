#!/usr/bin/env bash
# Release check: dist/ is exactly what `npm run bundle` builds from the tagged sources, so the tag's users run the
# code it names. Run after `npm ci`. A changed, deleted or new file under dist/ fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run --silent bundle
if ! git diff --exit-code --stat -- dist || [ -n "$(git status --porcelain --untracked-files=all -- dist)" ]; then
  git status --porcelain --untracked-files=all -- dist
  echo "::error title=Stale dist::dist/ is not the build of the tagged sources: run 'npm run bundle' and commit dist/."
  exit 1
fi
echo "dist/ is the build of the tagged sources"
