#!/bin/sh
# import.sh: the exact commands that made scenarios/bugs/har-*.xml from the captures here.
# Run from the source root after building: scenarios/bugs/har/import.sh [path/to/bsim [output-dir]]
# (the captures themselves come from tests/fixtures/har/make/make.py).
set -e
BSIM=${1:-build/sim/cli/bsim}
H=scenarios/bugs/har
O=${2:-scenarios/bugs}
"$BSIM" import-har $H/github-io.har -o $O/har-github-io.xml \
	--name "bug (imported): chat lost on shop.github.io" --expect-failure cookie-refused:public-suffix
"$BSIM" import-har $H/github-io-fixed.har -o $O/har-github-io-fixed.xml \
	--name "fixed (imported): the same shop on its own domain"
"$BSIM" import-har $H/vercel-app.har -o $O/har-vercel-app.xml \
	--name "bug (imported): chat lost on acme-support.vercel.app" --expect-failure cookie-refused:public-suffix
"$BSIM" import-har $H/vercel-app-fixed.har -o $O/har-vercel-app-fixed.xml \
	--name "fixed (imported): the same support site on its own domain"
"$BSIM" import-har $H/localhost-8-5.har -o $O/har-localhost-8-5.xml --widget-version 8.5 \
	--name "bug (imported): widget 8.5 on http://localhost in Safari" --expect-failure cookie-refused:no-registrable-domain
"$BSIM" import-har $H/localhost-8-5-fixed.har -o $O/har-localhost-8-5-fixed.xml --widget-version 8.5 \
	--name "fixed (imported): widget 8.5 on the localhost.com hosts-file alias"
"$BSIM" import-har $H/ip-8-5.har -o $O/har-ip-8-5.xml --widget-version 8.5 \
	--name "bug (imported): widget 8.5 on http://127.0.0.1" --expect-failure cookie-refused:domain-mismatch
"$BSIM" import-har $H/ip-8-5-fixed.har -o $O/har-ip-8-5-fixed.xml \
	--name "fixed (imported): widget 9 on http://127.0.0.1 writes host-only cookies"
"$BSIM" import-har $H/secure-then-http.har -o $O/har-secure-then-http.xml \
	--name "bug (imported): Secure chat cookies from https, then an http page" --expect-failure widget-cookie-hidden
"$BSIM" import-har $H/secure-then-http-fixed.har -o $O/har-secure-then-http-fixed.xml \
	--name "fixed (imported): the whole site on https"
"$BSIM" import-har $H/cookie-flood.har -o $O/har-cookie-flood.xml \
	--name "bug (imported): 200 promotion cookies evict the chat's" --expect-failure cookie-evicted:domain-limit
"$BSIM" import-har $H/cookie-flood-fixed.har -o $O/har-cookie-flood-fixed.xml \
	--name "fixed (imported): 20 promotion cookies leave the chat's alone"
"$BSIM" import-har $H/browser-restart.har -o $O/har-browser-restart.xml --closed-before page_2 \
	--name "bug (imported): chat gone after the customer closed the browser" --expect-failure cookie-session-ended
"$BSIM" import-har $H/browser-restart.har -o $O/har-browser-restart-fixed.xml --closed-before page_2 --session-restore \
	--name "fixed (imported): the same capture with the browser set to continue where it left off"
"$BSIM" import-har $H/nhs-uk.har -o $O/har-nhs-uk.xml \
	--name "bug (imported): a chat on www.nhs.uk does not reach digital.nhs.uk" --expect-failure widget-cookie-hidden
"$BSIM" import-har $H/nhs-uk-fixed.har -o $O/har-nhs-uk-fixed.xml \
	--name "fixed (imported): the chat stays on www.nhs.uk"
"$BSIM" import-har $H/ping-timeout.har -o $O/har-ping-timeout.xml \
	--name "bug (imported): back after two minutes on another site, the chat is gone" --expect-failure widget-restore-timeout
"$BSIM" import-har $H/ping-timeout-fixed.har -o $O/har-ping-timeout-fixed.xml \
	--name "fixed (imported): back within restoreTimeout, the chat restores"
